// A grid of small 2-D maps (conv filters, feature maps) in one grayscale PNG: each tile scaled
// symmetrically about zero (0 mid-grey) on its own largest magnitude or on the grid's, then
// enlarged by pixel replication, tiles separated by a white gutter.

import { ArgumentError, ShapeError } from '../errors.js';
import { encodeGrayPng, base64 } from './png.js';

export interface FilterGridOptions {
  /** Tiles per row (default: ceil(sqrt(count))). */
  cols?: number;
  /** Pixels per weight (default 8). */
  scale?: number;
  /** Gutter in pixels (default 2). */
  pad?: number;
  /** 'each' (default) scales every tile on its own max |w|; 'all' on the grid's. */
  normalize?: 'each' | 'all';
}

export interface FilterGrid {
  png: Uint8Array;
  width: number;
  height: number;
  /** The max |w| each tile was scaled by. */
  scales: number[];
}

/** `maps` (count × h × w, row-major) as one PNG grid. */
export function filterGrid(maps: ArrayLike<number>, count: number, h: number, w: number, opts: FilterGridOptions = {}): FilterGrid {
  for (const [k, v] of [['count', count], ['h', h], ['w', w]] as const) if (!Number.isInteger(v) || v < 1) throw new ShapeError(`filterGrid: ${k} ${v}, expected a positive integer`);
  if (maps.length !== count * h * w) throw new ShapeError(`filterGrid: ${maps.length} values for ${count} × ${h} × ${w}`);
  const cols = opts.cols ?? Math.ceil(Math.sqrt(count));
  const scale = opts.scale ?? 8, pad = opts.pad ?? 2;
  for (const [k, v, min] of [['cols', cols, 1], ['scale', scale, 1], ['pad', pad, 0]] as const) {
    if (!Number.isInteger(v) || v < min || v > 4096) throw new ArgumentError(`filterGrid: ${k} ${v}, expected an integer in [${min}, 4096]`);
  }
  const rows = Math.ceil(count / Math.min(cols, count));
  const c = Math.min(cols, count);
  const width = c * w * scale + (c + 1) * pad, height = rows * h * scale + (rows + 1) * pad;
  if (width * height > 64e6) throw new ArgumentError(`filterGrid: a ${width} × ${height} image is too large; lower scale`);
  const scales: number[] = [];
  let all = 0;
  for (let k = 0; k < count; k++) {
    let m = 0;
    for (let i = 0; i < h * w; i++) {
      const v = maps[k * h * w + i]!;
      if (!Number.isFinite(v)) throw new ArgumentError(`filterGrid: map ${k} holds ${v} at ${Math.floor(i / w)}, ${i % w}`);
      m = Math.max(m, Math.abs(v));
    }
    scales.push(m);
    all = Math.max(all, m);
  }
  if (opts.normalize === 'all') scales.fill(all);
  const gray = new Uint8Array(width * height).fill(255);
  for (let k = 0; k < count; k++) {
    const x0 = pad + (k % c) * (w * scale + pad), y0 = pad + Math.floor(k / c) * (h * scale + pad);
    const s = scales[k]! || 1;
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        const g = Math.round(127.5 + 127.5 * (maps[k * h * w + i * w + j]! / s));
        for (let dy = 0; dy < scale; dy++) gray.fill(g, (y0 + i * scale + dy) * width + x0 + j * scale, (y0 + i * scale + dy) * width + x0 + (j + 1) * scale);
      }
    }
  }
  return { png: encodeGrayPng(width, height, gray), width, height, scales };
}

/** `<img>` of a filter grid as a data URI. */
export function filterGridImg(grid: FilterGrid, alt: string): string {
  const a = alt.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  return `<img alt="${a}" width="${grid.width}" height="${grid.height}" style="image-rendering:pixelated" src="data:image/png;base64,${base64(grid.png)}">`;
}
