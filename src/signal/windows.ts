// Window functions as scipy.signal.get_window: symmetric (fftbins=false, for filter design) or
// periodic (fftbins=true, the default, for spectral analysis: the symmetric window of M+1 points
// without its last point).

import { ArgumentError } from '../errors.js';

/** A window name, or a [name, parameter] pair such as ['kaiser', 5.0]. */
export type WindowSpec = 'hann' | 'hamming' | 'blackman' | 'boxcar' | ['kaiser', number];

/** numpy.linspace(start, stop, num) with numpy's rounding: start + i*step, last point exact. */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const y = new Float64Array(num);
  if (num === 0) return y;
  const div = num - 1;
  const step = div > 0 ? (stop - start) / div : 0;
  for (let i = 0; i < num; i++) y[i] = i * step + start;
  if (num > 1) y[num - 1] = stop;
  return y;
}

/** Modified Bessel function of the first kind, order 0 (power series; all terms positive). */
export function i0(x: number): number {
  const q = (x * x) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 500; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

function generalCosine(m: number, a: readonly number[]): Float64Array {
  const fac = linspace(-Math.PI, Math.PI, m);
  const w = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let k = 0; k < a.length; k++) s += a[k]! * Math.cos(k * fac[i]!);
    w[i] = s;
  }
  return w;
}

function kaiser(m: number, beta: number): Float64Array {
  const w = new Float64Array(m);
  const alpha = (m - 1) / 2;
  const denom = i0(beta);
  for (let n = 0; n < m; n++) {
    const r = (n - alpha) / alpha;
    w[n] = i0(beta * Math.sqrt(1 - r * r)) / denom;
  }
  return w;
}

/**
 * scipy.signal.get_window(window, nx, fftbins). `fftbins=true` (default) gives the periodic
 * window used by welch/stft; `false` the symmetric one used by firwin.
 */
export function getWindow(window: WindowSpec, nx: number, fftbins = true): Float64Array {
  if (!Number.isInteger(nx) || nx < 0) throw new ArgumentError(`getWindow: length must be a non-negative integer, got ${nx}`);
  if (nx === 0) return new Float64Array(0);
  if (nx === 1) return new Float64Array([1]);
  const m = fftbins ? nx + 1 : nx;
  let w: Float64Array;
  const name = Array.isArray(window) ? window[0] : window;
  switch (name) {
    case 'hann': w = generalCosine(m, [0.5, 0.5]); break;
    case 'hamming': w = generalCosine(m, [0.54, 0.46]); break;
    case 'blackman': w = generalCosine(m, [0.42, 0.5, 0.08]); break;
    case 'boxcar': w = new Float64Array(m).fill(1); break;
    case 'kaiser': {
      const beta = Array.isArray(window) ? window[1] : NaN;
      if (!Number.isFinite(beta)) throw new ArgumentError(`getWindow: kaiser needs a beta, e.g. ['kaiser', 5.0]`);
      w = kaiser(m, beta);
      break;
    }
    default:
      throw new ArgumentError(`getWindow: unknown window ${JSON.stringify(window)} (hann, hamming, blackman, boxcar, ['kaiser', beta])`);
  }
  return fftbins ? w.slice(0, nx) : w;
}
