// Power spectral density by Welch's method, as scipy.signal.welch (one-sided, real input).

import { ArgumentError } from '../errors.js';
import { rfft } from './fft.js';
import { getWindow, type WindowSpec } from './windows.js';

export interface WelchOptions {
  /** Window name/spec (periodic, as scipy) or the window values (default 'hann'). */
  window?: WindowSpec | Float64Array;
  /** Segment length (default 256, or the window's length; capped at the signal length). */
  nperseg?: number;
  /** Overlap (default nperseg // 2). */
  noverlap?: number;
  /** FFT length (default nperseg). */
  nfft?: number;
  /** Per-segment detrending: 'constant' (default, remove the mean), 'linear', or false. */
  detrend?: 'constant' | 'linear' | false;
  /** 'density' (V²/Hz, default) or 'spectrum' (V²). */
  scaling?: 'density' | 'spectrum';
  /** 'mean' (default) or 'median' (bias-corrected) across segments. */
  average?: 'mean' | 'median';
}

function detrendLinear(d: Float64Array): void {
  // least-squares line over t = 0..n-1, as scipy.signal.detrend(type='linear')
  const n = d.length;
  if (n < 2) { if (n === 1) d[0] = 0; return; }
  const tm = (n - 1) / 2;
  let ym = 0;
  for (let i = 0; i < n; i++) ym += d[i]!;
  ym /= n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) { sxy += (i - tm) * (d[i]! - ym); sxx += (i - tm) * (i - tm); }
  const slope = sxy / sxx;
  for (let i = 0; i < n; i++) d[i] = d[i]! - (ym + slope * (i - tm));
}

/** scipy's _median_bias(n): the median of n chi^2_2 periodograms is biased low by this factor. */
export function medianBias(n: number): number {
  let s = 0;
  for (let k = 1; k <= (n - 1) >> 1; k++) s += 1 / (2 * k + 1) - 1 / (2 * k);
  return 1 + s;
}

/** scipy.signal.welch(x, fs, ...): frequencies f (Hz) and one-sided PSD pxx. */
export function welch(x: ArrayLike<number>, fs = 1.0, opts: WelchOptions = {}): { f: Float64Array; pxx: Float64Array } {
  const n = x.length;
  if (n === 0) return { f: new Float64Array(0), pxx: new Float64Array(0) };
  const winSpec = opts.window ?? 'hann';
  let win: Float64Array;
  let nperseg: number;
  if (winSpec instanceof Float64Array) {
    win = winSpec;
    if (n < win.length) throw new ArgumentError(`welch: window (${win.length}) is longer than the input signal (${n})`);
    if (opts.nperseg !== undefined && opts.nperseg !== win.length) throw new ArgumentError(`welch: nperseg ${opts.nperseg} differs from the window length ${win.length}`);
    nperseg = win.length;
  } else {
    nperseg = opts.nperseg ?? 256;
    if (!Number.isInteger(nperseg) || nperseg < 1) throw new ArgumentError(`welch: nperseg must be a positive integer, got ${nperseg}`);
    if (nperseg > n) nperseg = n; // scipy warns and uses the signal length
    win = getWindow(winSpec, nperseg);
  }
  const nfft = opts.nfft ?? nperseg;
  if (nfft < nperseg) throw new ArgumentError(`welch: nfft (${nfft}) must be >= nperseg (${nperseg})`);
  const noverlap = opts.noverlap ?? nperseg >> 1;
  if (noverlap >= nperseg) throw new ArgumentError(`welch: noverlap (${noverlap}) must be less than nperseg (${nperseg})`);
  const step = nperseg - noverlap;
  const detrend = opts.detrend ?? 'constant';
  const scaling = opts.scaling ?? 'density';
  let scale: number;
  if (scaling === 'density') { let s = 0; for (const w of win) s += w * w; scale = 1 / (fs * s); }
  else if (scaling === 'spectrum') { let s = 0; for (const w of win) s += w; scale = 1 / (s * s); }
  else throw new ArgumentError(`welch: unknown scaling ${String(scaling)}`);
  const nSeg = Math.floor((n - noverlap) / step);
  const nF = (nfft >> 1) + 1;
  const per: Float64Array[] = [];
  const seg = new Float64Array(nperseg);
  for (let s = 0; s < nSeg; s++) {
    for (let i = 0; i < nperseg; i++) seg[i] = x[s * step + i]!;
    if (detrend === 'constant') {
      let m = 0;
      for (let i = 0; i < nperseg; i++) m += seg[i]!;
      m /= nperseg;
      for (let i = 0; i < nperseg; i++) seg[i] = seg[i]! - m;
    } else if (detrend === 'linear') detrendLinear(seg);
    for (let i = 0; i < nperseg; i++) seg[i] = seg[i]! * win[i]!;
    const X = rfft(seg, nfft);
    const p = new Float64Array(nF);
    for (let k = 0; k < nF; k++) {
      let v = (X.re[k]! * X.re[k]! + X.im[k]! * X.im[k]!) * scale;
      if (k > 0 && (nfft % 2 === 1 || k < nF - 1)) v *= 2;
      p[k] = v;
    }
    per.push(p);
  }
  const pxx = new Float64Array(nF);
  const average = opts.average ?? 'mean';
  if (per.length === 1) pxx.set(per[0]!);
  else if (average === 'mean') {
    for (const p of per) for (let k = 0; k < nF; k++) pxx[k] = pxx[k]! + p[k]!;
    for (let k = 0; k < nF; k++) pxx[k] = pxx[k]! / per.length;
  } else if (average === 'median') {
    const bias = medianBias(per.length);
    const col = new Float64Array(per.length);
    for (let k = 0; k < nF; k++) {
      for (let s = 0; s < per.length; s++) col[s] = per[s]![k]!;
      col.sort();
      const m = per.length;
      pxx[k] = (m % 2 ? col[(m - 1) / 2]! : (col[m / 2 - 1]! + col[m / 2]!) / 2) / bias;
    }
  } else throw new ArgumentError(`welch: average must be 'mean' or 'median', got ${String(average)}`);
  const f = new Float64Array(nF);
  for (let k = 0; k < nF; k++) f[k] = k / (nfft * (1 / fs));
  return { f, pxx };
}
