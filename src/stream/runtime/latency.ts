// Latency accounting with fixed memory: a histogram over log-spaced bins (a fixed number per
// decade between `minMs` and `maxMs`, plus under- and overflow bins), the exact maximum, and a
// counter of outputs later than a budget. Quantiles are reported as the upper edge of the bin
// that holds them — an upper bound within one bin's width (10^(1/perDecade) − 1, 12 % at 20 bins
// per decade), never an underestimate.

import { ArgumentError } from '../../errors.js';

export interface LatencyHistogramOptions {
  /** Lower edge of the first bin, ms (default 1e-4: 0.1 µs). */
  minMs?: number;
  /** Upper edge of the last bin, ms (default 1e4: 10 s). */
  maxMs?: number;
  /** Bins per decade (default 20). */
  perDecade?: number;
  /** Outputs taking longer than this count as late (default Infinity: none). */
  budgetMs?: number;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
  late: number;
  budgetMs: number;
}

export class LatencyHistogram {
  readonly minMs: number;
  readonly maxMs: number;
  readonly perDecade: number;
  readonly budgetMs: number;
  /** counts[0]: below minMs; counts[k] for k in 1..B: the k-th bin; counts[B + 1]: above maxMs. */
  readonly counts: Float64Array;
  count = 0;
  max = 0;
  late = 0;
  private readonly nBins: number;

  constructor(opts: LatencyHistogramOptions = {}) {
    this.minMs = opts.minMs ?? 1e-4;
    this.maxMs = opts.maxMs ?? 1e4;
    this.perDecade = opts.perDecade ?? 20;
    this.budgetMs = opts.budgetMs ?? Infinity;
    if (!(Number.isFinite(this.minMs) && this.minMs > 0)) throw new ArgumentError(`LatencyHistogram: minMs must be a finite number > 0, got ${this.minMs}`);
    if (!(Number.isFinite(this.maxMs) && this.maxMs > this.minMs)) throw new ArgumentError(`LatencyHistogram: maxMs must be finite and > minMs = ${this.minMs}, got ${this.maxMs}`);
    if (!Number.isInteger(this.perDecade) || this.perDecade < 1 || this.perDecade > 1000) throw new ArgumentError(`LatencyHistogram: perDecade must be an integer in [1, 1000], got ${this.perDecade}`);
    if (!(this.budgetMs > 0)) throw new ArgumentError(`LatencyHistogram: budgetMs must be > 0, got ${this.budgetMs}`);
    this.nBins = Math.ceil(Math.log10(this.maxMs / this.minMs) * this.perDecade - 1e-9);
    this.counts = new Float64Array(this.nBins + 2);
  }

  /** Upper edge (ms) of counts[k]; Infinity for the overflow bin. */
  upperEdge(k: number): number {
    if (k > this.nBins) return Infinity;
    return Math.min(this.maxMs, this.minMs * 10 ** (k / this.perDecade));
  }

  /** Records one latency in ms; returns whether it was late. */
  record(ms: number): boolean {
    if (!(ms >= 0) || ms === Infinity) throw new ArgumentError(`LatencyHistogram.record: latency must be a finite number >= 0 ms, got ${ms}`);
    let k: number;
    if (ms < this.minMs) k = 0;
    else if (ms >= this.maxMs) k = this.nBins + 1;
    else {
      k = Math.floor(Math.log10(ms / this.minMs) * this.perDecade) + 1;
      // log10 rounding at a bin edge: settle on the bin whose [lower, upper) holds ms
      if (k > 1 && ms < this.upperEdge(k - 1)) k--;
      else if (k < this.nBins && ms >= this.upperEdge(k)) k++;
    }
    this.counts[k]! += 1;
    this.count++;
    if (ms > this.max) this.max = ms;
    const late = ms > this.budgetMs;
    if (late) this.late++;
    return late;
  }

  /** Upper bound on the q-quantile (0 < q <= 1): the upper edge of its bin, capped by the maximum. */
  quantile(q: number): number {
    if (!(q > 0 && q <= 1)) throw new ArgumentError(`LatencyHistogram.quantile: q must be in (0, 1], got ${q}`);
    if (this.count === 0) return NaN;
    const rank = Math.ceil(q * this.count);
    let acc = 0;
    for (let k = 0; k < this.counts.length; k++) {
      acc += this.counts[k]!;
      if (acc >= rank) return Math.min(this.upperEdge(k), this.max);
    }
    return this.max;
  }

  summary(): LatencySummary {
    return { count: this.count, p50: this.quantile(0.5), p99: this.quantile(0.99), max: this.max, late: this.late, budgetMs: this.budgetMs };
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.max = 0;
    this.late = 0;
  }
}
