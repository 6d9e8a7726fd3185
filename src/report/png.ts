// PNG encoding of small 8-bit grayscale and RGB images (filter weights, activation maps, heat maps) as data URIs,
// so a report page stays one file. Browser-safe: zlib from fflate, CRC-32 from crc32.ts, base64 here.

import { zlibSync } from 'fflate';
import { ShapeError } from '../errors.js';
import { crc32 } from './crc32.js';

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** An 8-bit PNG (no interlace) of `pixels`: height × width × channels, row-major; 1 channel
 * is grayscale, 3 truecolour RGB. */
export function encodePng(width: number, height: number, pixels: Uint8Array, channels: 1 | 3, op = 'encodePng'): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || pixels.length !== width * height * channels) {
    throw new ShapeError(`${op}: ${pixels.length} bytes for a ${width} × ${height} image of ${channels} channel${channels > 1 ? 's' : ''}`);
  }
  const stride = width * channels;
  const raw = new Uint8Array(height * (stride + 1)); // filter byte 0 (none) before each row
  for (let r = 0; r < height; r++) raw.set(pixels.subarray(r * stride, (r + 1) * stride), r * (stride + 1) + 1);
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 1 ? 0 : 2; // colour type: grayscale or truecolour
  const parts = [Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), chunk('IHDR', ihdr), chunk('IDAT', zlibSync(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** A grayscale PNG (8 bits, no interlace) of `gray` (height × width, row-major). */
export function encodeGrayPng(width: number, height: number, gray: Uint8Array): Uint8Array {
  return encodePng(width, height, gray, 1, 'encodeGrayPng');
}

/** An 8-bit RGB PNG of `rgb` (height × width × 3, row-major). */
export function encodeRgbPng(width: number, height: number, rgb: Uint8Array): Uint8Array {
  return encodePng(width, height, rgb, 3, 'encodeRgbPng');
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!, b = bytes[i + 1], c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    s += B64[n >> 18]! + B64[(n >> 12) & 63]! + (b === undefined ? '=' : B64[(n >> 6) & 63]!) + (c === undefined ? '=' : B64[n & 63]!);
  }
  return s;
}

/** `data:image/png;base64,...` of a grayscale image. */
export function grayPngDataUri(width: number, height: number, gray: Uint8Array): string {
  return `data:image/png;base64,${base64(encodeGrayPng(width, height, gray))}`;
}

/**
 * Weights (count × h × w, row-major) as grayscale images, each scaled symmetrically about zero
 * on its own largest magnitude: 0 is mid-grey, the most positive weight white, its negative black.
 */
export function weightImages(weights: ArrayLike<number>, count: number, h: number, w: number): { uri: string; min: number; max: number }[] {
  if (weights.length !== count * h * w) throw new ShapeError(`weightImages: ${weights.length} weights for ${count} × ${h} × ${w}`);
  const out: { uri: string; min: number; max: number }[] = [];
  for (let k = 0; k < count; k++) {
    let min = Infinity, max = -Infinity;
    for (let i = 0; i < h * w; i++) {
      const v = weights[k * h * w + i]!;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    const scale = Math.max(Math.abs(min), Math.abs(max)) || 1;
    const gray = new Uint8Array(h * w);
    for (let i = 0; i < h * w; i++) gray[i] = Math.round(127.5 + 127.5 * (weights[k * h * w + i]! / scale));
    out.push({ uri: grayPngDataUri(w, h, gray), min, max });
  }
  return out;
}
