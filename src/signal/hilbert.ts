// Analytic signal (scipy.signal.hilbert) and amplitude envelope.

import { ArgumentError } from '../errors.js';
import { fft, fftInPlace, type Complex } from './fft.js';

/**
 * scipy.signal.hilbert(x, N): the analytic signal x + i H{x}, computed with an N-point FFT
 * (default len(x); x is zero-padded or truncated to N).
 */
export function hilbert(x: ArrayLike<number>, n: number = x.length): Complex {
  if (!Number.isInteger(n) || n <= 0) throw new ArgumentError(`hilbert: N must be positive, got ${n}`);
  const X = fft(x, undefined, n);
  // h: 1 at DC (and Nyquist for even N), 2 for positive frequencies, 0 for negative
  const half = n % 2 === 0 ? n / 2 : (n + 1) / 2;
  for (let k = 1; k < half; k++) { X.re[k] = X.re[k]! * 2; X.im[k] = X.im[k]! * 2; }
  for (let k = n % 2 === 0 ? half + 1 : half; k < n; k++) { X.re[k] = 0; X.im[k] = 0; }
  fftInPlace(X.re, X.im, true);
  return X;
}

/** |hilbert(x)|: the instantaneous amplitude (MNE's apply_hilbert(envelope=True) without its n_fft padding). */
export function envelope(x: ArrayLike<number>, n: number = x.length): Float64Array {
  const a = hilbert(x, n);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.hypot(a.re[i]!, a.im[i]!);
  return out;
}
