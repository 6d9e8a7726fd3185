// A centre-out cursor task with a simulated user in the loop, as a gym-like environment.
// The user follows Willett et al.'s feedback-control picture in its simplest form: each bin it
// sees the cursor as it was `delayBins` ago (visual feedback delay), intends a velocity toward
// the target (a point-to-target controller: gain × error, capped at maxSpeed), and the motor
// command carries Gaussian noise. Its intention drives the neural tuning model, whose Poisson
// counts are the observation; the agent (a decoder) answers with a cursor velocity.
// Units: positions in the tuning model's velocity units × s; dt is the bin width in s.

import { ArgumentError, ShapeError } from '../../errors.js';
import { Generator } from '../../tensor/random.js';
import type { Point, TrialRecord } from './metrics.js';
import { sampleCounts, type LinearTuning } from './tuning.js';

export interface CenterOutConfig {
  /** Targets evenly spaced on the circle (default 8). */
  nTargets?: number;
  /** Circle radius (default 10). */
  distance?: number;
  /** Target radius (default 1.5). */
  targetRadius?: number;
  /** Bins the cursor must stay inside the target (default 10). */
  holdBins?: number;
  /** Bins before a trial fails (default 200). */
  timeoutBins?: number;
  /** Bin width in s (default 0.05). */
  dt?: number;
  /** Trials per episode; the episode is done after them (default 40). */
  trials?: number;
}

export interface UserConfig {
  /** Intended speed per unit distance to the target, 1/s (default 4). */
  gain?: number;
  /** Intended speed cap (default 15). */
  maxSpeed?: number;
  /** Visual feedback delay in bins (default 2). */
  delayBins?: number;
  /** Motor noise standard deviation per axis, velocity units (default 2). */
  motorNoise?: number;
}

export interface Observation {
  /** (F) spike counts of this bin. */
  counts: Float64Array;
  position: Point;
  target: Point;
  targetIndex: number;
  inTarget: boolean;
  /** Bins held inside the target so far. */
  holdCount: number;
  /** Bin index within the trial. */
  bin: number;
  trial: number;
}

export interface StepInfo {
  /** The velocity the user intended (noise included) that produced this observation's counts. */
  intended: Point;
  /** The trial that ended at this step, if one did. */
  trialEnded?: TrialRecord;
}

export interface StepResult {
  observation: Observation;
  /** 1 when a target is acquired (hold completed), else 0. */
  reward: number;
  done: boolean;
  info: StepInfo;
}

function req(v: number, ok: boolean, what: string): number {
  const [name, need] = what.split(' (');
  if (!ok) throw new ArgumentError(`CenterOutEnv: ${name} is ${v} (${need}`);
  return v;
}

export class CenterOutEnv {
  readonly nTargets: number;
  readonly distance: number;
  readonly targetRadius: number;
  readonly holdBins: number;
  readonly timeoutBins: number;
  readonly dt: number;
  readonly trials: number;
  readonly gain: number;
  readonly maxSpeed: number;
  readonly delayBins: number;
  readonly motorNoise: number;
  readonly tuning: LinearTuning;

  private rng = new Generator(0);
  private order: number[] = [];
  private trial = 0;
  private bin = 0;
  private hold = 0;
  private pos: [number, number] = [0, 0];
  private seen: Point[] = []; // positions the user has yet to see, oldest first
  private path: Point[] = [];
  private entryBin = -1;
  private entryPathLen = 0;
  private finished = true;
  private intended: Point = [0, 0];
  private counts: Float64Array<ArrayBuffer>;

  constructor(tuning: LinearTuning, task: CenterOutConfig = {}, user: UserConfig = {}) {
    this.tuning = tuning;
    this.nTargets = task.nTargets ?? 8;
    req(this.nTargets, Number.isInteger(this.nTargets) && this.nTargets >= 2, 'nTargets (an integer >= 2 is needed)');
    this.distance = req(task.distance ?? 10, (task.distance ?? 10) > 0 && Number.isFinite(task.distance ?? 10), 'distance (> 0 is needed)');
    this.targetRadius = req(task.targetRadius ?? 1.5, (task.targetRadius ?? 1.5) > 0 && (task.targetRadius ?? 1.5) < this.distance, 'targetRadius (in (0, distance) is needed)');
    this.holdBins = req(task.holdBins ?? 10, Number.isInteger(task.holdBins ?? 10) && (task.holdBins ?? 10) >= 1, 'holdBins (an integer >= 1 is needed)');
    this.timeoutBins = req(task.timeoutBins ?? 200, Number.isInteger(task.timeoutBins ?? 200) && (task.timeoutBins ?? 200) > this.holdBins, 'timeoutBins (an integer > holdBins is needed)');
    this.dt = req(task.dt ?? 0.05, (task.dt ?? 0.05) > 0 && Number.isFinite(task.dt ?? 0.05), 'dt (> 0 is needed)');
    this.trials = req(task.trials ?? 40, Number.isInteger(task.trials ?? 40) && (task.trials ?? 40) >= 1, 'trials (an integer >= 1 is needed)');
    this.gain = req(user.gain ?? 4, (user.gain ?? 4) > 0 && Number.isFinite(user.gain ?? 4), 'gain (> 0 is needed)');
    this.maxSpeed = req(user.maxSpeed ?? 15, (user.maxSpeed ?? 15) > 0 && Number.isFinite(user.maxSpeed ?? 15), 'maxSpeed (> 0 is needed)');
    this.delayBins = req(user.delayBins ?? 2, Number.isInteger(user.delayBins ?? 2) && (user.delayBins ?? 2) >= 0 && (user.delayBins ?? 2) <= 100, 'delayBins (an integer in [0, 100] is needed)');
    this.motorNoise = req(user.motorNoise ?? 2, (user.motorNoise ?? 2) >= 0 && Number.isFinite(user.motorNoise ?? 2), 'motorNoise (>= 0 is needed)');
    this.counts = new Float64Array(tuning.nUnits);
  }

  /** Target position of index k on the circle. */
  targetPosition(k: number): Point {
    const a = (2 * Math.PI * k) / this.nTargets;
    return [this.distance * Math.cos(a), this.distance * Math.sin(a)];
  }

  /** Starts an episode: targets in a seeded order, each repeated trials / nTargets times (blocks). */
  reset(seed: number): Observation {
    if (!Number.isFinite(seed)) throw new ArgumentError(`CenterOutEnv.reset: seed is ${seed}`);
    this.rng = new Generator(seed);
    this.order = [];
    while (this.order.length < this.trials) {
      const block = Array.from({ length: this.nTargets }, (_, i) => i);
      for (let i = block.length - 1; i > 0; i--) { const j = this.rng.int(0, i + 1); [block[i], block[j]] = [block[j]!, block[i]!]; }
      this.order.push(...block);
    }
    this.order.length = this.trials;
    this.trial = 0;
    this.finished = false;
    this.startTrial();
    return this.observe();
  }

  /** Moves the cursor by the agent's velocity for one bin; the user then reacts to what it sees. */
  step(action: ArrayLike<number>): StepResult {
    const op = 'CenterOutEnv.step';
    if (this.finished) throw new ArgumentError(`${op}: the episode is done; call reset(seed)`);
    if (action.length !== 2) throw new ShapeError(`${op}: action must be a velocity (vx, vy), got ${action.length} values`);
    const vx = action[0]!, vy = action[1]!;
    if (!(Number.isFinite(vx) && Number.isFinite(vy))) throw new ArgumentError(`${op}: action is (${vx}, ${vy}); values must be finite`);
    this.pos = [this.pos[0] + vx * this.dt, this.pos[1] + vy * this.dt];
    this.bin++;
    const tgt = this.targetPosition(this.order[this.trial]!);
    const inside = Math.hypot(this.pos[0] - tgt[0], this.pos[1] - tgt[1]) <= this.targetRadius;
    if (inside) {
      if (this.hold === 0) { this.entryBin = this.bin; this.entryPathLen = this.path.length + 1; }
      this.hold++;
    } else this.hold = 0;
    this.path.push([this.pos[0], this.pos[1]]);
    let reward = 0;
    let ended: TrialRecord | undefined;
    if (this.hold >= this.holdBins || this.bin >= this.timeoutBins) {
      const success = this.hold >= this.holdBins;
      reward = success ? 1 : 0;
      ended = {
        targetIndex: this.order[this.trial]!,
        start: [0, 0],
        target: tgt,
        success,
        acquisitionTime: success ? this.entryBin * this.dt : NaN,
        duration: this.bin * this.dt,
        path: success ? this.path.slice(0, this.entryPathLen) : this.path.slice(),
      };
      this.trial++;
      if (this.trial >= this.trials) this.finished = true;
      else this.startTrial();
    }
    if (!this.finished && !ended) this.react();
    const info: StepInfo = ended ? { intended: this.intended, trialEnded: ended } : { intended: this.intended };
    return { observation: this.observe(), reward, done: this.finished, info };
  }

  /** The velocity the user intends now (noise included): the one behind the current counts. */
  get currentIntention(): Point {
    return this.intended;
  }

  private startTrial(): void {
    this.bin = 0;
    this.hold = 0;
    this.pos = [0, 0];
    this.path = [[0, 0]];
    this.entryBin = -1;
    this.seen = Array.from({ length: this.delayBins }, () => [0, 0] as Point);
    this.react();
  }

  /** The user's next intention from the delayed cursor, and the counts it evokes. */
  private react(): void {
    this.seen.push([this.pos[0], this.pos[1]]);
    const p = this.seen.shift()!;
    const tgt = this.targetPosition(this.order[this.trial]!);
    let ix = this.gain * (tgt[0] - p[0]);
    let iy = this.gain * (tgt[1] - p[1]);
    const s = Math.hypot(ix, iy);
    if (s > this.maxSpeed) { ix *= this.maxSpeed / s; iy *= this.maxSpeed / s; }
    ix += this.motorNoise * this.rng.normal();
    iy += this.motorNoise * this.rng.normal();
    this.intended = [ix, iy];
    sampleCounts(this.tuning, ix, iy, this.rng, this.counts);
  }

  private observe(): Observation {
    const k = this.order[Math.min(this.trial, this.trials - 1)]!;
    const tgt = this.targetPosition(k);
    return {
      counts: this.counts.slice(),
      position: [this.pos[0], this.pos[1]],
      target: tgt,
      targetIndex: k,
      inTarget: Math.hypot(this.pos[0] - tgt[0], this.pos[1] - tgt[1]) <= this.targetRadius,
      holdCount: this.hold,
      bin: this.bin,
      trial: this.trial,
    };
  }
}
