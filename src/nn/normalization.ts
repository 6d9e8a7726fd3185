// Per-sample normalisation layers, as torch.nn.GroupNorm and torch.nn.LayerNorm: no running
// statistics, so training and eval behave the same (what small-batch 3-D networks need).

import { ArgumentError } from '../errors.js';
import type { DType, Tensor } from '../tensor/tensor.js';
import { ones, zeros } from '../tensor/creation.js';
import { groupNorm } from '../ops/group_norm.js';
import { layerNorm } from '../ops/norm.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

export interface NormLayerOptions {
  eps?: number;
  /** GroupNorm: affine; LayerNorm: elementwise_affine (default true). */
  affine?: boolean;
  dtype?: DType;
}

export class GroupNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly eps: number;

  constructor(readonly numGroups: number, readonly numChannels: number, opts: NormLayerOptions = {}) {
    super();
    if (!Number.isInteger(numGroups) || numGroups < 1 || numChannels % numGroups !== 0) {
      throw new ArgumentError(`GroupNorm: numChannels ${numChannels} must be divisible by numGroups ${numGroups}`);
    }
    this.eps = opts.eps ?? 1e-5;
    const dtype = opts.dtype ?? 'float32';
    const affine = opts.affine ?? true;
    this.weight = affine ? new Parameter(ones([numChannels], { dtype })) : null;
    this.bias = affine ? new Parameter(zeros([numChannels], { dtype })) : null;
  }

  forward(x: Tensor): Tensor {
    return groupNorm(x, this.numGroups, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${this.eps}, affine=${this.weight !== null}`;
  }
}

export class LayerNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly eps: number;
  readonly normalizedShape: readonly number[];

  constructor(normalizedShape: number | readonly number[], opts: NormLayerOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.eps = opts.eps ?? 1e-5;
    const dtype = opts.dtype ?? 'float32';
    const affine = opts.affine ?? true;
    this.weight = affine ? new Parameter(ones(this.normalizedShape, { dtype })) : null;
    this.bias = affine ? new Parameter(zeros(this.normalizedShape, { dtype })) : null;
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `(${this.normalizedShape.join(', ')}), eps=${this.eps}, elementwiseAffine=${this.weight !== null}`;
  }
}
