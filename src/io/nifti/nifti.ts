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

import { DTypeError, FormatError, IndexError } from '../../errors.js';
import { Inflater, isGzip } from '../compress/index.js';

/** NIfTI datatype codes. */
export const NIFTI_DTYPES: Readonly<Record<number, { name: string; bytes: number }>> = {
  2: { name: 'uint8', bytes: 1 },
  4: { name: 'int16', bytes: 2 },
  8: { name: 'int32', bytes: 4 },
  16: { name: 'float32', bytes: 4 },
  32: { name: 'complex64', bytes: 8 },
  64: { name: 'float64', bytes: 8 },
  128: { name: 'rgb24', bytes: 3 },
  256: { name: 'int8', bytes: 1 },
  512: { name: 'uint16', bytes: 2 },
  768: { name: 'uint32', bytes: 4 },
  1024: { name: 'int64', bytes: 8 },
  1280: { name: 'uint64', bytes: 8 },
  1536: { name: 'float128', bytes: 16 },
  1792: { name: 'complex128', bytes: 16 },
  2048: { name: 'complex256', bytes: 32 },
  2304: { name: 'rgba32', bytes: 4 },
};

const SPACE_UNITS: Readonly<Record<number, string>> = { 0: 'unknown', 1: 'meter', 2: 'mm', 3: 'micron' };
const TIME_UNITS: Readonly<Record<number, string>> = { 0: 'unknown', 8: 'sec', 16: 'msec', 24: 'usec', 32: 'hz', 40: 'ppm', 48: 'rads' };

/** Header fields, named as in nifti1.h / nifti2.h (NIfTI-2's widened types read as numbers). */
export interface NiftiHeader {
  sizeof_hdr: number;
  dim_info: number;
  dim: number[];
  intent_p1: number;
  intent_p2: number;
  intent_p3: number;
  intent_code: number;
  datatype: number;
  bitpix: number;
  slice_start: number;
  pixdim: number[];
  vox_offset: number;
  scl_slope: number;
  scl_inter: number;
  slice_end: number;
  slice_code: number;
  xyzt_units: number;
  cal_max: number;
  cal_min: number;
  slice_duration: number;
  toffset: number;
  /** NIfTI-1 glmin (unused by the standard; FreeSurfer keeps a long vector's length here); 0 in NIfTI-2. */
  glmin: number;
  descrip: string;
  aux_file: string;
  qform_code: number;
  sform_code: number;
  quatern_b: number;
  quatern_c: number;
  quatern_d: number;
  qoffset_x: number;
  qoffset_y: number;
  qoffset_z: number;
  srow_x: number[];
  srow_y: number[];
  srow_z: number[];
  intent_name: string;
  magic: string;
}

export interface NiftiExtension {
  /** ecode (6 = comment, 4 = AFNI, ...). */
  code: number;
  /** Payload bytes (esize - 8). */
  data: Uint8Array;
}

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

function fail(source: string, field: string, msg: string): never {
  throw new FormatError(`readNifti: ${source}: ${field}: ${msg}`);
}

function str(bytes: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) {
    const b = bytes[off + i]!;
    if (b === 0) break;
    s += String.fromCharCode(b);
  }
  return s;
}

/** nibabel's quaternion (b, c, d) -> rotation, with a = sqrt(1 - b²-c²-d²) (0 if slightly negative). */
export function qformAffine(h: NiftiHeader, version: 1 | 2): number[][] {
  const b = h.quatern_b, c = h.quatern_c, d = h.quatern_d;
  const w2 = 1 - (b * b + c * c + d * d);
  const thresh = version === 1 ? -3 * 2 ** -23 : -3 * 2 ** -52;
  let a: number;
  if (w2 < 0) {
    if (w2 < thresh) throw new FormatError(`readNifti: qform quaternion (b, c, d) = (${b}, ${c}, ${d}) has norm > 1`);
    a = 0;
  } else a = Math.sqrt(w2);
  // quat2mat (normalising by |q|², as nibabel does)
  const n = a * a + b * b + c * c + d * d;
  let R: number[][];
  if (n < 2.220446049250313e-16) R = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  else {
    const s = 2 / n;
    const X = b * s, Y = c * s, Z = d * s;
    const wX = a * X, wY = a * Y, wZ = a * Z;
    const xX = b * X, xY = b * Y, xZ = b * Z;
    const yY = c * Y, yZ = c * Z, zZ = d * Z;
    R = [
      [1 - (yY + zZ), xY - wZ, xZ + wY],
      [xY + wZ, 1 - (xX + zZ), yZ - wX],
      [xZ - wY, yZ + wX, 1 - (xX + yY)],
    ];
  }
  const qfac = h.pixdim[0] === -1 ? -1 : 1; // nibabel refuses anything but ±1; the standard reads 0 as 1
  const vox = [h.pixdim[1]!, h.pixdim[2]!, h.pixdim[3]! * qfac];
  return [
    [R[0]![0]! * vox[0]!, R[0]![1]! * vox[1]!, R[0]![2]! * vox[2]!, h.qoffset_x],
    [R[1]![0]! * vox[0]!, R[1]![1]! * vox[1]!, R[1]![2]! * vox[2]!, h.qoffset_y],
    [R[2]![0]! * vox[0]!, R[2]![1]! * vox[1]!, R[2]![2]! * vox[2]!, h.qoffset_z],
    [0, 0, 0, 1],
  ];
}

/** nibabel's get_base_affine: diag(-zx, zy, zz) centred on the middle voxel (first 3 dims). */
export function baseAffine(shape: number[], zooms: number[]): number[][] {
  const s = [1, 1, 1], z = [1, 1, 1];
  for (let i = 0; i < Math.min(3, shape.length); i++) {
    s[i] = shape[i]!;
    z[i] = zooms[i]!;
  }
  z[0] = -z[0]!;
  return [
    [z[0]!, 0, 0, -((s[0]! - 1) / 2) * z[0]!],
    [0, z[1]!, 0, -((s[1]! - 1) / 2) * z[1]!],
    [0, 0, z[2]!, -((s[2]! - 1) / 2) * z[2]!],
    [0, 0, 0, 1],
  ];
}

/** Past the declared image, how far a gzip stream is still read to reach its end and check its CRC. */
export const VERIFY_SLACK = 1 << 20;

/** nibabel's valid qform/sform codes: unknown, scanner, aligned, talairach, mni, template. */
const XFORM_CODES = new Set([0, 1, 2, 3, 4, 5]);

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
  if (bytes.length < 4) fail(source, 'sizeof_hdr', `file has ${bytes.length} bytes`);
  let view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let le: boolean, version: 1 | 2;
  const sLE = view.getInt32(0, true), sBE = view.getInt32(0, false);
  if (sLE === 348) [le, version] = [true, 1];
  else if (sBE === 348) [le, version] = [false, 1];
  else if (sLE === 540) [le, version] = [true, 2];
  else if (sBE === 540) [le, version] = [false, 2];
  else fail(source, 'sizeof_hdr', `${sLE} (little-endian) / ${sBE} (big-endian); expected 348 (NIfTI-1) or 540 (NIfTI-2)`);
  const hsize = version === 1 ? 348 : 540;
  if (bytes.length < hsize) fail(source, 'header', `truncated: ${bytes.length} bytes, a NIfTI-${version} header has ${hsize}`);

  const i16 = (o: number) => view.getInt16(o, le);
  const i32 = (o: number) => view.getInt32(o, le);
  const f32 = (o: number) => view.getFloat32(o, le);
  const f64 = (o: number) => view.getFloat64(o, le);
  const i64 = (o: number) => Number(view.getBigInt64(o, le));
  const arr = (o: number, n: number, step: number, get: (o: number) => number) => Array.from({ length: n }, (_, k) => get(o + k * step));

  let h: NiftiHeader;
  if (version === 1) {
    h = {
      sizeof_hdr: 348, dim_info: bytes[39]!, dim: arr(40, 8, 2, i16),
      intent_p1: f32(56), intent_p2: f32(60), intent_p3: f32(64), intent_code: i16(68),
      datatype: i16(70), bitpix: i16(72), slice_start: i16(74), pixdim: arr(76, 8, 4, f32),
      vox_offset: f32(108), scl_slope: f32(112), scl_inter: f32(116), slice_end: i16(120),
      slice_code: bytes[122]!, xyzt_units: bytes[123]!, cal_max: f32(124), cal_min: f32(128),
      slice_duration: f32(132), toffset: f32(136), glmin: i32(144), descrip: str(bytes, 148, 80), aux_file: str(bytes, 228, 24),
      qform_code: i16(252), sform_code: i16(254), quatern_b: f32(256), quatern_c: f32(260), quatern_d: f32(264),
      qoffset_x: f32(268), qoffset_y: f32(272), qoffset_z: f32(276),
      srow_x: arr(280, 4, 4, f32), srow_y: arr(296, 4, 4, f32), srow_z: arr(312, 4, 4, f32),
      intent_name: str(bytes, 328, 16), magic: str(bytes, 344, 4),
    };
  } else {
    h = {
      sizeof_hdr: 540, magic: str(bytes, 4, 8), datatype: i16(12), bitpix: i16(14), dim: arr(16, 8, 8, i64),
      intent_p1: f64(80), intent_p2: f64(88), intent_p3: f64(96), pixdim: arr(104, 8, 8, f64),
      vox_offset: i64(168), scl_slope: f64(176), scl_inter: f64(184), cal_max: f64(192), cal_min: f64(200),
      slice_duration: f64(208), toffset: f64(216), slice_start: i64(224), slice_end: i64(232), glmin: 0,
      descrip: str(bytes, 240, 80), aux_file: str(bytes, 320, 24), qform_code: i32(344), sform_code: i32(348),
      quatern_b: f64(352), quatern_c: f64(360), quatern_d: f64(368),
      qoffset_x: f64(376), qoffset_y: f64(384), qoffset_z: f64(392),
      srow_x: arr(400, 4, 8, f64), srow_y: arr(432, 4, 8, f64), srow_z: arr(464, 4, 8, f64),
      slice_code: i32(496), xyzt_units: i32(500), intent_code: i32(504), intent_name: str(bytes, 508, 16),
      dim_info: bytes[524]!,
    };
  }
  const singleMagic = version === 1 ? h.magic === 'n+1' : h.magic.startsWith('n+2');
  const pairMagic = version === 1 ? h.magic === 'ni1' : h.magic.startsWith('ni2');
  if (!singleMagic && !pairMagic) fail(source, 'magic', `${JSON.stringify(h.magic)}; expected ${version === 1 ? "'n+1' or 'ni1'" : "'n+2' or 'ni2'"}`);
  // A pair header with its image passed separately; anything else is read as one file, as nibabel
  // reads a .nii whatever its magic says.
  const single = !(pairMagic && opts.image !== undefined);

  // Shape: dim[1..dim[0]], with nibabel's FreeSurfer conventions (NIfTI-1 only).
  const ndim = h.dim[0]!;
  if (!(ndim >= 0 && ndim <= 7)) fail(source, 'dim[0]', `${ndim}; expected 0..7`);
  const dims = h.dim.slice(1, ndim + 1);
  const shape = ndim === 0 ? [0] : dims.slice();
  if (version === 1 && ndim >= 3 && dims[0] === -1 && dims[1] === 1 && dims[2] === 1) {
    if (!(h.glmin > 0)) fail(source, 'glmin', `${h.glmin}: dim[1] = -1 (FreeSurfer's long-vector header) needs the vector length in glmin`);
    shape[0] = h.glmin;
  } else if (version === 1 && ndim >= 3 && dims[0] === 27307 && dims[1] === 1 && dims[2] === 6) {
    shape.splice(0, 3, 163842, 1, 1); // FreeSurfer's ico7 surface
  }
  for (let i = 0; i < shape.length; i++) if (!(shape[i]! >= 0)) fail(source, `dim[${i + 1}]`, `${shape[i]} is negative`);

  // nibabel's header check: |pixdim[1..3]|, zeros as 1 (the stored header is left as it is).
  const pixdim = h.pixdim.slice();
  for (let i = 1; i <= 3; i++) {
    if (pixdim[i]! < 0) pixdim[i] = -pixdim[i]!;
    if (pixdim[i] === 0) pixdim[i] = 1;
  }
  const zooms = ndim === 0 ? [1] : pixdim.slice(1, ndim + 1);
  const qformCode = XFORM_CODES.has(h.qform_code) ? h.qform_code : 0;
  const sformCode = XFORM_CODES.has(h.sform_code) ? h.sform_code : 0;

  const dt = NIFTI_DTYPES[h.datatype];
  if (!dt) fail(source, 'datatype', `unknown NIfTI datatype code ${h.datatype}`);
  const { name: dtype, bytes: itemBytes } = dt!;
  if (dtype.startsWith('complex') || dtype === 'float128') {
    throw new DTypeError(`readNifti: ${source}: datatype: ${dtype} (code ${h.datatype}) is not supported`);
  }

  const voxOffset = h.vox_offset;
  if (!Number.isFinite(voxOffset) || voxOffset < 0) fail(source, 'vox_offset', `${voxOffset} is not a valid offset`);
  const start = Math.floor(voxOffset);
  const minOffset = hsize + 4;
  if (single && start < minOffset) {
    fail(source, 'vox_offset', `${voxOffset} is inside the ${hsize}-byte header: a single-file NIfTI-${version} image starts at byte ${minOffset} or later` +
      (pairMagic ? ` (magic ${JSON.stringify(h.magic)} marks a .hdr/.img pair: pass the image bytes as opts.image)` : ''));
  }
  const nvox = shape.reduce((a, b) => a * b, 1);
  const nbytes = nvox * itemBytes;

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

  // Scaling (nibabel: none if slope is 0 or not finite; a non-finite intercept is an error).
  let slope = 1, inter = 0;
  if (h.scl_slope !== 0 && Number.isFinite(h.scl_slope)) {
    if (!Number.isFinite(h.scl_inter)) fail(source, 'scl_inter', `valid slope ${h.scl_slope} but invalid intercept ${h.scl_inter}`);
    slope = h.scl_slope;
    inter = h.scl_inter;
  }
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

  // The fallback affine takes the stored dims (nibabel's get_base_affine does), FreeSurfer's -1 too.
  const base = baseAffine(dims, zooms);
  const sform = [h.srow_x.slice(), h.srow_y.slice(), h.srow_z.slice(), [0, 0, 0, 1]];
  let qform: number[][];
  try {
    qform = qformAffine({ ...h, pixdim }, version);
  } catch (e) {
    if (qformCode !== 0) fail(source, 'quatern_b/c/d', (e as Error).message);
    qform = base;
  }
  let affine: number[][], affineSource: NiftiImage['affineSource'];
  if (sformCode !== 0) [affine, affineSource] = [sform.map((r) => r.slice()), 'sform'];
  else if (qformCode !== 0) [affine, affineSource] = [qform.map((r) => r.slice()), 'qform'];
  else [affine, affineSource] = [base.map((r) => r.slice()), 'fallback'];

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
  if (dtype === 'uint8') return src.slice(start, start + n);
  if (dtype === 'rgb24' || dtype === 'rgba32') return src.slice(start, start + n * itemBytes);
  if (dtype === 'int8') return new Int8Array(src.slice(start, start + n).buffer);
  const copy = src.slice(start, start + n * itemBytes); // own, aligned buffer
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
