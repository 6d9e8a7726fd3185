// EEG sliding windows over a stream: a window of `length` samples every `hop` samples, the
// first starting at sample 0 — exactly the windows an offline pass over the whole recording
// cuts (starts 0, hop, 2·hop, ... while start + length <= N). Memory: one window of history.
//   window: (C, W) channel-major, as a model's (channels, time) input

import { ArgumentError, ShapeError } from '../../errors.js';

export interface StreamWindow {
  /** (C, W) channel-major. */
  data: Float64Array;
  /** Index of the window's first sample in the stream. */
  start: number;
  /** Timestamp of the window's last sample (when it became complete), if timestamps were given. */
  end: number;
}

export class SlidingWindower {
  readonly nChannels: number;
  readonly length: number;
  readonly hop: number;
  private readonly ring: Float64Array; // (W, C) circular, the last W samples
  private readonly ringTs: Float64Array;
  private seen = 0; // samples consumed so far
  private nextStart = 0;

  constructor(nChannels: number, length: number, hop: number) {
    if (!Number.isInteger(nChannels) || nChannels < 1) throw new ArgumentError(`SlidingWindower: nChannels must be an integer >= 1, got ${nChannels}`);
    if (!Number.isInteger(length) || length < 1) throw new ArgumentError(`SlidingWindower: window length must be an integer >= 1 sample, got ${length}`);
    if (!Number.isInteger(hop) || hop < 1) throw new ArgumentError(`SlidingWindower: hop must be an integer >= 1 sample, got ${hop}`);
    this.nChannels = nChannels;
    this.length = length;
    this.hop = hop;
    this.ring = new Float64Array(length * nChannels);
    this.ringTs = new Float64Array(length);
  }

  /** From seconds at a sampling rate: lengths rounded to whole samples (0.5-4 s windows, 25-100 ms hops). */
  static fromSeconds(nChannels: number, sfreq: number, windowS: number, hopS: number): SlidingWindower {
    if (!(Number.isFinite(sfreq) && sfreq > 0)) throw new ArgumentError(`SlidingWindower.fromSeconds: sfreq must be > 0, got ${sfreq}`);
    return new SlidingWindower(nChannels, Math.round(windowS * sfreq), Math.round(hopS * sfreq));
  }

  /** Samples consumed so far. */
  get samplesSeen(): number {
    return this.seen;
  }

  /** Feeds a chunk (n, C) row-major (timestamps optional, n) and returns the windows it completes, in order. */
  push(chunk: ArrayLike<number>, timestamps?: ArrayLike<number>): StreamWindow[] {
    const c = this.nChannels;
    const w = this.length;
    if (chunk.length % c !== 0) throw new ShapeError(`SlidingWindower.push: a chunk of ${chunk.length} values is not whole samples of ${c} channels`);
    const n = chunk.length / c;
    if (timestamps && timestamps.length !== n) throw new ShapeError(`SlidingWindower.push: ${n} samples but ${timestamps.length} timestamps`);
    const out: StreamWindow[] = [];
    for (let i = 0; i < n; i++) {
      const slot = this.seen % w;
      for (let j = 0; j < c; j++) this.ring[slot * c + j] = chunk[i * c + j]!;
      this.ringTs[slot] = timestamps ? timestamps[i]! : NaN;
      this.seen++;
      if (this.seen === this.nextStart + w) {
        out.push(this.emit());
        this.nextStart += this.hop;
      }
    }
    return out;
  }

  private emit(): StreamWindow {
    const c = this.nChannels;
    const w = this.length;
    const data = new Float64Array(c * w);
    for (let k = 0; k < w; k++) {
      const slot = (this.nextStart + k) % w;
      for (let j = 0; j < c; j++) data[j * w + k] = this.ring[slot * c + j]!;
    }
    return { data, start: this.nextStart, end: this.ringTs[(this.seen - 1) % w]! };
  }
}
