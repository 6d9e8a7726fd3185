// Pooling layers over (N, C, L) for 1-D, (N, C, H, W) for 2-D and (N, C, D, H, W) for 3-D.

import type { Tensor } from '../tensor/tensor.js';
import type { Pair } from '../ops/conv.js';
import { adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool1dWithIndices, adaptiveMaxPool2dWithIndices, avgPool1d, avgPool2d, maxPool1d, maxPool2d, type AvgPool2dOptions, type Pool1dOptions } from '../ops/pool.js';
import { avgPool3d, maxPool3d, type AvgPool3dOptions, type Pool3dOptions, type Triple } from '../ops/pool3d.js';
import { Module } from './module.js';

export class MaxPool2d extends Module {
  constructor(readonly kernelSize: Pair, readonly opts: Omit<AvgPool2dOptions, 'countIncludePad'> = {}) {
    super();
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.opts);
  }
  override extraRepr(): string {
    return `kernelSize=${String(this.kernelSize)}, stride=${String(this.opts.stride ?? this.kernelSize)}, padding=${String(this.opts.padding ?? 0)}`;
  }
}

export class AvgPool2d extends Module {
  constructor(readonly kernelSize: Pair, readonly opts: AvgPool2dOptions = {}) {
    super();
  }
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.opts);
  }
  override extraRepr(): string {
    return `kernelSize=${String(this.kernelSize)}, stride=${String(this.opts.stride ?? this.kernelSize)}, padding=${String(this.opts.padding ?? 0)}`;
  }
}

export class MaxPool1d extends Module {
  constructor(readonly kernelSize: number, readonly opts: Omit<Pool1dOptions, 'countIncludePad'> = {}) {
    super();
  }
  forward(x: Tensor): Tensor {
    return maxPool1d(x, this.kernelSize, this.opts);
  }
}

export class AvgPool1d extends Module {
  constructor(readonly kernelSize: number, readonly opts: Pool1dOptions = {}) {
    super();
  }
  forward(x: Tensor): Tensor {
    return avgPool1d(x, this.kernelSize, this.opts);
  }
}

export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: Pair) {
    super();
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
}

export class AdaptiveAvgPool1d extends Module {
  constructor(readonly outputSize: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool1d(x, this.outputSize);
  }
}

/** Values, or values and int32 in-plane indices of the maxima with returnIndices (PyTorch's return_indices). */
export type MaxPoolOut<R extends boolean> = R extends true ? { values: Tensor; indices: Tensor } : Tensor;

export class AdaptiveMaxPool2d<R extends boolean = false> extends Module<[Tensor], MaxPoolOut<R>> {
  readonly returnIndices: R;
  constructor(readonly outputSize: Pair, opts: { returnIndices?: R } = {}) {
    super();
    this.returnIndices = (opts.returnIndices ?? false) as R;
  }
  forward(x: Tensor): MaxPoolOut<R> {
    const r = adaptiveMaxPool2dWithIndices(x, this.outputSize);
    return (this.returnIndices ? r : r.values) as MaxPoolOut<R>;
  }
  override extraRepr(): string {
    return `outputSize=${String(this.outputSize)}, returnIndices=${this.returnIndices}`;
  }
}

export class AdaptiveMaxPool1d<R extends boolean = false> extends Module<[Tensor], MaxPoolOut<R>> {
  readonly returnIndices: R;
  constructor(readonly outputSize: number, opts: { returnIndices?: R } = {}) {
    super();
    this.returnIndices = (opts.returnIndices ?? false) as R;
  }
  forward(x: Tensor): MaxPoolOut<R> {
    const r = adaptiveMaxPool1dWithIndices(x, this.outputSize);
    return (this.returnIndices ? r : r.values) as MaxPoolOut<R>;
  }
  override extraRepr(): string {
    return `outputSize=${this.outputSize}, returnIndices=${this.returnIndices}`;
  }
}

export class MaxPool3d extends Module {
  constructor(readonly kernelSize: Triple, readonly opts: Pool3dOptions = {}) {
    super();
  }
  forward(x: Tensor): Tensor {
    return maxPool3d(x, this.kernelSize, this.opts);
  }
  override extraRepr(): string {
    return `kernelSize=${String(this.kernelSize)}, stride=${String(this.opts.stride ?? this.kernelSize)}, padding=${String(this.opts.padding ?? 0)}`;
  }
}

export class AvgPool3d extends Module {
  constructor(readonly kernelSize: Triple, readonly opts: AvgPool3dOptions = {}) {
    super();
  }
  forward(x: Tensor): Tensor {
    return avgPool3d(x, this.kernelSize, this.opts);
  }
  override extraRepr(): string {
    return `kernelSize=${String(this.kernelSize)}, stride=${String(this.opts.stride ?? this.kernelSize)}, padding=${String(this.opts.padding ?? 0)}`;
  }
}
