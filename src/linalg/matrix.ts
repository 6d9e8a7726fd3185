// The one dense matrix type of the classical estimators (CSP, LDA, Wiener, Kalman, naive Bayes):
// float64, row-major, element (i, j) at data[i * cols + j]. Plain data, so it crosses workers and
// JSON without a class; every linalg helper takes and returns it.

import { ArgumentError, ShapeError } from '../errors.js';

export interface Matrix {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

/** Anything a feature matrix arrives as: a Matrix, nested rows, or a row-major buffer with a 2-D shape. */
export type MatrixLike = Matrix | readonly (readonly number[])[] | { readonly data: ArrayLike<number>; readonly shape: readonly number[] };

function checkShape(rows: number, cols: number, op: string): void {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) throw new ShapeError(`${op}: bad shape (${rows}, ${cols})`);
}

/** A (rows, cols) matrix holding a copy of `data`. */
export function matrix(data: ArrayLike<number>, rows: number, cols: number, op = 'matrix'): Matrix {
  checkShape(rows, cols, op);
  if (data.length !== rows * cols) throw new ShapeError(`${op}: ${data.length} values cannot fill shape (${rows}, ${cols})`);
  return { data: Float64Array.from(data), rows, cols };
}

/** A (rows, cols) matrix over `data` itself (no copy): for buffers the caller has just made. */
export function wrap(data: Float64Array, rows: number, cols: number, op = 'matrix'): Matrix {
  checkShape(rows, cols, op);
  if (data.length !== rows * cols) throw new ShapeError(`${op}: ${data.length} values cannot fill shape (${rows}, ${cols})`);
  return { data, rows, cols };
}

export function zeros(rows: number, cols: number): Matrix {
  checkShape(rows, cols, 'linalg.zeros');
  return { data: new Float64Array(rows * cols), rows, cols };
}

export function identity(n: number): Matrix {
  const m = zeros(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
  return m;
}

/** Nested rows → Matrix; every row must have the first row's length. */
export function fromRows(rows: readonly (readonly number[])[], op = 'matrix'): Matrix {
  const n = rows.length;
  const p = n ? rows[0]!.length : 0;
  const data = new Float64Array(n * p);
  rows.forEach((r, i) => {
    if (r.length !== p) throw new ShapeError(`${op}: row ${i} has ${r.length} values, expected ${p}`);
    data.set(r, i * p);
  });
  return { data, rows: n, cols: p };
}

/** Matrix → nested rows (number[][]), for results users read as arrays. */
export function toRows(m: Matrix): number[][] {
  return Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
}

/** Row i as a view (no copy). */
export function row(m: Matrix, i: number): Float64Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}

function isMatrix(x: unknown): x is Matrix {
  return typeof x === 'object' && x !== null && 'rows' in x && 'cols' in x && 'data' in x;
}

/** Any MatrixLike → a Matrix with its own float64 copy (the caller may overwrite it). */
export function asMatrix(x: MatrixLike, op: string): Matrix {
  if (Array.isArray(x)) return fromRows(x as readonly (readonly number[])[], op);
  if (isMatrix(x)) return matrix(x.data, x.rows, x.cols, op);
  const { data, shape } = x as { data: ArrayLike<number>; shape: readonly number[] };
  if (shape.length !== 2) throw new ShapeError(`${op}: X must be (samples, features), got shape (${shape.join(', ')})`);
  const [n, p] = shape as [number, number];
  if (data.length !== n * p) throw new ShapeError(`${op}: data has ${data.length} values, shape (${n}, ${p}) needs ${n * p}`);
  return { data: Float64Array.from(data), rows: n, cols: p };
}

/** Throws unless `m` is a (rows, cols) matrix whose buffer fits its shape and holds only finite values. */
export function checkMatrix(m: Matrix, op: string, name: string): void {
  if (m === null || typeof m !== 'object' || !(m.data instanceof Float64Array)) throw new ShapeError(`${op}: ${name} must be a Matrix {data: Float64Array, rows, cols}`);
  const { data, rows, cols } = m;
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) throw new ShapeError(`${op}: ${name} has a bad shape (${rows}, ${cols})`);
  if (data.length !== rows * cols) throw new ShapeError(`${op}: ${name} has ${data.length} values for shape (${rows}, ${cols})`);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) throw new ArgumentError(`${op}: ${name}[${Math.floor(i / cols)}, ${i % cols}] is ${data[i]}; values must be finite`);
  }
}

/** Throws unless a is square; returns its size. */
export function checkSquare(a: Matrix, op: string): number {
  if (a.rows !== a.cols || a.data.length !== a.rows * a.cols) throw new ShapeError(`${op}: expected a square matrix, got (${a.rows}, ${a.cols}) with ${a.data.length} values`);
  return a.rows;
}

/** Column means of a row-major (n, p) buffer. */
export function colMeans(a: Float64Array, n: number, p: number): Float64Array {
  const m = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) m[j] += a[i * p + j]!;
  for (let j = 0; j < p; j++) m[j] /= n;
  return m;
}
