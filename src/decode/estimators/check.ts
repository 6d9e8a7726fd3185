// Input checks shared by the classical decoders, so every decoder refuses bad input with the
// same typed errors: ShapeError for sizes that do not fit, ArgumentError for values (NaN, Inf)
// and for use before fit.

import { ArgumentError, ShapeError } from '../../errors.js';
import type { Matrix } from './types.js';

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

/** Throws unless the two inputs have the same number of samples (rows). */
export function checkSameRows(nX: number, nY: number, op: string, what = 'Y'): void {
  if (nX !== nY) throw new ShapeError(`${op}: X has ${nX} samples (rows) but ${what} has ${nY}`);
  if (nX === 0) throw new ArgumentError(`${op}: no samples (0 rows)`);
}

/** Throws unless X has the feature count the decoder was fitted on. */
export function checkFeatures(got: number, want: number, op: string): void {
  if (got !== want) throw new ShapeError(`${op}: fitted on ${want} features, X has ${got}`);
}

export function notFitted(op: string): ArgumentError {
  return new ArgumentError(`${op}: not fitted; call fit first`);
}

/** Column means of a row-major (n, p) buffer. */
export function colMeans(a: Float64Array, n: number, p: number): Float64Array {
  const m = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) m[j] += a[i * p + j]!;
  for (let j = 0; j < p; j++) m[j] /= n;
  return m;
}
