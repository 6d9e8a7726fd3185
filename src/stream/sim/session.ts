// Running decoders in the loop: open-loop calibration (the cursor follows the user's intention
// while the decoder's training data are recorded), closed-loop sessions with a velocity Kalman
// filter stepping one bin at a time, and ReFIT-KF (Gilja et al. 2012): refit the filter on the
// closed-loop bins with the decoded velocities corrected toward the user's intention — rotated
// to point at the target, set to zero while the cursor is inside it.

import { ArgumentError } from '../../errors.js';
import { KalmanFilter, type KalmanFilterOptions } from '../../decode/estimators/kalman.js';
import type { Matrix } from '../../linalg/matrix.js';
import type { CenterOutEnv, Observation } from './env.js';
import { summarise, type Point, type SessionMetrics, type TrialRecord } from './metrics.js';

/**
 * A decoder in the loop: counts of one bin (and the cursor's position before the bin, for
 * decoders that use it) in, a cursor velocity out; reset at each trial's start (where the cursor is).
 */
export interface LoopDecoder {
  reset(start?: Point): void;
  step(counts: Float64Array, position?: Point): ArrayLike<number>;
}

/** The bins a session saw, for refitting: counts (N, F) and what the cursor and task were doing. */
export interface SessionLog {
  counts: Float64Array[];
  decoded: [number, number][];
  intended: [number, number][];
  position: [number, number][];
  target: [number, number][];
  inTarget: boolean[];
  /** Trial index of each bin (where the log keeps it): contiguous stretches for fitting dynamics. */
  trial?: number[];
}

export interface SessionResult {
  trials: TrialRecord[];
  metrics: SessionMetrics;
  log: SessionLog;
}

/** A fitted velocity Kalman filter as a loop decoder: state (vx, vy), restarted at rest each trial. */
export function kalmanDecoder(kf: KalmanFilter): LoopDecoder {
  return {
    reset: () => kf.reset([0, 0]),
    step: (counts) => kf.step(counts),
  };
}

/** Appends one bin of a closed-loop run to its log. */
export function recordStep(log: SessionLog, obs: Observation, intended: [number, number], decoded: [number, number]): void {
  log.counts.push(obs.counts);
  log.decoded.push(decoded);
  log.intended.push(intended);
  log.position.push([obs.position[0], obs.position[1]]);
  log.target.push([obs.target[0], obs.target[1]]);
  log.inTarget.push(obs.inTarget);
  log.trial?.push(obs.trial);
}

/** Runs one episode of env with the decoder in the loop (open loop: the cursor moves with the intention). */
export function runSession(env: CenterOutEnv, decoder: LoopDecoder | 'open-loop', seed: number): SessionResult {
  const log: SessionLog = { counts: [], decoded: [], intended: [], position: [], target: [], inTarget: [], trial: [] };
  const trials: TrialRecord[] = [];
  let obs: Observation = env.reset(seed);
  if (decoder !== 'open-loop') decoder.reset(obs.position);
  for (;;) {
    const intended: [number, number] = [env.currentIntention[0], env.currentIntention[1]];
    const v: [number, number] = decoder === 'open-loop' ? intended : toPair(decoder.step(obs.counts, obs.position));
    recordStep(log, obs, intended, v);
    const r = env.step(v);
    if (r.info.trialEnded) {
      trials.push(r.info.trialEnded);
      if (decoder !== 'open-loop') decoder.reset(r.observation.position);
    }
    obs = r.observation;
    if (r.done) break;
  }
  return { trials, metrics: summarise(trials, env.nTargets, env.targetRadius), log };
}

function toPair(v: ArrayLike<number>): [number, number] {
  if (v.length !== 2) throw new ArgumentError(`runSession: the decoder returned ${v.length} values, a velocity needs 2`);
  return [v[0]!, v[1]!];
}

function rows(xs: readonly ArrayLike<number>[], cols: number): Matrix {
  const data = new Float64Array(xs.length * cols);
  xs.forEach((x, i) => { for (let c = 0; c < cols; c++) data[i * cols + c] = x[c]!; });
  return { data, rows: xs.length, cols };
}

/** Fits a velocity Kalman filter (state vx, vy) on logged counts and the given velocities. */
export function fitVelocityKalman(log: SessionLog, velocity: readonly [number, number][], opts: KalmanFilterOptions = {}): KalmanFilter {
  if (log.counts.length < 2) throw new ArgumentError(`fitVelocityKalman: needs at least 2 logged bins, got ${log.counts.length}`);
  const f = log.counts[0]!.length;
  return new KalmanFilter({ center: true, ...opts }).fit(rows(log.counts, f), rows(velocity, 2));
}

/**
 * ReFIT's intention estimate for each logged bin: the decoded velocity rotated to point from the
 * cursor at the target (speed kept), and zero while the cursor is inside the target.
 */
export function refitIntentions(log: SessionLog): [number, number][] {
  return log.decoded.map((v, i) => {
    if (log.inTarget[i]) return [0, 0];
    const p = log.position[i]!, t = log.target[i]!;
    const dx = t[0] - p[0], dy = t[1] - p[1];
    const d = Math.hypot(dx, dy);
    const s = Math.hypot(v[0], v[1]);
    return d === 0 ? [0, 0] : [(s * dx) / d, (s * dy) / d];
  });
}

/** ReFIT-KF: a new filter fitted on a closed-loop session's counts and intention-corrected velocities. */
export function refitKalman(log: SessionLog, opts: KalmanFilterOptions = {}): KalmanFilter {
  return fitVelocityKalman(log, refitIntentions(log), opts);
}
