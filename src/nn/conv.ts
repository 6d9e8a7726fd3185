// Convolution layers. Conv1d: (N, C, L) → (N, O, L'); Conv2d: (N, C, H, W) → (N, O, H', W');
// Conv3d: (N, C, D, H, W) → (N, O, D', H', W').

import { ArgumentError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { empty } from '../tensor/creation.js';
import { conv1d, conv2d, conv2dRelu, pair, type Pair, type Padding2d } from '../ops/conv.js';
import { conv3d, triple, type Padding3d, type Triple } from '../ops/conv3d.js';
import type { DType } from '../tensor/tensor.js';
import { relu } from '../ops/elementwise.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { resetLinearLike } from './init.js';

export interface Conv2dLayerOptions {
  stride?: Pair;
  padding?: Padding2d;
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
  dtype?: DType;
}

function checkChannels(op: string, inC: number, outC: number, groups: number): void {
  if (!Number.isInteger(groups) || groups < 1) throw new ArgumentError(`${op}: groups must be a positive integer, got ${groups}`);
  if (inC % groups !== 0) throw new ArgumentError(`${op}: in_channels ${inC} must be divisible by groups ${groups}`);
  if (outC % groups !== 0) throw new ArgumentError(`${op}: out_channels ${outC} must be divisible by groups ${groups}`);
}

export class Conv2d extends Module {
  weight: Parameter; // (O, C/groups, kh, kw)
  bias: Parameter | null; // (O,)
  readonly kernelSize: [number, number];
  // stride and dilation stay mutable, as in PyTorch: dense-prediction conversion rewrites them
  stride: Pair;
  readonly padding: Padding2d;
  dilation: Pair;
  readonly groups: number;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Pair, opts: Conv2dLayerOptions = {}) {
    super();
    this.groups = opts.groups ?? 1;
    checkChannels('Conv2d', inChannels, outChannels, this.groups);
    this.kernelSize = pair(kernelSize);
    this.stride = opts.stride ?? 1;
    this.padding = opts.padding ?? 0;
    this.dilation = opts.dilation ?? 1;
    const dtype = opts.dtype ?? 'float32';
    this.weight = new Parameter(empty([outChannels, inChannels / this.groups, ...this.kernelSize], { dtype }));
    this.bias = opts.bias ?? true ? new Parameter(empty([outChannels], { dtype })) : null;
    resetLinearLike(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }

  /**
   * relu(this.call(x)), fused (conv2dRelu) when no hook observes this layer's output and forward
   * is Conv2d's own; otherwise exactly the two steps.
   */
  callRelu(x: Tensor): Tensor {
    if (this.hasHooks() || this.forward !== Conv2d.prototype.forward) return relu(this.call(x));
    return conv2dRelu(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize}], stride=${String(this.stride)}, padding=${String(this.padding)}${this.groups > 1 ? `, groups=${this.groups}` : ''}${this.bias ? '' : ', bias=false'}`;
  }
}

export interface Conv1dLayerOptions {
  stride?: number;
  padding?: number | 'same' | 'valid';
  dilation?: number;
  groups?: number;
  bias?: boolean;
  dtype?: DType;
}

export class Conv1d extends Module {
  weight: Parameter; // (O, C/groups, k)
  bias: Parameter | null;
  readonly stride: number;
  readonly padding: number | 'same' | 'valid';
  readonly dilation: number;
  readonly groups: number;

  constructor(readonly inChannels: number, readonly outChannels: number, readonly kernelSize: number, opts: Conv1dLayerOptions = {}) {
    super();
    this.groups = opts.groups ?? 1;
    checkChannels('Conv1d', inChannels, outChannels, this.groups);
    this.stride = opts.stride ?? 1;
    this.padding = opts.padding ?? 0;
    this.dilation = opts.dilation ?? 1;
    const dtype = opts.dtype ?? 'float32';
    this.weight = new Parameter(empty([outChannels, inChannels / this.groups, kernelSize], { dtype }));
    this.bias = opts.bias ?? true ? new Parameter(empty([outChannels], { dtype })) : null;
    resetLinearLike(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    return conv1d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=${this.kernelSize}, stride=${this.stride}, padding=${String(this.padding)}${this.groups > 1 ? `, groups=${this.groups}` : ''}${this.bias ? '' : ', bias=false'}`;
  }
}

export interface Conv3dLayerOptions {
  stride?: Triple;
  padding?: Padding3d;
  dilation?: Triple;
  groups?: number;
  bias?: boolean;
  dtype?: DType;
}

/** torch.nn.Conv3d: weight (O, C/groups, kd, kh, kw), initialised as PyTorch does (kaiming_uniform, a=√5). */
export class Conv3d extends Module {
  weight: Parameter; // (O, C/groups, kd, kh, kw)
  bias: Parameter | null; // (O,)
  readonly kernelSize: [number, number, number];
  readonly stride: Triple;
  readonly padding: Padding3d;
  readonly dilation: Triple;
  readonly groups: number;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Triple, opts: Conv3dLayerOptions = {}) {
    super();
    this.groups = opts.groups ?? 1;
    checkChannels('Conv3d', inChannels, outChannels, this.groups);
    this.kernelSize = triple(kernelSize, 'kernelSize', 'Conv3d', 1);
    this.stride = opts.stride ?? 1;
    this.padding = opts.padding ?? 0;
    this.dilation = opts.dilation ?? 1;
    // checked here so a bad layer fails where it is made, not at its first forward
    triple(this.stride, 'stride', 'Conv3d', 1);
    triple(this.dilation, 'dilation', 'Conv3d', 1);
    if (this.padding !== 'same' && this.padding !== 'valid') triple(this.padding, 'padding', 'Conv3d', 0);
    const dtype = opts.dtype ?? 'float32';
    this.weight = new Parameter(empty([outChannels, inChannels / this.groups, ...this.kernelSize], { dtype }));
    this.bias = opts.bias ?? true ? new Parameter(empty([outChannels], { dtype })) : null;
    resetLinearLike(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    return conv3d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize}], stride=${String(this.stride)}, padding=${String(this.padding)}${String(this.dilation) !== '1' ? `, dilation=${String(this.dilation)}` : ''}${this.groups > 1 ? `, groups=${this.groups}` : ''}${this.bias ? '' : ', bias=false'}`;
  }
}
