// The classical Bonn reference against scipy/sklearn (scripts/golden/bonn_reference.py) on the
// same folds: features equal scipy's Welch band powers, log variance and line length; the
// Ledoit-Wolf Mahalanobis scores, their AUROCs, and multinomial logistic regression's
// probabilities and balanced accuracy equal sklearn's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BONN_SETS } from '../../../src/datasets/bonn.js';
import { loadBonnDir } from '../../../src/node/bonn.js';
import { featureMatrix, takeRows } from '../../../src/decode/anomaly/features.js';
import { foldAurocs, logisticProba, mahalanobisScores, segmentFolds, summariseClassifier } from '../../../src/decode/anomaly/evaluate.js';
import { LedoitWolfGaussian } from '../../../src/decode/estimators/gaussian_anomaly.js';
import { rocAucScore, rocCurve } from '../../../src/decode/roc.js';
import { ArgumentError } from '../../../src/errors.js';
import { dataPath, skipMissing } from '../../helpers/data.js';

interface Ref {
  fold_of: number[]; set_of: number[]; features: number[][];
  dendrite_folds: { maha: number[]; proba: number[][]; proba_exact: number[][]; auroc_s: number; auroc_nf: number; balanced_accuracy: number; folds: { shrinkage: number; auroc_s: number; auroc_nf: number; balanced_accuracy: number }[] };
  roc_cases: { y: number[]; score: number[]; auc: number; fpr: number[]; tpr: number[]; thresholds: (number | null)[] }[];
}
const ref = JSON.parse(readFileSync('test/golden/bonn/reference.json', 'utf8')) as Ref;
const dir = dataPath('eeg', 'bonn');
const paths = BONN_SETS.map((s) => `${dir}/${s}.zip`);

const close = (a: number, b: number, rtol: number, what: string) => assert.ok(Math.abs(a - b) <= rtol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test('segment folds equal the reference script\'s (seeded), 20 of each set per test fold', () => {
  const folds = segmentFolds(ref.set_of, 5, 0);
  const foldOf = new Array<number>(500);
  folds.forEach((f, k) => f.test.forEach((i) => (foldOf[i] = k)));
  assert.deepEqual(foldOf, ref.fold_of);
  for (const f of folds) for (let s = 0; s < 5; s++) assert.equal(Array.from(f.test).filter((i) => ref.set_of[i] === s).length, 20);
  assert.notDeepEqual(segmentFolds(ref.set_of, 5, 1)[0]!.test, folds[0]!.test);
});

test('roc curve and AUROC equal sklearn, ties included', () => {
  for (const c of ref.roc_cases) {
    const r = rocCurve(c.y, c.score);
    assert.deepEqual(Array.from(r.fpr), c.fpr);
    assert.deepEqual(Array.from(r.tpr), c.tpr);
    // sklearn 1.2 puts max(score) + 1 first, sklearn >= 1.3 +inf (as here): both flag nothing
    assert.equal(r.thresholds[0], Infinity);
    assert.deepEqual(Array.from(r.thresholds.subarray(1)), c.thresholds.slice(1));
    close(rocAucScore(c.y, c.score), c.auc, 1e-15, 'auc');
  }
  assert.equal(rocAucScore([0, 1, 0, 1], [1, 1, 1, 1]), 0.5);
  assert.throws(() => rocAucScore([1, 1], [0.2, 0.3]), (e: Error) => e instanceof ArgumentError && /both classes, got 2 positives and 0 negatives/.test(e.message));
  assert.throws(() => rocAucScore([0, 1], [0.2, NaN]), /score\[1\] is NaN/);
});

test('features equal scipy Welch band powers + log variance + log line length', (t) => {
  if (skipMissing(t, ...paths)) return;
  const d = loadBonnDir(dir);
  const X = featureMatrix(d.segments, d.sfreq);
  assert.equal(X.cols, 7);
  for (let i = 0; i < 500; i++) for (let j = 0; j < 7; j++) close(X.data[i * 7 + j]!, ref.features[i]![j]!, 1e-12, `feature[${i}][${j}]`);
});

// the rest runs on the reference's features, so it checks the estimators alone
const X = { data: Float64Array.from(ref.features.flat()), rows: 500, cols: 7 };
const folds = segmentFolds(ref.set_of, 5, 0);
const label = Int32Array.from(ref.set_of, (s) => [0, 0, 1, 1, 2][s]!);

test('Ledoit-Wolf Mahalanobis scores and AUROCs equal sklearn on the same folds', () => {
  const maha = mahalanobisScores(X, ref.set_of, folds);
  for (let i = 0; i < 500; i++) close(maha[i]!, ref.dendrite_folds.maha[i]!, 1e-9, `maha[${i}]`);
  const healthy = Array.from(folds[0]!.train).filter((i) => ref.set_of[i]! <= 1);
  close(new LedoitWolfGaussian().fit(takeRows(X, healthy)).shrinkage, ref.dendrite_folds.folds[0]!.shrinkage, 1e-12, 'shrinkage');
  const [s, nf] = foldAurocs(maha, ref.set_of, folds);
  assert.equal(s!.name, 'S vs Z+O');
  s!.perFold.forEach((a, k) => close(a, ref.dendrite_folds.folds[k]!.auroc_s, 1e-15, `S fold ${k}`));
  nf!.perFold.forEach((a, k) => close(a, ref.dendrite_folds.folds[k]!.auroc_nf, 1e-15, `N+F fold ${k}`));
  assert.equal(s!.mean.toFixed(3), '1.000');
  close(nf!.mean, ref.dendrite_folds.auroc_nf, 1e-15, 'N+F mean');
});

test('multinomial L2 logistic regression equals sklearn lbfgs (C=1) on the same folds', () => {
  const proba = logisticProba(X, label, folds, 3);
  // the exact optimum of sklearn's objective (its lbfgs solution polished by Newton steps) ...
  for (let i = 0; i < 500; i++) for (let k = 0; k < 3; k++) close(proba.data[i * 3 + k]!, ref.dendrite_folds.proba_exact[i]![k]!, 1e-9, `proba[${i}][${k}]`);
  // ... and sklearn's own output, which lbfgs leaves where scipy's ftol stops it (gradient ~6e-4)
  for (let i = 0; i < 500; i++) for (let k = 0; k < 3; k++) assert.ok(Math.abs(proba.data[i * 3 + k]! - ref.dendrite_folds.proba[i]![k]!) < 1e-4, `sklearn proba[${i}][${k}]`);
  const r = summariseClassifier(proba, label, folds);
  r.perFold.forEach((b, k) => close(b, ref.dendrite_folds.folds[k]!.balanced_accuracy, 1e-15, `BA fold ${k}`));
  close(r.balancedAccuracy, ref.dendrite_folds.balanced_accuracy, 1e-15, 'BA');
  assert.equal(r.confusion.flat().reduce((a, b) => a + b, 0), 500);
});
