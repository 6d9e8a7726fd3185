// NIfTI-1 single-file writer (.nii, or .nii.gz via fflate's gzip): bytes out, so it runs in the
// browser too; src/node writes them to disk.
//
// The header is what nibabel writes for `Nifti1Image(data, affine)` after `set_qform(affine, qcode)`
// and `set_sform(affine, scode)`: little-endian, vox_offset 352 (348-byte header + 4-byte empty
// extension flag), pixdim[1..3] the column norms of the affine, the qform as nibabel's
// `Nifti1Header.set_qform` derives it (the nearest orthonormal rotation by SVD of the zoom-divided
// 3x3, qfac = -1 when its determinant is negative, quaternion with a non-negative real part), the
// sform as the affine's rows in float32.
//
// Voxels are in Fortran order (i fastest), as readNifti returns them. A requested `dtype` other
// than the data's own is a checked cast: values that do not fit it exactly are an ArgumentError,
// never silently clipped or rounded.

import { gzipSync } from 'fflate';
import { ArgumentError } from '../../errors.js';
import { eigh, svd } from '../../linalg/index.js';
import type { NiftiRawArray } from './nifti.js';

export type NiftiWriteDType = 'uint8' | 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64' | 'int64' | 'uint64';

export interface NiftiWriteImage {
  /** dim[1..dim[0]], 1 to 7 dims, each 1..32767 (NIfTI-1 stores dims as int16). */
  shape: number[];
  /** Voxels in Fortran order (i fastest); its type is the stored datatype unless `dtype` says otherwise. */
  data: NiftiRawArray | Float32Array | Float64Array;
  /** 4x4 voxel -> world (mm). Default: nibabel's fallback for the shape with unit zooms. */
  affine?: number[][];
  /**
   * nibabel's get_zooms() order: one per dim, pixdim[1..]. Only entries 3.. (the time step and
   * beyond, pixdim[4..]) are written; entries 0..2 are ignored, as the spatial zooms are the
   * affine's column norms (1 without an affine). Missing entries are 1. Each finite and ≥ 0.
   */
  zooms?: number[];
}

export interface NiftiWriteOptions {
  /** Gzip the file (.nii.gz). Default false. */
  gzip?: boolean;
  /** Datatype to store (a checked cast from `data`). */
  dtype?: NiftiWriteDType;
  /** qform_code / sform_code (default 1 scanner and 2 aligned when an affine is given, else 0 and 0). */
  qformCode?: number;
  sformCode?: number;
  /** scl_slope and scl_inter written to the header (default 1 and 0: stored values are the values). */
  sclSlope?: number;
  sclInter?: number;
  /** descrip (at most 79 ASCII characters). */
  descrip?: string;
  /** xyzt_units, a one-byte field (0..255): default 'mm' and 'sec' (10, what FreeSurfer and nibabel's tools write). */
  xyztUnits?: number;
  /** intent_code, an int16 field (-32768..32767; e.g. 1002 NIFTI_INTENT_LABEL for label maps); default 0. */
  intentCode?: number;
  /** gzip level (default 6, as Python's gzip and nibabel). */
  level?: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
}

const CODES: Readonly<Record<NiftiWriteDType, { code: number; bytes: number; min: number; max: number }>> = {
  uint8: { code: 2, bytes: 1, min: 0, max: 255 },
  int8: { code: 256, bytes: 1, min: -128, max: 127 },
  int16: { code: 4, bytes: 2, min: -32768, max: 32767 },
  uint16: { code: 512, bytes: 2, min: 0, max: 65535 },
  int32: { code: 8, bytes: 4, min: -(2 ** 31), max: 2 ** 31 - 1 },
  uint32: { code: 768, bytes: 4, min: 0, max: 2 ** 32 - 1 },
  float32: { code: 16, bytes: 4, min: -Infinity, max: Infinity },
  float64: { code: 64, bytes: 8, min: -Infinity, max: Infinity },
  int64: { code: 1024, bytes: 8, min: -(2 ** 63), max: 2 ** 63 },
  uint64: { code: 1280, bytes: 8, min: 0, max: 2 ** 64 },
};

function dtypeOf(d: NiftiWriteImage['data']): NiftiWriteDType {
  if (d instanceof Uint8Array) return 'uint8';
  if (d instanceof Int8Array) return 'int8';
  if (d instanceof Int16Array) return 'int16';
  if (d instanceof Uint16Array) return 'uint16';
  if (d instanceof Int32Array) return 'int32';
  if (d instanceof Uint32Array) return 'uint32';
  if (d instanceof Float32Array) return 'float32';
  if (d instanceof Float64Array) return 'float64';
  if (d instanceof BigInt64Array) return 'int64';
  if (d instanceof BigUint64Array) return 'uint64';
  throw new ArgumentError(`writeNifti: data must be a typed array, got ${Object.prototype.toString.call(d)}`);
}

/** nibabel's quaternion from a rotation matrix (mat2quat: the eigenvector of the largest eigenvalue
 *  of Bar-Itzhack's symmetric matrix), real part made non-negative. Returns [a, b, c, d]. */
function mat2quat(R: number[][]): [number, number, number, number] {
  // nibabel names M.flat as Qxx, Qyx, Qzx, Qxy, Qyy, Qzy, Qxz, Qyz, Qzz
  const [Qxx, Qyx, Qzx, Qxy, Qyy, Qzy, Qxz, Qyz, Qzz] = [R[0]![0]!, R[0]![1]!, R[0]![2]!, R[1]![0]!, R[1]![1]!, R[1]![2]!, R[2]![0]!, R[2]![1]!, R[2]![2]!];
  const lower = [
    [Qxx - Qyy - Qzz, 0, 0, 0],
    [Qyx + Qxy, Qyy - Qxx - Qzz, 0, 0],
    [Qzx + Qxz, Qzy + Qyz, Qzz - Qxx - Qyy, 0],
    [Qyz - Qzy, Qzx - Qxz, Qxy - Qyx, Qxx + Qyy + Qzz],
  ];
  const K = new Float64Array(16);
  for (let i = 0; i < 4; i++) for (let j = 0; j <= i; j++) K[4 * i + j] = K[4 * j + i] = lower[i]![j]! / 3;
  const { values, vectors } = eigh({ data: K, rows: 4, cols: 4 });
  let best = 0;
  for (let k = 1; k < 4; k++) if (values[k]! > values[best]!) best = k;
  const e = (i: number) => vectors.data[4 * i + best]!;
  const q: [number, number, number, number] = [e(3), e(0), e(1), e(2)];
  return q[0] < 0 ? [-q[0], -q[1], -q[2], -q[3]] : q;
}

/** The qform fields nibabel's set_qform stores for `affine`: quatern_b/c/d, qoffset, pixdim[1..3], qfac. */
export function qformFields(affine: number[][]): { b: number; c: number; d: number; offset: [number, number, number]; zooms: [number, number, number]; qfac: 1 | -1 } {
  const M = [0, 1, 2].map((i) => [0, 1, 2].map((j) => affine[i]![j]!));
  const zooms = [0, 1, 2].map((j) => Math.hypot(M[0]![j]!, M[1]![j]!, M[2]![j]!)) as [number, number, number];
  for (let j = 0; j < 3; j++) if (zooms[j] === 0) throw new ArgumentError(`writeNifti: affine column ${j} is zero (a voxel axis with no extent)`);
  const R = M.map((r) => r.map((v, j) => v / zooms[j]!));
  const det = R[0]![0]! * (R[1]![1]! * R[2]![2]! - R[1]![2]! * R[2]![1]!) - R[0]![1]! * (R[1]![0]! * R[2]![2]! - R[1]![2]! * R[2]![0]!) + R[0]![2]! * (R[1]![0]! * R[2]![1]! - R[1]![1]! * R[2]![0]!);
  const qfac: 1 | -1 = det > 0 ? 1 : -1; // as nibabel: a singular R counts as left-handed
  if (qfac < 0) for (let i = 0; i < 3; i++) R[i]![2] = -R[i]![2]!;
  // The nearest orthonormal matrix: U V^T of the SVD (nibabel: P, S, Qs = svd(R); PR = P @ Qs).
  const { U, Vt } = svd({ data: Float64Array.from(R.flat()), rows: 3, cols: 3 });
  const PR = [0, 1, 2].map((i) => [0, 1, 2].map((j) => U.data[3 * i]! * Vt.data[j]! + U.data[3 * i + 1]! * Vt.data[3 + j]! + U.data[3 * i + 2]! * Vt.data[6 + j]!));
  const [, b, c, d] = mat2quat(PR);
  return { b, c, d, offset: [affine[0]![3]!, affine[1]![3]!, affine[2]![3]!], zooms, qfac };
}

/** Encodes `image` as a NIfTI-1 file (gzipped with opts.gzip). */
export function writeNifti(image: NiftiWriteImage, opts: NiftiWriteOptions = {}): Uint8Array {
  const { shape, data } = image;
  if (!Array.isArray(shape) || shape.length < 1 || shape.length > 7) throw new ArgumentError(`writeNifti: shape [${shape}] must have 1 to 7 dims`);
  for (const s of shape) if (!Number.isInteger(s) || s < 1 || s > 32767) throw new ArgumentError(`writeNifti: shape [${shape.join(', ')}]: dim ${s} is not an integer in 1..32767 (NIfTI-1 stores dims as int16)`);
  const nvox = shape.reduce((a, b) => a * b, 1);
  const from = dtypeOf(data);
  if (data.length !== nvox) throw new ArgumentError(`writeNifti: ${data.length} voxels in data, shape [${shape.join(', ')}] has ${nvox}`);
  const to = opts.dtype ?? from;
  const spec = CODES[to];
  if (!spec) throw new ArgumentError(`writeNifti: dtype '${to}' is not one of ${Object.keys(CODES).join(', ')}`);

  const affine = image.affine;
  if (affine !== undefined) {
    if (affine.length < 3 || affine.some((r, i) => i < 4 && (r.length !== 4 || r.some((v) => !Number.isFinite(v))))) {
      throw new ArgumentError(`writeNifti: affine must be 4x4 and finite, got ${JSON.stringify(affine)}`);
    }
  }
  const qcode = opts.qformCode ?? (affine ? 1 : 0), scode = opts.sformCode ?? (affine ? 2 : 0);
  for (const [k, v] of [['qformCode', qcode], ['sformCode', scode]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 5) throw new ArgumentError(`writeNifti: ${k} ${v} is not a NIfTI transform code 0..5`);
  }
  const slope = opts.sclSlope ?? 1, inter = opts.sclInter ?? 0;
  if (!Number.isFinite(slope) || !Number.isFinite(inter)) throw new ArgumentError(`writeNifti: scl_slope ${slope} / scl_inter ${inter} must be finite`);
  // fields narrower than a JS number: a value outside them would wrap when stored
  const intent = opts.intentCode ?? 0, units = opts.xyztUnits ?? 10;
  if (!Number.isInteger(intent) || intent < -32768 || intent > 32767) throw new ArgumentError(`writeNifti: intentCode ${intent} does not fit the int16 intent_code field (-32768..32767)`);
  if (!Number.isInteger(units) || units < 0 || units > 255) throw new ArgumentError(`writeNifti: xyztUnits ${units} does not fit the one-byte xyzt_units field (0..255)`);
  const extra = image.zooms ?? [];
  if (!Array.isArray(extra) || extra.length > 7 || extra.some((z) => typeof z !== 'number' || !Number.isFinite(z) || z < 0)) {
    throw new ArgumentError(`writeNifti: zooms [${String(extra)}] must be at most 7 finite numbers ≥ 0`);
  }
  const descrip = opts.descrip ?? '';
  if (descrip.length > 79 || /[^\x20-\x7e]/.test(descrip)) throw new ArgumentError(`writeNifti: descrip must be at most 79 printable ASCII characters`);

  const total = 352 + nvox * spec.bytes;
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setInt32(0, 348, true);
  v.setInt16(40, shape.length, true);
  for (let i = 0; i < 7; i++) v.setInt16(42 + 2 * i, shape[i] ?? 1, true);
  v.setInt16(68, intent, true);
  v.setInt16(70, spec.code, true);
  v.setInt16(72, spec.bytes * 8, true);
  // pixdim: qfac, zooms from the affine (or 1), then the extra zooms
  let zooms: number[] = [1, 1, 1];
  let q: ReturnType<typeof qformFields> | null = null;
  if (affine) {
    q = qformFields(affine);
    zooms = q.zooms;
  }
  v.setFloat32(76, q ? q.qfac : 1, true);
  for (let i = 0; i < 7; i++) v.setFloat32(80 + 4 * i, i < 3 ? zooms[i]! : (extra[i] ?? 1), true);
  v.setFloat32(108, 352, true);
  v.setFloat32(112, slope, true);
  v.setFloat32(116, inter, true);
  out[123] = units;
  for (let i = 0; i < descrip.length; i++) out[148 + i] = descrip.charCodeAt(i);
  v.setInt16(252, qcode, true);
  v.setInt16(254, scode, true);
  if (q) {
    v.setFloat32(256, q.b, true);
    v.setFloat32(260, q.c, true);
    v.setFloat32(264, q.d, true);
    v.setFloat32(268, q.offset[0], true);
    v.setFloat32(272, q.offset[1], true);
    v.setFloat32(276, q.offset[2], true);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) v.setFloat32(280 + 16 * r + 4 * c, affine![r]![c]!, true);
  }
  out.set([0x6e, 0x2b, 0x31, 0], 344); // 'n+1\0'

  encodeVoxels(data, from, to, out, v, 352);
  return opts.gzip ? gzipSync(out, { level: opts.level ?? 6, mtime: 0 }) : out;
}

function encodeVoxels(data: NiftiWriteImage['data'], from: NiftiWriteDType, to: NiftiWriteDType, out: Uint8Array, v: DataView, at: number): void {
  const n = data.length;
  const spec = CODES[to];
  if (from === to) {
    const src = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 || spec.bytes === 1) out.set(src, at);
    else for (let i = 0; i < n; i++) setValue(v, to, at + i * spec.bytes, data[i]!);
    return;
  }
  for (let i = 0; i < n; i++) {
    const x = data[i]!;
    if (to === 'int64' || to === 'uint64') {
      const bx = typeof x === 'bigint' ? x : Number.isInteger(x) ? BigInt(x) : null;
      if (bx === null || (to === 'uint64' && bx < 0n)) throw new ArgumentError(`writeNifti: voxel ${i} = ${x} does not fit ${to}`);
      if (to === 'int64') v.setBigInt64(at + 8 * i, bx, true);
      else v.setBigUint64(at + 8 * i, bx, true);
      continue;
    }
    const num = typeof x === 'bigint' ? Number(x) : x;
    if (typeof x === 'bigint' && BigInt(num) !== x) throw new ArgumentError(`writeNifti: voxel ${i} = ${x} does not fit ${to}`);
    if (to === 'float32') {
      if (Math.fround(num) !== num && !Number.isNaN(num)) throw new ArgumentError(`writeNifti: voxel ${i} = ${num} is not exactly representable as float32 (pass a Float32Array to round on purpose)`);
    } else if (to !== 'float64' && !(Number.isInteger(num) && num >= spec.min && num <= spec.max)) {
      throw new ArgumentError(`writeNifti: voxel ${i} = ${num} does not fit ${to} (${spec.min}..${spec.max}, integers)`);
    }
    setValue(v, to, at + i * spec.bytes, num);
  }
}

function setValue(v: DataView, t: NiftiWriteDType, o: number, x: number | bigint): void {
  switch (t) {
    case 'uint8': v.setUint8(o, Number(x)); break;
    case 'int8': v.setInt8(o, Number(x)); break;
    case 'int16': v.setInt16(o, Number(x), true); break;
    case 'uint16': v.setUint16(o, Number(x), true); break;
    case 'int32': v.setInt32(o, Number(x), true); break;
    case 'uint32': v.setUint32(o, Number(x), true); break;
    case 'float32': v.setFloat32(o, Number(x), true); break;
    case 'float64': v.setFloat64(o, Number(x), true); break;
    case 'int64': v.setBigInt64(o, BigInt(x), true); break;
    case 'uint64': v.setBigUint64(o, BigInt(x), true); break;
  }
}
