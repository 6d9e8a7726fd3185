// The calibration block a cursor BCI's first decoder is fitted on, as it differs from closed-loop
// control (Gilja et al. 2012; Fan et al. 2014; Willett et al. 2019):
//  - the labels are the kinematics of a cursor the user does not control. Gilja's baseline KF
//    was fitted on arm reaches, whose hand velocity follows a smooth bell-shaped profile; in an
//    observation block the cursor moves automatically the same way. Here the cursor follows a
//    minimum-jerk reach (Flash & Hogan 1985, the bell-shaped profile of point-to-point arm
//    movements) from the trial's start to the target, then rests on it through the hold;
//  - the neural activity follows the user's own intention, not those labels: the simulated user
//    watches the cursor through its feedback delay and wants it at the target (the same
//    feedback controller as in closed loop), so the rates lead and outsize the smooth labels;
//  - the whole block is fitted by default, rests on the target included: an arm's hold is a
//    stop, so Gilja's arm-trained KF saw zero velocities there too. Fitted on the reach epochs
//    alone (target onset to entry, epochs 'reach'), the least-squares dynamics of stereotyped
//    centre-out reaches tie velocity to position so tightly that A becomes unstable (|λ| > 1 on
//    the chewie-tuned user) and the filter cannot hold the cursor on anything.
// Each reach's duration varies (movementJitter), as arm reaches do; the counts carry Poisson and
// motor noise, the labels none: the fitted W is small and the filter leans on its smooth dynamics.

import { ArgumentError } from '../../errors.js';
import { Generator } from '../../tensor/random.js';
import type { CenterOutEnv, Observation } from './env.js';
import { summarise, type SessionMetrics, type TrialRecord } from './metrics.js';
import { recordStep, type SessionLog } from './session.js';

export interface ObservationBlockOptions {
  /** Mean seconds of an automated reach (default 1). */
  movementSeconds?: number;
  /** Each reach lasts movementSeconds × U(1 − j, 1 + j): reaches vary in duration (default 0.25). */
  movementJitter?: number;
  /** Seconds the cursor rests after the target appears before it moves, a reaction time (default 0). */
  reactionSeconds?: number;
  /** Bins the filter is fitted on: 'all' (default) or 'reach' (until the cursor enters the target). */
  epochs?: 'reach' | 'all';
}

export interface ObservationBlock {
  /** Counts, the user's intention (intended), the automated cursor velocity (decoded), positions. */
  log: SessionLog;
  /** The velocity labels: the automated cursor's velocity in each bin. */
  labels: [number, number][];
  /** Bins the calibration keeps for fitting. */
  keep: boolean[];
  trials: TrialRecord[];
  metrics: SessionMetrics;
}

/** Minimum-jerk fraction of the way at τ = t / T in [0, 1]: 10τ³ − 15τ⁴ + 6τ⁵. */
export function minimumJerk(tau: number): number {
  const t = Math.min(1, Math.max(0, tau));
  return t * t * t * (10 - 15 * t + 6 * t * t);
}

/**
 * Runs env as an observation block: each trial's cursor reaches the target along a minimum-jerk
 * path of movementSeconds and stays there until the hold completes, whatever the user intends.
 */
export function runObservationBlock(env: CenterOutEnv, seed: number, opts: ObservationBlockOptions = {}): ObservationBlock {
  const op = 'runObservationBlock';
  const T = opts.movementSeconds ?? 1;
  if (!(Number.isFinite(T) && T >= env.dt)) throw new ArgumentError(`${op}: movementSeconds must be a finite number >= dt (${env.dt}), got ${T}`);
  const jitter = opts.movementJitter ?? 0.25;
  if (!(jitter >= 0 && jitter < 1)) throw new ArgumentError(`${op}: movementJitter must be in [0, 1), got ${jitter}`);
  const rt = opts.reactionSeconds ?? 0;
  if (!(Number.isFinite(rt) && rt >= 0)) throw new ArgumentError(`${op}: reactionSeconds must be a finite number >= 0, got ${rt}`);
  const rng = new Generator((seed * 2_654_435_761 + 17) >>> 0);
  const duration = () => T * (1 + jitter * (2 * rng.random() - 1));
  let Tk = duration();
  const epochs = opts.epochs ?? 'all';
  if (epochs !== 'reach' && epochs !== 'all') throw new ArgumentError(`${op}: epochs is '${String(epochs)}' ('reach' or 'all')`);
  const log: SessionLog = { counts: [], decoded: [], intended: [], position: [], target: [], inTarget: [], trial: [] };
  const labels: [number, number][] = [];
  const keep: boolean[] = [];
  const trials: TrialRecord[] = [];
  let obs: Observation = env.reset(seed);
  let entered = false;
  for (;;) {
    const s = env.trialStart, g = env.currentTarget, k = obs.bin;
    const f0 = minimumJerk((k * env.dt - rt) / Tk), f1 = minimumJerk(((k + 1) * env.dt - rt) / Tk);
    const v: [number, number] = f1 === f0 ? [0, 0] : [((g[0] - s[0]) * (f1 - f0)) / env.dt, ((g[1] - s[1]) * (f1 - f0)) / env.dt];
    entered ||= obs.inTarget;
    recordStep(log, obs, [env.currentIntention[0], env.currentIntention[1]], v);
    labels.push(v);
    keep.push(epochs === 'all' || !entered);
    const r = env.step(v);
    if (r.info.trialEnded) { trials.push(r.info.trialEnded); entered = false; Tk = duration(); }
    obs = r.observation;
    if (r.done) break;
  }
  return { log, labels, keep, trials, metrics: summarise(trials, env.nTargets, env.targetRadius) };
}
