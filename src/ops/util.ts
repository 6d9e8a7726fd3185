// Helpers shared by the ops: type promotion, scalars, casting, broadcast reduction.

import { DTypeError } from '../errors.js';
import { backend } from '../kernels/registry.js';
import { Tensor, fromValues, type DType } from '../tensor/tensor.js';
import type { Shape } from '../tensor/shape.js';

export type TensorLike = Tensor | number;

/** Result dtype of a binary op, as PyTorch's promotion (float64 > float32 > int32). */
export function promote(a: DType, b: DType): DType {
  if (a === 'float64' || b === 'float64') return 'float64';
  if (a === 'float32' || b === 'float32') return 'float32';
  return 'int32';
}

/** A 0-d tensor holding a scalar. */
export function scalar(v: number, dtype: DType = 'float32'): Tensor {
  return fromValues([v], [], dtype);
}

/** A contiguous copy in another dtype (or this tensor, if it already has it). */
export function cast(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  const out = Tensor.empty(x.shape, dtype);
  backend().copy(x.dtype, dtype, x.shape, x.ref(), out.ref());
  return out;
}

/** This tensor if contiguous, else a contiguous copy (no autograd; see movement.contiguous). */
export function contiguousData(x: Tensor): Tensor {
  if (x.isContiguous()) return x;
  const out = Tensor.empty(x.shape, x.dtype);
  backend().copy(x.dtype, x.dtype, x.shape, x.ref(), out.ref());
  return out;
}

export function requireFloat(x: Tensor, op: string): void {
  if (!x.isFloat) throw new DTypeError(`${op}: expected a floating-point tensor, got ${x.dtype}`);
}

/** The dims of `from` that were broadcast to make `to` (for summing gradients back). */
export function reducedDims(from: Shape, to: Shape): number[] {
  const dims: number[] = [];
  const off = to.length - from.length;
  for (let i = 0; i < to.length; i++) {
    if (i < off || (from[i - off] === 1 && to[i] !== 1)) dims.push(i);
  }
  return dims;
}

