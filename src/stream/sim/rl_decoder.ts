// A reward-driven decoder after Pohlmeyer et al. 2014's actor-critic RL-BMI: the actor maps a bin's
// spike counts (z-scored with running statistics) to one of a discrete set of cursor moves (8
// directions + stay) through a softmax over linear scores; a linear critic estimates the value of
// the neural state, and the TD error δ = r + γ V(s') − V(s) drives both (policy gradient with the
// critic as baseline). It never sees the user's intended velocity: only the counts and a reward.
// Rewards: 'acquisition' is the environment's own (1 when a hold completes); 'progress' adds
// Pohlmeyer's per-step binary critic computed from the task display (the cursor and target
// positions): +1 when a move brings the cursor closer to the target or keeps it inside, −1 else.
// Plain float64 arrays: the model is (9 × (F+1)) weights; an autograd graph per bin would cost more
// than the arithmetic.

import { ArgumentError, ShapeError } from '../../errors.js';
import { Generator } from '../../tensor/random.js';
import type { CenterOutEnv, Observation } from './env.js';
import { summarise, type Point, type SessionMetrics, type TrialRecord } from './metrics.js';

export interface RlDecoderOptions {
  /** Cursor speed of the move actions (default 10, the task's velocity units). */
  speed?: number;
  /** Move directions evenly spaced on the circle (default 8); a stay action is added. */
  nDirections?: number;
  /** Actor step size, per |x|² of the feature vector (default 0.5). */
  actorLr?: number;
  /** Critic step size in [0, 1], normalised LMS (default 0.2). */
  criticLr?: number;
  /** Discount (default 0: the progress critic rewards each move at once, as Pohlmeyer's). */
  gamma?: number;
  /** Standard deviation of the random initial actor weights (default 0.01). */
  initScale?: number;
  /** Z-score counts with running per-unit statistics (default true). */
  normalise?: boolean;
}

function check(v: number, ok: boolean, op: string, name: string, need: string): number {
  if (!ok) throw new ArgumentError(`${op}: ${name} is ${v} (${need})`);
  return v;
}

export class RlDecoder {
  readonly nUnits: number;
  readonly nActions: number;
  readonly speed: number;
  readonly actorLr: number;
  readonly criticLr: number;
  readonly gamma: number;
  readonly normalise: boolean;
  /** (A, F+1) actor weights, the last column the bias. */
  readonly actor: Float64Array;
  /** (F+1) critic weights. */
  readonly critic: Float64Array;
  private readonly moves: Point[];
  private readonly rng: Generator;
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;
  private seen = 0;
  private x: Float64Array | null = null; // features of the pending action
  private probs: Float64Array;
  private action = -1;

  constructor(nUnits: number, seed: number, opts: RlDecoderOptions = {}) {
    const op = 'RlDecoder';
    check(nUnits, Number.isInteger(nUnits) && nUnits >= 1, op, 'nUnits', 'an integer >= 1 is needed');
    check(seed, Number.isFinite(seed), op, 'seed', 'a finite number is needed');
    const nDir = opts.nDirections ?? 8;
    check(nDir, Number.isInteger(nDir) && nDir >= 2 && nDir <= 64, op, 'nDirections', 'an integer in [2, 64] is needed');
    this.speed = check(opts.speed ?? 10, (opts.speed ?? 10) > 0 && Number.isFinite(opts.speed ?? 10), op, 'speed', '> 0 is needed');
    this.actorLr = check(opts.actorLr ?? 0.5, (opts.actorLr ?? 0.5) > 0 && Number.isFinite(opts.actorLr ?? 0.5), op, 'actorLr', '> 0 is needed');
    this.criticLr = check(opts.criticLr ?? 0.2, (opts.criticLr ?? 0.2) >= 0 && (opts.criticLr ?? 0.2) <= 1, op, 'criticLr', 'in [0, 1] is needed');
    this.gamma = check(opts.gamma ?? 0, (opts.gamma ?? 0) >= 0 && (opts.gamma ?? 0) < 1, op, 'gamma', 'in [0, 1) is needed');
    const init = check(opts.initScale ?? 0.01, (opts.initScale ?? 0.01) >= 0 && Number.isFinite(opts.initScale ?? 0.01), op, 'initScale', '>= 0 is needed');
    this.normalise = opts.normalise ?? true;
    this.nUnits = nUnits;
    this.moves = Array.from({ length: nDir }, (_, k) => [Math.cos((2 * Math.PI * k) / nDir), Math.sin((2 * Math.PI * k) / nDir)] as Point);
    this.moves.push([0, 0]);
    this.nActions = this.moves.length;
    this.rng = new Generator(seed);
    this.actor = new Float64Array(this.nActions * (nUnits + 1));
    for (let i = 0; i < this.actor.length; i++) this.actor[i] = init * this.rng.normal();
    this.critic = new Float64Array(nUnits + 1);
    this.mean = new Float64Array(nUnits);
    this.m2 = new Float64Array(nUnits);
    this.probs = new Float64Array(this.nActions);
  }

  /** The cursor velocity of action a. */
  velocity(a: number): Point {
    if (!(Number.isInteger(a) && a >= 0 && a < this.nActions)) throw new ArgumentError(`RlDecoder.velocity: action is ${a} (an integer in [0, ${this.nActions}) is needed)`);
    const m = this.moves[a]!;
    return [this.speed * m[0], this.speed * m[1]];
  }

  /** Action probabilities for one bin's counts (does not update the running statistics). */
  policy(counts: ArrayLike<number>): Float64Array {
    return this.softmax(this.features(counts, false), new Float64Array(this.nActions));
  }

  /** Samples an action for this bin's counts and remembers it for learn(). */
  act(counts: ArrayLike<number>): number {
    const x = this.features(counts, true);
    this.softmax(x, this.probs);
    let u = this.rng.random(), a = 0;
    while (a < this.nActions - 1 && u >= this.probs[a]!) { u -= this.probs[a]!; a++; }
    this.x = x;
    this.action = a;
    return a;
  }

  /** TD update of critic and actor for the last action; next is the following bin's counts, or null at a terminal step. */
  learn(reward: number, next: ArrayLike<number> | null): number {
    const op = 'RlDecoder.learn';
    if (this.x === null) throw new ArgumentError(`${op}: no pending action; call act(counts) first`);
    if (!Number.isFinite(reward)) throw new ArgumentError(`${op}: reward is ${reward}; it must be finite`);
    const x = this.x, f1 = this.nUnits + 1;
    const vNext = next === null || this.gamma === 0 ? 0 : dot(this.critic, this.features(next, false), 0);
    const delta = reward + this.gamma * vNext - dot(this.critic, x, 0);
    // steps normalised by |x|² (NLMS): stable for any number of units, where a fixed rate on
    // ~F z-scored features lets the critic diverge and the actor's softmax collapse
    const n2 = dot(x, x, 0);
    for (let j = 0; j < f1; j++) this.critic[j]! += (this.criticLr / n2) * delta * x[j]!;
    for (let k = 0; k < this.nActions; k++) {
      const g = (this.actorLr / n2) * delta * ((k === this.action ? 1 : 0) - this.probs[k]!);
      for (let j = 0; j < f1; j++) this.actor[k * f1 + j]! += g * x[j]!;
    }
    this.x = null;
    return delta;
  }

  private features(counts: ArrayLike<number>, update: boolean): Float64Array {
    const op = 'RlDecoder';
    if (counts.length !== this.nUnits) throw new ShapeError(`${op}: counts have ${counts.length} units, the decoder ${this.nUnits}`);
    const x = new Float64Array(this.nUnits + 1);
    if (update) this.seen++;
    for (let j = 0; j < this.nUnits; j++) {
      const c = counts[j]!;
      if (!Number.isFinite(c)) throw new ArgumentError(`${op}: count ${j} is ${c}; counts must be finite`);
      if (!this.normalise) { x[j] = c; continue; }
      if (update) { // Welford running mean/variance
        const d = c - this.mean[j]!;
        this.mean[j]! += d / this.seen;
        this.m2[j]! += d * (c - this.mean[j]!);
      }
      const sd = this.seen > 1 ? Math.sqrt(this.m2[j]! / (this.seen - 1)) : 0;
      x[j] = sd > 0 ? (c - this.mean[j]!) / sd : 0;
    }
    x[this.nUnits] = 1;
    return x;
  }

  private softmax(x: Float64Array, out: Float64Array): Float64Array {
    const f1 = this.nUnits + 1;
    let mx = -Infinity;
    for (let k = 0; k < this.nActions; k++) { out[k] = dot(this.actor, x, k * f1); mx = Math.max(mx, out[k]!); }
    let s = 0;
    for (let k = 0; k < this.nActions; k++) { out[k] = Math.exp(out[k]! - mx); s += out[k]!; }
    for (let k = 0; k < this.nActions; k++) out[k]! /= s;
    return out;
  }
}

function dot(w: Float64Array, x: Float64Array, off: number): number {
  let s = 0;
  for (let j = 0; j < x.length; j++) s += w[off + j]! * x[j]!;
  return s;
}

export type RlReward = 'acquisition' | 'progress';

export interface RlSessionResult {
  trials: TrialRecord[];
  metrics: SessionMetrics;
  /** Success rate per block of blockSize trials, in order. */
  curve: number[];
}

/**
 * Runs `episodes` episodes of env (seeds seed, seed+1, ...) with the decoder acting and learning
 * online every bin (learn: false only acts, to evaluate a decoder as it stands). Returns every trial and the success rate per block of blockSize trials.
 */
export function runRlSession(env: CenterOutEnv, agent: RlDecoder, opts: { episodes: number; seed: number; reward?: RlReward; blockSize?: number; learn?: boolean }): RlSessionResult {
  const op = 'runRlSession';
  const { episodes, seed } = opts;
  const blockSize = opts.blockSize ?? env.nTargets;
  const reward = opts.reward ?? 'progress';
  check(episodes, Number.isInteger(episodes) && episodes >= 1, op, 'episodes', 'an integer >= 1 is needed');
  check(blockSize, Number.isInteger(blockSize) && blockSize >= 1, op, 'blockSize', 'an integer >= 1 is needed');
  if (reward !== 'acquisition' && reward !== 'progress') throw new ArgumentError(`${op}: reward is ${String(reward)} ('acquisition' or 'progress' is needed)`);
  if (agent.nUnits !== env.tuning.nUnits) throw new ShapeError(`${op}: the decoder has ${agent.nUnits} units, the environment ${env.tuning.nUnits}`);
  const trials: TrialRecord[] = [];
  for (let e = 0; e < episodes; e++) {
    let obs: Observation = env.reset(seed + e);
    for (;;) {
      const a = agent.act(obs.counts);
      const r = env.step(agent.velocity(a));
      let rew = r.reward;
      if (reward === 'progress' && !r.info.trialEnded) rew += progress(obs, r.observation, env.targetRadius);
      // a trial's end restarts the cursor: the next counts belong to a new trial
      if (opts.learn ?? true) agent.learn(rew, r.info.trialEnded ? null : r.observation.counts);
      if (r.info.trialEnded) trials.push(r.info.trialEnded);
      obs = r.observation;
      if (r.done) break;
    }
  }
  const curve: number[] = [];
  for (let i = 0; i < trials.length; i += blockSize) {
    const b = trials.slice(i, i + blockSize);
    curve.push(b.filter((t) => t.success).length / b.length);
  }
  return { trials, metrics: summarise(trials, env.nTargets, env.targetRadius), curve };
}

/** Pohlmeyer's binary critic from the display: +1 closer to the target (or still inside it), −1 otherwise. */
function progress(before: Observation, after: Observation, radius: number): number {
  const d0 = Math.hypot(before.target[0] - before.position[0], before.target[1] - before.position[1]);
  const d1 = Math.hypot(after.target[0] - after.position[0], after.target[1] - after.position[1]);
  if (d0 <= radius) return d1 <= radius ? 1 : -1;
  return d1 < d0 ? 1 : -1;
}
