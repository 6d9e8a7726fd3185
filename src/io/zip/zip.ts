// ZIP archives (PKWARE APPNOTE 6.3): the central directory is the index, each entry's data is
// stored or raw-deflated after its local header. Only what data sets ship is read: methods 0
// (stored) and 8 (deflate), no ZIP64, no encryption. Every inflated entry is checked against
// the size and CRC-32 the directory declares, and an entry is never given more room than
// deflate can produce from its compressed bytes, so a lying header cannot buy a huge allocation.

import { inflateSync } from 'fflate';
import { FormatError } from '../../errors.js';
import { crc32 } from '../compress/checksum.js';
import { MAX_DEFLATE_RATIO } from '../compress/inflate.js';

export interface ZipEntry {
  /** Path inside the archive, '/'-separated (directories end with '/'). */
  name: string;
  /** 0 stored, 8 deflate. */
  method: number;
  compressedSize: number;
  size: number;
  crc32: number;
  /** Offset of the entry's local header. */
  localOffset: number;
}

const EOCD_SIG = 0x06054b50;
const CEN_SIG = 0x02014b50;
const LOC_SIG = 0x04034b50;

function dv(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** The entries of a ZIP archive, in central-directory order. */
export function listZip(bytes: Uint8Array, label = '<zip>'): ZipEntry[] {
  const v = dv(bytes);
  // the end-of-central-directory record: 22 bytes plus a comment of up to 65535
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (v.getUint32(i, true) === EOCD_SIG) { eocd = i; break; }
  }
  if (eocd < 0) throw new FormatError(`${label}: not a ZIP archive (no end-of-central-directory record in ${bytes.length} bytes)`);
  const count = v.getUint16(eocd + 10, true);
  const cdSize = v.getUint32(eocd + 12, true);
  const cdOff = v.getUint32(eocd + 16, true);
  if (count === 0xffff || cdOff === 0xffffffff) throw new FormatError(`${label}: ZIP64 archives are not supported`);
  if (cdOff + cdSize > eocd) throw new FormatError(`${label}: central directory [${cdOff}, ${cdOff + cdSize}) runs past its end record at ${eocd}`);
  const entries: ZipEntry[] = [];
  let p = cdOff;
  const dec = new TextDecoder();
  for (let k = 0; k < count; k++) {
    if (p + 46 > eocd || v.getUint32(p, true) !== CEN_SIG) throw new FormatError(`${label}: central directory entry ${k} at byte ${p} is malformed`);
    const flags = v.getUint16(p + 8, true);
    const method = v.getUint16(p + 10, true);
    const crc = v.getUint32(p + 16, true);
    const compressedSize = v.getUint32(p + 20, true);
    const size = v.getUint32(p + 24, true);
    const nameLen = v.getUint16(p + 28, true);
    const extraLen = v.getUint16(p + 30, true);
    const commentLen = v.getUint16(p + 32, true);
    const localOffset = v.getUint32(p + 42, true);
    if (p + 46 + nameLen > eocd) throw new FormatError(`${label}: central directory entry ${k} name runs past the directory`);
    const name = dec.decode(bytes.subarray(p + 46, p + 46 + nameLen));
    if (flags & 1) throw new FormatError(`${label}: entry ${name} is encrypted`);
    entries.push({ name, method, compressedSize, size, crc32: crc, localOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** The uncompressed bytes of one entry, checked against its declared size and CRC-32. */
export function readZipEntry(bytes: Uint8Array, e: ZipEntry, label = '<zip>'): Uint8Array {
  const v = dv(bytes);
  const where = `${label}: ${e.name}`;
  const h = e.localOffset;
  if (h + 30 > bytes.length || v.getUint32(h, true) !== LOC_SIG) throw new FormatError(`${where}: no local header at byte ${h}`);
  const start = h + 30 + v.getUint16(h + 26, true) + v.getUint16(h + 28, true);
  const end = start + e.compressedSize;
  if (end > bytes.length) throw new FormatError(`${where}: data [${start}, ${end}) runs past the archive's ${bytes.length} bytes`);
  const raw = bytes.subarray(start, end);
  let out: Uint8Array;
  if (e.method === 0) {
    if (e.size !== e.compressedSize) throw new FormatError(`${where}: stored entry declares ${e.size} bytes but holds ${e.compressedSize}`);
    out = raw.slice();
  } else if (e.method === 8) {
    if (e.size > e.compressedSize * MAX_DEFLATE_RATIO + 1024) throw new FormatError(`${where}: declared size ${e.size} is more than deflate can produce from ${e.compressedSize} bytes`);
    const buf = new Uint8Array(e.size);
    try {
      out = inflateSync(raw, { out: buf });
    } catch (err) {
      throw new FormatError(`${where}: corrupt deflate data (${(err as Error).message})`);
    }
    if (out.length !== e.size) throw new FormatError(`${where}: inflated to ${out.length} bytes, the directory declares ${e.size}`);
  } else throw new FormatError(`${where}: compression method ${e.method} is not supported (only 0 stored and 8 deflate)`);
  const c = crc32(out);
  if (c !== e.crc32) throw new FormatError(`${where}: CRC-32 0x${c.toString(16)} differs from the declared 0x${e.crc32.toString(16)}`);
  return out;
}

/** Every file entry (directories skipped) whose name passes `keep`, by name. */
export function unzip(bytes: Uint8Array, label = '<zip>', keep: (name: string) => boolean = () => true): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const e of listZip(bytes, label)) if (!e.name.endsWith('/') && keep(e.name)) out.set(e.name, readZipEntry(bytes, e, label));
  return out;
}
