// Fixed-capacity ring buffer for one multichannel stream: float64 samples (row-major, one row of
// C channels per sample) with a timestamp each. Memory is allocated once; when a chunk does not
// fit, the policy decides who loses — 'overwrite' drops the oldest samples, 'refuse' drops the
// newest — and every lost sample is counted. Never an unbounded queue.

import { ArgumentError, ShapeError } from '../../errors.js';

export type OverflowPolicy = 'overwrite' | 'refuse';

export interface RingBufferOptions {
  /** What happens when a push does not fit (default 'overwrite'). */
  policy?: OverflowPolicy;
}

/** A block of samples: data (n, C) row-major, timestamps (n) in seconds. */
export interface SampleChunk {
  data: Float64Array;
  timestamps: Float64Array;
}

export class RingBuffer {
  readonly nChannels: number;
  readonly capacity: number;
  readonly policy: OverflowPolicy;
  /** Samples lost to overflow since construction. */
  dropped = 0;
  private readonly buf: Float64Array; // (capacity, C)
  private readonly ts: Float64Array; // (capacity)
  private head = 0; // index of the oldest sample
  private count = 0;
  private last = -Infinity; // newest timestamp ever accepted or dropped

  constructor(nChannels: number, capacity: number, opts: RingBufferOptions = {}) {
    if (!Number.isInteger(nChannels) || nChannels < 1) throw new ArgumentError(`RingBuffer: nChannels must be an integer >= 1, got ${nChannels}`);
    if (!Number.isInteger(capacity) || capacity < 1) throw new ArgumentError(`RingBuffer: capacity must be an integer >= 1, got ${capacity}`);
    const policy = opts.policy ?? 'overwrite';
    if (policy !== 'overwrite' && policy !== 'refuse') throw new ArgumentError(`RingBuffer: policy must be 'overwrite' or 'refuse', got ${String(policy)}`);
    this.nChannels = nChannels;
    this.capacity = capacity;
    this.policy = policy;
    this.buf = new Float64Array(capacity * nChannels);
    this.ts = new Float64Array(capacity);
  }

  /** Samples held now. */
  get size(): number {
    return this.count;
  }

  /**
   * Appends n samples: data (n, C) row-major, timestamps (n), strictly increasing and after
   * every earlier push. Returns how many of the chunk's samples were stored.
   */
  push(data: ArrayLike<number>, timestamps: ArrayLike<number>): number {
    const c = this.nChannels;
    const n = timestamps.length;
    if (data.length !== n * c) throw new ShapeError(`RingBuffer.push: ${n} timestamps need ${n * c} values for ${c} channels, got ${data.length}`);
    let prev = this.last;
    for (let i = 0; i < n; i++) {
      const t = timestamps[i]!;
      if (!Number.isFinite(t)) throw new ArgumentError(`RingBuffer.push: timestamp [${i}] is ${t}; timestamps must be finite`);
      if (!(t > prev)) throw new ArgumentError(`RingBuffer.push: timestamps must increase strictly, got ${t} after ${prev} (sample ${i} of the chunk)`);
      prev = t;
    }
    this.last = prev;
    let first = 0; // first sample of the chunk to store
    if (this.policy === 'refuse') {
      const room = this.capacity - this.count;
      const keep = Math.min(room, n);
      this.dropped += n - keep;
      return this.write(data, timestamps, 0, keep);
    }
    if (n > this.capacity) { first = n - this.capacity; this.dropped += first; }
    const over = this.count + (n - first) - this.capacity;
    if (over > 0) { // drop the oldest held samples
      this.head = (this.head + over) % this.capacity;
      this.count -= over;
      this.dropped += over;
    }
    return this.write(data, timestamps, first, n - first);
  }

  private write(data: ArrayLike<number>, timestamps: ArrayLike<number>, from: number, k: number): number {
    const c = this.nChannels;
    for (let i = 0; i < k; i++) {
      const slot = (this.head + this.count) % this.capacity;
      for (let j = 0; j < c; j++) this.buf[slot * c + j] = data[(from + i) * c + j]!;
      this.ts[slot] = timestamps[from + i]!;
      this.count++;
    }
    return k;
  }

  /** Removes and returns up to `max` of the oldest samples (default: all held). */
  pop(max = this.count): SampleChunk {
    if (!Number.isInteger(max) || max < 0) throw new ArgumentError(`RingBuffer.pop: max must be an integer >= 0, got ${max}`);
    const out = this.peek(max);
    const k = out.timestamps.length;
    this.head = (this.head + k) % this.capacity;
    this.count -= k;
    return out;
  }

  /** Copies up to `max` of the oldest samples without removing them. */
  peek(max = this.count): SampleChunk {
    if (!Number.isInteger(max) || max < 0) throw new ArgumentError(`RingBuffer.peek: max must be an integer >= 0, got ${max}`);
    const c = this.nChannels;
    const k = Math.min(max, this.count);
    const data = new Float64Array(k * c);
    const timestamps = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      const slot = (this.head + i) % this.capacity;
      data.set(this.buf.subarray(slot * c, (slot + 1) * c), i * c);
      timestamps[i] = this.ts[slot]!;
    }
    return { data, timestamps };
  }

  /** Empties the buffer; the dropped counter and the timestamp order are kept. */
  clear(): void {
    this.head = 0;
    this.count = 0;
  }
}
