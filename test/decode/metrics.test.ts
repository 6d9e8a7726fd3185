// Metrics against scikit-learn 1.2 (values in test/golden/decode/csp_lda_eegmmidb_S001.json,
// from scripts/golden/decode_reference.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { accuracyScore, balancedAccuracyScore, binomialTestGreater, cohenKappaScore, confusionMatrix, uniqueLabels } from '../../src/decode/metrics.js';
import { ArgumentError, ShapeError } from '../../src/errors.js';

const ref = JSON.parse(readFileSync('test/golden/decode/csp_lda_eegmmidb_S001.json', 'utf8')).metrics_multiclass;

test('multi-class metrics match sklearn exactly', () => {
  const { y_true: yt, y_pred: yp } = ref;
  assert.equal(accuracyScore(yt, yp), ref.accuracy);
  assert.equal(accuracyScore(yt, yp, false), Math.round(ref.accuracy * yt.length));
  assert.equal(balancedAccuracyScore(yt, yp), ref.balanced_accuracy);
  assert.deepEqual(confusionMatrix(yt, yp), ref.confusion_matrix);
  assert.ok(Math.abs(cohenKappaScore(yt, yp) - ref.cohen_kappa) < 1e-15);
  assert.ok(Math.abs(cohenKappaScore(yt, yp, { weights: 'linear' }) - ref.cohen_kappa_linear) < 1e-15);
  assert.ok(Math.abs(cohenKappaScore(yt, yp, { weights: 'quadratic' }) - ref.cohen_kappa_quadratic) < 1e-15);
});

test('confusion matrix options, string labels, balanced accuracy edge cases', () => {
  const yt = ['cat', 'dog', 'dog', 'bird'];
  const yp = ['cat', 'dog', 'cat', 'cat'];
  assert.deepEqual(uniqueLabels(yt, yp), ['bird', 'cat', 'dog']);
  assert.deepEqual(confusionMatrix(yt, yp), [[0, 1, 0], [0, 1, 0], [0, 1, 1]]);
  assert.deepEqual(confusionMatrix(yt, yp, { labels: ['dog', 'cat'] }), [[1, 1], [0, 1]]);
  assert.deepEqual(confusionMatrix(yt, yp, { normalize: 'true' }), [[0, 1, 0], [0, 1, 0], [0, 0.5, 0.5]]);
  assert.deepEqual(confusionMatrix(yt, yp, { normalize: 'all' }), [[0, 0.25, 0], [0, 0.25, 0], [0, 0.25, 0.25]]);
  // sklearn: (0 + 1 + 0.5) / 3, and adjusted (s - 1/3) / (2/3)
  assert.equal(balancedAccuracyScore(yt, yp), 1.5 / 3);
  assert.ok(Math.abs(balancedAccuracyScore(yt, yp, true) - (0.5 - 1 / 3) / (2 / 3)) < 1e-15);
  // a class only predicted is left out of the balanced accuracy (sklearn warns and drops it)
  assert.equal(balancedAccuracyScore([0, 0, 1, 1], [0, 2, 1, 1]), 0.75);
  assert.equal(cohenKappaScore([0, 1, 0, 1], [0, 1, 0, 1]), 1);
  assert.throws(() => accuracyScore([1, 2], [1]), ShapeError);
  assert.throws(() => confusionMatrix([1, 2], [1, 2], { labels: [5] }), ArgumentError);
});

test('binomialTestGreater matches scipy.stats.binomtest(alternative="greater") to 1e-12 relative, far tails included', () => {
  const ref = JSON.parse(readFileSync('test/golden/decode/binomtest.json', 'utf8')) as { cases: { k: number; n: number; p: number; pvalue: number }[] };
  assert.ok(ref.cases.length >= 20);
  for (const c of ref.cases) {
    const got = binomialTestGreater(c.k, c.n, c.p);
    const rel = Math.abs(got - c.pvalue) / c.pvalue;
    assert.ok(rel <= 1e-12, `binomtest(${c.k}, ${c.n}, ${c.p}): ${got} vs scipy ${c.pvalue} (relative error ${rel})`);
  }
  assert.throws(() => binomialTestGreater(16, 15, 0.5), ArgumentError);
  assert.throws(() => binomialTestGreater(3, 0, 0.5), ArgumentError);
  assert.throws(() => binomialTestGreater(3, 15, NaN), ArgumentError);
  assert.throws(() => binomialTestGreater(2.5, 15, 0.5), ArgumentError);
});
