// Common Spatial Patterns, as mne.decoding.CSP (MNE 1.3) with its defaults: n_components=4,
// reg=None, log=None (→ log-power features), cov_est='concat', transform_into='average_power',
// norm_trace=False, component_order='mutual_info'.
// X: (E, C, T)  E=epochs, C=channels, T=samples.
//
// Two classes: the generalized eigenproblem C₁ w = λ (C₁ + C₂) w (scipy.linalg.eigh(a, b)),
// components ordered by decreasing |λ − 0.5|. More classes: Pham's approximate joint
// diagonalisation of the class covariances, filters normalised by the weighted mean covariance,
// components ordered by decreasing mutual information (Grosse-Wentrup & Buss 2008), as MNE.
// Filters' signs and, for the multi-class case, nothing else is arbitrary: features (average
// log-power) are sign-invariant.

import { ArgumentError, ShapeError } from '../../errors.js';
import { Tensor } from '../../tensor/tensor.js';
import { eighGeneralized, inv, matmul, transpose } from '../../linalg/dense.js';
import { addScatter, shrinkInPlace } from '../../linalg/covariance.js';
import { toRows, zeros, type Matrix } from '../../linalg/matrix.js';

/** Epoch data (E, C, T): nested arrays, a Tensor, or any {data, shape} such as neuro's Epochs. */
export type EpochData = readonly (readonly (readonly number[])[])[] | Tensor | { readonly data: ArrayLike<number>; readonly shape: readonly number[] };

/** Flatten epoch data to a row-major Float64Array with its (E, C, T) shape. */
export function asEpochArray(x: EpochData, op = 'CSP'): { data: Float64Array; shape: [number, number, number] } {
  if (x instanceof Tensor) {
    if (x.ndim !== 3) throw new ShapeError(`${op}: X must be (epochs, channels, times), got shape (${x.shape.join(', ')})`);
    return { data: Float64Array.from(x.dataSync()), shape: [x.shape[0]!, x.shape[1]!, x.shape[2]!] };
  }
  if (Array.isArray(x)) {
    const arr = x as readonly (readonly (readonly number[])[])[];
    const E = arr.length;
    const C = E ? arr[0]!.length : 0;
    const T = C ? arr[0]![0]!.length : 0;
    const data = new Float64Array(E * C * T);
    arr.forEach((ep, e) => {
      if (ep.length !== C) throw new ShapeError(`${op}: epoch ${e} has ${ep.length} channels, expected ${C}`);
      ep.forEach((ch, c) => {
        if (ch.length !== T) throw new ShapeError(`${op}: epoch ${e} channel ${c} has ${ch.length} samples, expected ${T}`);
        data.set(ch, (e * C + c) * T);
      });
    });
    return { data, shape: [E, C, T] };
  }
  const { data, shape } = x as { data: ArrayLike<number>; shape: readonly number[] };
  if (shape.length !== 3) throw new ShapeError(`${op}: X must be (epochs, channels, times), got shape (${shape.join(', ')})`);
  const [E, C, T] = shape as [number, number, number];
  if (data.length !== E * C * T) throw new ShapeError(`${op}: data has ${data.length} values, shape (${E}, ${C}, ${T}) needs ${E * C * T}`);
  return { data: data instanceof Float64Array ? data : Float64Array.from(data), shape: [E, C, T] };
}

export interface CSPOptions {
  /** Number of components kept by transform (default 4). */
  nComponents?: number;
  /** null: empirical covariance; a number in [0, 1]: shrinkage towards trace/C · I. */
  reg?: number | null;
  /** Log of the average power (default, null → true) or z-scored power (false). */
  log?: boolean | null;
  /** 'concat' (covariance of the concatenated epochs) or 'epoch' (mean of per-epoch covariances). */
  covEst?: 'concat' | 'epoch';
  /** 'average_power' → (E, nComponents) features; 'csp_space' → (E, nComponents, T) sources. */
  transformInto?: 'average_power' | 'csp_space';
  /** Divide each class covariance by its trace. */
  normTrace?: boolean;
  /** 'mutual_info' (default) or 'alternate' (two classes: largest λ, smallest, 2nd largest, ...). */
  componentOrder?: 'mutual_info' | 'alternate';
}

export class CSP {
  readonly nComponents: number;
  readonly reg: number | null;
  readonly log: boolean | null;
  readonly covEst: 'concat' | 'epoch';
  readonly transformInto: 'average_power' | 'csp_space';
  readonly normTrace: boolean;
  readonly componentOrder: 'mutual_info' | 'alternate';
  /** (C, C): row k is spatial filter k, in MNE's component order (filters_). */
  filters: number[][] | null = null;
  /** (C, C): row k is the pattern of component k (MNE's patterns_ = pinv(filtersᵀ)). */
  patterns: number[][] | null = null;
  /** Two classes: the generalized eigenvalue of each component, in component order. */
  eigenvalues: number[] | null = null;
  /** Mean and std (over training epochs) of each kept component's average power. */
  mean: number[] | null = null;
  std: number[] | null = null;
  classes: number[] = [];

  constructor(opts: CSPOptions = {}) {
    const n = opts.nComponents ?? 4;
    if (!Number.isInteger(n) || n < 1) throw new ArgumentError(`CSP: nComponents must be a positive integer, got ${n}`);
    this.nComponents = n;
    this.reg = opts.reg ?? null;
    if (this.reg !== null && !(this.reg >= 0 && this.reg <= 1)) throw new ArgumentError(`CSP: reg must be null or in [0, 1], got ${this.reg}`);
    this.covEst = opts.covEst ?? 'concat';
    if (this.covEst !== 'concat' && this.covEst !== 'epoch') throw new ArgumentError(`CSP: unknown covEst '${String(this.covEst)}'`);
    this.transformInto = opts.transformInto ?? 'average_power';
    if (this.transformInto !== 'average_power' && this.transformInto !== 'csp_space') throw new ArgumentError(`CSP: unknown transformInto '${String(this.transformInto)}'`);
    this.log = opts.log ?? null;
    if (this.transformInto === 'csp_space' && this.log !== null) throw new ArgumentError(`CSP: log must be null when transformInto is 'csp_space'`);
    this.normTrace = opts.normTrace ?? false;
    this.componentOrder = opts.componentOrder ?? 'mutual_info';
    if (this.componentOrder !== 'mutual_info' && this.componentOrder !== 'alternate') throw new ArgumentError(`CSP: unknown componentOrder '${String(this.componentOrder)}'`);
  }

  fit(X: EpochData, y: ArrayLike<number>): this {
    const { data, shape } = asEpochArray(X);
    const [E, C, T] = shape;
    if (y.length !== E || E < 1) throw new ShapeError(`CSP.fit: X has ${E} epochs but y has ${y.length} labels`);
    if (this.nComponents > C) throw new ArgumentError(`CSP.fit: nComponents ${this.nComponents} exceeds the ${C} channels`);
    const classes = [...new Set(Array.from(y))].sort((a, b) => a - b);
    if (classes.length < 2) throw new ArgumentError(`CSP.fit: needs at least 2 classes, got ${classes.length}`);
    if (classes.length > 2 && this.componentOrder === 'alternate') throw new ArgumentError(`CSP.fit: componentOrder 'alternate' needs two classes, got ${classes.length}; use 'mutual_info'`);
    this.classes = classes;

    // class covariances and MNE's sample weights
    const covs: Float64Array[] = [];
    const weights: number[] = [];
    for (const k of classes) {
      const idx: number[] = [];
      for (let e = 0; e < E; e++) if (y[e] === k) idx.push(e);
      const covM = zeros(C, C);
      const cov = covM.data;
      if (this.covEst === 'concat') {
        for (const e of idx) addScatter(covM, data, e * C * T, T);
        // MNE's empirical covariance (assume_centered) with its bias 'undone': X Xᵀ / (N − 1)
        scale(cov, 1 / (idx.length * T - 1));
        this.shrink(covM);
        // MNE weighs by x_class.shape[0] after reshaping to (C, E·T): the channel count
        weights.push(C);
      } else {
        const one = zeros(C, C);
        for (const e of idx) {
          one.data.fill(0);
          addScatter(one, data, e * C * T, T);
          scale(one.data, 1 / (T - 1));
          this.shrink(one);
          for (let i = 0; i < C * C; i++) cov[i] += one.data[i]!;
        }
        scale(cov, 1 / idx.length);
        weights.push(idx.length);
      }
      if (this.normTrace) {
        let tr = 0;
        for (let i = 0; i < C; i++) tr += cov[i * C + i]!;
        scale(cov, 1 / tr);
      }
      covs.push(cov);
    }
    const sq = (d: Float64Array): Matrix => ({ data: d, rows: C, cols: C });

    let vectors: Float64Array; // (C, C), eigenvectors as columns
    let order: number[];
    let patterns: Float64Array;
    if (classes.length === 2) {
      const B = new Float64Array(C * C);
      for (let i = 0; i < C * C; i++) B[i] = covs[0]![i]! + covs[1]![i]!;
      const eg = eighGeneralized(sq(covs[0]!), sq(B));
      vectors = eg.vectors.data;
      const lam = Array.from(eg.values);
      if (this.componentOrder === 'mutual_info') {
        order = argsortDesc(lam.map((l) => Math.abs(l - 0.5)));
      } else {
        const i = Array.from({ length: C }, (_, k) => k).sort((a, b) => lam[a]! - lam[b]! || a - b);
        order = new Array<number>(C);
        const lowHalf = i.slice(0, Math.floor(C / 2));
        const highHalf = i.slice(Math.floor(C / 2)).reverse();
        for (let k = 0; k < C; k++) order[k] = k % 2 === 0 ? highHalf[k / 2]! : lowHalf[(k - 1) / 2]!;
      }
      this.eigenvalues = order.map((k) => lam[k]!);
      // Vᵀ B V = I, so (V[:, order])⁻¹ = (Vᵀ B)[order, :]
      const VtB = matmul(transpose(sq(vectors)), sq(B)).data;
      patterns = new Float64Array(C * C);
      order.forEach((src, dst) => patterns.set(VtB.subarray(src * C, src * C + C), dst * C));
    } else {
      const V = ajdPham(covs, C); // rows are the diagonalisers
      vectors = transpose(sq(V)).data;
      normaliseEigenvectors(vectors, covs, weights, C);
      const mi = mutualInfo(covs, weights, vectors, C);
      order = argsortDesc(mi);
      this.eigenvalues = null;
      const sorted = new Float64Array(C * C);
      for (let i = 0; i < C; i++) order.forEach((src, dst) => { sorted[i * C + dst] = vectors[i * C + src]!; });
      patterns = inv(sq(sorted)).data;
    }
    this.filters = order.map((k) => Array.from({ length: C }, (_, i) => vectors[i * C + k]!));
    this.patterns = toRows(sq(patterns));

    const pw = this.power(data, shape);
    const n = this.nComponents;
    this.mean = new Array<number>(n).fill(0);
    this.std = new Array<number>(n).fill(0);
    for (let k = 0; k < n; k++) {
      let m = 0;
      for (let e = 0; e < E; e++) m += pw[e * n + k]!;
      m /= E;
      let v = 0;
      for (let e = 0; e < E; e++) v += (pw[e * n + k]! - m) ** 2;
      this.mean[k] = m;
      this.std[k] = Math.sqrt(v / E);
    }
    return this;
  }

  /**
   * 'average_power': (E, nComponents) features, log of the mean squared source (or z-scored
   * power when log is false). 'csp_space': use transformSources.
   */
  transform(X: EpochData): number[][] {
    if (this.transformInto === 'csp_space') throw new ArgumentError(`CSP.transform: transformInto is 'csp_space'; call transformSources for (E, nComponents, T) sources`);
    const { data, shape } = asEpochArray(X, 'CSP.transform');
    const pw = this.power(data, shape);
    const n = this.nComponents;
    const useLog = this.log ?? true;
    const out: number[][] = [];
    for (let e = 0; e < shape[0]; e++) {
      const row = new Array<number>(n);
      for (let k = 0; k < n; k++) {
        const p = pw[e * n + k]!;
        row[k] = useLog ? Math.log(p) : (p - this.mean![k]!) / this.std![k]!;
      }
      out.push(row);
    }
    return out;
  }

  fitTransform(X: EpochData, y: ArrayLike<number>): number[][] {
    return this.fit(X, y).transform(X);
  }

  /** The first nComponents CSP sources of each epoch: (E, nComponents, T) row-major. */
  transformSources(X: EpochData): { data: Float64Array; shape: [number, number, number] } {
    const { data, shape } = asEpochArray(X, 'CSP.transformSources');
    return { data: this.sources(data, shape), shape: [shape[0], this.nComponents, shape[2]] };
  }

  private sources(data: Float64Array, shape: [number, number, number]): Float64Array {
    if (!this.filters) throw new ArgumentError('CSP: not fitted; call fit first');
    const [E, C, T] = shape;
    if (C !== this.filters.length) throw new ShapeError(`CSP: fitted on ${this.filters.length} channels, X has ${C}`);
    const n = this.nComponents;
    const W = zeros(n, C);
    for (let k = 0; k < n; k++) W.data.set(this.filters[k]!, k * C);
    const out = new Float64Array(E * n * T);
    for (let e = 0; e < E; e++) out.set(matmul(W, { data: data.subarray(e * C * T, (e + 1) * C * T), rows: C, cols: T }).data, e * n * T);
    return out;
  }

  private power(data: Float64Array, shape: [number, number, number]): Float64Array {
    const [E, , T] = shape;
    const n = this.nComponents;
    const src = this.sources(data, shape);
    const pw = new Float64Array(E * n);
    for (let r = 0; r < E * n; r++) {
      let s = 0;
      for (let t = 0; t < T; t++) s += src[r * T + t]! ** 2;
      pw[r] = s / T;
    }
    return pw;
  }

  private shrink(cov: Matrix): void {
    if (this.reg === null || this.reg === 0) return;
    shrinkInPlace(cov, this.reg);
  }
}

function scale(a: Float64Array, f: number): void {
  for (let i = 0; i < a.length; i++) a[i] *= f;
}

/** numpy's argsort(v)[::-1] with ties broken as a stable ascending sort reversed. */
function argsortDesc(v: readonly number[]): number[] {
  return Array.from({ length: v.length }, (_, i) => i).sort((a, b) => v[a]! - v[b]! || a - b).reverse();
}

/**
 * Pham's approximate joint diagonalisation of symmetric positive-definite matrices (MNE's
 * _ajd_pham, adapted from pyRiemann; eps 1e-6, at most 15 sweeps). Returns V (n×n) with
 * V Mₖ Vᵀ near-diagonal for every k.
 */
export function ajdPham(mats: readonly Float64Array[], n: number, eps = 1e-6, maxIter = 15): Float64Array {
  const K = mats.length;
  const M = mats.map((m) => Float64Array.from(m));
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  const epsilon = n * (n - 1) * eps;
  for (let it = 0; it < maxIter; it++) {
    let decr = 0;
    for (let ii = 1; ii < n; ii++) {
      for (let jj = 0; jj < ii; jj++) {
        let g12 = 0, g21 = 0, o21 = 0, o12 = 0;
        for (let k = 0; k < K; k++) {
          const c1 = M[k]![ii * n + ii]!;
          const c2 = M[k]![jj * n + jj]!;
          const a = M[k]![ii * n + jj]!;
          g12 += a / c1;
          g21 += a / c2;
          o21 += c1 / c2;
          o12 += c2 / c1;
        }
        g12 /= K; g21 /= K; o21 /= K; o12 /= K;
        const omega = Math.sqrt(o12 * o21);
        let tmp = Math.sqrt(o21 / o12);
        const tmp1 = (tmp * g12 + g21) / (omega + 1);
        const tmp2 = (tmp * g12 - g21) / Math.max(omega - 1, 1e-9);
        const h12 = tmp1 + tmp2;
        const h21 = (tmp1 - tmp2) / tmp;
        decr += (K * (g12 * h12 + g21 * h21)) / 2;
        // real data: 1 + i·0.5·Im(h12·h21) = 1, and Re(1 + sqrt(1 − h12·h21))
        const disc = 1 - h12 * h21;
        tmp = 1 + (disc > 0 ? Math.sqrt(disc) : 0);
        const t01 = -h12 / tmp;
        const t10 = -h21 / tmp;
        // Mₖ ← τ Mₖ τᵀ on rows/columns (ii, jj), τ = [[1, t01], [t10, 1]]
        for (const m of M) {
          for (let c = 0; c < n; c++) {
            const ri = m[ii * n + c]!;
            const rj = m[jj * n + c]!;
            m[ii * n + c] = ri + t01 * rj;
            m[jj * n + c] = t10 * ri + rj;
          }
          for (let r = 0; r < n; r++) {
            const ci = m[r * n + ii]!;
            const cj = m[r * n + jj]!;
            m[r * n + ii] = ci + t01 * cj;
            m[r * n + jj] = t10 * ci + cj;
          }
        }
        for (let c = 0; c < n; c++) {
          const ri = V[ii * n + c]!;
          const rj = V[jj * n + c]!;
          V[ii * n + c] = ri + t01 * rj;
          V[jj * n + c] = t10 * ri + rj;
        }
      }
    }
    if (decr < epsilon) break;
  }
  return V;
}

function quad(v: Float64Array, col: number, m: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const vi = v[i * n + col]!;
    if (vi === 0) continue;
    let r = 0;
    for (let j = 0; j < n; j++) r += m[i * n + j]! * v[j * n + col]!;
    s += vi * r;
  }
  return s;
}

function normaliseEigenvectors(vectors: Float64Array, covs: readonly Float64Array[], weights: readonly number[], n: number): void {
  const wsum = weights.reduce((a, b) => a + b, 0);
  const mean = new Float64Array(n * n);
  covs.forEach((c, k) => { for (let i = 0; i < n * n; i++) mean[i] += (weights[k]! / wsum) * c[i]!; });
  for (let col = 0; col < n; col++) {
    const s = Math.sqrt(quad(vectors, col, mean, n));
    for (let i = 0; i < n; i++) vectors[i * n + col] /= s;
  }
}

function mutualInfo(covs: readonly Float64Array[], weights: readonly number[], vectors: Float64Array, n: number): number[] {
  const wsum = weights.reduce((a, b) => a + b, 0);
  const out: number[] = [];
  for (let col = 0; col < n; col++) {
    let aa = 0;
    let bb = 0;
    covs.forEach((c, k) => {
      const p = weights[k]! / wsum;
      const t = quad(vectors, col, c, n);
      aa += p * Math.log(Math.sqrt(t));
      bb += p * (t * t - 1);
    });
    out.push(-(aa + (3 / 16) * bb * bb));
  }
  return out;
}
