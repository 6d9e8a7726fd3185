// safetensors: u64 LE header length N, N bytes of JSON header (space padded), then the raw
// little-endian tensor bytes. https://github.com/huggingface/safetensors#format
import { DTypeError, FormatError, ShapeError } from '../../errors.js';

export type SafeDType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

export type RawData =
  | Float64Array
  | Float32Array
  | Int32Array
  | BigInt64Array
  | Int16Array
  | Int8Array
  | Uint8Array
  | Uint16Array;

/** One tensor as bytes: F16/BF16 stay as their raw bit patterns in a Uint16Array, BOOL as 0/1 bytes. */
export interface RawTensor {
  dtype: SafeDType;
  shape: number[];
  data: RawData;
}

type ArrayCtor = { new (buf: ArrayBuffer, offset?: number, length?: number): RawData; BYTES_PER_ELEMENT: number };

const CTORS: Record<SafeDType, ArrayCtor> = {
  F64: Float64Array,
  F32: Float32Array,
  F16: Uint16Array,
  BF16: Uint16Array,
  I64: BigInt64Array,
  I32: Int32Array,
  I16: Int16Array,
  I8: Int8Array,
  U8: Uint8Array,
  BOOL: Uint8Array,
};

/** Byte size of one element of `dtype`. */
export function dtypeSize(dtype: SafeDType): number {
  return CTORS[dtype].BYTES_PER_ELEMENT;
}

function isDType(s: unknown): s is SafeDType {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(CTORS, s);
}

// Typed arrays use host byte order; every current JS engine is little-endian, but stay correct anyway.
const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function swapInPlace(bytes: Uint8Array, width: number): void {
  if (HOST_LE || width === 1) return;
  for (let i = 0; i < bytes.length; i += width) bytes.subarray(i, i + width).reverse();
}

function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

const F16_TABLE = /* @__PURE__ */ (() => {
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) t[h] = sign * frac * 2 ** -24;
    else if (exp === 31) t[h] = frac ? NaN : sign * Infinity;
    else t[h] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return t;
})();

/** Converts any RawTensor's data to Float32Array (F16/BF16 decoded, I64 via Number, F64 rounded). */
export function toFloat32(raw: RawTensor): Float32Array {
  const { dtype, data } = raw;
  const n = data.length;
  if (dtype === 'F32') return Float32Array.from(data as Float32Array);
  const out = new Float32Array(n);
  if (dtype === 'F16') {
    const src = data as Uint16Array;
    for (let i = 0; i < n; i++) out[i] = F16_TABLE[src[i]!]!;
  } else if (dtype === 'BF16') {
    // bf16 is the top half of a float32.
    const bits = new Uint32Array(out.buffer);
    const src = data as Uint16Array;
    for (let i = 0; i < n; i++) bits[i] = src[i]! << 16;
  } else if (dtype === 'I64') {
    const src = data as BigInt64Array;
    for (let i = 0; i < n; i++) out[i] = Number(src[i]!);
  } else {
    out.set(data as Exclude<RawData, BigInt64Array>);
  }
  return out;
}

function checkShape(shape: unknown, where: string, fail: (msg: string) => never): number[] {
  if (!Array.isArray(shape)) fail(`${where}: shape must be an array, got ${JSON.stringify(shape)}`);
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      fail(`${where}: shape ${JSON.stringify(shape)} has an invalid dimension ${JSON.stringify(d)}`);
    }
  }
  const n = numel(shape as number[]);
  if (!Number.isSafeInteger(n)) fail(`${where}: shape ${JSON.stringify(shape)} is too large`);
  return (shape as number[]).slice();
}

/** Serialises tensors (packed in key-sorted order) and optional string metadata to safetensors bytes. */
export function encodeSafetensors(tensors: Record<string, RawTensor>, metadata?: Record<string, string>): Uint8Array {
  const names = Object.keys(tensors).sort();
  const entries: string[] = [];
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new DTypeError(`encodeSafetensors: metadata '${k}' must be a string, got ${typeof v}`);
    }
    entries.push(`"__metadata__":${JSON.stringify(metadata)}`);
  }
  let offset = 0;
  const spans: [RawTensor, number][] = [];
  for (const name of names) {
    if (name === '__metadata__') throw new FormatError(`encodeSafetensors: '__metadata__' is reserved and cannot name a tensor`);
    const t = tensors[name]!;
    if (!isDType(t.dtype)) throw new DTypeError(`encodeSafetensors: tensor '${name}': unknown dtype ${JSON.stringify(t.dtype)}`);
    const Ctor = CTORS[t.dtype];
    if (!(t.data instanceof Ctor)) {
      throw new DTypeError(`encodeSafetensors: tensor '${name}': dtype ${t.dtype} needs a ${Ctor.name}, got ${t.data?.constructor?.name}`);
    }
    const shape = checkShape(t.shape, `encodeSafetensors: tensor '${name}'`, (m) => {
      throw new ShapeError(m);
    });
    if (numel(shape) !== t.data.length) {
      throw new ShapeError(`encodeSafetensors: tensor '${name}': shape ${JSON.stringify(shape)} needs ${numel(shape)} elements, data has ${t.data.length}`);
    }
    const end = offset + t.data.byteLength;
    entries.push(`${JSON.stringify(name)}:{"dtype":"${t.dtype}","shape":${JSON.stringify(shape)},"data_offsets":[${offset},${end}]}`);
    spans.push([t, offset]);
    offset = end;
  }
  // Built by hand: JSON.stringify would move integer-like tensor names ahead of the others.
  let header = new TextEncoder().encode(`{${entries.join(',')}}`);
  const padded = Math.ceil(header.length / 8) * 8;
  if (padded !== header.length) {
    const h = new Uint8Array(padded).fill(0x20);
    h.set(header);
    header = h;
  }
  const out = new Uint8Array(8 + header.length + offset);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, header.length, true);
  dv.setUint32(4, Math.floor(header.length / 2 ** 32), true);
  out.set(header, 8);
  const base = 8 + header.length;
  for (const [t, off] of spans) {
    const dst = out.subarray(base + off, base + off + t.data.byteLength);
    dst.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    swapInPlace(dst, t.data.BYTES_PER_ELEMENT);
  }
  return out;
}

/** The reference reader's limit on the JSON header (safetensors' MAX_HEADER_SIZE, 100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;

/** Sets an own enumerable property, so that a name like `__proto__` is a key like any other. */
function put<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Parses safetensors bytes; every tensor's data is copied into its own aligned typed array.
 * Accepts what the reference (Rust) reader accepts: a header of at most 100 MB, and tensors whose
 * data_offsets, sorted, tile the data buffer exactly (no overlap, no gap, nothing left over).
 * Everything is checked before any tensor data is copied, so a header cannot make the reader
 * allocate more than the file holds.
 */
export function decodeSafetensors(
  bytes: Uint8Array,
  source = '<bytes>',
): { tensors: Record<string, RawTensor>; metadata: Record<string, string> } {
  const fail = (msg: string): never => {
    throw new FormatError(`safetensors ${source}: ${msg}`);
  };
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, shorter than the 8-byte header length`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = dv.getUint32(0, true);
  const hi = dv.getUint32(4, true);
  const n = lo + hi * 2 ** 32;
  const nText = hi === 0 ? String(lo) : String((BigInt(hi) << 32n) | BigInt(lo)); // exact beyond 2^53
  if (n > MAX_HEADER_BYTES) fail(`header length ${nText} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  if (n > bytes.length - 8) fail(`header length ${nText} exceeds the ${bytes.length - 8} bytes after the length field`);

  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    fail(`header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    fail(`header must be a JSON object, got ${Array.isArray(header) ? 'an array' : header === null ? 'null' : typeof header}`);
  }
  const h = header as Record<string, unknown>;

  const metadata: Record<string, string> = {};
  const meta = h['__metadata__'];
  if (meta !== undefined) {
    if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) fail(`__metadata__ must be an object of strings`);
    for (const [k, v] of Object.entries(meta as object)) {
      if (typeof v !== 'string') fail(`__metadata__.${k} must be a string, got ${JSON.stringify(v)}`);
      put(metadata, k, v as string);
    }
  }

  // Pass 1: check every entry, without touching the data.
  const dataStart = 8 + n;
  const dataLen = bytes.length - dataStart;
  const spans: { name: string; dtype: SafeDType; shape: number[]; count: number; begin: number; end: number }[] = [];
  for (const [name, info] of Object.entries(h)) {
    if (name === '__metadata__') continue;
    const where = `tensor '${name}'`;
    if (info === null || typeof info !== 'object' || Array.isArray(info)) fail(`${where}: entry must be an object`);
    const { dtype, shape, data_offsets: offs } = info as Record<string, unknown>;
    if (!isDType(dtype)) fail(`${where}: unknown dtype ${JSON.stringify(dtype)} (dendrite reads ${Object.keys(CTORS).join(', ')})`);
    const dt = dtype as SafeDType;
    const dims = checkShape(shape, where, fail);
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      fail(`${where}: data_offsets must be two non-negative integers, got ${JSON.stringify(offs)}`);
    }
    const [begin, end] = offs as [number, number];
    if (begin > end || end > dataLen) fail(`${where}: data_offsets [${begin}, ${end}] out of range of the ${dataLen}-byte data buffer`);
    const count = numel(dims);
    const need = count * CTORS[dt].BYTES_PER_ELEMENT;
    if (end - begin !== need) {
      fail(`${where}: ${dt} shape ${JSON.stringify(dims)} needs ${need} bytes, data_offsets [${begin}, ${end}] hold ${end - begin}`);
    }
    spans.push({ name, dtype: dt, shape: dims, count, begin, end });
  }

  // The tensors must tile the data buffer exactly: no overlap, no gap, nothing left over.
  const sorted = spans.slice().sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  let prev = '';
  for (const s of sorted) {
    if (s.begin < pos) fail(`tensor '${s.name}' data_offsets [${s.begin}, ${s.end}] overlap tensor '${prev}' (ends at ${pos})`);
    if (s.begin > pos) fail(`tensor '${s.name}' data_offsets [${s.begin}, ${s.end}] leave bytes ${pos}..${s.begin} unused`);
    pos = s.end;
    prev = s.name;
  }
  if (pos !== dataLen) fail(`tensors cover ${pos} of the ${dataLen} data bytes; the rest is unaccounted for`);

  // Pass 2: copy; the tensors together hold exactly the data buffer.
  const tensors: Record<string, RawTensor> = {};
  for (const s of spans) {
    const Ctor = CTORS[s.dtype];
    // a fresh block: on a Node Buffer, bytes.slice() is a view whose .buffer is a larger block
    const copy = new Uint8Array(s.end - s.begin);
    copy.set(bytes.subarray(dataStart + s.begin, dataStart + s.end));
    swapInPlace(copy, Ctor.BYTES_PER_ELEMENT);
    put(tensors, s.name, { dtype: s.dtype, shape: s.shape, data: new Ctor(copy.buffer, 0, s.count) });
  }
  return { tensors, metadata };
}
