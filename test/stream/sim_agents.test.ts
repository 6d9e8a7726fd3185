// The general RL agents on the cursor task: replay ring, GAE, PPO's clipped objective, DQN's
// targets and Huber loss (hand-computed), seeding, the shared loop, and short learning runs on an
// easy task that fail when learning breaks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CenterOutEnv, RlDecoder, runRlSession, type LinearTuning } from '../../src/stream/sim/index.js';
import { ActionSet, createAgent, DqnAgent, dqnTargets, FeatureMap, gae, huberLoss, learningCurve, PpoAgent, ppoClipLoss, ReplayBuffer, runAgentSession, trialsToReach, type AgentKind } from '../../src/stream/sim/agents/index.js';
import { ArgumentError, ShapeError } from '../../src/errors.js';
import { Generator } from '../../src/tensor/random.js';
import { tensor } from '../../src/tensor/creation.js';
import type { TrialRecord } from '../../src/stream/sim/metrics.js';

// 24 cosine-tuned units around the circle (2 counts/bin at rest, 0.15 per velocity unit).
function cosineTuning(n = 24): LinearTuning {
  const baseline = new Float64Array(n).fill(2);
  const weights = new Float64Array(2 * n);
  for (let j = 0; j < n; j++) { const a = (2 * Math.PI * j) / n + 0.3; weights[2 * j] = 0.15 * Math.cos(a); weights[2 * j + 1] = 0.15 * Math.sin(a); }
  return { baseline, weights, silent: new Array<boolean>(n).fill(false), nUnits: n };
}
const close = (a: number, b: number, tol = 1e-6) => Math.abs(a - b) <= tol;

test('replay ring: keeps the newest capacity transitions, returns them exactly, samples only filled slots, seeded', () => {
  const buf = new ReplayBuffer(3, 2);
  for (let i = 0; i < 5; i++) buf.push([i, -i], i, i / 2, [i + 1, 0], i === 4);
  assert.equal(buf.size, 3);
  assert.equal(buf.pushed, 5);
  // slots 0 and 1 were overwritten by transitions 3 and 4; slot 2 holds transition 2
  const b = buf.gather(Int32Array.of(0, 1, 2));
  assert.deepEqual(Array.from(b.actions), [3, 4, 2]);
  assert.deepEqual(Array.from(b.x), [3, -3, 4, -4, 2, -2]);
  assert.deepEqual(Array.from(b.next), [4, 0, 5, 0, 3, 0]);
  assert.deepEqual(Array.from(b.rewards), [1.5, 2, 1]);
  assert.deepEqual(Array.from(b.terminal), [0, 1, 0]);
  const partial = new ReplayBuffer(10, 1);
  partial.push([1], 0, 0, [1], false);
  partial.push([2], 1, 0, [2], false);
  const s = partial.sample(200, new Generator(1));
  assert.ok(Array.from(s.slots).every((k) => k === 0 || k === 1) && new Set(s.slots).size === 2);
  assert.deepEqual(Array.from(partial.sample(20, new Generator(7)).slots), Array.from(partial.sample(20, new Generator(7)).slots));
  assert.throws(() => new ReplayBuffer(0, 2), (e: unknown) => e instanceof ArgumentError && /capacity is 0/.test(e.message));
  assert.throws(() => new ReplayBuffer(1e6, 1e5), (e: unknown) => e instanceof ArgumentError && /exceeds 1e8/.test(e.message));
  assert.throws(() => new ReplayBuffer(2, 2).sample(4, new Generator(0)), /buffer is empty/);
  assert.throws(() => buf.push([1], 0, 0, [1, 2], false), (e: unknown) => e instanceof ShapeError && /1 and 2 values, the buffer 2/.test(e.message));
  assert.throws(() => buf.push([1, 2], 0, NaN, [1, 2], false), /reward is NaN/);
  assert.throws(() => partial.gather(Int32Array.of(5)), /slot 5 is not filled/);
});

test('GAE: matches a hand-computed rollout with a terminal step in the middle', () => {
  // γ 0.9, λ 0.8; t=2: δ = 2 + 0.9·0.3 − 0.4 = 1.87; t=1 ends a trial: δ = 0 − 0.2, no carry;
  // t=0: δ = 1 + 0.9·0.2 − 0.5 = 0.68, A = 0.68 + 0.72·(−0.2) = 0.536
  const { advantages, returns } = gae([1, 0, 2], [0.5, 0.2, 0.4], [0, 1, 0], 0.3, 0.9, 0.8);
  const want = [0.536, -0.2, 1.87];
  for (let i = 0; i < 3; i++) assert.ok(close(advantages[i]!, want[i]!, 1e-12), `A[${i}] = ${advantages[i]}`);
  assert.deepEqual(Array.from(returns).map((v) => +v.toFixed(12)), [1.036, 0, 2.27]);
  // λ = 0 is the one-step TD error, λ = 1 the discounted return minus the value
  assert.ok(close(gae([1, 1], [0, 0], [0, 0], 0, 0.5, 0).advantages[0]!, 1, 1e-12));
  assert.ok(close(gae([1, 1], [0, 0], [0, 0], 2, 0.5, 1).advantages[0]!, 1 + 0.5 + 0.25 * 2, 1e-12));
  assert.throws(() => gae([1], [1, 2], [0], 0, 0.9, 0.9), ShapeError);
  assert.throws(() => gae([1], [1], [0], 0, 1.5, 0.9), /gamma 1.5/);
});

test('PPO clipped objective: value and gradient on a three-sample case', () => {
  // ratios 1.25 (A = 1: clipped at 1.2), 0.6 (A = 2: unclipped 1.2 < 1.6), 0.7 (A = −1: clipped −0.8)
  const logp = tensor(Float64Array.of(Math.log(0.5), Math.log(0.3), Math.log(0.35)));
  logp.requiresGrad = true;
  const old = tensor(Float64Array.of(Math.log(0.4), Math.log(0.5), Math.log(0.5)));
  const loss = ppoClipLoss(logp, old, tensor(Float64Array.of(1, 2, -1)), 0.2);
  assert.ok(close(loss.item(), -(1.2 + 1.2 - 0.8) / 3, 1e-12), `loss ${loss.item()}`);
  loss.backward();
  // only the unclipped sample moves: d/dlogp of −ρA/3 is −ρA/3 = −0.4
  const g = Array.from(logp.grad!.dataSync());
  assert.ok(close(g[0]!, 0, 1e-12) && close(g[1]!, -0.4, 1e-12) && close(g[2]!, 0, 1e-12), `grad ${g}`);
  assert.throws(() => ppoClipLoss(logp, old, old, 1.5), /clip is 1.5/);
});

test('DQN targets (plain and Double) and the Huber loss, by hand', () => {
  const r = [1, 0, 0.5], done = [0, 0, 1];
  const qt = [1, 3, 2, 0.5, -1, 4, 9, 9, 9];
  const qo = [5, 0, 1, 0, 2, 1, 0, 0, 0];
  assert.deepEqual(Array.from(dqnTargets(r, done, 0.9, qt, 3)).map((v) => +v.toFixed(6)), [3.7, 3.6, 0.5]);
  // the online network picks action 0 then 1; the target network values them
  assert.deepEqual(Array.from(dqnTargets(r, done, 0.9, qt, 3, qo)).map((v) => +v.toFixed(6)), [1.9, -0.9, 0.5]);
  assert.throws(() => dqnTargets(r, done, 0.9, qt.slice(1), 3), ShapeError);
  const pred = tensor(Float64Array.of(0, 0.5, 3, -2));
  pred.requiresGrad = true;
  const l = huberLoss(pred, tensor(Float64Array.of(0, 0, 0, 0)));
  assert.ok(close(l.item(), (0 + 0.125 + 2.5 + 1.5) / 4, 1e-12), `huber ${l.item()}`);
  l.backward();
  assert.deepEqual(Array.from(pred.grad!.dataSync()), [0, 0.125, 0.25, -0.25]);
  assert.ok(close(huberLoss(tensor([3]), tensor([0]), 2).item(), 2 * (3 - 1), 1e-6)); // δ(|d| − δ/2)
});

test('DQN: an update moves Q(s, a) toward its target; the target network only changes at a sync', () => {
  const agent = new DqnAgent(2, 1, { learningStarts: 1, batchSize: 8, trainEvery: 1, nStep: 1, targetSync: 50, epsilonStart: 0, epsilonEnd: 0, lr: 0.01, hidden: [8] });
  const x = Float64Array.of(1, -1);
  const q0 = agent.q(x);
  const a = agent.act(x);
  const tw = Array.from(agent.target.stateDict()['0.weight']!.dataSync());
  const errs: number[] = [];
  for (let i = 0; i < 40; i++) {
    agent.act(x);
    agent.observe(1, x, true); // a one-step bandit: Q(x, a) → 1
    agent.update();
    errs.push(Math.abs(agent.q(x)[a]! - 1));
  }
  assert.ok(errs[39]! < 0.5 * Math.abs(q0[a]! - 1), `|Q − 1|: ${Math.abs(q0[a]! - 1)} → ${errs[39]}`);
  assert.deepEqual(Array.from(agent.target.stateDict()['0.weight']!.dataSync()), tw);
  for (let i = 0; i < 9; i++) { agent.act(x); agent.observe(1, x, true); agent.update(); }
  assert.deepEqual(Array.from(agent.target.stateDict()['0.weight']!.dataSync()), tw);
  agent.act(x);
  agent.observe(1, x, true); // the 50th step: the online weights are copied
  assert.deepEqual(Array.from(agent.target.stateDict()['0.weight']!.dataSync()), Array.from(agent.online.stateDict()['0.weight']!.dataSync()));
});

test('DQN n-step returns: queued rewards are summed with γ^i, the bootstrap discounted by γ^n, and a trial end flushes the queue', () => {
  const agent = new DqnAgent(1, 0, { nStep: 3, gamma: 0.5, learningStarts: 1000 });
  const x = (v: number) => Float64Array.of(v);
  [1, 2, 4, 8, 16].forEach((r, i) => { agent.act(x(i)); agent.observe(r, x(i + 1), i === 4); });
  assert.equal(agent.replay.size, 5);
  const b = agent.replay.gather(Int32Array.of(0, 1, 2, 3, 4));
  assert.deepEqual(Array.from(b.x), [0, 1, 2, 3, 4]);
  assert.deepEqual(Array.from(b.rewards), [1 + 1 + 1, 2 + 2 + 2, 4 + 4 + 4, 8 + 8, 16]);
  assert.deepEqual(Array.from(b.next), [3, 4, 5, 5, 5]);
  assert.deepEqual(Array.from(b.horizon), [3, 3, 3, 2, 1]);
  assert.deepEqual(Array.from(b.terminal), [0, 0, 1, 1, 1]);
  // y = r + γ^h max Q(s')
  assert.deepEqual(Array.from(dqnTargets([1, 1], [0, 0], 0.5, [2, 4, 2, 4], 2, null, [1, 3])), [3, 1.5]);
});

test('ε-greedy schedule, action set and features', () => {
  const agent = new DqnAgent(3, 0, { epsilonStart: 1, epsilonEnd: 0.1, epsilonSteps: 10 });
  assert.equal(agent.epsilon, 1);
  for (let i = 0; i < 5; i++) { agent.act(new Float64Array(3)); agent.observe(0, new Float64Array(3), false); }
  assert.ok(close(agent.epsilon, 0.55, 1e-12));
  for (let i = 0; i < 10; i++) { agent.act(new Float64Array(3)); agent.observe(0, new Float64Array(3), false); }
  assert.ok(close(agent.epsilon, 0.1, 1e-12));
  const acts = new ActionSet(4, [5, 10]);
  assert.equal(acts.size, 9);
  assert.ok(close(acts.velocity(1)[1], 5, 1e-12) && close(acts.velocity(4)[0], 10, 1e-12));
  assert.deepEqual(acts.velocity(8), [0, 0]);
  assert.throws(() => acts.velocity(9), /action is 9/);
  assert.throws(() => new ActionSet(1), /nDirections is 1/);
  assert.throws(() => new ActionSet(8, [0]), /speed is 0/);
  const fm = new FeatureMap(2, 'counts+cursor');
  const obs = (c: number[], pos: [number, number]) => ({ counts: Float64Array.from(c), position: pos, target: [10, 0] as const, targetIndex: 0, inTarget: false, holdCount: 0, bin: 0, trial: 0 });
  fm.features(obs([1, 5], [0, 0]));
  const x = fm.features(obs([3, 5], [4, 2]));
  // running mean (2, 5), sd (√2, 0): z = (1/√2, 0); offset (6, −2)/10
  assert.deepEqual(Array.from(x).map((v) => +v.toFixed(9)), [+(1 / Math.SQRT2).toFixed(9), 0, 0.6, -0.2]);
  assert.throws(() => fm.features({ ...obs([1], [0, 0]) }), (e: unknown) => e instanceof ShapeError && /1 units, the map 2/.test(e.message));
  assert.throws(() => new FeatureMap(2, 'position' as 'counts'), /features are 'position'/);
});

test('learning curve: success rate and mean acquisition time per block; trials to reach 80 %', () => {
  const t = (success: boolean, time: number): TrialRecord => ({ targetIndex: 0, start: [0, 0], target: [1, 0], success, acquisitionTime: success ? time : NaN, duration: 1, path: [] });
  const trials = [t(false, 0), t(true, 1), t(true, 2), t(true, 3), t(true, 1), t(false, 0)];
  const c = learningCurve(trials, 2);
  assert.deepEqual(c.trial, [0, 2, 4]);
  assert.deepEqual(c.success, [0.5, 1, 0.5]);
  assert.deepEqual(c.acquisitionTime, [1, 2.5, 1]);
  assert.equal(trialsToReach(c, 2), NaN);
  assert.equal(trialsToReach(learningCurve([...trials, t(true, 1), t(true, 1)], 2), 2, 0.5), 2);
  assert.ok(Number.isNaN(learningCurve([t(false, 0)], 4).acquisitionTime[0]!));
});

const EASY = { nTargets: 4, distance: 4, targetRadius: 2.5, holdBins: 3, timeoutBins: 60 };

test('every agent: the same seeds give the same session, another seed another one', () => {
  const tuning = cosineTuning();
  const small = { dqn: { learningStarts: 50, hidden: [16] }, ppo: { rolloutSteps: 64, minibatchSize: 32, hidden: [16] } };
  for (const kind of ['actor-critic', 'dqn', 'ppo'] as AgentKind[]) {
    const run = (s: number) => {
      const fm = new FeatureMap(tuning.nUnits);
      const r = runAgentSession(new CenterOutEnv(tuning, { ...EASY, trials: 8 }), createAgent(kind, fm.nInputs, s, small), fm, { episodes: 1, seed: 5 });
      return r.trials.map((t) => t.duration);
    };
    assert.deepEqual(run(1), run(1), kind);
    assert.notDeepEqual(run(1), run(2), kind);
  }
});

test('learning on an easy task: PPO from the acquisition reward alone, DQN and the actor-critic with the progress shaping', () => {
  const tuning = cosineTuning();
  const cases: { kind: AgentKind; reward: 'acquisition' | 'progress'; episodes: number }[] = [
    { kind: 'ppo', reward: 'acquisition', episodes: 6 },
    { kind: 'dqn', reward: 'progress', episodes: 4 },
    { kind: 'actor-critic', reward: 'progress', episodes: 3 },
  ];
  const opts = { dqn: { learningStarts: 200, epsilonSteps: 1000, targetSync: 200, trainEvery: 2 }, ppo: { rolloutSteps: 256, minibatchSize: 64 } };
  for (const c of cases) {
    const fm = new FeatureMap(tuning.nUnits);
    const agent = createAgent(c.kind, fm.nInputs, 3, opts);
    const env = new CenterOutEnv(tuning, { ...EASY, trials: 16 });
    const before = runAgentSession(env, createAgent(c.kind, fm.nInputs, 3, opts), new FeatureMap(tuning.nUnits), { episodes: 1, seed: 900, learn: false, blockSize: 16 });
    const r = runAgentSession(env, agent, fm, { episodes: c.episodes, seed: 11, reward: c.reward, blockSize: 8 });
    assert.ok(r.updates > 0);
    const late = r.curve.success.slice(-3).reduce((a, b) => a + b, 0) / 3;
    assert.ok(late >= 0.9, `${c.kind}: curve ${r.curve.success.join(' ')}`);
    // the trained agent, acting greedily on fresh trials, beats the untrained one
    const after = runAgentSession(env, agent, fm, { episodes: 1, seed: 900, learn: false, blockSize: 16 });
    assert.ok(after.metrics.successRate >= 0.9 && after.metrics.successRate > before.metrics.successRate, `${c.kind}: untrained ${before.metrics.successRate}, trained ${after.metrics.successRate}`);
  }
});

test('the actor-critic through the shared loop runs exactly as RlDecoder through runRlSession (progress reward, γ 0)', () => {
  const tuning = cosineTuning();
  const env = new CenterOutEnv(tuning, { trials: 16 });
  const fm = new FeatureMap(tuning.nUnits);
  const viaAgent = runAgentSession(env, createAgent('actor-critic', fm.nInputs, 4), fm, { episodes: 2, seed: 21, reward: 'progress' });
  const direct = runRlSession(env, new RlDecoder(tuning.nUnits, 4), { episodes: 2, seed: 21, reward: 'progress' });
  assert.deepEqual(viaAgent.trials.map((t) => [t.success, t.duration]), direct.trials.map((t) => [t.success, t.duration]));
  assert.deepEqual(viaAgent.curve.success, direct.curve);
});

test('agents and loop: bad input gives typed errors naming the value', () => {
  const tuning = cosineTuning();
  const env = new CenterOutEnv(tuning, { trials: 8 });
  const fm = new FeatureMap(tuning.nUnits);
  assert.throws(() => new DqnAgent(0, 1), (e: unknown) => e instanceof ArgumentError && /nInputs is 0/.test(e.message));
  assert.throws(() => new DqnAgent(4, 1, { gamma: 1 }), /gamma is 1/);
  assert.throws(() => new DqnAgent(4, 1, { batchSize: 0 }), /batchSize is 0/);
  assert.throws(() => new PpoAgent(4, NaN), /seed is NaN/);
  assert.throws(() => new PpoAgent(4, 1, { clip: 0 }), /clip is 0/);
  assert.throws(() => new PpoAgent(4, 1, { rolloutSteps: 0 }), /rolloutSteps is 0/);
  assert.throws(() => createAgent('sarsa' as AgentKind, 4, 1), /agent is 'sarsa'/);
  assert.throws(() => new DqnAgent(4, 1).observe(0, new Float64Array(4), false), /no pending action/);
  assert.throws(() => new PpoAgent(4, 1).observe(0, new Float64Array(4), false), /no pending action/);
  assert.throws(() => new PpoAgent(4, 1).act(new Float64Array(3)), (e: unknown) => e instanceof ShapeError && /3 values, the agent takes 4/.test(e.message));
  assert.throws(() => runAgentSession(env, createAgent('dqn', 5, 1), fm, { episodes: 1, seed: 1 }), (e: unknown) => e instanceof ShapeError && /takes 5 inputs, the features have 24/.test(e.message));
  assert.throws(() => runAgentSession(env, createAgent('dqn', 5, 1), new FeatureMap(5), { episodes: 1, seed: 1 }), /features have 5 units, the environment 24/);
  const ok = createAgent('ppo', 24, 1);
  assert.throws(() => runAgentSession(env, ok, fm, { episodes: 0, seed: 1 }), /episodes is 0/);
  assert.throws(() => runAgentSession(env, ok, fm, { episodes: 1, seed: 1, reward: 'dense' as 'progress' }), /reward is dense/);
  assert.throws(() => runAgentSession(env, ok, fm, { episodes: 1, seed: 1, blockSize: 0 }), /blockSize is 0/);
});
