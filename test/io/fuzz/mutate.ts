// Seeded mutations for the reader fuzz test. Every mutation is a pure function of (source, seed),
// so the parent can name and re-create the case a child was running when it hung or blew up,
// and each case can be reproduced on its own. Each returns a one-line description of what it did.

import { Generator } from '../../../src/index.js';

export interface Mutation {
  bytes: Uint8Array;
  what: string;
}

/** A 32-bit seed for case `i` of target `name` (FNV-1a of the pair). */
export function caseSeed(name: string, i: number): number {
  let h = 0x811c9dc5;
  for (const ch of `${name}#${i}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

const hex = (v: number) => `0x${v.toString(16).padStart(2, '0')}`;

/** Byte-level mutation, mostly within the first `headerBytes` bytes where parsing decisions are made. */
export function mutateBytes(src: Uint8Array, g: Generator, headerBytes: number): Mutation {
  let b = src.slice();
  const inHeader = () => g.int(0, Math.max(1, Math.min(headerBytes, b.length)));
  switch (g.int(0, 6)) {
    case 0: { // flip random bytes
      const flips: string[] = [];
      for (let k = g.int(1, 9); k > 0; k--) {
        const at = g.random() < 0.8 ? inHeader() : g.int(0, b.length);
        const v = g.int(0, 256);
        if (at < b.length) b[at] = v;
        flips.push(`@${at}=${hex(v)}`);
      }
      return { bytes: b, what: `set bytes ${flips.join(' ')}` };
    }
    case 1: { // overwrite a header run with digits, signs, spaces or junk
      const at = inHeader();
      const alphabet = '0123456789-+. eE\x00\xff';
      let text = '';
      for (let k = 0, n = g.int(1, 12); k < n && at + k < b.length; k++) {
        const c = alphabet.charCodeAt(g.int(0, alphabet.length));
        b[at + k] = c;
        text += String.fromCharCode(c);
      }
      return { bytes: b, what: `overwrite @${at} with ${JSON.stringify(text)}` };
    }
    case 2: { // truncate
      const n = g.int(0, b.length);
      return { bytes: b.subarray(0, n), what: `truncate to ${n} of ${src.length} bytes` };
    }
    case 3: { // insert junk
      const at = g.int(0, b.length);
      const junk = Uint8Array.from({ length: g.int(1, 64) }, () => g.int(0, 256));
      const out = new Uint8Array(b.length + junk.length);
      out.set(b.subarray(0, at));
      out.set(junk, at);
      out.set(b.subarray(at), at + junk.length);
      return { bytes: out, what: `insert ${junk.length} junk bytes @${at}` };
    }
    case 4: { // set 4 bytes to an extreme integer (counts, offsets, sizes)
      const at = Math.min(inHeader(), Math.max(0, b.length - 4));
      const v = [0, -1, 0x7fffffff, 0x80000000 | 0, 1 << 20][g.int(0, 5)]!;
      const le = g.random() < 0.5;
      if (b.length >= 4) new DataView(b.buffer, b.byteOffset, b.byteLength).setInt32(at, v, le);
      return { bytes: b, what: `int32 ${v} ${le ? 'LE' : 'BE'} @${at}` };
    }
    default: { // zero a header span
      const at = inHeader();
      const n = g.int(1, 32);
      b.fill(0, at, at + n);
      return { bytes: b, what: `zero bytes ${at}..${at + n}` };
    }
  }
}

/** Corrupts a gzip stream: `flips` random bytes anywhere. */
export function flipAnywhere(src: Uint8Array, g: Generator, flips: number): Mutation {
  const b = src.slice();
  const done: string[] = [];
  for (let k = 0; k < flips; k++) {
    const at = g.int(0, b.length);
    const v = g.int(0, 256);
    b[at] = v;
    done.push(`@${at}=${hex(v)}`);
  }
  return { bytes: b, what: `set bytes ${done.join(' ')}` };
}

// ---- safetensors: mutations of the JSON header, re-encoded with a consistent length field ----

/** A safetensors file from a header text, a data buffer and (optionally) a length field that lies. */
export function safetensorsFile(headerText: string, data: Uint8Array, declared?: bigint): Uint8Array {
  const h = new TextEncoder().encode(headerText);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, declared ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

interface Parsed {
  header: Record<string, { dtype: unknown; shape: unknown; data_offsets: unknown }>;
  data: Uint8Array;
}

function parseSafetensors(src: Uint8Array): Parsed {
  const n = Number(new DataView(src.buffer, src.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(src.subarray(8, 8 + n))) as Parsed['header'];
  return { header, data: src.subarray(8 + n) };
}

const pick = <T>(g: Generator, xs: readonly T[]): T => xs[g.int(0, xs.length)]!;

/** `n` tensors over a data buffer of `dataLen` bytes; `offsets(i)` gives each tensor's span. */
function manyTensors(n: number, dataLen: number, dtype: string, shape: (i: number) => number[], offsets: (i: number) => [number, number]): Uint8Array {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(`"t${i}":{"dtype":"${dtype}","shape":${JSON.stringify(shape(i))},"data_offsets":${JSON.stringify(offsets(i))}}`);
  return safetensorsFile(`{${parts.join(',')}}`, new Uint8Array(dataLen));
}

/** The fixed large-header cases: 100 k tensors tiling, overlapping, out of range, at random. */
export const SAFETENSORS_MANY = ['tile', 'overlap', 'out of range', 'random'] as const;

export function safetensorsMany(kind: (typeof SAFETENSORS_MANY)[number], g: Generator): Mutation {
  const n = 100_000;
  const what = `${n} tensors, ${kind}`;
  switch (kind) {
    case 'tile':
      return { bytes: manyTensors(n, 4 * n, 'F32', () => [1], (i) => [4 * i, 4 * i + 4]), what };
    case 'overlap': // each claims the whole 64 KB buffer: 6.5 GB if each were copied
      return { bytes: manyTensors(n, 65536, 'U8', () => [65536], () => [0, 65536]), what };
    case 'out of range':
      return { bytes: manyTensors(n, 65536, 'U8', () => [65537], () => [0, 65537]), what };
    default:
      return {
        bytes: manyTensors(n, 65536, 'U8', () => [g.int(0, 65536)], () => {
          const a = g.int(0, 65536);
          return [a, a + g.int(0, 65536)];
        }),
        what,
      };
  }
}

const EXTREME = [0, 1, -1, 1.5, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, 1e300, -0] as const;

/** A structural mutation of a valid safetensors file's header (one field, name, or the length). */
export function mutateSafetensors(src: Uint8Array, g: Generator): Mutation {
  const { header, data } = parseSafetensors(src);
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  const name = pick(g, names);
  const entry = header[name]!;
  const [b0, e0] = entry.data_offsets as [number, number];
  const encode = () => safetensorsFile(JSON.stringify(header), data);
  switch (g.int(0, 7)) {
    case 0: { // data_offsets
      const other = header[pick(g, names)]!.data_offsets as [number, number];
      const pool = [...EXTREME, b0, e0, b0 + 1, e0 - 1, e0 + 1, data.length, data.length + 1, other[0], other[1]];
      const v = g.random() < 0.85 ? [pick(g, pool), pick(g, pool)] : pick(g, [null, [0], [0, 1, 2], '0,8', [String(b0), String(e0)], {}]);
      entry.data_offsets = v;
      return { bytes: encode(), what: `tensor '${name}' data_offsets ${JSON.stringify(v)}` };
    }
    case 1: { // shape
      const shape = Array.isArray(entry.shape) ? (entry.shape as number[]).slice() : [];
      const v = g.random() < 0.5 && shape.length > 0
        ? shape.map((d, k) => (k === g.int(0, shape.length) ? pick(g, [...EXTREME, d + 1, d - 1]) : d))
        : pick(g, [[], [0], [-1], [2 ** 26, 2 ** 26, 2 ** 26], [1e308, 1e308], ['2'], null, 3, [[2]]] as unknown[]);
      entry.shape = v;
      return { bytes: encode(), what: `tensor '${name}' shape ${JSON.stringify(v)}` };
    }
    case 2: { // dtype
      const v = pick(g, ['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U8', 'BOOL', 'U16', 'U64', 'F8_E4M3', '', 'f32', 7, null]);
      entry.dtype = v;
      return { bytes: encode(), what: `tensor '${name}' dtype ${JSON.stringify(v)}` };
    }
    case 3: { // the length field lies
      const n = BigInt(src.length) - BigInt(data.length) - 8n;
      const v = pick(g, [2n ** 64n - 1n, 2n ** 63n, 2n ** 53n + 1n, 100_000_001n, n + 1n, n - 1n, 0n, 1n, BigInt(src.length), n + 8n]);
      const b = src.slice();
      new DataView(b.buffer).setBigUint64(0, v, true);
      return { bytes: b, what: `header length field ${v}` };
    }
    case 4: { // __metadata__
      const v = pick(g, [{ a: 1 }, [], null, 'x', { a: {} }, { a: null }, {}] as unknown[]);
      (header as Record<string, unknown>)['__metadata__'] = v;
      return { bytes: encode(), what: `__metadata__ ${JSON.stringify(v)}` };
    }
    case 5: { // names: reserved-looking keys and duplicates, written as raw JSON text
      const text = JSON.stringify(header);
      const v = pick(g, ['__proto__', '', 'constructor', 'toString', names[0]!]);
      const dup = `${JSON.stringify(v)}:${JSON.stringify(entry)}`;
      return { bytes: safetensorsFile(`{${dup},${text.slice(1)}`, data), what: `extra entry ${dup}` };
    }
    default: { // damage the header text itself, keeping the length field consistent
      const text = JSON.stringify(header);
      const at = g.int(0, text.length);
      const junk = pick(g, ['', '"', '}', '{', ',', '[', '\\', '\u0000', '1e999', 'null', ' ']);
      const cut = g.int(0, 4);
      const t = text.slice(0, at) + junk + text.slice(at + cut);
      return { bytes: safetensorsFile(t, data), what: `header text: replace ${cut} chars @${at} with ${JSON.stringify(junk)}` };
    }
  }
}

// ---- header-field mutations: one whole numeric field set to an extreme value ----

const EDF_TEXT = ['1e308', '-1e308', 'NaN', 'Infinity', '-0', '0', '-1', '1e-300', '99999999', '-9999999', '0.000001', '', '+', '.', '1,5', '2147483648'];

/** EDF/BDF: an ASCII numeric header field (fixed or of one signal) replaced by an extreme number. */
export function mutateEdfField(src: Uint8Array, g: Generator): Mutation {
  const b = src.slice();
  const ns = Number(new TextDecoder('latin1').decode(src.subarray(252, 256)).trim()) || 1;
  // [name, offset, width] of the numeric fields; per-signal fields are stored field-major
  const sig = (field: string, start: number, width: number): [string, number, number] => {
    const c = g.int(0, ns);
    return [`${field} of signal ${c}`, 256 + start * ns + c * width, width];
  };
  const fields: (() => [string, number, number])[] = [
    () => ['header bytes', 184, 8],
    () => ['number of records', 236, 8],
    () => ['record duration', 244, 8],
    () => ['number of signals', 252, 4],
    () => ['start date', 168, 8],
    () => ['start time', 176, 8],
    () => sig('physical minimum', 16 + 80 + 8, 8),
    () => sig('physical maximum', 16 + 80 + 16, 8),
    () => sig('digital minimum', 16 + 80 + 24, 8),
    () => sig('digital maximum', 16 + 80 + 32, 8),
    () => sig('samples per record', 16 + 80 + 40 + 80, 8),
  ];
  const [name, at, width] = fields[g.int(0, fields.length)]!();
  const v = EDF_TEXT[g.int(0, EDF_TEXT.length)]!.slice(0, width);
  for (let k = 0; k < width; k++) b[at + k] = k < v.length ? v.charCodeAt(k) : 0x20;
  return { bytes: b, what: `${name} (@${at}) = ${JSON.stringify(v)}` };
}

type BinKind = 'u16' | 'u32' | 'i32' | 'i64' | 'f32' | 'f64';
const BIN_VALUES: Record<BinKind, readonly (number | bigint)[]> = {
  u16: [0, 1, 0xffff, 0x8000],
  u32: [0, 1, 0xffffffff, 0x80000000, 1 << 20],
  i32: [0, -1, 0x7fffffff, -0x80000000, 1 << 20],
  i64: [0n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n, 1n << 20n],
  f32: [NaN, Infinity, -Infinity, 0, -0, 3.4e38, -1],
  f64: [NaN, Infinity, -Infinity, 0, -0, 1e308, -1e308, 5e-324],
};

/** GDF 1.x / 2.x: a binary header field (fixed or of one channel) set to an extreme value. */
export function mutateGdfField(src: Uint8Array, g: Generator): Mutation {
  const b = src.slice();
  const dv = new DataView(b.buffer);
  const v2 = Number(new TextDecoder('latin1').decode(src.subarray(4, 8))) >= 1.9;
  const ns = v2 ? dv.getUint16(252, true) : dv.getUint32(252, true);
  // per-channel field-major layout: [name, start of the field's block / ns, width, kind]
  const perChannel: [string, number, BinKind][] = v2
    ? [['physical dimension code', 16 + 80 + 6, 'u16'], ['physical minimum', 16 + 80 + 8, 'f64'], ['physical maximum', 16 + 80 + 16, 'f64'],
      ['digital minimum', 16 + 80 + 24, 'f64'], ['digital maximum', 16 + 80 + 32, 'f64'], ['lowpass', 16 + 80 + 40 + 68, 'f32'],
      ['samples per record', 16 + 80 + 40 + 68 + 12, 'i32'], ['data type', 16 + 80 + 40 + 68 + 16, 'i32']]
    : [['physical minimum', 16 + 80 + 8, 'f64'], ['physical maximum', 16 + 80 + 16, 'f64'], ['digital minimum', 16 + 80 + 24, 'i64'],
      ['digital maximum', 16 + 80 + 32, 'i64'], ['samples per record', 16 + 80 + 40 + 80, 'i32'], ['data type', 16 + 80 + 40 + 84, 'i32']];
  const width: Record<BinKind, number> = { u16: 2, u32: 4, i32: 4, i64: 8, f32: 4, f64: 8 };
  let name: string, at: number, kind: BinKind;
  if (g.random() < 0.4) {
    const fixed: [string, number, BinKind][] = [['number of records', 236, 'i64'], ['duration numerator', 244, 'u32'], ['duration denominator', 248, 'u32'],
      v2 ? ['number of channels', 252, 'u16'] : ['number of channels', 252, 'u32'], v2 ? ['header length', 184, 'u16'] : ['header length', 184, 'i64']];
    [name, at, kind] = fixed[g.int(0, fixed.length)]!;
  } else {
    const c = g.int(0, Math.max(1, ns));
    const [field, start, k] = perChannel[g.int(0, perChannel.length)]!;
    name = `${field} of channel ${c}`;
    kind = k;
    at = 256 + start * ns + c * width[k];
  }
  const v = BIN_VALUES[kind][g.int(0, BIN_VALUES[kind].length)]!;
  if (at + width[kind] <= b.length) {
    if (kind === 'u16') dv.setUint16(at, Number(v), true);
    else if (kind === 'u32') dv.setUint32(at, Number(v), true);
    else if (kind === 'i32') dv.setInt32(at, Number(v), true);
    else if (kind === 'i64') dv.setBigInt64(at, BigInt.asIntN(64, v as bigint), true);
    else if (kind === 'f32') dv.setFloat32(at, Number(v), true);
    else dv.setFloat64(at, Number(v), true);
  }
  return { bytes: b, what: `${name} (@${at}, ${kind}) = ${String(v)}` };
}
