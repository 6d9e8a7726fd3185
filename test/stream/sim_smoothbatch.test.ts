// SmoothBatch CLDA: the adaptive Kalman decoder matches the fitted filter, batch fits and blends
// are what the method specifies, and a 60°-rotated decoder recovers on a chewie-tuned user.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadChewie } from '../../src/datasets/spikes.js';
import {
  AdaptiveKalmanDecoder, CenterOutEnv, blendObservation, fitLinearTuning, fitObservation, fitVelocityKalman, kalmanDecoder,
  refitIntentions, rotateObservation, runSession, runSmoothBatch, smoothBatchAlpha, type ObservationModel,
} from '../../src/stream/sim/index.js';
import { ArgumentError, ShapeError } from '../../src/errors.js';
import { dataPath, skipMissing } from '../helpers/data.js';

const CHEWIE = dataPath('spikes', 'kordinglab-dad', 'chewie_demo.mat');

const near = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) => {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= tol, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
};

test('SmoothBatch weights: α = 0.5^(batch / half-life); θ ← α θ_old + (1 − α) θ_batch', () => {
  assert.equal(smoothBatchAlpha(60, 60), 0.5);
  assert.equal(smoothBatchAlpha(120, 60), 0.25);
  assert.ok(Math.abs(smoothBatchAlpha(60, 120) - Math.SQRT1_2) < 1e-15);
  const old: ObservationModel = { H: new Float64Array([1, 2, 3, 4]), b: new Float64Array([10, 20]), Q: new Float64Array([1, 0, 0, 1]) };
  const batch: ObservationModel = { H: new Float64Array([5, 6, 7, 8]), b: new Float64Array([30, 40]), Q: new Float64Array([3, 1, 1, 5]) };
  const m = blendObservation(old, batch, 0.25);
  assert.deepEqual([...m.H], [4, 5, 6, 7]);
  assert.deepEqual([...m.b], [25, 35]);
  assert.deepEqual([...m.Q], [2.5, 0.75, 0.75, 4]);
  assert.deepEqual([...old.H], [1, 2, 3, 4], 'the old model is not modified');
  assert.throws(() => blendObservation(old, batch, 1.5), ArgumentError);
  assert.throws(() => blendObservation(old, { ...batch, b: new Float64Array(3) }, 0.5), ShapeError);
});

test('fitObservation: least squares of counts on [1, vx, vy], Q the residual covariance / N', () => {
  const H = [[2, -1], [0.5, 3], [0, 0]], b = [5, 1, 7];
  const vel: [number, number][] = [], counts: Float64Array[] = [];
  for (let i = 0; i < 40; i++) {
    const v: [number, number] = [Math.cos(i * 0.7) * 3, Math.sin(i * 1.3) * 2];
    vel.push(v);
    counts.push(new Float64Array(H.map((h, j) => b[j]! + h[0]! * v[0] + h[1]! * v[1] + (j === 2 ? (i % 2 ? 1 : -1) : 0))));
  }
  const m = fitObservation(counts, vel);
  near(m.b, [5, 1, 7], 0.05, 'b');
  near(m.H.subarray(0, 4), [2, -1, 0.5, 3], 1e-10, 'H');
  near(m.b.subarray(0, 2), [5, 1], 1e-10, 'b');
  // unit 2's ±1 noise: variance close to 1 (its regression takes a little), no covariance with the exact units
  assert.ok(m.Q[8]! > 0.85 && m.Q[8]! <= 1, `Q[2,2] ${m.Q[8]}`);
  near([m.Q[0]!, m.Q[4]!, m.Q[2]!], [0, 0, 0], 1e-10, 'Q');
  assert.throws(() => fitObservation(counts.slice(0, 3), vel.slice(0, 3)), ArgumentError);
  assert.throws(() => fitObservation(counts, vel.slice(1)), ShapeError);
});

test('rotateObservation turns each unit\'s velocity tuning counter-clockwise', () => {
  const m = rotateObservation({ H: new Float64Array([1, 0, 0, 2]), b: new Float64Array(2), Q: new Float64Array(4) }, Math.PI / 2);
  near(m.H, [0, 1, -2, 0], 1e-15, 'H');
  assert.throws(() => rotateObservation(m, NaN), ArgumentError);
});

test('runSmoothBatch refuses bad options with typed errors', () => {
  const env = new CenterOutEnv({ nUnits: 1, baseline: new Float64Array([1]), weights: new Float64Array([1, 0]), silent: [false] }, { trials: 2 });
  const dec = new AdaptiveKalmanDecoder(new Float64Array([1, 0, 0, 1]), new Float64Array([1, 0, 0, 1]), new Float64Array(2), { H: new Float64Array([1, 0]), b: new Float64Array([1]), Q: new Float64Array([1]) }, [0]);
  for (const o of [{ batchSeconds: 0 }, { batchSeconds: NaN }, { halfLifeSeconds: -60 }, { durationSeconds: Infinity }, { batchSeconds: 0.1 }, { durationSeconds: 1e9 }]) {
    assert.throws(() => runSmoothBatch(env, dec, 0, o), (e: unknown) => e instanceof ArgumentError && /runSmoothBatch/.test(e.message), JSON.stringify(o));
  }
  assert.throws(() => smoothBatchAlpha(60, 0), ArgumentError);
});

test('chewie-tuned user: a 60°-rotated Kalman decoder recovers to ≥ 90 % success under SmoothBatch', (t) => {
  if (skipMissing(t, CHEWIE)) return;
  const d = loadChewie(new Uint8Array(readFileSync(CHEWIE)));
  const tuning = fitLinearTuning(d.spikesTrain, d.velocityTrain);
  const open = runSession(new CenterOutEnv(tuning, { trials: 24 }), 'open-loop', 11);
  const kf = fitVelocityKalman(open.log, open.log.intended);
  // built from the fitted filter, the adaptive decoder decodes exactly as it
  const ad = AdaptiveKalmanDecoder.fromKalman(kf);
  kf.reset([0, 0]); ad.reset();
  for (let i = 0; i < 200; i++) near(ad.step(open.log.counts[i]!), kf.step(open.log.counts[i]!), 1e-9, `bin ${i}`);
  const env = new CenterOutEnv(tuning, { trials: 40 });
  const rotated = () => { const r = AdaptiveKalmanDecoder.fromKalman(kf); r.setObservation(rotateObservation(r.observation, Math.PI / 3)); return r; };
  const plain = runSession(env, kalmanDecoder(kf), 12).metrics.successRate;
  const frozen = runSession(env, rotated(), 12).metrics.successRate;
  assert.ok(plain >= 0.95, `unrotated success ${plain}`);
  assert.ok(frozen < plain - 0.3, `rotated success ${frozen} vs unrotated ${plain}`);
  // each batch: the blend of the previous model and the least-squares fit on intention-corrected velocities
  const dec = rotated();
  let prev = dec.observation;
  const alpha = smoothBatchAlpha(60, 90);
  let seen = 0;
  const r = runSmoothBatch(new CenterOutEnv(tuning, { trials: 100000 }), dec, 13, {
    batchSeconds: 60, halfLifeSeconds: 90, durationSeconds: 600,
    onBatch: (log, fitted, blended) => {
      assert.equal(log.counts.length, 1200);
      const u = refitIntentions(log);
      u.forEach((v, i) => { if (log.inTarget[i]) assert.deepEqual(v, [0, 0]); });
      const ls = fitObservation(log.counts, u);
      near(fitted.H, ls.H, 1e-12, 'batch H');
      const want = blendObservation(prev, fitted, alpha);
      near(blended.H, want.H, 1e-12, 'blended H'); near(blended.Q, want.Q, 1e-12, 'blended Q'); near(blended.b, want.b, 1e-12, 'blended b');
      assert.equal(dec.observation, blended, 'the decoder uses the blended model');
      prev = blended; seen++;
    },
  });
  assert.equal(r.alpha, alpha);
  assert.equal(r.batches.length, 10);
  assert.equal(seen, 9, 'a refit after every batch but the last');
  assert.ok(r.batches[0]!.successRate < 0.5, `first batch ${r.batches[0]!.successRate}`);
  assert.ok(r.batches[9]!.successRate >= 0.9, `last batch ${r.batches[9]!.successRate}`);
  assert.ok(r.batches[9]!.trials >= 20, `last batch trials ${r.batches[9]!.trials}`);
  assert.ok(r.batches[9]!.meanAcquisitionTime > 0 && r.batches[9]!.meanAcquisitionTime < 2, `last batch acquisition ${r.batches[9]!.meanAcquisitionTime} s`);
});
