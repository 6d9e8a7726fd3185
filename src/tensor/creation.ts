// Creation functions: tensor, zeros, ones, full, arange, linspace, eye, and seeded random.

import { ArgumentError, ShapeError } from '../errors.js';
import { backend } from '../kernels/registry.js';
import { Tensor, checkDType, fromValues, type DType } from './tensor.js';
import { checkShape } from './shape.js';
import { defaultGenerator, type Generator } from './random.js';

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

export type NestedArray = number | boolean | readonly NestedArray[];

function finish(t: Tensor, o: CreateOptions): Tensor {
  if (o.requiresGrad) t.requiresGrad = true;
  return t;
}

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let d: NestedArray = data;
  while (Array.isArray(d)) {
    shape.push(d.length);
    d = (d as readonly NestedArray[])[0] as NestedArray;
    if (d === undefined) break;
  }
  return shape;
}

function flattenInto(data: NestedArray, shape: number[], dim: number, out: number[]): void {
  if (dim === shape.length) {
    if (Array.isArray(data)) throw new ShapeError(`tensor: ragged nested array (too deep at dim ${dim})`);
    out.push(typeof data === 'boolean' ? (data ? 1 : 0) : (data as number));
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[dim]) {
    throw new ShapeError(`tensor: ragged nested array: expected ${shape[dim]} elements at dim ${dim}, got ${Array.isArray(data) ? data.length : 'a scalar'}`);
  }
  for (const x of data as readonly NestedArray[]) flattenInto(x, shape, dim + 1, out);
}

/**
 * Builds a tensor from nested arrays, a typed array (with `shape`), or a number.
 * The dtype defaults to float32, or int32 for an Int32Array.
 */
export function tensor(
  data: NestedArray | Float32Array | Float64Array | Int32Array | Uint8Array | readonly number[],
  opts: CreateOptions & { shape?: readonly number[] } = {},
): Tensor {
  let values: ArrayLike<number>;
  let shape: number[];
  if (opts.dtype !== undefined) checkDType(opts.dtype, 'tensor');
  let dtype: DType = opts.dtype ?? 'float32';
  if (ArrayBuffer.isView(data)) {
    values = data as ArrayLike<number>;
    shape = opts.shape ? [...opts.shape] : [values.length];
    if (!opts.dtype) dtype = data instanceof Float64Array ? 'float64' : data instanceof Int32Array ? 'int32' : 'float32';
  } else {
    shape = inferShape(data as NestedArray);
    const flat: number[] = [];
    flattenInto(data as NestedArray, shape, 0, flat);
    values = flat;
    if (opts.shape) shape = [...opts.shape];
  }
  checkShape(shape, 'tensor');
  return finish(fromValues(values, shape, dtype), opts);
}

function filled(shape: readonly number[], value: number, opts: CreateOptions, op: string): Tensor {
  checkShape(shape, op); // errors name the function the user called (zeros, ones, ...), not 'full'
  const t = Tensor.empty(shape, opts.dtype ?? 'float32', op);
  backend().fill(t.dtype, t.offset, t.numel, value);
  return finish(t, opts);
}

export function full(shape: readonly number[], value: number, opts: CreateOptions = {}): Tensor {
  return filled(shape, value, opts, 'full');
}

export const zeros = (shape: readonly number[], opts: CreateOptions = {}): Tensor => filled(shape, 0, opts, 'zeros');
export const ones = (shape: readonly number[], opts: CreateOptions = {}): Tensor => filled(shape, 1, opts, 'ones');
export const empty = (shape: readonly number[], opts: CreateOptions = {}): Tensor => {
  checkShape(shape, 'empty');
  return finish(Tensor.empty(shape, opts.dtype ?? 'float32', 'empty'), opts);
};
export const zerosLike = (x: Tensor, opts: CreateOptions = {}): Tensor => full(x.shape, 0, { dtype: x.dtype, ...opts });
export const onesLike = (x: Tensor, opts: CreateOptions = {}): Tensor => full(x.shape, 1, { dtype: x.dtype, ...opts });
export const fullLike = (x: Tensor, v: number, opts: CreateOptions = {}): Tensor => full(x.shape, v, { dtype: x.dtype, ...opts });

/** Values in [start, end) with `step`; arange(n) counts 0..n-1. int32 when all arguments are integers. */
export function arange(start: number, end?: number, step = 1, opts: CreateOptions = {}): Tensor {
  if (end === undefined) [start, end] = [0, start];
  if (step === 0) throw new ArgumentError('arange: step must be nonzero');
  const n = Math.max(0, Math.ceil((end - start) / step));
  const dtype = opts.dtype === undefined ? (Number.isInteger(start) && Number.isInteger(end) && Number.isInteger(step) ? 'int32' : 'float32') : checkDType(opts.dtype, 'arange');
  const t = Tensor.fromFn([n], dtype, (v) => {
    for (let i = 0; i < n; i++) v[i] = start + i * step;
  }, 'arange');
  return finish(t, opts);
}

export function linspace(start: number, end: number, steps: number, opts: CreateOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new ArgumentError(`linspace: steps must be a non-negative integer, got ${steps}`);
  const d = steps > 1 ? (end - start) / (steps - 1) : 0;
  // fill symmetric halves from both ends, as PyTorch, so the endpoint is exact
  const t = Tensor.fromFn([steps], opts.dtype ?? 'float32', (v) => {
    for (let i = 0; i < steps; i++) v[i] = i < steps / 2 ? start + d * i : end - d * (steps - 1 - i);
  }, 'linspace');
  return finish(t, opts);
}

export function eye(n: number, m = n, opts: CreateOptions = {}): Tensor {
  checkShape([n, m], 'eye');
  const t = Tensor.fromFn([n, m], opts.dtype ?? 'float32', (v) => {
    v.fill(0);
    for (let i = 0; i < Math.min(n, m); i++) v[i * m + i] = 1;
  }, 'eye');
  return finish(t, opts);
}

export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}

/** Uniform [0, 1). */
export function rand(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  checkShape(shape, 'rand');
  const g = opts.generator ?? defaultGenerator;
  const t = Tensor.fromFn(shape, opts.dtype ?? 'float32', (v) => {
    for (let i = 0; i < v.length; i++) v[i] = g.random();
  }, 'rand');
  return finish(t, opts);
}

/** Standard normal. */
export function randn(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  checkShape(shape, 'randn');
  const g = opts.generator ?? defaultGenerator;
  const t = Tensor.fromFn(shape, opts.dtype ?? 'float32', (v) => {
    for (let i = 0; i < v.length; i++) v[i] = g.normal();
  }, 'randn');
  return finish(t, opts);
}

/** Integers uniform in [low, high), int32. */
export function randint(low: number, high: number, shape: readonly number[], opts: RandomOptions = {}): Tensor {
  if (!(high > low)) throw new ArgumentError(`randint: high ${high} must exceed low ${low}`);
  checkShape(shape, 'randint');
  const g = opts.generator ?? defaultGenerator;
  const t = Tensor.fromFn(shape, opts.dtype ?? 'int32', (v) => {
    for (let i = 0; i < v.length; i++) v[i] = g.int(low, high);
  }, 'randint');
  return finish(t, opts);
}

/** A random permutation of 0..n-1 (Fisher-Yates), int32. */
export function randperm(n: number, opts: RandomOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new ArgumentError(`randperm: n must be a non-negative integer, got ${n}`);
  const g = opts.generator ?? defaultGenerator;
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.int(0, i + 1);
    const tmp = p[i]!;
    p[i] = p[j]!;
    p[j] = tmp;
  }
  return fromValues(p, [n], opts.dtype ?? 'int32', 'randperm');
}

