// Batch normalisation with running statistics, as torch.nn.BatchNorm1d/2d.
// BatchNorm1d: (N, C) or (N, C, L); BatchNorm2d: (N, C, H, W); BatchNorm3d: (N, C, D, H, W).

import { ShapeError } from '../errors.js';
import { Tensor, fromValues } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/shape.js';
import { ones, zeros } from '../tensor/creation.js';
import { batchNorm } from '../ops/norm.js';
import type { DType } from '../tensor/tensor.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

export interface BatchNormLayerOptions {
  eps?: number;
  /** null: cumulative moving average, as PyTorch's momentum=None. */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
  dtype?: DType;
}

abstract class BatchNormBase extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly eps: number;
  readonly momentum: number | null;
  readonly trackRunningStats: boolean;
  protected abstract readonly ndims: readonly number[];

  constructor(readonly numFeatures: number, opts: BatchNormLayerOptions = {}) {
    super();
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    this.trackRunningStats = opts.trackRunningStats ?? true;
    const dtype = opts.dtype ?? 'float32';
    const affine = opts.affine ?? true;
    this.weight = affine ? new Parameter(ones([numFeatures], { dtype })) : null;
    this.bias = affine ? new Parameter(zeros([numFeatures], { dtype })) : null;
    if (this.trackRunningStats) {
      this.registerBuffer('running_mean', zeros([numFeatures], { dtype }));
      this.registerBuffer('running_var', ones([numFeatures], { dtype }));
      const t = fromValues([0], [], 'int32');
      this.registerBuffer('num_batches_tracked', t);
      this.tracked = { t, version: t.version, n: 0 };
    }
  }

  get runningMean(): Tensor | null {
    return this.getBuffer('running_mean');
  }
  get runningVar(): Tensor | null {
    return this.getBuffer('running_var');
  }
  // the counter as last written here, so a counter in device memory (webgpu), which reads back
  // only asynchronously, need not be read each step; stale once the buffer is replaced or written
  private tracked: { t: Tensor; version: number; n: number } | null = null;

  get numBatchesTracked(): number {
    const t = this.getBuffer('num_batches_tracked');
    if (t === null) return 0;
    const m = this.tracked;
    if (m !== null && m.t === t && m.version === t.version) return m.n;
    return t.item();
  }

  forward(x: Tensor): Tensor {
    if (!this.ndims.includes(x.ndim) || x.shape[1] !== this.numFeatures) {
      throw new ShapeError(`${this.constructor.name}: expected ${this.ndims.join('-d or ')}-d input with ${this.numFeatures} channels at dim 1, got ${fmtShape(x.shape)}`);
    }
    const useBatch = this.training || !this.trackRunningStats;
    const updating = this.training && this.trackRunningStats;
    const n = this.numBatchesTracked;
    if (updating) {
      const t = fromValues([n + 1], [], 'int32');
      this.setBuffer('num_batches_tracked', t);
      this.tracked = { t, version: t.version, n: n + 1 };
    }
    return batchNorm(x, updating || !useBatch ? this.runningMean : null, updating || !useBatch ? this.runningVar : null, this.weight, this.bias, {
      training: useBatch,
      momentum: this.momentum,
      eps: this.eps,
      numBatchesTracked: n,
    });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.weight !== null}, trackRunningStats=${this.trackRunningStats}`;
  }
}

export class BatchNorm1d extends BatchNormBase {
  protected readonly ndims = [2, 3];
}

export class BatchNorm2d extends BatchNormBase {
  protected readonly ndims = [4];
}

export class BatchNorm3d extends BatchNormBase {
  protected readonly ndims = [5];
}
