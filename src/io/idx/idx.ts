// IDX files (the MNIST format): 0x00 0x00, a type code, ndim, ndim big-endian u32 sizes, then
// big-endian data. Gzipped files are detected by their magic and inflated as a stream (browser-safe):
// no further than the size the header declares, and checked against the gzip CRC32/ISIZE trailer.
import { FormatError } from '../../errors.js';
import { Inflater, isGzip } from '../compress/index.js';
import { copyBytes } from '../bytes.js';

export type IdxDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  dtype: IdxDType;
  shape: number[];
  data: IdxData;
}

const TYPES: Record<number, [IdxDType, number]> = {
  0x08: ['uint8', 1],
  0x09: ['int8', 1],
  0x0b: ['int16', 2],
  0x0c: ['int32', 4],
  0x0d: ['float32', 4],
  0x0e: ['float64', 8],
};

function dims(h: Uint8Array): number[] {
  const dv = new DataView(h.buffer, h.byteOffset, h.byteLength);
  return Array.from({ length: h[3]! }, (_, i) => dv.getUint32(4 + 4 * i, false));
}

/** Header + data bytes a complete IDX header declares, or undefined if it is short or invalid. */
function declaredBytes(h: Uint8Array): number | undefined {
  if (h.length < 4 || h[0] !== 0 || h[1] !== 0) return undefined;
  const type = TYPES[h[2]!];
  if (!type || h.length < 4 + 4 * h[3]!) return undefined;
  return 4 + 4 * h[3]! + dims(h).reduce((a, b) => a * b, 1) * type[1];
}

/** Parses an IDX file (raw or gzipped) into its dtype, shape and a freshly allocated typed array. */
export function parseIdx(bytes: Uint8Array, source = '<bytes>'): IdxArray {
  const fail = (msg: string): never => {
    throw new FormatError(`idx ${source}: ${msg}`);
  };
  if (isGzip(bytes)) {
    const gz = new Inflater(bytes, 'gzip', `idx ${source}`);
    gz.fill(4);
    const ndim = gz.length >= 4 ? gz.output[3]! : 0;
    gz.fill(4 + 4 * ndim);
    // Inflate to the end of the stream (checking its trailer), but no further than one push past
    // the declared size: more data is a size mismatch, found without inflating all of it. An
    // invalid header (bad magic or type code) is reported below from the bytes inflated so far.
    const declared = declaredBytes(gz.output);
    if (declared !== undefined) {
      gz.reserve(declared + 1);
      if (!gz.readTo(declared)) {
        const h = gz.output;
        fail(`size mismatch: shape [${dims(h).join(', ')}] of ${TYPES[h[2]!]![0]} needs ${declared - (4 + 4 * ndim)} bytes, the gzip stream holds more`);
      }
    }
    bytes = gz.output;
  }
  if (bytes.length < 4) fail(`${bytes.length} bytes, shorter than the 4-byte magic number`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    fail(`bad magic 0x${[...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join('')}: must start with two zero bytes`);
  }
  const code = bytes[2]!;
  const type = TYPES[code];
  if (type === undefined) fail(`unknown type code 0x${code.toString(16).padStart(2, '0')}`);
  const [dtype, width] = type!;
  const ndim = bytes[3]!;
  const dataStart = 4 + 4 * ndim;
  if (bytes.length < dataStart) fail(`truncated header: ${ndim} dimensions need ${dataStart} bytes, file has ${bytes.length}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let i = 0; i < ndim; i++) {
    const d = dv.getUint32(4 + 4 * i, false);
    shape.push(d);
    count *= d;
  }
  const need = count * width;
  const have = bytes.length - dataStart;
  if (have < need) fail(`truncated data: shape [${shape.join(', ')}] of ${dtype} needs ${need} bytes, file has ${have}`);
  if (have > need) fail(`size mismatch: shape [${shape.join(', ')}] of ${dtype} needs ${need} bytes, file has ${have} (${have - need} extra)`);

  let data: IdxData;
  switch (dtype) {
    case 'uint8':
      data = copyBytes(bytes, dataStart, bytes.length);
      break;
    case 'int8':
      data = new Int8Array(copyBytes(bytes, dataStart, bytes.length).buffer);
      break;
    case 'int16':
      data = new Int16Array(count);
      for (let i = 0; i < count; i++) data[i] = dv.getInt16(dataStart + 2 * i, false);
      break;
    case 'int32':
      data = new Int32Array(count);
      for (let i = 0; i < count; i++) data[i] = dv.getInt32(dataStart + 4 * i, false);
      break;
    case 'float32':
      data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = dv.getFloat32(dataStart + 4 * i, false);
      break;
    case 'float64':
      data = new Float64Array(count);
      for (let i = 0; i < count; i++) data[i] = dv.getFloat64(dataStart + 8 * i, false);
      break;
  }
  return { dtype, shape, data };
}
