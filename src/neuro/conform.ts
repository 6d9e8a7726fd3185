// FastSurfer's "conform": reslice a T1 to the 256³, 1 mm isotropic, LIA grid its networks (and
// brainchop's) expect, keeping the input's centre, and map intensities to uint8; and the inverse,
// which puts a conformed label map back onto the input's grid.
//
// Following FastSurfer's conform.py (FastSurferCNN/data_loader/conform.py):
// - target affine: nibabel's MGHHeader affine for dims N³, zooms v, Mdc = LIA (i -> -x, j -> -z,
//   k -> +y) and centre c_ras = affine · (shape / 2) of the input (FreeSurfer's Pxyz_c);
// - voxels are pulled with scipy.ndimage.affine_transform(data, inv(vox2vox), order) where
//   vox2vox = inv(target) · affine: order 1 (trilinear) for images, 0 (nearest) for label maps,
//   mode 'constant' (a sample outside [0, n-1] on any axis is 0, no interpolation with the border);
// - intensity: for data that are not uint8, getscale takes src_min = min and src_max from a
//   1000-bin histogram of the *input* (f_low 0, f_high 0.999 of the non-zero voxels, FastSurfer's
//   two-bins-back quirk included), then scalecrop (0 + scale · (x - src_min), clipped to 0..255)
//   and np.rint (half to even) to uint8. Integer input is resampled into its own type first, as
//   affine_transform does by default (rounded half away from zero). uint8 data are only rounded; label maps keep their values
//   and their type. FastSurfer refuses negative intensities; so does this (ArgumentError).
//
// Volumes are in Fortran order (i fastest), as readNifti returns them.

import { ArgumentError, ShapeError } from '../errors.js';
import { inv, type Matrix } from '../linalg/index.js';

export type VolumeData = Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

/** A 3-D volume: voxel (i, j, k) at data[i + nx*(j + ny*k)], `affine` voxel -> world (mm). */
export interface Volume<D extends VolumeData = VolumeData> {
  shape: [number, number, number];
  data: D;
  affine: number[][];
}

export interface ConformOptions {
  /** Grid size per axis (default 256). */
  size?: number;
  /** Voxel size in mm (default 1). */
  voxelSize?: number;
  /** A label map: nearest neighbour, values and type kept (default false). */
  labels?: boolean;
  /** Interpolation order for images: 1 trilinear (default) or 0 nearest. */
  order?: 0 | 1;
}

export interface Conformed<D extends VolumeData = VolumeData> extends Volume<D> {
  /** Input voxel -> conformed voxel (inv(target affine) · input affine). */
  vox2vox: number[][];
  /** getscale's result (0 and 1 when no scaling was applied). */
  srcMin: number;
  scale: number;
}

const LIA = [[-1, 0, 0], [0, 0, -1], [0, 1, 0]]; // Mdc rows: the world direction of i, j, k

/** 4x4 inverse (float64) through linalg's inv; a singular or non-finite affine is an ArgumentError naming it. */
export function inv4(m: number[][]): number[][] {
  if (m.length !== 4 || m.some((r) => r.length < 4 || r.slice(0, 4).some((v) => !Number.isFinite(v)))) {
    throw new ArgumentError(`conform: affine ${JSON.stringify(m)} is not a finite 4x4 matrix`);
  }
  let r: Matrix;
  try {
    r = inv({ data: Float64Array.from(m.flatMap((row) => row.slice(0, 4))), rows: 4, cols: 4 });
  } catch (e) {
    if (e instanceof ArgumentError) throw new ArgumentError(`conform: affine ${JSON.stringify(m)} is singular`);
    throw e;
  }
  return [0, 1, 2, 3].map((i) => Array.from(r.data.subarray(4 * i, 4 * i + 4)));
}

export function matmul4(a: number[][], b: number[][]): number[][] {
  return [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => a[i]![0]! * b[0]![j]! + a[i]![1]! * b[1]![j]! + a[i]![2]! * b[2]![j]! + a[i]![3]! * b[3]![j]!));
}

/** The conformed (LIA, size³, voxelSize mm) affine centred where the input volume is. */
export function conformedAffine(affine: number[][], shape: readonly number[], size = 256, voxelSize = 1): number[][] {
  const c = [0, 1, 2].map((r) => affine[r]![0]! * shape[0]! / 2 + affine[r]![1]! * shape[1]! / 2 + affine[r]![2]! * shape[2]! / 2 + affine[r]![3]!);
  // M = Mdc^T · diag(v); P0 = c - M · (size / 2)
  const M = [0, 1, 2].map((r) => [0, 1, 2].map((k) => LIA[k]![r]! * voxelSize));
  const half = size / 2;
  return [
    ...[0, 1, 2].map((r) => [M[r]![0]!, M[r]![1]!, M[r]![2]!, c[r]! - (M[r]![0]! * half + M[r]![1]! * half + M[r]![2]! * half)]),
    [0, 0, 0, 1],
  ];
}

function checkVolume(v: Volume, op: string): void {
  const { shape, data, affine } = v;
  if (!Array.isArray(shape) || shape.length !== 3 || shape.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new ShapeError(`${op}: volume shape [${shape}] must be 3 positive integers (pass one frame of a 4-D image)`);
  }
  const n = shape[0] * shape[1] * shape[2];
  if (data.length !== n) throw new ShapeError(`${op}: ${data.length} voxels for shape [${shape.join(', ')}] (${n})`);
  if (!Array.isArray(affine) || affine.length !== 4 || affine.some((r) => r.length !== 4 || r.some((x) => !Number.isFinite(x)))) {
    throw new ArgumentError(`${op}: affine must be a finite 4x4 matrix, got ${JSON.stringify(affine)}`);
  }
  if (data instanceof Float32Array || data instanceof Float64Array) {
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(data[i]!)) throw new ArgumentError(`${op}: voxel ${i} (i=${i % shape[0]}, j=${Math.floor(i / shape[0]) % shape[1]}, k=${Math.floor(i / shape[0] / shape[1])}) is ${data[i]}`);
    }
  }
}

/** numpy's rint: round half to even. */
export function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * FastSurfer's getscale: src_min and the scale to [dstMin, dstMax] from a 1000-bin histogram of
 * `data` (numpy's np.histogram bins: edges linspace(min, max, 1001), the last bin closed).
 */
export function getscale(data: ArrayLike<number>, dstMin: number, dstMax: number, fLow = 0, fHigh = 0.999): { srcMin: number; scale: number } {
  const n = data.length;
  let lo = Infinity, hi = -Infinity, nz = 0;
  for (let i = 0; i < n; i++) {
    const x = data[i]!;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
    if (Math.abs(x) >= 1e-15) nz++;
  }
  if (lo < 0) throw new ArgumentError(`conform: getscale: the minimum intensity ${lo} is below 0 (FastSurfer refuses negative input)`);
  if (fLow === 0 && fHigh === 1) return { srcMin: lo, scale: 1 };
  const bins = 1000;
  const hist = new Float64Array(bins);
  const binSize = (hi - lo) / bins;
  if (hi === lo) hist[0] = n; // numpy widens an empty range to [lo - 0.5, lo + 0.5]: one bin holds all
  else {
    const step = (hi - lo) / bins, edge = (k: number) => (k === bins ? hi : k * step + lo);
    const norm = bins / (hi - lo);
    for (let i = 0; i < n; i++) {
      const x = data[i]!;
      let k = Math.min(bins - 1, Math.floor((x - lo) * norm));
      if (x < edge(k)) k--;
      else if (k < bins - 1 && x >= edge(k + 1)) k++;
      hist[k]!++;
    }
  }
  // cs = [0, cumsum(hist)]
  const cs = new Float64Array(bins + 1);
  for (let k = 0; k < bins; k++) cs[k + 1] = cs[k]! + hist[k]!;
  let nth = Math.trunc(fLow * n);
  let idx = 0;
  for (let k = bins; k >= 0; k--) if (cs[k]! < nth) { idx = k + 1; break; }
  const srcMin = idx * binSize + lo;
  nth = n - Math.trunc((1 - fHigh) * nz);
  idx = 0;
  for (let k = 0; k <= bins; k++) if (cs[k]! >= nth) { idx = k - 2; break; }
  const srcMax = idx * binSize + srcMin;
  return { srcMin, scale: srcMin === srcMax ? 1 : (dstMax - dstMin) / (srcMax - srcMin) };
}

/**
 * Pulls `src` onto a grid of `outShape` through `pull` (output voxel -> source voxel), as
 * scipy.ndimage.affine_transform(mode='constant', cval=0) does with order 0 or 1. Returns float64
 * samples. Coordinates are computed per voxel in scipy's order (offset + m0·i + m1·j + m2·k).
 */
export function resample(src: Volume, pull: number[][], outShape: readonly [number, number, number], order: 0 | 1): Float64Array {
  const [nx, ny, nz] = src.shape;
  const [ox, oy, oz] = outShape;
  const d = src.data;
  const out = new Float64Array(ox * oy * oz);
  const sx = 1, sy = nx, sz = nx * ny;
  const m = pull;
  let o = 0;
  for (let k = 0; k < oz; k++) {
    for (let j = 0; j < oy; j++) {
      for (let i = 0; i < ox; i++, o++) {
        const x = m[0]![3]! + i * m[0]![0]! + j * m[0]![1]! + k * m[0]![2]!;
        const y = m[1]![3]! + i * m[1]![0]! + j * m[1]![1]! + k * m[1]![2]!;
        const z = m[2]![3]! + i * m[2]![0]! + j * m[2]![1]! + k * m[2]![2]!;
        if (!(x >= 0 && x <= nx - 1 && y >= 0 && y <= ny - 1 && z >= 0 && z <= nz - 1)) continue; // cval 0
        if (order === 0) {
          out[o] = d[Math.floor(x + 0.5) * sx + Math.floor(y + 0.5) * sy + Math.floor(z + 0.5) * sz]!;
          continue;
        }
        const x0 = Math.floor(x), y0 = Math.floor(y), z0 = Math.floor(z);
        const tx = x - x0, ty = y - y0, tz = z - z0;
        // a neighbour past the last voxel has weight 0 (x == nx-1 exactly): clamp its index
        const x1 = x0 + 1 < nx ? 1 : 0, y1 = y0 + 1 < ny ? sy : 0, z1 = z0 + 1 < nz ? sz : 0;
        const b = x0 + y0 * sy + z0 * sz;
        const c00 = d[b]! * (1 - tx) + d[b + x1]! * tx;
        const c10 = d[b + y1]! * (1 - tx) + d[b + y1 + x1]! * tx;
        const c01 = d[b + z1]! * (1 - tx) + d[b + z1 + x1]! * tx;
        const c11 = d[b + y1 + z1]! * (1 - tx) + d[b + y1 + z1 + x1]! * tx;
        out[o] = (c00 * (1 - ty) + c10 * ty) * (1 - tz) + (c01 * (1 - ty) + c11 * ty) * tz;
      }
    }
  }
  return out;
}

/** scipy.ndimage writes interpolated values into an integer output (the input's own type, which
 *  affine_transform uses by default, and so FastSurfer gets for integer scans) rounded half away
 *  from zero. */
function roundLikeScipy(x: Float64Array): void {
  for (let i = 0; i < x.length; i++) {
    const t = x[i]!;
    x[i] = Math.trunc(t > 0 ? t + 0.5 : t - 0.5);
  }
}

/**
 * Conform a T1 (or, with `labels`, a label map) to FastSurfer's grid. Images come back as uint8;
 * label maps in their own type. ShapeError for a volume that is not 3-D; ArgumentError for
 * non-finite voxels or affines, a singular affine, or negative intensities.
 */
export function conform(vol: Volume, opts: ConformOptions = {}): Conformed {
  checkVolume(vol, 'conform');
  const size = opts.size ?? 256, v = opts.voxelSize ?? 1;
  if (!Number.isInteger(size) || size < 1 || size > 1024) throw new ArgumentError(`conform: size ${size} must be an integer in 1..1024`);
  if (!(v > 0) || !Number.isFinite(v)) throw new ArgumentError(`conform: voxelSize ${v} must be positive`);
  const labels = opts.labels ?? false;
  const order = labels ? 0 : opts.order ?? 1;
  const affine = conformedAffine(vol.affine, vol.shape, size, v);
  const vox2vox = matmul4(inv4(affine), vol.affine);
  const pull = inv4(vox2vox);
  const shape: [number, number, number] = [size, size, size];
  const mapped = resample(vol, pull, shape, order);
  if (!(vol.data instanceof Float32Array || vol.data instanceof Float64Array)) roundLikeScipy(mapped);
  if (labels) {
    const C = vol.data.constructor as new (n: number) => VolumeData;
    const data = new C(mapped.length);
    data.set(mapped);
    return { shape, data, affine, vox2vox, srcMin: 0, scale: 1 };
  }
  const out = new Uint8Array(mapped.length);
  let srcMin = 0, scale = 1;
  if (!(vol.data instanceof Uint8Array)) {
    ({ srcMin, scale } = getscale(vol.data, 0, 255));
    for (let i = 0; i < out.length; i++) out[i] = rint(Math.min(255, Math.max(0, scale * (mapped[i]! - srcMin))));
  } else {
    for (let i = 0; i < out.length; i++) out[i] = rint(mapped[i]!);
  }
  return { shape, data: out, affine, vox2vox, srcMin, scale };
}

/**
 * Puts a volume on the conformed grid (e.g. predicted labels) back onto the grid of `target`
 * (shape and affine of the original input), nearest neighbour: each target voxel takes the
 * conformed voxel it falls in, 0 outside the conformed field of view. Keeps the values' type.
 */
export function unconform<D extends VolumeData>(conformed: Volume<D>, target: { shape: [number, number, number]; affine: number[][] }): Volume<D> {
  checkVolume(conformed, 'unconform');
  const ts = target.shape;
  if (!Array.isArray(ts) || ts.length !== 3 || !ts.every((n) => Number.isInteger(n) && n >= 1)) throw new ShapeError(`unconform: target shape ${JSON.stringify(ts)} must be three positive integers`);
  checkVolume({ ...target, data: new Uint8Array(ts[0] * ts[1] * ts[2]) }, 'unconform');
  const pull = matmul4(inv4(conformed.affine), target.affine); // target voxel -> conformed voxel
  const mapped = resample(conformed, pull, target.shape, 0);
  const C = conformed.data.constructor as new (n: number) => D;
  const data = new C(mapped.length);
  data.set(mapped);
  return { shape: [...target.shape], data, affine: target.affine.map((r) => r.slice()) };
}

/** nibabel's aff2axcodes: the world direction each voxel axis points to most ('L'/'R', 'P'/'A', 'I'/'S'). */
export function axisCodes(affine: number[][]): string {
  const labels = [['L', 'R'], ['P', 'A'], ['I', 'S']];
  let out = '';
  const used = new Set<number>();
  // greedy on the largest absolute direction cosine, as nibabel's io_orientation for an orthogonal affine
  for (let j = 0; j < 3; j++) {
    let best = -1;
    for (let r = 0; r < 3; r++) if (!used.has(r) && (best < 0 || Math.abs(affine[r]![j]!) > Math.abs(affine[best]![j]!))) best = r;
    used.add(best);
    out += labels[best]![affine[best]![j]! > 0 ? 1 : 0];
  }
  return out;
}
