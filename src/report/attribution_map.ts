// Attribution maps as grayscale PNG data URIs: a saliency map (values ≥ 0) from black (0) to
// white (its largest value); a signed map (IG, input × gradient, Grad-CAM) about mid-grey, white
// for the most positive value and black for its negative. Rows and columns can be repeated, so
// a 22-channel × 1125-sample EEG map is tall enough to read and a 28 × 28 digit large enough.

import { ShapeError } from '../errors.js';
import { grayPngDataUri } from './png.js';

export interface AttributionMapOptions {
  /** Signed: symmetric about zero (default: true when any value is negative). */
  signed?: boolean;
  /** Repeat each row this many times (default 1). */
  rowRepeat?: number;
  /** Repeat each column this many times (default 1). */
  colRepeat?: number;
}

export interface AttributionMap {
  uri: string;
  width: number;
  height: number;
  /** The value shown as white (and, signed, minus it as black). */
  scale: number;
  signed: boolean;
}

/** An h × w map (row-major values) as a PNG data URI. */
export function attributionMap(values: ArrayLike<number>, h: number, w: number, opts: AttributionMapOptions = {}): AttributionMap {
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < 1 || w < 1 || values.length !== h * w) {
    throw new ShapeError(`attributionMap: ${values.length} values for a ${h} × ${w} map`);
  }
  const ry = opts.rowRepeat ?? 1, rx = opts.colRepeat ?? 1;
  if (!Number.isInteger(ry) || !Number.isInteger(rx) || ry < 1 || rx < 1) throw new ShapeError(`attributionMap: repeats must be positive integers, got ${ry} × ${rx}`);
  let scale = 0, neg = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
    if (v < 0) neg = true;
  }
  const signed = opts.signed ?? neg;
  const W = w * rx, H = h * ry;
  const px = new Uint8Array(W * H);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const v = values[r * w + c]!;
      const t = !Number.isFinite(v) || scale === 0 ? (signed ? 0.5 : 0) : signed ? 0.5 + (0.5 * v) / scale : Math.max(0, v) / scale;
      const g = Math.round(255 * t);
      for (let y = 0; y < ry; y++) px.fill(g, (r * ry + y) * W + c * rx, (r * ry + y) * W + (c + 1) * rx);
    }
  }
  return { uri: grayPngDataUri(W, H, px), width: W, height: H, scale, signed };
}
