// Cross-validated anomaly scores and diagnoses over segment-wise folds, for the Bonn sets:
// an anomaly model is fitted on the healthy (Z+O) training segments of each fold only and
// scores that fold's test segments; a classifier is fitted on all three classes. Figures are
// means over folds of per-fold AUROC / balanced accuracy.

import { ArgumentError } from '../../errors.js';
import type { Matrix } from '../../linalg/matrix.js';
import { stratifiedKFold, type Fold } from '../cross_validation.js';
import { balancedAccuracyScore, confusionMatrix } from '../metrics.js';
import { rocAucScore } from '../roc.js';
import { LedoitWolfGaussian } from '../estimators/gaussian_anomaly.js';
import { LogisticRegression, StandardScaler } from '../estimators/logistic.js';
import { takeRows } from './features.js';

/** Set indices (0..4 = Z, O, N, F, S) counted as healthy in every contrast. */
export const HEALTHY_SETS: readonly number[] = [0, 1];
/** The anomaly contrasts: positives (anomalous) vs the healthy sets. */
export const CONTRASTS: readonly { name: string; positive: readonly number[] }[] = [
  { name: 'S vs Z+O', positive: [4] },
  { name: 'N+F vs Z+O', positive: [2, 3] },
];

export interface ContrastResult {
  name: string;
  perFold: number[];
  mean: number;
}

/** Per-fold AUROC of out-of-fold anomaly scores for every contrast. */
export function foldAurocs(score: ArrayLike<number>, set: ArrayLike<number>, folds: readonly Fold[]): ContrastResult[] {
  return CONTRASTS.map(({ name, positive }) => {
    const perFold = folds.map((f) => {
      const y: number[] = [];
      const s: number[] = [];
      for (const i of f.test) {
        const st = set[i]!;
        if (HEALTHY_SETS.includes(st)) y.push(0);
        else if (positive.includes(st)) y.push(1);
        else continue;
        s.push(score[i]!);
      }
      return rocAucScore(y, s);
    });
    return { name, perFold, mean: perFold.reduce((a, b) => a + b, 0) / perFold.length };
  });
}

/** Checks that folds partition 0..n-1 by test sets; returns nothing, throws an ArgumentError. */
export function checkFolds(folds: readonly Fold[], n: number, op: string): void {
  const seen = new Uint8Array(n);
  for (const f of folds) for (const i of f.test) {
    if (!(i >= 0 && i < n)) throw new ArgumentError(`${op}: fold index ${i} outside 0..${n - 1}`);
    if (seen[i]) throw new ArgumentError(`${op}: segment ${i} is in two test folds`);
    seen[i] = 1;
  }
  const miss = seen.indexOf(0);
  if (miss >= 0) throw new ArgumentError(`${op}: segment ${miss} is in no test fold`);
}

/** Out-of-fold squared Mahalanobis distances from a Ledoit-Wolf Gaussian of each fold's healthy training rows. */
export function mahalanobisScores(X: Matrix, set: ArrayLike<number>, folds: readonly Fold[]): Float64Array {
  checkFolds(folds, X.rows, 'mahalanobisScores');
  const out = new Float64Array(X.rows);
  for (const f of folds) {
    const healthy = Array.from(f.train).filter((i) => HEALTHY_SETS.includes(set[i]!));
    const g = new LedoitWolfGaussian().fit(takeRows(X, healthy));
    const s = g.mahalanobis(takeRows(X, f.test));
    f.test.forEach((i, k) => (out[i] = s[k]!));
  }
  return out;
}

export interface ClassifierResult {
  /** Out-of-fold class probabilities (N, K). */
  proba: Matrix;
  pred: Int32Array;
  perFold: number[];
  /** Mean over folds of the per-fold balanced accuracy. */
  balancedAccuracy: number;
  /** Pooled out-of-fold confusion matrix (rows true, columns predicted). */
  confusion: number[][];
}

/** Summarises out-of-fold class probabilities (N, K) against labels. */
export function summariseClassifier(proba: Matrix, label: ArrayLike<number>, folds: readonly Fold[]): ClassifierResult {
  const K = proba.cols;
  const pred = new Int32Array(proba.rows);
  for (let i = 0; i < proba.rows; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (proba.data[i * K + k]! > proba.data[i * K + best]!) best = k;
    pred[i] = best;
  }
  const perFold = folds.map((f) => balancedAccuracyScore(Array.from(f.test, (i) => label[i]!), Array.from(f.test, (i) => pred[i]!)));
  const labels = Array.from({ length: K }, (_, k) => k);
  return {
    proba, pred, perFold,
    balancedAccuracy: perFold.reduce((a, b) => a + b, 0) / perFold.length,
    confusion: confusionMatrix(Array.from(label), Array.from(pred), { labels }),
  };
}

/** StandardScaler + multinomial L2 logistic regression (C = 1) per fold: out-of-fold probabilities. */
export function logisticProba(X: Matrix, label: ArrayLike<number>, folds: readonly Fold[], nClasses: number): Matrix {
  checkFolds(folds, X.rows, 'logisticProba');
  const out = new Float64Array(X.rows * nClasses);
  for (const f of folds) {
    const Xtr = takeRows(X, f.train);
    const sc = new StandardScaler().fit(Xtr);
    const lr = new LogisticRegression({ C: 1 }).fit(sc.transform(Xtr), Array.from(f.train, (i) => label[i]!));
    if (lr.classes.length !== nClasses) throw new ArgumentError(`logisticProba: a training fold holds ${lr.classes.length} of ${nClasses} classes`);
    const p = lr.predictProba(sc.transform(takeRows(X, f.test)));
    f.test.forEach((i, r) => out.set(p.data.subarray(r * nClasses, (r + 1) * nClasses), i * nClasses));
  }
  return { data: out, rows: X.rows, cols: nClasses };
}

/**
 * Segment-wise k-fold splits stratified by set (20 segments of each Bonn set per test fold for
 * k = 5); windows are cut from segments after splitting, so no segment straddles a split. The
 * same seed gives the same folds as scripts/golden/bonn_reference.py.
 */
export function segmentFolds(set: ArrayLike<number>, k = 5, seed = 0): Fold[] {
  return stratifiedKFold(set, k, seed);
}
