// Resampling. Two algorithms, each matching its reference:
//  - resamplePoly: scipy.signal.resample_poly (polyphase FIR: upsample, Kaiser-windowed low-pass,
//    downsample; zero padding outside the signal by default).
//  - resample: mne.filter.resample as in MNE 1.x up to 1.5 (FFT method: pad each end by
//    npad=100 samples with 'reflect_limited', change the length of the spectrum with a boxcar
//    window, cut the padding back off).

import { ArgumentError } from '../errors.js';
import { irfft, rfft } from './fft.js';
import { firwin } from './firwin.js';
import { roundHalfEven } from './create_filter.js';
import { smartPad, type PadMode } from './filter_data.js';
import type { WindowSpec } from './windows.js';

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

const upfirdnLength = (nH: number, nIn: number, up: number, down: number): number =>
  Math.floor(((nIn - 1) * up + nH - 1) / down) + 1;

/**
 * scipy.signal.upfirdn(h, x, up, down, mode='constant', cval): upsample by zero insertion, FIR
 * filter (full convolution), downsample. Samples outside x read as `cval` (default 0).
 */
export function upfirdn(h: ArrayLike<number>, x: ArrayLike<number>, up = 1, down = 1, cval = 0): Float64Array {
  if (!Number.isInteger(up) || !Number.isInteger(down) || up < 1 || down < 1) throw new ArgumentError(`upfirdn: up and down must be integers >= 1, got ${up}, ${down}`);
  if (h.length === 0) throw new ArgumentError('upfirdn: h must have at least one coefficient');
  const nOut = upfirdnLength(h.length, x.length, up, down);
  const y = new Float64Array(nOut);
  for (let k = 0; k < nOut; k++) {
    // y[k] = sum_i h[k*down - i*up] x[i]
    const t = k * down;
    const iMax = Math.floor(t / up);
    let s = 0;
    for (let i = Math.ceil((t - (h.length - 1)) / up); i <= iMax; i++) {
      const v = i >= 0 && i < x.length ? x[i]! : cval;
      if (v !== 0) s += h[t - i * up]! * v;
    }
    y[k] = s;
  }
  return y;
}

export interface ResamplePolyOptions {
  /** FIR window for the anti-aliasing filter (default ['kaiser', 5.0]) or the FIR coefficients themselves. */
  window?: WindowSpec | Float64Array;
  /** Values assumed outside the signal: 'constant' (cval, default 0) or the signal's mean/median/minimum/maximum. */
  padtype?: 'constant' | 'mean' | 'median' | 'minimum' | 'maximum';
  cval?: number;
}

/** scipy.signal.resample_poly(x, up, down, window=('kaiser', 5.0)): length ceil(n * up / down). */
export function resamplePoly(x: ArrayLike<number>, up: number, down: number, opts: ResamplePolyOptions = {}): Float64Array {
  if (!Number.isInteger(up) || !Number.isInteger(down)) throw new ArgumentError(`resamplePoly: up and down must be integers, got ${up}, ${down}`);
  if (up < 1 || down < 1) throw new ArgumentError(`resamplePoly: up and down must be >= 1, got ${up}, ${down}`);
  const padtype = opts.padtype ?? 'constant';
  if (opts.cval !== undefined && padtype !== 'constant') throw new ArgumentError(`resamplePoly: cval has no effect when padtype is ${padtype}`);
  const g = gcd(up, down);
  up /= g;
  down /= g;
  if (up === 1 && down === 1) return Float64Array.from(x);
  const nIn = x.length;
  const nOut = Math.floor((nIn * up) / down) + ((nIn * up) % down ? 1 : 0);
  const window = opts.window ?? ['kaiser', 5.0];
  let h: Float64Array;
  let halfLen: number;
  if (window instanceof Float64Array) {
    h = Float64Array.from(window);
    halfLen = (h.length - 1) >> 1;
  } else {
    const maxRate = Math.max(up, down);
    halfLen = 10 * maxRate;
    h = firwin(2 * halfLen + 1, 1 / maxRate, { window });
  }
  for (let i = 0; i < h.length; i++) h[i] = h[i]! * up;
  const nPrePad = down - (halfLen % down);
  let nPostPad = 0;
  const nPreRemove = Math.floor((halfLen + nPrePad) / down);
  while (upfirdnLength(h.length + nPrePad + nPostPad, nIn, up, down) < nOut + nPreRemove) nPostPad++;
  const hp = new Float64Array(nPrePad + h.length + nPostPad);
  hp.set(h, nPrePad);
  const xs = Float64Array.from(x);
  if (padtype === 'constant') return upfirdn(hp, xs, up, down, opts.cval ?? 0).slice(nPreRemove, nPreRemove + nOut);
  let bg: number;
  if (padtype === 'mean') bg = xs.reduce((a, b) => a + b, 0) / nIn;
  else if (padtype === 'minimum') bg = xs.reduce((a, b) => Math.min(a, b), Infinity);
  else if (padtype === 'maximum') bg = xs.reduce((a, b) => Math.max(a, b), -Infinity);
  else if (padtype === 'median') {
    const s = Float64Array.from(xs).sort();
    bg = nIn % 2 ? s[(nIn - 1) / 2]! : (s[nIn / 2 - 1]! + s[nIn / 2]!) / 2;
  } else throw new ArgumentError(`resamplePoly: unknown padtype ${String(padtype)}`);
  for (let i = 0; i < nIn; i++) xs[i] = xs[i]! - bg;
  const y = upfirdn(hp, xs, up, down).slice(nPreRemove, nPreRemove + nOut);
  for (let i = 0; i < y.length; i++) y[i] = y[i]! + bg;
  return y;
}

export interface ResampleOptions {
  /** Samples of padding at each end (default 100, MNE 1.x up to 1.5) or 'auto' (to a power of two). */
  npad?: number | 'auto';
  /** Edge padding (default 'reflect_limited'). */
  pad?: PadMode;
}

/**
 * mne.filter.resample(x, up, down, npad=100, window='boxcar', pad='reflect_limited'), FFT-based.
 * up/down may be non-integers; the output has round(n * up / down) samples.
 */
export function resample(x: ArrayLike<number>, up = 1, down = 1, opts: ResampleOptions = {}): Float64Array {
  if (!(up > 0) || !(down > 0)) throw new ArgumentError(`resample: up and down must be positive, got ${up}, ${down}`);
  const ratio = up / down;
  const xLen = x.length;
  const finalLen = Math.max(roundHalfEven(ratio * xLen), 1);
  if (xLen === 0) return new Float64Array(0);
  const npad = opts.npad ?? 100;
  let npads: [number, number];
  if (npad === 'auto') {
    const minAdd = Math.min(xLen >> 3, 100) * 2;
    let p2 = 1;
    while (p2 < xLen + minAdd) p2 *= 2;
    const total = p2 - xLen;
    npads = [total >> 1, (total >> 1) + (total % 2)];
  } else {
    if (!Number.isInteger(npad) || npad < 0) throw new ArgumentError(`resample: npad must be "auto" or a non-negative integer, got ${npad}`);
    npads = [npad, npad];
  }
  const origLen = xLen + npads[0] + npads[1];
  const newLen = Math.max(roundHalfEven(ratio * origLen), 1);
  const remove0 = roundHalfEven(ratio * npads[0]);
  const remove1 = newLen - finalLen - remove0;
  const w = newLen / origLen; // boxcar window, folded onto the half spectrum
  const xp = smartPad(x, npads[0], npads[1], opts.pad ?? 'reflect_limited');
  const oldLen = xp.length;
  const shorter = newLen < oldLen;
  const useLen = shorter ? newLen : oldLen;
  const X = rfft(xp);
  if (useLen % 2 === 0) {
    const nyq = useLen / 2;
    if (nyq < X.re.length) {
      const f = shorter ? 2 : 0.5;
      X.re[nyq] = X.re[nyq]! * f;
      X.im[nyq] = X.im[nyq]! * f;
    }
  }
  for (let k = 0; k < X.re.length; k++) { X.re[k] = X.re[k]! * w; X.im[k] = X.im[k]! * w; }
  const y = irfft(X.re, X.im, newLen);
  return remove0 > 0 || remove1 > 0 ? y.slice(remove0, y.length - remove1) : y;
}
