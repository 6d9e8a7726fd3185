// MNE's FIR filter design (mne.filter.create_filter, MNE 1.x, fir_design='firwin'): automatic
// transition bandwidths and filter length, and MNE's `_firwin_design`, which sums one windowed
// low-pass per transition band, each only as long as its own transition needs.
//
//   l_freq < h_freq: band-pass    l_freq > h_freq: band-stop
//   l_freq only: high-pass        h_freq only: low-pass

import { ArgumentError } from '../errors.js';
import { firwin } from './firwin.js';

export type FirWindow = 'hamming' | 'hann' | 'blackman';
export type FirPhase = 'zero' | 'zero-double';

export interface CreateFilterOptions {
  /** 'auto' (default), a number of samples, or a duration such as '10s' / '500ms'. */
  filterLength?: 'auto' | number | string;
  /** Hz or 'auto' (default): min(max(0.25 l_freq, 2), l_freq). */
  lTransBandwidth?: 'auto' | number;
  /** Hz or 'auto' (default): min(max(0.25 h_freq, 2), sfreq/2 - h_freq). */
  hTransBandwidth?: 'auto' | number;
  /** 'zero' (default, one pass with delay compensation) or 'zero-double' (forward and reverse). */
  phase?: FirPhase;
  /** Window of the firwin design (default 'hamming'). */
  firWindow?: FirWindow;
  /** Only 'firwin' (MNE's default) is implemented. */
  firDesign?: 'firwin';
}

/** Ifeachor and Jervis' length factors (MNE `_length_factors`): taps = factor / transition. */
export const LENGTH_FACTORS: Record<FirWindow, number> = { hann: 3.1, hamming: 3.3, blackman: 5.0 };

/** Python's round(): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Samples in a filter length given as a number or a duration string (MNE `_to_samples`). */
function toSamples(len: number | string, sfreq: number): number {
  if (typeof len === 'number') {
    if (!Number.isInteger(len)) throw new ArgumentError(`createFilter: filterLength must be an integer number of samples, got ${len}`);
    return len;
  }
  const s = len.toLowerCase();
  let mult: number;
  let num: string;
  if (s.endsWith('ms')) { mult = 1e-3; num = s.slice(0, -2); }
  else if (s.endsWith('s')) { mult = 1; num = s.slice(0, -1); }
  else throw new ArgumentError(`createFilter: filterLength, if a string, must be a duration such as "10s" or "auto", not "${len}"`);
  const v = Number(num);
  if (num.trim() === '' || !Number.isFinite(v)) throw new ArgumentError(`createFilter: cannot read filterLength "${len}"`);
  let n = Math.max(Math.ceil(v * mult * sfreq), 1);
  n += (n - 1) % 2; // firwin: odd
  return n;
}

interface Triaged { lFreq: number[] | null; hFreq: number[] | null; lStop: number[] | null; hStop: number[] | null; filterLength: number }

// MNE `_triage_filter_params` for FIR: validate, fill in 'auto' bandwidths and length.
function triage(sfreq: number, lFreq: number[] | null, hFreq: number[] | null, lTrans: 'auto' | number, hTrans: 'auto' | number,
  filterLength: 'auto' | number | string, window: FirWindow, reverse: boolean): Triaged {
  if (lFreq) for (const f of lFreq) if (!(f > 0)) throw new ArgumentError(`createFilter: highpass frequency ${f} must be greater than zero`);
  if (hFreq) for (const f of hFreq) if (!(f < sfreq / 2)) throw new ArgumentError(`createFilter: lowpass frequency ${f} must be less than Nyquist (${sfreq / 2})`);
  let lStop: number[] | null = null;
  let hStop: number[] | null = null;
  let lTb: number[] | null = null;
  let hTb: number[] | null = null;
  if (lFreq) {
    lTb = lFreq.map((f) => (lTrans === 'auto' ? Math.min(Math.max(0.25 * f, 2), f) : lTrans));
    for (const t of lTb) if (!(t > 0)) throw new ArgumentError(`createFilter: lTransBandwidth must be positive, got ${t}`);
    lStop = lFreq.map((f, i) => f - lTb![i]!);
    if (reverse) {
      lStop = lStop.map((s, i) => s + lTb![i]!);
      lFreq = lFreq.map((f, i) => f + lTb![i]!);
    }
    for (const s of lStop) if (s < 0) throw new ArgumentError(`createFilter: lower stop frequency negative (${s} Hz); increase the pass frequency or reduce lTransBandwidth`);
  }
  if (hFreq) {
    hTb = hFreq.map((f) => (hTrans === 'auto' ? Math.min(Math.max(0.25 * f, 2), sfreq / 2 - f) : hTrans));
    for (const t of hTb) if (!(t > 0)) throw new ArgumentError(`createFilter: hTransBandwidth must be positive, got ${t}`);
    hStop = hFreq.map((f, i) => f + hTb![i]!);
    if (reverse) {
      hStop = hStop.map((s, i) => s - hTb![i]!);
      hFreq = hFreq.map((f, i) => f - hTb![i]!);
    }
    for (const s of hStop) if (s > sfreq / 2) throw new ArgumentError(`createFilter: effective stop frequency ${s} is above Nyquist (${sfreq / 2})`);
  }
  let n: number;
  if (typeof filterLength === 'string' && filterLength.toLowerCase() === 'auto') {
    // MNE formats factor/min(tb) as '%ss' and reads it back: the same double
    const minTb = Math.min(hTb ? Math.min(...hTb) : Infinity, lTb ? Math.min(...lTb) : Infinity);
    n = Math.max(Math.ceil((LENGTH_FACTORS[window] * 1) / minTb * sfreq), 1);
    n += (n - 1) % 2;
  } else n = toSamples(filterLength, sfreq);
  n += (n - 1) % 2; // firwin and zero phase need an odd length
  if (n <= 0) throw new ArgumentError(`createFilter: filterLength must be positive, got ${n}`);
  return { lFreq, hFreq, lStop, hStop, filterLength: n };
}

/**
 * MNE `_firwin_design`: a length-N filter built from one firwin low-pass per gain change, each
 * of the length its transition band needs. `freq` is normalised (0 .. 1 = Nyquist), gains 0/1.
 */
export function firwinDesign(n: number, freq: readonly number[], gain: readonly number[], window: FirWindow, sfreq: number): Float64Array {
  if (n % 2 !== 1) throw new ArgumentError(`firwinDesign: N must be odd, got ${n}`);
  const h = new Float64Array(n);
  let prevFreq = freq[freq.length - 1]!;
  let prevGain = gain[gain.length - 1]!;
  if (prevGain === 1) h[n >> 1] = 1; // start with "all up"
  for (let i = freq.length - 2; i >= 0; i--) {
    const thisFreq = freq[i]!;
    const thisGain = gain[i]!;
    if (thisGain !== prevGain) {
      const transition = (prevFreq - thisFreq) / 2;
      let thisN = roundHalfEven(LENGTH_FACTORS[window] / transition);
      thisN += 1 - (thisN % 2);
      if (thisN > n) {
        throw new ArgumentError(`createFilter: the requested filter length ${n} is too short for the requested ${((transition * sfreq) / 2).toFixed(2)} Hz transition band, which requires ${thisN} samples`);
      }
      const thisH = firwin(thisN, (prevFreq + thisFreq) / 2, { window, passZero: true, fs: freq[freq.length - 1]! * 2 });
      const offset = (n - thisN) >> 1;
      const sign = thisGain === 0 ? -1 : 1;
      for (let k = 0; k < thisN; k++) h[offset + k] = h[offset + k]! + sign * thisH[k]!;
    }
    prevGain = thisGain;
    prevFreq = thisFreq;
  }
  return h;
}

const asList = (f: number | readonly number[] | null | undefined): number[] | null =>
  f === null || f === undefined ? null : typeof f === 'number' ? [f] : [...f];

/**
 * mne.filter.create_filter(data, sfreq, l_freq, h_freq, ...) for method='fir': the FIR
 * coefficients (odd length, linear phase). `data` (or its length) is used only for sanity
 * checks, as in MNE; pass null to skip them. Band-stop accepts several bands (arrays).
 */
export function createFilter(data: ArrayLike<number> | null, sfreq: number, lFreq: number | readonly number[] | null,
  hFreq: number | readonly number[] | null, opts: CreateFilterOptions = {}): Float64Array {
  if (!(sfreq > 0)) throw new ArgumentError(`createFilter: sfreq must be positive, got ${sfreq}`);
  const window = opts.firWindow ?? 'hamming';
  if (!(window in LENGTH_FACTORS)) throw new ArgumentError(`createFilter: firWindow must be hamming, hann or blackman, got ${String(window)}`);
  const phase = opts.phase ?? 'zero';
  if (phase !== 'zero' && phase !== 'zero-double') throw new ArgumentError(`createFilter: phase must be 'zero' or 'zero-double', got ${String(phase)}`);
  if ((opts.firDesign ?? 'firwin') !== 'firwin') throw new ArgumentError(`createFilter: only firDesign 'firwin' is implemented`);
  const fl = opts.filterLength ?? 'auto';
  const lt = opts.lTransBandwidth ?? 'auto';
  const ht = opts.hTransBandwidth ?? 'auto';
  let lf = asList(lFreq);
  const hf = asList(hFreq);
  if (hf) for (const f of hf) if (f > sfreq / 2) throw new ArgumentError(`createFilter: h_freq (${f}) must be less than the Nyquist frequency ${sfreq / 2}`);
  if (lf && lf.every((f) => f === 0)) lf = null;
  const nyq = sfreq / 2;
  let freq: number[];
  let gain: number[];
  let filterLength: number;
  if (!lf && !hf) {
    filterLength = triage(sfreq, null, null, lt, ht, fl, window, false).filterLength;
    freq = [0, nyq];
    gain = [1, 1];
  } else if (!lf && hf) {
    const t = triage(sfreq, null, hf, lt, ht, fl, window, false);
    filterLength = t.filterLength;
    const fp = t.hFreq![0]!;
    const fs = t.hStop![0]!;
    freq = [0, fp, fs];
    gain = [1, 1, 0];
    if (fs !== nyq) { freq.push(nyq); gain.push(0); }
  } else if (lf && !hf) {
    const t = triage(sfreq, lf, null, lt, ht, fl, window, false);
    filterLength = t.filterLength;
    const pass = t.lFreq![0]!;
    const stop = t.lStop![0]!;
    freq = [stop, pass, nyq];
    gain = [0, 1, 1];
    if (stop !== 0) { freq.unshift(0); gain.unshift(0); }
  } else if (lf!.some((l, i) => l < (hf![i] ?? hf![0]!))) {
    const t = triage(sfreq, lf, hf, lt, ht, fl, window, false);
    filterLength = t.filterLength;
    const fp1 = t.lFreq![0]!;
    const fp2 = t.hFreq![0]!;
    const fs1 = t.lStop![0]!;
    const fs2 = t.hStop![0]!;
    freq = [fs1, fp1, fp2, fs2];
    gain = [0, 1, 1, 0];
    if (fs2 !== nyq) { freq.push(nyq); gain.push(0); }
    if (fs1 !== 0) { freq.unshift(0); gain.unshift(0); }
  } else {
    if (lf!.length !== hf!.length) throw new ArgumentError(`createFilter: l_freq and h_freq must be the same length (${lf!.length} vs ${hf!.length})`);
    // band-stop: MNE swaps the roles (outputs intentionally switched)
    const t = triage(sfreq, hf, lf, ht, lt, fl, window, true);
    filterLength = t.filterLength;
    const fs1 = t.lFreq!;
    const fs2 = t.hFreq!;
    const fp1 = t.lStop!;
    const fp2 = t.hStop!;
    const pts = [...fp1.map((f) => [f, 1]), ...fs1.map((f) => [f, 0]), ...fs2.map((f) => [f, 0]), ...fp2.map((f) => [f, 1])] as [number, number][];
    pts.sort((a, b) => a[0] - b[0]);
    freq = pts.map((p) => p[0]);
    gain = pts.map((p) => p[1]);
    if (freq[0] !== 0) { freq.unshift(0); gain.unshift(1); }
    if (freq[freq.length - 1] !== nyq) { freq.push(nyq); gain.push(1); }
    for (let i = 2; i < gain.length; i++) {
      if (Math.abs(gain[i]! - 2 * gain[i - 1]! + gain[i - 2]!) > 1) throw new ArgumentError('createFilter: stop bands are not sufficiently separated');
    }
  }
  void data; // MNE only warns when the filter is longer than the signal
  // _construct_fir_filter: normalise, check the length, design
  const f = freq.map((v) => v / nyq);
  if (f[0] !== 0 || f[f.length - 1] !== 1) throw new ArgumentError(`createFilter: freq must start at 0 and end at Nyquist (${nyq}), got ${JSON.stringify(freq)}`);
  let n = filterLength;
  if (n % 2 === 0) {
    if (phase === 'zero') throw new ArgumentError(`createFilter: filterLength must be odd if phase="zero", got ${n}`);
    if (gain[gain.length - 1] === 1) n += 1;
  }
  return firwinDesign(n, f, gain, window, sfreq);
}
