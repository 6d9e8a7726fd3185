// Linear discriminant analysis, as sklearn.discriminant_analysis.LinearDiscriminantAnalysis
// (scikit-learn 1.2): solver 'svd' (the default; no shrinkage) and 'lsqr' with shrinkage null,
// 'auto' (Ledoit-Wolf on standardised features, per class, rescaled) or a fixed number in [0, 1].
// X: (N, P)  N=samples, P=features.

import { ArgumentError, ShapeError } from '../../errors.js';
import { svd } from '../../linalg/dense.js';
import { lstsqSymmetric } from '../../linalg/lstsq.js';
import { empiricalCovariance, ledoitWolfShrinkage, shrinkInPlace } from '../../linalg/covariance.js';
import { asMatrix, toRows, type Matrix, type MatrixLike } from '../../linalg/matrix.js';

export { empiricalCovariance, ledoitWolfShrinkage } from '../../linalg/covariance.js';

/** A feature matrix (N, P): a Matrix, nested arrays or a row-major buffer with its shape. */
export type FeatureMatrix = MatrixLike;

export interface LDAOptions {
  solver?: 'svd' | 'lsqr';
  /** lsqr only: null (empirical covariance), 'auto' (Ledoit-Wolf) or a number in [0, 1]. */
  shrinkage?: 'auto' | number | null;
  /** Class priors (default: class proportions in y). */
  priors?: readonly number[] | null;
  /** svd only: singular values below tol are treated as zero (rank estimation). */
  tol?: number;
}

export class LDA {
  readonly solver: 'svd' | 'lsqr';
  readonly shrinkage: 'auto' | number | null;
  readonly priorsOpt: readonly number[] | null;
  readonly tol: number;
  classes: number[] = [];
  priors: number[] = [];
  /** (K, P) class means. */
  means: number[][] = [];
  /** (1, P) for two classes, else (K, P), as sklearn's coef_. */
  coef: number[][] = [];
  intercept: number[] = [];
  /** lsqr: the (P, P) within-class covariance estimate (sklearn's covariance_). */
  covariance: number[][] | null = null;

  constructor(opts: LDAOptions = {}) {
    this.solver = opts.solver ?? 'svd';
    if (this.solver !== 'svd' && this.solver !== 'lsqr') throw new ArgumentError(`LDA: solver must be 'svd' or 'lsqr', got '${String(this.solver)}'`);
    this.shrinkage = opts.shrinkage ?? null;
    if (this.solver === 'svd' && this.shrinkage !== null) throw new ArgumentError(`LDA: shrinkage is not supported with the 'svd' solver; use solver 'lsqr'`);
    if (typeof this.shrinkage === 'number' && !(this.shrinkage >= 0 && this.shrinkage <= 1)) throw new ArgumentError(`LDA: shrinkage must be in [0, 1], got ${this.shrinkage}`);
    if (this.shrinkage !== null && typeof this.shrinkage !== 'number' && this.shrinkage !== 'auto') throw new ArgumentError(`LDA: shrinkage must be null, 'auto' or a number, got '${String(this.shrinkage)}'`);
    this.priorsOpt = opts.priors ?? null;
    this.tol = opts.tol ?? 1e-4;
  }

  fit(X: FeatureMatrix, y: ArrayLike<number>): this {
    const { data, rows: n, cols: p } = asMatrix(X, 'LDA.fit');
    if (y.length !== n) throw new ShapeError(`LDA.fit: X has ${n} samples but y has ${y.length} labels`);
    const classes = [...new Set(Array.from(y))].sort((a, b) => a - b);
    const K = classes.length;
    if (K < 2) throw new ArgumentError(`LDA.fit: needs at least 2 classes, got ${K}`);
    if (n === K) throw new ArgumentError(`LDA.fit: the number of samples (${n}) must be more than the number of classes`);
    this.classes = classes;
    const groups = classes.map((c) => { const g: number[] = []; for (let i = 0; i < n; i++) if (y[i] === c) g.push(i); return g; });
    let priors = this.priorsOpt ? [...this.priorsOpt] : groups.map((g) => g.length / n);
    if (priors.length !== K) throw new ArgumentError(`LDA.fit: ${priors.length} priors for ${K} classes`);
    if (priors.some((q) => q < 0)) throw new ArgumentError(`LDA.fit: priors must be non-negative, got [${priors.join(', ')}]`);
    const psum = priors.reduce((a, b) => a + b, 0);
    if (Math.abs(psum - 1) > 1e-5) priors = priors.map((q) => q / psum);
    this.priors = priors;
    const means = groups.map((g) => {
      const m = new Float64Array(p);
      for (const i of g) for (let j = 0; j < p; j++) m[j] += data[i * p + j]!;
      for (let j = 0; j < p; j++) m[j] /= g.length;
      return m;
    });
    this.means = means.map((m) => Array.from(m));

    let coef: Float64Array[]; // K rows of P
    let intercept: number[];
    if (this.solver === 'lsqr') {
      const cov: Matrix = { data: new Float64Array(p * p), rows: p, cols: p };
      groups.forEach((g, k) => {
        const Xg = new Float64Array(g.length * p);
        g.forEach((i, r) => Xg.set(data.subarray(i * p, i * p + p), r * p));
        const ck = classCov({ data: Xg, rows: g.length, cols: p }, this.shrinkage).data;
        for (let i = 0; i < p * p; i++) cov.data[i] += priors[k]! * ck[i]!;
      });
      this.covariance = toRows(cov);
      // coef = lstsq(cov, meansᵀ)ᵀ
      const Mt = new Float64Array(p * K);
      for (let k = 0; k < K; k++) for (let j = 0; j < p; j++) Mt[j * K + k] = means[k]![j]!;
      const W = lstsqSymmetric(cov, { data: Mt, rows: p, cols: K }).data;
      coef = Array.from({ length: K }, (_, k) => Float64Array.from({ length: p }, (_, j) => W[j * K + k]!));
      intercept = coef.map((c, k) => -0.5 * dot(means[k]!, c) + Math.log(priors[k]!));
    } else {
      ({ coef, intercept } = this.solveSvd(data, n, p, groups, means, priors));
    }
    if (K === 2) {
      this.coef = [Array.from(coef[1]!, (v, j) => v - coef[0]![j]!)];
      this.intercept = [intercept[1]! - intercept[0]!];
    } else {
      this.coef = coef.map((c) => Array.from(c));
      this.intercept = intercept;
    }
    return this;
  }

  private solveSvd(data: Float64Array, n: number, p: number, groups: number[][], means: Float64Array[], priors: number[]): { coef: Float64Array[]; intercept: number[] } {
    const K = groups.length;
    const xbar = new Float64Array(p);
    means.forEach((m, k) => { for (let j = 0; j < p; j++) xbar[j] += priors[k]! * m[j]!; });
    // within-class centred data, rows in class order (as sklearn's concatenation)
    const Xc = new Float64Array(n * p);
    let r = 0;
    groups.forEach((g, k) => {
      for (const i of g) {
        for (let j = 0; j < p; j++) Xc[r * p + j] = data[i * p + j]! - means[k]![j]!;
        r++;
      }
    });
    const std = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += Xc[i * p + j]!;
      m /= n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (Xc[i * p + j]! - m) ** 2;
      const s = Math.sqrt(v / n);
      std[j] = s === 0 ? 1 : s;
    }
    const f1 = Math.sqrt(1 / (n - K));
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) Xc[i * p + j] = (f1 * Xc[i * p + j]!) / std[j]!;
    const s1 = svdParts({ data: Xc, rows: n, cols: p });
    const k1 = s1.S.length;
    let rank = 0;
    for (let i = 0; i < k1; i++) if (s1.S[i]! > this.tol) rank++;
    // scalings (P, rank) = (Vt[:rank] / std)ᵀ / S[:rank]
    const scal = new Float64Array(p * rank);
    for (let j = 0; j < p; j++) for (let q = 0; q < rank; q++) scal[j * rank + q] = s1.Vt[q * p + j]! / std[j]! / s1.S[q]!;
    const fac = 1 / (K - 1);
    // between-class: X2 (K, rank) = sqrt(n·prior·fac)·(mean_k − xbar) @ scalings
    const X2 = new Float64Array(K * rank);
    for (let k = 0; k < K; k++) {
      const w = Math.sqrt(n * priors[k]! * fac);
      for (let q = 0; q < rank; q++) {
        let s = 0;
        for (let j = 0; j < p; j++) s += w * (means[k]![j]! - xbar[j]!) * scal[j * rank + q]!;
        X2[k * rank + q] = s;
      }
    }
    const s2 = svdParts({ data: X2, rows: K, cols: rank });
    const k2 = s2.S.length;
    let rank2 = 0;
    for (let i = 0; i < k2; i++) if (s2.S[i]! > this.tol * s2.S[0]!) rank2++;
    // scalings_ (P, rank2) = scalings @ Vt2ᵀ[:, :rank2]
    const sc2 = new Float64Array(p * rank2);
    for (let j = 0; j < p; j++) for (let c = 0; c < rank2; c++) {
      let s = 0;
      for (let q = 0; q < rank; q++) s += scal[j * rank + q]! * s2.Vt[c * rank + q]!;
      sc2[j * rank2 + c] = s;
    }
    const coef: Float64Array[] = [];
    const intercept: number[] = [];
    for (let k = 0; k < K; k++) {
      const z = new Float64Array(rank2);
      for (let c = 0; c < rank2; c++) {
        let s = 0;
        for (let j = 0; j < p; j++) s += (means[k]![j]! - xbar[j]!) * sc2[j * rank2 + c]!;
        z[c] = s;
      }
      let ic = Math.log(priors[k]!);
      for (let c = 0; c < rank2; c++) ic -= 0.5 * z[c]! ** 2;
      const w = new Float64Array(p);
      for (let j = 0; j < p; j++) {
        let s = 0;
        for (let c = 0; c < rank2; c++) s += z[c]! * sc2[j * rank2 + c]!;
        w[j] = s;
      }
      ic -= dot(xbar, w);
      coef.push(w);
      intercept.push(ic);
    }
    return { coef, intercept };
  }

  /** (N,) for two classes (positive → classes[1]), else (N, K). */
  decisionFunction(X: FeatureMatrix): number[] | number[][] {
    const s = this.scores(X);
    return this.classes.length === 2 ? s.map((r) => r[0]!) : s;
  }

  predict(X: FeatureMatrix): number[] {
    const s = this.scores(X);
    if (this.classes.length === 2) return s.map((r) => this.classes[r[0]! > 0 ? 1 : 0]!);
    return s.map((r) => {
      let best = 0;
      for (let k = 1; k < r.length; k++) if (r[k]! > r[best]!) best = k;
      return this.classes[best]!;
    });
  }

  /** (N, K) class probabilities: logistic of the decision for two classes, else softmax. */
  predictProba(X: FeatureMatrix): number[][] {
    const s = this.scores(X);
    if (this.classes.length === 2) {
      return s.map((r) => {
        const d = r[0]!;
        const q = d >= 0 ? 1 / (1 + Math.exp(-d)) : Math.exp(d) / (1 + Math.exp(d));
        return [1 - q, q];
      });
    }
    return s.map((r) => {
      const m = Math.max(...r);
      const e = r.map((v) => Math.exp(v - m));
      const z = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / z);
    });
  }

  /** Mean accuracy on (X, y). */
  score(X: FeatureMatrix, y: ArrayLike<number>): number {
    const pr = this.predict(X);
    if (pr.length !== y.length) throw new ShapeError(`LDA.score: ${pr.length} samples but ${y.length} labels`);
    let ok = 0;
    for (let i = 0; i < pr.length; i++) if (pr[i] === y[i]) ok++;
    return ok / pr.length;
  }

  private scores(X: FeatureMatrix): number[][] {
    if (!this.coef.length) throw new ArgumentError('LDA: not fitted; call fit first');
    const { data, rows: n, cols: p } = asMatrix(X, 'LDA');
    const P = this.coef[0]!.length;
    if (p !== P) throw new ShapeError(`LDA: fitted on ${P} features, X has ${p}`);
    const out: number[][] = [];
    for (let i = 0; i < n; i++) {
      const row = data.subarray(i * p, i * p + p);
      out.push(this.coef.map((c, k) => dot(row, c) + this.intercept[k]!));
    }
    return out;
  }
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Per-class covariance as sklearn's discriminant_analysis._cov. */
function classCov(XM: Matrix, shrinkage: 'auto' | number | null): Matrix {
  const { data: X, rows: n, cols: p } = XM;
  if (shrinkage === 'auto') {
    // StandardScaler (population std, constant features → scale 1), Ledoit-Wolf, rescale
    const mean = new Float64Array(p);
    const sc = new Float64Array(p);
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) mean[j] += X[i * p + j]!;
    for (let j = 0; j < p; j++) mean[j] /= n;
    const eps = Number.EPSILON;
    for (let j = 0; j < p; j++) {
      let v = 0;
      for (let i = 0; i < n; i++) v += (X[i * p + j]! - mean[j]!) ** 2;
      v /= n;
      const upper = n * eps * v + (n * mean[j]! * eps) ** 2;
      sc[j] = v <= upper ? 1 : Math.sqrt(v);
    }
    const Z = new Float64Array(n * p);
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) Z[i * p + j] = (X[i * p + j]! - mean[j]!) / sc[j]!;
    const ZM: Matrix = { data: Z, rows: n, cols: p };
    const emp = empiricalCovariance(ZM);
    shrinkInPlace(emp, ledoitWolfShrinkage(ZM));
    const e = emp.data;
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) e[i * p + j] *= sc[i]! * sc[j]!;
    return emp;
  }
  const emp = empiricalCovariance(XM);
  if (typeof shrinkage === 'number' && shrinkage > 0) shrinkInPlace(emp, shrinkage);
  return emp;
}

/** The SVD's factors as plain buffers: U (m, k), S (k), Vt (k, n). */
function svdParts(A: Matrix): { U: Float64Array; S: Float64Array; Vt: Float64Array } {
  const r = svd(A);
  return { U: r.U.data, S: r.S, Vt: r.Vt.data };
}
