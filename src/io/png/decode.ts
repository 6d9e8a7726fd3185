// PNG decoding (ISO/IEC 15948): 8-bit greyscale, grey+alpha, RGB and RGBA, not interlaced — the
// natural-image sets dendrite reads. Chunks are walked with their lengths checked; IDAT data is
// inflated with a size bound (the exact decoded size is known from the header), and each row is
// un-filtered (None, Sub, Up, Average, Paeth). Browser-safe: bytes in, pixels out.

import { FormatError } from '../../errors.js';
import { unzlib } from '../compress/inflate.js';

export interface PngImage {
  width: number;
  height: number;
  /** Samples per pixel: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA. */
  channels: number;
  /** Row-major, channels interleaved, 0 … 255. */
  data: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const CHANNELS: Record<number, number> = { 0: 1, 4: 2, 2: 3, 6: 4 };
const MAX_PIXELS = 1 << 28;

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

export function decodePng(bytes: Uint8Array, source = '<png>'): PngImage {
  const fail = (at: number, msg: string): never => { throw new FormatError(`${source}: PNG ${msg} (at byte ${at})`); };
  if (bytes.length < 8 || SIGNATURE.some((v, i) => bytes[i] !== v)) fail(0, 'signature missing');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 8, width = 0, height = 0, channels = 0, seenHeader = false, seenEnd = false;
  const idat: Uint8Array[] = [];
  while (pos < bytes.length && !seenEnd) {
    if (bytes.length - pos < 12) fail(pos, `chunk header truncated: ${bytes.length - pos} bytes left`);
    const len = dv.getUint32(pos);
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    if (len > bytes.length - pos - 12) fail(pos, `chunk ${type} claims ${len} bytes, ${bytes.length - pos - 12} remain`);
    const body = bytes.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      if (len !== 13) fail(pos, `IHDR of ${len} bytes (13 expected)`);
      width = dv.getUint32(pos + 8); height = dv.getUint32(pos + 12);
      const depth = body[8]!, colour = body[9]!, interlace = body[12]!;
      if (width < 1 || height < 1 || width * height > MAX_PIXELS) fail(pos, `size ${width} × ${height} out of range`);
      if (depth !== 8) fail(pos, `bit depth ${depth} not supported (8 only)`);
      if (CHANNELS[colour] === undefined) fail(pos, `colour type ${colour} not supported (greyscale, RGB, with or without alpha)`);
      if (body[10] !== 0 || body[11] !== 0) fail(pos, `compression ${body[10]} / filter method ${body[11]} unknown`);
      if (interlace !== 0) fail(pos, 'interlaced images are not supported');
      channels = CHANNELS[colour]!;
      seenHeader = true;
    } else if (!seenHeader) {
      fail(pos, `first chunk is ${type}, not IHDR`);
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') seenEnd = true;
    pos += 12 + len;
  }
  if (!seenHeader) fail(8, 'has no IHDR');
  if (idat.length === 0) fail(pos, 'has no IDAT');
  const total = idat.reduce((a, b) => a + b.length, 0), z = new Uint8Array(total);
  let o = 0;
  for (const c of idat) z.set(c, o), o += c.length;
  const stride = width * channels, want = height * (stride + 1);
  const raw = unzlib(z, `${source} IDAT`, want);
  if (raw.length !== want) fail(pos, `image data inflates to ${raw.length} bytes, ${width} × ${height} × ${channels} needs ${want}`);
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]!, src = y * (stride + 1) + 1, dst = y * stride;
    for (let x = 0; x < stride; x++) {
      const v = raw[src + x]!;
      const a = x >= channels ? out[dst + x - channels]! : 0;
      const b = y > 0 ? out[dst - stride + x]! : 0;
      const c = x >= channels && y > 0 ? out[dst - stride + x - channels]! : 0;
      let r: number;
      switch (f) {
        case 0: r = v; break;
        case 1: r = v + a; break;
        case 2: r = v + b; break;
        case 3: r = v + ((a + b) >> 1); break;
        case 4: r = v + paeth(a, b, c); break;
        default: return fail(pos, `row ${y} has filter type ${f} (0 … 4 defined)`);
      }
      out[dst + x] = r & 0xff;
    }
  }
  return { width, height, channels, data: out };
}

/** Luminance in [0, 1] (ITU-R BT.601 weights for colour, as PIL's convert('L') up to rounding). */
export function pngToGray(img: PngImage): Float64Array {
  const n = img.width * img.height, out = new Float64Array(n), c = img.channels, d = img.data;
  for (let i = 0; i < n; i++) {
    out[i] = c >= 3 ? (0.299 * d[i * c]! + 0.587 * d[i * c + 1]! + 0.114 * d[i * c + 2]!) / 255 : d[i * c]! / 255;
  }
  return out;
}
