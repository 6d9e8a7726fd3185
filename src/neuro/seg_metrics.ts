// Segmentation overlap and surface-distance metrics for 3-D label maps: Dice per label and the
// 95th-percentile Hausdorff distance in mm.
//
// Hausdorff-95 follows MedPy's `hd95` (medpy.metric.binary): each mask's surface is the mask minus
// its erosion by the 6-connected cross (scipy binary_erosion, outside the volume counts as
// background, so a mask touching the edge has its surface there); the directed distances are, for
// every surface voxel of one mask, the Euclidean distance (voxel spacing applied) to the nearest
// surface voxel of the other, from scipy's distance_transform_edt; HD95 is the 95th percentile
// (numpy's linear interpolation) of both directed sets pooled. `pooling: 'max'` gives MONAI's
// `compute_hausdorff_distance(percentile=95)` instead: the larger of the two directed 95th
// percentiles (MONAI's edges come from the same erosion).
//
// Empty masks: Dice of a label absent from both maps is NaN (no evidence either way; means skip
// it), and 0 when it is in one only. HD95 is undefined when either mask is empty: MedPy raises,
// and so does this (ArgumentError), unless `empty: 'nan'` asks for NaN (or 'inf').
//
// Distances are exact: a surface voxel's partner is first looked for among the offsets within 12
// voxels, in order of their length in mm (the first hit is the nearest); voxels with none there get
// Felzenszwalb & Huttenlocher's separable squared-distance transform, run on the box that holds them
// and the other surface (the nearest surface voxel always lies inside it).

import { ArgumentError, ShapeError } from '../errors.js';

export type LabelData = ArrayLike<number>;

export interface SurfaceOptions {
  /** Voxel size in mm along i, j, k (default [1, 1, 1]). */
  spacing?: readonly [number, number, number];
  /** 'pooled' (MedPy hd95, default) or 'max' (MONAI). */
  pooling?: 'pooled' | 'max';
  /** When a mask is empty: 'error' (default, as MedPy), 'nan' or 'inf'. */
  empty?: 'error' | 'nan' | 'inf';
  /** Percentile (default 95; 100 is the Hausdorff distance). */
  percentile?: number;
}

function checkPair(a: LabelData, b: LabelData, shape: readonly number[], op: string): number {
  if (shape.length !== 3 || shape.some((s) => !Number.isInteger(s) || s < 1)) throw new ShapeError(`${op}: shape [${shape}] must be 3 positive integers`);
  const n = shape[0]! * shape[1]! * shape[2]!;
  if (a.length !== n || b.length !== n) throw new ShapeError(`${op}: ${a.length} and ${b.length} voxels for shape [${shape.join(', ')}] (${n})`);
  return n;
}

/**
 * Dice per label: 2|A∩B| / (|A| + |B|) for each label in `labels` (default: every non-zero value in
 * either map). NaN for a label in neither map.
 */
export function dicePerLabel(pred: LabelData, truth: LabelData, shape: readonly number[], labels?: readonly number[]): Map<number, number> {
  const n = checkPair(pred, truth, shape, 'dicePerLabel');
  // counts per label in slots found through a Map; label maps come in runs, so the last slot is cached
  const slot = new Map<number, number>();
  const sa: number[] = [], sb: number[] = [], si: number[] = [];
  const find = (l: number): number => {
    let k = slot.get(l);
    if (k === undefined) {
      slot.set(l, (k = sa.length));
      sa.push(0); sb.push(0); si.push(0);
    }
    return k;
  };
  let lp = NaN, kp = -1, lt = NaN, kt = -1;
  for (let i = 0; i < n; i++) {
    const p = pred[i]!, t = truth[i]!;
    if (p !== lp) { lp = p; kp = find(p); }
    if (t !== lt) { lt = t; kt = find(t); }
    sa[kp]!++;
    sb[kt]!++;
    if (p === t) si[kp]!++;
  }
  const count = (arr: number[], l: number) => { const k = slot.get(l); return k === undefined ? 0 : arr[k]!; };
  const want = labels ?? [...slot.keys()].filter((l) => l !== 0 && count(sa, l) + count(sb, l) > 0).sort((x, y) => x - y);
  const out = new Map<number, number>();
  for (const l of want) {
    const d = count(sa, l) + count(sb, l);
    out.set(l, d === 0 ? NaN : (2 * count(si, l)) / d);
  }
  return out;
}

/** The mean of the finite values (labels absent from both maps are skipped). */
export function meanDice(d: Map<number, number>): number {
  let s = 0, k = 0;
  for (const v of d.values()) if (Number.isFinite(v)) { s += v; k++; }
  return k ? s / k : NaN;
}

/** 1-D squared-distance transform of f (0 at features, Infinity elsewhere) with sample spacing w:
 *  the lower envelope of the parabolas rooted at the finite samples (Felzenszwalb & Huttenlocher). */
function dt1(f: Float64Array, n: number, w: number, out: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = -1;
  const w2 = w * w;
  for (let q = 0; q < n; q++) {
    const fq = f[q]!;
    if (fq === Infinity) continue;
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = -Infinity;
      z[1] = Infinity;
      continue;
    }
    let s = 0;
    for (;;) {
      const p = v[k]!;
      s = ((fq + q * q * w2) - (f[p]! + p * p * w2)) / (2 * w2 * (q - p));
      if (s > z[k]!) break;
      k--; // z[0] = -Infinity stops this at k = 0
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  if (k < 0) {
    out.fill(Infinity, 0, n);
    return;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1]! < q) k++;
    const p = v[k]!;
    out[q] = (q - p) * (q - p) * w2 + f[p]!;
  }
}

/** Squared Euclidean distance to the nearest feature voxel, in a box of shape s (Fortran order). */
function edt2(feat: Uint8Array, s: readonly [number, number, number], w: readonly [number, number, number]): Float64Array {
  const [nx, ny, nz] = s;
  const d = new Float64Array(nx * ny * nz);
  // along i: the nearest feature in the row, by a forward and a backward sweep
  const w0 = w[0] * w[0];
  for (let r = 0; r < ny * nz; r++) {
    const b = r * nx;
    let last = -1;
    for (let i = 0; i < nx; i++) {
      if (feat[b + i]) last = i;
      d[b + i] = last < 0 ? Infinity : (i - last) * (i - last) * w0;
    }
    last = -1;
    for (let i = nx - 1; i >= 0; i--) {
      if (feat[b + i]) last = i;
      else if (last >= 0) {
        const v = (last - i) * (last - i) * w0;
        if (v < d[b + i]!) d[b + i] = v;
      }
    }
  }
  const m = Math.max(ny, nz);
  const f = new Float64Array(m), o = new Float64Array(m), v = new Int32Array(m), z = new Float64Array(m + 1);
  const pass = (len: number, stride: number, base: number, wi: number) => {
    let any = false;
    for (let q = 0, p = base; q < len; q++, p += stride) {
      const x = d[p]!;
      f[q] = x;
      if (x !== Infinity) any = true;
    }
    if (!any) return;
    dt1(f, len, wi, o, v, z);
    for (let q = 0, p = base; q < len; q++, p += stride) d[p] = o[q]!;
  };
  for (let k = 0; k < nz; k++) for (let i = 0; i < nx; i++) pass(ny, nx, i + nx * ny * k, w[1]);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) pass(nz, nx * ny, i + nx * j, w[2]);
  return d;
}

/** The k-th smallest of v[lo..hi] (Hoare's selection, in place). */
function select(v: Float64Array, k: number): number {
  let lo = 0, hi = v.length - 1;
  while (hi > lo) {
    const pivot = v[(lo + hi) >> 1]!;
    let i = lo, j = hi;
    while (i <= j) {
      while (v[i]! < pivot) i++;
      while (v[j]! > pivot) j--;
      if (i <= j) {
        const t = v[i]!;
        v[i] = v[j]!;
        v[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return v[k]!;
  }
  return v[k]!;
}

/** numpy.percentile (linear interpolation between the order statistics around (n-1)·q/100). */
export function percentile(values: Float64Array, q: number): number {
  if (values.length === 0) throw new ArgumentError('percentile: no values');
  if (!(q >= 0 && q <= 100)) throw new ArgumentError(`percentile: q must be in [0, 100], got ${q}`);
  const v = Float64Array.from(values);
  const pos = ((v.length - 1) * q) / 100;
  const lo = Math.floor(pos);
  const a = select(v, lo);
  if (pos === lo) return a;
  // the next order statistic is the smallest value above index lo after the selection
  let b = Infinity;
  for (let i = lo + 1; i < v.length; i++) if (v[i]! < b) b = v[i]!;
  return a + (b - a) * (pos - lo);
}

/** Surface voxels (the mask minus its 6-connected erosion, outside = background) of every label
 *  in one pass, as flat indices; `only` restricts to one label. */
function surfaces(lab: LabelData, s: readonly number[], only?: number): Map<number, Int32Array> {
  const [nx, ny, nz] = s as [number, number, number];
  const lists = new Map<number, number[]>();
  const sxy = nx * ny;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const row = nx * (j + ny * k);
      const edgeRow = j === 0 || j === ny - 1 || k === 0 || k === nz - 1;
      for (let i = 0; i < nx; i++) {
        const o = row + i;
        const l = lab[o]!;
        if (l === 0 || (only !== undefined && l !== only)) continue;
        const inner = !edgeRow && i > 0 && i < nx - 1 &&
          lab[o - 1] === l && lab[o + 1] === l && lab[o - nx] === l && lab[o + nx] === l && lab[o - sxy] === l && lab[o + sxy] === l;
        if (inner) continue;
        let list = lists.get(l);
        if (!list) lists.set(l, (list = []));
        list.push(o);
      }
    }
  }
  return new Map([...lists].map(([l, v]) => [l, Int32Array.from(v)]));
}

/** Offsets within `r` voxels on each axis, sorted by their length in mm, cut at the largest ball
 *  they cover whole (radius r · min spacing): a search through them in order finds the nearest. */
interface Ball { di: Int32Array; dj: Int32Array; dk: Int32Array; dist: Float64Array; r: number }
function ball(w: readonly [number, number, number], r: number): Ball {
  const R = r * Math.min(...w);
  const list: [number, number, number, number][] = [];
  for (let k = -r; k <= r; k++) for (let j = -r; j <= r; j++) for (let i = -r; i <= r; i++) {
    const d = Math.sqrt((i * w[0]) ** 2 + (j * w[1]) ** 2 + (k * w[2]) ** 2);
    if (d <= R) list.push([d, i, j, k]);
  }
  list.sort((x, y) => x[0] - y[0]);
  return { dist: Float64Array.from(list, (x) => x[0]), di: Int32Array.from(list, (x) => x[1]), dj: Int32Array.from(list, (x) => x[2]), dk: Int32Array.from(list, (x) => x[3]), r };
}

/**
 * Distances (mm) from each voxel of `from` to the nearest voxel of `to` (flat indices in shape s).
 * Most surface voxels have a partner within a few voxels: those are found by walking `near` (a
 * sorted ball); the rest get an exact distance transform over the box holding them and `to`.
 * `mark` is a zeroed scratch mask of the whole volume, left zeroed.
 */
function directed(from: Int32Array, to: Int32Array, s: readonly [number, number, number], w: readonly [number, number, number], near: Ball, mark: Uint8Array): Float64Array {
  const [nx, ny, nz] = s;
  const out = new Float64Array(from.length);
  for (const o of to) mark[o] = 1;
  const pending: number[] = [];
  const { di, dj, dk, dist, r } = near;
  const nb = dist.length;
  for (let q = 0; q < from.length; q++) {
    const o = from[q]!;
    const i = o % nx, j = Math.floor(o / nx) % ny, k = Math.floor(o / (nx * ny));
    const inside = i >= r && i < nx - r && j >= r && j < ny - r && k >= r && k < nz - r;
    let t = 0;
    for (; t < nb; t++) {
      const ii = i + di[t]!, jj = j + dj[t]!, kk = k + dk[t]!;
      if (!inside && (ii < 0 || ii >= nx || jj < 0 || jj >= ny || kk < 0 || kk >= nz)) continue;
      if (mark[ii + nx * (jj + ny * kk)]) break;
    }
    if (t < nb) out[q] = dist[t]!;
    else pending.push(q);
  }
  for (const o of to) mark[o] = 0;
  if (pending.length === 0) return out;
  // exact distance transform for the rest, over the box holding them and every `to` voxel
  const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
  const coord = (o: number) => [o % nx, Math.floor(o / nx) % ny, Math.floor(o / (nx * ny))];
  const grow = (o: number) => {
    const c = coord(o);
    for (let a = 0; a < 3; a++) { lo[a] = Math.min(lo[a]!, c[a]!); hi[a] = Math.max(hi[a]!, c[a]!); }
  };
  for (const q of pending) grow(from[q]!);
  for (const o of to) grow(o);
  const bs: [number, number, number] = [hi[0]! - lo[0]! + 1, hi[1]! - lo[1]! + 1, hi[2]! - lo[2]! + 1];
  const local = (o: number) => {
    const c = coord(o);
    return (c[0]! - lo[0]!) + bs[0] * ((c[1]! - lo[1]!) + bs[1] * (c[2]! - lo[2]!));
  };
  const feat = new Uint8Array(bs[0] * bs[1] * bs[2]);
  for (const o of to) feat[local(o)] = 1;
  const d2 = edt2(feat, bs, w);
  for (const q of pending) out[q] = Math.sqrt(d2[local(from[q]!)]!);
  return out;
}

function checkOpts(opts: SurfaceOptions): { w: readonly [number, number, number]; q: number } {
  const w = opts.spacing ?? [1, 1, 1];
  if (w.length !== 3 || w.some((x) => !(x > 0) || !Number.isFinite(x))) throw new ArgumentError(`hausdorff95: spacing [${w}] must be 3 positive numbers`);
  const q = opts.percentile ?? 95;
  if (!(q >= 0 && q <= 100)) throw new ArgumentError(`hausdorff95: percentile ${q} must be in 0..100`);
  return { w, q };
}

/** Search radius (voxels) before falling back to a distance transform: a walk through the sorted
 *  ball stops at its first hit, so a wide ball costs little except for voxels with no partner near. */
const NEAR = 12;
const balls = new Map<string, Ball>();

function hdFromSurfaces(a: Int32Array | undefined, b: Int32Array | undefined, s: readonly [number, number, number], label: number, opts: SurfaceOptions, mark: Uint8Array): number {
  const { w, q } = checkOpts(opts);
  if (!a || !b) {
    const e = opts.empty ?? 'error';
    if (e === 'nan') return NaN;
    if (e === 'inf') return Infinity;
    throw new ArgumentError(`hausdorff95: label ${label} is empty in the ${!a ? (!b ? 'prediction and the truth' : 'prediction') : 'truth'} (the distance is undefined; pass empty: 'nan' or 'inf' to get a value)`);
  }
  const key = w.join(',');
  let near = balls.get(key);
  if (!near) {
    if (balls.size > 16) balls.clear();
    balls.set(key, (near = ball(w, NEAR)));
  }
  const ab = directed(a, b, s, w, near, mark), ba = directed(b, a, s, w, near, mark);
  if ((opts.pooling ?? 'pooled') === 'max') return Math.max(percentile(ab, q), percentile(ba, q));
  const all = new Float64Array(ab.length + ba.length);
  all.set(ab);
  all.set(ba, ab.length);
  return percentile(all, q);
}

/**
 * Hausdorff-95 (mm) between label `label` (non-zero) of `pred` and of `truth` (see the file header
 * for the definition and the empty-mask convention).
 */
export function hausdorff95(pred: LabelData, truth: LabelData, shape: readonly number[], label: number, opts: SurfaceOptions = {}): number {
  checkPair(pred, truth, shape, 'hausdorff95');
  checkOpts(opts);
  if (label === 0) throw new ArgumentError('hausdorff95: label 0 is the background');
  const s = shape as [number, number, number];
  return hdFromSurfaces(surfaces(pred, s, label).get(label), surfaces(truth, s, label).get(label), s, label, opts, new Uint8Array(s[0] * s[1] * s[2]));
}

/** Dice and HD95 for every label (default: non-zero labels present in either map); HD95 NaN where a mask is empty unless `empty` says otherwise. */
export function segmentationMetrics(pred: LabelData, truth: LabelData, shape: readonly number[], opts: SurfaceOptions & { labels?: readonly number[] } = {}): { label: number; dice: number; hd95: number }[] {
  const dice = dicePerLabel(pred, truth, shape, opts.labels);
  checkOpts(opts);
  const s = shape as [number, number, number];
  const sa = surfaces(pred, s), sb = surfaces(truth, s);
  const mark = new Uint8Array(s[0] * s[1] * s[2]);
  return [...dice].map(([label, d]) => ({ label, dice: d, hd95: hdFromSurfaces(sa.get(label), sb.get(label), s, label, { ...opts, empty: opts.empty ?? 'nan' }, mark) }));
}
