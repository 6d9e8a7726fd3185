// Normalisation and dropout, composed from differentiable ops (autograd derives the backward).
// x: (N, C, *)  N=batch, C=channels/features, * = any trailing dims (time, H, W)

import { ShapeError, ArgumentError } from '../errors.js';
import { noGrad } from '../autograd/grad_mode.js';
import { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/shape.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { heap } from '../kernels/heap.js';
import { add, addScalar, mul, rsqrt, sub } from './elementwise.js';
import { mean, variance } from './reduce.js';
import { assignInto, reshape } from './movement.js';
import { requireFloat } from './util.js';

export interface BatchNormOptions {
  training?: boolean;
  /** Running-stat update factor; null means a cumulative average (uses numBatchesTracked). */
  momentum?: number | null;
  eps?: number;
  /** Running count used when momentum is null; incremented by the caller. */
  numBatchesTracked?: number;
}

/** F.batch_norm. In training mode, updates runningMean/runningVar in place (unbiased var). */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  opts: BatchNormOptions = {},
): Tensor {
  requireFloat(x, 'batchNorm');
  if (x.ndim < 2) throw new ShapeError(`batchNorm: expected (N, C, *) input, got ${fmtShape(x.shape)}`);
  const C = x.shape[1]!;
  const training = opts.training ?? false;
  const eps = opts.eps ?? 1e-5;
  const dims = [0, ...Array.from({ length: x.ndim - 2 }, (_, i) => i + 2)];
  const bshape = x.shape.map((s, i) => (i === 1 ? s : 1));
  for (const [name, t] of [['runningMean', runningMean], ['runningVar', runningVar], ['weight', weight], ['bias', bias]] as const) {
    if (t && (t.ndim !== 1 || t.shape[0] !== C)) throw new ShapeError(`batchNorm: ${name} ${fmtShape(t.shape)} must be (${C},) for input ${fmtShape(x.shape)}`);
  }
  let y: Tensor;
  if (training) {
    const count = x.numel / C;
    if (count <= 1) throw new ShapeError(`batchNorm: expected more than 1 value per channel when training, got input ${fmtShape(x.shape)}`);
    const mu = mean(x, dims, true);
    const v = variance(x, dims, { correction: 0, keepdim: true });
    y = mul(sub(x, mu), rsqrt(addScalar(v, eps)));
    if (runningMean && runningVar) {
      const m = opts.momentum === undefined ? 0.1 : opts.momentum;
      const f = m === null ? 1 / ((opts.numBatchesTracked ?? 0) + 1) : m;
      noGrad(() => {
        const newMean = add(mul(runningMean, 1 - f), mul(reshape(mu, [C]), f));
        const unbiased = mul(reshape(v, [C]), count / (count - 1));
        const newVar = add(mul(runningVar, 1 - f), mul(unbiased, f));
        assignInto(runningMean, newMean);
        assignInto(runningVar, newVar);
        newMean.dispose();
        unbiased.dispose();
        newVar.dispose();
      });
    }
  } else {
    if (!runningMean || !runningVar) throw new ArgumentError('batchNorm: running statistics are required in eval mode');
    y = mul(sub(x, reshape(runningMean, bshape)), rsqrt(addScalar(reshape(runningVar, bshape), eps)));
  }
  if (weight) y = mul(y, reshape(weight, bshape));
  if (bias) y = add(y, reshape(bias, bshape));
  return y;
}

/** F.dropout: zeroes elements with probability p and scales the rest by 1/(1-p) when training. */
export function dropout(x: Tensor, p = 0.5, training = true, gen: Generator = defaultGenerator): Tensor {
  if (p < 0 || p > 1) throw new ArgumentError(`dropout: probability must be in [0, 1], got ${p}`);
  if (!training || p === 0) return x;
  if (p === 1) return mul(x, 0);
  const mask = Tensor.empty(x.shape, x.dtype);
  const v = heap().view(x.dtype);
  const scale = 1 / (1 - p);
  for (let i = 0; i < mask.numel; i++) v[mask.offset + i] = gen.random() < p ? 0 : scale;
  return mul(x, mask);
}

/** F.layer_norm over the trailing `normalizedShape` dims. */
export function layerNorm(x: Tensor, normalizedShape: readonly number[], weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  const k = normalizedShape.length;
  const tail = x.shape.slice(x.ndim - k);
  if (k > x.ndim || tail.some((s, i) => s !== normalizedShape[i])) {
    throw new ShapeError(`layerNorm: normalizedShape ${fmtShape(normalizedShape)} does not match the trailing dims of ${fmtShape(x.shape)}`);
  }
  const dims = Array.from({ length: k }, (_, i) => x.ndim - k + i);
  const mu = mean(x, dims, true);
  const v = variance(x, dims, { correction: 0, keepdim: true });
  let y = mul(sub(x, mu), rsqrt(addScalar(v, eps)));
  if (weight) y = mul(y, weight);
  if (bias) y = add(y, bias);
  return y;
}
