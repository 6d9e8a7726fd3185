// Weight initialisation, as torch.nn.init. Functions fill a tensor in place and return it.

import { ArgumentError } from '../errors.js';
import { noGrad } from '../autograd/grad_mode.js';
import type { Tensor } from '../tensor/tensor.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';

export type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

/** Recommended gain for a nonlinearity (torch.nn.init.calculate_gain). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'sigmoid': return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu': return 3 / 4;
  }
}

/** fan_in, fan_out of a weight (out, in, *kernel). */
export function fans(t: Tensor): [number, number] {
  if (t.ndim < 2) throw new ArgumentError(`init: fan in/out need a tensor with ≥ 2 dims, got ${t.ndim}`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1]! * receptive, t.shape[0]! * receptive];
}

export function uniform_(t: Tensor, a = 0, b = 1, gen: Generator = defaultGenerator): Tensor {
  return noGrad(() => t.uniform_(a, b, gen));
}

export function normal_(t: Tensor, mean = 0, std = 1, gen: Generator = defaultGenerator): Tensor {
  return noGrad(() => t.normal_(mean, std, gen));
}

export function constant_(t: Tensor, v: number): Tensor {
  return noGrad(() => t.fill_(v));
}
export const zeros_ = (t: Tensor): Tensor => constant_(t, 0);
export const ones_ = (t: Tensor): Tensor => constant_(t, 1);

export interface KaimingOptions {
  a?: number;
  mode?: 'fan_in' | 'fan_out';
  nonlinearity?: Nonlinearity;
  generator?: Generator;
}

export function kaimingUniform_(t: Tensor, o: KaimingOptions = {}): Tensor {
  const [fi, fo] = fans(t);
  const gain = calculateGain(o.nonlinearity ?? 'leaky_relu', o.a ?? 0);
  const bound = Math.sqrt(3) * (gain / Math.sqrt(o.mode === 'fan_out' ? fo : fi));
  return uniform_(t, -bound, bound, o.generator);
}

export function kaimingNormal_(t: Tensor, o: KaimingOptions = {}): Tensor {
  const [fi, fo] = fans(t);
  const gain = calculateGain(o.nonlinearity ?? 'leaky_relu', o.a ?? 0);
  return normal_(t, 0, gain / Math.sqrt(o.mode === 'fan_out' ? fo : fi), o.generator);
}

export function xavierUniform_(t: Tensor, gain = 1, gen?: Generator): Tensor {
  const [fi, fo] = fans(t);
  const a = gain * Math.sqrt(6 / (fi + fo));
  return uniform_(t, -a, a, gen);
}

export function xavierNormal_(t: Tensor, gain = 1, gen?: Generator): Tensor {
  const [fi, fo] = fans(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fi + fo)), gen);
}

/**
 * PyTorch's default for Linear and Conv: weight kaiming-uniform with a = √5 (so the bound is
 * 1/√fan_in), bias uniform in ±1/√fan_in.
 */
export function resetLinearLike(weight: Tensor, bias: Tensor | null, gen?: Generator): void {
  kaimingUniform_(weight, { a: Math.sqrt(5), ...(gen ? { generator: gen } : {}) });
  if (bias) {
    const [fi] = fans(weight);
    const bound = fi > 0 ? 1 / Math.sqrt(fi) : 0;
    uniform_(bias, -bound, bound, gen);
  }
}
