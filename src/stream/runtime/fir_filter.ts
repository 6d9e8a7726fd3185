// Causal FIR filtering of a multichannel stream chunk by chunk (direct form, each channel
// keeping its last L − 1 samples). Applied to the linear-phase taps of an offline zero-phase
// filter (MNE's firwin design, what `decode eeg` band-passes with), the output is that offline
// signal delayed by the group delay (L − 1) / 2 samples: the stream sees, late by `delay`
// samples, exactly the filtered signal a decoder was trained on — away from the recording's
// edges, where the offline filter pads.
//   chunk: (n, C) row-major  n=samples, C=channels

import { ArgumentError, ShapeError } from '../../errors.js';

export class OnlineFirFilter {
  readonly nChannels: number;
  readonly taps: Float64Array;
  /** Group delay in samples of symmetric (linear-phase) taps: (L − 1) / 2. */
  readonly delay: number;
  private hist: Float64Array; // (C, L − 1) channel-major, oldest first
  private ext: Float64Array; // per-channel scratch of L − 1 + n

  constructor(taps: ArrayLike<number>, nChannels: number) {
    if (!Number.isInteger(nChannels) || nChannels < 1) throw new ArgumentError(`OnlineFirFilter: nChannels must be an integer >= 1, got ${nChannels}`);
    if (taps.length < 1) throw new ArgumentError('OnlineFirFilter: no taps');
    for (let k = 0; k < taps.length; k++) if (!Number.isFinite(taps[k]!)) throw new ArgumentError(`OnlineFirFilter: tap [${k}] is ${taps[k]}`);
    this.nChannels = nChannels;
    this.taps = Float64Array.from(taps);
    this.delay = (taps.length - 1) / 2;
    this.hist = new Float64Array(nChannels * (taps.length - 1));
    this.ext = new Float64Array(0);
  }

  /** Back to a zero history. */
  reset(): void {
    this.hist.fill(0);
  }

  /** Filters a chunk (n, C) row-major; returns the filtered chunk, same layout. */
  process(chunk: ArrayLike<number>): Float64Array {
    const c = this.nChannels;
    if (chunk.length % c !== 0) throw new ShapeError(`OnlineFirFilter.process: a chunk of ${chunk.length} values is not whole samples of ${c} channels`);
    const n = chunk.length / c;
    const h = this.taps;
    const L = h.length;
    const m = L - 1;
    const out = new Float64Array(n * c);
    if (n === 0) return out;
    if (this.ext.length < m + n) this.ext = new Float64Array(m + n);
    const ext = this.ext;
    for (let j = 0; j < c; j++) {
      ext.set(this.hist.subarray(j * m, (j + 1) * m), 0);
      for (let i = 0; i < n; i++) ext[m + i] = chunk[i * c + j]!;
      // y[i] = Σ_k h[k] x[i − k], x[i − k] = ext[m + i − k]
      for (let i = 0; i < n; i++) {
        let s = 0;
        const base = m + i;
        for (let k = 0; k < L; k++) s += h[k]! * ext[base - k]!;
        out[i * c + j] = s;
      }
      this.hist.set(ext.subarray(n, n + m), j * m);
    }
    return out;
  }
}
