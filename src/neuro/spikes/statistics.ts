// Spike-train statistics, as elephant.statistics: inter-spike intervals and their variability
// (CV, CV2, LV, LvR), mean firing rate, and the Fano factor of counts across trains.
// The variability measures take intervals (Elephant's time_intervals) or a SpikeTrain, whose ISIs
// are then used. Times in seconds.

import { ArgumentError } from '../../errors.js';
import { SpikeTrain } from './spike_train.js';

/** Inter-spike intervals (elephant.statistics.isi): diff of the spike times. */
export function isi(train: SpikeTrain | ArrayLike<number>): Float64Array {
  const t = train instanceof SpikeTrain ? train.times : train;
  const out = new Float64Array(Math.max(0, t.length - 1));
  for (let i = 0; i < out.length; i++) out[i] = t[i + 1]! - t[i]!;
  return out;
}

/**
 * elephant.statistics.mean_firing_rate: spikes in [tStart, tStop] (both included) / (tStop − tStart),
 * in Hz. Defaults: a SpikeTrain's own window; for plain times tStart = 0 and tStop = the last spike.
 */
export function meanFiringRate(train: SpikeTrain | ArrayLike<number>, opts: { tStart?: number; tStop?: number } = {}): number {
  const isTrain = train instanceof SpikeTrain;
  const t = isTrain ? train.times : train;
  if (!isTrain && t.length === 0) throw new ArgumentError('meanFiringRate: empty spike times (no window to divide by)');
  if (isTrain && opts.tStart === undefined && opts.tStop === undefined) return t.length / (train.tStop - train.tStart);
  let last = -Infinity;
  for (let i = 0; i < t.length; i++) last = Math.max(last, t[i]!);
  const t0 = opts.tStart ?? (isTrain ? train.tStart : 0);
  const t1 = opts.tStop ?? (isTrain ? train.tStop : last);
  if (!(t1 > t0)) throw new ArgumentError(`meanFiringRate: tStop ${t1} must be greater than tStart ${t0}`);
  let n = 0;
  for (let i = 0; i < t.length; i++) if (t[i]! >= t0 && t[i]! <= t1) n++;
  return n / (t1 - t0);
}

function intervals(x: SpikeTrain | ArrayLike<number>): ArrayLike<number> {
  return x instanceof SpikeTrain ? isi(x) : x;
}

/** Returns NaN (withNan) or throws when fewer than two intervals are given, as Elephant. */
function tooShort(op: string, n: number, withNan: boolean | undefined): boolean {
  if (n >= 2) return false;
  if (withNan) return true;
  throw new ArgumentError(`${op}: needs at least 2 intervals, got ${n} (set withNan to get NaN instead)`);
}

/** Coefficient of variation std/mean (population std, ddof=0), scipy.stats.variation = elephant.statistics.cv. */
export function cv(x: SpikeTrain | ArrayLike<number>): number {
  const v = intervals(x);
  const n = v.length;
  if (n === 0) return NaN;
  let m = 0;
  for (let i = 0; i < n; i++) m += v[i]!;
  m /= n;
  let s = 0;
  for (let i = 0; i < n; i++) s += (v[i]! - m) ** 2;
  return Math.sqrt(s / n) / m;
}

/** elephant.statistics.cv2 (Holt et al. 1996): 2 · mean(|I[i+1] − I[i]| / (I[i+1] + I[i])). */
export function cv2(x: SpikeTrain | ArrayLike<number>, opts: { withNan?: boolean } = {}): number {
  const v = intervals(x);
  if (tooShort('cv2', v.length, opts.withNan)) return NaN;
  let s = 0;
  for (let i = 0; i + 1 < v.length; i++) s += Math.abs((v[i + 1]! - v[i]!) / (v[i]! + v[i + 1]!));
  return (2 * s) / (v.length - 1);
}

/** elephant.statistics.lv (Shinomoto et al. 2003): 3 · mean(((I[i] − I[i+1]) / (I[i] + I[i+1]))²). */
export function lv(x: SpikeTrain | ArrayLike<number>, opts: { withNan?: boolean } = {}): number {
  const v = intervals(x);
  if (tooShort('lv', v.length, opts.withNan)) return NaN;
  let s = 0;
  for (let i = 0; i + 1 < v.length; i++) s += ((v[i + 1]! - v[i]!) / (v[i]! + v[i + 1]!)) ** 2;
  return (3 * s) / (v.length - 1);
}

/**
 * elephant.statistics.lvr (Shinomoto et al. 2009), revised local variation with refractoriness R:
 * 3/(n−1) Σ (1 − 4 I[i] I[i+1] / (I[i] + I[i+1])²) (1 + 4R / (I[i] + I[i+1])).
 * R and the intervals in seconds (default R = 5 ms; Elephant assumes ms for unitless input).
 */
export function lvr(x: SpikeTrain | ArrayLike<number>, opts: { R?: number; withNan?: boolean } = {}): number {
  const R = opts.R ?? 0.005;
  if (!(R >= 0)) throw new ArgumentError(`lvr: R must be >= 0, got ${R}`);
  const v = intervals(x);
  if (tooShort('lvr', v.length, opts.withNan)) return NaN;
  let s = 0;
  for (let i = 0; i + 1 < v.length; i++) {
    const t = v[i]! + v[i + 1]!;
    s += (1 - (4 * v[i]! * v[i + 1]!) / (t * t)) * (1 + (4 * R) / t);
  }
  return (3 / (v.length - 1)) * s;
}

/**
 * elephant.statistics.fanofactor: var/mean of the spike counts of the trains (population variance,
 * ddof=0); NaN when no train has a spike. Trains of unequal duration are accepted as in Elephant
 * (which only warns).
 */
export function fanoFactor(trains: readonly (SpikeTrain | ArrayLike<number>)[]): number {
  const n = trains.length;
  if (n === 0) return NaN;
  const counts = trains.map((t) => (t instanceof SpikeTrain ? t.times.length : t.length));
  if (counts.every((c) => c === 0)) return NaN;
  let m = 0;
  for (const c of counts) m += c;
  m /= n;
  let s = 0;
  for (const c of counts) s += (c - m) ** 2;
  return s / n / m;
}
