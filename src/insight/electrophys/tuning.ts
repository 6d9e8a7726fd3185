// Per-unit grating properties as Brain-Score's Ringach 2002 benchmark computes them: F0 (mean
// over phases) and F1 (2·|DFT₁|/nPhases) per SF × orientation, taken at the SF/orientation of
// largest F0; modulation ratio F1/F0 (> 1 simple, < 1 complex); circular variance, orientation
// half-bandwidth (Hanning-smoothed, spline-interpolated, 0.707 threshold) and the
// orthogonal/preferred ratio of the orientation curve at the preferred SF.

import { ArgumentError, ShapeError } from '../../errors.js';
import { notAKnotSpline } from './spline.js';

export interface UnitProperties {
  maxDc: number;
  minDc: number;
  maxAc: number;
  modulationRatio: number;
  circularVariance: number;
  /** Half-width at 0.707 of the peak, degrees; NaN when the curve never falls that low (untuned). */
  bandwidth: number;
  orthogonalPreferredRatio: number;
  preferredOrientation: number;
  /** In the units of the SF list given (cycles/image or cycles/degree). */
  preferredSf: number;
}

/** F0 and F1 for each SF × orientation of one unit's responses (nSF·nOri·nPhase, phase fastest). */
export function f0f1(resp: ArrayLike<number>, nSf: number, nOri: number, nPhase: number): { f0: Float64Array; f1: Float64Array } {
  if (resp.length !== nSf * nOri * nPhase) throw new ShapeError(`f0f1: ${resp.length} responses for ${nSf} SFs × ${nOri} orientations × ${nPhase} phases`);
  const f0 = new Float64Array(nSf * nOri), f1 = new Float64Array(nSf * nOri);
  for (let c = 0; c < nSf * nOri; c++) {
    let s = 0, re = 0, im = 0;
    for (let p = 0; p < nPhase; p++) {
      const r = resp[c * nPhase + p]!, w = (2 * Math.PI * p) / nPhase;
      s += r; re += r * Math.cos(w); im -= r * Math.sin(w);
    }
    f0[c] = s / nPhase;
    f1[c] = (2 * Math.hypot(re, im)) / nPhase;
  }
  return { f0, f1 };
}

/** 1 − |Σ r·e^{2iθ}| / Σ|r|: 0 for a unit answering one orientation, 1 for an untuned one. */
export function circularVariance(curve: ArrayLike<number>, orientationsDeg: ArrayLike<number>): number {
  let re = 0, im = 0, s = 0;
  for (let i = 0; i < curve.length; i++) {
    const a = (2 * orientationsDeg[i]! * Math.PI) / 180;
    re += curve[i]! * Math.cos(a); im += curve[i]! * Math.sin(a); s += Math.abs(curve[i]!);
  }
  return 1 - Math.hypot(re, im) / s;
}

/** Response at the orthogonal orientation over the response at the preferred one. */
export function orthogonalPreferredRatio(curve: ArrayLike<number>): number {
  const n = curve.length;
  let p = 0;
  for (let i = 1; i < n; i++) if (curve[i]! > curve[p]!) p = i;
  return curve[(p + Math.trunc(n / 2)) % n]! / curve[p]!;
}

/**
 * Orientation bandwidth as Brain-Score's calc_bandwidth(filt_type='hanning', thrsh, mode='half'):
 * the curve is tiled over −180 … 360°, smoothed with [0, 2/5, 1, 2/5, 0]/(9/5) (zero-padded at the
 * ends), interpolated by a cubic spline at 1° steps, and the width at `thrsh` of the peak found
 * in [0, 180) is halved. NaN when no crossing is found or the full width exceeds 180°.
 */
export function orientationBandwidth(curve: ArrayLike<number>, orientationsDeg: ArrayLike<number>, thrsh = 0.707): number {
  const n = curve.length;
  if (n < 2 || orientationsDeg.length !== n) throw new ShapeError(`orientationBandwidth: ${n} responses for ${orientationsDeg.length} orientations`);
  const x = new Float64Array(3 * n), ext = new Float64Array(3 * n);
  for (let r = 0; r < 3; r++) for (let i = 0; i < n; i++) { x[r * n + i] = orientationsDeg[i]! + 180 * (r - 1); ext[r * n + i] = curve[i]!; }
  const w = [0, 2 / 5, 1, 2 / 5, 0].map((v) => v / (9 / 5));
  const sm = new Float64Array(3 * n);
  for (let i = 0; i < 3 * n; i++) {
    let s = 0;
    for (let k = -2; k <= 2; k++) { const j = i + k; if (j >= 0 && j < 3 * n) s += w[k + 2]! * ext[j]!; }
    sm[i] = s;
  }
  const spl = notAKnotSpline(x, sm);
  const full = new Float64Array(540); // degrees −180 … 359
  for (let i = 0; i < 540; i++) full[i] = spl(i - 180);
  let pref = 0;
  for (let i = 1; i < 180; i++) if (full[180 + i]! > full[180 + pref]!) pref = i;
  const cut = full[180 + pref]! * thrsh;
  let p1 = -1, p2 = -1;
  for (let i = 180 + pref - 1; i >= 0; i--) if (full[i]! <= cut) { p1 = i; break; }
  for (let i = 180 + pref + 1; i < 540; i++) if (full[i]! <= cut) { p2 = i; break; }
  if (p1 < 0 || p2 < 0) return NaN;
  const bw = p2 - p1;
  return bw > 180 ? NaN : bw / 2;
}

/** Properties of one unit from its responses (nSF·nOri·nPhase, phase fastest). */
export function unitProperties(resp: ArrayLike<number>, sfs: readonly number[], orientationsDeg: readonly number[], nPhase: number): UnitProperties {
  const nSf = sfs.length, nOri = orientationsDeg.length;
  if (nOri < 2) throw new ArgumentError(`unitProperties: ${nOri} orientations; need at least 2`);
  const { f0, f1 } = f0f1(resp, nSf, nOri, nPhase);
  let best = 0;
  for (let i = 1; i < f0.length; i++) if (f0[i]! > f0[best]!) best = i; // first maximum, as np.argmax
  const s = Math.trunc(best / nOri), o = best % nOri;
  const curve = f0.subarray(s * nOri, (s + 1) * nOri);
  let minDc = Infinity;
  for (const v of curve) minDc = Math.min(minDc, v);
  return {
    maxDc: f0[best]!, minDc, maxAc: f1[best]!, modulationRatio: f1[best]! / f0[best]!,
    circularVariance: circularVariance(curve, orientationsDeg),
    bandwidth: orientationBandwidth(curve, orientationsDeg, 0.707),
    orthogonalPreferredRatio: orthogonalPreferredRatio(curve),
    preferredOrientation: orientationsDeg[o]!, preferredSf: sfs[s]!,
  };
}
