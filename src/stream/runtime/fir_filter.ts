// Causal FIR filtering of a multichannel stream chunk by chunk (direct form, each channel
// keeping its last L − 1 samples). Applied to the linear-phase taps of an offline zero-phase
// filter (MNE's firwin design, what `decode eeg` band-passes with), the output is that offline
// signal delayed by the group delay d = (L − 1) / 2 samples. With start 'reflect' the history
// before the first sample is MNE's reflect_limited padding (x[−k] = 2 x[0] − x[k]), which the
// stream knows by the time it is needed (output u needs x[k ≤ u + d]): the output from sample d
// on then equals the offline filter's from its very first sample, edge included. The first d
// outputs (no offline counterpart) are 0.
//   chunk: (n, C) row-major  n=samples, C=channels

import { ArgumentError, ShapeError } from '../../errors.js';

export interface OnlineFirFilterOptions {
  /** History before the first sample: 'zeros' (default, a plain causal filter) or 'reflect' (MNE's reflect_limited pad; needs odd L). */
  start?: 'zeros' | 'reflect';
}

export class OnlineFirFilter {
  readonly nChannels: number;
  readonly taps: Float64Array;
  /** Group delay in samples of symmetric (linear-phase) taps: (L − 1) / 2. */
  readonly delay: number;
  readonly start: 'zeros' | 'reflect';
  private hist: Float64Array; // (C, L − 1) channel-major, oldest first
  private ext: Float64Array; // per-channel scratch of L − 1 + n
  private head: Float64Array; // 'reflect': (C, d) the first d samples, held until sample d arrives
  private seen = 0;

  constructor(taps: ArrayLike<number>, nChannels: number, opts: OnlineFirFilterOptions = {}) {
    if (!Number.isInteger(nChannels) || nChannels < 1) throw new ArgumentError(`OnlineFirFilter: nChannels must be an integer >= 1, got ${nChannels}`);
    if (taps.length < 1) throw new ArgumentError('OnlineFirFilter: no taps');
    for (let k = 0; k < taps.length; k++) if (!Number.isFinite(taps[k]!)) throw new ArgumentError(`OnlineFirFilter: tap [${k}] is ${taps[k]}`);
    this.start = opts.start ?? 'zeros';
    if (this.start !== 'zeros' && this.start !== 'reflect') throw new ArgumentError(`OnlineFirFilter: start must be 'zeros' or 'reflect', got ${String(this.start)}`);
    if (this.start === 'reflect' && taps.length % 2 === 0) throw new ArgumentError(`OnlineFirFilter: start 'reflect' needs an odd number of taps (a whole-sample delay), got ${taps.length}`);
    this.nChannels = nChannels;
    this.taps = Float64Array.from(taps);
    this.delay = (taps.length - 1) / 2;
    this.hist = new Float64Array(nChannels * (taps.length - 1));
    this.ext = new Float64Array(0);
    this.head = new Float64Array(this.start === 'reflect' ? nChannels * this.delay : 0);
  }

  /** Back to the initial state. */
  reset(): void {
    this.hist.fill(0);
    this.seen = 0;
  }

  /** Filters a chunk (n, C) row-major; returns the filtered chunk, same layout. */
  process(chunk: ArrayLike<number>): Float64Array {
    const c = this.nChannels;
    if (chunk.length % c !== 0) throw new ShapeError(`OnlineFirFilter.process: a chunk of ${chunk.length} values is not whole samples of ${c} channels`);
    const n = chunk.length / c;
    const out = new Float64Array(n * c);
    let i0 = 0;
    if (this.start === 'reflect' && this.seen <= this.delay) {
      const d = this.delay;
      // hold the first d samples (their outputs stay 0)
      const k = Math.min(n, d - this.seen);
      for (let i = 0; i < k; i++) for (let j = 0; j < c; j++) this.head[j * d + this.seen + i] = chunk[i * c + j]!;
      this.seen += k;
      i0 = k;
      if (i0 === n) return out;
      // sample d has come: the history is x[−d .. d−1], the pad 2 x[0] − x[k] then the held samples
      const m = 2 * d;
      for (let j = 0; j < c; j++) {
        const x = (t: number) => (t < d ? this.head[j * d + t]! : chunk[i0 * c + j]!);
        for (let kk = 1; kk <= d; kk++) this.hist[j * m + d - kk] = 2 * x(0) - x(kk);
        for (let t = 0; t < d; t++) this.hist[j * m + d + t] = x(t);
      }
      this.seen = d + 1;
    }
    this.filter(chunk, i0, n, out);
    return out;
  }

  private filter(chunk: ArrayLike<number>, i0: number, n: number, out: Float64Array): void {
    const c = this.nChannels;
    const h = this.taps;
    const L = h.length;
    const m = L - 1;
    const len = n - i0;
    if (len === 0) return;
    if (this.ext.length < m + len) this.ext = new Float64Array(m + len);
    const ext = this.ext;
    for (let j = 0; j < c; j++) {
      ext.set(this.hist.subarray(j * m, (j + 1) * m), 0);
      for (let i = 0; i < len; i++) ext[m + i] = chunk[(i0 + i) * c + j]!;
      // y[i] = Σ_k h[k] x[i − k], x[i − k] = ext[m + i − k]
      for (let i = 0; i < len; i++) {
        let s = 0;
        const base = m + i;
        for (let k = 0; k < L; k++) s += h[k]! * ext[base - k]!;
        out[(i0 + i) * c + j] = s;
      }
      this.hist.set(ext.subarray(len, len + m), j * m);
    }
  }
}
