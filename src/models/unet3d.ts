// A small 3-D U-Net (Çiçek et al. 2016) for volumes: per level two Conv3d(3, same)+GroupNorm+ReLU
// blocks, MaxPool3d(2) down, ConvTranspose3d(2, stride 2) up with skip concatenation, then a
// 1×1×1 classifier. GroupNorm instead of BatchNorm because 3-D batches are one or two patches.
// Input sides must be divisible by 2^(levels−1).

import { ArgumentError, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { relu } from '../ops/elementwise.js';
import { isGradEnabled } from '../autograd/grad_mode.js';
import { cat } from '../ops/movement.js';
import { maxPool3d } from '../ops/pool3d.js';
import { Module } from '../nn/module.js';
import { Conv3d } from '../nn/conv.js';
import { ConvTranspose3d } from '../nn/conv_transpose.js';
import { GroupNorm } from '../nn/normalization.js';

export interface UNet3dOptions {
  inChannels?: number;
  classes: number;
  /** Feature maps of the first level; doubled at each level down (default 8). */
  baseChannels?: number;
  /** Resolution levels, 2 or 3 (default 3). */
  levels?: number;
}

/** Applies `fs` in turn; without gradients each intermediate (not x) is freed once read. */
function chain(x: Tensor, fs: ((t: Tensor) => Tensor)[]): Tensor {
  const free = !isGradEnabled();
  let y = x;
  for (const f of fs) {
    const z = f(y);
    if (free && y !== x && z !== y) y.dispose();
    y = z;
  }
  return y;
}

class ConvBlock extends Module {
  readonly c1: Conv3d;
  readonly n1: GroupNorm;
  readonly c2: Conv3d;
  readonly n2: GroupNorm;
  constructor(cin: number, cout: number) {
    super();
    const groups = Math.min(4, cout);
    this.c1 = new Conv3d(cin, cout, 3, { padding: 1 });
    this.n1 = new GroupNorm(groups, cout);
    this.c2 = new Conv3d(cout, cout, 3, { padding: 1 });
    this.n2 = new GroupNorm(groups, cout);
  }
  forward(x: Tensor): Tensor {
    return chain(x, [(t) => this.c1.call(t), (t) => this.n1.call(t), relu, (t) => this.c2.call(t), (t) => this.n2.call(t), relu]);
  }
}

/** The state dict's keys and shapes of the U-Net `o` describes, computed without building it. */
export function unet3dStateShapes(o: UNet3dOptions): Record<string, number[]> {
  const cin = o.inChannels ?? 1, b = o.baseChannels ?? 8, L = o.levels ?? 3, K = o.classes;
  const out: Record<string, number[]> = {};
  const block = (name: string, ci: number, co: number) => {
    out[`${name}.c1.weight`] = [co, ci, 3, 3, 3];
    out[`${name}.c1.bias`] = [co];
    out[`${name}.n1.weight`] = [co];
    out[`${name}.n1.bias`] = [co];
    out[`${name}.c2.weight`] = [co, co, 3, 3, 3];
    out[`${name}.c2.bias`] = [co];
    out[`${name}.n2.weight`] = [co];
    out[`${name}.n2.bias`] = [co];
  };
  let c = cin;
  for (let l = 0; l < L; l++) {
    block(`down${l}`, c, b * 2 ** l);
    c = b * 2 ** l;
  }
  for (let l = L - 2; l >= 0; l--) {
    const w = b * 2 ** l;
    out[`up${l}.weight`] = [c, w, 2, 2, 2];
    out[`up${l}.bias`] = [w];
    block(`upBlock${l}`, 2 * w, w);
    c = w;
  }
  out['classifier.weight'] = [K, c, 1, 1, 1];
  out['classifier.bias'] = [K];
  return out;
}

export class UNet3d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly baseChannels: number;
  readonly levels: number;
  readonly steps: { kind: string; conv: { outChannels: number } }[];
  private readonly down: ConvBlock[] = [];
  private readonly ups: ConvTranspose3d[] = [];
  private readonly upBlocks: ConvBlock[] = [];
  private readonly classifier: Conv3d;

  constructor(o: UNet3dOptions) {
    super();
    this.inChannels = o.inChannels ?? 1;
    this.outChannels = o.classes;
    this.baseChannels = o.baseChannels ?? 8;
    this.levels = o.levels ?? 3;
    for (const [name, v] of [['inChannels', this.inChannels], ['classes', this.outChannels], ['baseChannels', this.baseChannels]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`UNet3d: ${name} must be a positive integer, got ${v}`);
    }
    if (this.levels !== 2 && this.levels !== 3) throw new ArgumentError(`UNet3d: levels must be 2 or 3, got ${this.levels}`);
    let c = this.inChannels;
    for (let l = 0; l < this.levels; l++) {
      const w = this.baseChannels * 2 ** l;
      const b = new ConvBlock(c, w);
      this.registerModule(`down${l}`, b);
      this.down.push(b);
      c = w;
    }
    for (let l = this.levels - 2; l >= 0; l--) {
      const w = this.baseChannels * 2 ** l;
      const up = new ConvTranspose3d(c, w, 2, { stride: 2 });
      const b = new ConvBlock(2 * w, w);
      this.registerModule(`up${l}`, up);
      this.registerModule(`upBlock${l}`, b);
      this.ups.push(up);
      this.upBlocks.push(b);
      c = w;
    }
    this.classifier = new Conv3d(c, this.outChannels, 1);
    this.registerModule('classifier', this.classifier);
    // the widest activation pair (for segmentVolume's memory budget): the first up block's input
    this.steps = [{ kind: 'conv3d', conv: { outChannels: 2 * this.baseChannels } }, { kind: 'conv3d', conv: { outChannels: this.baseChannels } }];
  }

  /**
   * The convolutions' reach at full resolution. GroupNorm statistics span the whole input, so
   * tiled inference equals one whole-volume pass only with one tile (give segmentVolume a
   * budget that fits the volume).
   */
  receptiveField(): { before: [number, number, number]; after: [number, number, number] } {
    // two 3×3×3 convs per level per side, each reaching 2^l voxels at level l, plus pooling
    let r = 0;
    for (let l = 0; l < this.levels; l++) r += (l === this.levels - 1 ? 2 : 4) * 2 ** l;
    r += 2 ** (this.levels - 1);
    return { before: [r, r, r], after: [r, r, r] };
  }

  /** x: (N, C, D, H, W) with D, H, W divisible by 2^(levels−1) → logits (N, classes, D, H, W). */
  forward(x: Tensor): Tensor {
    const f = 2 ** (this.levels - 1);
    if (x.ndim !== 5 || x.shape.slice(2).some((s) => s % f !== 0)) throw new ShapeError(`UNet3d: input [${x.shape.join(', ')}] must be (N, C, D, H, W) with D, H, W divisible by ${f}`);
    // without gradients every activation is freed as soon as nothing reads it any more
    const free = !isGradEnabled();
    const skips: Tensor[] = [];
    let y = x;
    for (let l = 0; l < this.levels; l++) {
      y = l > 0 ? chain(y, [(t) => maxPool3d(t, 2), (t) => this.down[l]!.call(t)]) : this.down[l]!.call(y);
      skips.push(y);
    }
    for (let i = 0; i < this.ups.length; i++) {
      const skip = skips[this.levels - 2 - i]!;
      const up = this.ups[i]!.call(y);
      if (free && y !== skips[this.levels - 1]) y.dispose();
      const joined = cat([up, skip], 1);
      if (free) {
        up.dispose();
        skip.dispose();
        if (i === 0) skips[this.levels - 1]!.dispose();
      }
      y = chain(joined, [(t) => this.upBlocks[i]!.call(t)]);
      if (free) joined.dispose();
    }
    const out = this.classifier.call(y);
    if (free) y.dispose();
    return out;
  }

  override extraRepr(): string {
    return `${this.inChannels} → ${this.baseChannels}·2^l, ${this.levels} levels → ${this.outChannels}`;
  }
}
