// Zero-phase FIR filtering as mne.filter.filter_data (method='fir'): the signal is padded at
// both ends by len(h) - 1 samples ('reflect_limited': point-reflected about the edge sample,
// zeros beyond the signal's own length), filtered by FFT overlap-add with MNE's choice of block
// length, delay-compensated, and cut back. 'direct' convolution gives the same numbers (to
// rounding) without FFTs.

import FFT from 'fft.js';
import { ArgumentError } from '../errors.js';
import { createFilter, type CreateFilterOptions } from './create_filter.js';
import { fftInPlace, irfft, nextFastLen, rfft } from './fft.js';

export type PadMode = 'reflect_limited' | 'constant';

export interface FilterDataOptions extends CreateFilterOptions {
  /** Edge padding (default 'reflect_limited', MNE's). 'constant' pads with zeros. */
  pad?: PadMode;
  /** 'fft' (default, MNE's overlap-add) or 'direct' time-domain convolution. */
  convolution?: 'fft' | 'direct';
  /** FFT block length for overlap-add; default chosen by MNE's cost model. */
  nFft?: number;
}

/** MNE `_smart_pad(x, [nLeft, nRight], pad)`. */
export function smartPad(x: ArrayLike<number>, nLeft: number, nRight: number, pad: PadMode = 'reflect_limited'): Float64Array {
  const n = x.length;
  if (nLeft < 0 || nRight < 0) throw new ArgumentError(`smartPad: padding must be non-negative, got ${nLeft}, ${nRight}`);
  const out = new Float64Array(n + nLeft + nRight);
  for (let i = 0; i < n; i++) out[nLeft + i] = x[i]!;
  if (pad === 'constant' || n === 0) return out;
  if (pad !== 'reflect_limited') throw new ArgumentError(`smartPad: unknown pad ${String(pad)}`);
  // left: zeros, then 2 x[0] - x[k] for k = min(nLeft, n-1) .. 1
  const kl = Math.min(nLeft, n - 1);
  const x0 = x[0]!;
  for (let j = 0; j < kl; j++) out[nLeft - 1 - j] = 2 * x0 - x[j + 1]!;
  const kr = Math.min(nRight, n - 1);
  const xe = x[n - 1]!;
  for (let j = 0; j < kr; j++) out[nLeft + n + j] = 2 * xe - x[n - 2 - j]!;
  return out;
}

const ceilLog2 = (n: number): number => {
  let k = 0;
  while (2 ** k < n) k++;
  return k;
};

/** MNE's overlap-add block length: the power of two minimising its multiply-count cost model. */
export function overlapAddFftLength(nH: number, nX: number): number {
  const minFft = 2 * nH - 1;
  if (nX < minFft) return nextFastLen(minFft);
  let best = 0;
  let bestCost = Infinity;
  for (let k = ceilLog2(minFft); k <= ceilLog2(nX); k++) {
    const N = 2 ** k;
    const cost = Math.ceil(nX / (N - nH + 1)) * N * (Math.log2(N) + 1) + 4e-5 * N * nX;
    if (cost < bestCost) { bestCost = cost; best = N; }
  }
  return best;
}

/**
 * Zero-phase application of an odd-length linear-phase FIR `h` (MNE `_overlap_add_filter`, one
 * channel). phase 'zero-double' filters with h convolved with its reverse.
 */
export function firFilterZeroPhase(x: ArrayLike<number>, h: Float64Array,
  opts: { phase?: 'zero' | 'zero-double'; pad?: PadMode; convolution?: 'fft' | 'direct'; nFft?: number } = {}): Float64Array {
  const phase = opts.phase ?? 'zero';
  if (phase === 'zero' && h.length % 2 === 0) throw new ArgumentError(`filterData: filter length must be odd if phase="zero", got ${h.length}`);
  const nXo = x.length;
  if (h.length === 1) {
    const g = phase === 'zero-double' ? h[0]! * h[0]! : h[0]!;
    return Float64Array.from(x, (v) => v * g);
  }
  const nEdge = Math.max(Math.min(h.length, nXo) - 1, 0);
  if (phase === 'zero-double') {
    const hh = new Float64Array(2 * h.length - 1);
    for (let i = 0; i < h.length; i++) for (let j = 0; j < h.length; j++) hh[i + j] = hh[i + j]! + h[i]! * h[h.length - 1 - j]!;
    h = hh;
  }
  const nH = h.length;
  const xExt = smartPad(x, nEdge, nEdge, opts.pad ?? 'reflect_limited');
  const nX = xExt.length;
  const shift = ((nH - 1) >> 1) + nEdge;
  const out = new Float64Array(nXo);
  if ((opts.convolution ?? 'fft') === 'direct') {
    // y[i] = sum_k h[k] xExt[i + shift - k]
    for (let i = 0; i < nXo; i++) {
      let s = 0;
      const c = i + shift;
      const k0 = Math.max(0, c - (nX - 1));
      const k1 = Math.min(nH - 1, c);
      for (let k = k0; k <= k1; k++) s += h[k]! * xExt[c - k]!;
      out[i] = s;
    }
    return out;
  }
  const nFft = opts.nFft ?? overlapAddFftLength(nH, nX);
  if (nFft < 2 * nH - 1) throw new ArgumentError(`filterData: nFft is too short, has to be at least 2 * len(h) - 1 (${2 * nH - 1}), got ${nFft}`);
  const H = rfft(h, nFft);
  const nSeg = nFft - nH + 1;
  const nSegments = Math.ceil(nX / nSeg);
  const acc = new Float64Array(nX);
  for (let s = 0; s < nSegments; s++) {
    const start = s * nSeg;
    const seg = xExt.subarray(start, Math.min(start + nSeg, nX));
    const X = rfft(seg, nFft);
    for (let k = 0; k < X.re.length; k++) {
      const r = X.re[k]! * H.re[k]! - X.im[k]! * H.im[k]!;
      X.im[k] = X.re[k]! * H.im[k]! + X.im[k]! * H.re[k]!;
      X.re[k] = r;
    }
    const prod = irfft(X.re, X.im, nFft);
    const startFilt = Math.max(0, start - shift);
    const stopFilt = Math.min(start - shift + nFft, nX);
    const startProd = Math.max(0, shift - start);
    for (let i = 0; i < stopFilt - startFilt; i++) acc[startFilt + i] = acc[startFilt + i]! + prod[startProd + i]!;
  }
  out.set(acc.subarray(0, nXo));
  return out;
}

/**
 * mne.filter.filter_data(data, sfreq, l_freq, h_freq, method='fir') with MNE's defaults:
 * firwin design, Hamming window, zero phase, automatic transition bandwidths and length,
 * 'reflect_limited' padding. `data` is one channel or one Float64Array per channel.
 */
export function filterData(data: Float64Array, sfreq: number, lFreq: number | readonly number[] | null, hFreq: number | readonly number[] | null, opts?: FilterDataOptions): Float64Array;
export function filterData(data: Float64Array[], sfreq: number, lFreq: number | readonly number[] | null, hFreq: number | readonly number[] | null, opts?: FilterDataOptions): Float64Array[];
export function filterData(data: Float64Array | Float64Array[], sfreq: number, lFreq: number | readonly number[] | null,
  hFreq: number | readonly number[] | null, opts: FilterDataOptions = {}): Float64Array | Float64Array[] {
  const rows = Array.isArray(data) ? data : [data];
  const h = createFilter(rows[0] ?? null, sfreq, lFreq, hFreq, opts);
  const apply = { phase: opts.phase ?? 'zero', pad: opts.pad ?? 'reflect_limited', convolution: opts.convolution ?? 'fft', ...(opts.nFft !== undefined ? { nFft: opts.nFft } : {}) } as const;
  const out: Float64Array[] = new Array<Float64Array>(rows.length);
  let i = 0;
  // two channels of equal length share one complex FFT per segment (see firFilterZeroPhasePair)
  if (apply.convolution === 'fft' && apply.phase === 'zero' && h.length > 1 && h.length % 2 === 1) {
    for (; i + 1 < rows.length; i += 2) {
      if (rows[i]!.length !== rows[i + 1]!.length) break;
      [out[i], out[i + 1]] = firFilterZeroPhasePair(rows[i]!, rows[i + 1]!, h, apply);
    }
  }
  for (; i < rows.length; i++) out[i] = firFilterZeroPhase(rows[i]!, h, apply);
  return Array.isArray(data) ? out : out[0]!;
}

/**
 * Zero-phase FIR filtering of two real channels at once: with z = x₁ + i·x₂ and a real filter,
 * IFFT(FFT(z)·H) = (h∗x₁) + i·(h∗x₂), so each overlap-add segment costs one complex FFT pair
 * for both channels. Same padding, segmenting and delay compensation as firFilterZeroPhase.
 */
export function firFilterZeroPhasePair(x1: ArrayLike<number>, x2: ArrayLike<number>, h: Float64Array,
  opts: { pad?: PadMode; nFft?: number } = {}): [Float64Array, Float64Array] {
  const nXo = x1.length;
  if (x2.length !== nXo) throw new ArgumentError(`filterData: paired channels differ in length (${nXo} vs ${x2.length})`);
  const nEdge = Math.max(Math.min(h.length, nXo) - 1, 0);
  const nH = h.length;
  const a = smartPad(x1, nEdge, nEdge, opts.pad ?? 'reflect_limited');
  const b = smartPad(x2, nEdge, nEdge, opts.pad ?? 'reflect_limited');
  const nX = a.length;
  const shift = ((nH - 1) >> 1) + nEdge;
  const nFft = opts.nFft ?? overlapAddFftLength(nH, nX);
  if (nFft < 2 * nH - 1) throw new ArgumentError(`filterData: nFft is too short, has to be at least 2 * len(h) - 1 (${2 * nH - 1}), got ${nFft}`);
  const nSeg = nFft - nH + 1;
  const acc1 = new Float64Array(nX);
  const acc2 = new Float64Array(nX);
  if (nFft >= 4 && (nFft & (nFft - 1)) === 0) {
    // power of two: work in fft.js's interleaved layout throughout (no per-segment copies)
    const f = new FFT(nFft) as unknown as { transform(o: Float64Array, d: Float64Array): void; inverseTransform(o: Float64Array, d: Float64Array): void };
    const hz = new Float64Array(2 * nFft);
    for (let i = 0; i < nH; i++) hz[2 * i] = h[i]!;
    const H = new Float64Array(2 * nFft);
    f.transform(H, hz);
    const z = new Float64Array(2 * nFft);
    const Z = new Float64Array(2 * nFft);
    for (let start = 0; start < nX; start += nSeg) {
      const len = Math.min(nSeg, nX - start);
      z.fill(0);
      for (let i = 0; i < len; i++) {
        z[2 * i] = a[start + i]!;
        z[2 * i + 1] = b[start + i]!;
      }
      f.transform(Z, z);
      for (let k = 0; k < 2 * nFft; k += 2) {
        const r = Z[k]!, m = Z[k + 1]!;
        Z[k] = r * H[k]! - m * H[k + 1]!;
        Z[k + 1] = r * H[k + 1]! + m * H[k]!;
      }
      f.inverseTransform(z, Z);
      const startFilt = Math.max(0, start - shift);
      const stopFilt = Math.min(start - shift + nFft, nX);
      const startProd = Math.max(0, shift - start);
      for (let i = 0; i < stopFilt - startFilt; i++) {
        acc1[startFilt + i] = acc1[startFilt + i]! + z[2 * (startProd + i)]!;
        acc2[startFilt + i] = acc2[startFilt + i]! + z[2 * (startProd + i) + 1]!;
      }
    }
    return [acc1.slice(0, nXo), acc2.slice(0, nXo)];
  }
  const Hr = new Float64Array(nFft);
  const Hi = new Float64Array(nFft);
  Hr.set(h);
  fftInPlace(Hr, Hi, false);
  const zr = new Float64Array(nFft);
  const zi = new Float64Array(nFft);
  for (let start = 0; start < nX; start += nSeg) {
    const len = Math.min(nSeg, nX - start);
    zr.fill(0);
    zi.fill(0);
    for (let i = 0; i < len; i++) {
      zr[i] = a[start + i]!;
      zi[i] = b[start + i]!;
    }
    fftInPlace(zr, zi, false);
    for (let k = 0; k < nFft; k++) {
      const r = zr[k]!, m = zi[k]!;
      zr[k] = r * Hr[k]! - m * Hi[k]!;
      zi[k] = r * Hi[k]! + m * Hr[k]!;
    }
    fftInPlace(zr, zi, true);
    const startFilt = Math.max(0, start - shift);
    const stopFilt = Math.min(start - shift + nFft, nX);
    const startProd = Math.max(0, shift - start);
    for (let i = 0; i < stopFilt - startFilt; i++) {
      acc1[startFilt + i] = acc1[startFilt + i]! + zr[startProd + i]!;
      acc2[startFilt + i] = acc2[startFilt + i]! + zi[startProd + i]!;
    }
  }
  return [acc1.slice(0, nXo), acc2.slice(0, nXo)];
}
