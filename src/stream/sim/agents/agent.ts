// What every reward-driven decoder shares on the cursor task: a discrete action set (cursor
// velocities), the features it sees, the reward it is given, and the training loop that drives it.
// An Agent is driven as act(x) → env.step(velocity) → observe(r, x', terminal) → update(), so the
// actor-critic, DQN and PPO run through one loop and return the same learning curve.
//
// Features: 'counts' is what a BMI decoder legitimately has — the bin's spike counts, z-scored
// with running per-unit statistics (Pohlmeyer et al. 2014's decoder saw only this). 'counts+cursor'
// appends the cursor's offset to the target over the target distance (two values): the task
// display, which Pohlmeyer's decoder did not use. All three agents take whichever set the loop's
// FeatureMap gives; the benchmark and `dendrite stream rl` default to counts only.
// A trial's end (acquisition or timeout) is the agent's terminal state: the next bin starts a new
// trial with the cursor back at the centre.
// Rewards: 'acquisition' is the environment's own (1 when a hold completes, else 0).
// 'progress' adds a shaping term, Pohlmeyer's per-step binary critic from the display: +1 when a
// move brings the cursor closer to the target (or keeps it inside), −1 otherwise; not on the step
// that ends a trial.

import { ArgumentError, ShapeError } from '../../../errors.js';
import type { CenterOutEnv, Observation } from '../env.js';
import { summarise, type Point, type SessionMetrics, type TrialRecord } from '../metrics.js';

export type FeatureSet = 'counts' | 'counts+cursor';
export type RewardKind = 'acquisition' | 'progress';

/** A reward-driven decoder with a discrete set of cursor velocities. */
export interface Agent {
  readonly name: string;
  readonly actions: ActionSet;
  /** Length of the feature vector it takes. */
  readonly nInputs: number;
  /** Chooses an action for features x; explore false picks the greedy (most likely) action and records nothing. */
  act(x: Float64Array, explore?: boolean): number;
  /** The outcome of the last explored act: its reward, the next features, and whether the trial (the agent's episode) ended there. */
  observe(reward: number, next: Float64Array, terminal: boolean): void;
  /** Learns from what it has observed when its schedule says so; the loss of the update, or null when none ran. */
  update(): number | null;
}

/** Cursor velocities: nDirections evenly spaced directions at each speed, then a stop. */
export class ActionSet {
  readonly velocities: Point[];
  constructor(readonly nDirections = 8, readonly speeds: readonly number[] = [10]) {
    const op = 'ActionSet';
    if (!(Number.isInteger(nDirections) && nDirections >= 2 && nDirections <= 64)) throw new ArgumentError(`${op}: nDirections is ${nDirections} (an integer in [2, 64] is needed)`);
    if (speeds.length < 1 || speeds.length > 8) throw new ArgumentError(`${op}: ${speeds.length} speeds (1 to 8 are needed)`);
    for (const s of speeds) if (!(s > 0 && Number.isFinite(s))) throw new ArgumentError(`${op}: speed is ${s} (> 0 is needed)`);
    this.velocities = [];
    for (const s of speeds) {
      for (let k = 0; k < nDirections; k++) {
        const a = (2 * Math.PI * k) / nDirections;
        this.velocities.push([s * Math.cos(a), s * Math.sin(a)]);
      }
    }
    this.velocities.push([0, 0]);
  }
  get size(): number {
    return this.velocities.length;
  }
  velocity(a: number): Point {
    if (!(Number.isInteger(a) && a >= 0 && a < this.velocities.length)) throw new ArgumentError(`ActionSet.velocity: action is ${a} (an integer in [0, ${this.velocities.length}) is needed)`);
    return this.velocities[a]!;
  }
}

/** Turns observations into feature vectors: running z-scored counts, optionally the cursor's offset to the target over `scale` (default 10, the standard target distance). */
export class FeatureMap {
  readonly nInputs: number;
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;
  private seen = 0;
  constructor(readonly nUnits: number, readonly set: FeatureSet = 'counts', private readonly scale = 10) {
    if (!(Number.isInteger(nUnits) && nUnits >= 1)) throw new ArgumentError(`FeatureMap: nUnits is ${nUnits} (an integer >= 1 is needed)`);
    if (set !== 'counts' && set !== 'counts+cursor') throw new ArgumentError(`FeatureMap: features are '${String(set)}' ('counts' or 'counts+cursor' is needed)`);
    this.nInputs = nUnits + (set === 'counts+cursor' ? 2 : 0);
    this.mean = new Float64Array(nUnits);
    this.m2 = new Float64Array(nUnits);
  }

  /** Features of obs; update folds its counts into the running statistics first (Welford). */
  features(obs: Observation, update = true): Float64Array {
    const c = obs.counts;
    if (c.length !== this.nUnits) throw new ShapeError(`FeatureMap: counts have ${c.length} units, the map ${this.nUnits}`);
    if (update) {
      this.seen++;
      for (let j = 0; j < this.nUnits; j++) {
        const v = c[j]!;
        if (!Number.isFinite(v)) throw new ArgumentError(`FeatureMap: count ${j} is ${v}; counts must be finite`);
        const d = v - this.mean[j]!;
        this.mean[j]! += d / this.seen;
        this.m2[j]! += d * (v - this.mean[j]!);
      }
    }
    const x = new Float64Array(this.nInputs);
    for (let j = 0; j < this.nUnits; j++) {
      const sd = this.seen > 1 ? Math.sqrt(this.m2[j]! / (this.seen - 1)) : 0;
      x[j] = sd > 0 ? (c[j]! - this.mean[j]!) / sd : 0;
    }
    if (this.set === 'counts+cursor') {
      x[this.nUnits] = (obs.target[0] - obs.position[0]) / this.scale;
      x[this.nUnits + 1] = (obs.target[1] - obs.position[1]) / this.scale;
    }
    return x;
  }
}

/** The shaping term: +1 closer to the target (or still inside it), −1 otherwise. */
export function progressReward(before: Observation, after: Observation, radius: number): number {
  const d0 = Math.hypot(before.target[0] - before.position[0], before.target[1] - before.position[1]);
  const d1 = Math.hypot(after.target[0] - after.position[0], after.target[1] - after.position[1]);
  if (d0 <= radius) return d1 <= radius ? 1 : -1;
  return d1 < d0 ? 1 : -1;
}

export interface AgentSessionOptions {
  episodes: number;
  /** Episode e runs env.reset(seed + e). */
  seed: number;
  reward?: RewardKind;
  /** Trials per point of the learning curve (default env.nTargets). */
  blockSize?: number;
  /** false only acts (greedy, no learning): evaluates the agent as it stands (default true). */
  learn?: boolean;
  /** Called after every trial with its index and record. */
  onTrial?: (i: number, t: TrialRecord) => void;
}

export interface LearningCurve {
  /** First trial index of each block. */
  trial: number[];
  /** Success rate per block. */
  success: number[];
  /** Mean acquisition time (s) of the block's successful trials; NaN when none succeeded. */
  acquisitionTime: number[];
}

export interface AgentSessionResult {
  trials: TrialRecord[];
  metrics: SessionMetrics;
  curve: LearningCurve;
  /** Environment steps (bins) taken and learning updates run. */
  steps: number;
  updates: number;
}

/** Success rate and mean acquisition time per block of blockSize trials. */
export function learningCurve(trials: readonly TrialRecord[], blockSize: number): LearningCurve {
  if (!(Number.isInteger(blockSize) && blockSize >= 1)) throw new ArgumentError(`learningCurve: blockSize is ${blockSize} (an integer >= 1 is needed)`);
  const curve: LearningCurve = { trial: [], success: [], acquisitionTime: [] };
  for (let i = 0; i < trials.length; i += blockSize) {
    const b = trials.slice(i, i + blockSize);
    const ok = b.filter((t) => t.success);
    curve.trial.push(i);
    curve.success.push(ok.length / b.length);
    curve.acquisitionTime.push(ok.length ? ok.reduce((s, t) => s + t.acquisitionTime, 0) / ok.length : NaN);
  }
  return curve;
}

/** First trial count after which two blocks in a row reach `level` success; NaN when never. */
export function trialsToReach(curve: LearningCurve, blockSize: number, level = 0.8): number {
  const s = curve.success;
  for (let i = 0; i + 1 < s.length; i++) if (s[i]! >= level && s[i + 1]! >= level) return (i + 1) * blockSize;
  return NaN;
}

/**
 * Runs `episodes` episodes of env with the agent acting on `features` of every bin and learning
 * online (act → step → observe → update). Returns every trial and the learning curve.
 */
export function runAgentSession(env: CenterOutEnv, agent: Agent, features: FeatureMap, opts: AgentSessionOptions): AgentSessionResult {
  const op = 'runAgentSession';
  const { episodes, seed } = opts;
  const blockSize = opts.blockSize ?? env.nTargets;
  const reward = opts.reward ?? 'acquisition';
  const learn = opts.learn ?? true;
  if (!(Number.isInteger(episodes) && episodes >= 1)) throw new ArgumentError(`${op}: episodes is ${episodes} (an integer >= 1 is needed)`);
  if (!Number.isFinite(seed)) throw new ArgumentError(`${op}: seed is ${seed} (a finite number is needed)`);
  if (!(Number.isInteger(blockSize) && blockSize >= 1)) throw new ArgumentError(`${op}: blockSize is ${blockSize} (an integer >= 1 is needed)`);
  if (reward !== 'acquisition' && reward !== 'progress') throw new ArgumentError(`${op}: reward is ${String(reward)} ('acquisition' or 'progress' is needed)`);
  if (features.nUnits !== env.tuning.nUnits) throw new ShapeError(`${op}: the features have ${features.nUnits} units, the environment ${env.tuning.nUnits}`);
  if (agent.nInputs !== features.nInputs) throw new ShapeError(`${op}: the agent takes ${agent.nInputs} inputs, the features have ${features.nInputs}`);
  const trials: TrialRecord[] = [];
  let steps = 0, updates = 0;
  for (let e = 0; e < episodes; e++) {
    let obs = env.reset(seed + e);
    let x = features.features(obs);
    for (;;) {
      const a = agent.act(x, learn);
      const r = env.step(agent.actions.velocity(a));
      steps++;
      const ended = r.info.trialEnded;
      let rew = r.reward;
      if (reward === 'progress' && !ended) rew += progressReward(obs, r.observation, env.targetRadius);
      // the observation after the episode's last step is never acted on: keep it out of the running statistics
      const next = r.done ? features.features(r.observation, false) : features.features(r.observation);
      if (learn) {
        // a trial's end restarts the cursor: the next features belong to a new trial
        agent.observe(rew, next, ended !== undefined);
        if (agent.update() !== null) updates++;
      }
      if (ended) {
        trials.push(ended);
        opts.onTrial?.(trials.length - 1, ended);
      }
      obs = r.observation;
      x = next;
      if (r.done) break;
    }
  }
  return { trials, metrics: summarise(trials, env.nTargets, env.targetRadius), curve: learningCurve(trials, blockSize), steps, updates };
}
