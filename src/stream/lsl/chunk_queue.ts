// A bounded queue of decoded samples: the inlet's receive buffer. Full -> the oldest samples are
// dropped and counted, so a reader that falls behind loses old data instead of growing memory.
import { ArgumentError } from '../../errors.js';
import type { ChannelFormat } from './info.js';
import { allocData, ChannelData, SampleChunk } from './sample.js';

export class ChunkQueue {
  /** Samples dropped because the queue was full. */
  dropped = 0;
  private parts: SampleChunk[] = [];
  private head = 0;
  private size_ = 0;

  constructor(readonly format: ChannelFormat, readonly channels: number, readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new ArgumentError(`lsl ChunkQueue: capacity ${capacity} must be an integer >= 1`);
  }

  /** Samples held. */
  get size(): number {
    return this.size_;
  }

  /** Appends a chunk, dropping the oldest samples beyond capacity. */
  push(chunk: SampleChunk): void {
    if (chunk.count === 0) return;
    this.parts.push(chunk);
    this.size_ += chunk.count;
    while (this.size_ > this.capacity) {
      const first = this.parts[this.head]!;
      const excess = this.size_ - this.capacity;
      if (first.count <= excess) {
        this.parts[this.head++] = undefined as unknown as SampleChunk;
        this.size_ -= first.count;
        this.dropped += first.count;
      } else {
        this.parts[this.head] = slice(first, excess, first.count, this.channels);
        this.size_ -= excess;
        this.dropped += excess;
      }
    }
    if (this.head > 64 && this.head * 2 > this.parts.length) {
      this.parts = this.parts.slice(this.head);
      this.head = 0;
    }
  }

  /** Removes and returns up to `max` of the oldest samples (all by default) as one chunk. */
  take(max = Infinity): SampleChunk {
    if (!(max === Infinity || (Number.isInteger(max) && max >= 0))) throw new ArgumentError(`lsl chunk queue: take(max) needs an integer >= 0 or Infinity, got ${max}`);
    const n = Math.min(this.size_, Math.max(0, Math.floor(max)));
    const data = allocData(this.format, n * this.channels);
    const timestamps = new Float64Array(n);
    let got = 0;
    while (got < n) {
      const p = this.parts[this.head]!;
      const k = Math.min(p.count, n - got);
      copyInto(data, got * this.channels, p.data, 0, k * this.channels);
      timestamps.set(p.timestamps.subarray(0, k), got);
      got += k;
      if (k === p.count) this.parts[this.head++] = undefined as unknown as SampleChunk;
      else this.parts[this.head] = slice(p, k, p.count, this.channels);
    }
    this.size_ -= n;
    if (this.size_ === 0) {
      this.parts = [];
      this.head = 0;
    }
    return { data, timestamps, count: n };
  }
}

function slice(c: SampleChunk, from: number, to: number, channels: number): SampleChunk {
  return {
    data: (c.data as Float32Array).subarray ? (c.data as Float32Array).subarray(from * channels, to * channels) : (c.data as string[]).slice(from * channels, to * channels),
    timestamps: c.timestamps.subarray(from, to),
    count: to - from,
  };
}

function copyInto(dst: ChannelData, at: number, src: ChannelData, from: number, n: number): void {
  if (Array.isArray(dst)) {
    const s = src as string[];
    for (let i = 0; i < n; i++) dst[at + i] = s[from + i]!;
  } else (dst as Float32Array).set((src as Float32Array).subarray(from, from + n), at);
}
