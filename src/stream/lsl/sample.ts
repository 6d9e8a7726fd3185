// LSL protocol-1.10 samples (sample.cpp save_to/load_from with little-endian byte order):
//   tag u8: 1 = deduced timestamp (none follows), 2 = transmitted (float64 LE follows)
//   values: channel_count raw little-endian numbers, or per string channel
//           u8 width (1, 2, 4 or 8) + length (width bytes, LE) + UTF-8 bytes.
// The decoder is incremental: it takes TCP chunks cut anywhere, keeps at most one partial sample,
// and refuses a string longer than its cap before buffering it.
import { ArgumentError, FormatError } from '../../errors.js';
import type { ChannelFormat } from './info.js';

export const TAG_DEDUCED_TIMESTAMP = 1;
export const TAG_TRANSMITTED_TIMESTAMP = 2;
/** liblsl's sentinel for "no timestamp: deduce it from the previous one and the rate". */
export const DEDUCED_TIMESTAMP = -1.0;

/** Channel values of n samples, row-major (sample-major): value of channel c in sample i at [i * C + c]. */
export type ChannelData = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | BigInt64Array | string[];

/** n samples with their timestamps. */
export interface SampleChunk {
  data: ChannelData;
  timestamps: Float64Array;
  count: number;
}

/** Bytes of one numeric value on the wire; 0 for strings (length-prefixed). */
export function valueBytes(format: ChannelFormat): number {
  switch (format) {
    case 'float32': case 'int32': return 4;
    case 'double64': case 'int64': return 8;
    case 'int16': return 2;
    case 'int8': return 1;
    case 'string': return 0;
  }
}

/** An empty data array for `n` values of the format. */
export function allocData(format: ChannelFormat, n: number): ChannelData {
  switch (format) {
    case 'float32': return new Float32Array(n);
    case 'double64': return new Float64Array(n);
    case 'int32': return new Int32Array(n);
    case 'int16': return new Int16Array(n);
    case 'int8': return new Int8Array(n);
    case 'int64': return new BigInt64Array(n);
    case 'string': return new Array<string>(n).fill('');
  }
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const INT_RANGE: Partial<Record<ChannelFormat, [number, number]>> = {
  int8: [-128, 127], int16: [-32768, 32767], int32: [-2147483648, 2147483647],
};

/**
 * Converts caller values to the format's typed array, refusing what would silently change:
 * non-integers or out-of-range values for integer formats, unsafe integers for int64, non-strings.
 */
export function toChannelData(format: ChannelFormat, values: ArrayLike<number | bigint | string>, what: string): ChannelData {
  const n = values.length;
  const bad = (i: number, why: string): never => {
    throw new ArgumentError(`${what}: value ${String(values[i])} at index ${i} ${why} for channel format ${format}`);
  };
  if (format === 'string') {
    if (Array.isArray(values) && values.every((v) => typeof v === 'string')) return values as string[];
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (typeof v !== 'string') bad(i, 'is not a string');
      out[i] = v as string;
    }
    return out;
  }
  const out = allocData(format, n);
  if (format === 'int64') {
    if (values instanceof BigInt64Array) return values;
    const o = out as BigInt64Array;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (typeof v === 'bigint') {
        if (BigInt.asIntN(64, v) !== v) bad(i, 'does not fit 64 bits');
        o[i] = v;
      } else if (typeof v === 'number' && Number.isSafeInteger(v)) o[i] = BigInt(v);
      else bad(i, 'is not a safe integer');
    }
    return o;
  }
  if (out.constructor === (values as object).constructor) return values as ChannelData;
  const o = out as Float32Array | Float64Array | Int8Array | Int16Array | Int32Array;
  const range = INT_RANGE[format];
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v !== 'number') bad(i, 'is not a number');
    if (range && (!Number.isInteger(v) || (v as number) < range[0] || (v as number) > range[1])) bad(i, `is not an integer in [${range[0]}, ${range[1]}]`);
    o[i] = v as number;
  }
  return o;
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Encodes samples [first, first + count) of row-major `data` (channels per sample) with their
 * timestamps; a timestamp equal to DEDUCED_TIMESTAMP is sent with the deduced tag.
 */
export function encodeSamples(
  format: ChannelFormat, channels: number, data: ChannelData, timestamps: ArrayLike<number>, first = 0, count = timestamps.length - first,
): Uint8Array {
  if (data.length < (first + count) * channels || timestamps.length < first + count) {
    throw new ArgumentError(`lsl encodeSamples: ${count} samples from ${first} need ${(first + count) * channels} values and ${first + count} timestamps, got ${data.length} and ${timestamps.length}`);
  }
  let deduced = 0;
  for (let i = first; i < first + count; i++) if (timestamps[i] === DEDUCED_TIMESTAMP) deduced++;
  const vb = valueBytes(format);
  let strings: Uint8Array[] = [];
  let size = count + 8 * (count - deduced);
  if (format === 'string') {
    const s = data as string[];
    strings = new Array(count * channels);
    for (let k = 0; k < count * channels; k++) {
      const b = textEncoder.encode(s[first * channels + k]!);
      strings[k] = b;
      size += 1 + (b.length <= 0xff ? 1 : b.length <= 0xffffffff ? 4 : 8) + b.length;
    }
  } else size += count * channels * vb;
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  let p = 0;
  for (let i = 0; i < count; i++) {
    const ts = timestamps[first + i]!;
    if (ts === DEDUCED_TIMESTAMP) out[p++] = TAG_DEDUCED_TIMESTAMP;
    else {
      out[p++] = TAG_TRANSMITTED_TIMESTAMP;
      dv.setFloat64(p, ts, true);
      p += 8;
    }
    const base = (first + i) * channels;
    if (format === 'string') {
      for (let c = 0; c < channels; c++) {
        const b = strings[i * channels + c]!;
        if (b.length <= 0xff) {
          out[p++] = 1;
          out[p++] = b.length;
        } else if (b.length <= 0xffffffff) {
          out[p++] = 4;
          dv.setUint32(p, b.length, true);
          p += 4;
        } else {
          out[p++] = 8;
          dv.setBigUint64(p, BigInt(b.length), true);
          p += 8;
        }
        out.set(b, p);
        p += b.length;
      }
    } else if (LITTLE_ENDIAN_HOST) {
      const d = data as Exclude<ChannelData, string[]>;
      out.set(new Uint8Array(d.buffer, d.byteOffset + base * vb, channels * vb), p);
      p += channels * vb;
    } else {
      for (let c = 0; c < channels; c++, p += vb) writeValue(dv, p, format, data, base + c);
    }
  }
  return out;
}

function writeValue(dv: DataView, p: number, format: ChannelFormat, data: ChannelData, k: number): void {
  switch (format) {
    case 'float32': dv.setFloat32(p, (data as Float32Array)[k]!, true); break;
    case 'double64': dv.setFloat64(p, (data as Float64Array)[k]!, true); break;
    case 'int32': dv.setInt32(p, (data as Int32Array)[k]!, true); break;
    case 'int16': dv.setInt16(p, (data as Int16Array)[k]!, true); break;
    case 'int8': dv.setInt8(p, (data as Int8Array)[k]!); break;
    case 'int64': dv.setBigInt64(p, (data as BigInt64Array)[k]!, true); break;
    default: break;
  }
}

function readValue(dv: DataView, p: number, format: ChannelFormat, data: ChannelData, k: number): void {
  switch (format) {
    case 'float32': (data as Float32Array)[k] = dv.getFloat32(p, true); break;
    case 'double64': (data as Float64Array)[k] = dv.getFloat64(p, true); break;
    case 'int32': (data as Int32Array)[k] = dv.getInt32(p, true); break;
    case 'int16': (data as Int16Array)[k] = dv.getInt16(p, true); break;
    case 'int8': (data as Int8Array)[k] = dv.getInt8(p); break;
    case 'int64': (data as BigInt64Array)[k] = dv.getBigInt64(p, true); break;
    default: break;
  }
}

export interface SampleDecoderOptions {
  /** Nominal rate, for deduced timestamps (last + 1/srate; 0 = repeat the last). */
  nominalSrate?: number;
  /** Longest string value accepted, in bytes (default 1 MiB). */
  maxStringBytes?: number;
  /** Names the stream in error messages. */
  what?: string;
}

/**
 * Incremental protocol-1.10 sample decoder. `push(bytes)` returns the samples completed by these
 * bytes; a partial sample is carried to the next push. Carried bytes never exceed one sample
 * (at most channels x (9 + maxStringBytes) + 9 for strings). Work is O(bytes): a partial sample
 * is appended to a growing carry buffer only up to the bytes it still needs, and a string sample
 * resumes where it stopped (its finished channels are not decoded again).
 */
export class SampleDecoder {
  /** Timestamp of the last decoded sample (deduced timestamps count on from it). */
  lastTimestamp = 0;
  /**
   * Set when a push met malformed bytes after some good samples: those were returned, this error
   * is thrown by the next push (the stream cannot be resynchronised).
   */
  error: FormatError | null = null;
  /** The partial sample's bytes are carry[0, carryLen); carry grows by doubling. */
  private carry: Uint8Array = new Uint8Array(0);
  private carryLen = 0;
  /** Bytes (from the partial sample's start) that must be present before parsing can progress. */
  private need = 0;
  /** A string sample stopped mid-way: offset (from its start) of the next channel, and the channels decoded. */
  private resumeAt = 0;
  private resumeVals: string[] = [];
  private readonly vb: number;
  private readonly maxString: number;
  private readonly step: number;
  private readonly what: string;

  constructor(readonly format: ChannelFormat, readonly channels: number, opts: SampleDecoderOptions = {}) {
    if (!Number.isInteger(channels) || channels < 1) throw new ArgumentError(`lsl SampleDecoder: channel count ${channels} must be an integer >= 1`);
    this.vb = valueBytes(format);
    this.maxString = opts.maxStringBytes ?? 1 << 20;
    const srate = opts.nominalSrate ?? 0;
    this.step = srate > 0 ? 1 / srate : 0;
    this.what = opts.what ?? 'lsl sample stream';
  }

  /** Bytes held from an incomplete sample. */
  get bufferedBytes(): number {
    return this.carryLen;
  }

  /** The most bytes the decoder may ever hold for this format and channel count. */
  get maxBufferedBytes(): number {
    return this.format === 'string' ? 9 + this.channels * (9 + this.maxString) : 9 + this.channels * this.vb;
  }

  /** Decodes what the bytes complete; malformed input -> FormatError (now, or on the next push if good samples came first). */
  push(bytes: Uint8Array): SampleChunk {
    if (this.error) throw this.error;
    let p = 0;
    // finish the carried sample first, appending only the bytes it still needs; a push too short
    // to complete it allocates nothing
    let one: ChannelData | null = null;
    while (this.carryLen) {
      const k = Math.min(this.need - this.carryLen, bytes.length - p);
      this.append(bytes.subarray(p, p + k));
      p += k;
      if (this.carryLen < this.need) return { data: allocData(this.format, 0), timestamps: new Float64Array(0), count: 0 };
      const c = this.carry.subarray(0, this.carryLen);
      one ??= allocData(this.format, this.channels);
      if (this.parseOne(c, new DataView(c.buffer, c.byteOffset, c.byteLength), 0, one, 0) >= 0) this.carryLen = 0;
    }
    const minSample = 1 + this.channels * (this.format === 'string' ? 2 : this.vb);
    const cap = (one ? 1 : 0) + Math.floor((bytes.length - p) / minSample);
    const data = allocData(this.format, cap * this.channels);
    const timestamps = new Float64Array(cap);
    let n = 0;
    if (one) {
      if (Array.isArray(one)) for (let c = 0; c < this.channels; c++) (data as string[])[c] = one[c]!;
      else (data as Exclude<ChannelData, string[]>).set(one as never);
      this.finish(timestamps, n++);
    }
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (;;) {
      let end: number;
      try {
        end = this.parseOne(bytes, dv, p, data, n);
      } catch (e) {
        // Samples before the bad one are good: hand them out, fail on the next push.
        if (n === 0) throw e;
        this.error = e as FormatError;
        break;
      }
      if (end < 0) break;
      this.finish(timestamps, n++);
      p = end;
    }
    if (!this.error && p < bytes.length) this.append(bytes.subarray(p));
    const timestampsOut = n === cap ? timestamps : timestamps.slice(0, n);
    return { data: n === cap ? data : data.slice(0, n * this.channels), timestamps: timestampsOut, count: n };
  }

  /** Parses one sample at p (resuming a string sample); its end, or -1 with `need` set (relative to p). */
  private parseOne(buf: Uint8Array, dv: DataView, p: number, data: ChannelData, n: number): number {
    return this.format === 'string' ? this.parseString(buf, dv, p, data as string[], n) : this.parseNumeric(buf, dv, p, data, n);
  }

  private finish(timestamps: Float64Array, n: number): void {
    const ts = this.pendingTs;
    timestamps[n] = ts === DEDUCED_TIMESTAMP ? this.lastTimestamp + this.step : ts;
    this.lastTimestamp = timestamps[n]!;
  }

  /** Appends to the carry, doubling its capacity (amortised O(1) per byte). */
  private append(b: Uint8Array): void {
    const len = this.carryLen + b.length;
    if (len > this.carry.length) {
      const grown = new Uint8Array(Math.max(len, Math.min(2 * this.carry.length, this.maxBufferedBytes), 64));
      grown.set(this.carry.subarray(0, this.carryLen));
      this.carry = grown;
    }
    this.carry.set(b, this.carryLen);
    this.carryLen = len;
  }

  /** The timestamp read by the last header() (DEDUCED_TIMESTAMP for tag 1). */
  private pendingTs = 0;

  /** Reads the tag and timestamp at p; returns the offset after them, or -1 (need set) if incomplete. */
  private header(buf: Uint8Array, dv: DataView, p: number): number {
    if (p >= buf.length) {
      this.need = 1;
      return -1;
    }
    const tag = buf[p]!;
    if (tag === TAG_DEDUCED_TIMESTAMP) {
      this.pendingTs = DEDUCED_TIMESTAMP;
      return p + 1;
    }
    if (tag !== TAG_TRANSMITTED_TIMESTAMP) throw new FormatError(`${this.what}: sample tag ${tag} at byte ${p} is neither 1 (deduced) nor 2 (transmitted timestamp)`);
    if (p + 9 > buf.length) {
      this.need = 9;
      return -1;
    }
    this.pendingTs = dv.getFloat64(p + 1, true);
    return p + 9;
  }

  private parseNumeric(buf: Uint8Array, dv: DataView, p: number, data: ChannelData, n: number): number {
    const q = this.header(buf, dv, p);
    if (q < 0) return -1;
    const len = this.channels * this.vb;
    if (q + len > buf.length) {
      this.need = q + len - p;
      return -1;
    }
    const base = n * this.channels;
    if (LITTLE_ENDIAN_HOST) {
      const d = data as Exclude<ChannelData, string[]>;
      new Uint8Array(d.buffer, d.byteOffset + base * this.vb, len).set(buf.subarray(q, q + len));
    } else {
      for (let c = 0; c < this.channels; c++) readValue(dv, q + c * this.vb, this.format, data, base + c);
    }
    return q + len;
  }

  private parseString(buf: Uint8Array, dv: DataView, p: number, data: string[], n: number): number {
    let q: number;
    let vals: string[];
    if (this.resumeAt > 0) {
      q = p + this.resumeAt;
      vals = this.resumeVals;
    } else {
      q = this.header(buf, dv, p);
      if (q < 0) return -1;
      vals = [];
    }
    const stop = (needAt: number): number => {
      this.resumeAt = q - p;
      this.resumeVals = vals;
      this.need = needAt - p;
      return -1;
    };
    for (let c = vals.length; c < this.channels; c++) {
      if (q >= buf.length) return stop(q + 1);
      const width = buf[q]!;
      if (width !== 1 && width !== 2 && width !== 4 && width !== 8) throw new FormatError(`${this.what}: invalid varlen int: length width ${width} (expected 1, 2, 4 or 8) at byte ${q}`);
      if (q + 1 + width > buf.length) return stop(q + 1 + width);
      const len =
        width === 1 ? buf[q + 1]! : width === 2 ? dv.getUint16(q + 1, true) : width === 4 ? dv.getUint32(q + 1, true) : Number(dv.getBigUint64(q + 1, true));
      if (len > this.maxString) throw new FormatError(`${this.what}: string of ${len} bytes in channel ${c} exceeds the limit of ${this.maxString} bytes`);
      if (q + 1 + width + len > buf.length) return stop(q + 1 + width + len);
      const s = q + 1 + width;
      try {
        vals.push(textDecoder.decode(buf.subarray(s, s + len)));
      } catch {
        throw new FormatError(`${this.what}: string in channel ${c} at byte ${s} is not valid UTF-8`);
      }
      q = s + len;
    }
    this.resumeAt = 0;
    this.resumeVals = [];
    for (let c = 0; c < this.channels; c++) data[n * this.channels + c] = vals[c]!;
    return q;
  }
}
