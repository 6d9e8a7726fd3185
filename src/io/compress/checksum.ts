// The two checksums that guard compressed streams: CRC-32 (gzip trailer, RFC 1952) and
// Adler-32 (zlib trailer, RFC 1950). Both incremental: pass the previous value to continue.

const CRC_TABLE = /* @__PURE__ */ (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3, reflected, as gzip and zlib's crc32()) of `data`, continuing from `crc`. */
export function crc32(data: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

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
