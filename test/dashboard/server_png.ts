// Decodes the PNG screenshots chromium takes (8-bit RGB/RGBA, not interlaced) to count drawn pixels.
import { inflateSync } from 'node:zlib';

export interface Image {
  width: number;
  height: number;
  /** RGBA, row-major. */
  rgba: Uint8Array;
}

export function decodePng(png: Uint8Array): Image {
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let off = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Uint8Array[] = [];
  while (off < png.length) {
    const len = dv.getUint32(off);
    const type = String.fromCharCode(...png.subarray(off + 4, off + 8));
    const data = png.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = dv.getUint32(off + 8);
      height = dv.getUint32(off + 12);
      const depth = data[8]!;
      const color = data[9]!;
      if (depth !== 8 || (color !== 2 && color !== 6) || data[12] !== 0) throw new Error(`decodePng: depth ${depth}, color type ${color}, interlace ${data[12]} not handled`);
      channels = color === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = out.subarray(y * stride, (y + 1) * stride);
    const up = y > 0 ? out.subarray((y - 1) * stride, y * stride) : new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? row[i - channels]! : 0;
      const b = up[i]!;
      const c = i >= channels ? up[i - channels]! : 0;
      let v = src[i]!;
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      row[i] = v & 255;
    }
  }
  if (channels === 4) return { width, height, rgba: out };
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set([out[3 * i]!, out[3 * i + 1]!, out[3 * i + 2]!, 255], 4 * i);
  return { width, height, rgba };
}

/** Pixels that differ from white by more than `tol` in any channel. */
export function inkPixels(img: Image, tol = 24): number {
  let n = 0;
  for (let i = 0; i < img.width * img.height; i++) {
    const r = img.rgba[4 * i]!;
    const g = img.rgba[4 * i + 1]!;
    const b = img.rgba[4 * i + 2]!;
    if (255 - r > tol || 255 - g > tol || 255 - b > tol) n++;
  }
  return n;
}

/** Distinct non-white colours (a chart draws several; a blank or error box few). */
export function colours(img: Image): number {
  const s = new Set<number>();
  for (let i = 0; i < img.width * img.height; i++) s.add((img.rgba[4 * i]! << 16) | (img.rgba[4 * i + 1]! << 8) | img.rgba[4 * i + 2]!);
  return s.size;
}
