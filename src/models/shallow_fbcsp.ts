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
import { permute, unsqueeze } from '../ops/movement.js';
import { avgPool2d } from '../ops/pool.js';
import { dropout } from '../ops/norm.js';
import { Module } from '../nn/module.js';
import { Conv2d } from '../nn/conv.js';
import { BatchNorm2d } from '../nn/batchnorm.js';
import { CombinedConv, FinalLayer } from './blocks.js';

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

export class ShallowFBCSPNet extends Module {
  conv_time_spat: CombinedConv;
  bnorm: BatchNorm2d;
  final_layer: FinalLayer;
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
    this.final_layer = new FinalLayer(classifier);
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
