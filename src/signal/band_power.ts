// Spectral and amplitude summaries of one channel, the classical EEG features: band powers from
// a Welch PSD, variance, line length.

import { ArgumentError } from '../errors.js';
import { welch, type WelchOptions } from './welch.js';

/**
 * Power in each band [lo, hi) Hz: the Welch PSD summed over the bins lo <= f < hi times the bin
 * width (as numpy `p[(f >= lo) & (f < hi)].sum() * df`).
 */
export function bandPowers(x: ArrayLike<number>, sfreq: number, bands: readonly (readonly [number, number])[], opts: WelchOptions = {}): Float64Array {
  const { f, pxx } = welch(x, sfreq, opts);
  if (f.length < 2) throw new ArgumentError(`bandPowers: a signal of ${x.length} samples gives no spectrum`);
  const df = f[1]! - f[0]!;
  return Float64Array.from(bands, ([lo, hi]) => {
    if (!(lo < hi)) throw new ArgumentError(`bandPowers: band [${lo}, ${hi}) is empty`);
    let s = 0;
    for (let i = 0; i < f.length; i++) if (f[i]! >= lo && f[i]! < hi) s += pxx[i]!;
    return s * df;
  });
}

/** Population variance (ddof 0), as numpy's var. */
export function populationVariance(x: ArrayLike<number>): number {
  const n = x.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i]!;
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i]! - m) ** 2;
  return v / n;
}

/** Line length: the mean absolute difference between neighbouring samples. */
export function lineLength(x: ArrayLike<number>): number {
  if (x.length < 2) throw new ArgumentError(`lineLength: needs at least 2 samples, got ${x.length}`);
  let s = 0;
  for (let i = 1; i < x.length; i++) s += Math.abs(x[i]! - x[i - 1]!);
  return s / (x.length - 1);
}
