// Heat maps of square matrices (RDMs, similarity matrices) as colour PNG data URIs, so a report
// page stays one file (PNG framing in png.ts).

import { ArgumentError, ShapeError } from '../errors.js';
import { base64, encodeRgbPng } from './png.js';

// Viridis at 9 anchors (matplotlib's table), linearly interpolated: perceptually ordered and
// readable in grey.
const VIRIDIS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141], [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
];

/** Viridis colour of t in [0, 1] (clamped). */
export function viridis(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(Math.floor(x), VIRIDIS.length - 2);
  const f = x - i;
  const a = VIRIDIS[i]!;
  const b = VIRIDIS[i + 1]!;
  return [Math.round(a[0] + f * (b[0] - a[0])), Math.round(a[1] + f * (b[1] - a[1])), Math.round(a[2] + f * (b[2] - a[2]))];
}

export interface HeatmapOptions {
  /** Pixels per matrix cell (default 3). */
  readonly cell?: number;
  /**
   * 'rank': colour by the percentile of each off-diagonal value (rsatoolbox's rank-transformed
   * RDM display, comparable across measures); 'linear': min..max of the off-diagonal values.
   */
  readonly scale?: 'rank' | 'linear';
}

/** Colour PNG bytes of a square (n × n, row-major) matrix; the diagonal is drawn at the low end. */
export function heatmapPng(square: ArrayLike<number>, n: number, opts: HeatmapOptions = {}): Uint8Array {
  const cell = opts.cell ?? 3;
  if (!Number.isInteger(n) || n < 1 || square.length !== n * n) throw new ShapeError(`heatmapPng: ${square.length} values for a ${n} × ${n} matrix`);
  if (!Number.isInteger(cell) || cell < 1 || cell > 64 || n * cell > 8192) throw new ArgumentError(`heatmapPng: cell size ${cell} for ${n} rows (image at most 8192 px)`);
  for (let i = 0; i < n * n; i++) if (!Number.isFinite(square[i]!)) throw new ArgumentError(`heatmapPng: non-finite value ${square[i]} at (${Math.floor(i / n)}, ${i % n})`);
  // The scale comes from the upper triangle: each distance of a symmetric matrix counted once.
  const off: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off.push(square[i * n + j]!);
  const t = new Float64Array(n * n);
  if ((opts.scale ?? 'rank') === 'rank') {
    const sorted = Float64Array.from(off).sort();
    const rankOf = (v: number): number => {
      // mean position of v among the sorted values, as a fraction
      let lo = 0, hi = sorted.length;
      while (lo < hi) { const m = (lo + hi) >> 1; if (sorted[m]! < v) lo = m + 1; else hi = m; }
      let hi2 = lo;
      while (hi2 < sorted.length && sorted[hi2] === v) hi2++;
      return sorted.length > 1 ? (lo + hi2 - 1) / 2 / (sorted.length - 1) : 0.5;
    };
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[i * n + j] = i === j ? 0 : rankOf(square[i * n + j]!);
  } else {
    let lo = Infinity, hi = -Infinity;
    for (const v of off) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    const span = hi > lo ? hi - lo : 1;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[i * n + j] = i === j ? 0 : (square[i * n + j]! - lo) / span;
  }
  const W = n * cell;
  const rgb = new Uint8Array(W * W * 3);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const c = viridis(t[i * n + j]!);
      for (let y = i * cell; y < (i + 1) * cell; y++) {
        for (let x = j * cell; x < (j + 1) * cell; x++) rgb.set(c, (y * W + x) * 3);
      }
    }
  }
  return encodeRgbPng(W, W, rgb);
}

/** The heat map as a `data:image/png;base64,...` URI for an <img>. */
export function heatmapDataUri(square: ArrayLike<number>, n: number, opts: HeatmapOptions = {}): string {
  return `data:image/png;base64,${base64(heatmapPng(square, n, opts))}`;
}
