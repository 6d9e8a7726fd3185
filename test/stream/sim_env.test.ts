// The centre-out environment: scripted agents with known outcomes, the user's feedback delay,
// seeding, and typed errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CenterOutEnv, fitLinearTuning, poisson, sampleCounts, summarise, tuningRates, type LinearTuning } from '../../src/stream/sim/index.js';
import { ArgumentError, ShapeError } from '../../src/errors.js';
import { Generator } from '../../src/tensor/random.js';

// Two tuned units and a silent one: rate = b + h · v.
const tuning: LinearTuning = { baseline: Float64Array.of(2, 3, 0), weights: Float64Array.of(0.1, 0, 0, -0.1, 0, 0), silent: [false, false, true], nUnits: 3 };

test('an agent moving straight at the target at 10/s acquires it at the entry bin, efficiency 1', () => {
  const env = new CenterOutEnv(tuning, { trials: 8, distance: 10, targetRadius: 1.5, holdBins: 10, dt: 0.05 });
  let obs = env.reset(7);
  const seen = new Set<number>();
  let rewards = 0, done = false;
  while (!done) {
    const [tx, ty] = obs.target;
    const d = Math.hypot(tx - obs.position[0], ty - obs.position[1]);
    const v = obs.inTarget ? [0, 0] : [(10 * (tx - obs.position[0])) / d, (10 * (ty - obs.position[1])) / d];
    const r = env.step(v);
    rewards += r.reward;
    done = r.done;
    if (r.info.trialEnded) {
      const t = r.info.trialEnded;
      seen.add(t.targetIndex);
      assert.ok(t.success);
      // the cursor is 0.5 further each bin: inside (≥ 8.5) at bin 17, the hold ends at bin 26
      assert.ok(Math.abs(t.acquisitionTime - 0.85) < 1e-12, `acquisition ${t.acquisitionTime}`);
      assert.ok(Math.abs(t.duration - 1.3) < 1e-12, `duration ${t.duration}`);
      assert.equal(t.path.length, 18);
      assert.ok(Math.abs(Math.hypot(t.path[17]![0], t.path[17]![1]) - 8.5) < 1e-9);
    }
    obs = r.observation;
  }
  assert.equal(rewards, 8);
  assert.equal(seen.size, 8, 'one block of 8 trials visits each target once');
  assert.throws(() => env.step([0, 0]), /episode is done/);
});

test('an agent that never moves times out: failure, duration = timeout, no reward', () => {
  const env = new CenterOutEnv(tuning, { trials: 2, timeoutBins: 30 });
  env.reset(1);
  let rewards = 0;
  const ended = [];
  for (let i = 0; i < 60; i++) {
    const r = env.step([0, 0]);
    rewards += r.reward;
    if (r.info.trialEnded) ended.push(r.info.trialEnded);
    assert.equal(r.done, i === 59);
  }
  assert.equal(rewards, 0);
  assert.equal(ended.length, 2);
  for (const t of ended) { assert.equal(t.success, false); assert.ok(Math.abs(t.duration - 1.5) < 1e-12); assert.ok(Number.isNaN(t.acquisitionTime)); }
});

test('leaving the target resets the hold', () => {
  const env = new CenterOutEnv(tuning, { nTargets: 4, trials: 1, distance: 10, targetRadius: 1, holdBins: 3, dt: 1 });
  const obs = env.reset(3);
  const u = [obs.target[0] / 10, obs.target[1] / 10];
  let r = env.step([u[0]! * 10, u[1]! * 10]); // onto the target centre
  assert.equal(r.observation.holdCount, 1);
  r = env.step([u[0]! * 5, u[1]! * 5]); // 5 beyond it: out
  assert.equal(r.observation.holdCount, 0);
  r = env.step([-u[0]! * 5, -u[1]! * 5]);
  r = env.step([0, 0]);
  assert.equal(r.done, false);
  r = env.step([0, 0]);
  assert.equal(r.done, true);
  assert.equal(r.info.trialEnded!.acquisitionTime, 3, 'the entry that began the successful hold');
});

test('the user sees the cursor delayBins late: its intention ignores the last delayBins moves', () => {
  for (const delay of [0, 3]) {
    const env = new CenterOutEnv(tuning, { trials: 1, distance: 10 }, { delayBins: delay, motorNoise: 0, gain: 4, maxSpeed: 15 });
    const obs = env.reset(5);
    const i0 = env.currentIntention;
    assert.ok(Math.abs(Math.hypot(i0[0], i0[1]) - 15) < 1e-9, 'capped at maxSpeed');
    const toward = [obs.target[0] / 10, obs.target[1] / 10];
    const intents = [];
    for (let k = 0; k < 5; k++) intents.push(env.step([toward[0]! * 180, toward[1]! * 180]).info.intended); // 9 per bin
    // the cursor reaches 9, 18, … : the user slows (gain 4 × 1 remaining) only once it sees 9
    const seesNear = intents.findIndex((v) => Math.hypot(v[0], v[1]) < 14);
    assert.equal(seesNear, delay, `delay ${delay}`);
  }
});

test('seeded: the same seed gives the same counts, another seed different ones', () => {
  const run = (seed: number) => {
    const env = new CenterOutEnv(tuning, { trials: 3 });
    const out: number[] = [];
    let o = env.reset(seed);
    for (let i = 0; i < 20; i++) { out.push(...o.counts, o.targetIndex); o = env.step([1, 2]).observation; }
    return out;
  };
  assert.deepEqual(run(11), run(11));
  assert.notDeepEqual(run(11), run(12));
});

test('tuning: an exact linear model is recovered, a silent unit keeps its constant count', () => {
  const n = 50, f = 3;
  const V = new Float64Array(n * 2), C = new Float64Array(n * f);
  const rng = new Generator(1);
  for (let i = 0; i < n; i++) {
    const vx = 2 * rng.normal(), vy = 2 * rng.normal();
    V[2 * i] = vx; V[2 * i + 1] = vy;
    C[i * f] = 20 + 0.5 * vx - 0.25 * vy; C[i * f + 1] = 0; C[i * f + 2] = 30 - vx + 2 * vy;
  }
  const t = fitLinearTuning({ data: C, rows: n, cols: f }, { data: V, rows: n, cols: 2 });
  const exp = [20, 0.5, -0.25, 0, 0, 0, 30, -1, 2];
  const got = [t.baseline[0]!, t.weights[0]!, t.weights[1]!, t.baseline[1]!, t.weights[2]!, t.weights[3]!, t.baseline[2]!, t.weights[4]!, t.weights[5]!];
  got.forEach((g, i) => assert.ok(Math.abs(g - exp[i]!) < 1e-10, `${i}: ${g} vs ${exp[i]}`));
  assert.deepEqual(t.silent, [false, true, false]);
  const r = tuningRates(t, 100, 0);
  assert.ok(Math.abs(r[0]! - 70) < 1e-8, `rate ${r[0]}`);
  assert.deepEqual([r[1], r[2]], [0, 0], 'rates clip at 0');
  assert.throws(() => fitLinearTuning({ data: C, rows: n, cols: f }, { data: V, rows: n, cols: 1 }), ShapeError);
  C[4] = -1;
  assert.throws(() => fitLinearTuning({ data: C, rows: n, cols: f }, { data: V, rows: n, cols: 2 }), /count \[1, 1\] is -1/);
});

test('Poisson counts: mean and variance match λ (small and large λ), λ = 0 gives 0', () => {
  const rng = new Generator(2);
  for (const lam of [0.3, 4, 50]) {
    const n = 20000;
    let s = 0, q = 0;
    for (let i = 0; i < n; i++) { const k = poisson(lam, rng); s += k; q += k * k; }
    const m = s / n, v = q / n - m * m;
    const se = Math.sqrt(lam / n);
    assert.ok(Math.abs(m - lam) < 4 * se, `λ ${lam}: mean ${m}`);
    assert.ok(Math.abs(v - lam) < 0.06 * lam + 0.02, `λ ${lam}: variance ${v}`);
  }
  assert.equal(poisson(0, rng), 0);
  assert.throws(() => poisson(-1, rng), ArgumentError);
  const c = sampleCounts(tuning, 0, 0, rng);
  assert.equal(c[2], 0, 'a silent unit at 0');
});

test('bad configuration and actions are typed errors naming the value', () => {
  assert.throws(() => new CenterOutEnv(tuning, { nTargets: 1 }), /nTargets is 1/);
  assert.throws(() => new CenterOutEnv(tuning, { targetRadius: 20 }), /targetRadius is 20/);
  assert.throws(() => new CenterOutEnv(tuning, { holdBins: 10, timeoutBins: 5 }), /timeoutBins is 5/);
  assert.throws(() => new CenterOutEnv(tuning, {}, { delayBins: 1.5 }), /delayBins is 1.5/);
  assert.throws(() => new CenterOutEnv(tuning, {}, { motorNoise: -1 }), ArgumentError);
  const env = new CenterOutEnv(tuning);
  assert.throws(() => env.step([0, 0]), /call reset/);
  env.reset(0);
  assert.throws(() => env.step([0]), ShapeError);
  assert.throws(() => env.step([NaN, 0]), /action is \(NaN, 0\)/);
});

/** Drives env straight at the target at `speed` per s, still once inside; returns the ended trials and each trial's targets. */
function straightAgent(env: CenterOutEnv, seed: number, speed: number) {
  let obs = env.reset(seed);
  const ended = [];
  for (;;) {
    const [tx, ty] = obs.target;
    const d = Math.hypot(tx - obs.position[0], ty - obs.position[1]);
    const r = env.step(obs.inTarget ? [0, 0] : [(speed * (tx - obs.position[0])) / d, (speed * (ty - obs.position[1])) / d]);
    if (r.info.trialEnded) ended.push(r.info.trialEnded);
    obs = r.observation;
    if (r.done) return ended;
  }
}

test('random targets: uniform in the workspace, ≥ minDistance from the start, each trial from where the last ended; hand-checked times', () => {
  const env = new CenterOutEnv(tuning, { task: 'random', trials: 12, distance: 10, minDistance: 5, targetRadius: 1.5, holdBins: 10, dt: 0.05 });
  const ended = straightAgent(env, 5, 10); // seed 5 draws a target 2.2 from the cursor at trial 8: redrawn
  assert.equal(ended.length, 12);
  let from: readonly [number, number] = [0, 0];
  const xs: number[] = [];
  ended.forEach((t, i) => {
    assert.equal(t.targetIndex, i);
    assert.deepEqual(t.start, from, `trial ${i} starts where trial ${i - 1} stopped`);
    assert.ok(Math.abs(t.target[0]) <= 10 && Math.abs(t.target[1]) <= 10, `target ${t.target} in the workspace`);
    const D = Math.hypot(t.target[0] - t.start[0], t.target[1] - t.start[1]);
    assert.ok(D >= 5, `target ${D} from the start`);
    // 0.5 per bin along the line: inside after ceil((D − 1.5) / 0.5) bins
    const k = Math.ceil((D - 1.5) / 0.5 - 1e-9);
    assert.ok(t.success);
    assert.ok(Math.abs(t.acquisitionTime - k * 0.05) < 1e-9, `trial ${i}: ${t.acquisitionTime} vs ${k * 0.05}`);
    assert.ok(Math.abs(t.duration - (k + 9) * 0.05) < 1e-9);
    assert.equal(t.width, 3);
    from = t.path[t.path.length - 1]!;
    xs.push(t.target[0], t.target[1]);
  });
  // Fitts with each trial's own D: the mean of log2(1 + D/3) / time
  const m = summarise(ended, env.nTargets, env.targetRadius);
  const want = ended.reduce((s, t) => s + Math.log2(1 + Math.hypot(t.target[0] - t.start[0], t.target[1] - t.start[1]) / 3) / t.acquisitionTime, 0) / 12;
  assert.ok(Math.abs(m.fittsThroughput - want) < 1e-12);
  assert.ok(Math.abs(m.meanPathEfficiency - 1) < 1e-12);
  // uniform: over many draws the coordinates spread over the square with mean ≈ 0
  const many = straightAgent(new CenterOutEnv(tuning, { task: 'random', trials: 400, minDistance: 0 }), 9, 15);
  const c = many.flatMap((t) => [t.target[0], t.target[1]]);
  const mean = c.reduce((a, b) => a + b, 0) / c.length, meanSq = c.reduce((a, b) => a + b * b, 0) / c.length;
  assert.ok(Math.abs(mean) < 0.6 && Math.abs(meanSq - 100 / 3) < 3, `mean ${mean}, E[x²] ${meanSq} (uniform on ±10: 0, 33.3)`);
  assert.ok(Math.max(...c) > 9.5 && Math.min(...c) < -9.5);
  // the same seed gives the same targets whatever the agent does, when the draws allow it
  const slow = straightAgent(new CenterOutEnv(tuning, { task: 'random', trials: 12, minDistance: 0 }), 4, 6);
  const fast = straightAgent(new CenterOutEnv(tuning, { task: 'random', trials: 12, minDistance: 0 }), 4, 14);
  assert.deepEqual(slow.map((t) => t.target), fast.map((t) => t.target));
  assert.notDeepEqual(slow.map((t) => t.start), fast.map((t) => t.start));
  assert.throws(() => new CenterOutEnv(tuning, { task: 'random', minDistance: 11 }), /minDistance is 11/);
  assert.throws(() => new CenterOutEnv(tuning, { task: 'spiral' as never }), /task is 'spiral'/);
});
