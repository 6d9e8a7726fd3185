// Deep4Net, the "Deep ConvNet" of Schirrmeister et al. 2017 ("Deep learning with convolutional
// neural networks for EEG decoding and visualization", Human Brain Mapping 38(11)), after
// Braindecode's implementation and defaults: a split first layer (temporal conv 25×(10,1) with
// bias, spatial conv 25×(1,C) without, run as one combined conv as Braindecode's CombinedConv),
// then BatchNorm, ELU and max-pool (3,1)/(3,1); three blocks of dropout 0.5, conv (10,1) without
// bias, BatchNorm, ELU and max-pool with 50, 100 and 200 filters; and a conv classifier over
// the remaining time steps (final conv length 'auto'). 282,879 parameters at 22 channels ×
// 1000 samples and 4 classes. Output: logits (Braindecode's add_log_softmax=False).
// Not supported: stride_before_pool and double_time_convs (off by default in Braindecode).
// Input x: (B, C, T)  B=batch, C=EEG channels, T=samples → logits (B, nOutputs).
// State-dict keys follow Braindecode's (conv_time_spat.conv_time.weight, bnorm.running_mean,
// conv_2.weight, bnorm_2.weight, ..., final_layer.conv_classifier.weight).

import { ArgumentError, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/shape.js';
import { elu } from '../ops/elementwise.js';
import { permute, unsqueeze } from '../ops/movement.js';
import { avgPool2d, maxPool2d } from '../ops/pool.js';
import { dropout } from '../ops/norm.js';
import { Module } from '../nn/module.js';
import { Conv2d } from '../nn/conv.js';
import { BatchNorm2d } from '../nn/batchnorm.js';
import { CombinedConv, FinalLayer } from './blocks.js';
import { constant_, xavierUniform_ } from '../nn/init.js';

export type Deep4PoolMode = 'max' | 'mean';

export interface Deep4NetOptions {
  nChans: number;
  nOutputs: number;
  nTimes: number;
  sfreq?: number;
  nFiltersTime?: number;
  nFiltersSpat?: number;
  filterTimeLength?: number;
  poolTimeLength?: number;
  poolTimeStride?: number;
  nFilters2?: number;
  filterLength2?: number;
  nFilters3?: number;
  filterLength3?: number;
  nFilters4?: number;
  filterLength4?: number;
  /** Non-linearity after the first (and later) conv + BatchNorm; Braindecode's default ELU. */
  firstConvNonlin?: (x: Tensor) => Tensor;
  laterConvNonlin?: (x: Tensor) => Tensor;
  firstPoolMode?: Deep4PoolMode;
  laterPoolMode?: Deep4PoolMode;
  dropProb?: number;
  /** Temporal then spatial conv (true, as Braindecode) or one temporal conv over all channels. */
  splitFirstLayer?: boolean;
  batchNorm?: boolean;
  /** BatchNorm momentum (Braindecode's batch_norm_alpha). */
  batchNormAlpha?: number;
  /** Time steps of the conv classifier: 'auto' (all that remain, one output) or a number. */
  finalConvLength?: number | 'auto';
}

export class Deep4Net extends Module {
  // fields in Braindecode's module order, so stateDict() keys come out in its order
  conv_time_spat: CombinedConv | null = null;
  conv_time: Conv2d | null = null;
  bnorm: BatchNorm2d | null = null;
  conv_2: Conv2d;
  bnorm_2: BatchNorm2d | null = null;
  conv_3: Conv2d;
  bnorm_3: BatchNorm2d | null = null;
  conv_4: Conv2d;
  bnorm_4: BatchNorm2d | null = null;
  final_layer: FinalLayer;
  readonly opts: Required<Deep4NetOptions>;
  /** Time steps the classifier sees (Braindecode's final_conv_length). */
  readonly finalConvLength: number;
  /** Set by toDense(): pooling strides 1, later layers dilated by the strides before them. */
  dense = false;

  constructor(o: Deep4NetOptions) {
    super();
    this.opts = {
      sfreq: 250, nFiltersTime: 25, nFiltersSpat: 25, filterTimeLength: 10, poolTimeLength: 3, poolTimeStride: 3,
      nFilters2: 50, filterLength2: 10, nFilters3: 100, filterLength3: 10, nFilters4: 200, filterLength4: 10,
      firstConvNonlin: (x) => elu(x), laterConvNonlin: (x) => elu(x), firstPoolMode: 'max', laterPoolMode: 'max',
      dropProb: 0.5, splitFirstLayer: true, batchNorm: true, batchNormAlpha: 0.1, finalConvLength: 'auto', ...o,
    };
    const p = this.opts;
    for (const k of ['nChans', 'nOutputs', 'nTimes', 'nFiltersTime', 'nFiltersSpat', 'filterTimeLength', 'poolTimeLength', 'poolTimeStride',
      'nFilters2', 'filterLength2', 'nFilters3', 'filterLength3', 'nFilters4', 'filterLength4'] as const) {
      if (!Number.isInteger(p[k]) || p[k] < 1) throw new ArgumentError(`Deep4Net: ${k} must be a positive integer, got ${p[k]}`);
    }
    if (!(p.dropProb >= 0 && p.dropProb <= 1)) throw new ArgumentError(`Deep4Net: dropProb must be in [0, 1], got ${p.dropProb}`);
    const auto = Deep4Net.outputTimes(p);
    this.finalConvLength = p.finalConvLength === 'auto' ? auto : p.finalConvLength;
    if (!Number.isInteger(this.finalConvLength) || this.finalConvLength < 1 || this.finalConvLength > auto) {
      throw new ArgumentError(`Deep4Net: finalConvLength must be 'auto' or an integer in [1, ${auto}] (time steps left at nTimes=${p.nTimes}), got ${p.finalConvLength}`);
    }

    const bn = (n: number): BatchNorm2d | null => (p.batchNorm ? new BatchNorm2d(n, { momentum: p.batchNormAlpha, eps: 1e-5 }) : null);
    let nConv: number;
    if (p.splitFirstLayer) {
      this.conv_time_spat = new CombinedConv(p.nChans, p.nFiltersTime, p.nFiltersSpat, p.filterTimeLength, !p.batchNorm);
      nConv = p.nFiltersSpat;
    } else {
      this.conv_time = new Conv2d(p.nChans, p.nFiltersTime, [p.filterTimeLength, 1], { bias: !p.batchNorm });
      nConv = p.nFiltersTime;
    }
    this.bnorm = bn(nConv);
    this.conv_2 = new Conv2d(nConv, p.nFilters2, [p.filterLength2, 1], { bias: !p.batchNorm });
    this.bnorm_2 = bn(p.nFilters2);
    this.conv_3 = new Conv2d(p.nFilters2, p.nFilters3, [p.filterLength3, 1], { bias: !p.batchNorm });
    this.bnorm_3 = bn(p.nFilters3);
    this.conv_4 = new Conv2d(p.nFilters3, p.nFilters4, [p.filterLength4, 1], { bias: !p.batchNorm });
    this.bnorm_4 = bn(p.nFilters4);
    this.final_layer = new FinalLayer(new Conv2d(p.nFilters4, p.nOutputs, [this.finalConvLength, 1]));
    this.resetParameters();
  }

  /**
   * Time steps left after the four conv-pool stages (the classifier's kernel length); throws an
   * ArgumentError naming the stage where nTimes runs out.
   */
  static outputTimes(p: Required<Deep4NetOptions>): number {
    let t = p.nTimes;
    const stages: [string, number][] = [['conv_time', p.filterTimeLength], ['conv_2', p.filterLength2], ['conv_3', p.filterLength3], ['conv_4', p.filterLength4]];
    for (const [name, k] of stages) {
      const afterConv = t - k + 1;
      const afterPool = Math.floor((afterConv - p.poolTimeLength) / p.poolTimeStride) + 1;
      if (afterConv < p.poolTimeLength || afterPool < 1) {
        throw new ArgumentError(
          `Deep4Net: nTimes=${p.nTimes} is too short: ${t} samples reach ${name} (kernel ${k}) and leave ${afterConv}, fewer than poolTimeLength ${p.poolTimeLength}`,
        );
      }
      t = afterPool;
    }
    return t;
  }

  /** Braindecode's initialisation: Xavier-uniform conv weights, zero biases, BatchNorm weight 1, bias 0. */
  resetParameters(): void {
    for (const [name, t] of Object.entries(this.stateDict())) {
      if (name.endsWith('running_mean') || name.endsWith('running_var') || name.endsWith('num_batches_tracked')) continue;
      if (/(^|\.)bnorm(_\d)?\./.test(name)) constant_(t, name.endsWith('.weight') ? 1 : 0);
      else if (name.endsWith('.weight')) xavierUniform_(t, 1);
      else constant_(t, 0);
    }
  }

  /**
   * Braindecode's to_dense_prediction_model: every pooling stride becomes 1 and each later conv
   * and max-pool is dilated by the product of the strides before it, so one forward pass gives
   * the predictions of every crop position (P = T − receptiveField + 1). Returns this.
   */
  toDense(): this {
    const p = this.opts;
    if (!this.dense && (p.firstPoolMode === 'mean' || p.laterPoolMode === 'mean') && p.poolTimeStride > 1) {
      // PyTorch's AvgPool2d has no dilation, so Braindecode's conversion is not defined for it either
      throw new ArgumentError(`Deep4Net.toDense: mean pooling cannot be dilated; use max pooling for dense predictions`);
    }
    if (!this.dense) {
      this.dense = true;
      const s = p.poolTimeStride;
      this.conv_2.dilation = [s, 1];
      this.conv_3.dilation = [s ** 2, 1];
      this.conv_4.dilation = [s ** 3, 1];
      this.final_layer.conv_classifier.dilation = [s ** 4, 1];
    }
    return this;
  }

  /** Input samples behind one output of the dense model. */
  get receptiveField(): number {
    const p = this.opts;
    const s = p.poolTimeStride;
    const pl = p.poolTimeLength - 1;
    return 1 + (p.filterTimeLength - 1) + pl + (p.filterLength2 - 1 + pl) * s + (p.filterLength3 - 1 + pl) * s ** 2 +
      (p.filterLength4 - 1 + pl) * s ** 3 + (this.finalConvLength - 1) * s ** 4;
  }

  forward(x: Tensor): Tensor {
    const p = this.opts;
    const okTime = this.dense ? (x.shape[2] ?? 0) >= this.receptiveField : x.shape[2] === p.nTimes;
    if (x.ndim !== 3 || x.shape[1] !== p.nChans || !okTime) {
      const want = this.dense ? `(B, ${p.nChans}, T ≥ ${this.receptiveField}) for the dense model` : `(B, ${p.nChans}, ${p.nTimes})`;
      throw new ShapeError(`Deep4Net: expected input ${want}, got ${fmtShape(x.shape)}`);
    }
    let dil = 1; // the dense model dilates each pool by the strides before it
    const pool = (h: Tensor, mode: Deep4PoolMode): Tensor => {
      const k: [number, number] = [p.poolTimeLength, 1];
      if (!this.dense) {
        const s: [number, number] = [p.poolTimeStride, 1];
        return mode === 'max' ? maxPool2d(h, k, { stride: s }) : avgPool2d(h, k, { stride: s });
      }
      const out = mode === 'max' ? maxPool2d(h, k, { stride: 1, dilation: [dil, 1] }) : avgPool2d(h, k, { stride: 1 });
      dil *= p.poolTimeStride;
      return out;
    };
    let h: Tensor;
    if (this.conv_time_spat) h = this.conv_time_spat.call(unsqueeze(permute(x, [0, 2, 1]), 1)); // (B, 1, T, C) → (B, F, T', 1)
    else h = this.conv_time!.call(unsqueeze(x, 3)); // (B, C, T, 1) → (B, F, T', 1)
    if (this.bnorm) h = this.bnorm.call(h);
    h = pool(p.firstConvNonlin(h), p.firstPoolMode);
    for (const [conv, bn] of [[this.conv_2, this.bnorm_2], [this.conv_3, this.bnorm_3], [this.conv_4, this.bnorm_4]] as const) {
      h = conv.call(dropout(h, p.dropProb, this.training));
      if (bn) h = bn.call(h);
      h = pool(p.laterConvNonlin(h), p.laterPoolMode);
    }
    return this.final_layer.call(h); // (B, nOutputs) or (B, nOutputs, P)
  }
}
