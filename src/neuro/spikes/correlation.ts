// Correlations between binned spike trains, as elephant.spike_train_correlation.
// A binned input is a BinnedSpikeTrains from binSpikes: (U, B) counts, U=units, B=bins.

import { ArgumentError, ShapeError } from '../../errors.js';
import { type BinnedSpikeTrains } from './binning.js';

export interface CchOptions {
  /** [minLag, maxLag] in bins (both included, minLag < maxLag) or 'full' (every lag with overlap; default). */
  window?: readonly [number, number] | 'full';
  /** Count at most one spike per bin (Elephant's binary). */
  binary?: boolean;
}

export interface Cch {
  /** (K) lags in bins; lag k pairs bin t of train i with bin t + k of train j. */
  readonly lags: Int32Array;
  /** (K) coincidence counts at each lag. */
  readonly counts: Float64Array;
  /** The common bin width, seconds (lag k is k·binSize). */
  readonly binSize: number;
}

function oneUnit(b: BinnedSpikeTrains, name: string): Float64Array {
  if (b.nUnits !== 1) throw new ShapeError(`crossCorrelationHistogram: ${name} must hold exactly one spike train, got ${b.nUnits}`);
  return b.counts;
}

/**
 * elephant.spike_train_correlation.cross_correlation_histogram(bi, bj, window, border_correction=False,
 * binary, kernel=None): cch[k] = Σ_t bi[t] · bj[t + k], with t and t + k counted in absolute bins
 * (the trains may start at different times if the offset is a whole number of bins). A positive
 * lag means a spike of j following a spike of i. 'full' spans lags −(Bi − 1) … Bj − 1 around the
 * offset; an explicit window must lie inside that range.
 * Not supported: border_correction, smoothing kernel, cross_correlation_coefficient.
 */
export function crossCorrelationHistogram(bi: BinnedSpikeTrains, bj: BinnedSpikeTrains, opts: CchOptions = {}): Cch {
  const op = 'crossCorrelationHistogram';
  let x = oneUnit(bi, 'the first train');
  let y = oneUnit(bj, 'the second train');
  // numpy.isclose(bin_i, bin_j) with its default rtol 1e-5, atol 1e-8, as Elephant
  if (Math.abs(bi.binSize - bj.binSize) > 1e-8 + 1e-5 * Math.abs(bj.binSize)) throw new ArgumentError(`${op}: bin sizes differ (${bi.binSize} vs ${bj.binSize})`);
  const shiftF = (bj.tStart - bi.tStart) / bi.binSize;
  const shift = Math.round(shiftF);
  if (Math.abs(shiftF - shift) > 1e-8 + 1e-5 * Math.abs(shift)) throw new ArgumentError(`${op}: the trains' start times differ by ${bj.tStart - bi.tStart} s, not a whole number of bins of ${bi.binSize} s`);
  if (opts.binary) {
    x = x.map((c) => (c > 0 ? 1 : 0));
    y = y.map((c) => (c > 0 ? 1 : 0));
  }
  const Ni = x.length;
  const Nj = y.length;
  // in the trains' own bin indices, lag k pairs x[t] with y[t + k − shift]
  const minRel = -(Ni - 1);
  const maxRel = Nj - 1;
  const w = opts.window ?? 'full';
  let lo: number;
  let hi: number;
  if (w === 'full') {
    lo = minRel + shift;
    hi = maxRel + shift;
  } else if (Array.isArray(w) && w.length === 2 && Number.isInteger(w[0]) && Number.isInteger(w[1])) {
    [lo, hi] = w;
    if (lo >= hi) throw new ArgumentError(`${op}: window's left edge ${lo} must be lower than its right edge ${hi}`);
    if (lo - shift < minRel || hi - shift > maxRel) throw new ArgumentError(`${op}: window [${lo}, ${hi}] exceeds the lags the trains allow [${minRel + shift}, ${maxRel + shift}]`);
  } else {
    throw new ArgumentError(`${op}: window must be 'full' or two integer lags [min, max], got ${JSON.stringify(w)}`);
  }
  const K = hi - lo + 1;
  const counts = new Float64Array(K);
  for (let t = 0; t < Ni; t++) {
    const a = x[t]!;
    if (a === 0) continue;
    const s0 = Math.max(0, t + lo - shift);
    const s1 = Math.min(Nj - 1, t + hi - shift);
    for (let s = s0; s <= s1; s++) counts[s - t + shift - lo] = counts[s - t + shift - lo]! + a * y[s]!;
  }
  return { lags: Int32Array.from({ length: K }, (_, i) => lo + i), counts, binSize: bi.binSize };
}

/** Elephant's alias. */
export const cch = crossCorrelationHistogram;

/**
 * elephant.spike_train_correlation.correlation_coefficient(binned, binary): (U, U) Pearson
 * correlations of the units' count vectors, C[i,j] = <bi − μi, bj − μj> / √(<bi − μi, bi − μi><bj − μj, bj − μj>).
 * A train without spikes gives NaN in its row and column (0/0), as numpy.corrcoef.
 */
export function correlationCoefficient(b: BinnedSpikeTrains, opts: { binary?: boolean } = {}): Float64Array {
  const { nUnits: U, nBins: B } = b;
  const c = opts.binary ? b.counts.map((v) => (v > 0 ? 1 : 0)) : b.counts;
  const centred = new Float64Array(U * B);
  for (let u = 0; u < U; u++) {
    let m = 0;
    for (let k = 0; k < B; k++) m += c[u * B + k]!;
    m /= B;
    for (let k = 0; k < B; k++) centred[u * B + k] = c[u * B + k]! - m;
  }
  const cov = new Float64Array(U * U);
  for (let i = 0; i < U; i++) {
    for (let j = i; j < U; j++) {
      let s = 0;
      for (let k = 0; k < B; k++) s += centred[i * B + k]! * centred[j * B + k]!;
      cov[i * U + j] = s;
      cov[j * U + i] = s;
    }
  }
  const out = new Float64Array(U * U);
  for (let i = 0; i < U; i++) {
    for (let j = 0; j < U; j++) out[i * U + j] = cov[i * U + j]! / Math.sqrt(cov[i * U + i]! * cov[j * U + j]!);
  }
  return out;
}
