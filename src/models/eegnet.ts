// EEGNet (v4) of Lawhern et al. 2018 ("EEGNet: a compact convolutional neural network for
// EEG-based brain-computer interfaces", J. Neural Eng. 15(5) 056013), after Braindecode's
// EEGNet/EEGNetv4 and its defaults: temporal conv F1×(1,64) padded (0,32), BatchNorm; depthwise
// spatial conv (C,1) with D filters per temporal filter (groups F1), BatchNorm, ELU, mean-pool
// (1,4), dropout 0.25; separable conv = depthwise (1,16) padded (0,8) + pointwise 1×1 to F2,
// BatchNorm, ELU, mean-pool (1,8), dropout; a conv classifier over the remaining time steps
// (Braindecode's final_layer_with_constraint=False). No conv has a bias except the classifier.
// BatchNorm momentum 0.01, eps 1e-3. 2,484 parameters at 22 channels × 512 samples, 4 classes.
// Output: logits.
//
// Max-norm: Braindecode's conv_spatial is a Conv2dWithConstraint that renormalises its weight
// in place (torch.renorm, p=2 over dim 0, max norm 1) at the start of every forward pass, so
// in effect after every optimiser step. Here the forward pass leaves weights alone; call
// `applyMaxNorm()` after each optimiser step (and once after loading foreign weights) to get
// the same weights as Braindecode.
// Input x: (B, C, T)  B=batch, C=EEG channels, T=samples → logits (B, nOutputs).
// State-dict keys follow Braindecode's (conv_temporal.weight, bnorm_temporal.running_mean,
// conv_spatial.weight, ..., final_layer.conv_classifier.weight).

import { ArgumentError, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/creation.js';
import { fmtShape } from '../tensor/shape.js';
import { noGrad } from '../autograd/grad_mode.js';
import { elu } from '../ops/elementwise.js';
import { squeeze, unsqueeze } from '../ops/movement.js';
import { avgPool2d, maxPool2d } from '../ops/pool.js';
import { dropout } from '../ops/norm.js';
import { Module } from '../nn/module.js';
import { Conv2d } from '../nn/conv.js';
import { BatchNorm2d } from '../nn/batchnorm.js';
import { constant_, xavierUniform_ } from '../nn/init.js';

export interface EEGNetOptions {
  nChans: number;
  nOutputs: number;
  nTimes: number;
  sfreq?: number;
  /** Temporal filters. */
  F1?: number;
  /** Spatial filters per temporal filter (depth multiplier). */
  D?: number;
  /** Pointwise filters of the separable conv; default F1·D. */
  F2?: number;
  kernelLength?: number;
  depthwiseKernelLength?: number;
  pool1KernelSize?: number;
  pool2KernelSize?: number;
  poolMode?: 'mean' | 'max';
  /** Max L2 norm of each spatial filter, enforced by applyMaxNorm(). */
  convSpatialMaxNorm?: number;
  batchNormMomentum?: number;
  batchNormEps?: number;
  dropProb?: number;
}

class FinalLayer extends Module {
  constructor(public conv_classifier: Conv2d) {
    super();
  }
  forward(x: Tensor): Tensor {
    // (B, nOutputs, 1, 1) → (B, nOutputs); Braindecode permutes back first, a no-op on 1×1
    return squeeze(squeeze(this.conv_classifier.call(x), 3), 2);
  }
}

/**
 * torch.renorm(w, p=2, dim=0, maxnorm) in place: every slice w[i] whose L2 norm exceeds
 * maxNorm is scaled by maxNorm / (norm + 1e-7); the others are left as they are.
 */
export function renorm_(w: Tensor, maxNorm: number): Tensor {
  if (!(maxNorm > 0)) throw new ArgumentError(`renorm_: maxNorm must be positive, got ${maxNorm}`);
  const n = w.shape[0]!;
  const per = w.numel / n;
  const d = w.dataSync();
  const scale = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = i * per; j < (i + 1) * per; j++) s += d[j]! * d[j]!;
    const norm = Math.sqrt(s);
    scale[i] = norm > maxNorm ? maxNorm / (norm + 1e-7) : 1;
  }
  return noGrad(() => w.mul_(tensor(scale, { shape: [n, ...w.shape.slice(1).map(() => 1)], dtype: w.dtype })));
}

export class EEGNet extends Module {
  conv_temporal: Conv2d;
  bnorm_temporal: BatchNorm2d;
  conv_spatial: Conv2d;
  bnorm_1: BatchNorm2d;
  conv_separable_depth: Conv2d;
  conv_separable_point: Conv2d;
  bnorm_2: BatchNorm2d;
  final_layer: FinalLayer;
  readonly opts: Required<EEGNetOptions>;
  /** Time steps the classifier sees (Braindecode's final_conv_length 'auto'). */
  readonly finalConvLength: number;

  constructor(o: EEGNetOptions) {
    super();
    const F1 = o.F1 ?? 8;
    const D = o.D ?? 2;
    this.opts = {
      sfreq: 128, F1, D, F2: F1 * D, kernelLength: 64, depthwiseKernelLength: 16, pool1KernelSize: 4, pool2KernelSize: 8,
      poolMode: 'mean', convSpatialMaxNorm: 1, batchNormMomentum: 0.01, batchNormEps: 1e-3, dropProb: 0.25, ...o,
    };
    const p = this.opts;
    for (const k of ['nChans', 'nOutputs', 'nTimes', 'F1', 'D', 'F2', 'kernelLength', 'depthwiseKernelLength', 'pool1KernelSize', 'pool2KernelSize'] as const) {
      if (!Number.isInteger(p[k]) || p[k] < 1) throw new ArgumentError(`EEGNet: ${k} must be a positive integer, got ${p[k]}`);
    }
    if (!(p.dropProb >= 0 && p.dropProb <= 1)) throw new ArgumentError(`EEGNet: dropProb must be in [0, 1], got ${p.dropProb}`);
    this.finalConvLength = EEGNet.outputTimes(p);

    const bn = (n: number) => new BatchNorm2d(n, { momentum: p.batchNormMomentum, eps: p.batchNormEps });
    const FD = p.F1 * p.D;
    this.conv_temporal = new Conv2d(1, p.F1, [1, p.kernelLength], { bias: false, padding: [0, Math.floor(p.kernelLength / 2)] });
    this.bnorm_temporal = bn(p.F1);
    this.conv_spatial = new Conv2d(p.F1, FD, [p.nChans, 1], { bias: false, groups: p.F1 });
    this.bnorm_1 = bn(FD);
    this.conv_separable_depth = new Conv2d(FD, FD, [1, p.depthwiseKernelLength], { bias: false, groups: FD, padding: [0, Math.floor(p.depthwiseKernelLength / 2)] });
    this.conv_separable_point = new Conv2d(FD, p.F2, [1, 1], { bias: false });
    this.bnorm_2 = bn(p.F2);
    this.final_layer = new FinalLayer(new Conv2d(p.F2, p.nOutputs, [1, this.finalConvLength]));
    this.resetParameters();
  }

  /** Time steps left after the two conv-pool stages; throws an ArgumentError when nTimes is too short. */
  static outputTimes(p: Required<EEGNetOptions>): number {
    const t1 = p.nTimes + 2 * Math.floor(p.kernelLength / 2) - p.kernelLength + 1; // conv_temporal
    const t2 = Math.floor(t1 / p.pool1KernelSize);
    const t3 = t2 + 2 * Math.floor(p.depthwiseKernelLength / 2) - p.depthwiseKernelLength + 1; // conv_separable_depth
    const t4 = Math.floor(t3 / p.pool2KernelSize);
    if (t2 < 1 || t3 < 1 || t4 < 1) {
      throw new ArgumentError(
        `EEGNet: nTimes=${p.nTimes} is too short: ${t1} samples after conv_temporal, ${t2} after pool_1 (${p.pool1KernelSize}), ` +
          `${t3} after conv_separable_depth, ${t4} after pool_2 (${p.pool2KernelSize}); need at least 1`,
      );
    }
    return t4;
  }

  /** Braindecode's glorot_weight_zero_bias: Xavier-uniform conv weights, zero biases, BatchNorm weight 1. */
  resetParameters(): void {
    for (const [name, m] of this.namedModules()) {
      if (m instanceof BatchNorm2d) {
        constant_(m.weight!, 1);
        constant_(m.bias!, 0);
      } else if (m instanceof Conv2d) {
        xavierUniform_(m.weight, 1);
        if (m.bias) constant_(m.bias, 0);
      } else if (name !== '' && !(m instanceof FinalLayer)) {
        throw new ArgumentError(`EEGNet.resetParameters: unexpected module ${name}`);
      }
    }
  }

  /** Braindecode's max-norm constraint on conv_spatial (each spatial filter's L2 norm ≤ convSpatialMaxNorm). */
  applyMaxNorm(): this {
    renorm_(this.conv_spatial.weight, this.opts.convSpatialMaxNorm);
    return this;
  }

  forward(x: Tensor): Tensor {
    const p = this.opts;
    if (x.ndim !== 3 || x.shape[1] !== p.nChans || x.shape[2] !== p.nTimes) {
      throw new ShapeError(`EEGNet: expected input (B, ${p.nChans}, ${p.nTimes}), got ${fmtShape(x.shape)}`);
    }
    const pool = (h: Tensor, k: number): Tensor => (p.poolMode === 'mean' ? avgPool2d(h, [1, k]) : maxPool2d(h, [1, k]));
    let h = unsqueeze(x, 1); // (B, 1, C, T)
    h = this.bnorm_temporal.call(this.conv_temporal.call(h)); // (B, F1, C, T+1)
    h = elu(this.bnorm_1.call(this.conv_spatial.call(h))); // (B, F1·D, 1, T+1)
    h = dropout(pool(h, p.pool1KernelSize), p.dropProb, this.training); // (B, F1·D, 1, T2)
    h = this.conv_separable_point.call(this.conv_separable_depth.call(h)); // (B, F2, 1, T3)
    h = elu(this.bnorm_2.call(h));
    h = dropout(pool(h, p.pool2KernelSize), p.dropProb, this.training); // (B, F2, 1, T4)
    return this.final_layer.call(h); // (B, nOutputs)
  }
}
