// The calibration block (minimum-jerk labels, the user's own intention in the counts), the hold
// intention, the position-velocity Kalman filter (the same fit and step as decode's KalmanFilter;
// position feedback keeps position uncertainty out of the update) and ReFIT-KF on a chewie-tuned user.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadChewie } from '../../src/datasets/spikes.js';
import { KalmanFilter } from '../../src/decode/estimators/kalman.js';
import {
  CenterOutEnv, PVKalmanDecoder, fitLinearTuning, fitPVKalman, fitPVKalmanModel, minimumJerk, refitIntentions, refitPVKalman,
  runObservationBlock, runSession, type LinearTuning,
} from '../../src/stream/sim/index.js';
import { ArgumentError, ShapeError } from '../../src/errors.js';
import { Generator } from '../../src/tensor/random.js';
import { dataPath, skipMissing } from '../helpers/data.js';

const CHEWIE = dataPath('spikes', 'kordinglab-dad', 'chewie_demo.mat');
const tuning: LinearTuning = { baseline: Float64Array.of(4, 5, 3), weights: Float64Array.of(0.2, 0, 0, -0.2, 0.1, 0.1), silent: [false, false, false], nUnits: 3 };
const near = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) => {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= tol, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
};

test('minimum jerk: 0 → 1 with flat ends, half way at τ = ½, peak slope 15/8', () => {
  assert.equal(minimumJerk(0), 0);
  assert.equal(minimumJerk(1), 1);
  assert.equal(minimumJerk(0.5), 0.5);
  assert.equal(minimumJerk(-1), 0);
  assert.equal(minimumJerk(2), 1);
  const h = 1e-6;
  assert.ok(minimumJerk(h) < 1e-15 && 1 - minimumJerk(1 - h) < 1e-15, 'flat at both ends');
  assert.ok(Math.abs((minimumJerk(0.5 + h) - minimumJerk(0.5 - h)) / (2 * h) - 1.875) < 1e-6, 'peak slope 15/8');
});

test('observation block: the labels are a bell-shaped reach (peak ≈ 1.875 D/T mid-movement), the counts follow the user', () => {
  const env = new CenterOutEnv(tuning, { trials: 8, distance: 10, holdBins: 10, dt: 0.05 }, { motorNoise: 0, delayBins: 2 });
  const b = runObservationBlock(env, 3, { movementSeconds: 1, movementJitter: 0, epochs: 'reach' });
  assert.equal(b.metrics.successRate, 1, 'the automated cursor acquires every target');
  const t0 = b.log.trial!.indexOf(0), t1 = b.log.trial!.indexOf(1);
  const speed = b.labels.slice(t0, t1).map((v) => Math.hypot(v[0], v[1]));
  // 20 bins of 50 ms carry the reach: the mean minimum-jerk speed over each bin, then rest
  for (let k = 0; k < speed.length; k++) {
    const want = k < 20 ? (10 * (minimumJerk((k + 1) / 20) - minimumJerk(k / 20))) / 0.05 : 0;
    assert.ok(Math.abs(speed[k]! - want) < 1e-9, `bin ${k}: ${speed[k]} vs ${want}`);
  }
  for (let k = 0; k < 10; k++) {
    assert.ok(Math.abs(speed[k]! - speed[19 - k]!) < 1e-9, `symmetric at ${k}`);
    if (k < 9) assert.ok(speed[k]! < speed[k + 1]!, `rising at ${k}`);
  }
  assert.ok(speed[9]! > 0.98 * 18.75 && speed[9]! < 18.75, `peak ${speed[9]} ≈ 1.875 D/T`);
  // the cursor is within 1.5 of 10 (0.85 of the way: τ between 0.70 and 0.75) after the 15th bin
  const entry = b.log.inTarget.slice(t0, t1).indexOf(true);
  assert.equal(entry, 15);
  assert.equal(speed.length, entry + 9, 'the trial ends when the 10-bin hold from the entry completes');
  // reach epochs: bins from the entry on are not fitted; by default all bins are
  assert.deepEqual(b.keep.slice(t0, t1), speed.map((_, k) => k < entry));
  assert.ok(runObservationBlock(env, 3).keep.every(Boolean));
  // the counts come from the user's intention: full speed at the start while the label is still
  // near 0, and zero once the user sees the cursor inside the target (2 bins of delay)
  const int = b.log.intended.slice(t0, t1);
  assert.ok(Math.abs(Math.hypot(...int[0]!) - 15) < 1e-9 && speed[0]! < 0.5, 'intention leads the label');
  for (let k = entry + 2; k < int.length; k++) assert.deepEqual(int[k], [0, 0], `hold bin ${k}`);
  assert.ok(Math.hypot(...int[entry + 1]!) > 0, 'the user has not seen the entry yet');
  // jitter: reaches of different durations; a reaction time: rest before the reach
  const j = runObservationBlock(env, 3, { movementJitter: 0.3 });
  const lens = new Set(j.trials.map((t) => t.duration));
  assert.ok(lens.size > 2, `durations ${[...lens]}`);
  const r = runObservationBlock(env, 3, { movementJitter: 0, reactionSeconds: 0.2 });
  assert.deepEqual(r.labels.slice(0, 4), [[0, 0], [0, 0], [0, 0], [0, 0]]);
  assert.ok(Math.hypot(...r.labels[4]!) > 0);
  assert.throws(() => runObservationBlock(env, 3, { movementSeconds: 0 }), /movementSeconds/);
  assert.throws(() => runObservationBlock(env, 3, { movementJitter: 1 }), /movementJitter/);
});

test('hold: the user intends zero velocity while it sees the cursor in the target, unless holdStill is off', () => {
  for (const holdStill of [true, false]) {
    const env = new CenterOutEnv(tuning, { trials: 1, distance: 10, targetRadius: 1.5, holdBins: 8 }, { motorNoise: 0, delayBins: 1, holdStill });
    const obs = env.reset(0);
    const u = [obs.target[0] / 10, obs.target[1] / 10];
    env.step([u[0]! * 180, u[1]! * 180]); // to 9: inside; the user sees it one bin later
    for (let k = 0; k < 5; k++) {
      const v = env.step([0, 0]).info.intended;
      if (holdStill) assert.deepEqual(v, [0, 0]);
      else assert.ok(Math.abs(Math.hypot(v[0], v[1]) - 4) < 1e-9, `gain 4 × 1 left, got ${v}`);
    }
  }
  const noisy = new CenterOutEnv(tuning, { trials: 1 }, { motorNoise: 2, delayBins: 0 });
  const o = noisy.reset(1);
  const r = noisy.step([o.target[0] / 0.05, o.target[1] / 0.05]);
  assert.ok(r.observation.inTarget && Math.hypot(...r.info.intended) > 0 && Math.hypot(...r.info.intended) < 10, 'motor noise stays while holding');
});

/** Kinematics from a known stable A within segments (a jump at each start), counts = b + H x + noise. */
function synthetic(n: number, segLen: number, seed: number) {
  const A = [0.98, 0, 0.05, 0, 0, 0.97, 0, 0.05, -0.1, 0, 0.9, 0.02, 0, -0.08, -0.03, 0.92];
  const H = [[0.1, 0, 2, 0.5], [0, 0.2, -1, 1.5], [0.05, 0.05, 0.3, -2], [0, 0, 0, 0]];
  const rng = new Generator(seed);
  const state: number[][] = [], counts: Float64Array[] = [], segment: number[] = [];
  let x = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) {
    if (i % segLen === 0) x = [10 * rng.normal(), 10 * rng.normal(), 5 * rng.normal(), 5 * rng.normal()];
    else {
      const y = [0, 0, 0, 0];
      for (let a = 0; a < 4; a++) for (let c = 0; c < 4; c++) y[a] = y[a]! + A[a * 4 + c]! * x[c]!;
      x = y.map((v) => v + 0.5 * rng.normal());
    }
    state.push(x.slice());
    segment.push(Math.floor(i / segLen));
    counts.push(Float64Array.from(H, (h, j) => (j === 3 ? 2 : 10 + h.reduce((s, w, a) => s + w * x[a]!, 0) + rng.normal())));
  }
  return { A, state, counts, segment };
}

test('fitPVKalmanModel: as decode KalmanFilter on one segment; dynamics only from within segments', () => {
  const { state, counts } = synthetic(300, 300, 1);
  const m = fitPVKalmanModel(counts, state, state.map(() => 0));
  const mat = (xs: ArrayLike<number>[], c: number) => ({ data: Float64Array.from(xs.flatMap((x) => Array.from(x))), rows: xs.length, cols: c });
  const kf = new KalmanFilter({ center: true }).fit(mat(counts, 4), mat(state, 4));
  near(m.A, kf.A!.data, 1e-10, 'A');
  near(m.W, kf.W!.data, 1e-10, 'W');
  near(m.H, kf.H!.data, 1e-10, 'H');
  near(m.Q, kf.Q!.data, 1e-10, 'Q');
  assert.deepEqual(m.dropped, [3]);
  // without feedback the decoder steps as the KalmanFilter, and the cursor sits at the decoded position
  const dec = new PVKalmanDecoder(m, 'decoded-position', 0.05);
  const p0: [number, number] = [state[0]![0]!, state[0]![1]!];
  dec.reset(p0);
  kf.reset([p0[0], p0[1], 0, 0]);
  let cursor = p0;
  for (let t = 1; t < 40; t++) {
    const v = dec.step(counts[t]!, cursor);
    const want = kf.step(counts[t]!);
    near(dec.state, want, 1e-9, `state ${t}`);
    cursor = [cursor[0] + 0.05 * v[0]!, cursor[1] + 0.05 * v[1]!];
    near(cursor, [want[0]!, want[1]!], 1e-9, `cursor ${t}`);
  }
  // jumps between segments: excluded, the transition is the true A; pooled, it is not
  const s = synthetic(2000, 5, 2);
  const seg = fitPVKalmanModel(s.counts, s.state, s.segment);
  near(seg.A, s.A, 0.03, 'A within segments');
  assert.equal(seg.transitions, 2000 - 400);
  const pooled = fitPVKalmanModel(s.counts, s.state, s.state.map(() => 0));
  assert.ok(Math.abs(pooled.A[0]! - s.A[0]!) > 0.1, `pooled A[0,0] ${pooled.A[0]} is off`);
  assert.throws(() => fitPVKalmanModel(s.counts.slice(0, 3), s.state.slice(0, 3), [0, 0, 0]), ArgumentError);
  assert.throws(() => fitPVKalmanModel(s.counts, s.state.map((x) => x.slice(0, 2)), s.segment), ShapeError);
  assert.throws(() => dec.step(counts[0]!), /needs the cursor's position/);
  assert.throws(() => dec.step(new Float64Array(2), [0, 0]), ShapeError);
});

test('position feedback: position uncertainty never reaches the velocity update; without feedback it does', () => {
  const { state, counts } = synthetic(400, 400, 3);
  const base = fitPVKalmanModel(counts, state, state.map(() => 0));
  // more transition noise on position only (W's position block)
  const W = base.W.slice();
  for (const i of [0, 5]) W[i] = W[i]! * 50;
  const inflated = { ...base, W };
  for (const mode of ['position-feedback', 'decoded-position'] as const) {
    const a = new PVKalmanDecoder(base, mode, 0.05), b = new PVKalmanDecoder(inflated, mode, 0.05);
    let diff = 0;
    for (let t = 1; t < 30; t++) {
      const p: [number, number] = [state[t - 1]![0]!, state[t - 1]![1]!];
      const va = a.step(counts[t]!, p), vb = b.step(counts[t]!, p);
      diff = Math.max(diff, Math.abs(va[0]! - vb[0]!), Math.abs(va[1]! - vb[1]!));
    }
    if (mode === 'position-feedback') assert.ok(diff < 1e-9, `feedback: W's position block moved the velocity by ${diff}`);
    else assert.ok(diff > 1e-3, `decoded position: W's position block should matter, moved it by ${diff}`);
  }
  // with feedback the neural data do not correct the position: it is A applied to the cursor
  const fb = new PVKalmanDecoder(base, 'position-feedback', 0.05);
  fb.step(counts[1]!, [3, -4]);
  const before = fb.state;
  fb.step(counts[2]!, [7, 1]);
  const xm = base.stateMean, A = base.A;
  const s = [7 - xm[0]!, 1 - xm[1]!, before[2]! - xm[2]!, before[3]! - xm[3]!];
  for (const r of [0, 1]) near([fb.state[r]!], [xm[r]! + s.reduce((acc, v, c) => acc + A[r * 4 + c]! * v, 0)], 1e-9, `position ${r}`);
});

test('chewie-tuned user: the KF calibrated on an observation block is slower than ReFIT-KF refitted in closed loop', (t) => {
  if (skipMissing(t, CHEWIE)) return;
  const d = loadChewie(new Uint8Array(readFileSync(CHEWIE)));
  const tu = fitLinearTuning(d.spikesTrain, d.velocityTrain);
  for (const task of ['center-out', 'random'] as const) {
    const env = new CenterOutEnv(tu, { trials: 24, task });
    const cal = runObservationBlock(new CenterOutEnv(tu, { trials: 24, task }), 1000);
    const kf = new PVKalmanDecoder(fitPVKalman(cal.log, cal.labels, env.dt, cal.keep), 'decoded-position', env.dt);
    const first = runSession(env, kf, 2000);
    const refit = refitPVKalman(first.log, refitIntentions(first.log), env.dt);
    const a = runSession(env, kf, 3000).metrics, b = runSession(env, refit, 3000).metrics;
    assert.ok(b.successRate >= a.successRate, `${task}: success ReFIT ${b.successRate} vs KF ${a.successRate}`);
    assert.ok(b.meanAcquisitionTime < 0.85 * a.meanAcquisitionTime, `${task}: acquisition ReFIT ${b.meanAcquisitionTime} vs KF ${a.meanAcquisitionTime}`);
    assert.ok(b.meanPathEfficiency > a.meanPathEfficiency, `${task}: efficiency ReFIT ${b.meanPathEfficiency} vs KF ${a.meanPathEfficiency}`);
  }
});
