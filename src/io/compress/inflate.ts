// Streaming gzip (RFC 1952) and zlib (RFC 1950) decompression with checksum verification, shared
// by the NIfTI, IDX and MAT readers.
//
// fflate's one-shot gunzipSync/unzlibSync check neither gzip's CRC-32/ISIZE nor zlib's Adler-32,
// and gunzipSync allocates whatever ISIZE claims before inflating everything. Here the deflate
// data is pushed through fflate's streaming Inflate a few KiB at a time, so a reader can stop
// once it has the bytes its header declares (a file padded with a gigabyte of compressed zeros
// costs what its image costs), and a stream read to its end is checked against its trailer.
//
// The end of a deflate stream, and so the position of its trailer, is read from fflate's
// Inflate state (`s.f` final block seen, `s.l` no block in progress, `s.p` bit position in the
// unread input `p`), the same fields fflate's own Gunzip uses to find the next member. The lockfile
// pins fflate 0.8.3; test/io/compress checks the end against streams of many lengths and block
// types, and step() fails loudly if the fields disappear.

import { Inflate } from 'fflate';
import { FormatError } from '../../errors.js';
import { adler32, crc32 } from './checksum.js';

/** 'deflate': a raw RFC 1951 stream (a zip entry), its CRC-32 left to the caller (`checksum`). */
export type Container = 'gzip' | 'zlib' | 'deflate';

/** Input bytes per push. Deflate expands at most ~1032:1, so one push yields at most ~8.3 MiB. */
const CHUNK = 8192;

/** The most deflate can expand: 258 bytes from a 1-bit length code and a 1-bit distance code. */
export const MAX_DEFLATE_RATIO = 1032;

interface InflateState {
  p: Uint8Array;
  s: { f?: number; l?: unknown; p?: number };
}

/** True when `b` starts with the gzip magic bytes 1f 8b. */
export function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

const hex = (v: number): string => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;

/**
 * A gzip or zlib stream inflated on demand. `label` prefixes every error message (e.g.
 * `readNifti: brain.nii.gz`); errors are FormatErrors naming the container, what went wrong and
 * the byte offset in the compressed input.
 */
export class Inflater {
  /** Output bytes so far, in `buf[0..length)`. */
  private buf = new Uint8Array(0);
  private n = 0;
  /** Next input byte to push; the input before it has been handed to the current member. */
  private pos = 0;
  private inf: Inflate | null = null;
  /** Checksum and output size of the current member. */
  private sum = 0;
  private memberBytes = 0;
  private memberStart = 0;
  private done = false;
  /** gzip members read so far (a file may concatenate several; zlib has one). */
  members = 0;

  constructor(readonly input: Uint8Array, readonly format: Container, readonly label: string) {
    this.startMember(0);
  }

  /** The output inflated so far (a view; valid until the next call that inflates more). */
  get output(): Uint8Array {
    return this.buf.subarray(0, this.n);
  }

  get length(): number {
    return this.n;
  }

  /** True once the whole stream has been inflated and every trailer checksum matched. */
  get ended(): boolean {
    return this.done;
  }

  /** CRC-32 (gzip, deflate) or Adler-32 (zlib) of the output of the current member so far. */
  get checksum(): number {
    return this.sum >>> 0;
  }

  /** Compressed input bytes consumed so far (the whole input once `ended`). */
  get consumed(): number {
    return this.done ? this.input.length : this.pos;
  }

  /** The most output this input could inflate to. */
  get maxOutput(): number {
    return this.input.length * MAX_DEFLATE_RATIO;
  }

  /** Makes room for `n` output bytes in total, so a reader that knows its size allocates once
   *  (never more than the input could inflate to, whatever a header claims). */
  reserve(n: number): void {
    n = Math.min(n, this.maxOutput);
    if (n > this.buf.length) {
      const b = new Uint8Array(n);
      b.set(this.buf.subarray(0, this.n));
      this.buf = b;
    }
  }

  /** Inflates until at least `n` bytes are out or the stream ends; returns the bytes out. */
  fill(n: number): number {
    while (this.n < n && !this.done) this.step();
    return this.n;
  }

  /** Inflates until the stream ends (true: every checksum verified) or more than `cap` bytes are out (false). */
  readTo(cap: number): boolean {
    while (!this.done && this.n <= cap) this.step();
    return this.done;
  }

  /** The whole stream, verified; a FormatError if it inflates to more than `max` bytes. */
  readAll(max = Infinity): Uint8Array {
    if (!this.readTo(max)) this.fail(`inflates to more than ${max} bytes`);
    return this.output;
  }

  private fail(msg: string): never {
    throw new FormatError(`${this.label}: ${this.format}: ${msg}`);
  }

  private append(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.sum = this.format === 'zlib' ? adler32(chunk, this.sum) : crc32(chunk, this.sum);
    this.memberBytes += chunk.length;
    const need = this.n + chunk.length;
    if (need > this.buf.length) this.reserve(Math.max(need, this.buf.length * 2, 65536));
    this.buf.set(chunk, this.n);
    this.n = need;
  }

  /** Parses the member header at `at` and starts inflating after it. */
  private startMember(at: number): void {
    const b = this.input;
    let p = at;
    if (this.format === 'gzip') {
      if (b.length - at < 10) this.fail(`truncated header at byte ${at}: ${b.length - at} of 10 bytes`);
      if (b[at] !== 0x1f || b[at + 1] !== 0x8b) this.fail(`bad magic 0x${b[at]!.toString(16)}${b[at + 1]!.toString(16)} at byte ${at} (expected 1f8b)`);
      if (b[at + 2] !== 8) this.fail(`compression method ${b[at + 2]} at byte ${at + 2} (only 8, deflate, exists)`);
      const flg = b[at + 3]!;
      p = at + 10;
      if (flg & 4) {
        if (p + 2 > b.length) this.fail(`truncated header: FEXTRA length at byte ${p}`);
        p += 2 + (b[p]! | (b[p + 1]! << 8));
      }
      for (const bit of [8, 16]) {
        // FNAME, FCOMMENT: zero-terminated
        if (flg & bit) {
          while (p < b.length && b[p] !== 0) p++;
          p++;
        }
      }
      if (flg & 2) p += 2; // FHCRC, not checked (neither does Python's gzip)
      if (p > b.length) this.fail(`truncated header of the member at byte ${at}`);
      this.sum = 0;
    } else if (this.format === 'deflate') {
      this.sum = 0;
    } else {
      if (b.length - at < 2) this.fail(`truncated header: ${b.length - at} of 2 bytes`);
      const cmf = b[at]!, flg = b[at + 1]!;
      if ((cmf & 0x0f) !== 8 || cmf >> 4 > 7) this.fail(`bad header byte CMF 0x${cmf.toString(16)} (expected deflate with a window of at most 32 KiB)`);
      if (((cmf << 8) | flg) % 31 !== 0) this.fail(`bad header check bits (CMF 0x${cmf.toString(16)}, FLG 0x${flg.toString(16)})`);
      if (flg & 0x20) this.fail('the stream needs a preset dictionary, which this reader does not have');
      p = at + 2;
      this.sum = 1;
    }
    this.memberBytes = 0;
    this.memberStart = at;
    this.pos = p;
    this.members++;
    this.inf = new Inflate((chunk) => this.append(chunk));
  }

  /** Pushes one chunk of input; on the end of a member, verifies its trailer and moves on. */
  private step(): void {
    const inf = this.inf!;
    const b = this.input;
    if (this.pos >= b.length) this.fail(`truncated: the compressed data ends (byte ${b.length}) before the end of the deflate stream that starts at byte ${this.memberStart}`);
    const end = Math.min(this.pos + CHUNK, b.length);
    try {
      inf.push(b.subarray(this.pos, end), false);
    } catch (e) {
      this.fail(`corrupt deflate data between bytes ${this.pos} and ${end} (${(e as Error).message})`);
    }
    this.pos = end;
    const st = inf as unknown as InflateState;
    if (typeof st.s !== 'object' || !(st.p instanceof Uint8Array)) {
      throw new Error('io/compress: fflate\'s Inflate no longer keeps its state in `s` and `p`; this module needs updating');
    }
    if (!(st.s.f && !st.s.l)) return;
    // Stream end: the trailer starts at the next byte boundary of the unread input.
    const trailer = end - st.p.length + ((((st.s.p ?? 0) + 7) / 8) | 0);
    this.inf = null;
    if (this.format === 'gzip') {
      if (trailer + 8 > b.length) this.fail(`truncated: the 8-byte CRC32/ISIZE trailer at byte ${trailer} is cut off (${b.length - trailer} bytes)`);
      const crc = (b[trailer]! | (b[trailer + 1]! << 8) | (b[trailer + 2]! << 16) | (b[trailer + 3]! << 24)) >>> 0;
      const isize = (b[trailer + 4]! | (b[trailer + 5]! << 8) | (b[trailer + 6]! << 16) | (b[trailer + 7]! << 24)) >>> 0;
      if (crc !== this.sum) this.fail(`CRC32 mismatch in the member at byte ${this.memberStart}: trailer says ${hex(crc)}, the data inflate to ${hex(this.sum)} (corrupt file)`);
      if (isize !== this.memberBytes % 2 ** 32) this.fail(`ISIZE mismatch in the member at byte ${this.memberStart}: trailer says ${isize} bytes, the data inflate to ${this.memberBytes} (corrupt file)`);
      // As Python's gzip: zero padding after a member is allowed; anything else must be another member.
      let next = trailer + 8;
      while (next < b.length && b[next] === 0) next++;
      if (next < b.length) {
        if (!isGzip(b.subarray(next))) this.fail(`${b.length - next} bytes of trailing data at byte ${next} that are not a gzip member`);
        this.startMember(next);
        return;
      }
    } else if (this.format === 'zlib') {
      if (trailer + 4 > b.length) this.fail(`truncated: the 4-byte Adler-32 trailer at byte ${trailer} is cut off (${b.length - trailer} bytes)`);
      const adler = ((b[trailer]! << 24) | (b[trailer + 1]! << 16) | (b[trailer + 2]! << 8) | b[trailer + 3]!) >>> 0;
      if (adler !== this.sum) this.fail(`Adler-32 mismatch: trailer says ${hex(adler)}, the data inflate to ${hex(this.sum)} (corrupt stream)`);
      // Bytes after the trailer are ignored, as zlib's decompress (and so scipy) ignores them.
    }
    this.done = true;
  }
}

/** The whole gzip stream (all members), CRC32 and ISIZE verified. */
export function gunzip(bytes: Uint8Array, label: string, max = Infinity): Uint8Array {
  return new Inflater(bytes, 'gzip', label).readAll(max);
}

/** The whole zlib stream, Adler-32 verified. */
export function unzlib(bytes: Uint8Array, label: string, max = Infinity): Uint8Array {
  return new Inflater(bytes, 'zlib', label).readAll(max);
}
