// Gilja et al.'s (2012) protocol on one simulated user, session by session: calibrate the standard
// position-velocity KF on an observation block, run it in closed loop (the block ReFIT learns
// from), refit it as ReFIT-KF on that block's intention-corrected velocities, then run the KF and
// ReFIT-KF on the same seed, the same user, the same targets.

import { ArgumentError } from '../../errors.js';
import { runObservationBlock, type ObservationBlockOptions } from './calibration.js';
import { CenterOutEnv, type CenterOutConfig, type UserConfig } from './env.js';
import { PVKalmanDecoder, fitPVKalman, refitPVKalman } from './pv_kalman.js';
import { refitIntentions, runSession, type LoopDecoder, type SessionResult } from './session.js';
import type { LinearTuning } from './tuning.js';

export interface RefitComparisonOptions {
  task?: CenterOutConfig;
  user?: UserConfig;
  /** Seeded sessions (default 20). */
  sessions?: number;
  /** Trials of the calibration block (default 40). */
  calibrationTrials?: number;
  calibration?: ObservationBlockOptions;
  /** Seeds: calibration seed + 1000 + s, the refit block + 2000 + s, the test blocks + 3000 + s (default 0). */
  seed?: number;
  /** Wraps each decoder in the loop (e.g. to time its steps). */
  wrap?: (d: LoopDecoder) => LoopDecoder;
}

export interface RefitComparisonSession {
  /** The KF's closed-loop block that ReFIT-KF was refitted on. */
  training: SessionResult;
  kf: SessionResult;
  refit: SessionResult;
}

export function compareRefit(tuning: LinearTuning, opts: RefitComparisonOptions = {}): RefitComparisonSession[] {
  const sessions = opts.sessions ?? 20;
  if (!(Number.isInteger(sessions) && sessions >= 1)) throw new ArgumentError(`compareRefit: sessions must be an integer >= 1, got ${sessions}`);
  const seed = opts.seed ?? 0;
  const wrap = opts.wrap ?? ((d: LoopDecoder) => d);
  const env = new CenterOutEnv(tuning, opts.task, opts.user);
  const calEnv = new CenterOutEnv(tuning, { ...opts.task, trials: opts.calibrationTrials ?? 40 }, opts.user);
  const out: RefitComparisonSession[] = [];
  for (let s = 0; s < sessions; s++) {
    const cal = runObservationBlock(calEnv, seed + 1000 + s, opts.calibration);
    const kf = new PVKalmanDecoder(fitPVKalman(cal.log, cal.labels, env.dt, cal.keep), 'decoded-position', env.dt);
    const training = runSession(env, wrap(kf), seed + 2000 + s);
    const refit = refitPVKalman(training.log, refitIntentions(training.log), env.dt);
    out.push({ training, kf: runSession(env, wrap(kf), seed + 3000 + s), refit: runSession(env, wrap(refit), seed + 3000 + s) });
  }
  return out;
}
