// Spike binning and bin history for a stream. SpikeBinner turns spike events (unit, time) into
// count vectors of fixed-width bins [t0 + k·w, t0 + (k+1)·w), emitting a bin once the stream's
// clock has passed its end. BinHistory turns a stream of bins into the lagged feature rows of
// an offline pass (Neural_Decoding's get_spikes_with_history with bins_after = 0): row t holds
// bins t−H+1 .. t, oldest first, and exists once H bins have arrived.

import { ArgumentError, ShapeError } from '../../errors.js';

export interface SpikeBin {
  /** Bin index k (bin covers [t0 + k·w, t0 + (k+1)·w)). */
  index: number;
  /** (U) counts. */
  counts: Float64Array;
}

export class SpikeBinner {
  readonly nUnits: number;
  readonly binWidth: number;
  readonly t0: number;
  private current = 0; // index of the bin being filled
  private counts: Float64Array;
  private lastTime = -Infinity;

  constructor(nUnits: number, binWidth: number, t0 = 0) {
    if (!Number.isInteger(nUnits) || nUnits < 1) throw new ArgumentError(`SpikeBinner: nUnits must be an integer >= 1, got ${nUnits}`);
    if (!(Number.isFinite(binWidth) && binWidth > 0)) throw new ArgumentError(`SpikeBinner: binWidth must be a finite number > 0 (seconds), got ${binWidth}`);
    if (!Number.isFinite(t0)) throw new ArgumentError(`SpikeBinner: t0 must be finite, got ${t0}`);
    this.nUnits = nUnits;
    this.binWidth = binWidth;
    this.t0 = t0;
    this.counts = new Float64Array(nUnits);
  }

  /** The bin a time falls in (the one formula the offline path must share). */
  binOf(t: number): number {
    return Math.floor((t - this.t0) / this.binWidth);
  }

  /**
   * Spikes of units[i] at times[i], non-decreasing and not before t0 or any earlier spike.
   * Returns the bins completed by the time of the last spike.
   */
  push(units: ArrayLike<number>, times: ArrayLike<number>): SpikeBin[] {
    if (units.length !== times.length) throw new ShapeError(`SpikeBinner.push: ${units.length} units but ${times.length} times`);
    const out: SpikeBin[] = [];
    for (let i = 0; i < times.length; i++) {
      const t = times[i]!;
      const u = units[i]!;
      if (!Number.isFinite(t) || t < this.t0) throw new ArgumentError(`SpikeBinner.push: spike time [${i}] is ${t}; times must be finite and >= t0 = ${this.t0}`);
      if (t < this.lastTime) throw new ArgumentError(`SpikeBinner.push: spike times must not decrease, got ${t} after ${this.lastTime} (spike ${i} of the chunk)`);
      if (!Number.isInteger(u) || u < 0 || u >= this.nUnits) throw new ArgumentError(`SpikeBinner.push: unit [${i}] is ${u}; units are integers in [0, ${this.nUnits})`);
      this.lastTime = t;
      this.closeBefore(this.binOf(t), out);
      this.counts[u]! += 1;
    }
    return out;
  }

  /** The stream's clock reached `t` with no further spikes: returns the bins that ended at or before t. */
  advance(t: number): SpikeBin[] {
    if (!Number.isFinite(t) || t < this.lastTime) throw new ArgumentError(`SpikeBinner.advance: time ${t} is before the last spike or clock time ${this.lastTime}`);
    this.lastTime = t;
    const out: SpikeBin[] = [];
    this.closeBefore(this.binOf(t), out);
    return out;
  }

  private closeBefore(k: number, out: SpikeBin[]): void {
    while (this.current < k) {
      out.push({ index: this.current, counts: this.counts });
      this.counts = new Float64Array(this.nUnits);
      this.current++;
    }
  }
}

export class BinHistory {
  readonly nFeatures: number;
  readonly nHistory: number;
  private readonly ring: Float64Array; // (H, F) circular
  private seen = 0;

  constructor(nFeatures: number, nHistory: number) {
    if (!Number.isInteger(nFeatures) || nFeatures < 1) throw new ArgumentError(`BinHistory: nFeatures must be an integer >= 1, got ${nFeatures}`);
    if (!Number.isInteger(nHistory) || nHistory < 1) throw new ArgumentError(`BinHistory: nHistory must be an integer >= 1 bin, got ${nHistory}`);
    this.nFeatures = nFeatures;
    this.nHistory = nHistory;
    this.ring = new Float64Array(nFeatures * nHistory);
  }

  /** Adds one bin (F values); returns the (H·F) feature row, oldest bin first, or null until H bins arrived. */
  push(bin: ArrayLike<number>): Float64Array | null {
    const f = this.nFeatures;
    const h = this.nHistory;
    if (bin.length !== f) throw new ShapeError(`BinHistory.push: expected a bin of ${f} features, got ${bin.length}`);
    const slot = this.seen % h;
    for (let j = 0; j < f; j++) this.ring[slot * f + j] = bin[j]!;
    this.seen++;
    if (this.seen < h) return null;
    const row = new Float64Array(h * f);
    for (let k = 0; k < h; k++) row.set(this.ring.subarray(((this.seen + k) % h) * f, ((this.seen + k) % h + 1) * f), k * f);
    return row;
  }
}
