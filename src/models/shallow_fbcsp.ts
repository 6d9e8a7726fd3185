// ShallowFBCSPNet (Schirrmeister et al. 2017, "Deep learning with convolutional neural networks
// for EEG decoding and visualization"), after Braindecode's implementation and defaults:
// temporal conv 40×(25,1) and spatial conv 40×(1,C) without bias (applied as one combined conv,
// as Braindecode's CombinedConv), BatchNorm, square, mean-pool (75,1)/(15,1), safe log,
// dropout 0.5, and a conv classifier over the remaining time steps.
// Input x: (B, C, T)  B=batch, C=EEG channels, T=samples → logits (B, nOutputs).
// State-dict keys follow Braindecode's (conv_time_spat.conv_time.weight, bnorm.running_mean, ...).

import { ArgumentError, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/shape.js';
import { clamp, log, square } from '../ops/elementwise.js';
import { matmul } from '../ops/matmul.js';
import { permute, reshape, squeeze, unsqueeze } from '../ops/movement.js';
import { sum } from '../ops/reduce.js';
import { conv2d } from '../ops/conv.js';
import { avgPool2d } from '../ops/pool.js';
import { dropout } from '../ops/norm.js';
import { Module } from '../nn/module.js';
import { Conv2d } from '../nn/conv.js';
import { BatchNorm2d } from '../nn/batchnorm.js';

export interface ShallowFBCSPNetOptions {
  nChans: number;
  nOutputs: number;
  nTimes: number;
  sfreq?: number;
  nFiltersTime?: number;
  filterTimeLength?: number;
  nFiltersSpat?: number;
  poolTimeLength?: number;
  poolTimeStride?: number;
  dropProb?: number;
}

/** The temporal and spatial convolutions, run as one conv whose weight is their product. */
class CombinedConv extends Module {
  conv_time: Conv2d;
  conv_spat: Conv2d;
  constructor(nChans: number, nTime: number, nSpat: number, k: number) {
    super();
    this.conv_time = new Conv2d(1, nTime, [k, 1]);
    this.conv_spat = new Conv2d(nTime, nSpat, [1, nChans], { bias: false });
  }
  forward(x: Tensor): Tensor {
    // x: (B, 1, T, C)
    const [O, F, , C] = this.conv_spat.weight.shape as [number, number, number, number];
    const K = this.conv_time.weight.shape[2]!;
    const spat = reshape(this.conv_spat.weight, [O, F, C]);
    const time = reshape(this.conv_time.weight, [F, K]);
    // W[o, k, c] = Σ_f spat[o, f, c] · time[f, k]
    const w = permute(reshape(matmul(reshape(permute(spat, [0, 2, 1]), [O * C, F]), time), [O, C, K]), [0, 2, 1]);
    // b[o] = Σ_f (Σ_c spat[o, f, c]) · bias_time[f]
    const b = matmul(sum(spat, 2), this.conv_time.bias!);
    return conv2d(x, reshape(w, [O, 1, K, C]), b);
  }
}

export class ShallowFBCSPNet extends Module {
  conv_time_spat: CombinedConv;
  bnorm: BatchNorm2d;
  final_layer: Module;
  readonly opts: Required<ShallowFBCSPNetOptions>;

  constructor(o: ShallowFBCSPNetOptions) {
    super();
    this.opts = {
      sfreq: 250, nFiltersTime: 40, filterTimeLength: 25, nFiltersSpat: 40, poolTimeLength: 75, poolTimeStride: 15, dropProb: 0.5, ...o,
    };
    const p = this.opts;
    for (const k of ['nChans', 'nOutputs', 'nTimes'] as const) {
      if (!Number.isInteger(p[k]) || p[k] < 1) throw new ArgumentError(`ShallowFBCSPNet: ${k} must be a positive integer, got ${p[k]}`);
    }
    const afterConv = p.nTimes - p.filterTimeLength + 1;
    const nOutTime = Math.floor((afterConv - p.poolTimeLength) / p.poolTimeStride) + 1;
    if (nOutTime < 1) {
      throw new ArgumentError(`ShallowFBCSPNet: nTimes=${p.nTimes} is too short for filterTimeLength ${p.filterTimeLength} + poolTimeLength ${p.poolTimeLength}`);
    }
    this.conv_time_spat = new CombinedConv(p.nChans, p.nFiltersTime, p.nFiltersSpat, p.filterTimeLength);
    this.bnorm = new BatchNorm2d(p.nFiltersSpat, { momentum: 0.1, eps: 1e-5 });
    const classifier = new Conv2d(p.nFiltersSpat, p.nOutputs, [nOutTime, 1]);
    this.final_layer = new (class FinalLayer extends Module {
      conv_classifier = classifier;
      forward(x: Tensor): Tensor {
        return squeeze(squeeze(this.conv_classifier.call(x), 3), 2);
      }
    })();
  }

  forward(x: Tensor): Tensor {
    const p = this.opts;
    if (x.ndim !== 3 || x.shape[1] !== p.nChans || x.shape[2] !== p.nTimes) {
      throw new ShapeError(`ShallowFBCSPNet: expected input (B, ${p.nChans}, ${p.nTimes}), got ${fmtShape(x.shape)}`);
    }
    let h = unsqueeze(permute(x, [0, 2, 1]), 1); // (B, 1, T, C)
    h = this.conv_time_spat.call(h); // (B, F, T', 1)
    h = this.bnorm.call(h);
    h = square(h);
    h = avgPool2d(h, [p.poolTimeLength, 1], { stride: [p.poolTimeStride, 1] });
    h = log(clamp(h, 1e-6));
    h = dropout(h, p.dropProb, this.training);
    return this.final_layer.call(h);
  }
}
