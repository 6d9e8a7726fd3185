// NIfTI-1 and NIfTI-2 header parsing: sizeof_hdr and endianness, the header fields, magic, and
// what nibabel derives from them (shape, zooms, datatype, voxel offset, scaling, the affines).
// nifti.ts reads the voxels these describe. See nifti.ts for the nibabel behaviour followed.

import { DTypeError, FormatError } from '../../errors.js';

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

export function fail(source: string, field: string, msg: string): never {
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

/** nibabel's valid qform/sform codes: unknown, scanner, aligned, talairach, mni, template. */
const XFORM_CODES = new Set([0, 1, 2, 3, 4, 5]);

/** The header of a NIfTI-1 or NIfTI-2 file (endianness from sizeof_hdr), its magic checked. */
export function parseNiftiHeader(bytes: Uint8Array, source: string): { h: NiftiHeader; version: 1 | 2; le: boolean; hsize: number; pairMagic: boolean } {
  if (bytes.length < 4) fail(source, 'sizeof_hdr', `file has ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
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
  return { h, version: version!, le: le!, hsize, pairMagic };
}

/**
 * Shape (with nibabel's FreeSurfer conventions), zooms, transform codes, datatype and where the
 * voxels start, as nibabel's header check reads them; FormatError/DTypeError for what it refuses.
 */
export function voxelLayout(h: NiftiHeader, version: 1 | 2, hsize: number, single: boolean, pairMagic: boolean, source: string) {
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

  return { dims, shape, pixdim, zooms, qformCode, sformCode, dtype, itemBytes, voxOffset, start, nvox, nbytes };
}

/** scl_slope / scl_inter as nibabel applies them. */
export function scaling(h: NiftiHeader, source: string): { slope: number; inter: number } {
  // Scaling (nibabel: none if slope is 0 or not finite; a non-finite intercept is an error).
  let slope = 1, inter = 0;
  if (h.scl_slope !== 0 && Number.isFinite(h.scl_slope)) {
    if (!Number.isFinite(h.scl_inter)) fail(source, 'scl_inter', `valid slope ${h.scl_slope} but invalid intercept ${h.scl_inter}`);
    slope = h.scl_slope;
    inter = h.scl_inter;
  }
  return { slope, inter };
}

/** The sform, qform and the affine nibabel picks (sform, else qform, else the shape/zoom fallback). */
export function affines(h: NiftiHeader, version: 1 | 2, dims: number[], zooms: number[], pixdim: number[], qformCode: number, sformCode: number, source: string): { affine: number[][]; affineSource: 'sform' | 'qform' | 'fallback'; qform: number[][]; sform: number[][] } {
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
  let affine: number[][], affineSource: 'sform' | 'qform' | 'fallback';
  if (sformCode !== 0) [affine, affineSource] = [sform.map((r) => r.slice()), 'sform'];
  else if (qformCode !== 0) [affine, affineSource] = [qform.map((r) => r.slice()), 'qform'];
  else [affine, affineSource] = [base.map((r) => r.slice()), 'fallback'];

  return { affine, affineSource, qform, sform };
}
