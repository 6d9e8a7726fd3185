// Cursor tasks with a simulated user in the loop, as a gym-like environment: centre-out (targets
// on a circle, each trial from the centre) and random-target (targets drawn uniformly in a square
// workspace at least minDistance from the cursor, each trial starting where the last one ended).
// The user follows Willett et al.'s feedback-control picture in its simplest form: each bin it
// sees the cursor as it was `delayBins` ago (visual feedback delay), intends a velocity toward
// the target (a point-to-target controller: gain × error, capped at maxSpeed), and the motor
// command carries Gaussian noise. Once it sees the cursor inside the target it intends to stop
// (zero velocity, noise only): the hold is a stop, the assumption behind ReFIT's zero-velocity
// labels while holding (Gilja et al. 2012). Its intention drives the neural tuning model, whose
// Poisson counts are the observation; the agent (a decoder) answers with a cursor velocity.
// Units: positions in the tuning model's velocity units × s; dt is the bin width in s.

import { ArgumentError, ShapeError } from '../../errors.js';
import { Generator } from '../../tensor/random.js';
import type { Point, TrialRecord } from './metrics.js';
import { sampleCounts, type LinearTuning } from './tuning.js';

export type CursorTask = 'center-out' | 'random';

export interface CenterOutConfig {
  /** 'center-out' (default) or 'random' targets. */
  task?: CursorTask;
  /**
   * Centre-out: targets evenly spaced on the circle. Random: the number of choices Wolpaw's ITR
   * assumes per selection. Default 8.
   */
  nTargets?: number;
  /** Circle radius; for the random task, the half-width of the square workspace (default 10). */
  distance?: number;
  /** Random task: least distance from the cursor to a new target (default 5, at most distance). */
  minDistance?: number;
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
  /** Intend zero velocity while the seen cursor is inside the target (default true). */
  holdStill?: boolean;
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
  readonly task: CursorTask;
  readonly nTargets: number;
  readonly distance: number;
  readonly minDistance: number;
  readonly targetRadius: number;
  readonly holdBins: number;
  readonly timeoutBins: number;
  readonly dt: number;
  readonly trials: number;
  readonly gain: number;
  readonly maxSpeed: number;
  readonly delayBins: number;
  readonly motorNoise: number;
  readonly holdStill: boolean;
  readonly tuning: LinearTuning;

  private rng = new Generator(0);
  private seed = 0;
  private order: number[] = [];
  private target: Point = [0, 0];
  private start: Point = [0, 0];
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
    this.task = task.task ?? 'center-out';
    if (this.task !== 'center-out' && this.task !== 'random') throw new ArgumentError(`CenterOutEnv: task is '${String(this.task)}' ('center-out' or 'random' is needed)`);
    this.nTargets = task.nTargets ?? 8;
    req(this.nTargets, Number.isInteger(this.nTargets) && this.nTargets >= 2, 'nTargets (an integer >= 2 is needed)');
    this.distance = req(task.distance ?? 10, (task.distance ?? 10) > 0 && Number.isFinite(task.distance ?? 10), 'distance (> 0 is needed)');
    const md = task.minDistance ?? Math.min(5, this.distance);
    this.minDistance = req(md, md >= 0 && md <= this.distance, 'minDistance (in [0, distance] is needed)');
    this.targetRadius = req(task.targetRadius ?? 1.5, (task.targetRadius ?? 1.5) > 0 && (task.targetRadius ?? 1.5) < this.distance, 'targetRadius (in (0, distance) is needed)');
    this.holdBins = req(task.holdBins ?? 10, Number.isInteger(task.holdBins ?? 10) && (task.holdBins ?? 10) >= 1, 'holdBins (an integer >= 1 is needed)');
    this.timeoutBins = req(task.timeoutBins ?? 200, Number.isInteger(task.timeoutBins ?? 200) && (task.timeoutBins ?? 200) > this.holdBins, 'timeoutBins (an integer > holdBins is needed)');
    this.dt = req(task.dt ?? 0.05, (task.dt ?? 0.05) > 0 && Number.isFinite(task.dt ?? 0.05), 'dt (> 0 is needed)');
    this.trials = req(task.trials ?? 40, Number.isInteger(task.trials ?? 40) && (task.trials ?? 40) >= 1, 'trials (an integer >= 1 is needed)');
    this.gain = req(user.gain ?? 4, (user.gain ?? 4) > 0 && Number.isFinite(user.gain ?? 4), 'gain (> 0 is needed)');
    this.maxSpeed = req(user.maxSpeed ?? 15, (user.maxSpeed ?? 15) > 0 && Number.isFinite(user.maxSpeed ?? 15), 'maxSpeed (> 0 is needed)');
    this.delayBins = req(user.delayBins ?? 2, Number.isInteger(user.delayBins ?? 2) && (user.delayBins ?? 2) >= 0 && (user.delayBins ?? 2) <= 100, 'delayBins (an integer in [0, 100] is needed)');
    this.motorNoise = req(user.motorNoise ?? 2, (user.motorNoise ?? 2) >= 0 && Number.isFinite(user.motorNoise ?? 2), 'motorNoise (>= 0 is needed)');
    this.holdStill = user.holdStill ?? true;
    this.counts = new Float64Array(tuning.nUnits);
  }

  /** Target position of index k on the circle. */
  targetPosition(k: number): Point {
    const a = (2 * Math.PI * k) / this.nTargets;
    return [this.distance * Math.cos(a), this.distance * Math.sin(a)];
  }

  /**
   * Starts an episode with the cursor at the centre. Centre-out: targets in a seeded order, each
   * repeated trials / nTargets times (blocks). Random: each trial's target drawn from its own
   * seeded stream, so two decoders run on one seed see the same targets wherever the cursor
   * allows (a draw closer than minDistance to the cursor is redrawn).
   */
  reset(seed: number): Observation {
    if (!Number.isFinite(seed)) throw new ArgumentError(`CenterOutEnv.reset: seed is ${seed}`);
    this.rng = new Generator(seed);
    this.seed = seed;
    this.pos = [0, 0];
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
    const tgt = this.target;
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
        targetIndex: this.task === 'random' ? this.trial : this.order[this.trial]!,
        start: this.start,
        target: tgt,
        success,
        acquisitionTime: success ? this.entryBin * this.dt : NaN,
        duration: this.bin * this.dt,
        path: success ? this.path.slice(0, this.entryPathLen) : this.path.slice(),
        width: 2 * this.targetRadius,
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

  /** The current trial's target. */
  get currentTarget(): Point {
    return this.target;
  }

  /** Where the current trial started. */
  get trialStart(): Point {
    return this.start;
  }

  private startTrial(): void {
    this.bin = 0;
    this.hold = 0;
    if (this.task === 'center-out') {
      this.pos = [0, 0];
      this.target = this.targetPosition(this.order[this.trial]!);
      // each trial begins with the cursor shown at the centre
      this.seen = Array.from({ length: this.delayBins }, () => [0, 0] as Point);
    } else {
      this.target = this.drawTarget();
      // continuous task: the user keeps seeing the cursor's recent past; the first trial starts at rest
      if (this.trial === 0) this.seen = Array.from({ length: this.delayBins }, () => [this.pos[0], this.pos[1]] as Point);
    }
    this.start = [this.pos[0], this.pos[1]];
    this.path = [[this.pos[0], this.pos[1]]];
    this.entryBin = -1;
    this.react();
  }

  /** A uniform draw in the square workspace at least minDistance from the cursor. */
  private drawTarget(): Point {
    const g = new Generator((this.seed * 1_000_003 + this.trial * 7919 + 1) >>> 0);
    const w = this.distance;
    for (let i = 0; i < 10_000; i++) {
      const t: Point = [w * (2 * g.random() - 1), w * (2 * g.random() - 1)];
      if (Math.hypot(t[0] - this.pos[0], t[1] - this.pos[1]) >= this.minDistance) return t;
    }
    // unreachable for minDistance <= distance: a corner is always at least distance away
    throw new ArgumentError(`CenterOutEnv: no target at least ${this.minDistance} from the cursor (${this.pos[0]}, ${this.pos[1]}) in 10000 draws`);
  }

  /** The user's next intention from the delayed cursor, and the counts it evokes. */
  private react(): void {
    this.seen.push([this.pos[0], this.pos[1]]);
    const p = this.seen.shift()!;
    const [ix0, iy0] = this.aim(p);
    let ix = ix0, iy = iy0;
    ix += this.motorNoise * this.rng.normal();
    iy += this.motorNoise * this.rng.normal();
    this.intended = [ix, iy];
    sampleCounts(this.tuning, ix, iy, this.rng, this.counts);
  }

  /**
   * The noiseless intention for a seen cursor position: gain × error capped at maxSpeed, zero
   * when the seen cursor is inside the target and the user holds still.
   */
  aim(seen: Point): Point {
    const tgt = this.target;
    let ix = this.gain * (tgt[0] - seen[0]);
    let iy = this.gain * (tgt[1] - seen[1]);
    const s = Math.hypot(ix, iy);
    if (this.holdStill && s <= this.gain * this.targetRadius) return [0, 0];
    if (s > this.maxSpeed) { ix *= this.maxSpeed / s; iy *= this.maxSpeed / s; }
    return [ix, iy];
  }

  private observe(): Observation {
    const k = this.task === 'random' ? Math.min(this.trial, this.trials - 1) : this.order[Math.min(this.trial, this.trials - 1)]!;
    const tgt = this.target;
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
