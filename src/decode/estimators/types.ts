// The common contract of the neural decoders (Wiener, Kalman, naive Bayes, RNN/LSTM/GRU, dense):
// sklearn-style fit/predict over row-major float64 buffers, time bins as rows.
//   Matrix:    (N, F)     N=samples (time bins or trials), F=features (neurons, or neurons × lags)
//   Sequences: (N, L, F)  L=bins of spike history per sample (Glaser's get_spikes_with_history)

import { ShapeError } from '../../errors.js';
import type { Matrix } from '../../linalg/matrix.js';

export { type Matrix, matrix } from '../../linalg/matrix.js';

export interface Sequences {
  readonly data: Float64Array;
  readonly n: number;
  readonly steps: number;
  readonly features: number;
}

/** Continuous decoders: neural features in, kinematics (N, D) out. */
export interface Regressor<In = Matrix> {
  fit(X: In, Y: Matrix): this;
  predict(X: In): Matrix;
}

/** Discrete decoders: neural features in, class indices out. */
export interface Classifier<In = Matrix> {
  fit(X: In, y: ArrayLike<number>): this;
  predict(X: In): Int32Array;
  /** (N, K) class probabilities, columns in the order of `classes`. */
  predictProba(X: In): Matrix;
  readonly classes: readonly number[];
}

export function sequences(data: ArrayLike<number>, n: number, steps: number, features: number, op = 'sequences'): Sequences {
  if (![n, steps, features].every((v) => Number.isInteger(v) && v >= 0)) throw new ShapeError(`${op}: bad shape (${n}, ${steps}, ${features})`);
  if (data.length !== n * steps * features) throw new ShapeError(`${op}: ${data.length} values cannot fill shape (${n}, ${steps}, ${features})`);
  return { data: Float64Array.from(data), n, steps, features };
}
