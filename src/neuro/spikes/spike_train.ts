// SpikeTrain: the spike times of one unit over a recording window [tStart, tStop], as neo.SpikeTrain
// (times in seconds, float64, sorted). Everything in src/neuro/spikes takes these.

import { ArgumentError } from '../../errors.js';

export interface SpikeTrainOptions {
  /** End of the recording window in seconds (required, as in neo). */
  tStop: number;
  /** Start of the recording window in seconds (default 0). */
  tStart?: number;
}

export class SpikeTrain {
  /** Spike times in seconds, non-decreasing, all within [tStart, tStop]. */
  readonly times: Float64Array;
  readonly tStart: number;
  readonly tStop: number;

  /** Copies `times`; throws ArgumentError on NaN/infinite values, unsorted times or times outside the window. */
  constructor(times: ArrayLike<number>, opts: SpikeTrainOptions) {
    const tStart = opts.tStart ?? 0;
    const tStop = opts.tStop;
    if (!Number.isFinite(tStart) || !Number.isFinite(tStop)) throw new ArgumentError(`SpikeTrain: tStart ${tStart} and tStop ${tStop} must be finite`);
    if (!(tStop > tStart)) throw new ArgumentError(`SpikeTrain: tStop ${tStop} must be greater than tStart ${tStart}`);
    const t = Float64Array.from(times);
    for (let i = 0; i < t.length; i++) {
      const v = t[i]!;
      if (!Number.isFinite(v)) throw new ArgumentError(`SpikeTrain: spike time ${v} at index ${i} is not finite`);
      if (i > 0 && v < t[i - 1]!) throw new ArgumentError(`SpikeTrain: spike times must be sorted; ${v} at index ${i} follows ${t[i - 1]}`);
    }
    if (t.length && (t[0]! < tStart || t[t.length - 1]! > tStop)) {
      const bad = t[0]! < tStart ? t[0]! : t[t.length - 1]!;
      throw new ArgumentError(`SpikeTrain: spike time ${bad} lies outside [tStart, tStop] = [${tStart}, ${tStop}]`);
    }
    this.times = t;
    this.tStart = tStart;
    this.tStop = tStop;
  }

  /** Sorts a copy of `times` first (for unordered inputs such as merged units). */
  static fromUnsorted(times: ArrayLike<number>, opts: SpikeTrainOptions): SpikeTrain {
    return new SpikeTrain(Float64Array.from(times).sort(), opts);
  }

  /**
   * From a 0/1 (or count) indicator sampled every `dt` seconds: sample i with value c > 0 gives c
   * spikes at tStart + i·dt, the left edge of its sample. The window is [tStart, tStart + n·dt].
   */
  static fromIndicator(indicator: ArrayLike<number>, dt: number, tStart = 0): SpikeTrain {
    if (!(dt > 0) || !Number.isFinite(dt)) throw new ArgumentError(`SpikeTrain.fromIndicator: dt must be a positive finite number, got ${dt}`);
    const times: number[] = [];
    for (let i = 0; i < indicator.length; i++) {
      const c = indicator[i]!;
      if (!Number.isInteger(c) || c < 0) throw new ArgumentError(`SpikeTrain.fromIndicator: sample ${i} holds ${c}, expected a non-negative integer count`);
      for (let k = 0; k < c; k++) times.push(tStart + i * dt);
    }
    return new SpikeTrain(times, { tStart, tStop: tStart + indicator.length * dt });
  }

  /** Number of spikes. */
  get length(): number {
    return this.times.length;
  }

  /** tStop − tStart in seconds. */
  get duration(): number {
    return this.tStop - this.tStart;
  }

  /** Spikes in [t0, t1] as a new train over that window (neo's time_slice). */
  timeSlice(t0: number, t1: number): SpikeTrain {
    const a = Math.max(t0, this.tStart);
    const b = Math.min(t1, this.tStop);
    if (!(b > a)) throw new ArgumentError(`SpikeTrain.timeSlice: [${t0}, ${t1}] does not overlap [${this.tStart}, ${this.tStop}]`);
    const lo = lowerBound(this.times, a);
    const hi = upperBound(this.times, b);
    return new SpikeTrain(this.times.subarray(lo, hi), { tStart: a, tStop: b });
  }
}

/**
 * Cuts one long train into trials around event times: trial k holds the spikes in
 * [events[k] + tPre, events[k] + tPost], shifted so the event is at 0 (window [tPre, tPost]).
 */
export function alignToEvents(train: SpikeTrain, events: ArrayLike<number>, tPre: number, tPost: number): SpikeTrain[] {
  if (!(tPost > tPre)) throw new ArgumentError(`alignToEvents: tPost ${tPost} must be greater than tPre ${tPre}`);
  const out: SpikeTrain[] = [];
  for (let k = 0; k < events.length; k++) {
    const e = events[k]!;
    if (!Number.isFinite(e)) throw new ArgumentError(`alignToEvents: event time ${e} at index ${k} is not finite`);
    const lo = lowerBound(train.times, e + tPre);
    const hi = upperBound(train.times, e + tPost);
    const rel = new Float64Array(hi - lo);
    // clamp: e + tPre ≤ t but t − e can round below tPre
    for (let i = lo; i < hi; i++) rel[i - lo] = Math.min(tPost, Math.max(tPre, train.times[i]! - e));
    out.push(new SpikeTrain(rel, { tStart: tPre, tStop: tPost }));
  }
  return out;
}

/** The trains of a list, or a single train as a list of one; empty lists are refused. */
export function asTrainList(trains: SpikeTrain | readonly SpikeTrain[], op: string): readonly SpikeTrain[] {
  const list = trains instanceof SpikeTrain ? [trains] : trains;
  if (list.length === 0) throw new ArgumentError(`${op}: no spike trains given`);
  for (let i = 0; i < list.length; i++) {
    if (!(list[i] instanceof SpikeTrain)) throw new ArgumentError(`${op}: element ${i} is not a SpikeTrain`);
  }
  return list;
}

/** First index with a[i] >= v. */
export function lowerBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (a[m]! < v) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/** First index with a[i] > v. */
export function upperBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (a[m]! <= v) lo = m + 1;
    else hi = m;
  }
  return lo;
}
