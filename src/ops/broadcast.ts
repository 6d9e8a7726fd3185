// Broadcasting and its adjoint: expand (a view that repeats size-1 dims) and sum (the
// reduction), with sumTo that folds a broadcast gradient back to its input's shape. Each is the
// other's backward, so they live in one module; elementwise, movement and reduce all build on it
// without importing one another in a circle.

import type { ReduceOp } from '../kernels/backend.js';
import { backend } from '../kernels/registry.js';
import { record } from '../autograd/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { broadcastStrides, fmtShape, normDim, numel, type Shape } from '../tensor/shape.js';
import { ArgumentError, ShapeError } from '../errors.js';
import { contiguousData, reducedDims } from './util.js';
import { reshape } from './movement.js';

export type Dims = number | readonly number[] | null | undefined;

export function normDims(x: Tensor, dim: Dims, op: string): number[] {
  if (dim === null || dim === undefined) return [...Array(x.ndim).keys()];
  const ds = (typeof dim === 'number' ? [dim] : [...dim]).map((d) => normDim(d, x.ndim, op));
  if (new Set(ds).size !== ds.length) throw new ArgumentError(`${op}: dim ${fmtShape(ds)} appears more than once`);
  return ds.sort((a, b) => a - b);
}

export function outShape(x: Tensor, dims: number[], keepdim: boolean): number[] {
  return keepdim ? x.shape.map((s, i) => (dims.includes(i) ? 1 : s)) : x.shape.filter((_, i) => !dims.includes(i));
}

/** Lays x out as a contiguous (outer, n, inner) block with the reduced dims in the middle. */
export function asBlock(x: Tensor, dims: number[]): { src: Tensor; outer: number; n: number; inner: number } {
  const adjacent = dims.every((d, i) => i === 0 || d === dims[i - 1]! + 1);
  if (adjacent && x.isContiguous()) {
    const a = dims[0] ?? 0;
    const b = dims.length ? dims[dims.length - 1]! + 1 : 0;
    return { src: x, outer: numel(x.shape.slice(0, a)), n: numel(x.shape.slice(a, b)), inner: numel(x.shape.slice(b)) };
  }
  const kept = [...Array(x.ndim).keys()].filter((i) => !dims.includes(i));
  const p = contiguousData(x.view_([...kept, ...dims].map((i) => x.shape[i]!), [...kept, ...dims].map((i) => x.strides[i]!), x.offset));
  return { src: p, outer: numel(kept.map((i) => x.shape[i]!)), n: numel(dims.map((i) => x.shape[i]!)), inner: 1 };
}

export function reduceRaw(op: ReduceOp, x: Tensor, dims: number[], keepdim: boolean): Tensor {
  const { src, outer, n, inner } = asBlock(x, dims);
  const out = Tensor.empty(outShape(x, dims, keepdim), x.dtype);
  if (n === 0 && (op === 'max' || op === 'min')) throw new ShapeError(`${op}: cannot reduce over an empty dim of ${fmtShape(x.shape)}`);
  backend().reduce(op, x.dtype, src.offset, outer, n, inner, out.offset);
  if (src !== x) src.dispose();
  return out;
}

/** Broadcasts a reduced gradient back over the input's shape. */
export function expandBack(g: Tensor, x: Tensor, dims: number[]): Tensor {
  return expand(reshape(g, outShape(x, dims, true)), x.shape);
}

/** Sums a broadcast gradient back down to `shape`. */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (g.shape.length === shape.length && g.shape.every((s, i) => s === shape[i])) return g;
  const dims = reducedDims(shape, g.shape);
  return reshape(sum(g, dims, true), shape);
}

export function sum(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const dims = normDims(x, dim, 'sum');
  const out = reduceRaw('sum', x, dims, keepdim);
  return record('sum', out, [x], (g) => [expandBack(g, x, dims)]);
}

export function expand(x: Tensor, shape: readonly number[]): Tensor {
  if (shape.length < x.ndim) throw new ShapeError(`expand: target ${fmtShape(shape)} has fewer dims than input ${fmtShape(x.shape)}`);
  const off = shape.length - x.ndim;
  const s = shape.map((v, i) => (v === -1 ? (i >= off ? x.shape[i - off]! : -1) : v));
  for (let i = 0; i < s.length; i++) {
    const src = i >= off ? x.shape[i - off]! : 1;
    if (s[i]! < 0 || (src !== 1 && src !== s[i])) {
      throw new ShapeError(`expand: cannot expand ${fmtShape(x.shape)} to ${fmtShape(shape)} (dim ${i}: ${src} → ${shape[i]})`);
    }
  }
  const out = x.view_(s, broadcastStrides(x.shape, x.strides, s), x.offset);
  return record('expand', out, [x], (g) => [sumTo(g, x.shape)]);
}
