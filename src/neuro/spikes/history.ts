// Covariates of spike history for decoders, as get_spikes_with_history in Glaser et al.'s
// Neural_Decoding (KordingLab, preprocessing_funcs.py).
// counts: (T, N)      T=time bins, N=neurons, row-major
// out:    (T, L, N)   L = binsBefore + binsAfter + (binsCurrent ? 1 : 0) bins of history per row
//
// Row r holds the L consecutive count rows starting at r − binsBefore. Rows whose window would
// leave the data (the first binsBefore and the last binsAfter) are NaN, as in the original; drop
// them before fitting (rows binsBefore .. T − binsAfter − 1 are filled).
// With binsCurrent = false the original still starts the window at r − binsBefore and takes
// binsBefore + binsAfter rows, so the window is [r − binsBefore, r + binsAfter − 1]: it includes
// bin r and stops one bin short of r + binsAfter. That quirk is kept for exact agreement.

import { ArgumentError, ShapeError } from '../../errors.js';

/** A row-major (rows, cols) matrix, the shape of decode/estimators' Matrix. */
export interface CountMatrix {
  readonly data: ArrayLike<number>;
  readonly rows: number;
  readonly cols: number;
}

/** (n, steps, features) row-major, the shape of decode/estimators' Sequences. */
export interface HistorySequences {
  readonly data: Float64Array;
  readonly n: number;
  readonly steps: number;
  readonly features: number;
}

/** get_spikes_with_history(neural_data, bins_before, bins_after, bins_current). */
export function spikesWithHistory(counts: CountMatrix, binsBefore: number, binsAfter: number, binsCurrent = true): HistorySequences {
  const op = 'spikesWithHistory';
  const { rows: T, cols: N, data } = counts;
  if (!Number.isInteger(T) || !Number.isInteger(N) || T < 0 || N < 0) throw new ShapeError(`${op}: bad shape (${T}, ${N})`);
  if (data.length !== T * N) throw new ShapeError(`${op}: ${data.length} values cannot fill (T, N) = (${T}, ${N})`);
  for (const [name, v] of [['binsBefore', binsBefore], ['binsAfter', binsAfter]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new ArgumentError(`${op}: ${name} must be a non-negative integer, got ${v}`);
  }
  const L = binsBefore + binsAfter + (binsCurrent ? 1 : 0);
  if (L === 0) throw new ArgumentError(`${op}: no bins selected (binsBefore = binsAfter = 0 and binsCurrent = false)`);
  const out = new Float64Array(T * L * N).fill(NaN);
  // row r = i + binsBefore takes count rows i .. i + L − 1
  for (let i = 0; i < T - binsBefore - binsAfter; i++) {
    const dst = (i + binsBefore) * L * N;
    for (let j = 0; j < L * N; j++) out[dst + j] = data[i * N + j]!;
  }
  return { data: out, n: T, steps: L, features: N };
}

/** (T, L, N) → (T, L·N), history bin major (X.reshape(T, L·N) in Neural_Decoding), for Wiener filters. */
export function flattenHistory(x: HistorySequences): { data: Float64Array; rows: number; cols: number } {
  if (x.data.length !== x.n * x.steps * x.features) throw new ShapeError(`flattenHistory: ${x.data.length} values cannot fill (${x.n}, ${x.steps}, ${x.features})`);
  return { data: x.data.slice(), rows: x.n, cols: x.steps * x.features };
}

/** The first and one-past-last rows that spikesWithHistory fills (the others are NaN). */
export function historyValidRange(nBins: number, binsBefore: number, binsAfter: number): [number, number] {
  return nBins - binsBefore - binsAfter > 0 ? [binsBefore, nBins - binsAfter] : [0, 0];
}
