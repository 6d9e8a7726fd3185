// Causal IIR filtering of a multichannel stream chunk by chunk: each channel keeps its
// second-order-section state (sosfilt's zi/zf) between chunks, so the output equals filtering
// the whole signal at once, whatever the chunking.
//   chunk: (n, C) row-major  n=samples, C=channels

import { ArgumentError, ShapeError } from '../../errors.js';
import type { Sos } from '../../signal/butter.js';
import { sosfilt, sosfiltZi, type SosState } from '../../signal/sosfilt.js';

export interface OnlineSosFilterOptions {
  /**
   * Initial state: 'zeros' (default, as sosfilt without zi) or 'steady' (sosfilt_zi scaled
   * by each channel's first sample, as scipy's usual start against a step transient).
   */
  init?: 'zeros' | 'steady';
}

export class OnlineSosFilter {
  readonly nChannels: number;
  readonly sos: Sos;
  readonly init: 'zeros' | 'steady';
  private state: (SosState | null)[]; // null until the first sample when init is 'steady'
  private readonly x: Float64Array[]; // per-channel scratch, grown to the largest chunk seen

  constructor(sos: Sos, nChannels: number, opts: OnlineSosFilterOptions = {}) {
    if (!Number.isInteger(nChannels) || nChannels < 1) throw new ArgumentError(`OnlineSosFilter: nChannels must be an integer >= 1, got ${nChannels}`);
    this.init = opts.init ?? 'zeros';
    if (this.init !== 'zeros' && this.init !== 'steady') throw new ArgumentError(`OnlineSosFilter: init must be 'zeros' or 'steady', got ${String(this.init)}`);
    sosfilt(sos, [0]); // validates the sections (ShapeError/ArgumentError naming sosfilt)
    this.sos = sos;
    this.nChannels = nChannels;
    this.x = [];
    this.state = [];
    this.reset();
  }

  /** Back to the initial state. */
  reset(): void {
    this.state = Array.from({ length: this.nChannels }, () => (this.init === 'zeros' ? this.sos.map(() => new Float64Array(2)) : null));
  }

  /** Filters a chunk (n, C) row-major and returns the filtered chunk, same layout. */
  process(chunk: ArrayLike<number>): Float64Array {
    const c = this.nChannels;
    if (chunk.length % c !== 0) throw new ShapeError(`OnlineSosFilter.process: a chunk of ${chunk.length} values is not whole samples of ${c} channels`);
    const n = chunk.length / c;
    const out = new Float64Array(n * c);
    if (n === 0) return out;
    for (let j = 0; j < c; j++) {
      let x = this.x[j];
      if (!x || x.length < n) { x = new Float64Array(n); this.x[j] = x; }
      for (let i = 0; i < n; i++) x[i] = chunk[i * c + j]!;
      let zi = this.state[j];
      if (!zi) zi = sosfiltZi(this.sos).map((r) => r.map((v) => v * x[0]!));
      const { y, zf } = sosfilt(this.sos, x.subarray(0, n), zi);
      this.state[j] = zf;
      for (let i = 0; i < n; i++) out[i * c + j] = y[i]!;
    }
    return out;
  }
}
