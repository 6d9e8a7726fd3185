// FIR design by the window method, as scipy.signal.firwin (and kaiserord helpers).

import { ArgumentError } from '../errors.js';
import { getWindow, type WindowSpec } from './windows.js';

export interface FirwinOptions {
  /** Approximate transition width (same units as fs); selects a Kaiser window and overrides `window`. */
  width?: number;
  /** Window (default 'hamming'). */
  window?: WindowSpec;
  /** true/'lowpass'/'bandstop': the DC gain is 1; false/'highpass'/'bandpass': 0. Default true. */
  passZero?: boolean | 'lowpass' | 'highpass' | 'bandpass' | 'bandstop';
  /** Scale so that the first passband has unit gain at its centre (default true). */
  scale?: boolean;
  /** Sampling frequency (default 2: cutoffs relative to Nyquist = 1). */
  fs?: number;
}

/** numpy.sinc: sin(pi x)/(pi x). */
export function sinc(x: number): number {
  const y = Math.PI * (x === 0 ? 1e-20 : x);
  return Math.sin(y) / y;
}

/** scipy.signal.kaiser_atten: stop-band attenuation (dB) of a Kaiser FIR filter. */
export function kaiserAtten(numtaps: number, width: number): number {
  return 2.285 * (numtaps - 1) * Math.PI * width + 7.95;
}

/** scipy.signal.kaiser_beta: Kaiser beta for a given attenuation in dB. */
export function kaiserBeta(a: number): number {
  if (a > 50) return 0.1102 * (a - 8.7);
  if (a > 21) return 0.5842 * (a - 21) ** 0.4 + 0.07886 * (a - 21);
  return 0;
}

/**
 * scipy.signal.firwin(numtaps, cutoff, ...): linear-phase FIR coefficients. `cutoff` in units
 * of `fs` (default fs = 2), strictly increasing, each 0 < f < fs/2.
 */
export function firwin(numtaps: number, cutoff: number | readonly number[], opts: FirwinOptions = {}): Float64Array {
  if (!Number.isInteger(numtaps) || numtaps < 1) throw new ArgumentError(`firwin: numtaps must be a positive integer, got ${numtaps}`);
  const nyq = 0.5 * (opts.fs ?? 2);
  const cut = (typeof cutoff === 'number' ? [cutoff] : [...cutoff]).map((c) => c / nyq);
  if (cut.length === 0) throw new ArgumentError('firwin: at least one cutoff frequency must be given');
  if (Math.min(...cut) <= 0 || Math.max(...cut) >= 1) {
    throw new ArgumentError(`firwin: invalid cutoff ${JSON.stringify(cutoff)}: frequencies must be > 0 and < fs/2 (${nyq})`);
  }
  for (let i = 1; i < cut.length; i++) {
    if (cut[i]! <= cut[i - 1]!) throw new ArgumentError(`firwin: cutoff frequencies must be strictly increasing, got ${JSON.stringify(cutoff)}`);
  }
  let window: WindowSpec = opts.window ?? 'hamming';
  if (opts.width !== undefined) window = ['kaiser', kaiserBeta(kaiserAtten(numtaps, opts.width / nyq))];
  let pz = opts.passZero ?? true;
  if (typeof pz === 'string') {
    if ((pz === 'lowpass' || pz === 'highpass') && cut.length !== 1) throw new ArgumentError(`firwin: cutoff must have one element if passZero is '${pz}', got ${cut.length}`);
    if ((pz === 'bandpass' || pz === 'bandstop') && cut.length <= 1) throw new ArgumentError(`firwin: cutoff must have at least two elements if passZero is '${pz}'`);
    pz = pz === 'lowpass' || pz === 'bandstop';
  }
  const passNyquist = (cut.length % 2 === 1) !== pz;
  if (passNyquist && numtaps % 2 === 0) throw new ArgumentError(`firwin: a filter with an even number of coefficients (${numtaps}) must have zero response at Nyquist`);
  const edges = [...(pz ? [0] : []), ...cut, ...(passNyquist ? [1] : [])];
  const alpha = 0.5 * (numtaps - 1);
  const h = new Float64Array(numtaps);
  for (let b = 0; b < edges.length; b += 2) {
    const left = edges[b]!;
    const right = edges[b + 1]!;
    for (let i = 0; i < numtaps; i++) {
      const m = i - alpha;
      h[i] = h[i]! + right * sinc(right * m) - left * sinc(left * m);
    }
  }
  const win = getWindow(window, numtaps, false);
  for (let i = 0; i < numtaps; i++) h[i] = h[i]! * win[i]!;
  if (opts.scale ?? true) {
    const left = edges[0]!;
    const right = edges[1]!;
    const f = left === 0 ? 0 : right === 1 ? 1 : 0.5 * (left + right);
    let s = 0;
    for (let i = 0; i < numtaps; i++) s += h[i]! * Math.cos(Math.PI * (i - alpha) * f);
    for (let i = 0; i < numtaps; i++) h[i] = h[i]! / s;
  }
  return h;
}
