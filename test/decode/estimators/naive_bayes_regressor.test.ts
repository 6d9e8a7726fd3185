// NaiveBayesRegressor against the same grid decoder written in numpy
// (scripts/golden/spike_decoders_reference.py): grid, kernel tuning curves and step width to
// 1e-12 relative; decoded grid points exactly (an argmax per bin).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NaiveBayesRegressor } from '../../../src/decode/estimators/naive_bayes_regressor.js';
import { matrix } from '../../../src/decode/estimators/types.js';
import { r2Score } from '../../../src/decode/regression_metrics.js';
import { ArgumentError, ShapeError } from '../../../src/errors.js';
import { chewie, close, colSums, everyNth, ref, skipChewie, synthetic } from './golden.js';

const { Ztr, Zte, Ytr, Yte } = synthetic();
const firstCol = (m: { data: Float64Array; rows: number; cols: number }) => matrix(Array.from({ length: m.rows }, (_, i) => m.data[i * m.cols]!), m.rows, 1);

test('2-D grid (res 15, default bandwidth, training-mean start) matches', () => {
  const r = ref.synthetic.nb_regressor;
  const nb = new NaiveBayesRegressor({ res: 15 }).fit(Ztr, Ytr);
  assert.deepEqual([nb.grid!.rows, nb.grid!.cols, nb.tuning!.rows, nb.tuning!.cols], [225, 2, 225, 6]);
  close(nb.grid!.data, r.grid!, 1e-12, 'grid');
  close(nb.tuning!.data, r.tuning, 1e-12, 'tuning curves');
  close([nb.stepStd], [r.step_std], 1e-12, 'step σ');
  assert.deepEqual(Array.from(nb.predict(Zte).data), r.pred);
});

test('1-D output, fixed bandwidth, first-test-row start matches', () => {
  const r = ref.synthetic.nb_regressor_1d;
  const nb = new NaiveBayesRegressor({ res: 20, bandwidth: 0.5 }).fit(Ztr, firstCol(Ytr));
  close(nb.tuning!.data, r.tuning, 1e-12, 'tuning curves');
  close([nb.stepStd], [r.step_std], 1e-12, 'step σ');
  assert.deepEqual(Array.from(nb.predict(Zte, { initialState: [Yte.data[0]!] }).data), r.pred);
});

test('chewie_demo: velocity on a 25×25 grid matches (R² ≈ 0.07 / 0.49)', { skip: skipChewie }, () => {
  const { Str, Ste, Vtr, Vte } = chewie();
  const r = ref.chewie.nb_regressor;
  const nb = new NaiveBayesRegressor({ res: 25 }).fit(Str, Vtr);
  const G = nb.grid!.rows;
  close([...nb.grid!.data.subarray(0, 2), ...nb.grid!.data.subarray((G - 1) * 2)], r.grid_first_last!, 1e-12, 'grid corners');
  close(colSums(nb.tuning!), r.tuning_col_sums!, 1e-12, 'tuning column sums');
  close(nb.tuning!.data.subarray(0, 71), r.tuning_row0!, 1e-12, 'tuning at grid point 0');
  close(nb.tuning!.data.subarray((G >> 1) * 71, ((G >> 1) + 1) * 71), r.tuning_row_mid!, 1e-12, 'tuning at the middle grid point');
  close([nb.stepStd], [r.step_std!], 1e-12, 'step σ');
  const pred = nb.predict(Ste);
  assert.deepEqual(everyNth(pred, 10), r.pred_every_10th);
  close(colSums(pred), r.pred_sum, 1e-12, 'prediction sums');
  close(r2Score(Vte, pred), r.r2, 1e-12, 'R²');
});

test('bad input: typed errors', () => {
  assert.throws(() => new NaiveBayesRegressor({ res: 1 }), ArgumentError);
  assert.throws(() => new NaiveBayesRegressor().predict(Zte), (e: unknown) => e instanceof ArgumentError && /NaiveBayesRegressor\.predict: not fitted/.test(e.message));
  assert.throws(() => new NaiveBayesRegressor().fit(Ztr, Yte), ShapeError);
  assert.throws(() => new NaiveBayesRegressor().fit(Ztr, matrix(new Float64Array(60 * 4), 60, 4)), /1 to 3 columns/);
  assert.throws(() => new NaiveBayesRegressor({ bandwidth: [1] }).fit(Ztr, Ytr), /bandwidth for output 1/);
  assert.throws(() => new NaiveBayesRegressor().fit(matrix(Ztr.data.map((v) => -v), 60, 6), Ytr), /Poisson counts must be >= 0/);
  const nb = new NaiveBayesRegressor({ res: 5 }).fit(Ztr, Ytr);
  assert.throws(() => nb.predict(Ytr), (e: unknown) => e instanceof ShapeError && /fitted on 6 features, X has 2/.test(e.message));
  assert.throws(() => nb.predict(Zte, { initialState: [0] }), ShapeError);
  assert.throws(() => nb.predict(matrix(Zte.data.map((v, i) => (i === 0 ? NaN : v)), 20, 6)), /X\[0, 0\] is NaN/);
});
