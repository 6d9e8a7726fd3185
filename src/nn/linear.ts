// Linear and Identity layers.
// x: (*, in) → (*, out)

import { Tensor } from '../tensor/tensor.js';
import { empty } from '../tensor/creation.js';
import { linear } from '../ops/matmul.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { resetLinearLike } from './init.js';
import { ArgumentError } from '../errors.js';
import type { DType } from '../tensor/tensor.js';

export interface LinearOptions {
  bias?: boolean;
  dtype?: DType;
}

export class Linear extends Module {
  weight: Parameter; // (out, in)
  bias: Parameter | null; // (out,)

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    opts: LinearOptions = {},
  ) {
    super();
    if (!(inFeatures >= 0 && outFeatures >= 0 && Number.isInteger(inFeatures) && Number.isInteger(outFeatures))) {
      throw new ArgumentError(`Linear: in/out features must be non-negative integers, got ${inFeatures}, ${outFeatures}`);
    }
    const dtype = opts.dtype ?? 'float32';
    this.weight = new Parameter(empty([outFeatures, inFeatures], { dtype }));
    this.bias = opts.bias ?? true ? new Parameter(empty([outFeatures], { dtype })) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    resetLinearLike(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}
