// The actor-critic RL decoder: learns the cursor task from reward alone, from a seeded random start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CenterOutEnv, RlDecoder, runRlSession, type LinearTuning } from '../../src/stream/sim/index.js';
import { ArgumentError, ShapeError } from '../../src/errors.js';
import { Generator } from '../../src/tensor/random.js';
import { poisson } from '../../src/stream/sim/index.js';

// 24 cosine-tuned units with preferred directions around the circle, 2 counts/bin at rest,
// 0.15 counts/bin per velocity unit: a small hand-made user, no data file needed.
function cosineTuning(n = 24): LinearTuning {
  const baseline = new Float64Array(n).fill(2);
  const weights = new Float64Array(2 * n);
  for (let j = 0; j < n; j++) { const a = (2 * Math.PI * j) / n + 0.3; weights[2 * j] = 0.15 * Math.cos(a); weights[2 * j + 1] = 0.15 * Math.sin(a); }
  return { baseline, weights, silent: new Array<boolean>(n).fill(false), nUnits: n };
}

test('RL decoder: a seeded run from random weights improves on its first block and ends above 80 % success', () => {
  const tuning = cosineTuning();
  const env = new CenterOutEnv(tuning, { trials: 24 });
  const agent = new RlDecoder(tuning.nUnits, 8, { actorLr: 0.01 });
  const r = runRlSession(env, agent, { episodes: 3, seed: 11, blockSize: 8 });
  assert.equal(r.trials.length, 72);
  assert.equal(r.curve.length, 9);
  const first = r.curve[0]!, late = r.curve.slice(-3).reduce((a, b) => a + b, 0) / 3;
  assert.ok(first <= 0.5, `first block ${first}`);
  assert.ok(late >= 0.8 && late > first + 0.3, `curve ${r.curve.join(' ')}`);
});

test('RL decoder: a positive TD error raises the probability of the action taken, a negative one lowers it', () => {
  const counts = Float64Array.from({ length: 5 }, (_, j) => j);
  for (const reward of [1, -1]) {
    const agent = new RlDecoder(5, 3, { normalise: false });
    const a = agent.act(counts);
    const p0 = agent.policy(counts)[a]!;
    const delta = agent.learn(reward, null);
    assert.ok(Math.abs(delta - reward) < 0.1, `delta ${delta}`); // critic starts at zero
    const p1 = agent.policy(counts)[a]!;
    assert.ok(reward > 0 ? p1 > p0 : p1 < p0, `${reward}: ${p0} -> ${p1}`);
  }
});

test('RL decoder: with many units the critic converges on a constant reward instead of diverging', () => {
  // 200 Poisson units z-scored: |x|² ≈ 200, where a fixed per-weight rate overshoots
  const agent = new RlDecoder(200, 4);
  const rng = new Generator(9);
  const counts = new Float64Array(200);
  const deltas: number[] = [];
  for (let i = 0; i < 4000; i++) {
    for (let j = 0; j < 200; j++) counts[j] = poisson(1 + (j % 5), rng);
    agent.act(counts);
    deltas.push(agent.learn(1, null));
  }
  const late = deltas.slice(-200).reduce((a, b) => a + Math.abs(b), 0) / 200;
  assert.ok(late < 0.25, `mean |TD error| over the last 200 steps ${late}`);
});

test('RL decoder: the same seeds give the same session; another decoder seed another one', () => {
  const tuning = cosineTuning();
  const run = (s: number) => {
    const agent = new RlDecoder(tuning.nUnits, s);
    const r = runRlSession(new CenterOutEnv(tuning, { trials: 8 }), agent, { episodes: 1, seed: 5 });
    return { actor: Array.from(agent.actor), times: r.trials.map((t) => t.duration) };
  };
  assert.deepEqual(run(1), run(1));
  assert.notDeepEqual(run(1).actor, run(2).actor);
  // learn: false only acts: the weights stay as initialised
  const agent = new RlDecoder(tuning.nUnits, 1);
  const before = Array.from(agent.actor);
  runRlSession(new CenterOutEnv(tuning, { trials: 8 }), agent, { episodes: 1, seed: 5, learn: false });
  assert.deepEqual(Array.from(agent.actor), before);
});

test('RL decoder: bad input gives typed errors naming the value', () => {
  assert.throws(() => new RlDecoder(0, 1), (e: unknown) => e instanceof ArgumentError && /nUnits is 0/.test(e.message));
  assert.throws(() => new RlDecoder(4, NaN), (e: unknown) => e instanceof ArgumentError && /seed is NaN/.test(e.message));
  assert.throws(() => new RlDecoder(4, 1, { speed: -1 }), (e: unknown) => e instanceof ArgumentError && /speed is -1/.test(e.message));
  assert.throws(() => new RlDecoder(4, 1, { criticLr: 2 }), (e: unknown) => e instanceof ArgumentError && /criticLr is 2/.test(e.message));
  assert.throws(() => new RlDecoder(4, 1, { gamma: 1 }), (e: unknown) => e instanceof ArgumentError && /gamma is 1/.test(e.message));
  assert.throws(() => new RlDecoder(4, 1, { nDirections: 1 }), (e: unknown) => e instanceof ArgumentError && /nDirections is 1/.test(e.message));
  const agent = new RlDecoder(4, 1);
  assert.throws(() => agent.act(new Float64Array(3)), (e: unknown) => e instanceof ShapeError && /3 units, the decoder 4/.test(e.message));
  assert.throws(() => agent.act([1, 2, NaN, 0]), (e: unknown) => e instanceof ArgumentError && /count 2 is NaN/.test(e.message));
  assert.throws(() => agent.learn(1, null), (e: unknown) => e instanceof ArgumentError && /no pending action/.test(e.message));
  agent.act([1, 2, 3, 4]);
  assert.throws(() => agent.learn(Infinity, null), (e: unknown) => e instanceof ArgumentError && /reward is Infinity/.test(e.message));
  assert.throws(() => agent.velocity(9), (e: unknown) => e instanceof ArgumentError && /action is 9/.test(e.message));
  const env = new CenterOutEnv(cosineTuning(), { trials: 8 });
  assert.throws(() => runRlSession(env, agent, { episodes: 1, seed: 1 }), (e: unknown) => e instanceof ShapeError && /4 units, the environment 24/.test(e.message));
  const ok = new RlDecoder(24, 1);
  assert.throws(() => runRlSession(env, ok, { episodes: 0, seed: 1 }), (e: unknown) => e instanceof ArgumentError && /episodes is 0/.test(e.message));
  assert.throws(() => runRlSession(env, ok, { episodes: 1, seed: 1, reward: 'dense' as 'progress' }), (e: unknown) => e instanceof ArgumentError && /reward is dense/.test(e.message));
});
