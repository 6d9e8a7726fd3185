// Reductions over dims, with keepdim, and their gradients. sum (and sumTo) live with expand in
// broadcast.ts, each being the other's backward; they are re-exported here with the rest.

import { backend } from '../kernels/registry.js';
import { record } from '../autograd/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { fmtShape, normDim, numel } from '../tensor/shape.js';
import { ShapeError } from '../errors.js';
import { requireFloat } from './util.js';
import { contiguous, reshape, scatterAddInto } from './movement.js';
import { asBlock, expand, expandBack, normDims, outShape, reduceRaw, sum, type Dims } from './broadcast.js';
import { add, div, eq, exp, log, mul, mulScalar, sqrt, sub, where } from './elementwise.js';

export { sum, sumTo, type Dims } from './broadcast.js';

export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  requireFloat(x, 'mean');
  const dims = normDims(x, dim, 'mean');
  const n = numel(dims.map((d) => x.shape[d]!));
  return mulScalar(sum(x, dims, keepdim), 1 / n);
}

export interface VarOptions {
  /** Bessel correction: divide by n - correction (1 = unbiased, torch's default). */
  correction?: number;
  unbiased?: boolean;
  keepdim?: boolean;
}

export function variance(x: Tensor, dim?: Dims, opts: VarOptions = {}): Tensor {
  requireFloat(x, 'var');
  const dims = normDims(x, dim, 'var');
  const keepdim = opts.keepdim ?? false;
  const correction = opts.correction ?? (opts.unbiased === false ? 0 : 1);
  const n = numel(dims.map((d) => x.shape[d]!));
  const centered = sub(x, mean(x, dims, true));
  return mulScalar(sum(mul(centered, centered), dims, keepdim), 1 / Math.max(n - correction, 0));
}

export function std(x: Tensor, dim?: Dims, opts: VarOptions = {}): Tensor {
  return sqrt(variance(x, dim, opts));
}

export function prod(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const dims = normDims(x, dim, 'prod');
  const out = reduceRaw('prod', x, dims, keepdim);
  // d/dx_i prod = the product of the other elements of its slice. prod / x_i gives NaN at a zero,
  // so, as PyTorch: with no zero in the slice use (product of x) / x_i; with exactly one zero, that
  // zero gets the product of the non-zeros and the rest get 0; with two or more zeros, all get 0.
  return record('prod', out, [x], (g) => {
    const isZero = eq(x, 0);
    const zeros = expand(sum(isZero, dims, true), x.shape);
    const xSafe = where(isZero, 1, x);
    const pNonzero = expand(reduceRaw('prod', xSafe, dims, true), x.shape);
    const others = where(eq(zeros, 0), div(pNonzero, xSafe), where(mul(eq(zeros, 1), isZero), pNonzero, 0));
    return [mul(expandBack(g, x, dims), others)];
  }, [x]);
}

/** Max over dims; ties share the gradient equally (torch.amax). */
export function amax(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return extreme('max', x, dim, keepdim);
}
export function amin(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return extreme('min', x, dim, keepdim);
}
function extreme(op: 'max' | 'min', x: Tensor, dim: Dims, keepdim: boolean): Tensor {
  const dims = normDims(x, dim, op === 'max' ? 'amax' : 'amin');
  const out = reduceRaw(op, x, dims, keepdim);
  return record(op === 'max' ? 'amax' : 'amin', out, [x], (g) => {
    const mask = eq(x, expandBack(out, x, dims));
    const count = sum(mask, dims, true);
    return [div(mul(expandBack(g, x, dims), mask), expand(count, x.shape))];
  }, [x, out]);
}

export interface ValuesIndices {
  values: Tensor;
  indices: Tensor;
}

/** Max along one dim with the int32 index of the first maximum (torch.max(x, dim)). */
export function maxDim(x: Tensor, dim: number, keepdim = false): ValuesIndices {
  return argExtreme('max', x, dim, keepdim);
}
export function minDim(x: Tensor, dim: number, keepdim = false): ValuesIndices {
  return argExtreme('min', x, dim, keepdim);
}
function argExtreme(op: 'max' | 'min', x: Tensor, dim: number, keepdim: boolean): ValuesIndices {
  const d = normDim(dim, x.ndim, op);
  if (x.ndim > 0 && x.shape[d] === 0) throw new ShapeError(`${op}: cannot reduce over empty dim ${dim} of ${fmtShape(x.shape)}`);
  const { src, outer, n, inner } = asBlock(x, x.ndim === 0 ? [] : [d]);
  const shape = x.ndim === 0 ? [] : outShape(x, [d], keepdim);
  const values = Tensor.empty(shape, x.dtype);
  const indices = Tensor.empty(shape, 'int32');
  backend().argReduce(op, x.dtype, src.offset, outer, n, inner, values.offset, indices.offset);
  if (src !== x) src.dispose();
  if (x.ndim === 0) return { values: record(op, values, [x], (g) => [g]), indices };
  record(op, values, [x], (g) => {
    const ks = outShape(x, [d], true);
    return [scatterAddInto(x.shape, d, reshape(indices, ks), reshape(g, ks))];
  }, [indices]);
  return { values, indices };
}

export function argmax(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  if (dim === undefined || dim === null) return argExtreme('max', reshape(x, [-1]), 0, false).indices;
  return argExtreme('max', x, dim, keepdim).indices;
}
export function argmin(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  if (dim === undefined || dim === null) return argExtreme('min', reshape(x, [-1]), 0, false).indices;
  return argExtreme('min', x, dim, keepdim).indices;
}

/** log(sum(exp(x))) over dims, computed stably around the max. */
export function logsumexp(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  requireFloat(x, 'logsumexp');
  const dims = normDims(x, dim, 'logsumexp');
  const m = reduceRaw('max', x, dims, true);
  // a row of -inf stays -inf rather than NaN
  const mf = Tensor.empty(m.shape, m.dtype);
  backend().unary('clamp', m.dtype, m.offset, mf.offset, m.numel, -3.4e38, Infinity);
  const shifted = sub(x, mf);
  const lse = add(log(sum(exp(shifted), dims, true)), mf);
  const out = keepdim ? lse : reshape(lse, outShape(x, dims, false));
  return out;
}

/** Sum of all elements as a JS number (no autograd). */
export function sumAll(x: Tensor): number {
  const c = contiguous(x);
  const s = reduceRaw('sum', c, normDims(x, null, 'sum'), false);
  const v = s.item();
  s.dispose();
  if (c !== x) c.dispose();
  return v;
}

