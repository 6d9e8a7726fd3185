// Patches of 3-D volumes for training and inference: seeded random patch positions (uniform, or
// balanced across label classes), patch extraction, and a sliding-window grid with a reassembler
// that puts per-voxel outputs back together by averaging the overlaps or by keeping, for each
// voxel, the output of the patch it lies deepest in ("crop-centre").
//
// Volumes are Fortran order (i fastest): voxel (i, j, k) at i + nx*(j + ny*k), as readNifti and
// conform return them. Patch data use the same order inside the patch, channels outermost.

import { ArgumentError, ShapeError } from '../errors.js';
import { Generator } from '../tensor/random.js';

export type Vec3 = [number, number, number];

function size3(size: number | readonly number[], op: string): Vec3 {
  const p = typeof size === 'number' ? [size, size, size] : [...size];
  if (p.length !== 3 || p.some((x) => !Number.isInteger(x) || x < 1)) throw new ArgumentError(`${op}: patch size ${JSON.stringify(size)} must be a positive integer or 3 of them`);
  return p as Vec3;
}

function checkShape(shape: readonly number[], p: Vec3, op: string): Vec3 {
  if (shape.length !== 3 || shape.some((x) => !Number.isInteger(x) || x < 1)) throw new ShapeError(`${op}: volume shape [${shape}] must be 3 positive integers`);
  for (let a = 0; a < 3; a++) if (p[a]! > shape[a]!) throw new ShapeError(`${op}: patch [${p.join(', ')}] is larger than the volume [${shape.join(', ')}] on axis ${a} (pad the volume first)`);
  return shape as unknown as Vec3;
}

export interface RandomPatchOptions {
  /** Seed of the patch positions (default 0): the same seed gives the same patches. */
  seed?: number;
  /** A label map of the volume (same shape); with `balance: 'label'`, each patch is centred on a
   *  voxel of a class drawn uniformly from the classes present (or from `classes`). */
  labels?: ArrayLike<number>;
  balance?: 'uniform' | 'label';
  /** Classes to balance over (default: every value in `labels`, background included). */
  classes?: readonly number[];
}

/** Voxel indices grouped by class (a counting sort), built once per label map. */
function byClass(labels: ArrayLike<number>, classes: readonly number[] | undefined): { classes: number[]; start: Int32Array; index: Int32Array } {
  const slot = new Map<number, number>();
  const want = classes ? new Set(classes) : null;
  const cls: number[] = [];
  const of = new Int32Array(labels.length);
  let lastL = NaN, lastK = -1;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l !== lastL) {
      lastL = l;
      let k = slot.get(l);
      if (k === undefined) {
        k = want && !want.has(l) ? -1 : cls.length;
        slot.set(l, k);
        if (k >= 0) cls.push(l);
      }
      lastK = k;
    }
    of[i] = lastK;
  }
  // order classes by value, so that the draw does not depend on where each first appears
  const order = cls.map((_, k) => k).sort((a, b) => cls[a]! - cls[b]!);
  const rank = new Int32Array(cls.length);
  order.forEach((k, r) => (rank[k] = r));
  const count = new Int32Array(cls.length + 1);
  for (let i = 0; i < of.length; i++) if (of[i]! >= 0) count[rank[of[i]!]! + 1]!++;
  for (let r = 0; r < cls.length; r++) count[r + 1]! += count[r]!;
  const fill = count.slice(0, cls.length);
  const index = new Int32Array(count[cls.length]!);
  for (let i = 0; i < of.length; i++) if (of[i]! >= 0) index[fill[rank[of[i]!]!]!++] = i;
  return { classes: order.map((k) => cls[k]!), start: count, index };
}

/**
 * `count` patch start corners (i, j, k) inside a volume of `shape`, drawn with a seeded generator.
 * Uniform: every start equally likely. Label-balanced: a class, then a voxel of it, uniformly; the
 * patch is centred on that voxel (shifted inward at the volume's edges).
 */
export function randomPatches(shape: readonly number[], size: number | readonly number[], count: number, opts: RandomPatchOptions = {}): Vec3[] {
  const p = size3(size, 'randomPatches');
  const s = checkShape(shape, p, 'randomPatches');
  if (!Number.isInteger(count) || count < 0) throw new ArgumentError(`randomPatches: count ${count} must be a non-negative integer`);
  const g = new Generator(opts.seed ?? 0);
  const out: Vec3[] = [];
  if ((opts.balance ?? (opts.labels ? 'label' : 'uniform')) === 'uniform') {
    for (let n = 0; n < count; n++) out.push([g.int(0, s[0] - p[0] + 1), g.int(0, s[1] - p[1] + 1), g.int(0, s[2] - p[2] + 1)]);
    return out;
  }
  const labels = opts.labels;
  if (!labels) throw new ArgumentError("randomPatches: balance 'label' needs a label map");
  if (labels.length !== s[0] * s[1] * s[2]) throw new ShapeError(`randomPatches: label map has ${labels.length} voxels, shape [${s.join(', ')}] has ${s[0] * s[1] * s[2]}`);
  const { classes, start, index } = byClass(labels, opts.classes);
  if (classes.length === 0) throw new ArgumentError(`randomPatches: none of the classes [${opts.classes?.join(', ')}] occurs in the label map`);
  for (let n = 0; n < count; n++) {
    const c = g.int(0, classes.length);
    const v = index[start[c]! + g.int(0, start[c + 1]! - start[c]!)]!;
    const centre = [v % s[0], Math.floor(v / s[0]) % s[1], Math.floor(v / (s[0] * s[1]))];
    out.push([0, 1, 2].map((a) => Math.min(s[a]! - p[a]!, Math.max(0, centre[a]! - Math.floor(p[a]! / 2)))) as Vec3);
  }
  return out;
}

/** The voxels of a patch (Fortran order inside the patch), `channels` volumes stacked one after another. */
export function extractPatch<T extends ArrayLike<number> & { constructor: unknown }>(data: T, shape: readonly number[], start: readonly number[], size: number | readonly number[], channels = 1): T {
  const p = size3(size, 'extractPatch');
  const s = checkShape(shape, p, 'extractPatch');
  const nv = s[0] * s[1] * s[2];
  if (data.length !== nv * channels) throw new ShapeError(`extractPatch: ${data.length} values for ${channels} channel(s) of shape [${s.join(', ')}]`);
  for (let a = 0; a < 3; a++) if (!Number.isInteger(start[a]) || start[a]! < 0 || start[a]! + p[a]! > s[a]!) throw new ArgumentError(`extractPatch: start [${start.join(', ')}] puts the patch outside the volume on axis ${a}`);
  const C = (data as unknown as { constructor: new (n: number) => T }).constructor;
  const out = new C(p[0] * p[1] * p[2] * channels) as unknown as { [i: number]: number };
  let o = 0;
  for (let c = 0; c < channels; c++) {
    for (let k = 0; k < p[2]; k++) {
      for (let j = 0; j < p[1]; j++) {
        const base = c * nv + start[0]! + s[0] * (start[1]! + j + s[1] * (start[2]! + k));
        for (let i = 0; i < p[0]; i++) out[o++] = data[base + i]!;
      }
    }
  }
  return out as unknown as T;
}

/** Patch starts along one axis: every `stride`, the last one flush with the end. */
function axisStarts(n: number, p: number, stride: number): number[] {
  const out: number[] = [];
  for (let x = 0; x + p < n; x += stride) out.push(x);
  out.push(n - p);
  return out;
}

/**
 * A sliding-window grid covering the whole volume: patches of `size` overlapping by `overlap`
 * voxels (stride = size - overlap), the last patch on each axis flush with the volume's end.
 */
export function gridPatches(shape: readonly number[], size: number | readonly number[], overlap: number | readonly number[] = 0): Vec3[] {
  const p = size3(size, 'gridPatches');
  const s = checkShape(shape, p, 'gridPatches');
  const ov = typeof overlap === 'number' ? [overlap, overlap, overlap] : [...overlap];
  if (ov.length !== 3 || ov.some((x, a) => !Number.isInteger(x) || x < 0 || x >= p[a]!)) throw new ArgumentError(`gridPatches: overlap ${JSON.stringify(overlap)} must be integers in 0..size-1`);
  const st = [0, 1, 2].map((a) => axisStarts(s[a]!, p[a]!, p[a]! - ov[a]!));
  const out: Vec3[] = [];
  for (const k of st[2]!) for (const j of st[1]!) for (const i of st[0]!) out.push([i, j, k]);
  return out;
}

/**
 * Puts per-voxel patch outputs (e.g. class scores) back into a volume. 'average': each voxel is the
 * mean over the patches covering it. 'crop': each voxel comes from the covering patch it lies
 * deepest in (the smallest Chebyshev distance to the patch centre, relative to the patch size; ties
 * to the earlier patch), so outputs near patch faces, where a convolution saw padding, are not used
 * when a better-centred patch exists.
 */
export class PatchAssembler {
  readonly shape: Vec3;
  readonly size: Vec3;
  private readonly sum: Float64Array;
  private readonly weight: Float64Array;

  constructor(shape: readonly number[], size: number | readonly number[], readonly channels = 1, readonly mode: 'average' | 'crop' = 'average') {
    this.size = size3(size, 'PatchAssembler');
    this.shape = checkShape(shape, this.size, 'PatchAssembler');
    if (!Number.isInteger(channels) || channels < 1) throw new ArgumentError(`PatchAssembler: channels ${channels} must be a positive integer`);
    if (mode !== 'average' && mode !== 'crop') throw new ArgumentError(`PatchAssembler: mode '${String(mode)}' is not 'average' or 'crop'`);
    const nv = this.shape[0] * this.shape[1] * this.shape[2];
    this.sum = new Float64Array(nv * channels);
    this.weight = new Float64Array(nv);
    if (mode === 'crop') this.weight.fill(Infinity); // distance of the owning patch's centre so far
  }

  /** Adds the output of the patch at `start`: channels × size³ values in Fortran order. */
  add(start: readonly number[], values: ArrayLike<number>): void {
    const [p0, p1, p2] = this.size, s = this.shape, C = this.channels;
    const np = p0 * p1 * p2, nv = s[0] * s[1] * s[2];
    if (values.length !== np * C) throw new ShapeError(`PatchAssembler.add: ${values.length} values, a patch holds ${C} × ${p0}×${p1}×${p2} = ${np * C}`);
    for (let a = 0; a < 3; a++) if (!Number.isInteger(start[a]) || start[a]! < 0 || start[a]! + this.size[a]! > s[a]!) throw new ArgumentError(`PatchAssembler.add: start [${start.join(', ')}] puts the patch outside the volume on axis ${a}`);
    const [x0, y0, z0] = start as Vec3;
    const crop = this.mode === 'crop';
    for (let k = 0; k < p2; k++) {
      const dk = Math.abs(k - (p2 - 1) / 2);
      for (let j = 0; j < p1; j++) {
        const dj = Math.abs(j - (p1 - 1) / 2);
        const base = x0 + s[0] * (y0 + j + s[1] * (z0 + k));
        for (let i = 0; i < p0; i++) {
          const v = base + i, src = i + p0 * (j + p1 * k);
          if (crop) {
            // Chebyshev distance to the patch centre, scaled per axis so that unequal sizes compare fairly
            const d = Math.max(Math.abs(i - (p0 - 1) / 2) / p0, dj / p1, dk / p2);
            if (!(d < this.weight[v]!)) continue;
            this.weight[v] = d;
            for (let c = 0; c < C; c++) this.sum[c * nv + v] = values[c * np + src]!;
          } else {
            this.weight[v]!++;
            for (let c = 0; c < C; c++) this.sum[c * nv + v]! += values[c * np + src]!;
          }
        }
      }
    }
  }

  /** The assembled volume (channels × voxels, Fortran order); ArgumentError if a voxel was never covered. */
  result(): Float64Array {
    const nv = this.weight.length;
    const out = new Float64Array(this.sum.length);
    for (let v = 0; v < nv; v++) {
      const w = this.weight[v]!;
      if (this.mode === 'average' ? w === 0 : w === Infinity) {
        throw new ArgumentError(`PatchAssembler.result: voxel ${v} (i=${v % this.shape[0]}, j=${Math.floor(v / this.shape[0]) % this.shape[1]}, k=${Math.floor(v / this.shape[0] / this.shape[1])}) is in no patch`);
      }
      for (let c = 0; c < this.channels; c++) out[c * nv + v] = this.mode === 'average' ? this.sum[c * nv + v]! / w : this.sum[c * nv + v]!;
    }
    return out;
  }
}
