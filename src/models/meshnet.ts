// MeshNet (Fedorov et al. 2017; brainchop's models): a stack of dilated 3×3×3 convolutions with
// 'same' padding, each followed by normalisation and ReLU, then a 1×1×1 classifier. No pooling,
// so every voxel gets a label at full resolution and the reach of each voxel is the sum of the
// dilations on each side, which is what segmentVolume's seam-free tiling needs.

import { ArgumentError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { relu } from '../ops/elementwise.js';
import { isGradEnabled } from '../autograd/grad_mode.js';
import { Module } from '../nn/module.js';
import { Conv3d } from '../nn/conv.js';
import { BatchNorm3d } from '../nn/batchnorm.js';
import { GroupNorm } from '../nn/normalization.js';

export interface MeshNetOptions {
  inChannels?: number;
  /** Output classes. */
  classes: number;
  /** Feature maps of every hidden layer (brainchop: 5–21). */
  channels?: number;
  /** Dilation of each 3×3×3 layer (brainchop: 1, 2, 4, 8, 16, 8, 4, 2, 1). */
  dilations?: readonly number[];
  /** Normalisation after each convolution (default batch, as brainchop). */
  norm?: 'batch' | 'group';
}

export const MESHNET_DILATIONS: readonly number[] = [1, 2, 4, 8, 16, 8, 4, 2, 1];

/**
 * The state dict's keys and shapes of the MeshNet `o` describes, computed without building it, so
 * that a saved config can be checked against its weights before anything is allocated.
 */
export function meshNetStateShapes(o: MeshNetOptions): Record<string, number[]> {
  const cin = o.inChannels ?? 1, C = o.channels ?? 21, K = o.classes;
  const out: Record<string, number[]> = {};
  let c = cin;
  (o.dilations ?? MESHNET_DILATIONS).forEach((_, i) => {
    out[`conv${i}.weight`] = [C, c, 3, 3, 3];
    out[`conv${i}.bias`] = [C];
    out[`norm${i}.weight`] = [C];
    out[`norm${i}.bias`] = [C];
    if ((o.norm ?? 'batch') === 'batch') {
      out[`norm${i}.running_mean`] = [C];
      out[`norm${i}.running_var`] = [C];
      out[`norm${i}.num_batches_tracked`] = [];
    }
    c = C;
  });
  out['classifier.weight'] = [K, c, 1, 1, 1];
  out['classifier.bias'] = [K];
  return out;
}

export class MeshNet extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly channels: number;
  readonly dilations: number[];
  readonly norm: 'batch' | 'group';
  readonly steps: { kind: string; conv: { outChannels: number } }[];
  private readonly convs: Conv3d[] = [];
  private readonly norms: Module[] = [];
  private readonly classifier: Conv3d;

  constructor(o: MeshNetOptions) {
    super();
    this.inChannels = o.inChannels ?? 1;
    this.outChannels = o.classes;
    this.channels = o.channels ?? 21;
    this.dilations = [...(o.dilations ?? MESHNET_DILATIONS)];
    this.norm = o.norm ?? 'batch';
    for (const [name, v] of [['inChannels', this.inChannels], ['classes', this.outChannels], ['channels', this.channels]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`MeshNet: ${name} must be a positive integer, got ${v}`);
    }
    if (this.dilations.length === 0 || this.dilations.some((d) => !Number.isInteger(d) || d < 1)) throw new ArgumentError(`MeshNet: dilations must be positive integers, got [${this.dilations.join(', ')}]`);
    let c = this.inChannels;
    this.dilations.forEach((d, i) => {
      const conv = new Conv3d(c, this.channels, 3, { padding: d, dilation: d });
      // GroupNorm over up to 4 groups (as many as divide the channels)
      const groups = [4, 3, 2, 1].find((g) => this.channels % g === 0)!;
      const norm = this.norm === 'batch' ? new BatchNorm3d(this.channels) : new GroupNorm(groups, this.channels);
      this.registerModule(`conv${i}`, conv);
      this.registerModule(`norm${i}`, norm);
      this.convs.push(conv);
      this.norms.push(norm);
      c = this.channels;
    });
    this.classifier = new Conv3d(c, this.outChannels, 1);
    this.registerModule('classifier', this.classifier);
    this.steps = [...this.convs, this.classifier].map((cv) => ({ kind: 'conv3d', conv: { outChannels: cv.outChannels } }));
  }

  /** Voxels each output depends on along (D, H, W) on each side: the sum of the dilations. */
  receptiveField(): { before: [number, number, number]; after: [number, number, number] } {
    const r = this.dilations.reduce((a, b) => a + b, 0);
    return { before: [r, r, r], after: [r, r, r] };
  }

  /**
   * x: (N, C, D, H, W) → logits (N, classes, D, H, W). Without gradients each intermediate is
   * freed once the next op has read it, so a whole volume holds at most two activations.
   */
  forward(x: Tensor): Tensor {
    const free = !isGradEnabled();
    let y = x;
    const next = (z: Tensor) => {
      if (free && y !== x && z !== y) y.dispose();
      y = z;
    };
    for (let i = 0; i < this.convs.length; i++) {
      next(this.convs[i]!.call(y));
      next(this.norms[i]!.call(y) as Tensor);
      next(relu(y));
    }
    next(this.classifier.call(y));
    return y;
  }

  override extraRepr(): string {
    return `${this.inChannels} → ${this.channels} × [${this.dilations.join(', ')}] (${this.norm} norm) → ${this.outChannels}`;
  }
}
