// Scaling and exponential moving standardisation of a stream, sample by sample, as the deep EEG
// decoders' preprocessing (Braindecode's exponential_moving_standardize): the moving mean and
// variance are causal from the first sample, so from sample initBlockSize on the output equals
// the offline function's; the offline function replaces its first initBlockSize outputs by a
// z-score over that whole block, which a stream cannot know yet — there the causal values are
// given instead. The first `skip` samples (a delayed filter's placeholders) pass as 0 and do not
// enter the statistics.
//   chunk: (n, C) row-major

import { ArgumentError, ShapeError } from '../../errors.js';
import { ExponentialMovingStandardizer } from '../../signal/standardize.js';
import type { OnlineFilter } from './pipeline.js';

export class OnlineEms implements OnlineFilter {
  readonly nChannels: number;
  /** Multiplies each sample first (1e6: volts → µV, as the deep decoders' preprocessing). */
  readonly scale: number;
  private readonly ems: ExponentialMovingStandardizer;
  private toSkip: number;

  constructor(nChannels: number, opts: { scale?: number; factorNew?: number; skip?: number } = {}) {
    if (!Number.isInteger(nChannels) || nChannels < 1) throw new ArgumentError(`OnlineEms: nChannels must be an integer >= 1, got ${nChannels}`);
    const skip = opts.skip ?? 0;
    if (!Number.isInteger(skip) || skip < 0) throw new ArgumentError(`OnlineEms: skip must be an integer >= 0, got ${skip}`);
    this.nChannels = nChannels;
    this.scale = opts.scale ?? 1;
    if (!Number.isFinite(this.scale)) throw new ArgumentError(`OnlineEms: scale must be finite, got ${this.scale}`);
    this.ems = new ExponentialMovingStandardizer({ ...(opts.factorNew !== undefined ? { factorNew: opts.factorNew } : {}), initBlockSize: null });
    this.toSkip = skip;
  }

  process(chunk: ArrayLike<number>): Float64Array {
    const c = this.nChannels;
    if (chunk.length % c !== 0) throw new ShapeError(`OnlineEms.process: a chunk of ${chunk.length} values is not whole samples of ${c} channels`);
    const n = chunk.length / c;
    const out = new Float64Array(n * c);
    const i0 = Math.min(n, this.toSkip);
    this.toSkip -= i0;
    if (i0 === n) return out;
    const rows = Array.from({ length: c }, (_, j) => {
      const r = new Float64Array(n - i0);
      for (let i = i0; i < n; i++) r[i - i0] = chunk[i * c + j]! * this.scale;
      return r;
    });
    const y = this.ems.transform(rows);
    for (let j = 0; j < c; j++) for (let i = i0; i < n; i++) out[i * c + j] = y[j]![i - i0]!;
    return out;
  }
}

/** Filters applied one after the other, as one. */
export function chainFilters(...filters: OnlineFilter[]): OnlineFilter {
  const c = filters[0]?.nChannels;
  if (c === undefined || filters.some((f) => f.nChannels !== c)) throw new ShapeError(`chainFilters: the filters must share one channel count, got ${filters.map((f) => f.nChannels).join(', ')}`);
  return { nChannels: c, process: (x) => filters.reduce<ArrayLike<number>>((y, f) => f.process(y), x) as Float64Array };
}
