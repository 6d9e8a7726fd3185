// The classical per-segment EEG features of the anomaly pipeline: log Welch band powers in the
// delta, theta, alpha, beta and low-gamma bands, log variance and log line length.
// Welch: Hann window of 256 samples (1.47 s at 173.61 Hz), 50 % overlap, mean removed per
// window, density scaling — scripts/golden/bonn_reference.py uses the same.

import { bandPowers, lineLength, populationVariance } from '../../signal/band_power.js';
import type { Matrix } from '../../linalg/matrix.js';

export const FEATURE_BANDS: readonly (readonly [number, number])[] = [[1, 4], [4, 8], [8, 13], [13, 30], [30, 60]];
export const FEATURE_WELCH = { window: 'hann', nperseg: 256, noverlap: 128, detrend: 'constant', scaling: 'density' } as const;
export const FEATURE_NAMES: readonly string[] = [...FEATURE_BANDS.map(([lo, hi]) => `log power ${lo}-${hi} Hz`), 'log variance', 'log line length'];

/** The 7 features of one segment. */
export function segmentFeatures(x: ArrayLike<number>, sfreq: number): Float64Array {
  const bp = bandPowers(x, sfreq, FEATURE_BANDS, FEATURE_WELCH);
  return Float64Array.from([...Array.from(bp, Math.log), Math.log(populationVariance(x)), Math.log(lineLength(x))]);
}

/** Features of every segment, (N, 7). */
export function featureMatrix(segments: readonly ArrayLike<number>[], sfreq: number): Matrix {
  const p = FEATURE_NAMES.length;
  const data = new Float64Array(segments.length * p);
  segments.forEach((s, i) => data.set(segmentFeatures(s, sfreq), i * p));
  return { data, rows: segments.length, cols: p };
}

/** The rows `idx` of X. */
export function takeRows(X: Matrix, idx: ArrayLike<number>): Matrix {
  const out = new Float64Array(idx.length * X.cols);
  for (let r = 0; r < idx.length; r++) out.set(X.data.subarray(idx[r]! * X.cols, (idx[r]! + 1) * X.cols), r * X.cols);
  return { data: out, rows: idx.length, cols: X.cols };
}
