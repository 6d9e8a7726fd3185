// CSP and LDA against MNE 1.3 / scikit-learn 1.2 on real EEG: EEGMMIDB S001, imagined hands vs
// feet, runs 6 + 10 train, run 14 test (test/golden/decode/, scripts/golden/decode_reference.py).
// The epoch data is committed (float32), so these tests need neither the EDF files nor Python.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CSP } from '../../../src/decode/estimators/csp.js';
import { LDA } from '../../../src/decode/estimators/lda.js';
import { accuracyScore, balancedAccuracyScore, cohenKappaScore, confusionMatrix } from '../../../src/decode/metrics.js';
import { ArgumentError, ShapeError } from '../../../src/errors.js';

const dir = 'test/golden/decode/';
const ref = JSON.parse(readFileSync(dir + 'csp_lda_eegmmidb_S001.json', 'utf8'));
const [C, T] = ref.shape_per_epoch as [number, number];

interface RunRef { run: number; file: string; n_epochs: number; labels: number[] }
function load(runs: RunRef[]): { data: Float64Array; shape: [number, number, number]; y: number[] } {
  const parts = runs.map((r) => {
    const b = readFileSync(dir + r.file);
    return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  });
  const E = runs.reduce((a, r) => a + r.n_epochs, 0);
  const data = new Float64Array(E * C * T);
  let off = 0;
  for (const p of parts) { data.set(p, off); off += p.length; }
  assert.equal(off, data.length);
  return { data, shape: [E, C, T], y: runs.flatMap((r) => r.labels) };
}
const train = load(ref.runs.slice(0, 2));
const testSet = load(ref.runs.slice(2));

function close(a: number[] | number[][], b: number[] | number[][], tol: number, what: string): void {
  const fa = (a as number[]).flat(2) as number[];
  const fb = (b as number[]).flat(2) as number[];
  assert.equal(fa.length, fb.length, `${what}: lengths`);
  let worst = 0;
  for (let i = 0; i < fa.length; i++) worst = Math.max(worst, Math.abs(fa[i]! - fb[i]!) / Math.max(1, Math.abs(fb[i]!)));
  assert.ok(worst <= tol, `${what}: max relative error ${worst} > ${tol}`);
}

const csp = new CSP({ nComponents: 4, reg: null, log: true, normTrace: false });
const ftr = csp.fitTransform(train, train.y);
const fte = csp.transform(testSet);

test('CSP features (log average power) match MNE on train and test epochs', () => {
  assert.equal(ftr.length, 30);
  assert.equal(fte.length, 15);
  close(ftr, ref.csp.features_train, 1e-9, 'train features');
  close(fte, ref.csp.features_test, 1e-9, 'test features');
  close(csp.eigenvalues!.slice(0, 4), ref.csp.eigenvalues.slice(0, 4), 1e-9, 'eigenvalues');
  close(csp.mean!, ref.csp.mean, 1e-7, 'mean_');
  close(csp.std!, ref.csp.std, 1e-7, 'std_');
});

test('CSP filters and patterns match MNE up to sign', () => {
  for (const [mine, theirs, what] of [[csp.filters!, ref.csp.filters, 'filter'], [csp.patterns!, ref.csp.patterns, 'pattern']] as const) {
    for (let k = 0; k < 4; k++) {
      const a = mine[k]!;
      const b = (theirs as number[][])[k]!;
      const d = a.reduce((s, v, i) => s + v * b[i]!, 0);
      const sign = Math.sign(d);
      const scale = Math.max(...b.map(Math.abs));
      const err = Math.max(...a.map((v, i) => Math.abs(sign * v - b[i]!))) / scale;
      assert.ok(err < 1e-6, `${what} ${k}: relative error ${err}`);
    }
  }
});

test('CSP accepts nested arrays and Epochs-like {data, shape}; checks shapes', () => {
  const nested = Array.from({ length: 30 }, (_, e) => Array.from({ length: C }, (_, c) => Array.from(train.data.subarray((e * C + c) * T, (e * C + c + 1) * T))));
  const f2 = new CSP().fitTransform(nested, train.y);
  close(f2, ftr, 1e-12, 'nested input');
  assert.throws(() => new CSP().fit(train, train.y.slice(1)), ShapeError);
  assert.throws(() => new CSP().fit(train, train.y.map(() => 1)), ArgumentError);
  assert.throws(() => new CSP().transform(train), ArgumentError);
  assert.throws(() => csp.transform({ data: new Float64Array(2 * 3 * 4), shape: [2, 3, 4] }), ShapeError);
});

test('three-class CSP (Pham joint diagonalisation, mutual-information order) matches MNE', () => {
  const c3 = new CSP().fit(train, ref.csp3.labels);
  close(c3.transform(testSet), ref.csp3.features_test, 1e-6, '3-class test features');
});

test("LDA(solver='lsqr', shrinkage='auto') on CSP features matches sklearn exactly in predictions", () => {
  const r = ref.lda_lsqr_auto;
  const lda = new LDA({ solver: 'lsqr', shrinkage: 'auto' }).fit(ftr, train.y);
  close(lda.coef, r.coef, 1e-6, 'coef');
  close(lda.intercept, r.intercept, 1e-6, 'intercept');
  close(lda.decisionFunction(fte) as number[], r.decision_test, 1e-6, 'decision');
  close(lda.predictProba(fte), r.proba_test, 1e-7, 'proba');
  const pred = lda.predict(fte);
  assert.deepEqual(pred, r.pred_test); // 100 % agreement
  assert.deepEqual(lda.predict(ftr), r.pred_train);
  assert.equal(accuracyScore(testSet.y, pred), r.metrics.accuracy);
  assert.equal(balancedAccuracyScore(testSet.y, pred), r.metrics.balanced_accuracy);
  assert.equal(cohenKappaScore(testSet.y, pred), r.metrics.cohen_kappa);
  assert.deepEqual(confusionMatrix(testSet.y, pred), r.metrics.confusion_matrix);
});

test("LDA(solver='svd') (sklearn's default, used by MNE's CSP example) matches sklearn", () => {
  const r = ref.lda_svd;
  const lda = new LDA().fit(ftr, train.y);
  close(lda.coef, r.coef, 1e-6, 'coef');
  close(lda.intercept, r.intercept, 1e-6, 'intercept');
  close(lda.predictProba(fte), r.proba_test, 1e-7, 'proba');
  const pred = lda.predict(fte);
  assert.deepEqual(pred, r.pred_test);
  assert.equal(lda.score(fte, testSet.y), r.metrics.accuracy);
  assert.equal(balancedAccuracyScore(testSet.y, pred), r.metrics.balanced_accuracy);
  assert.equal(cohenKappaScore(testSet.y, pred), r.metrics.cohen_kappa);
  assert.deepEqual(confusionMatrix(testSet.y, pred), r.metrics.confusion_matrix);
});

test('Ledoit-Wolf LDA on 64-channel log-variance (P > N per class) matches sklearn', () => {
  const lv = (s: typeof train) => Array.from({ length: s.shape[0] }, (_, e) => Array.from({ length: C }, (_, c) => {
    let m = 0;
    for (let t = 0; t < T; t++) m += s.data[(e * C + c) * T + t]! ** 2;
    return Math.log(m / T);
  }));
  const r = ref.lda_logvar64_lsqr_auto;
  const lda = new LDA({ solver: 'lsqr', shrinkage: 'auto' }).fit(lv(train), train.y);
  close(lda.coef, r.coef, 1e-5, 'coef');
  close(lda.decisionFunction(lv(testSet)) as number[], r.decision_test, 1e-6, 'decision');
  assert.deepEqual(lda.predict(lv(testSet)), r.pred_test);
});

for (const name of ['lda3_svd', 'lda3_lsqr_auto'] as const) {
  test(`three-class LDA (${name}) on MNE's three-class CSP features matches sklearn`, () => {
    const r = ref[name];
    const lda = (name === 'lda3_svd' ? new LDA() : new LDA({ solver: 'lsqr', shrinkage: 'auto' })).fit(r.features_train, ref.csp3.labels);
    assert.deepEqual(lda.classes, [0, 1, 2]);
    close(lda.coef, r.coef, 1e-6, 'coef');
    close(lda.intercept, r.intercept, 1e-6, 'intercept');
    close(lda.decisionFunction(ref.csp3.features_test) as number[][], r.decision_test, 1e-6, 'decision');
    close(lda.predictProba(ref.csp3.features_test), r.proba_test, 1e-7, 'proba');
    assert.deepEqual(lda.predict(ref.csp3.features_test), r.pred_test);
  });
}

test('LDA checks its options and inputs', () => {
  const X = [[0, 0], [0.5, 1], [1, 0.2], [5, 5], [5.5, 6], [6, 5.1]];
  const y = [0, 0, 0, 1, 1, 1];
  assert.throws(() => new LDA({ solver: 'svd', shrinkage: 'auto' }), ArgumentError);
  assert.throws(() => new LDA({ solver: 'lsqr', shrinkage: 2 }), ArgumentError);
  assert.throws(() => new LDA().fit(X, y.slice(1)), ShapeError);
  assert.throws(() => new LDA().fit(X, [1, 1, 1, 1, 1, 1]), ArgumentError);
  assert.throws(() => new LDA().predict(X), ArgumentError);
  assert.throws(() => new LDA().fit(X, y).predict([[1, 2, 3]]), ShapeError);
  // empirical (singular-safe) lsqr and fixed shrinkage run and separate the classes
  assert.deepEqual(new LDA({ solver: 'lsqr' }).fit(X, y).predict(X), y);
  // sklearn 1.2: LinearDiscriminantAnalysis(solver='lsqr'[, shrinkage=0.5]).decision_function(X)
  close(new LDA({ solver: 'lsqr' }).fit(X, y).decisionFunction(X) as number[], [-143.80626366, -108.35251275, -112.7006555, 100.17042972, 135.62418063, 129.06482156], 1e-9, 'empirical lsqr');
  close(new LDA({ solver: 'lsqr', shrinkage: 0.5 }).fit(X, y).decisionFunction(X) as number[], [-152.24949387, -114.05085149, -120.28950816, 106.29998809, 144.49863046, 135.79123496], 1e-9, 'fixed shrinkage');
  assert.deepEqual(new LDA({ solver: 'lsqr', shrinkage: 0.5 }).fit(X, y).predict(X), y);
});
