// Normalisation and dropout, composed from differentiable ops (autograd derives the backward).
// x: (N, C, *)  N=batch, C=channels/features, * = any trailing dims (time, H, W)

import { ShapeError, ArgumentError } from '../errors.js';
import { noGrad } from '../autograd/grad_mode.js';
import { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/shape.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { add, addScalar, mul, mulScalar, reciprocal, rsqrt, square, sub } from './elementwise.js';
import { backend } from '../kernels/registry.js';
import { record } from '../autograd/tape.js';
import { fromValues } from '../tensor/tensor.js';
import { mean, variance } from './reduce.js';
import { assignInto } from './movement.js';
import { cast, contiguousData, requireFloat } from './util.js';

export interface BatchNormOptions {
  training?: boolean;
  /** Running-stat update factor; null means a cumulative average (uses numBatchesTracked). */
  momentum?: number | null;
  eps?: number;
  /** Running count used when momentum is null; incremented by the caller. */
  numBatchesTracked?: number;
}

/**
 * F.batch_norm over (N, C, *). Training mode normalises with the batch statistics (biased
 * variance) and updates runningMean/runningVar in place (unbiased variance); eval mode uses the
 * running statistics. One fused kernel each way: statistics, scale-and-shift, and a two-pass
 * backward (dx, dweight, dbias), instead of a dozen elementwise passes.
 */
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
  const N = x.shape[0]!;
  const C = x.shape[1]!;
  const L = x.numel / Math.max(N * C, 1);
  const training = opts.training ?? false;
  const eps = opts.eps ?? 1e-5;
  for (const [name, t] of [['runningMean', runningMean], ['runningVar', runningVar], ['weight', weight], ['bias', bias]] as const) {
    if (t && (t.ndim !== 1 || t.shape[0] !== C)) throw new ShapeError(`batchNorm: ${name} ${fmtShape(t.shape)} must be (${C},) for input ${fmtShape(x.shape)}`);
  }
  if (!training && (!runningMean || !runningVar)) throw new ArgumentError('batchNorm: running statistics are required in eval mode');
  if (training && N * L <= 1) throw new ShapeError(`batchNorm: expected more than 1 value per channel when training, got input ${fmtShape(x.shape)}`);
  const xc = contiguousData(x);
  const wc = weight ? contiguousData(cast(weight, x.dtype)) : null;
  const bc = bias ? contiguousData(cast(bias, x.dtype)) : null;
  const mean = Tensor.empty([C], x.dtype);
  const invstd = Tensor.empty([C], x.dtype);
  const be = backend();
  if (training) {
    be.batchNormStats(x.dtype, xc.offset, N, C, L, eps, mean.offset, invstd.offset);
    if (runningMean && runningVar) {
      const m = opts.momentum === undefined ? 0.1 : opts.momentum;
      const f = m === null ? 1 / ((opts.numBatchesTracked ?? 0) + 1) : m;
      const M = N * L;
      if (mean.storage.device !== null) {
        // device memory (webgpu) reads back only asynchronously: the same update as device ops
        noGrad(() => {
          const biased = addScalar(reciprocal(square(invstd)), -eps);
          const nm = add(mulScalar(cast(runningMean, x.dtype), 1 - f), mulScalar(mean, f));
          const nv = add(mulScalar(cast(runningVar, x.dtype), 1 - f), mulScalar(biased, (f * M) / (M - 1)));
          assignInto(runningMean, nm);
          assignInto(runningVar, nv);
        });
      } else {
        const mu = mean.dataSync();
        const is = invstd.dataSync();
        const rm = runningMean.dataSync();
        const rv = runningVar.dataSync();
        const nm = new Float64Array(C);
        const nv = new Float64Array(C);
        for (let c = 0; c < C; c++) {
          const biased = 1 / (is[c]! * is[c]!) - eps;
          nm[c] = (1 - f) * rm[c]! + f * mu[c]!;
          nv[c] = (1 - f) * rv[c]! + f * biased * (M / (M - 1));
        }
        noGrad(() => {
          const a = fromValues(nm, [C], runningMean.dtype);
          const b = fromValues(nv, [C], runningVar.dtype);
          assignInto(runningMean, a);
          assignInto(runningVar, b);
          a.dispose();
          b.dispose();
        });
      }
    }
  } else {
    const rm = cast(runningMean!, x.dtype);
    assignInto(mean, rm);
    if (mean.storage.device !== null) {
      noGrad(() => assignInto(invstd, rsqrt(addScalar(cast(runningVar!, x.dtype), eps))));
    } else {
      const rv = runningVar!.dataSync();
      const is = new Float64Array(C);
      for (let c = 0; c < C; c++) is[c] = 1 / Math.sqrt(rv[c]! + eps);
      invstd.writeSync(is);
    }
    if (rm !== runningMean) rm.dispose();
  }
  const y = Tensor.empty(x.shape, x.dtype);
  be.batchNormApply(x.dtype, xc.offset, N, C, L, mean.offset, invstd.offset, wc ? wc.offset : -1, bc ? bc.offset : -1, y.offset);
  const out = record('batchNorm', y, [x, weight, bias], (gy) => {
    const dy = contiguousData(gy);
    const dx = x.requiresGrad ? Tensor.empty(x.shape, x.dtype) : null;
    const dw = weight?.requiresGrad ? Tensor.empty([C], x.dtype) : null;
    const db = bias?.requiresGrad ? Tensor.empty([C], x.dtype) : null;
    if (training) {
      be.batchNormBackward(x.dtype, xc.offset, dy.offset, N, C, L, mean.offset, invstd.offset, wc ? wc.offset : -1, dx ? dx.offset : -1, dw ? dw.offset : -1, db ? db.offset : -1);
    } else {
      // eval: an affine map per channel; dx = dy·w·invstd, dw = Σ dy·x̂, db = Σ dy
      const scale = wc ? mul(wc, invstd) : invstd;
      const zero = Tensor.empty([C], x.dtype);
      be.fill(x.dtype, zero.offset, C, 0);
      if (dx) be.batchNormApply(x.dtype, dy.offset, N, C, L, zero.offset, scale.offset, -1, -1, dx.offset);
      if (dw || db) {
        const t = Tensor.empty([C], x.dtype);
        be.batchNormBackward(x.dtype, xc.offset, dy.offset, N, C, L, mean.offset, invstd.offset, -1, -1, dw ? dw.offset : -1, db ? db.offset : t.offset);
        t.dispose();
      }
      zero.dispose();
    }
    if (dy !== gy) dy.dispose();
    return [dx, dw, db];
  }, [xc, wc]);
  return out;
}

/** F.dropout: zeroes elements with probability p and scales the rest by 1/(1-p) when training. */
export function dropout(x: Tensor, p = 0.5, training = true, gen: Generator = defaultGenerator): Tensor {
  if (p < 0 || p > 1) throw new ArgumentError(`dropout: probability must be in [0, 1], got ${p}`);
  if (!training || p === 0) return x;
  if (p === 1) return mul(x, 0);
  // one draw per element in row-major order: the same stream for a seeded generator on any backend
  const scale = 1 / (1 - p);
  const mask = Tensor.fromFn(x.shape, x.dtype, (v) => {
    for (let i = 0; i < v.length; i++) v[i] = gen.random() < p ? 0 : scale;
  }, 'dropout');
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
