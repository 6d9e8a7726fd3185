// Representational dissimilarity matrices (RDMs), as rsatoolbox computes them.
//
// An RDM over n conditions is kept condensed: the n(n-1)/2 upper-triangle entries in row order,
// (0,1), (0,2), ..., (0,n-1), (1,2), ... — scipy's `squareform` and MATLAB's `pdist` order.
//
// Conventions (rsatoolbox.rdm.calc): 'euclidean' is the SQUARED Euclidean distance divided by
// the number of channels; 'correlation' is 1 - Pearson r between condition patterns; 'cosine'
// (not an rsatoolbox measure) is scipy's pdist 'cosine', 1 - cos angle; 'crossnobis' is
// (a_i - a_j)ᵀ P (b_i - b_j) / n_channels averaged over leave-one-fold-out splits, with a and b
// the condition means of the training and test folds and P a noise precision matrix.

import { ArgumentError, ShapeError } from '../../errors.js';
import { asMatrix, type Matrix, type MatrixLike } from '../../linalg/matrix.js';
import { inv } from '../../linalg/dense.js';

export type RdmMeasure = 'correlation' | 'euclidean' | 'cosine';

/** A condensed RDM: `vector` holds the n(n-1)/2 upper-triangle dissimilarities in row order. */
export interface Rdm {
  readonly n: number;
  readonly vector: Float64Array;
  readonly measure?: string;
}

/** Number of condensed entries for n conditions. */
export const pairCount = (n: number): number => (n * (n - 1)) / 2;

/** Conditions n of a condensed vector of length m = n(n-1)/2; throws when m is not of that form. */
export function conditionsFromLength(m: number, op = 'rdm'): number {
  const n = Math.round((1 + Math.sqrt(1 + 8 * m)) / 2);
  if (!Number.isInteger(m) || pairCount(n) !== m) throw new ShapeError(`${op}: ${m} entries is not n(n-1)/2 for any n`);
  return n;
}

/** Throws an ArgumentError naming the first non-finite value. */
export function checkFinite(values: ArrayLike<number>, op: string, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) throw new ArgumentError(`${op}: ${what} has a non-finite value ${values[i]} at index ${i}`);
  }
}

/** Wraps a condensed vector as an Rdm, checking its length and values. */
export function rdmFromVector(vector: ArrayLike<number>, measure?: string): Rdm {
  const n = conditionsFromLength(vector.length, 'rdmFromVector');
  const v = Float64Array.from(vector);
  checkFinite(v, 'rdmFromVector', 'RDM vector');
  return measure === undefined ? { n, vector: v } : { n, vector: v, measure };
}

/** Condensed RDM from a square (n, n) matrix (row-major): its upper triangle. Checks symmetry to 1e-6 relative. */
export function rdmFromSquare(square: ArrayLike<number>, n: number, measure?: string): Rdm {
  if (square.length !== n * n) throw new ShapeError(`rdmFromSquare: ${square.length} values is not ${n} x ${n}`);
  if (n < 2) throw new ArgumentError(`rdmFromSquare: ${n} conditions, need at least 2`);
  checkFinite(square, 'rdmFromSquare', 'matrix');
  const v = new Float64Array(pairCount(n));
  let scale = 0;
  for (let i = 0; i < square.length; i++) scale = Math.max(scale, Math.abs(square[i]!));
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = square[i * n + j]!;
      const b = square[j * n + i]!;
      if (Math.abs(a - b) > 1e-6 * scale) throw new ArgumentError(`rdmFromSquare: matrix not symmetric at (${i}, ${j}): ${a} vs ${b}`);
      v[k++] = a;
    }
  }
  return measure === undefined ? { n, vector: v } : { n, vector: v, measure };
}

/** The full (n, n) row-major symmetric matrix of a condensed RDM, zero diagonal. */
export function squareRdm(rdm: Rdm): Float64Array {
  const { n, vector } = rdm;
  const out = new Float64Array(n * n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      out[i * n + j] = vector[k]!;
      out[j * n + i] = vector[k]!;
      k++;
    }
  }
  return out;
}

function checkData(data: MatrixLike, op: string, minRows = 2): Matrix {
  const m = asMatrix(data, op);
  if (m.rows < minRows) throw new ArgumentError(`${op}: ${m.rows} conditions, need at least ${minRows}`);
  if (m.cols < 1) throw new ShapeError(`${op}: patterns have 0 channels`);
  checkFinite(m.data, op, 'data');
  return m;
}

/**
 * RDM of condition patterns `data` (conditions × channels): 'correlation' (1 - r), 'euclidean'
 * (squared distance / channels, as rsatoolbox) or 'cosine' (1 - cos). A constant pattern has no
 * correlation and a zero pattern no angle: those throw an ArgumentError naming the condition.
 */
export function computeRdm(data: MatrixLike, measure: RdmMeasure = 'correlation'): Rdm {
  const op = `computeRdm(${measure})`;
  const m = checkData(data, op);
  const { rows: n, cols: p } = m;
  const x = Float64Array.from(m.data);
  if (measure === 'correlation' || measure === 'cosine') {
    for (let i = 0; i < n; i++) {
      const o = i * p;
      if (measure === 'correlation') {
        let mean = 0;
        for (let c = 0; c < p; c++) mean += x[o + c]!;
        mean /= p;
        for (let c = 0; c < p; c++) x[o + c]! -= mean;
      }
      let ss = 0;
      for (let c = 0; c < p; c++) ss += x[o + c]! * x[o + c]!;
      if (!(ss > 0)) throw new ArgumentError(`${op}: condition ${i} has a ${measure === 'correlation' ? 'constant' : 'zero'} pattern, its ${measure} distance is undefined`);
      const s = 1 / Math.sqrt(ss);
      for (let c = 0; c < p; c++) x[o + c]! *= s;
    }
  } else if (measure !== 'euclidean') {
    throw new ArgumentError(`${op}: unknown measure '${String(measure)}' (correlation, euclidean, cosine)`);
  }
  const v = new Float64Array(pairCount(n));
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let acc = 0;
      if (measure === 'euclidean') {
        for (let c = 0; c < p; c++) {
          const d = x[i * p + c]! - x[j * p + c]!;
          acc += d * d;
        }
        v[k++] = acc / p;
      } else {
        for (let c = 0; c < p; c++) acc += x[i * p + c]! * x[j * p + c]!;
        v[k++] = 1 - acc;
      }
    }
  }
  return { n, vector: v, measure };
}

export type NoiseMethod = 'diag' | 'full' | 'shrinkage_eye' | 'shrinkage_diag';

/**
 * Noise covariance of residuals (observations × channels), as rsatoolbox.data.noise
 * `cov_from_residuals`: the residuals are demeaned per channel; dof defaults to rows - 1.
 * 'diag': per-channel variances; 'full': sample covariance; 'shrinkage_eye': Ledoit & Wolf 2004
 * towards a multiple of the identity; 'shrinkage_diag': Schäfer & Strimmer 2005 towards the diagonal.
 */
export function covFromResiduals(residuals: MatrixLike, method: NoiseMethod = 'shrinkage_diag', dof?: number): Matrix {
  const op = `covFromResiduals(${method})`;
  const m = checkData(residuals, op, 2);
  const { rows: T, cols: p } = m;
  const df = dof ?? T - 1;
  if (!(df > 0)) throw new ArgumentError(`${op}: degrees of freedom ${df} must be > 0`);
  const x = Float64Array.from(m.data);
  for (let c = 0; c < p; c++) {
    let mean = 0;
    for (let t = 0; t < T; t++) mean += x[t * p + c]!;
    mean /= T;
    for (let t = 0; t < T; t++) x[t * p + c]! -= mean;
  }
  const sSum = new Float64Array(p * p);
  const s2Sum = new Float64Array(p * p);
  for (let t = 0; t < T; t++) {
    const o = t * p;
    for (let a = 0; a < p; a++) {
      const xa = x[o + a]!;
      for (let b = 0; b < p; b++) {
        const v = xa * x[o + b]!;
        sSum[a * p + b]! += v;
        s2Sum[a * p + b]! += v * v;
      }
    }
  }
  const out = new Float64Array(p * p);
  if (method === 'diag' || method === 'full') {
    for (let a = 0; a < p; a++) {
      for (let b = 0; b < p; b++) if (method === 'full' || a === b) out[a * p + b] = sSum[a * p + b]! / df;
    }
  } else if (method === 'shrinkage_eye') {
    const s = sSum.map((v) => v / T);
    let b2 = 0;
    for (let i = 0; i < p * p; i++) b2 += s2Sum[i]! / T - s[i]! * s[i]!;
    b2 /= T;
    let mu = 0;
    for (let a = 0; a < p; a++) mu += s[a * p + a]!;
    mu /= p;
    let d2 = 0;
    for (let a = 0; a < p; a++) {
      for (let b = 0; b < p; b++) {
        const d = s[a * p + b]! - (a === b ? mu : 0);
        d2 += d * d;
      }
    }
    b2 = Math.min(d2, b2);
    // d2 = 0 means s is already a multiple of the identity: nothing to shrink.
    const w = d2 > 0 ? b2 / d2 : 0;
    for (let a = 0; a < p; a++) {
      for (let b = 0; b < p; b++) out[a * p + b] = ((a === b ? w * mu : 0) + (1 - w) * s[a * p + b]!) * (T / df);
    }
  } else if (method === 'shrinkage_diag') {
    const s = sSum.map((v) => v / df);
    let num = 0;
    let den = 0;
    for (let a = 0; a < p; a++) {
      const va = s[a * p + a]!;
      if (!(va > 0)) throw new ArgumentError(`${op}: channel ${a} has zero variance`);
      for (let b = 0; b < p; b++) {
        if (a === b) continue;
        const vb = s[b * p + b]!;
        const sMean = sSum[a * p + b]! / Math.sqrt(va * vb) / df;
        const s2Mean = s2Sum[a * p + b]! / (va * vb) / df;
        num += (T / (df * df)) * (s2Mean - sMean * sMean);
        den += sMean * sMean;
      }
    }
    const lamb = den > 0 ? Math.max(Math.min(num / den, 1), 0) : 1;
    for (let a = 0; a < p; a++) {
      for (let b = 0; b < p; b++) out[a * p + b] = a === b ? s[a * p + b]! : (1 - lamb) * s[a * p + b]!;
    }
  } else {
    throw new ArgumentError(`${op}: unknown method '${String(method)}' (diag, full, shrinkage_eye, shrinkage_diag)`);
  }
  return { data: out, rows: p, cols: p };
}

/** The noise precision matrix: the inverse of covFromResiduals (rsatoolbox's prec_from_residuals). */
export function precFromResiduals(residuals: MatrixLike, method: NoiseMethod = 'shrinkage_diag', dof?: number): Matrix {
  const cov = covFromResiduals(residuals, method, dof);
  for (let a = 0; a < cov.rows; a++) {
    if (!(cov.data[a * cov.cols + a]! > 0)) throw new ArgumentError(`precFromResiduals(${method}): channel ${a} has zero noise variance, the covariance is singular`);
  }
  return inv(cov);
}

export interface CrossnobisOptions {
  /** Noise precision (channels × channels); identity when absent (the cross-validated squared Euclidean distance). */
  readonly precision?: Matrix;
  /**
   * Instead of `precision`: estimate it from the data's residuals (each observation minus its
   * condition's mean, dof = observations − conditions, as rsatoolbox's prec_from_unbalanced)
   * with one of prec_from_residuals' methods; 'identity' is the default.
   */
  readonly noise?: 'identity' | NoiseMethod;
}

/**
 * Condition means of observations (observations × channels) labelled by `conditions`, in
 * ascending label order, as rsatoolbox's average_dataset_by.
 */
export function averageByCondition(data: MatrixLike, conditions: ArrayLike<number>): { means: Matrix; conditions: number[]; counts: number[] } {
  const op = 'averageByCondition';
  const m = checkData(data, op, 1);
  if (conditions.length !== m.rows) throw new ShapeError(`${op}: ${m.rows} observations but ${conditions.length} condition labels`);
  checkFinite(conditions, op, 'condition labels');
  const ids = [...new Set(Array.from(conditions))].sort((a, b) => a - b);
  const index = new Map(ids.map((c, i) => [c, i]));
  const p = m.cols;
  const out = new Float64Array(ids.length * p);
  const counts = new Array<number>(ids.length).fill(0);
  for (let t = 0; t < m.rows; t++) {
    const ci = index.get(conditions[t]!)!;
    counts[ci]!++;
    for (let c = 0; c < p; c++) out[ci * p + c]! += m.data[t * p + c]!;
  }
  for (let ci = 0; ci < ids.length; ci++) for (let c = 0; c < p; c++) out[ci * p + c]! /= counts[ci]!;
  return { means: { data: out, rows: ids.length, cols: p }, conditions: ids, counts };
}

/** Residuals of observations about their condition means, and their degrees of freedom (observations − conditions). */
export function conditionResiduals(data: MatrixLike, conditions: ArrayLike<number>): { residuals: Matrix; dof: number } {
  const m = asMatrix(data, 'conditionResiduals');
  const { means, conditions: ids } = averageByCondition(m, conditions);
  const index = new Map(ids.map((c, i) => [c, i]));
  const p = m.cols;
  const r = new Float64Array(m.rows * p);
  for (let t = 0; t < m.rows; t++) {
    const ci = index.get(conditions[t]!)!;
    for (let c = 0; c < p; c++) r[t * p + c] = m.data[t * p + c]! - means.data[ci * p + c]!;
  }
  return { residuals: { data: r, rows: m.rows, cols: p }, dof: m.rows - ids.length };
}

/**
 * Cross-validated Mahalanobis ("crossnobis") RDM, as rsatoolbox's calc_rdm_crossnobis.
 * `data`: observations × channels; `conditions[t]` and `folds[t]` label each observation
 * (integers). For each fold f: condition means over the observations in f (test) and over all
 * other folds (train); d_ij = (train_i - train_j)ᵀ P (test_i - test_j) / channels; the RDM is
 * the mean over folds weighted by each test fold's observation count (rsatoolbox; the plain mean
 * when folds are balanced). Every condition must occur in every fold.
 */
export function crossnobisRdm(data: MatrixLike, conditions: ArrayLike<number>, folds: ArrayLike<number>, opts: CrossnobisOptions = {}): Rdm {
  const op = 'crossnobisRdm';
  const m = checkData(data, op, 2);
  const { rows: T, cols: p } = m;
  if (conditions.length !== T || folds.length !== T) throw new ShapeError(`${op}: ${T} observations but ${conditions.length} condition labels and ${folds.length} fold labels`);
  const condIds = [...new Set(Array.from(conditions))].sort((a, b) => a - b);
  const foldIds = [...new Set(Array.from(folds))].sort((a, b) => a - b);
  const n = condIds.length;
  if (n < 2) throw new ArgumentError(`${op}: ${n} condition(s), need at least 2`);
  if (foldIds.length < 2) throw new ArgumentError(`${op}: ${foldIds.length} fold(s), cross-validation needs at least 2`);
  if (opts.precision !== undefined && opts.noise !== undefined && opts.noise !== 'identity') throw new ArgumentError(`${op}: give either precision or noise '${opts.noise}', not both`);
  let P = opts.precision;
  if (P === undefined && opts.noise !== undefined && opts.noise !== 'identity') {
    const { residuals, dof } = conditionResiduals(m, conditions);
    P = precFromResiduals(residuals, opts.noise, dof);
  }
  if (P !== undefined && (P.rows !== p || P.cols !== p)) throw new ShapeError(`${op}: precision is (${P.rows}, ${P.cols}), data has ${p} channels`);
  if (P !== undefined) checkFinite(P.data, op, 'precision');
  const cIndex = new Map(condIds.map((c, i) => [c, i]));
  const fIndex = new Map(foldIds.map((f, i) => [f, i]));
  const F = foldIds.length;
  // Per-fold, per-condition sums and counts.
  const sums = new Float64Array(F * n * p);
  const counts = new Float64Array(F * n);
  for (let t = 0; t < T; t++) {
    const ci = cIndex.get(conditions[t]!)!;
    const fi = fIndex.get(folds[t]!)!;
    counts[fi * n + ci]!++;
    const o = (fi * n + ci) * p;
    for (let c = 0; c < p; c++) sums[o + c]! += m.data[t * p + c]!;
  }
  for (let fi = 0; fi < F; fi++) {
    for (let ci = 0; ci < n; ci++) {
      if (counts[fi * n + ci] === 0) throw new ArgumentError(`${op}: condition ${condIds[ci]} has no observation in fold ${foldIds[fi]}`);
    }
  }
  const out = new Float64Array(pairCount(n));
  const train = new Float64Array(n * p);
  const test = new Float64Array(n * p);
  const dTrain = new Float64Array(p);
  const dTest = new Float64Array(p);
  for (let f = 0; f < F; f++) {
    train.fill(0);
    for (let ci = 0; ci < n; ci++) {
      let cnt = 0;
      for (let g = 0; g < F; g++) {
        if (g === f) continue;
        cnt += counts[g * n + ci]!;
        const o = (g * n + ci) * p;
        for (let c = 0; c < p; c++) train[ci * p + c]! += sums[o + c]!;
      }
      const o = (f * n + ci) * p;
      const cf = counts[f * n + ci]!;
      for (let c = 0; c < p; c++) {
        train[ci * p + c]! /= cnt;
        test[ci * p + c] = sums[o + c]! / cf;
      }
    }
    let foldObs = 0;
    for (let ci = 0; ci < n; ci++) foldObs += counts[f * n + ci]!;
    foldObs /= T;
    let k = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        for (let c = 0; c < p; c++) {
          dTrain[c] = train[i * p + c]! - train[j * p + c]!;
          dTest[c] = test[i * p + c]! - test[j * p + c]!;
        }
        let acc = 0;
        if (P === undefined) {
          for (let c = 0; c < p; c++) acc += dTrain[c]! * dTest[c]!;
        } else {
          for (let a = 0; a < p; a++) {
            let row = 0;
            for (let b = 0; b < p; b++) row += P.data[a * p + b]! * dTest[b]!;
            acc += dTrain[a]! * row;
          }
        }
        out[k++]! += (acc / p) * foldObs;
      }
    }
  }
  return { n, vector: out, measure: 'crossnobis' };
}
