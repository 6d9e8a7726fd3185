// MATLAB Level 5 MAT-file reader (MAT-file versions 5, 6 and 7; v7 adds miCOMPRESSED).
// Format: "MATLAB MAT-File Format" (MathWorks, matfile_format.pdf), chapter 1.
//
// Layout: a 128-byte header (116 bytes of text, 8 bytes subsystem-data offset, version 0x0100,
// endian indicator 'IM'/'MI'), then data elements. Each element has an 8-byte tag (uint32 type,
// uint32 byte count) or, when both fit, a 4-byte "small element" tag (uint16 byte count in the
// high half, uint16 type in the low half) with up to 4 data bytes; element data is padded to 8
// bytes. Every variable is one miMATRIX element (or one miCOMPRESSED element: zlib-deflated
// bytes of one miMATRIX element). An miMATRIX holds sub-elements: array flags, dimensions,
// name, then class-specific data. A compressed element's zlib stream is checked against its
// Adler-32 trailer (as scipy's loadmat, through zlib, does): a corrupt stream is a FormatError,
// never different values.
//
// Browser-safe: bytes in, no node:* imports.
import { FormatError } from '../../errors.js';
import { unzlib } from '../compress/index.js';
import { copyBytes } from '../bytes.js';
import type {
  MatChar,
  MatHeader,
  MatNumericClass,
  MatStorageType,
  MatValue,
} from './types.js';

// Data types (MAT-file element types).
const miINT8 = 1;
const miUINT8 = 2;
const miINT16 = 3;
const miUINT16 = 4;
const miINT32 = 5;
const miUINT32 = 6;
const miSINGLE = 7;
const miDOUBLE = 9;
const miINT64 = 12;
const miUINT64 = 13;
const miMATRIX = 14;
const miCOMPRESSED = 15;
const miUTF8 = 16;
const miUTF16 = 17;
const miUTF32 = 18;

const MI_NAMES: Record<number, string> = {
  1: 'miINT8',
  2: 'miUINT8',
  3: 'miINT16',
  4: 'miUINT16',
  5: 'miINT32',
  6: 'miUINT32',
  7: 'miSINGLE',
  9: 'miDOUBLE',
  12: 'miINT64',
  13: 'miUINT64',
  14: 'miMATRIX',
  15: 'miCOMPRESSED',
  16: 'miUTF8',
  17: 'miUTF16',
  18: 'miUTF32',
};

type AnyTyped =
  | Float64Array
  | Float32Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

type TypedCtor = { new (buf: ArrayBufferLike): AnyTyped; new (n: number): AnyTyped; BYTES_PER_ELEMENT: number };

/** Numeric element types: their storage name and typed-array constructor. */
const MI_NUMERIC: Record<number, { name: MatStorageType; ctor: TypedCtor }> = {
  [miINT8]: { name: 'int8', ctor: Int8Array },
  [miUINT8]: { name: 'uint8', ctor: Uint8Array },
  [miINT16]: { name: 'int16', ctor: Int16Array },
  [miUINT16]: { name: 'uint16', ctor: Uint16Array },
  [miINT32]: { name: 'int32', ctor: Int32Array },
  [miUINT32]: { name: 'uint32', ctor: Uint32Array },
  [miSINGLE]: { name: 'single', ctor: Float32Array },
  [miDOUBLE]: { name: 'double', ctor: Float64Array },
  [miINT64]: { name: 'int64', ctor: BigInt64Array },
  [miUINT64]: { name: 'uint64', ctor: BigUint64Array },
};

// Array classes (low byte of the first array-flags word).
const mxCELL = 1;
const mxSTRUCT = 2;
const mxOBJECT = 3;
const mxCHAR = 4;
const mxSPARSE = 5;
const mxFUNCTION = 16;
const mxOPAQUE = 17;

const MX_NUMERIC: Record<number, { name: MatNumericClass; ctor: TypedCtor }> = {
  6: { name: 'double', ctor: Float64Array },
  7: { name: 'single', ctor: Float32Array },
  8: { name: 'int8', ctor: Int8Array },
  9: { name: 'uint8', ctor: Uint8Array },
  10: { name: 'int16', ctor: Int16Array },
  11: { name: 'uint16', ctor: Uint16Array },
  12: { name: 'int32', ctor: Int32Array },
  13: { name: 'uint32', ctor: Uint32Array },
  14: { name: 'int64', ctor: BigInt64Array },
  15: { name: 'uint64', ctor: BigUint64Array },
};

const FLAG_COMPLEX = 0x0800;
const FLAG_GLOBAL = 0x0400;
const FLAG_LOGICAL = 0x0200;

/** Field-less struct arrays take no bytes per element; cap them so bad dims cannot exhaust memory. */
const MAX_EMPTY_STRUCT = 1 << 24;

const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** A byte stream being parsed: the file itself or the inflated contents of an miCOMPRESSED element. */
interface Stream {
  source: string;
  bytes: Uint8Array;
  view: DataView;
  le: boolean;
  /** Appended to byte offsets in messages, e.g. ' of the miCOMPRESSED data at byte 128'. */
  note: string;
}

interface Tag {
  type: number;
  nbytes: number;
  /** Offset of the element's data. */
  data: number;
  /** Offset just past the element (data padded to 8 bytes). */
  next: number;
  /** Offset of the tag. */
  at: number;
}

function fail(s: Stream, what: string, at: number, msg: string): never {
  throw new FormatError(`${s.source}: ${what} at byte ${at}${s.note}: ${msg}`);
}

function miName(type: number): string {
  return MI_NAMES[type] ?? `unknown data type ${type}`;
}

/** Reads the tag at `pos`; the element must lie within [pos, end). */
function readTag(s: Stream, pos: number, end: number, what: string): Tag {
  if (end - pos < 8) fail(s, what, pos, `truncated element tag: ${end - pos} of 8 bytes left`);
  const word = s.view.getUint32(pos, s.le);
  if (word >>> 16 !== 0) {
    // Small data element: byte count in the high 16 bits, type in the low 16 bits.
    const nbytes = word >>> 16;
    const type = word & 0xffff;
    if (nbytes > 4) fail(s, what, pos, `small data element claims ${nbytes} bytes (at most 4)`);
    return { type, nbytes, data: pos + 4, next: pos + 8, at: pos };
  }
  const nbytes = s.view.getUint32(pos + 4, s.le);
  const data = pos + 8;
  if (nbytes > end - data) {
    fail(s, what, pos, `truncated element: its ${miName(word)} tag says ${nbytes} bytes, ${end - data} remain`);
  }
  return { type: word, nbytes, data, next: data + Math.ceil(nbytes / 8) * 8, at: pos };
}

/** Copies a numeric element's data into a native-endian typed array of its storage type. */
function readNumeric(s: Stream, tag: Tag, what: string): { arr: AnyTyped; storage: MatStorageType } {
  const info = MI_NUMERIC[tag.type];
  if (!info) {
    if (MI_NAMES[tag.type]) fail(s, what, tag.at, `expected numeric data, got ${miName(tag.type)}`);
    fail(s, what, tag.at, `unknown data type ${tag.type}`);
  }
  const w = info.ctor.BYTES_PER_ELEMENT;
  if (tag.nbytes % w !== 0) {
    fail(s, what, tag.at, `${miName(tag.type)} element of ${tag.nbytes} bytes is not a multiple of ${w}`);
  }
  const copy = copyBytes(s.bytes, tag.data, tag.data + tag.nbytes);
  if (w > 1 && s.le !== HOST_LE) for (let i = 0; i < copy.length; i += w) copy.subarray(i, i + w).reverse();
  return { arr: new info.ctor(copy.buffer), storage: info.name };
}

/** Converts `src` to the typed array type `ctor` (int64 classes as BigInt). */
function convert(src: AnyTyped, ctor: TypedCtor, s: Stream, what: string, at: number): AnyTyped {
  if (src.constructor === ctor) return src;
  const out = new ctor(src.length);
  const srcBig = src instanceof BigInt64Array || src instanceof BigUint64Array;
  const dstBig = out instanceof BigInt64Array || out instanceof BigUint64Array;
  if (srcBig === dstBig) {
    (out as Float64Array).set(src as Float64Array);
  } else if (dstBig) {
    const o = out as BigInt64Array;
    for (let i = 0; i < src.length; i++) {
      const v = src[i] as number;
      if (!Number.isInteger(v)) fail(s, what, at, `value ${v} cannot be stored in an integer class`);
      o[i] = BigInt(v);
    }
  } else {
    const o = out as Float64Array;
    for (let i = 0; i < src.length; i++) o[i] = Number(src[i] as bigint);
  }
  return out;
}

function numel(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

function dimsText(dims: readonly number[]): string {
  return `(${dims.join(', ')})`;
}

function ascii(bytes: Uint8Array): string {
  let end = bytes.indexOf(0);
  if (end < 0) end = bytes.length;
  let out = '';
  for (let i = 0; i < end; i++) out += String.fromCharCode(bytes[i]!);
  return out;
}

/** Reads an miINT8/miUINT8/miUTF8 text element (names), stopping at the first NUL. */
function readName(s: Stream, tag: Tag, what: string): string {
  if (tag.type !== miINT8 && tag.type !== miUINT8 && tag.type !== miUTF8) {
    fail(s, what, tag.at, `expected an miINT8 name, got ${miName(tag.type)}`);
  }
  return ascii(s.bytes.subarray(tag.data, tag.data + tag.nbytes));
}

/** Decodes char data into UTF-16 code units. */
function readChars(s: Stream, tag: Tag, what: string): Uint16Array {
  const raw = s.bytes.subarray(tag.data, tag.data + tag.nbytes);
  switch (tag.type) {
    case miUTF8: {
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
      } catch {
        fail(s, what, tag.at, 'invalid UTF-8 in char data');
      }
      const out = new Uint16Array(text.length);
      for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
      return out;
    }
    case miUTF32: {
      if (tag.nbytes % 4 !== 0) fail(s, what, tag.at, `miUTF32 element of ${tag.nbytes} bytes`);
      let text = '';
      for (let i = 0; i < tag.nbytes; i += 4) {
        const cp = s.view.getUint32(tag.data + i, s.le);
        if (cp > 0x10ffff) fail(s, what, tag.at, `invalid code point ${cp} in miUTF32 char data`);
        text += String.fromCodePoint(cp);
      }
      const out = new Uint16Array(text.length);
      for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
      return out;
    }
    case miUTF16:
    case miUINT16:
    case miINT16: {
      if (tag.nbytes % 2 !== 0) fail(s, what, tag.at, `${miName(tag.type)} char data of ${tag.nbytes} bytes`);
      const out = new Uint16Array(tag.nbytes / 2);
      for (let i = 0; i < out.length; i++) out[i] = s.view.getUint16(tag.data + 2 * i, s.le);
      return out;
    }
    case miUINT8:
    case miINT8:
      // One byte per character (Latin-1), as some writers store ASCII text.
      return Uint16Array.from(raw);
    default:
      if (MI_NAMES[tag.type]) fail(s, what, tag.at, `char data cannot be ${miName(tag.type)}`);
      return fail(s, what, tag.at, `unknown data type ${tag.type}`);
  }
}

/** Strings of a char array (see MatChar.text). */
export function charText(dims: readonly number[], data: Uint16Array): string | string[] {
  const n = numel(dims);
  if (dims.length === 2 && (dims[0] === 1 || n === 0)) {
    if (dims[0]! > 1) return new Array<string>(dims[0]!).fill('');
    return fromCodes(data, 0, n, 1);
  }
  // One string per index of the leading dims (row-major over them), characters along the last.
  const last = dims[dims.length - 1]!;
  const lead = dims.slice(0, -1);
  const rows = numel(lead);
  const strides: number[] = [];
  let stride = 1;
  for (const d of lead) {
    strides.push(stride);
    stride *= d;
  }
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    // Row-major r over `lead` -> column-major offset.
    let rem = r;
    let off = 0;
    for (let k = lead.length - 1; k >= 0; k--) {
      const d = lead[k]!;
      off += (rem % d) * strides[k]!;
      rem = Math.floor(rem / d);
    }
    out.push(fromCodes(data, off, last, rows));
  }
  return out;
}

/** String of `count` code units data[off], data[off + step], ... (chunked: no huge argument lists). */
function fromCodes(data: Uint16Array, off: number, count: number, step: number): string {
  let out = '';
  const chunk = new Array<number>(Math.min(count, 8192));
  for (let i = 0; i < count; i += chunk.length) {
    const m = Math.min(chunk.length, count - i);
    chunk.length = m;
    for (let k = 0; k < m; k++) chunk[k] = data[off + (i + k) * step]!;
    out += String.fromCharCode(...chunk);
  }
  return out;
}

/** Parses one miMATRIX element's data [start, end). `path` names the value in messages. */
/** The array header of one miMATRIX element: flags, dimensions, name; `pos` is where its data start. */
interface ArrayHeader {
  name: string;
  /** Where the variable is, for errors ("variable 'x'", "variable 'x'.f{2}"). */
  what: string;
  path: string;
  mx: number;
  complex: boolean;
  logical: boolean;
  /** `{ global: true }` for global variables, spread into the value. */
  g: { global?: true };
  dims: number[];
  n: number;
  flagsAt: number;
  dimsAt: number;
  pos: number;
}

/** Reads one miMATRIX element's contents [start, end): its array header, then its data by class. */
function readMatrix(s: Stream, start: number, end: number, path: string): { name: string; value: MatValue } {
  if (start === end) {
    // An empty miMATRIX (0 bytes) is an empty double array (MATLAB writes these in cells).
    return { name: '', value: { class: 'double', dims: [0, 0], data: new Float64Array(0), storage: 'double' } };
  }
  const h = readArrayHeader(s, start, end, path);
  if ('opaque' in h) return h.opaque;
  const { name, what, mx, dims, pos, g } = h;
  if (MX_NUMERIC[mx]) return { name, value: readNumericArray(s, h, end) };
  switch (mx) {
    case mxCHAR: {
      let data = new Uint16Array(0);
      if (pos < end) {
        const tag = readTag(s, pos, end, what);
        data = readChars(s, tag, what) as Uint16Array<ArrayBuffer>;
      }
      if (data.length !== h.n) fail(s, what, pos, `char data has ${data.length} characters, dims ${dimsText(dims)} need ${h.n}`);
      const value: MatChar = { class: 'char', dims, text: charText(dims, data), data, ...g };
      return { name, value };
    }
    case mxSPARSE:
      return { name, value: readSparse(s, h, end) };
    case mxCELL: {
      const cells: MatValue[] = [];
      let at = pos;
      for (let i = 0; i < h.n; i++) {
        const p = `${h.path}{${i + 1}}`;
        const tag = readTag(s, at, end, `variable ${p}`);
        if (tag.type !== miMATRIX) fail(s, `variable ${p}`, tag.at, `expected miMATRIX, got ${miName(tag.type)}`);
        cells.push(readMatrix(s, tag.data, tag.data + tag.nbytes, p).value);
        at = tag.next;
      }
      return { name, value: { class: 'cell', dims, cells, ...g } };
    }
    case mxSTRUCT:
    case mxOBJECT:
      return { name, value: readStruct(s, h, end) };
    case mxFUNCTION:
      return { name, value: { class: 'function', dims, bytes: s.bytes.slice(pos, end), ...g } };
    default:
      return fail(s, what, h.flagsAt, `unknown array class ${mx}`);
  }
}

/** Array flags, dimensions and name (an opaque MCOS object is returned whole, its header being different). */
function readArrayHeader(s: Stream, start: number, end: number, path: string): ArrayHeader | { opaque: { name: string; value: MatValue } } {
  let what = path === '' ? 'variable' : `variable ${path}`;
  const flagsTag = readTag(s, start, end, what);
  if (flagsTag.type !== miUINT32 || flagsTag.nbytes !== 8) {
    if (!MI_NAMES[flagsTag.type]) fail(s, what, flagsTag.at, `unknown data type ${flagsTag.type} where array flags belong`);
    fail(s, what, flagsTag.at, `expected 8-byte miUINT32 array flags, got ${flagsTag.nbytes}-byte ${miName(flagsTag.type)}`);
  }
  const flags = s.view.getUint32(flagsTag.data, s.le);
  const mx = flags & 0xff;
  const complex = (flags & FLAG_COMPLEX) !== 0;
  const global = (flags & FLAG_GLOBAL) !== 0;
  const logical = (flags & FLAG_LOGICAL) !== 0;
  let pos = flagsTag.next;
  const g = global ? { global: true as const } : {};

  if (mx === mxOPAQUE) {
    // Opaque (MCOS) objects: name, type system ('MCOS'), class name, then their metadata.
    const nameTag = readTag(s, pos, end, what);
    const name = readName(s, nameTag, what);
    const sysTag = readTag(s, nameTag.next, end, what);
    readName(s, sysTag, what);
    const clsTag = readTag(s, sysTag.next, end, what);
    readName(s, clsTag, what);
    return { opaque: { name, value: { class: 'opaque', dims: [1, 1], bytes: s.bytes.slice(clsTag.next, end), ...g } } };
  }

  const dimsTag = readTag(s, pos, end, what);
  if (dimsTag.type !== miINT32 && dimsTag.type !== miUINT32) {
    if (!MI_NAMES[dimsTag.type]) fail(s, what, dimsTag.at, `unknown data type ${dimsTag.type} where dimensions belong`);
    fail(s, what, dimsTag.at, `expected miINT32 dimensions, got ${miName(dimsTag.type)}`);
  }
  if (dimsTag.nbytes % 4 !== 0 || dimsTag.nbytes < 4) fail(s, what, dimsTag.at, `dimensions element of ${dimsTag.nbytes} bytes`);
  const dims: number[] = [];
  for (let i = 0; i < dimsTag.nbytes; i += 4) {
    const d = s.view.getInt32(dimsTag.data + i, s.le);
    if (d < 0) fail(s, what, dimsTag.at, `negative dimension ${d}`);
    dims.push(d);
  }
  if (dims.length === 1) dims.push(1);
  pos = dimsTag.next;
  const nameTag = readTag(s, pos, end, what);
  const name = readName(s, nameTag, what);
  pos = nameTag.next;
  if (path === '') {
    path = `'${name}'`;
    what = `variable ${path}`;
  }
  const n = numel(dims);
  if (!Number.isSafeInteger(n)) fail(s, what, dimsTag.at, `dims ${dimsText(dims)} are too large`);
  return { name, what, path, mx, complex, logical, g, dims, n, flagsAt: flagsTag.at, dimsAt: dimsTag.at, pos };
}

/** A numeric or logical array: real part, then the imaginary part when complex. */
function readNumericArray(s: Stream, h: ArrayHeader, end: number): MatValue {
  const { what, dims, n, g } = h;
  const numeric = MX_NUMERIC[h.mx]!;
  const realTag = readTag(s, h.pos, end, what);
  const real = readNumeric(s, realTag, what);
  if (real.arr.length !== n) {
    fail(s, what, realTag.at, `real part has ${real.arr.length} values, dims ${dimsText(dims)} need ${n}`);
  }
  if (h.logical) {
    const data = convert(real.arr, Uint8Array, s, what, realTag.at) as Uint8Array;
    return { class: 'logical', dims, data, ...g };
  }
  const data = convert(real.arr, numeric.ctor, s, what, realTag.at);
  let imag: AnyTyped | undefined;
  if (h.complex) {
    const imagTag = readTag(s, realTag.next, end, what);
    const im = readNumeric(s, imagTag, what);
    if (im.arr.length !== n) {
      fail(s, what, imagTag.at, `imaginary part has ${im.arr.length} values, dims ${dimsText(dims)} need ${n}`);
    }
    imag = convert(im.arr, numeric.ctor, s, what, imagTag.at);
  }
  return {
    class: numeric.name,
    dims,
    data,
    ...(imag ? { imag } : {}),
    storage: real.storage,
    ...g,
  } as MatValue;
}

/** A sparse array (compressed columns): ir, jc, the nonzeros, their imaginary parts; indices checked. */
function readSparse(s: Stream, h: ArrayHeader, end: number): MatValue {
  const { what, dims, g } = h;
  if (dims.length !== 2) fail(s, what, h.dimsAt, `sparse array with dims ${dimsText(dims)}`);
  const [m, ncol] = dims as [number, number];
  const irTag = readTag(s, h.pos, end, what);
  const ir = convert(readNumeric(s, irTag, what).arr, Int32Array, s, what, irTag.at) as Int32Array;
  const jcTag = readTag(s, irTag.next, end, what);
  const jc = convert(readNumeric(s, jcTag, what).arr, Int32Array, s, what, jcTag.at) as Int32Array;
  if (jc.length !== ncol + 1) fail(s, what, jcTag.at, `jc has ${jc.length} entries, ${ncol} columns need ${ncol + 1}`);
  const nnz = jc[ncol]!;
  if (jc[0] !== 0 || nnz > ir.length) fail(s, what, jcTag.at, `jc runs from ${jc[0]} to ${nnz}, ir has ${ir.length} entries`);
  for (let j = 0; j < ncol; j++) {
    if (jc[j + 1]! < jc[j]!) fail(s, what, jcTag.at, `jc decreases at column ${j}`);
  }
  for (let k = 0; k < nnz; k++) {
    if (ir[k]! < 0 || ir[k]! >= m) fail(s, what, irTag.at, `row index ${ir[k]} out of range for ${m} rows`);
  }
  const prTag = readTag(s, jcTag.next, end, what);
  const pr = readNumeric(s, prTag, what).arr;
  if (pr.length < nnz) fail(s, what, prTag.at, `${pr.length} values for ${nnz} nonzeros`);
  const data = convert(pr.length === nnz ? pr : pr.slice(0, nnz), Float64Array, s, what, prTag.at) as Float64Array;
  let imag: Float64Array | undefined;
  if (h.complex) {
    const piTag = readTag(s, prTag.next, end, what);
    const pi = readNumeric(s, piTag, what).arr;
    if (pi.length < nnz) fail(s, what, piTag.at, `${pi.length} imaginary values for ${nnz} nonzeros`);
    imag = convert(pi.length === nnz ? pi : pi.slice(0, nnz), Float64Array, s, what, piTag.at) as Float64Array;
  }
  const irOut = ir.length === nnz ? ir : ir.slice(0, nnz);
  return { class: 'sparse', dims: [m, ncol], logical: h.logical, ir: irOut, jc, data, ...(imag ? { imag } : {}), ...g };
}

/** A struct or object array: (class name,) field names, then every element's fields in order. */
function readStruct(s: Stream, h: ArrayHeader, end: number): MatValue {
  const { what, dims, n, g, path } = h;
  let pos = h.pos;
  let className = '';
  if (h.mx === mxOBJECT) {
    const clsTag = readTag(s, pos, end, what);
    className = readName(s, clsTag, what);
    pos = clsTag.next;
  }
  const lenTag = readTag(s, pos, end, what);
  if (lenTag.type !== miINT32 || lenTag.nbytes !== 4) {
    fail(s, what, lenTag.at, `expected a 4-byte miINT32 field-name length, got ${lenTag.nbytes}-byte ${miName(lenTag.type)}`);
  }
  const len = s.view.getInt32(lenTag.data, s.le);
  const namesTag = readTag(s, lenTag.next, end, what);
  if (len <= 0 && namesTag.nbytes > 0) fail(s, what, lenTag.at, `field-name length ${len}`);
  if (len > 0 && namesTag.nbytes % len !== 0) {
    fail(s, what, namesTag.at, `field names take ${namesTag.nbytes} bytes, not a multiple of the name length ${len}`);
  }
  const fieldNames: string[] = [];
  for (let o = 0; len > 0 && o < namesTag.nbytes; o += len) {
    fieldNames.push(ascii(s.bytes.subarray(namesTag.data + o, namesTag.data + o + len)));
  }
  pos = namesTag.next;
  if (fieldNames.length === 0 && n > MAX_EMPTY_STRUCT) {
    fail(s, what, h.dimsAt, `struct without fields has dims ${dimsText(dims)}: ${n} elements is implausible`);
  }
  const elements: Record<string, MatValue>[] = [];
  for (let i = 0; i < n; i++) {
    const rec: Record<string, MatValue> = {};
    for (const f of fieldNames) {
      const p = n === 1 ? `${path}.${f}` : `${path}(${i + 1}).${f}`;
      const tag = readTag(s, pos, end, `variable ${p}`);
      if (tag.type !== miMATRIX) fail(s, `variable ${p}`, tag.at, `expected miMATRIX, got ${miName(tag.type)}`);
      rec[f] = readMatrix(s, tag.data, tag.data + tag.nbytes, p).value;
      pos = tag.next;
    }
    elements.push(rec);
  }
  if (h.mx === mxOBJECT) return { class: 'object', className, dims, fieldNames, elements, ...g };
  return { class: 'struct', dims, fieldNames, elements, ...g };
}

/** " (variable 'x')" when the miMATRIX element at `pos` is readable that far, else ''. */
function peekName(s: Stream, pos: number): string {
  try {
    const end = s.bytes.length;
    if (end - pos < 8 || s.view.getUint32(pos, s.le) !== miMATRIX) return '';
    const flags = readTag(s, pos + 8, end, '');
    if ((s.view.getUint32(flags.data, s.le) & 0xff) === mxOPAQUE) return '';
    const dims = readTag(s, flags.next, end, '');
    const name = readTag(s, dims.next, end, '');
    return ` (variable '${readName(s, name, '')}')`;
  } catch {
    return '';
  }
}

/** Checks the header and returns it; throws FormatError for anything but a Level 5 MAT-file. */
function parseHeader(bytes: Uint8Array, source: string): MatHeader {
  const head = ascii(bytes.subarray(0, Math.min(116, bytes.length)));
  const hdf5 = bytes.length >= 520 && HDF5_SIGNATURE.every((b, i) => bytes[512 + i] === b);
  if (head.startsWith('MATLAB 7.3') || hdf5) {
    throw new FormatError(
      `${source}: MAT-file v7.3 (an HDF5 file): v7.3 files need the HDF5 reader, which is not built yet; ` +
        `re-save with save(..., '-v7') to read it here`,
    );
  }
  if (bytes.length < 128) {
    throw new FormatError(`${source}: not a MAT-file: ${bytes.length} bytes, shorter than the 128-byte header`);
  }
  const e0 = bytes[126]!;
  const e1 = bytes[127]!;
  let le: boolean;
  if (e0 === 0x49 && e1 === 0x4d) le = true; // 'IM'
  else if (e0 === 0x4d && e1 === 0x49) le = false; // 'MI'
  else {
    throw new FormatError(
      `${source}: not a Level 5 MAT-file: endian indicator at byte 126 is ` +
        `0x${e0.toString(16).padStart(2, '0')}${e1.toString(16).padStart(2, '0')}, expected 'IM' or 'MI'` +
        (head.startsWith('MATLAB') ? '' : ' (and the header text does not start with "MATLAB")'),
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(124, le);
  if (version !== 0x0100) {
    throw new FormatError(`${source}: unsupported MAT-file version 0x${version.toString(16)} at byte 124, expected 0x0100`);
  }
  return { text: head.trimEnd(), version, endian: le ? '<' : '>', subsysOffset: view.getBigUint64(116, le) };
}

/** Reads the 128-byte header of a Level 5 MAT-file. */
export function readMatHeader(bytes: Uint8Array | ArrayBuffer, source = '<bytes>'): MatHeader {
  return parseHeader(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), source);
}

/**
 * Reads every variable of a MATLAB Level 5 MAT-file (v5, v6, v7 incl. compressed), either byte
 * order. Returns the variables by name in file order; a nameless top-level element (MATLAB's
 * subsystem data) is returned as `__function_workspace__`, as scipy does. Throws FormatError,
 * naming `source`, the variable and the byte offset, on malformed input and on v7.3 (HDF5) files.
 */
export function readMat(bytes: Uint8Array | ArrayBuffer, source = '<bytes>'): Record<string, MatValue> {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const header = parseHeader(u8, source);
  const file: Stream = {
    source,
    bytes: u8,
    view: new DataView(u8.buffer, u8.byteOffset, u8.byteLength),
    le: header.endian === '<',
    note: '',
  };
  const out: Record<string, MatValue> = {};
  const put = (r: { name: string; value: MatValue }): void => {
    const key = r.name === '' ? '__function_workspace__' : r.name;
    Object.defineProperty(out, key, { value: r.value, enumerable: true, writable: true, configurable: true });
  };
  let pos = 128;
  let index = 0;
  while (pos < u8.length) {
    index++;
    const what = `element ${index}${peekName(file, pos)}`;
    const tag = readTag(file, pos, u8.length, what);
    if (tag.type === miMATRIX) {
      put(readMatrix(file, tag.data, tag.data + tag.nbytes, ''));
    } else if (tag.type === miCOMPRESSED) {
      // Errors read `<file>: element 1 ... (miCOMPRESSED, N bytes) at byte 128: zlib: <what is wrong>`.
      const inflated = unzlib(u8.subarray(tag.data, tag.data + tag.nbytes), `${source}: ${what} (miCOMPRESSED, ${tag.nbytes} bytes) at byte ${tag.at}`);
      const inner: Stream = {
        source,
        bytes: inflated,
        view: new DataView(inflated.buffer, inflated.byteOffset, inflated.byteLength),
        le: file.le,
        note: ` of the inflated miCOMPRESSED ${what} at byte ${tag.at}`,
      };
      let p = 0;
      while (p < inflated.length) {
        const t = readTag(inner, p, inflated.length, what);
        if (t.type !== miMATRIX) fail(inner, what, t.at, `expected miMATRIX inside miCOMPRESSED, got ${miName(t.type)}`);
        put(readMatrix(inner, t.data, t.data + t.nbytes, ''));
        p = t.data + t.nbytes;
      }
    } else if (MI_NAMES[tag.type]) {
      fail(file, what, tag.at, `expected miMATRIX or miCOMPRESSED at top level, got ${miName(tag.type)}`);
    } else {
      fail(file, what, tag.at, `unknown data type ${tag.type}`);
    }
    // Top-level elements follow each other without padding (MATLAB pads miMATRIX byte counts itself).
    pos = tag.data + tag.nbytes;
  }
  return out;
}


