// Transposed convolution layers, as torch.nn.ConvTranspose1d/2d/3d. The weight is
// (C_in, C_out/groups, k…) and is initialised as PyTorch does (its fan-in is taken from that
// shape, i.e. C_out/groups · prod(k)).

import { ArgumentError } from '../errors.js';
import type { DType, Tensor } from '../tensor/tensor.js';
import { empty } from '../tensor/creation.js';
import { convTranspose1d, convTranspose2d, convTranspose3d, type ConvTransposeOptions, type PerAxis } from '../ops/conv_transpose.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { resetLinearLike } from './init.js';

export interface ConvTransposeLayerOptions extends ConvTransposeOptions {
  bias?: boolean;
  dtype?: DType;
}

abstract class ConvTransposeBase extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: number[];
  readonly opts: ConvTransposeOptions;

  constructor(nsp: number, readonly inChannels: number, readonly outChannels: number, kernelSize: PerAxis, o: ConvTransposeLayerOptions) {
    super();
    const op = `ConvTranspose${nsp}d`;
    const groups = o.groups ?? 1;
    if (!Number.isInteger(groups) || groups < 1) throw new ArgumentError(`${op}: groups must be a positive integer, got ${groups}`);
    if (inChannels % groups !== 0 || outChannels % groups !== 0) throw new ArgumentError(`${op}: in_channels ${inChannels} and out_channels ${outChannels} must be divisible by groups ${groups}`);
    this.kernelSize = typeof kernelSize === 'number' ? Array.from({ length: nsp }, () => kernelSize) : [...kernelSize];
    if (this.kernelSize.length !== nsp || this.kernelSize.some((k) => !Number.isInteger(k) || k < 1)) throw new ArgumentError(`${op}: kernelSize must be ${nsp} positive integers, got ${String(kernelSize)}`);
    const { bias, dtype, ...rest } = o;
    this.opts = rest;
    const dt = dtype ?? 'float32';
    this.weight = new Parameter(empty([inChannels, outChannels / groups, ...this.kernelSize], { dtype: dt }));
    this.bias = bias ?? true ? new Parameter(empty([outChannels], { dtype: dt })) : null;
    resetLinearLike(this.weight, this.bias);
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize}], stride=${String(this.opts.stride ?? 1)}, padding=${String(this.opts.padding ?? 0)}${this.bias ? '' : ', bias=false'}`;
  }
}

export class ConvTranspose1d extends ConvTransposeBase {
  constructor(inChannels: number, outChannels: number, kernelSize: number, opts: ConvTransposeLayerOptions = {}) {
    super(1, inChannels, outChannels, kernelSize, opts);
  }
  forward(x: Tensor): Tensor {
    return convTranspose1d(x, this.weight, this.bias, this.opts);
  }
}

export class ConvTranspose2d extends ConvTransposeBase {
  constructor(inChannels: number, outChannels: number, kernelSize: PerAxis, opts: ConvTransposeLayerOptions = {}) {
    super(2, inChannels, outChannels, kernelSize, opts);
  }
  forward(x: Tensor): Tensor {
    return convTranspose2d(x, this.weight, this.bias, this.opts);
  }
}

export class ConvTranspose3d extends ConvTransposeBase {
  constructor(inChannels: number, outChannels: number, kernelSize: PerAxis, opts: ConvTransposeLayerOptions = {}) {
    super(3, inChannels, outChannels, kernelSize, opts);
  }
  forward(x: Tensor): Tensor {
    return convTranspose3d(x, this.weight, this.bias, this.opts);
  }
}
