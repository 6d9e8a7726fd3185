// Regression metrics against sklearn 1.2 r2_score(multioutput='raw_values'), np.corrcoef and
// nlb_tools' bits_per_spike (re-typed in scripts/golden/spike_decoders_reference.py).
// Tolerance 1e-12 relative (the same sums in another order).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bitsPerSpike, pearsonR, r2Score, rmse } from '../../src/decode/regression_metrics.js';
import { matrix } from '../../src/decode/estimators/types.js';
import { WienerFilter } from '../../src/decode/estimators/wiener.js';
import { ArgumentError, ShapeError } from '../../src/errors.js';
import { chewie, close, ref, skipChewie, synthetic } from './estimators/golden.js';

const { Yte } = synthetic();
const pred = matrix(ref.synthetic.linear.pred, Yte.rows, 2);

test('R², Pearson r and RMSE per output match sklearn / numpy', () => {
  const r = ref.synthetic.metrics_linear;
  close(r2Score(Yte, pred), r.r2, 1e-12, 'R²');
  close(pearsonR(Yte, pred), r.pearson, 1e-12, 'r');
  close(rmse(Yte, pred), r.rmse, 1e-12, 'RMSE');
});

test('plain arrays are one output; constant outputs follow sklearn (force_finite)', () => {
  assert.deepEqual(Array.from(r2Score([1, 2, 3, 4], [1, 2, 3, 4])), [1]);
  // 1 − Σ(y − ŷ)² / Σ(y − ȳ)² = 1 − 4 / 5
  close(r2Score([1, 2, 3, 4], [1, 2, 3, 2]), [0.2], 1e-15, 'R²');
  close(rmse([1, 2, 3, 4], [1, 2, 3, 2]), [Math.sqrt(1)], 1e-15, 'RMSE');
  close(pearsonR([1, 2, 3], [2, 4, 6]), [1], 1e-15, 'r');
  close(pearsonR([1, 2, 3], [3, 2, 1]), [-1], 1e-15, 'r');
  const flat = matrix([5, 0, 5, 1, 5, 2], 3, 2); // column 0 constant
  assert.deepEqual(Array.from(r2Score(flat, flat)), [1, 1]);
  assert.deepEqual(Array.from(r2Score(flat, matrix([5, 0, 5, 1, 4, 2], 3, 2))), [0, 1]);
  assert.ok(Number.isNaN(pearsonR(flat, flat)[0]!));
});

test('bits per spike matches nlb_tools (a zero rate, a NaN count, a silent neuron)', () => {
  const b = ref.synthetic.bits_per_spike;
  const [n, u] = b.shape;
  const counts = { data: Float64Array.from(b.counts, (v) => (v === null ? NaN : v)), rows: n, cols: u };
  close([bitsPerSpike(matrix(b.rates, n, u), counts)], [b.value], 1e-12, 'bits/spike');
});

test('chewie_demo: bits per spike of a clipped linear encoding model matches nlb_tools', { skip: skipChewie }, () => {
  const { Ste, Vtr, Vte, Str } = chewie();
  const r = ref.chewie.encoding_bits_per_spike;
  const rates = new WienerFilter().fit(Vtr, Str).predict(Vte);
  let zeros = 0;
  for (let i = 0; i < rates.data.length; i++) if (rates.data[i]! <= 0) { rates.data[i] = 0; zeros++; }
  assert.equal(zeros, r.n_zero_rates);
  close([bitsPerSpike(rates, Ste)], [r.value], 1e-10, 'bits/spike');
  // the null model scores 0 by definition
  const mean = new Float64Array(Ste.cols);
  for (let i = 0; i < Ste.data.length; i++) mean[i % Ste.cols] += Ste.data[i]! / Ste.rows;
  const nullRates = matrix(Array.from(Ste.data, (_, i) => mean[i % Ste.cols]!), Ste.rows, Ste.cols);
  assert.ok(Math.abs(bitsPerSpike(nullRates, Ste) - r.value_null) < 1e-12);
});

test('bad input: typed errors', () => {
  assert.throws(() => r2Score(Yte, matrix([1, 2], 1, 2)), (e: unknown) => e instanceof ShapeError && /r2Score: yTrue is \(20, 2\) but yPred is \(1, 2\)/.test(e.message));
  assert.throws(() => r2Score([1], [1]), (e: unknown) => e instanceof ArgumentError && /at least 2 samples/.test(e.message));
  assert.throws(() => pearsonR([1, NaN, 3], [1, 2, 3]), (e: unknown) => e instanceof ArgumentError && /pearsonR: yTrue\[1, 0\] is NaN/.test(e.message));
  assert.throws(() => rmse([1, 2], [1, Infinity]), ArgumentError);
  assert.throws(() => rmse({ data: new Float64Array(3), rows: 2, cols: 2 }, [1, 2]), ShapeError);
  const c = matrix([1, 0, 2, 1], 2, 2);
  assert.throws(() => bitsPerSpike(matrix([1, -0.5, 1, 1], 2, 2), c), (e: unknown) => e instanceof ArgumentError && /rates\[0, 1\] is -0\.5/.test(e.message));
  assert.throws(() => bitsPerSpike(matrix([1, NaN, 1, 1], 2, 2), c), ArgumentError);
  assert.throws(() => bitsPerSpike(matrix([1, 1, 1, 1], 2, 2), matrix([1, -1, 0, 0], 2, 2)), /counts\[0, 1\] is -1/);
  assert.throws(() => bitsPerSpike(matrix([1, 1], 1, 2), c), ShapeError);
  assert.throws(() => bitsPerSpike(matrix([1, 1, 1, 1], 2, 2), matrix([0, 0, 0, 0], 2, 2)), (e: unknown) => e instanceof ArgumentError && /no spikes/.test(e.message));
});
