// KalmanFilter against Neural_Decoding's KalmanFilterDecoder re-run in numpy
// (scripts/golden/spike_decoders_reference.py): same least-squares A, W, H, Q; the reference
// filter inverts the F×F innovation covariance every bin, this one solves the equivalent D×D
// information form, so the two agree to rounding: 1e-12 relative everywhere (measured ≤ 1.1e-14).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KalmanFilter } from '../../../src/decode/estimators/kalman.js';
import { matrix } from '../../../src/decode/estimators/types.js';
import { r2Score } from '../../../src/decode/regression_metrics.js';
import { ArgumentError, ShapeError } from '../../../src/errors.js';
import { chewie, close, colSums, corrupt, everyNth, ref, robust, rowRange, skipChewie, synthetic } from './golden.js';

const { Ztr, Zte, Ytr, Yte } = synthetic();

test('fit (A, W, H, Q) and predict from the first test row match Neural_Decoding (synthetic)', () => {
  const r = ref.synthetic.kalman;
  const kf = new KalmanFilter().fit(Ztr, Ytr);
  close(kf.A!.data, r.A, 1e-12, 'A');
  close(kf.W!.data, r.W, 1e-12, 'W');
  close(kf.H!.data, r.H, 1e-12, 'H');
  close(kf.Q!.data, r.Q, 1e-12, 'Q');
  const pred = kf.predict(Zte, { initialState: Yte.data.subarray(0, 2) });
  assert.deepEqual(Array.from(pred.data.subarray(0, 2)), Array.from(Yte.data.subarray(0, 2)));
  close(pred.data, r.pred, 1e-12, 'states');
});

test('C = 2, centred, starting from the training mean (the default) matches', () => {
  const r = ref.synthetic.kalman_centered;
  const kf = new KalmanFilter({ C: 2, center: true }).fit(Ztr, Ytr);
  close(kf.A!.data, r.A, 1e-12, 'A');
  close(kf.W!.data, r.W, 1e-12, 'W (divided by C)');
  close(kf.H!.data, r.H, 1e-12, 'H');
  close(kf.Q!.data, r.Q, 1e-12, 'Q');
  close(kf.predict(Zte).data, r.pred, 1e-12, 'states');
});

test('streaming: reset + step reproduces predict bin by bin', () => {
  const kf = new KalmanFilter({ center: true }).fit(Ztr, Ytr);
  const batch = kf.predict(Zte);
  kf.reset();
  close(kf.state, batch.data.subarray(0, 2), 0, 'initial state = training mean');
  close(kf.state, kf.stateMean!, 0, 'stateMean');
  const F = Zte.cols;
  for (let t = 1; t < Zte.rows; t++) {
    const s = kf.step(Array.from(Zte.data.subarray(t * F, (t + 1) * F)));
    close(s, batch.data.subarray(t * 2, t * 2 + 2), 0, `bin ${t}`);
  }
  kf.reset([1, -1]);
  assert.deepEqual(Array.from(kf.state), [1, -1]);
});

test('chewie_demo: Kalman filter matches (raw: R² ≈ 0.46 / 0.42; centred, mean start: 0.43 / 0.43)', { skip: skipChewie }, () => {
  const { Str, Ste, Vtr, Vte } = chewie();
  const raw = new KalmanFilter().fit(Str, Vtr);
  const cen = new KalmanFilter({ center: true }).fit(Str, Vtr);
  const cases = [
    [raw, raw.predict(Ste, { initialState: Vte.data.subarray(0, 2) }), ref.chewie.kalman],
    [cen, cen.predict(Ste), ref.chewie.kalman_centered],
  ] as const;
  for (const [kf, pred, r] of cases) {
    const what = kf.center ? 'centred' : 'raw';
    close(kf.A!.data, r.A!, 1e-12, `${what} A`);
    close(kf.W!.data, r.W!, 1e-12, `${what} W`);
    close(kf.H!.data, r.H!, 1e-12, `${what} H`);
    const F = kf.Q!.rows;
    close(Array.from({ length: F }, (_, j) => kf.Q!.data[j * F + j]!), r.Q_diag!, 1e-12, `${what} diag Q`);
    close(kf.Q!.data.subarray(0, F), r.Q_row0!, 1e-12, `${what} Q row 0`);
    close([Math.hypot(...kf.Q!.data)], [r.Q_fro!], 1e-12, `${what} |Q|`);
    close(everyNth(pred, 10), r.pred_every_10th, 1e-12, `${what} states`);
    close(colSums(pred), r.pred_sum, 1e-12, `${what} state sums`);
    close(r2Score(Vte, pred), r.r2, 1e-12, `${what} R²`);
  }
});

test('bad input: typed errors', () => {
  const kf = new KalmanFilter();
  assert.throws(() => kf.predict(Zte), (e: unknown) => e instanceof ArgumentError && /KalmanFilter\.predict: not fitted/.test(e.message));
  assert.throws(() => kf.step([1, 2]), (e: unknown) => e instanceof ArgumentError && /KalmanFilter\.step: not fitted/.test(e.message));
  assert.throws(() => new KalmanFilter({ C: 0 }), ArgumentError);
  assert.throws(() => kf.fit(Ztr, Yte), (e: unknown) => e instanceof ShapeError && /60 samples .* 20/.test(e.message));
  assert.throws(() => kf.fit(matrix([1, 2], 1, 2), matrix([1], 1, 1)), ArgumentError); // one bin: no transition
  kf.fit(Ztr, Ytr);
  assert.throws(() => kf.predict(Ytr), (e: unknown) => e instanceof ShapeError && /fitted on 6 features, X has 2/.test(e.message));
  assert.throws(() => kf.step([1, 2, 3]), (e: unknown) => e instanceof ShapeError && /fitted on 6 neurons, got a bin of 3/.test(e.message));
  assert.throws(() => kf.step([1, 2, 3, NaN, 5, 6]), (e: unknown) => e instanceof ArgumentError && /\[3\] is NaN/.test(e.message));
  assert.throws(() => kf.predict(Zte, { initialState: [0, 0, 0] }), ShapeError);
  assert.throws(() => kf.reset([0, NaN]), ArgumentError);
  // a neuron that never fires in training leaves Q singular: refused when asked to
  const silent = matrix(Ztr.data.map((v, i) => (i % 6 === 2 ? 0 : v)), Ztr.rows, 6);
  assert.throws(() => new KalmanFilter({ dropSilent: false, rankDeficient: 'error' }).fit(silent, Ytr), (e: unknown) => e instanceof ArgumentError && /Q has rank 5 for 6 units/.test(e.message));
  assert.throws(() => new KalmanFilter().fit(matrix(new Float64Array(Ztr.rows * 6).fill(3), Ztr.rows, 6), Ytr), (e: unknown) => e instanceof ArgumentError && /all 6 units are silent \(constant\) in the 60 training bins/.test(e.message));
  assert.throws(() => new KalmanFilter({ rankDeficient: 'inv' as 'pinv' }), ArgumentError);
});

test('a silent neuron is dropped by default: the same estimates as the filter without it, zero rows in H and Q', () => {
  const F = Ztr.cols;
  const silent = matrix(Ztr.data.map((v, i) => (i % F === 2 ? 0 : v)), Ztr.rows, F);
  const without = (m: typeof Ztr) => matrix(Array.from(m.data).filter((_, i) => i % F !== 2), m.rows, F - 1);
  const kf = new KalmanFilter({ center: true }).fit(silent, Ytr);
  assert.deepEqual(kf.droppedUnits, [2]);
  assert.deepEqual([kf.observationRank, kf.pseudoInverse], [F - 1, false]);
  assert.deepEqual(Array.from(kf.H!.data.subarray(2 * 2, 3 * 2)), [0, 0]);
  for (let j = 0; j < F; j++) assert.equal(kf.Q!.data[2 * F + j], 0);
  const ref5 = new KalmanFilter({ center: true }).fit(without(Ztr), Ytr);
  // the dropped unit's test values (active here) are ignored
  close(kf.predict(Zte).data, ref5.predict(without(Zte)).data, 1e-12, 'states');
  // kept (dropSilent: false), the pseudo-inverse gives the same
  const kept = new KalmanFilter({ center: true, dropSilent: false }).fit(silent, Ytr);
  assert.deepEqual([kept.droppedUnits.length, kept.observationRank, kept.pseudoInverse], [0, F - 1, true]);
  close(kept.predict(Zte).data, ref5.predict(without(Zte)).data, 1e-10, 'states (pinv)');
});

test('chewie_demo with 20 silent and 3 duplicated units: matches Neural_Decoding with pinv (whose inv fails), drops and reports them', { skip: skipChewie }, () => {
  const r = robust.kalman_corrupted;
  assert.equal(r.inv_error, 'Singular matrix');
  const { Str, Ste, Vtr, Vte } = chewie();
  const Ctr = corrupt(Str), Cte = corrupt(Ste);
  const kf = new KalmanFilter({ center: true }).fit(Ctr, Vtr);
  assert.deepEqual(kf.droppedUnits, robust.meta.silent);
  assert.deepEqual(kf.duplicateUnits, robust.meta.duplicate_columns.map((c, i) => [c, robust.meta.duplicate[i]!]));
  assert.deepEqual([kf.observationRank, kf.pseudoInverse], [r.Q_rank, true]);
  assert.equal(Ctr.cols - kf.droppedUnits.length, r.kept_units);
  close(kf.A!.data, r.A, 1e-12, 'A');
  close(kf.W!.data, r.W, 1e-12, 'W');
  close(kf.H!.data, r.H, 1e-12, 'H (zero rows for the silent units)');
  const F = Ctr.cols;
  close(Array.from({ length: F }, (_, j) => kf.Q!.data[j * F + j]!), r.Q_diag, 1e-12, 'diag Q');
  close([Math.hypot(...kf.Q!.data)], [r.Q_fro], 1e-12, '|Q|');
  // the reference filter pseudo-inverts the F×F innovation covariance each bin; this one the
  // F×F noise covariance once (information form): equal up to rounding, as the reference is to
  // its own filter fitted on the 51 independent units (6e-14)
  const pred = kf.predict(Cte);
  close(everyNth(pred, 10), r.pred_every_10th, 1e-12, 'states');
  close(colSums(pred), r.pred_sum, 1e-12, 'state sums');
  const from = robust.meta.score_from;
  close(r2Score(rowRange(Vte, from, Vte.rows), rowRange(pred, from, pred.rows)), r.r2, 1e-12, 'R² on the scored bins');
  assert.ok(r.r2.every((v) => v > 0.41), `R² ${r.r2}`);
});
