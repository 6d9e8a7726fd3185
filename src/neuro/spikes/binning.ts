// Spike counts in equal time bins, as elephant.conversion.BinnedSpikeTrain.
// counts: (U, B)  U=units (spike trains), B=bins; bin k is [tStart + k·binSize, tStart + (k+1)·binSize).
//
// Elephant's rules, kept here:
// - B = floor((tStop − tStart) / binSize), except that a quotient within `tolerance` (1e-8) below
//   the next integer is rounded up to it (float rounding: 0.3 / 0.1 = 2.9999999999999996 → 3 bins).
// - A spike's bin is floor((t − tStart) · (1 / binSize)), with the same rounding up when the value
//   is within `tolerance` below an integer, so a spike that sits on an edge up to rounding goes to
//   the bin that starts there.
// - Only spikes in [tStart, tStop] are binned, and those whose bin index is ≥ B are dropped:
//   a spike exactly at tStop is NOT counted (it would open bin B), nor is any spike in the
//   remainder [tStart + B·binSize, tStop] when the span is not a multiple of binSize.

import { ArgumentError } from '../../errors.js';
import { SpikeTrain, asTrainList } from './spike_train.js';

export interface BinOptions {
  /** Bin width in seconds. */
  binSize: number;
  /** Window start; default the trains' common tStart. */
  tStart?: number;
  /** Window end; default the trains' common tStop. */
  tStop?: number;
  /** Rounding tolerance in bins (Elephant's `tolerance`, default 1e-8; 0 turns it off). */
  tolerance?: number;
}

export interface BinnedSpikeTrains {
  /** (U, B) row-major spike counts (exact integers in float64). */
  readonly counts: Float64Array;
  readonly nUnits: number;
  readonly nBins: number;
  readonly binSize: number;
  readonly tStart: number;
  /** The requested window end (may exceed the last edge by less than a bin). */
  readonly tStop: number;
  /** (B + 1) bin edges: numpy.linspace(tStart, tStart + B·binSize, B + 1). */
  readonly edges: Float64Array;
}

/** numpy.linspace(start, stop, num) with endpoint, bit for bit (i·step + start, last = stop). */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const y = new Float64Array(num);
  if (num === 1) {
    y[0] = start;
    return y;
  }
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) y[i] = i * step + start;
  y[num - 1] = stop;
  return y;
}

/** Elephant's round_binning_errors for one value ≥ 0: floor, or the next integer when within tol below it. */
export function roundBinningError(x: number, tolerance: number): number {
  if (tolerance > 0 && 1 - tolerance <= x % 1) return Math.floor(x + 0.5);
  return Math.floor(x);
}

/** The window both defaults and explicit limits must agree with (Elephant's shared-range check). */
function resolveWindow(list: readonly SpikeTrain[], op: string, tStart?: number, tStop?: number, tol = 1e-8): [number, number] {
  const shared0 = Math.max(...list.map((s) => s.tStart));
  const shared1 = Math.min(...list.map((s) => s.tStop));
  const t0 = tStart ?? list[0]!.tStart;
  const t1 = tStop ?? list[0]!.tStop;
  if (tStart === undefined && list.some((s) => Math.abs(s.tStart - t0) > tol)) {
    throw new ArgumentError(`${op}: the spike trains start at different times (${list.map((s) => s.tStart).join(', ')}); pass tStart`);
  }
  if (tStop === undefined && list.some((s) => Math.abs(s.tStop - t1) > tol)) {
    throw new ArgumentError(`${op}: the spike trains stop at different times (${list.map((s) => s.tStop).join(', ')}); pass tStop`);
  }
  if (!Number.isFinite(t0) || !Number.isFinite(t1) || !(t1 > t0)) throw new ArgumentError(`${op}: tStop ${t1} must be greater than tStart ${t0}`);
  if (t0 < shared0 - tol || t1 > shared1 + tol) {
    throw new ArgumentError(`${op}: window [${t0}, ${t1}] lies outside the trains' shared interval [${shared0}, ${shared1}]`);
  }
  return [t0, t1];
}

/** Bins one or more spike trains (elephant.conversion.BinnedSpikeTrain(trains, bin_size, t_start, t_stop)). */
export function binSpikes(trains: SpikeTrain | readonly SpikeTrain[], opts: BinOptions): BinnedSpikeTrains {
  const op = 'binSpikes';
  const list = asTrainList(trains, op);
  const { binSize } = opts;
  const tol = opts.tolerance ?? 1e-8;
  if (!(binSize > 0) || !Number.isFinite(binSize)) throw new ArgumentError(`${op}: binSize must be a positive finite number of seconds, got ${binSize}`);
  if (!(tol >= 0 && tol < 1)) throw new ArgumentError(`${op}: tolerance must be in [0, 1), got ${tol}`);
  const [t0, t1] = resolveWindow(list, op, opts.tStart, opts.tStop);
  const nBins = roundBinningError((t1 - t0) / binSize, tol);
  if (nBins < 1) throw new ArgumentError(`${op}: binSize ${binSize} s is larger than the window [${t0}, ${t1}] (${t1 - t0} s)`);
  const U = list.length;
  const counts = new Float64Array(U * nBins);
  const scale = 1 / binSize; // Elephant multiplies by the reciprocal; the rounding differs from dividing
  for (let u = 0; u < U; u++) {
    const row = u * nBins;
    for (const t of list[u]!.times) {
      if (t < t0 || t > t1) continue;
      const k = roundBinningError((t - t0) * scale, tol);
      if (k < nBins) counts[row + k] = counts[row + k]! + 1;
    }
  }
  return { counts, nUnits: U, nBins, binSize, tStart: t0, tStop: t1, edges: linspace(t0, t0 + nBins * binSize, nBins + 1) };
}

/** Counts as (B, U), time bins as rows: the layout of spikesWithHistory and the decoders. */
export function toTimeMajor(b: BinnedSpikeTrains): { data: Float64Array; rows: number; cols: number } {
  const { nUnits: U, nBins: B } = b;
  const data = new Float64Array(U * B);
  for (let u = 0; u < U; u++) for (let k = 0; k < B; k++) data[k * U + u] = b.counts[u * B + k]!;
  return { data, rows: B, cols: U };
}

/** One unit's counts (a view, length B). */
export function unitCounts(b: BinnedSpikeTrains, unit: number): Float64Array {
  if (!Number.isInteger(unit) || unit < 0 || unit >= b.nUnits) throw new ArgumentError(`unitCounts: unit ${unit} out of range [0, ${b.nUnits})`);
  return b.counts.subarray(unit * b.nBins, (unit + 1) * b.nBins);
}

/** Spike counts clipped to 0/1 (BinnedSpikeTrain.binarize). */
export function binarize(b: BinnedSpikeTrains): BinnedSpikeTrains {
  return { ...b, counts: b.counts.map((c) => (c > 0 ? 1 : 0)) };
}
