// The two checksums that guard compressed streams: CRC-32 (gzip trailer, RFC 1952; it lives in
// report/crc32.ts, which PNG chunks share) and Adler-32 (zlib trailer, RFC 1950). Both
// incremental: pass the previous value to continue.

export { crc32 } from '../../report/crc32.js';

/** Adler-32 of `data`, continuing from `adler` (1 for a fresh stream, as zlib's adler32()). */
export function adler32(data: Uint8Array, adler = 1): number {
  let a = adler & 0xffff, b = adler >>> 16;
  // 5552 is the most bytes that can be summed before b could overflow 2^32 (zlib's NMAX).
  for (let i = 0; i < data.length;) {
    const end = Math.min(i + 5552, data.length);
    for (; i < end; i++) {
      a += data[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
