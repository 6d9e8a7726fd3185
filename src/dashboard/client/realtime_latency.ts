// Latency percentiles as a page shows them while it decodes: the last `capacity` latencies in a
// ring (fixed memory however long the session runs), p50/p95/p99 by nearest rank over them.
import { ArgumentError } from '../../errors.js';

export interface LatencyPercentiles {
  /** Latencies in the window (at most capacity) and in the whole session. */
  count: number;
  total: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile q (0..100] of ascending `sorted` (NaN when empty). */
export function nearestRank(sorted: ArrayLike<number>, q: number): number {
  if (!(q > 0 && q <= 100)) throw new ArgumentError(`nearestRank: q must be in (0, 100], got ${q}`);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length, Math.ceil((q / 100) * sorted.length)) - 1]!;
}

export class LatencyWindow {
  private readonly ring: Float64Array;
  private next = 0;
  total = 0;

  constructor(readonly capacity = 4096) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1 << 24) throw new ArgumentError(`LatencyWindow: capacity must be an integer in [1, 2^24], got ${capacity}`);
    this.ring = new Float64Array(capacity);
  }

  record(ms: number): void {
    if (!Number.isFinite(ms)) throw new ArgumentError(`LatencyWindow: a latency must be finite, got ${ms}`);
    this.ring[this.next] = ms;
    this.next = (this.next + 1) % this.capacity;
    this.total++;
  }

  summary(): LatencyPercentiles {
    const n = Math.min(this.total, this.capacity);
    const s = this.ring.slice(0, n).sort();
    return { count: n, total: this.total, p50: nearestRank(s, 50), p95: nearestRank(s, 95), p99: nearestRank(s, 99), max: n ? s[n - 1]! : NaN };
  }
}
