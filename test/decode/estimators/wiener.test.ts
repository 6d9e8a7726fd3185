// WienerFilter against sklearn 1.2 LinearRegression / Ridge (scripts/golden/spike_decoders_reference.py):
// a seeded synthetic set and chewie_demo.mat (71 units → 2-D hand velocity).
// Tolerance: max error relative to the reference array's largest magnitude ≤ 1e-12 (measured
// ≤ 8e-14; least squares by normal equations, cond(X) ≈ 22 on chewie; the rank-deficient case by SVD).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WienerFilter } from '../../../src/decode/estimators/wiener.js';
import { matrix } from '../../../src/decode/estimators/types.js';
import { r2Score } from '../../../src/decode/regression_metrics.js';
import { ArgumentError, ShapeError } from '../../../src/errors.js';
import { chewie, close, colSums, everyNth, ref, skipChewie, synthetic, withDuplicate } from './golden.js';

const { Ztr, Zte, Ytr } = synthetic();

test('least squares with intercept matches LinearRegression (synthetic)', () => {
  const w = new WienerFilter().fit(Ztr, Ytr);
  const r = ref.synthetic.linear;
  assert.deepEqual([w.coef!.rows, w.coef!.cols], [2, 6]);
  close(w.coef!.data, r.coef, 1e-12, 'coef');
  close(w.intercept!, r.intercept, 1e-12, 'intercept');
  close(w.predict(Zte).data, r.pred, 1e-12, 'predictions');
});

test('without intercept, with ridge alpha, and rank-deficient (min-norm) match sklearn', () => {
  const s = ref.synthetic;
  const n = new WienerFilter({ fitIntercept: false }).fit(Ztr, Ytr);
  close(n.coef!.data, s.linear_no_intercept.coef, 1e-12, 'no-intercept coef');
  close(n.predict(Zte).data, s.linear_no_intercept.pred, 1e-12, 'no-intercept predictions');
  assert.deepEqual(Array.from(n.intercept!), [0, 0]);
  const r = new WienerFilter({ alpha: 0.5 }).fit(Ztr, Ytr);
  close(r.coef!.data, s.ridge.coef, 1e-12, 'ridge coef');
  close(r.intercept!, s.ridge.intercept, 1e-12, 'ridge intercept');
  close(r.predict(Zte).data, s.ridge.pred, 1e-12, 'ridge predictions');
  // a duplicated neuron: X'X is singular, the SVD gives sklearn's minimum-norm weights
  const d = new WienerFilter().fit(withDuplicate(Ztr), Ytr);
  close(d.coef!.data, s.linear_rank_deficient.coef, 1e-12, 'rank-deficient coef');
  close(d.intercept!, s.linear_rank_deficient.intercept, 1e-12, 'rank-deficient intercept');
  close(d.predict(withDuplicate(Zte)).data, s.linear_rank_deficient.pred, 1e-12, 'rank-deficient predictions');
});

test('chewie_demo: linear and ridge (alpha 1) velocity decoders match sklearn; R² ≈ 0.54 / 0.51', { skip: skipChewie }, () => {
  const { Str, Ste, Vtr, Vte } = chewie();
  for (const [name, alpha] of [['linear', 0], ['ridge', 1]] as const) {
    const r = ref.chewie[name];
    const w = new WienerFilter({ alpha }).fit(Str, Vtr);
    const pred = w.predict(Ste);
    close(w.coef!.data, r.coef!, 1e-12, `${name} coef`);
    close(w.intercept!, r.intercept!, 1e-12, `${name} intercept`);
    close(everyNth(pred, 10), r.pred_every_10th, 1e-12, `${name} predictions`);
    close(colSums(pred), r.pred_sum, 1e-12, `${name} prediction sums`);
    close(r2Score(Vte, pred), r.r2, 1e-12, `${name} R²`);
  }
  const r2 = r2Score(Vte, new WienerFilter({ alpha: 1 }).fit(Str, Vtr).predict(Ste));
  assert.ok(Math.abs(r2[0]! - 0.540) < 0.001 && Math.abs(r2[1]! - 0.507) < 0.001, `ridge R² ${r2}`);
});

test('bad input: typed errors naming the function and the value', () => {
  const w = new WienerFilter();
  assert.throws(() => w.predict(Zte), (e: unknown) => e instanceof ArgumentError && /WienerFilter\.predict: not fitted/.test(e.message));
  assert.throws(() => w.fit(Ztr, matrix(Ytr.data.subarray(2), Ytr.rows - 1, 2)), (e: unknown) => e instanceof ShapeError && /60 samples .* 59/.test(e.message));
  w.fit(Ztr, Ytr);
  assert.throws(() => w.predict(matrix(new Float64Array(10), 2, 5)), (e: unknown) => e instanceof ShapeError && /fitted on 6 features, X has 5/.test(e.message));
  const bad = matrix(Ztr.data, Ztr.rows, Ztr.cols);
  bad.data[7] = NaN;
  assert.throws(() => new WienerFilter().fit(bad, Ytr), (e: unknown) => e instanceof ArgumentError && /X\[1, 1\] is NaN/.test(e.message));
  assert.throws(() => w.predict({ data: new Float64Array(5), rows: 1, cols: 6 }), ShapeError);
  assert.throws(() => new WienerFilter({ alpha: -1 }), ArgumentError);
  assert.throws(() => new WienerFilter().fit(matrix([], 0, 6), matrix([], 0, 2)), ArgumentError);
});
