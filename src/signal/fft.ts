// Discrete Fourier transforms over Float64Array pairs (re, im), numpy.fft/scipy.fft semantics.
// Any length: iterative radix-2 for powers of two, Bluestein's chirp-z (over a power of two)
// otherwise. Plans (twiddles, chirps) are cached per length.

import FFT from 'fft.js';
import { ArgumentError } from '../errors.js';

/** A complex vector as two parallel arrays. */
export interface Complex {
  re: Float64Array;
  im: Float64Array;
}

interface Radix2Plan { kind: 'radix2'; n: number; cos: Float64Array; sin: Float64Array; rev: Uint32Array }
interface BluesteinPlan { kind: 'bluestein'; n: number; m: number; wRe: Float64Array; wIm: Float64Array; bRe: Float64Array; bIm: Float64Array; inner: Radix2Plan }
type Plan = Radix2Plan | BluesteinPlan;

const plans = new Map<number, Plan>();
const MAX_PLANS = 32;

const isPow2 = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;

function radix2Plan(n: number): Radix2Plan {
  const half = n >> 1;
  const cos = new Float64Array(half);
  const sin = new Float64Array(half);
  for (let k = 0; k < half; k++) {
    const a = (-2 * Math.PI * k) / n;
    cos[k] = Math.cos(a);
    sin[k] = Math.sin(a);
  }
  const rev = new Uint32Array(n);
  let bits = 0;
  while (1 << bits < n) bits++;
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    rev[i] = r;
  }
  return { kind: 'radix2', n, cos, sin, rev };
}

function getPlan(n: number): Plan {
  let p = plans.get(n);
  if (p) return p;
  if (isPow2(n)) p = radix2Plan(n);
  else {
    let m = 1;
    while (m < 2 * n - 1) m <<= 1;
    // chirp w_k = exp(-i pi k^2 / n); k^2 reduced mod 2n keeps the angle exact
    const wRe = new Float64Array(n);
    const wIm = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const k2 = (k * k) % (2 * n);
      const a = (-Math.PI * k2) / n;
      wRe[k] = Math.cos(a);
      wIm[k] = Math.sin(a);
    }
    const inner = getPlan(m) as Radix2Plan;
    const bRe = new Float64Array(m);
    const bIm = new Float64Array(m);
    bRe[0] = wRe[0]!;
    bIm[0] = -wIm[0]!;
    for (let k = 1; k < n; k++) {
      bRe[k] = bRe[m - k] = wRe[k]!;
      bIm[k] = bIm[m - k] = -wIm[k]!;
    }
    radix2(inner, bRe, bIm, false);
    p = { kind: 'bluestein', n, m, wRe, wIm, bRe, bIm, inner };
  }
  if (plans.size >= MAX_PLANS) plans.delete(plans.keys().next().value as number);
  plans.set(n, p);
  return p;
}

// Power-of-two lengths ≥ 4 run on fft.js (radix-4, precomputed tables: ~4× the plain
// radix-2 loop below, measured at 4096 points); the loop stays for n = 2 and as the reference.
interface FftJs {
  transform(out: Float64Array, data: Float64Array): void;
}
const fftjs = new Map<number, { f: FftJs; a: Float64Array; b: Float64Array }>();

function fastPow2(n: number, re: Float64Array, im: Float64Array, inverse: boolean): void {
  let e = fftjs.get(n);
  if (!e) {
    if (fftjs.size >= MAX_PLANS) fftjs.clear();
    e = { f: new FFT(n) as unknown as FftJs, a: new Float64Array(2 * n), b: new Float64Array(2 * n) };
    fftjs.set(n, e);
  }
  const { f, a, b } = e;
  // the unnormalised inverse is conj(FFT(conj x))
  const sg = inverse ? -1 : 1;
  for (let i = 0; i < n; i++) {
    a[2 * i] = re[i]!;
    a[2 * i + 1] = sg * im[i]!;
  }
  f.transform(b, a);
  for (let i = 0; i < n; i++) {
    re[i] = b[2 * i]!;
    im[i] = sg * b[2 * i + 1]!;
  }
}

// In place, unnormalised; inverse flips the twiddle sign.
function radix2(p: Radix2Plan, re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = p.n;
  if (n >= 4) return fastPow2(n, re, im, inverse);
  const rev = p.rev;
  for (let i = 0; i < n; i++) {
    const j = rev[i]!;
    if (j > i) {
      let t = re[i]!; re[i] = re[j]!; re[j] = t;
      t = im[i]!; im[i] = im[j]!; im[j] = t;
    }
  }
  const sgn = inverse ? -1 : 1;
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < half; k++) {
        const wr = p.cos[k * step]!;
        const wi = sgn * p.sin[k * step]!;
        const a = start + k;
        const b = a + half;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
      }
    }
  }
}

function bluestein(p: BluesteinPlan, re: Float64Array, im: Float64Array, inverse: boolean): void {
  const { n, m, wRe, bRe } = p;
  // the inverse transform uses the conjugate chirp
  const s = inverse ? -1 : 1;
  const ar = new Float64Array(m);
  const ai = new Float64Array(m);
  for (let k = 0; k < n; k++) {
    const wr = wRe[k]!;
    const wi = s * p.wIm[k]!;
    ar[k] = re[k]! * wr - im[k]! * wi;
    ai[k] = re[k]! * wi + im[k]! * wr;
  }
  radix2(p.inner, ar, ai, false);
  for (let k = 0; k < m; k++) {
    const br = bRe[k]!;
    const bi = s * p.bIm[k]!;
    const r = ar[k]! * br - ai[k]! * bi;
    ai[k] = ar[k]! * bi + ai[k]! * br;
    ar[k] = r;
  }
  radix2(p.inner, ar, ai, true);
  const inv = 1 / m;
  for (let k = 0; k < n; k++) {
    const xr = ar[k]! * inv;
    const xi = ai[k]! * inv;
    const wr = wRe[k]!;
    const wi = s * p.wIm[k]!;
    re[k] = xr * wr - xi * wi;
    im[k] = xr * wi + xi * wr;
  }
}

/** In-place complex DFT, X_k = sum_j x_j exp(-2 pi i jk/n); `inverse` divides by n (numpy's "backward" norm). */
export function fftInPlace(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  if (im.length !== n) throw new ArgumentError(`fft: re and im lengths differ (${n} vs ${im.length})`);
  if (n <= 1) return;
  const p = getPlan(n);
  if (p.kind === 'radix2') radix2(p, re, im, inverse);
  else bluestein(p, re, im, inverse);
  if (inverse) {
    const s = 1 / n;
    for (let i = 0; i < n; i++) { re[i] = re[i]! * s; im[i] = im[i]! * s; }
  }
}

/** numpy.fft.fft(x, n): complex input (im optional), zero-padded or truncated to n. */
export function fft(re: ArrayLike<number>, im?: ArrayLike<number>, n: number = re.length): Complex {
  if (!Number.isInteger(n) || n < 1) throw new ArgumentError(`fft: n must be a positive integer, got ${n}`);
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  const m = Math.min(n, re.length);
  for (let i = 0; i < m; i++) { outRe[i] = re[i]!; outIm[i] = im ? im[i]! : 0; }
  fftInPlace(outRe, outIm, false);
  return { re: outRe, im: outIm };
}

/** numpy.fft.ifft(X, n), normalised by 1/n. */
export function ifft(re: ArrayLike<number>, im: ArrayLike<number>, n: number = re.length): Complex {
  if (!Number.isInteger(n) || n < 1) throw new ArgumentError(`ifft: n must be a positive integer, got ${n}`);
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  const m = Math.min(n, re.length);
  for (let i = 0; i < m; i++) { outRe[i] = re[i]!; outIm[i] = im[i]!; }
  fftInPlace(outRe, outIm, true);
  return { re: outRe, im: outIm };
}

/** numpy.fft.rfft(x, n): the n//2 + 1 non-negative-frequency bins of a real signal. */
export function rfft(x: ArrayLike<number>, n: number = x.length): Complex {
  if (n >= 4 && n % 2 === 0) return rfftEven(x, n);
  const full = fft(x, undefined, n);
  const h = (n >> 1) + 1;
  return { re: full.re.slice(0, h), im: full.im.slice(0, h) };
}

/**
 * numpy.fft.irfft(X, n): real signal of length n (default 2*(len-1)) from its half spectrum.
 * X is truncated or zero-padded to n//2 + 1 bins; the imaginary parts of the DC bin and (n even)
 * the Nyquist bin are ignored, as pocketfft's c2r does.
 */
export function irfft(re: ArrayLike<number>, im: ArrayLike<number>, n: number = 2 * (re.length - 1)): Float64Array {
  if (!Number.isInteger(n) || n < 1) throw new ArgumentError(`irfft: n must be a positive integer, got ${n}`);
  if (n >= 4 && n % 2 === 0) return irfftEven(re, im, n);
  const h = (n >> 1) + 1;
  const fr = new Float64Array(n);
  const fi = new Float64Array(n);
  const m = Math.min(h, re.length);
  for (let k = 0; k < m; k++) { fr[k] = re[k]!; fi[k] = im[k]!; }
  fi[0] = 0;
  if (n % 2 === 0 && h - 1 < n) fi[h - 1] = 0;
  // Hermitian completion: X[n-k] = conj(X[k])
  for (let k = 1; k < h; k++) {
    const j = n - k;
    if (j > k) { fr[j] = fr[k]!; fi[j] = -fi[k]!; }
  }
  fftInPlace(fr, fi, true);
  return fr;
}

/** The smallest 5-smooth number >= target (scipy/MNE next_fast_len; targets <= 6 returned as is). */
export function nextFastLen(target: number): number {
  if (target <= 6) return target;
  if (isPow2(target)) return target;
  let match = Infinity;
  for (let p5 = 1; p5 < 2 * target; p5 *= 5) {
    for (let p35 = p5; p35 < 2 * target; p35 *= 3) {
      let n = p35;
      while (n < target) n *= 2;
      if (n < match) match = n;
      if (match === target) return target;
    }
  }
  return match;
}

// ---- real transforms of even length through one complex FFT of half the length ----------
// z[k] = x[2k] + i·x[2k+1] (m = n/2 points); with Z = FFT(z), the spectra of the even and odd
// samples are E[k] = (Z[k] + conj Z[m−k]) / 2 and O[k] = (Z[k] − conj Z[m−k]) / 2i, and
// X[k] = E[k] + e^(−2πik/n)·O[k]. The inverse runs the same steps backwards. Half the work of
// a full complex transform of the zero-imaginary signal.

const twiddles = new Map<number, Float64Array>();
/** cos and sin of 2πk/n for k ≤ n/2, interleaved, cached per length. */
function halfTwiddles(n: number): Float64Array {
  let t = twiddles.get(n);
  if (!t) {
    const m = n / 2;
    t = new Float64Array(2 * (m + 1));
    for (let k = 0; k <= m; k++) {
      t[2 * k] = Math.cos((2 * Math.PI * k) / n);
      t[2 * k + 1] = Math.sin((2 * Math.PI * k) / n);
    }
    if (twiddles.size > 64) twiddles.clear();
    twiddles.set(n, t);
  }
  return t;
}

interface FftJsReal {
  realTransform(out: Float64Array, data: Float64Array): void;
}

function rfftEven(x: ArrayLike<number>, n: number): Complex {
  if (isPow2(n)) {
    // fft.js's real transform fills the non-negative half of the spectrum directly
    let e = fftjs.get(n);
    if (!e) {
      if (fftjs.size >= MAX_PLANS) fftjs.clear();
      e = { f: new FFT(n) as unknown as FftJs, a: new Float64Array(2 * n), b: new Float64Array(2 * n) };
      fftjs.set(n, e);
    }
    // the cached input buffer (first half of `a`): zero-padded copy of x, no allocation per call
    const inp = e.a.subarray(0, n);
    const m = Math.min(x.length, n);
    for (let i = 0; i < m; i++) inp[i] = x[i]!;
    inp.fill(0, m);
    (e.f as unknown as FftJsReal).realTransform(e.b, inp);
    const h = n / 2 + 1;
    const re = new Float64Array(h);
    const im = new Float64Array(h);
    for (let k = 0; k < h; k++) {
      re[k] = e.b[2 * k]!;
      im[k] = e.b[2 * k + 1]!;
    }
    return { re, im };
  }
  const m = n / 2;
  const zr = new Float64Array(m);
  const zi = new Float64Array(m);
  const len = Math.min(x.length, n);
  for (let i = 0; i < len; i++) {
    if (i & 1) zi[i >> 1] = x[i]!;
    else zr[i >> 1] = x[i]!;
  }
  fftInPlace(zr, zi, false);
  const tw = halfTwiddles(n);
  const h = m + 1;
  const outRe = new Float64Array(h);
  const outIm = new Float64Array(h);
  for (let k = 0; k <= m; k++) {
    const a = k % m;
    const b = (m - k) % m;
    const ar = zr[a]!, ai = zi[a]!;
    const br = zr[b]!, bi = -zi[b]!; // conj Z[m−k]
    const er = (ar + br) / 2, ei = (ai + bi) / 2;
    // O = (A − B) / 2i = (ai − bi)/2 − i (ar − br)/2
    const or = (ai - bi) / 2, oi = -(ar - br) / 2;
    const c = tw[2 * k]!, s = -tw[2 * k + 1]!; // e^(−2πik/n)
    outRe[k] = er + c * or - s * oi;
    outIm[k] = ei + c * oi + s * or;
  }
  return { re: outRe, im: outIm };
}

function irfftEven(re: ArrayLike<number>, im: ArrayLike<number>, n: number): Float64Array {
  const m = n / 2;
  const h = m + 1;
  const Xr = new Float64Array(h);
  const Xi = new Float64Array(h);
  const len = Math.min(h, re.length);
  for (let k = 0; k < len; k++) {
    Xr[k] = re[k]!;
    Xi[k] = im[k]!;
  }
  // pocketfft's c2r ignores the imaginary parts of the DC and Nyquist bins
  Xi[0] = 0;
  Xi[m] = 0;
  const zr = new Float64Array(m);
  const zi = new Float64Array(m);
  const tw = halfTwiddles(n);
  for (let k = 0; k < m; k++) {
    const ar = Xr[k]!, ai = Xi[k]!;
    const br = Xr[m - k]!, bi = -Xi[m - k]!; // conj X[m−k]
    const er = (ar + br) / 2, ei = (ai + bi) / 2;
    // O = (A − B)·e^(+2πik/n) / 2
    const dr = (ar - br) / 2, di = (ai - bi) / 2;
    const c = tw[2 * k]!, s = tw[2 * k + 1]!; // e^(+2πik/n)
    const or = dr * c - di * s, oi = dr * s + di * c;
    // Z = E + i·O
    zr[k] = er - oi;
    zi[k] = ei + or;
  }
  fftInPlace(zr, zi, true);
  const out = new Float64Array(n);
  for (let k = 0; k < m; k++) {
    out[2 * k] = zr[k]!;
    out[2 * k + 1] = zi[k]!;
  }
  return out;
}
