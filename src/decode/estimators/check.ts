// Input checks shared by the classical decoders, so every decoder refuses bad input with the
// same typed errors: ShapeError for sizes that do not fit, ArgumentError for values (NaN, Inf)
// and for use before fit.

import { ArgumentError, ShapeError } from '../../errors.js';
export { checkMatrix, colMeans } from '../../linalg/matrix.js';

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
