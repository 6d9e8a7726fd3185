// ShallowFBCSPNet (Schirrmeister et al. 2017, "Deep learning with convolutional neural networks
// for EEG decoding and visualization"), after Braindecode's implementation and defaults:
// temporal conv 40×(25,1) and spatial conv 40×(1,C) without bias (applied as one combined conv,
// as Braindecode's CombinedConv), BatchNorm, square, mean-pool (75,1)/(15,1), safe log,
// dropout 0.5, and a conv classifier over the remaining time steps ('auto') or over
// finalConvLength of them (Braindecode's cropped setting: then one prediction per position).
// Input x: (B, C, T)  B=batch, C=EEG channels, T=samples → logits (B, nOutputs), or
// (B, nOutputs, P) when the classifier sees fewer steps than the pooling leaves (P predictions).
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
  /** Time steps of the conv classifier: 'auto' (all that remain, one output) or a number. */
  finalConvLength?: number | 'auto';
}

export class ShallowFBCSPNet extends Module {
  conv_time_spat: CombinedConv;
  bnorm: BatchNorm2d;
  final_layer: FinalLayer;
  readonly opts: Required<ShallowFBCSPNetOptions>;
  /** Set by toDense(): pooling stride 1, classifier dilated by the pooling stride. */
  dense = false;

  constructor(o: ShallowFBCSPNetOptions) {
    super();
    this.opts = {
      sfreq: 250, nFiltersTime: 40, filterTimeLength: 25, nFiltersSpat: 40, poolTimeLength: 75, poolTimeStride: 15, dropProb: 0.5, finalConvLength: 'auto', ...o,
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
    const k = p.finalConvLength === 'auto' ? nOutTime : p.finalConvLength;
    if (!Number.isInteger(k) || k < 1 || k > nOutTime) {
      throw new ArgumentError(`ShallowFBCSPNet: finalConvLength must be 'auto' or an integer in [1, ${nOutTime}] (time steps after pooling at nTimes=${p.nTimes}), got ${p.finalConvLength}`);
    }
    this.conv_time_spat = new CombinedConv(p.nChans, p.nFiltersTime, p.nFiltersSpat, p.filterTimeLength);
    this.bnorm = new BatchNorm2d(p.nFiltersSpat, { momentum: 0.1, eps: 1e-5 });
    const classifier = new Conv2d(p.nFiltersSpat, p.nOutputs, [k, 1]);
    this.final_layer = new FinalLayer(classifier);
  }

  /**
   * Braindecode's to_dense_prediction_model: the pooling stride becomes 1 and the classifier is
   * dilated by it, so one forward pass gives the predictions of every crop position at once
   * (P = T − receptiveField + 1). Weights are unchanged; returns this.
   */
  toDense(): this {
    if (!this.dense) {
      this.dense = true;
      this.final_layer.conv_classifier.dilation = [this.opts.poolTimeStride, 1];
    }
    return this;
  }

  /** Input samples behind one output of the dense model. */
  get receptiveField(): number {
    const p = this.opts;
    const k = this.final_layer.conv_classifier.kernelSize[0];
    return p.filterTimeLength + p.poolTimeLength - 1 + (k - 1) * p.poolTimeStride;
  }

  forward(x: Tensor): Tensor {
    const p = this.opts;
    const okTime = this.dense ? (x.shape[2] ?? 0) >= this.receptiveField : x.shape[2] === p.nTimes;
    if (x.ndim !== 3 || x.shape[1] !== p.nChans || !okTime) {
      const want = this.dense ? `(B, ${p.nChans}, T ≥ ${this.receptiveField}) for the dense model` : `(B, ${p.nChans}, ${p.nTimes})`;
      throw new ShapeError(`ShallowFBCSPNet: expected input ${want}, got ${fmtShape(x.shape)}`);
    }
    let h = unsqueeze(permute(x, [0, 2, 1]), 1); // (B, 1, T, C)
    h = this.conv_time_spat.call(h); // (B, F, T', 1)
    h = this.bnorm.call(h);
    h = square(h);
    h = avgPool2d(h, [p.poolTimeLength, 1], { stride: [this.dense ? 1 : p.poolTimeStride, 1] });
    h = log(clamp(h, 1e-6));
    h = dropout(h, p.dropProb, this.training);
    return this.final_layer.call(h);
  }
}
