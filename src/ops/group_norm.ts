// F.group_norm: channels split into groups, each (sample, group) normalised over its channels
// and spatial positions with the biased variance, then a per-channel affine. Composed from
// differentiable ops, so autograd derives the backward (as layerNorm does).

import { ArgumentError, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/shape.js';
import { add, addScalar, mul, rsqrt, sub } from './elementwise.js';
import { mean, variance } from './reduce.js';
import { reshape } from './movement.js';
import { requireFloat } from './util.js';

export function groupNorm(x: Tensor, numGroups: number, weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  requireFloat(x, 'groupNorm');
  if (x.ndim < 2) throw new ShapeError(`groupNorm: expected (N, C, *) input, got ${fmtShape(x.shape)}`);
  const N = x.shape[0]!;
  const C = x.shape[1]!;
  if (!Number.isInteger(numGroups) || numGroups < 1 || C % numGroups !== 0) {
    throw new ArgumentError(`groupNorm: ${C} channels cannot be split into ${numGroups} groups`);
  }
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (t && (t.ndim !== 1 || t.shape[0] !== C)) throw new ShapeError(`groupNorm: ${name} ${fmtShape(t.shape)} must be (${C},) for input ${fmtShape(x.shape)}`);
  }
  const g = reshape(x, [N, numGroups, -1]);
  const mu = mean(g, 2, true);
  const v = variance(g, 2, { correction: 0, keepdim: true });
  let y = reshape(mul(sub(g, mu), rsqrt(addScalar(v, eps))), x.shape);
  // (C,) → (C, 1, …, 1) so the affine broadcasts over the spatial dims
  const affineShape = [C, ...x.shape.slice(2).map(() => 1)];
  if (weight) y = mul(y, reshape(weight, affineShape));
  if (bias) y = add(y, reshape(bias, affineShape));
  return y;
}
