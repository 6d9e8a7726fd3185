// NIfTI-1 and NIfTI-2 reader (.nii, .nii.gz; single file `n+1`/`n+2`, or a `.hdr`/`.img` pair with
// the image bytes passed separately). Bytes in, header + affine + voxel data out, in Fortran order
// as stored (i fastest): voxel (i, j, k, t) is at i + nx*(j + ny*(k + nz*t)).
//
// Matches nibabel: shape = dim[1..dim[0]]; scaling value = raw * scl_slope + scl_inter in float64,
// none when scl_slope is 0 or not finite; `affine` is the sform when sform_code is a valid non-zero
// code, else the qform when qform_code is, else the shape/zoom fallback (`get_base_affine`, x
// flipped, centred). nibabel's header check on load is applied the same way: negative pixdim[1..3]
// are read as their absolute values and zero ones as 1, a qfac other than -1 as 1, an unknown
// transform code (not 0..5) as 0; a bad magic and a single-file vox_offset inside the header are
// refused. Accepted as nibabel accepts them: dim[0] = 0 (shape [0]), FreeSurfer's long-vector
// header (dim[1..3] = -1, 1, 1 with the length in glmin; NIfTI-1 only) and its ico7 shape
// (27307, 1, 6) -> (163842, 1, 1), and the pair magic 'ni1'/'ni2' in a single file.
//
// Deliberately stricter than nibabel 5.0, which reads these without complaint: vox_offset 0 in a
// single file (nibabel then reads the header itself as voxels), dim[0] outside 0..7 (numpy slicing
// makes dim[0] = -1 a scalar and 8 a 7-D shape with zero zooms).
//
// A .nii.gz is inflated as a stream up to the bytes the header declares, so trailing compressed
// data costs nothing (nibabel reads the same way). Reading then goes on to the end of the gzip
// stream when that is at most VERIFY_SLACK bytes further, which it is in any ordinary file, and the
// CRC32/ISIZE trailer is checked (nibabel does not check it: Python's gzip verifies a member only
// on reaching its end, which nibabel's exact-size reads never do). `gzip.verified` says which.

import { DTypeError, IndexError } from '../../errors.js';
import { Inflater, isGzip } from '../compress/index.js';
import { affines, fail, parseNiftiHeader, scaling, voxelLayout, type NiftiExtension, type NiftiHeader } from './header.js';
import { copyBytes } from '../bytes.js';

export { NIFTI_DTYPES, qformAffine, baseAffine, type NiftiHeader, type NiftiExtension } from './header.js';

/** NIfTI datatype codes. */
const SPACE_UNITS: Readonly<Record<number, string>> = { 0: 'unknown', 1: 'meter', 2: 'mm', 3: 'micron' };
const TIME_UNITS: Readonly<Record<number, string>> = { 0: 'unknown', 8: 'sec', 16: 'msec', 24: 'usec', 32: 'hz', 40: 'ppm', 48: 'rads' };

export type NiftiRawArray =
  | Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

export interface NiftiReadOptions {
  /** 'float32' (default): scaled values as Float32Array; 'float64': scaled as Float64Array
   *  (what nibabel's get_fdata() gives); 'raw': the stored values unscaled, in their own typed
   *  array (BigInt64Array/BigUint64Array for 64-bit integers; Uint8Array with 3 or 4 components
   *  per voxel for rgb24/rgba32). */
  data?: 'float32' | 'float64' | 'raw';
  /** For a `.hdr`/`.img` pair (magic `ni1`/`ni2`): the bytes of the image file. */
  image?: Uint8Array | ArrayBuffer;
}

/** How a gzipped NIfTI stream was read. */
export interface NiftiGzipInfo {
  /** Compressed bytes consumed, of `size` in the input. */
  consumed: number;
  size: number;
  /** Bytes inflated. */
  inflated: number;
  /** True when the stream was read to its end and every CRC32/ISIZE matched; false when reading
   *  stopped after the declared image, more than VERIFY_SLACK bytes before the stream's end. */
  verified: boolean;
}

export interface NiftiImage<D = Float32Array | Float64Array | NiftiRawArray> {
  version: 1 | 2;
  littleEndian: boolean;
  /** File name or '<bytes>'. */
  source: string;
  header: NiftiHeader;
  extensions: NiftiExtension[];
  /** dim[1..dim[0]]. */
  shape: number[];
  datatype: number;
  /** 'uint8', 'int16', 'float32', ... */
  dtype: string;
  /** Slope and intercept applied to the data (1 and 0 when the file has no valid scaling). */
  slope: number;
  inter: number;
  /** 4x4 voxel -> world; the one nibabel's `img.affine` picks. */
  affine: number[][];
  affineSource: 'sform' | 'qform' | 'fallback';
  /** The quaternion affine (whatever qform_code says), as nibabel's `header.get_qform()` after its
   *  header check (|pixdim[1..3]|, zeros as 1). */
  qform: number[][];
  /** The srow affine, as nibabel's `header.get_sform()`. */
  sform: number[][];
  /** pixdim[1..dim[0]] after nibabel's header check (nibabel's get_zooms(); [1] when dim[0] = 0). */
  zooms: number[];
  /** [space, time] units: 'mm', 'sec', ... */
  xyztUnits: [string, string];
  /** Voxel values in Fortran order (see NiftiReadOptions.data). */
  data: D;
  /** Components per voxel in `data`: 3 for rgb24, 4 for rgba32, else 1. */
  components: number;
  /** The gzip stream holding the voxels (the .nii.gz, or the image of a pair), or null if not gzipped. */
  gzip: NiftiGzipInfo | null;
  /** Flat index of voxel (i, j, k, t, ...); missing trailing indices are 0. */
  offset(...idx: number[]): number;
  /** The value at voxel (i, j, k, t, ...) as a number (for rgb, the first component). */
  get(...idx: number[]): number;
}

/** Past the declared image, how far a gzip stream is still read to reach its end and check its CRC. */
export const VERIFY_SLACK = 1 << 20;

function view8(input: Uint8Array | ArrayBuffer): Uint8Array {
  // A plain Uint8Array view (Node's Buffer.slice would not copy).
  return input instanceof Uint8Array ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength) : new Uint8Array(input);
}

/** Inflates a gzip stream to `need` bytes, then on to its end if that is near (see VERIFY_SLACK). */
function inflateTo(gz: Inflater, need: number, what: string, source: string): NiftiGzipInfo {
  if (need > gz.maxOutput) {
    fail(source, 'data', `the header declares ${need} bytes of ${what}, more than a ${gz.input.length}-byte gzip stream can hold`);
  }
  gz.reserve(need);
  gz.fill(need);
  gz.readTo(need + VERIFY_SLACK);
  return { consumed: gz.consumed, size: gz.input.length, inflated: gz.length, verified: gz.ended };
}

/**
 * Parse a NIfTI-1 or NIfTI-2 image (gzip detected by its magic bytes; endianness by sizeof_hdr).
 * Throws FormatError naming the file and field for truncated files, a bad sizeof_hdr or magic, an
 * unknown datatype, a vox_offset inside the header or beyond the file, or a corrupt gzip stream
 * (including a CRC32/ISIZE mismatch); DTypeError for complex and float128 data (known types this
 * reader does not decode).
 */
export function readNifti(input: Uint8Array | ArrayBuffer, source = '<bytes>', opts: NiftiReadOptions = {}): NiftiImage {
  let bytes = view8(input);
  const gz = isGzip(bytes) ? new Inflater(bytes, 'gzip', `readNifti: ${source}`) : null;
  if (gz) {
    gz.fill(540);
    bytes = gz.output;
  }
  const { h, version, le, hsize, pairMagic } = parseNiftiHeader(bytes, source);
  let view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const i32 = (o: number) => view.getInt32(o, le);
  // A pair header with its image passed separately; anything else is read as one file, as nibabel
  // reads a .nii whatever its magic says.
  const single = !(pairMagic && opts.image !== undefined);
  const { dims, shape, pixdim, zooms, qformCode, sformCode, dtype, itemBytes, voxOffset, start, nvox, nbytes } = voxelLayout(h, version, hsize, single, pairMagic, source);

  // The rest of the header file: up to the end of the image for a single file, else the header
  // (and, for a gzipped .hdr, on to the end of its stream to check it).
  let gzip: NiftiGzipInfo | null = null;
  if (gz) {
    const info = inflateTo(gz, single ? start + nbytes : hsize, single ? 'header and image' : 'header', source);
    if (single) gzip = info;
    bytes = gz.output;
    view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  // Extensions: after the header, a 4-byte flag; if flag[0] != 0, blocks of (esize, ecode, data).
  const extensions: NiftiExtension[] = [];
  if (single && bytes.length >= hsize + 4 && bytes[hsize] !== 0) {
    let p = hsize + 4;
    const end = Math.min(start, bytes.length);
    while (p + 8 <= end) {
      const esize = i32(p), ecode = i32(p + 4);
      if (esize < 8 || p + esize > end) break; // malformed: stop, as nibabel does (it warns)
      extensions.push({ code: ecode, data: bytes.slice(p + 8, p + esize) });
      p += esize;
    }
  }

  // Data bytes.
  let src: Uint8Array;
  if (single) src = bytes;
  else {
    let img = view8(opts.image!);
    if (isGzip(img)) {
      const igz = new Inflater(img, 'gzip', `readNifti: ${source} (image file)`);
      gzip = inflateTo(igz, start + nbytes, 'image', source);
      img = igz.output;
    }
    src = img;
  }
  if (start > src.length) fail(source, 'vox_offset', `${voxOffset} is beyond the end of the ${single ? 'file' : 'image file'} (${src.length} bytes)`);
  if (start + nbytes > src.length) {
    fail(source, 'data', `truncated: ${shape.join('x')} ${dtype} voxels need ${nbytes} bytes from vox_offset ${start}, only ${src.length - start} remain`);
  }

  let { slope, inter } = scaling(h, source);
  const rgb = dtype === 'rgb24' || dtype === 'rgba32';
  if (rgb) { slope = 1; inter = 0; }

  const raw = decodeRaw(src, start, nvox, dtype, itemBytes, le);
  const mode = opts.data ?? 'float32';
  let data: Float32Array | Float64Array | NiftiRawArray;
  if (mode === 'raw' || rgb) data = raw;
  else {
    const out = mode === 'float64' ? new Float64Array(nvox) : new Float32Array(nvox);
    if (raw instanceof BigInt64Array || raw instanceof BigUint64Array) {
      for (let i = 0; i < nvox; i++) out[i] = Number(raw[i]!) * slope + inter;
    } else if (slope === 1 && inter === 0) {
      out.set(raw as ArrayLike<number>);
    } else {
      const r = raw as Exclude<NiftiRawArray, BigInt64Array | BigUint64Array>;
      for (let i = 0; i < nvox; i++) out[i] = r[i]! * slope + inter;
    }
    data = out;
  }

  const { affine, affineSource, qform, sform } = affines(h, version, dims, zooms, pixdim, qformCode, sformCode, source);

  const strides: number[] = [];
  let acc = 1;
  for (const s of shape) {
    strides.push(acc);
    acc *= s;
  }
  const rank = shape.length;
  const components = dtype === 'rgb24' ? 3 : dtype === 'rgba32' ? 4 : 1;
  const offset = (...idx: number[]): number => {
    if (idx.length > rank) {
      for (let d = rank; d < idx.length; d++) if (idx[d] !== 0) throw new IndexError(`NiftiImage.offset: index ${d} is ${idx[d]}; the image has ${rank} dims (shape ${shape.join('x')})`);
    }
    let o = 0;
    for (let d = 0; d < Math.min(rank, idx.length); d++) {
      const v = idx[d]!;
      if (!Number.isInteger(v) || v < 0 || v >= shape[d]!) throw new IndexError(`NiftiImage.offset: index ${v} out of range [0, ${shape[d]}) on axis ${d} (shape ${shape.join('x')})`);
      o += v * strides[d]!;
    }
    return o;
  };
  const get = (...idx: number[]): number => {
    const v = data[offset(...idx) * components]!;
    return typeof v === 'bigint' ? Number(v) : v;
  };

  return {
    version, littleEndian: le, source, header: h, extensions, shape, datatype: h.datatype, dtype,
    slope, inter, affine, affineSource, qform, sform, zooms,
    xyztUnits: [SPACE_UNITS[h.xyzt_units & 0x07] ?? 'unknown', TIME_UNITS[h.xyzt_units & 0x38] ?? 'unknown'],
    data, components, gzip, offset, get,
  };
}

function decodeRaw(src: Uint8Array, start: number, n: number, dtype: string, itemBytes: number, le: boolean): NiftiRawArray {
  if (dtype === 'uint8') return copyBytes(src, start, start + n);
  if (dtype === 'rgb24' || dtype === 'rgba32') return copyBytes(src, start, start + n * itemBytes);
  if (dtype === 'int8') return new Int8Array(copyBytes(src, start, start + n).buffer);
  const copy = copyBytes(src, start, start + n * itemBytes); // own, aligned buffer
  const hostLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  if (le !== hostLE) {
    for (let i = 0; i < copy.length; i += itemBytes) {
      for (let a = i, b = i + itemBytes - 1; a < b; a++, b--) {
        const t = copy[a]!;
        copy[a] = copy[b]!;
        copy[b] = t;
      }
    }
  }
  const buf = copy.buffer;
  switch (dtype) {
    case 'int16': return new Int16Array(buf);
    case 'uint16': return new Uint16Array(buf);
    case 'int32': return new Int32Array(buf);
    case 'uint32': return new Uint32Array(buf);
    case 'float32': return new Float32Array(buf);
    case 'float64': return new Float64Array(buf);
    case 'int64': return new BigInt64Array(buf);
    case 'uint64': return new BigUint64Array(buf);
    default: throw new DTypeError(`readNifti: datatype ${dtype} is not supported`);
  }
}
