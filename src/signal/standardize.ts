// Exponential moving standardisation, as braindecode.preprocessing.exponential_moving_standardize
// (Schirrmeister et al. 2017), which uses pandas' ewm(alpha=factor_new).mean() (adjust=True):
//
//   m_t = sum_i w_i x_{t-i} / sum_i w_i,   w_i = (1 - a)^i       (exponential moving mean)
//   v_t = same average of (x - m)^2                              (of the demeaned squares)
//   y_t = (x_t - m_t) / max(eps, sqrt(v_t))
//
// and replaces the first init_block_size samples by their plain z-score (block mean and
// population std). The streaming class gives the same numbers chunk by chunk.

import { ArgumentError, ShapeError } from '../errors.js';

export interface EmsOptions {
  /** Weight of the newest sample, alpha (default 1e-3). */
  factorNew?: number;
  /** Samples standardised by their own mean/std at the start (default 1000; null: none, Braindecode's function default). */
  initBlockSize?: number | null;
  /** Floor of the standard deviation (default 1e-4). */
  eps?: number;
}

function options(opts: EmsOptions): { a: number; init: number; eps: number } {
  const a = opts.factorNew ?? 1e-3;
  if (!(a > 0 && a <= 1)) throw new ArgumentError(`exponentialMovingStandardize: factorNew must be in (0, 1], got ${a}`);
  const init = opts.initBlockSize === undefined ? 1000 : opts.initBlockSize ?? 0;
  if (!Number.isInteger(init) || init < 0) throw new ArgumentError(`exponentialMovingStandardize: initBlockSize must be a non-negative integer or null, got ${init}`);
  return { a, init, eps: opts.eps ?? 1e-4 };
}

// z-score of the first `len` samples with their own mean and (population) std
function blockStandardize(row: ArrayLike<number>, len: number, eps: number, out: Float64Array): void {
  let m = 0;
  for (let i = 0; i < len; i++) m += row[i]!;
  m /= len;
  let v = 0;
  for (let i = 0; i < len; i++) v += (row[i]! - m) ** 2;
  const sd = Math.max(eps, Math.sqrt(v / len));
  for (let i = 0; i < len; i++) out[i] = (row[i]! - m) / sd;
}

/**
 * Streaming exponential moving standardisation: feed (channels × time) chunks to `transform`.
 * With an init block the first `initBlockSize` samples are held back until the block is
 * complete (transform then returns them all at once), so the concatenated outputs equal the
 * batch function's; `flush()` releases a block cut short by the end of the stream.
 */
export class ExponentialMovingStandardizer {
  readonly factorNew: number;
  readonly initBlockSize: number;
  readonly eps: number;
  private nChans = -1;
  private seen = 0;
  // pandas' adjusted ewm state per channel: weighted averages and the weight sum
  private mean = new Float64Array(0);
  private sq = new Float64Array(0);
  private wsum = 0;
  private pending: number[][] = [];
  private pendingOut: number[][] = [];

  constructor(opts: EmsOptions = {}) {
    const o = options(opts);
    this.factorNew = o.a;
    this.initBlockSize = o.init;
    this.eps = o.eps;
  }

  /** Forget all state. */
  reset(): void {
    this.nChans = -1;
    this.seen = 0;
    this.wsum = 0;
    this.pending = [];
    this.pendingOut = [];
  }

  /** Standardise the next chunk (one Float64Array per channel); returns the samples ready so far. */
  transform(chunk: ArrayLike<number>[]): Float64Array[] {
    if (this.nChans < 0) {
      this.nChans = chunk.length;
      this.mean = new Float64Array(this.nChans);
      this.sq = new Float64Array(this.nChans);
      this.pending = chunk.map(() => []);
      this.pendingOut = chunk.map(() => []);
    }
    if (chunk.length !== this.nChans) throw new ShapeError(`ExponentialMovingStandardizer: expected ${this.nChans} channels, got ${chunk.length}`);
    const t = chunk[0]?.length ?? 0;
    for (const r of chunk) if (r.length !== t) throw new ShapeError(`ExponentialMovingStandardizer: channels differ in length (${t} vs ${r.length})`);
    const out = chunk.map(() => new Float64Array(t));
    const decay = 1 - this.factorNew;
    for (let i = 0; i < t; i++) {
      const oldW = this.wsum * decay;
      const w = oldW + 1;
      for (let c = 0; c < this.nChans; c++) {
        const x = chunk[c]![i]!;
        const m = this.seen === 0 ? x : (oldW * this.mean[c]! + x) / w;
        const d = x - m;
        const s = this.seen === 0 ? d * d : (oldW * this.sq[c]! + d * d) / w;
        this.mean[c] = m;
        this.sq[c] = s;
        out[c]![i] = d / Math.max(this.eps, Math.sqrt(s));
      }
      this.wsum = w;
      this.seen++;
    }
    const before = this.seen - t;
    if (before >= this.initBlockSize) return out;
    // part (or all) of this chunk falls in the init block: hold it back
    const inBlock = Math.min(t, this.initBlockSize - before);
    for (let c = 0; c < this.nChans; c++) {
      for (let i = 0; i < inBlock; i++) this.pending[c]!.push(chunk[c]![i]!);
      for (let i = inBlock; i < t; i++) this.pendingOut[c]!.push(out[c]![i]!);
    }
    if (this.seen < this.initBlockSize) return chunk.map(() => new Float64Array(0));
    return this.flush();
  }

  /** Emit held-back init-block samples (standardised by the block seen so far). */
  flush(): Float64Array[] {
    if (this.nChans < 0) return [];
    const res = this.pending.map((p, c) => {
      const o = new Float64Array(p.length + this.pendingOut[c]!.length);
      if (p.length) blockStandardize(p, p.length, this.eps, o);
      o.set(this.pendingOut[c]!, p.length);
      return o;
    });
    this.pending = this.pending.map(() => []);
    this.pendingOut = this.pendingOut.map(() => []);
    return res;
  }
}

/**
 * braindecode.preprocessing.exponential_moving_standardize(data, factor_new, init_block_size,
 * eps) on (channels × time) data, one Float64Array per channel.
 */
export function exponentialMovingStandardize(data: ArrayLike<number>[], opts: EmsOptions = {}): Float64Array[] {
  const ems = new ExponentialMovingStandardizer(opts);
  const out = ems.transform(data);
  const rest = ems.flush();
  return out[0]?.length === (data[0]?.length ?? 0) ? out : rest;
}
