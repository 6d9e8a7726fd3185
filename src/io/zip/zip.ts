// ZIP archive reading (PKWARE APPNOTE 6.3): the central directory (with its zip64 variants), and
// entries stored (method 0) or deflated (method 8), each CRC-32 checked. Bytes in, bytes out, so it
// works in Node and the browser.
//
// The central directory is the one source of truth for names, sizes and offsets, as Python's
// zipfile and numpy's np.load use it: local headers are read only to find where an entry's data
// start (their sizes may be 0 or 0xffffffff when a writer streamed the entry or forced zip64, as
// numpy's savez does). An entry inflates into a buffer of the size the directory declares, and no
// further: a "zip bomb" whose deflate data run on past the declared size is refused as soon as it
// does, and a declared size beyond what the compressed bytes can hold (deflate expands at most
// ~1032:1) or beyond `maxEntryBytes` is refused before anything is allocated.

import { FormatError } from '../../errors.js';
import { Inflater, MAX_DEFLATE_RATIO, crc32 } from '../compress/index.js';

export interface ZipEntry {
  /** File name as stored (UTF-8 when the entry's flag bit 11 says so, else CP437 read as Latin-1). */
  name: string;
  /** 0 stored, 8 deflated (others are listed but cannot be read). */
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  /** Offset of the entry's local header. */
  headerOffset: number;
  /** General-purpose flags (bit 0: encrypted). */
  flags: number;
}

export interface ZipOptions {
  /** Largest uncompressed entry read (default 2 GiB). */
  maxEntryBytes?: number;
}

export interface ZipArchive {
  source: string;
  entries: ZipEntry[];
  /** The entry's bytes, CRC-32 verified. FormatError for a missing name or a damaged entry. */
  read(name: string | ZipEntry): Uint8Array;
}

const SIG_LOCAL = 0x04034b50, SIG_CENTRAL = 0x02014b50, SIG_END = 0x06054b50;
const SIG_END64 = 0x06064b50, SIG_LOC64 = 0x07064b50;
const MAX32 = 0xffffffff, MAX16 = 0xffff;
const DEFAULT_MAX_ENTRY = 2 ** 31;

const hex = (v: number) => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;

function latin1(b: Uint8Array): string {
  let s = '';
  for (const c of b) s += String.fromCharCode(c);
  return s;
}

/** True when `b` starts like a zip archive (a local header, or the end record of an empty one). */
export function isZip(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && ((b[2] === 3 && b[3] === 4) || (b[2] === 5 && b[3] === 6));
}

/** Lists a zip archive's entries from its central directory; `read` extracts one. */
export function openZip(input: Uint8Array | ArrayBuffer, source = '<bytes>', opts: ZipOptions = {}): ZipArchive {
  const b = input instanceof Uint8Array ? input : new Uint8Array(input);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const fail = (msg: string): never => {
    throw new FormatError(`openZip: ${source}: ${msg}`);
  };
  const u16 = (o: number) => view.getUint16(o, true);
  const u32 = (o: number) => view.getUint32(o, true);
  const u64 = (o: number, what: string) => {
    const v = view.getBigUint64(o, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail(`${what} ${v} is beyond any real file`);
    return Number(v);
  };
  const maxEntry = opts.maxEntryBytes ?? DEFAULT_MAX_ENTRY;

  // End of central directory: the last signature within the final 22 + 65535 bytes (comment).
  let end = -1;
  for (let p = b.length - 22; p >= Math.max(0, b.length - 22 - MAX16); p--) {
    if (u32(p) === SIG_END && p + 22 + u16(p + 20) <= b.length) {
      end = p;
      break;
    }
  }
  if (end < 0) fail(`no end-of-central-directory record (${b.length} bytes; not a zip archive, or truncated)`);
  let count = u16(end + 10);
  let cdSize = u32(end + 12);
  let cdOffset = u32(end + 16);
  if (u16(end + 4) !== 0 || u16(end + 6) !== 0) fail(`multi-disk archives are not supported (disk ${u16(end + 4)})`);
  // zip64: a locator just before the end record points at the zip64 end record.
  if (end >= 20 && u32(end - 20) === SIG_LOC64) {
    const at = u64(end - 12, 'zip64 end-record offset');
    if (at + 56 > end - 20) fail(`zip64 end-record offset ${at} is outside the archive`);
    if (u32(at) !== SIG_END64) fail(`no zip64 end-of-central-directory record at byte ${at} (signature ${hex(u32(at))})`);
    count = u64(at + 32, 'zip64 entry count');
    cdSize = u64(at + 40, 'zip64 central-directory size');
    cdOffset = u64(at + 48, 'zip64 central-directory offset');
  } else if (count === MAX16 || cdSize === MAX32 || cdOffset === MAX32) {
    fail('the end record defers to a zip64 record, but there is no zip64 locator before it');
  }
  if (cdOffset + cdSize > b.length) fail(`central directory at byte ${cdOffset} (${cdSize} bytes) runs past the end of the ${b.length}-byte archive`);
  // Each central record takes at least 46 bytes: a huge count cannot make us loop or allocate.
  if (count * 46 > cdSize) fail(`${count} entries cannot fit in a ${cdSize}-byte central directory`);

  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > cdOffset + cdSize) fail(`central directory entry ${k} at byte ${p} is truncated`);
    if (u32(p) !== SIG_CENTRAL) fail(`central directory entry ${k} at byte ${p}: bad signature ${hex(u32(p))}`);
    const flags = u16(p + 8), method = u16(p + 10), crc = u32(p + 16);
    let compressedSize = u32(p + 20), size = u32(p + 24);
    const nameLen = u16(p + 28), extraLen = u16(p + 30), commentLen = u16(p + 32);
    let headerOffset = u32(p + 42);
    const next = p + 46 + nameLen + extraLen + commentLen;
    if (next > cdOffset + cdSize) fail(`central directory entry ${k} at byte ${p} runs past the directory's end`);
    const raw = b.subarray(p + 46, p + 46 + nameLen);
    const name = flags & 0x800 ? new TextDecoder('utf-8', { fatal: false }).decode(raw) : latin1(raw);
    // zip64 extended information: the 64-bit values, in order, of the fields stored as 0xffffffff.
    for (let e = p + 46 + nameLen; e + 4 <= p + 46 + nameLen + extraLen;) {
      const id = u16(e), len = u16(e + 2);
      if (e + 4 + len > p + 46 + nameLen + extraLen) fail(`entry '${name}': extra field 0x${id.toString(16)} at byte ${e} runs past its record`);
      if (id === 0x0001) {
        let q = e + 4;
        const take = (what: string) => {
          if (q + 8 > e + 4 + len) fail(`entry '${name}': zip64 extra field has no ${what}`);
          const v = u64(q, `entry '${name}': zip64 ${what}`);
          q += 8;
          return v;
        };
        if (size === MAX32) size = take('size');
        if (compressedSize === MAX32) compressedSize = take('compressed size');
        if (headerOffset === MAX32) headerOffset = take('header offset');
      }
      e += 4 + len;
    }
    if (headerOffset + 30 > cdOffset) fail(`entry '${name}': local header offset ${headerOffset} is not before the central directory (byte ${cdOffset})`);
    entries.push({ name, method, crc32: crc, compressedSize, size, headerOffset, flags });
    p = next;
  }

  const read = (which: string | ZipEntry): Uint8Array => {
    const e = typeof which === 'string' ? entries.find((x) => x.name === which) : which;
    if (!e) return fail(`no entry '${String(which)}' (entries: ${entries.map((x) => x.name).join(', ') || 'none'})`);
    const what = `entry '${e.name}'`;
    if (e.flags & 1) fail(`${what} is encrypted`);
    if (e.method !== 0 && e.method !== 8) fail(`${what}: compression method ${e.method} is not supported (only 0 stored and 8 deflate)`);
    const h = e.headerOffset;
    if (u32(h) !== SIG_LOCAL) fail(`${what}: no local header at byte ${h} (signature ${hex(u32(h))})`);
    const start = h + 30 + u16(h + 26) + u16(h + 28);
    if (start + e.compressedSize > b.length) fail(`${what}: ${e.compressedSize} compressed bytes from byte ${start} run past the end of the ${b.length}-byte archive`);
    if (e.size > maxEntry) fail(`${what} declares ${e.size} bytes, more than maxEntryBytes ${maxEntry}`);
    const data = b.subarray(start, start + e.compressedSize);
    let out: Uint8Array;
    if (e.method === 0) {
      if (e.size !== e.compressedSize) fail(`${what} is stored, but its size ${e.size} differs from its compressed size ${e.compressedSize}`);
      out = data.slice();
      if (crc32(out, 0) >>> 0 !== e.crc32 >>> 0) fail(`${what}: CRC-32 mismatch: directory says ${hex(e.crc32)}, the data give ${hex(crc32(out, 0))} (corrupt archive)`);
      return out;
    }
    if (e.size > e.compressedSize * MAX_DEFLATE_RATIO + 1024) fail(`${what} declares ${e.size} bytes, more than its ${e.compressedSize} deflated bytes can hold`);
    const inf = new Inflater(data, 'deflate', `openZip: ${source}: ${what}`);
    inf.reserve(e.size);
    // Inflate to the declared size and one byte more: a stream that goes on is refused there.
    if (!inf.readTo(e.size) || inf.length > e.size) fail(`${what} inflates to more than the ${e.size} bytes its directory record declares`);
    if (inf.length !== e.size) fail(`${what} inflates to ${inf.length} bytes, its directory record declares ${e.size}`);
    if (inf.checksum !== e.crc32 >>> 0) fail(`${what}: CRC-32 mismatch: directory says ${hex(e.crc32)}, the data inflate to ${hex(inf.checksum)} (corrupt archive)`);
    return inf.output;
  };

  return { source, entries, read };
}
