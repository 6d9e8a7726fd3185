// Closed-loop task metrics: path efficiency, Fitts throughput (Shannon form, ID = log2(1 + D/W)),
// and Wolpaw's information transfer rate, plus a summary over a session's trials.

import { ArgumentError } from '../../errors.js';

export type Point = readonly [number, number];

function finitePositive(v: number, op: string, name: string): void {
  if (!(Number.isFinite(v) && v > 0)) throw new ArgumentError(`${op}: ${name} must be a finite number > 0, got ${v}`);
}

/** Straight-line distance from the first to the last point over the path length (1 for a straight path). */
export function pathEfficiency(path: readonly Point[]): number {
  const op = 'pathEfficiency';
  if (path.length < 2) throw new ArgumentError(`${op}: needs at least 2 points, got ${path.length}`);
  let len = 0;
  for (let i = 0; i < path.length; i++) {
    const p = path[i]!;
    if (!(Number.isFinite(p[0]) && Number.isFinite(p[1]))) throw new ArgumentError(`${op}: point ${i} is (${p[0]}, ${p[1]}); values must be finite`);
    if (i > 0) len += Math.hypot(p[0] - path[i - 1]![0], p[1] - path[i - 1]![1]);
  }
  if (len === 0) throw new ArgumentError(`${op}: the path has length 0 (the cursor never moved)`);
  const a = path[0]!, b = path[path.length - 1]!;
  return Math.hypot(b[0] - a[0], b[1] - a[1]) / len;
}

/** Fitts index of difficulty in bits: log2(1 + D/W), D the distance, W the target width. */
export function fittsIndex(distance: number, width: number): number {
  finitePositive(distance, 'fittsIndex', 'distance');
  finitePositive(width, 'fittsIndex', 'width');
  return Math.log2(1 + distance / width);
}

/** Fitts throughput in bits/s: the index of difficulty over the acquisition time (s). */
export function fittsThroughput(distance: number, width: number, time: number): number {
  finitePositive(time, 'fittsThroughput', 'time');
  return fittsIndex(distance, width) / time;
}

/**
 * Wolpaw et al. (2000) bits per selection among N equiprobable targets at accuracy P:
 * log2 N + P log2 P + (1 − P) log2((1 − P)/(N − 1)). At or below chance (P ≤ 1/N) it is 0.
 */
export function wolpawBits(nTargets: number, accuracy: number): number {
  const op = 'wolpawBits';
  if (!(Number.isInteger(nTargets) && nTargets >= 2)) throw new ArgumentError(`${op}: nTargets must be an integer >= 2, got ${nTargets}`);
  if (!(accuracy >= 0 && accuracy <= 1)) throw new ArgumentError(`${op}: accuracy must be in [0, 1], got ${accuracy}`);
  const n = nTargets, p = accuracy;
  if (p <= 1 / n) return 0;
  let b = Math.log2(n) + p * Math.log2(p);
  if (p < 1) b += (1 - p) * Math.log2((1 - p) / (n - 1));
  return b;
}

/** Wolpaw ITR in bits/min: bits per selection times selections per minute (secondsPerTrial each). */
export function wolpawItr(nTargets: number, accuracy: number, secondsPerTrial: number): number {
  finitePositive(secondsPerTrial, 'wolpawItr', 'secondsPerTrial');
  return wolpawBits(nTargets, accuracy) * (60 / secondsPerTrial);
}

/** One trial as the task records it. */
export interface TrialRecord {
  targetIndex: number;
  start: Point;
  target: Point;
  success: boolean;
  /** Seconds from the trial's start to the entry that began the successful hold (NaN on failure). */
  acquisitionTime: number;
  /** Seconds the trial lasted, hold included (the timeout on failure). */
  duration: number;
  /** Cursor positions from the start to the acquiring entry (to the timeout on failure). */
  path: Point[];
  /** Target width W for Fitts (its diameter); summarise's 2 · targetRadius when absent. */
  width?: number;
}

export interface SessionMetrics {
  trials: number;
  successRate: number;
  /** Mean over successful trials, s (NaN when none succeeded). */
  meanAcquisitionTime: number;
  meanPathEfficiency: number;
  /** Mean over successful trials of ID / acquisition time, W = target diameter, bits/s. */
  fittsThroughput: number;
  /** Wolpaw bits per trial at the success rate over the mean trial duration, bits/min. */
  itrBitsPerMin: number;
}

/**
 * Session summary. Fitts uses each trial's own D (start to target centre) and W (its width, else
 * the target diameter 2 · targetRadius); Wolpaw's N is nTargets.
 */
export function summarise(trials: readonly TrialRecord[], nTargets: number, targetRadius: number): SessionMetrics {
  const op = 'summarise';
  if (trials.length === 0) throw new ArgumentError(`${op}: no trials to summarise`);
  finitePositive(targetRadius, op, 'targetRadius');
  const ok = trials.filter((t) => t.success);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  const dist = (t: TrialRecord) => Math.hypot(t.target[0] - t.start[0], t.target[1] - t.start[1]);
  const successRate = ok.length / trials.length;
  const meanDuration = mean(trials.map((t) => t.duration));
  return {
    trials: trials.length,
    successRate,
    meanAcquisitionTime: mean(ok.map((t) => t.acquisitionTime)),
    meanPathEfficiency: mean(ok.filter((t) => t.path.length >= 2).map((t) => pathEfficiency(t.path))),
    fittsThroughput: mean(ok.map((t) => fittsThroughput(dist(t), t.width ?? 2 * targetRadius, t.acquisitionTime))),
    itrBitsPerMin: wolpawItr(nTargets, successRate, meanDuration),
  };
}
