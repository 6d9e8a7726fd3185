// Shared by the decoder tests: the reference values (test/golden/spike_decoders.json, from
// scripts/golden/spike_decoders_reference.py), the real data sets, and a tolerance check.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readMat, toFloat64, toRowMajor, type MatNumeric } from '../../../src/io/mat/index.js';
import { matrix, type Matrix } from '../../../src/decode/estimators/types.js';
import { dataPath, skipUnlessData } from '../../helpers/data.js';

export interface LinearRef { coef: number[]; intercept: number[]; pred: number[]; alpha?: number }
export interface KalmanRef { C: number; center: boolean; A: number[]; W: number[]; H: number[]; Q: number[]; pred: number[] }
export interface MetricsRef { r2: number[]; pearson: number[]; rmse: number[] }
export interface ChewieCase extends MetricsRef {
  pred_every_10th: number[]; pred_sum: number[];
  coef?: number[]; intercept?: number[]; polys?: number[];
  A?: number[]; W?: number[]; H?: number[]; Q_diag?: number[]; Q_row0?: number[]; Q_fro?: number;
  step_std?: number; grid_first_last?: number[]; tuning_col_sums?: number[]; tuning_row0?: number[]; tuning_row_mid?: number[];
}
export interface NBRegressorRef { res: number; bandwidth?: number; grid?: number[]; tuning: number[]; step_std: number; pred: number[] }
export interface NaiveBayesRef { pred: number[]; proba: number[]; jll?: number[]; accuracy?: number; fold_accuracy?: number[] }
export interface Ref {
  synthetic: {
    n_train: number; n_features: number; n_outputs: number; counts: number[]; kinematics: number[];
    linear: LinearRef; linear_no_intercept: { coef: number[]; pred: number[] }; linear_rank_deficient: LinearRef; ridge: LinearRef;
    cascade3: { polys: number[]; pred: number[] }; cascade2: { polys: number[]; pred: number[] };
    kalman: KalmanRef; kalman_centered: KalmanRef; metrics_linear: MetricsRef;
    nb_regressor: NBRegressorRef; nb_regressor_1d: NBRegressorRef;
    naive_bayes: {
      X: number[]; y: number[]; X_test: number[]; n_features: number;
      poisson: NaiveBayesRef & { min_rate: number; rates: number[] };
      gaussian: NaiveBayesRef & { theta: number[]; var: number[]; epsilon: number };
    };
    bits_per_spike: { rates: number[]; counts: (number | null)[]; shape: [number, number]; value: number };
  };
  chewie: {
    linear: ChewieCase; ridge: ChewieCase; cascade3: ChewieCase; kalman: ChewieCase; kalman_centered: ChewieCase; nb_regressor: ChewieCase;
    encoding_bits_per_spike: { n_zero_rates: number; value: number; value_null: number };
  };
  reach: { fold: number[]; poisson: NaiveBayesRef; gaussian: NaiveBayesRef };
}
export const ref = JSON.parse(readFileSync('test/golden/spike_decoders.json', 'utf8')) as Ref;

export const CHEWIE = dataPath('spikes/kordinglab-dad/chewie_demo.mat');
export const REACH = dataPath('spikes/centuri-hatsopoulos-reach/Dataset1.mat');
export const skipChewie = skipUnlessData(CHEWIE);
export const skipReach = skipUnlessData(REACH);

/** A 2-D numeric MAT variable as a row-major float64 Matrix. */
export function matVar(vars: Record<string, unknown>, name: string): Matrix {
  const v = vars[name] as MatNumeric;
  const [r, c] = v.dims as [number, number];
  return matrix(toFloat64(toRowMajor(v).data), r, c);
}

let chewieCache: { Str: Matrix; Ste: Matrix; Vtr: Matrix; Vte: Matrix } | null = null;
/** chewie_demo.mat: Y* are spike counts (bins × 71 units), X* hand velocity (bins × 2). */
export function chewie(): { Str: Matrix; Ste: Matrix; Vtr: Matrix; Vte: Matrix } {
  if (!chewieCache) {
    const vars = readMat(new Uint8Array(readFileSync(CHEWIE)), 'chewie_demo.mat');
    chewieCache = { Str: matVar(vars, 'Ytr'), Ste: matVar(vars, 'Yte'), Vtr: matVar(vars, 'Xtr'), Vte: matVar(vars, 'Xte') };
  }
  return chewieCache;
}

/** test/golden/spike_decoders_robust.json (scripts/golden/spike_robust_reference.py). */
export interface ScoresRef { r2: number[]; pearson: number[]; rmse: number[]; pred_every_10th: number[]; pred_sum: number[] }
export interface RobustRef {
  meta: { silent: number[]; duplicate: number[]; duplicate_columns: number[]; score_from: number; alphas: number[]; valid_fraction: number };
  kalman_corrupted: ScoresRef & { inv_error: string | null; A: number[]; W: number[]; H: number[]; Q_diag: number[]; Q_fro: number; Q_rank: number; kept_units: number; max_diff_to_independent_units: number };
  kalman_clean: ScoresRef;
  ridge_clean: ScoresRef & { alpha: number; best_score: number; valid_r2: number[]; fit_bins: number; coef: number[]; intercept: number[]; alpha1: { r2: number[] } };
  ridge_corrupted: RobustRef['ridge_clean'];
  cascade_clean: ScoresRef & { alpha: number; valid_r2: number[] };
}
export const robust = JSON.parse(readFileSync('test/golden/spike_decoders_robust.json', 'utf8')) as RobustRef;

/**
 * chewie_demo's counts with the silent and duplicated units a real recording can hold: the
 * reference's units set to zero, copies of its duplicated units appended as the last columns.
 */
export function corrupt(m: Matrix): Matrix {
  const { silent, duplicate } = robust.meta;
  const f = m.cols, g = f + duplicate.length;
  const out = new Float64Array(m.rows * g);
  for (let i = 0; i < m.rows; i++) {
    out.set(m.data.subarray(i * f, (i + 1) * f), i * g);
    for (const j of silent) out[i * g + j] = 0;
    duplicate.forEach((j, c) => { out[i * g + f + c] = out[i * g + j]!; });
  }
  return { data: out, rows: m.rows, cols: g };
}

/** Rows [from, to) of a matrix. */
export function rowRange(m: Matrix, from: number, to: number): Matrix {
  return { data: m.data.slice(from * m.cols, to * m.cols), rows: to - from, cols: m.cols };
}

/** Rows start, start+step, ... of a matrix, flattened. */
export function everyNth(m: Matrix, step: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < m.rows; i += step) out.push(...m.data.subarray(i * m.cols, (i + 1) * m.cols));
  return out;
}

/** Column sums. */
export function colSums(m: Matrix): number[] {
  const s = new Array<number>(m.cols).fill(0);
  for (let i = 0; i < m.rows; i++) for (let k = 0; k < m.cols; k++) s[k]! += m.data[i * m.cols + k]!;
  return s;
}

/** max |a − b| / max(|b|, 1e-300) ≤ tol: error relative to the reference array's largest magnitude. */
export function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(a.length, b.length, `${what}: length ${a.length} vs ${b.length}`);
  let err = 0;
  let scale = 1e-300;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  assert.ok(err / scale <= tol, `${what}: max error ${err} relative to ${scale} is ${err / scale} > ${tol}`);
}

/** Rows [from, to) of a (N, C) row-major buffer as a Matrix. */
export function rows(data: ArrayLike<number>, cols: number, from: number, to: number): Matrix {
  return matrix(Array.prototype.slice.call(data, from * cols, to * cols) as number[], to - from, cols);
}

/** The synthetic set: counts (N, F) and kinematics (N, D), split at n_train. */
export function synthetic(): { Ztr: Matrix; Zte: Matrix; Ytr: Matrix; Yte: Matrix } {
  const s = ref.synthetic;
  const N = s.counts.length / s.n_features;
  return {
    Ztr: rows(s.counts, s.n_features, 0, s.n_train),
    Zte: rows(s.counts, s.n_features, s.n_train, N),
    Ytr: rows(s.kinematics, s.n_outputs, 0, s.n_train),
    Yte: rows(s.kinematics, s.n_outputs, s.n_train, N),
  };
}

/** X with column 0 appended again (a duplicated neuron). */
export function withDuplicate(X: Matrix): Matrix {
  const f = X.cols;
  const out: number[] = [];
  for (let i = 0; i < X.rows; i++) out.push(...X.data.subarray(i * f, (i + 1) * f), X.data[i * f]!);
  return matrix(out, X.rows, f + 1);
}
