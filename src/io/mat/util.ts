// Helpers over MatValue: column-major indexing, row-major copies, sparse expansion, int64 to
// numbers, and typed access to struct fields.
import { ArgumentError, DTypeError, IndexError } from '../../errors.js';
import type { MatLogical, MatNumeric, MatSparse, MatStruct, MatObject, MatValue, MatChar } from './types.js';

/** Arrays that carry element data in `data` (and optionally `imag`). */
export type MatDense = MatNumeric | MatLogical | MatChar;

type Data = MatDense['data'];

/** Number of elements of an array with these dims. */
export function numel(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/**
 * Column-major (MATLAB) linear index of a 0-based subscript. Fewer subscripts than dims treat
 * the missing trailing ones as 0; extra subscripts must be 0.
 */
export function colMajorIndex(dims: readonly number[], index: readonly number[]): number {
  let off = 0;
  let stride = 1;
  for (let k = 0; k < index.length; k++) {
    const d = k < dims.length ? dims[k]! : 1;
    const i = index[k]!;
    if (!Number.isInteger(i) || i < 0 || i >= d) {
      throw new IndexError(`mat: index ${i} out of range for dimension ${k} of size ${d} (dims (${dims.join(', ')}))`);
    }
    off += i * stride;
    stride *= d;
  }
  return off;
}

/** Element at a 0-based subscript (column-major lookup) of a numeric, logical or char array. */
export function at(value: MatDense, ...index: number[]): number | bigint {
  return value.data[colMajorIndex(value.dims, index)]!;
}

/** Element `i` of a cell array at a 0-based subscript. */
export function cellAt(value: MatValue, ...index: number[]): MatValue {
  if (value.class !== 'cell') throw new DTypeError(`mat: cellAt needs a cell array, got ${value.class}`);
  return value.cells[colMajorIndex(value.dims, index)]!;
}

/**
 * Field `name` of struct element `index` (0-based linear, column-major; default 0).
 * Throws when the value is not a struct/object or has no such field.
 */
export function field(value: MatValue, name: string, index = 0): MatValue {
  if (value.class !== 'struct' && value.class !== 'object') {
    throw new DTypeError(`mat: field '${name}' of a ${value.class} array (needs struct)`);
  }
  const s = value as MatStruct | MatObject;
  if (!s.fieldNames.includes(name)) {
    throw new ArgumentError(`mat: struct has no field '${name}' (fields: ${s.fieldNames.join(', ') || 'none'})`);
  }
  const el = s.elements[index];
  if (!el) throw new IndexError(`mat: struct element ${index} out of range for ${s.elements.length} elements`);
  return el[name]!;
}

/** Permutes column-major `data` with `dims` into a new row-major (C-order) array of the same type. */
export function permuteToRowMajor<T extends Data | Float64Array>(data: T, dims: readonly number[]): T {
  const n = numel(dims);
  const ctor = data.constructor as new (n: number) => T;
  const out = new ctor(n);
  const nd = dims.length;
  if (nd <= 1 || n === 0) {
    (out as Float64Array).set(data as Float64Array);
    return out;
  }
  if (nd === 2) {
    const [r, c] = dims as [number, number];
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) (out as Float64Array)[i * c + j] = (data as Float64Array)[i + j * r]!;
    return out;
  }
  // General N-D: walk the row-major output, tracking the column-major source offset.
  const colStride: number[] = [];
  let s = 1;
  for (const d of dims) {
    colStride.push(s);
    s *= d;
  }
  const idx = new Array<number>(nd).fill(0);
  let src = 0;
  for (let o = 0; o < n; o++) {
    (out as Float64Array)[o] = (data as Float64Array)[src]!;
    for (let k = nd - 1; k >= 0; k--) {
      idx[k]!++;
      src += colStride[k]!;
      if (idx[k]! < dims[k]!) break;
      src -= idx[k]! * colStride[k]!;
      idx[k] = 0;
    }
  }
  return out;
}

/**
 * Row-major (C-order, as numpy/dendrite tensors use) copy of a numeric or logical array:
 * `{ shape, data, imag? }` with `shape` = dims. Element (i, j) of an (m, n) matrix is data[i * n + j].
 */
export function toRowMajor<V extends MatNumeric | MatLogical>(
  value: V,
): { shape: number[]; data: V['data']; imag?: V['data'] } {
  const data = permuteToRowMajor(value.data, value.dims);
  const imag = 'imag' in value && value.imag ? permuteToRowMajor(value.imag, value.dims) : undefined;
  return { shape: [...value.dims], data, ...(imag ? { imag } : {}) } as { shape: number[]; data: V['data']; imag?: V['data'] };
}

/** Dense column-major expansion of a sparse matrix: `{ dims, data, imag? }` (Float64Array). */
export function sparseToDense(s: MatSparse): { dims: [number, number]; data: Float64Array; imag?: Float64Array } {
  const [m, n] = s.dims;
  const data = new Float64Array(m * n);
  const imag = s.imag ? new Float64Array(m * n) : undefined;
  for (let j = 0; j < n; j++) {
    for (let k = s.jc[j]!; k < s.jc[j + 1]!; k++) {
      const o = s.ir[k]! + j * m;
      data[o] = s.data[k]!;
      if (imag) imag[o] = s.imag![k]!;
    }
  }
  return { dims: [m, n], data, ...(imag ? { imag } : {}) };
}

/**
 * Float64 copy of any numeric or logical array's data. For int64/uint64 every value must be
 * a safe integer (|v| <= 2^53 - 1); otherwise throws IndexError naming the value.
 */
export function toFloat64(data: Data): Float64Array {
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    const out = new Float64Array(data.length);
    const lim = BigInt(Number.MAX_SAFE_INTEGER);
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v > lim || v < -lim) throw new IndexError(`mat: int64 value ${v} at ${i} does not fit a double exactly`);
      out[i] = Number(v);
    }
    return out;
  }
  return Float64Array.from(data as ArrayLike<number>);
}
