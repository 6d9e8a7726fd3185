// NumPy .npy reading (format versions 1.0, 2.0 and 3.0, numpy/lib/format.py).
//
// Layout: magic "\x93NUMPY", major and minor version bytes, the header length (uint16 LE in 1.0,
// uint32 LE in 2.0/3.0), then a Python dict literal {'descr': ..., 'fortran_order': ..., 'shape': ...}
// (Latin-1 in 1.0/2.0, UTF-8 in 3.0), padded with spaces and a newline; then the raw array data.
//
// The header is read by a small parser for exactly that literal grammar (strings, True/False,
// tuples of integers), never evaluated. Object arrays (descr 'O') are pickles: refused with a
// DTypeError before a byte of them is looked at, as are structured dtypes (a list descr), strings,
// datetimes and complex numbers. Header length is capped at numpy's own max_header_size (10 000).
//
// Data come back as a typed array in C order (numpy's default; or Fortran order on request, the
// layout NIfTI uses), converted to the host's byte order. Like np.load, bytes after the array are
// ignored; fewer than the shape needs are a FormatError, checked before any allocation.

import { DTypeError, FormatError } from '../../errors.js';

export type NpyDType = 'bool' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'float16' | 'float32' | 'float64';

export type NpyData =
  | Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array | Float32Array | Float64Array;

export interface NpyArray {
  /** The dtype read; 'bool' arrives as Uint8Array (0/1; any non-zero byte is True, as in numpy), 'float16' as Float32Array (exact). */
  dtype: NpyDType;
  /** descr as stored ('<f8', '|u1', ...). */
  descr: string;
  shape: number[];
  /** How the file stores the array. */
  fortranOrder: boolean;
  /** The order of `data`: 'C' (last index fastest) or 'F' (first index fastest). */
  order: 'C' | 'F';
  data: NpyData;
  /** Format version of the header, e.g. [1, 0]. */
  version: [number, number];
}

export interface NpyReadOptions {
  /** Layout of the returned data (default 'C'; 'F' is NIfTI's voxel order). */
  order?: 'C' | 'F';
}

/** numpy's default max_header_size: longer headers are refused (np.load refuses them too). */
export const NPY_MAX_HEADER = 10000;

const KINDS: Readonly<Record<string, { dtype: NpyDType; bytes: number }>> = {
  b1: { dtype: 'bool', bytes: 1 }, i1: { dtype: 'int8', bytes: 1 }, u1: { dtype: 'uint8', bytes: 1 },
  i2: { dtype: 'int16', bytes: 2 }, u2: { dtype: 'uint16', bytes: 2 }, i4: { dtype: 'int32', bytes: 4 },
  u4: { dtype: 'uint32', bytes: 4 }, i8: { dtype: 'int64', bytes: 8 }, u8: { dtype: 'uint64', bytes: 8 },
  f2: { dtype: 'float16', bytes: 2 }, f4: { dtype: 'float32', bytes: 4 }, f8: { dtype: 'float64', bytes: 8 },
};

/** The single-character type codes numpy also writes ('<f8' is usual, but '|b1' and '?' both exist). */
const ALIASES: Readonly<Record<string, string>> = { '?': 'b1', b: 'i1', B: 'u1', h: 'i2', H: 'u2', i: 'i4', I: 'u4', q: 'i8', Q: 'u8', e: 'f2', f: 'f4', d: 'f8' };

type Lit = string | boolean | number[] | { list: true };

/** Parses the header dict literal; FormatError naming the offending text. */
function parseHeader(text: string, fail: (m: string) => never): Map<string, Lit> {
  let p = 0;
  const ws = () => {
    while (p < text.length && ' \t\n\r'.includes(text[p]!)) p++;
  };
  const expect = (c: string) => {
    ws();
    if (text[p] !== c) fail(`header: expected '${c}' at character ${p} of ${JSON.stringify(text.slice(0, 120))}`);
    p++;
  };
  const str = (): string => {
    ws();
    const q = text[p];
    if (q !== "'" && q !== '"') fail(`header: expected a string at character ${p} of ${JSON.stringify(text.slice(0, 120))}`);
    const end = text.indexOf(q!, p + 1);
    if (end < 0) fail('header: unterminated string');
    const s = text.slice(p + 1, end);
    if (s.includes('\\')) fail(`header: escapes in string ${JSON.stringify(s)} are not part of the format`);
    p = end + 1;
    return s;
  };
  const value = (): Lit => {
    ws();
    const c = text[p];
    if (c === "'" || c === '"') return str();
    if (text.startsWith('True', p)) { p += 4; return true; }
    if (text.startsWith('False', p)) { p += 5; return false; }
    if (c === '[') return { list: true }; // a structured dtype: refused by the caller, not parsed
    if (c === '(') {
      p++;
      const out: number[] = [];
      for (;;) {
        ws();
        if (text[p] === ')') { p++; return out; }
        const m = /^\d+L?/.exec(text.slice(p, p + 24)); // Python 2 wrote longs as 3L
        if (!m) fail(`header: shape entry at character ${p} is not a non-negative integer: ${JSON.stringify(text.slice(p, p + 20))}`);
        const v = Number.parseInt(m![0], 10);
        if (!Number.isSafeInteger(v)) fail(`header: shape entry ${m![0]} is too large`);
        out.push(v);
        p += m![0].length;
        ws();
        if (text[p] === ',') p++;
        else if (text[p] !== ')') fail(`header: expected ',' or ')' in the shape at character ${p}`);
      }
    }
    return fail(`header: unexpected value at character ${p}: ${JSON.stringify(text.slice(p, p + 20))}`);
  };
  const out = new Map<string, Lit>();
  expect('{');
  for (;;) {
    ws();
    if (text[p] === '}') { p++; break; }
    const k = str();
    expect(':');
    const v = value();
    if (typeof v === 'object' && 'list' in v) { out.set(k, v); return out; }
    out.set(k, v);
    ws();
    if (text[p] === ',') p++;
    else if (text[p] !== '}') fail(`header: expected ',' or '}' at character ${p}`);
  }
  ws();
  if (p !== text.length) fail(`header: ${text.length - p} characters after the dict`);
  return out;
}

/** Host byte order. */
const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** IEEE half -> float (exact in float32). */
function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** Reverses axis order of the index space: F-order data of shape s -> C-order, and vice versa. */
function transposeOrder<T extends NpyData>(src: T, shape: number[], fromF: boolean): T {
  const n = src.length, nd = shape.length;
  if (nd < 2 || n === 0) return src;
  const dst = new (src.constructor as new (n: number) => T)(n);
  // Source strides (in elements) for each axis, in the source layout.
  const stride = new Array<number>(nd);
  let acc = 1;
  if (fromF) for (let d = 0; d < nd; d++) { stride[d] = acc; acc *= shape[d]!; }
  else for (let d = nd - 1; d >= 0; d--) { stride[d] = acc; acc *= shape[d]!; }
  // Walk the destination in its own order with an index counter.
  const idx = new Array<number>(nd).fill(0);
  const order = fromF ? [...Array(nd).keys()] : [...Array(nd).keys()].reverse(); // destination axes, fastest last
  const fast = order[nd - 1]!, fastLen = shape[fast]!, fastStride = stride[fast]!;
  const a = dst as unknown as { [i: number]: number | bigint }, b = src as unknown as { [i: number]: number | bigint };
  for (let o = 0; o < n;) {
    let s = 0;
    for (let d = 0; d < nd; d++) s += idx[d]! * stride[d]!;
    for (let k = 0; k < fastLen; k++, o++, s += fastStride) a[o] = b[s]!;
    // carry
    for (let q = nd - 2; q >= 0; q--) {
      const ax = order[q]!;
      if (++idx[ax]! < shape[ax]!) break;
      idx[ax] = 0;
    }
  }
  return dst;
}

/**
 * Parse a .npy file. FormatError for a bad magic, version, header or truncated data; DTypeError
 * for dtypes this reader does not decode (object arrays/pickles, structured, strings, complex,
 * datetimes), naming the descr.
 */
export function readNpy(input: Uint8Array | ArrayBuffer, source = '<bytes>', opts: NpyReadOptions = {}): NpyArray {
  const b = input instanceof Uint8Array ? input : new Uint8Array(input);
  const fail = (m: string): never => {
    throw new FormatError(`readNpy: ${source}: ${m}`);
  };
  if (b.length < 10) fail(`file has ${b.length} bytes, fewer than the 10 of a .npy preamble`);
  if (!(b[0] === 0x93 && b[1] === 0x4e && b[2] === 0x55 && b[3] === 0x4d && b[4] === 0x50 && b[5] === 0x59)) {
    fail(`bad magic ${Array.from(b.subarray(0, 6), (c) => c.toString(16).padStart(2, '0')).join(' ')} (expected 93 4e 55 4d 50 59, "\\x93NUMPY")`);
  }
  const major = b[6]!, minor = b[7]!;
  if (major < 1 || major > 3 || minor !== 0) fail(`format version ${major}.${minor} is not one of 1.0, 2.0, 3.0`);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let hlen: number, hstart: number;
  if (major === 1) [hlen, hstart] = [view.getUint16(8, true), 10];
  else {
    if (b.length < 12) fail(`file has ${b.length} bytes, fewer than the 12 of a version ${major}.0 preamble`);
    [hlen, hstart] = [view.getUint32(8, true), 12];
  }
  if (hlen > NPY_MAX_HEADER) fail(`header length ${hlen} is over numpy's limit of ${NPY_MAX_HEADER}`);
  if (hstart + hlen > b.length) fail(`truncated header: ${hlen} bytes declared, ${b.length - hstart} present`);
  const raw = b.subarray(hstart, hstart + hlen);
  const text = major === 3 ? new TextDecoder('utf-8').decode(raw) : Array.from(raw, (c) => String.fromCharCode(c)).join('');
  const h = parseHeader(text, fail);

  const descr = h.get('descr'), fortran = h.get('fortran_order'), shapeLit = h.get('shape');
  if (typeof descr === 'object' && !Array.isArray(descr)) throw new DTypeError(`readNpy: ${source}: structured dtype (a list descr) is not supported`);
  if (descr === undefined || fortran === undefined || shapeLit === undefined) {
    fail(`header lacks ${['descr', 'fortran_order', 'shape'].filter((k) => !h.has(k)).join(', ')}: ${JSON.stringify(text.trim())}`);
  }
  if (typeof descr !== 'string') return fail(`descr ${JSON.stringify(descr)} is not a string`);
  if (typeof fortran !== 'boolean') return fail(`fortran_order ${JSON.stringify(fortran)} is not True or False`);
  if (!Array.isArray(shapeLit)) return fail(`shape ${JSON.stringify(shapeLit)} is not a tuple`);
  const shape = shapeLit;

  // descr: byte-order char then type code, or a bare single-character code.
  let order = descr[0]!, code = descr.slice(1);
  if (!'<>|='.includes(order)) [order, code] = ['=', descr];
  code = ALIASES[code] ?? code;
  const kind = KINDS[code];
  if (!kind) {
    const what = code.startsWith('O') ? 'object arrays are Python pickles, which this reader never runs'
      : code.startsWith('c') ? 'complex numbers are not supported'
      : /^[USa]/.test(code) ? 'strings are not supported'
      : /^[Mm]/.test(code) ? 'datetimes are not supported'
      : code.startsWith('V') ? 'void/structured records are not supported'
      : 'not a known numpy dtype';
    throw new DTypeError(`readNpy: ${source}: dtype '${descr}': ${what} (supported: b1 i1 u1 i2 u2 i4 u4 i8 u8 f2 f4 f8)`);
  }
  if (order === '|' && kind.bytes > 1) fail(`dtype '${descr}': '|' (no byte order) on a ${kind.bytes}-byte type`);
  const le = order === '>' ? false : order === '<' ? true : HOST_LE;

  let n = 1;
  for (const s of shape) n *= s;
  if (!Number.isSafeInteger(n * kind.bytes)) fail(`shape (${shape.join(', ')}) is too large`);
  const start = hstart + hlen;
  const nbytes = n * kind.bytes;
  if (start + nbytes > b.length) fail(`truncated data: shape (${shape.join(', ')}) of '${descr}' needs ${nbytes} bytes, ${b.length - start} present`);

  const copy = new Uint8Array(nbytes);
  copy.set(b.subarray(start, start + nbytes));
  if (kind.bytes > 1 && le !== HOST_LE) {
    const w = kind.bytes;
    for (let i = 0; i < nbytes; i += w) {
      for (let x = i, y = i + w - 1; x < y; x++, y--) {
        const t = copy[x]!;
        copy[x] = copy[y]!;
        copy[y] = t;
      }
    }
  }
  const buf = copy.buffer;
  let data: NpyData;
  switch (kind.dtype) {
    case 'bool': {
      for (let i = 0; i < nbytes; i++) if (copy[i]! > 1) copy[i] = 1; // numpy reads any non-zero byte as True
      data = copy;
      break;
    }
    case 'uint8': data = copy; break;
    case 'int8': data = new Int8Array(buf); break;
    case 'int16': data = new Int16Array(buf); break;
    case 'uint16': data = new Uint16Array(buf); break;
    case 'int32': data = new Int32Array(buf); break;
    case 'uint32': data = new Uint32Array(buf); break;
    case 'int64': data = new BigInt64Array(buf); break;
    case 'uint64': data = new BigUint64Array(buf); break;
    case 'float16': {
      const u = new Uint16Array(buf), f = new Float32Array(n);
      for (let i = 0; i < n; i++) f[i] = halfToFloat(u[i]!);
      data = f;
      break;
    }
    case 'float32': data = new Float32Array(buf); break;
    case 'float64': data = new Float64Array(buf); break;
  }
  const want = opts.order ?? 'C';
  const stored = fortran ? 'F' : 'C';
  if (want !== stored) data = transposeOrder(data, shape, fortran);
  return { dtype: kind.dtype, descr, shape, fortranOrder: fortran, order: want, data, version: [major, minor] };
}
