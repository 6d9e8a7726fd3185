// WienerCascade against Neural_Decoding's recipe run with sklearn 1.2 LinearRegression +
// np.polyfit / np.polyval (scripts/golden/spike_decoders_reference.py). Polynomial coefficients
// come from an SVD of the scaled Vandermonde matrix as in numpy; tolerance 1e-12 relative (measured ≤ 3e-14).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WienerCascade, polyfit, polyval } from '../../../src/decode/estimators/wiener_cascade.js';
import { r2Score } from '../../../src/decode/regression_metrics.js';
import { ArgumentError, ShapeError } from '../../../src/errors.js';
import { chewie, close, colSums, everyNth, ref, skipChewie, synthetic } from './golden.js';

const { Ztr, Zte, Ytr } = synthetic();

test('degree 3 (default) and 2 match LinearRegression + np.polyfit (synthetic)', () => {
  const c3 = new WienerCascade().fit(Ztr, Ytr);
  assert.equal(c3.degree, 3);
  close(c3.polys!.flatMap((p) => Array.from(p)), ref.synthetic.cascade3.polys, 1e-12, 'degree-3 polynomials');
  close(c3.predict(Zte).data, ref.synthetic.cascade3.pred, 1e-12, 'degree-3 predictions');
  const c2 = new WienerCascade({ degree: 2 }).fit(Ztr, Ytr);
  close(c2.polys!.flatMap((p) => Array.from(p)), ref.synthetic.cascade2.polys, 1e-12, 'degree-2 polynomials');
  close(c2.predict(Zte).data, ref.synthetic.cascade2.pred, 1e-12, 'degree-2 predictions');
});

test('polyfit recovers an exact cubic; polyval is Horner', () => {
  const x = Float64Array.from({ length: 9 }, (_, i) => i - 4);
  const y = x.map((v) => 2 * v ** 3 - v + 0.5);
  close(polyfit(x, y, 3), [2, 0, -1, 0.5], 1e-13, 'cubic coefficients');
  assert.equal(polyval([2, 0, -1, 0.5], 3), 51.5);
  assert.equal(polyval([], 3), 0);
});

test('chewie_demo: cascade of degree 3 matches; R² ≈ 0.58 / 0.49', { skip: skipChewie }, () => {
  const { Str, Ste, Vtr, Vte } = chewie();
  const r = ref.chewie.cascade3;
  const c = new WienerCascade({ degree: 3 }).fit(Str, Vtr);
  const pred = c.predict(Ste);
  close(c.polys!.flatMap((p) => Array.from(p)), r.polys!, 1e-12, 'polynomials');
  close(everyNth(pred, 10), r.pred_every_10th, 1e-12, 'predictions');
  close(colSums(pred), r.pred_sum, 1e-12, 'prediction sums');
  close(r2Score(Vte, pred), r.r2, 1e-12, 'R²');
});

test('bad input: typed errors', () => {
  assert.throws(() => new WienerCascade({ degree: -1 }), ArgumentError);
  assert.throws(() => new WienerCascade({ degree: 1.5 }), ArgumentError);
  assert.throws(() => new WienerCascade().predict(Zte), (e: unknown) => e instanceof ArgumentError && /WienerCascade\.predict: not fitted/.test(e.message));
  const c = new WienerCascade().fit(Ztr, Ytr);
  assert.throws(() => c.predict({ data: new Float64Array(4), rows: 2, cols: 2 }), ShapeError);
  assert.throws(() => new WienerCascade().fit(Ztr, { data: new Float64Array(4), rows: 2, cols: 2 }), ShapeError);
  const nan = { data: Float64Array.from(Zte.data, (v, i) => (i === 3 ? Infinity : v)), rows: Zte.rows, cols: Zte.cols };
  assert.throws(() => c.predict(nan), (e: unknown) => e instanceof ArgumentError && /X\[0, 3\] is Infinity/.test(e.message));
});
