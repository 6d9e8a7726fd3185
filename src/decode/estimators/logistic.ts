// Multinomial logistic regression with an L2 penalty, as sklearn's
// LogisticRegression(multi_class='multinomial', penalty='l2', C) with lbfgs: it minimises
//   Σᵢ −log softmax(W xᵢ + b)[yᵢ] + ‖W‖²_F / (2C)      (the intercepts b are not penalised).
// The objective is strictly convex in W, so any solver that converges reaches sklearn's optimum;
// here Newton's method with a backtracking line search, which for the few features of a
// classical pipeline reaches it to machine precision in a handful of steps.
// X: (N, P)  N=samples, P=features, K=classes.

import { ArgumentError } from '../../errors.js';
import { solveSPD } from '../../linalg/dense.js';
import { checkMatrix, type Matrix } from '../../linalg/matrix.js';
import { checkFeatures, checkSameRows, notFitted } from './check.js';

export interface LogisticRegressionOptions {
  /** Inverse regularisation strength (default 1, as sklearn). */
  C?: number;
  /** Stop when the gradient's max-norm falls below tol (default 1e-10). */
  tol?: number;
  maxIter?: number;
}

export class LogisticRegression {
  readonly C: number;
  readonly tol: number;
  readonly maxIter: number;
  /** Class labels, sorted. */
  classes: number[] = [];
  /** (K, P) coefficients, as sklearn's coef_. */
  coef: Matrix | null = null;
  /** (K) intercepts (defined up to a common constant). */
  intercept: Float64Array | null = null;
  iterations = 0;

  constructor(o: LogisticRegressionOptions = {}) {
    this.C = o.C ?? 1;
    this.tol = o.tol ?? 1e-10;
    this.maxIter = o.maxIter ?? 100;
    if (!(this.C > 0)) throw new ArgumentError(`LogisticRegression: C must be > 0, got ${this.C}`);
  }

  fit(X: Matrix, y: ArrayLike<number>): this {
    const op = 'LogisticRegression.fit';
    checkMatrix(X, op, 'X');
    checkSameRows(X.rows, y.length, op, 'y');
    const classes = [...new Set(Array.from(y))].sort((a, b) => a - b);
    if (classes.length < 2) throw new ArgumentError(`${op}: needs at least 2 classes, got ${classes.length}`);
    const n = X.rows, p = X.cols, K = classes.length, q = p + 1, D = K * q;
    const yi = Int32Array.from(y, (v) => classes.indexOf(v));
    // parameters θ[k*q + j]: W[k, j] for j < p, b[k] at j = p
    const theta = new Float64Array(D);
    const lam = 1 / this.C;
    const probs = new Float64Array(n * K);
    const objective = (t: Float64Array): number => {
      let f = 0;
      for (let k = 0; k < K; k++) for (let j = 0; j < p; j++) f += 0.5 * lam * t[k * q + j]! ** 2;
      for (let i = 0; i < n; i++) {
        let mx = -Infinity;
        for (let k = 0; k < K; k++) {
          let z = t[k * q + p]!;
          for (let j = 0; j < p; j++) z += t[k * q + j]! * X.data[i * p + j]!;
          probs[i * K + k] = z;
          mx = Math.max(mx, z);
        }
        let s = 0;
        for (let k = 0; k < K; k++) s += Math.exp(probs[i * K + k]! - mx);
        const lse = mx + Math.log(s);
        f += lse - probs[i * K + yi[i]!]!;
        for (let k = 0; k < K; k++) probs[i * K + k] = Math.exp(probs[i * K + k]! - lse);
      }
      return f;
    };
    let f = objective(theta);
    const g = new Float64Array(D);
    const H = new Float64Array(D * D);
    const xi = new Float64Array(q);
    let it = 0;
    for (; it < this.maxIter; it++) {
      g.fill(0);
      H.fill(0);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < p; j++) xi[j] = X.data[i * p + j]!;
        xi[p] = 1;
        for (let k = 0; k < K; k++) {
          const pk = probs[i * K + k]!;
          const r = pk - (yi[i] === k ? 1 : 0);
          for (let j = 0; j < q; j++) g[k * q + j] += r * xi[j]!;
          for (let l = 0; l < K; l++) {
            const w = pk * ((k === l ? 1 : 0) - probs[i * K + l]!);
            if (w === 0) continue;
            for (let a = 0; a < q; a++) {
              const wa = w * xi[a]!;
              const row = (k * q + a) * D + l * q;
              for (let b = 0; b < q; b++) H[row + b] += wa * xi[b]!;
            }
          }
        }
      }
      for (let k = 0; k < K; k++) for (let j = 0; j < p; j++) {
        g[k * q + j] += lam * theta[k * q + j]!;
        H[(k * q + j) * D + k * q + j] += lam;
      }
      let gmax = 0;
      for (let d = 0; d < D; d++) gmax = Math.max(gmax, Math.abs(g[d]!));
      if (gmax < this.tol) break;
      // the softmax's common-shift direction (all intercepts alike) is flat: a tiny ridge keeps
      // the Hessian positive definite without moving the optimum (the gradient has no part there)
      for (let d = 0; d < D; d++) H[d * D + d] += 1e-10 * (1 + H[d * D + d]!);
      const step = solveSPD({ data: H, rows: D, cols: D }, { data: g, rows: D, cols: 1 }).data;
      let slope = 0;
      for (let d = 0; d < D; d++) slope += g[d]! * step[d]!;
      let t = 1;
      const cand = new Float64Array(D);
      for (;;) {
        for (let d = 0; d < D; d++) cand[d] = theta[d]! - t * step[d]!;
        const fc = objective(cand);
        if (fc <= f - 1e-4 * t * slope || t < 1e-12) { f = fc; theta.set(cand); break; }
        t /= 2;
      }
    }
    objective(theta); // leave probs consistent (unused) and θ final
    this.iterations = it;
    this.classes = classes;
    const W = new Float64Array(K * p);
    const b = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < p; j++) W[k * p + j] = theta[k * q + j]!;
      b[k] = theta[k * q + p]!;
    }
    this.coef = { data: W, rows: K, cols: p };
    this.intercept = b;
    return this;
  }

  /** Class probabilities (N, K). */
  predictProba(X: Matrix): Matrix {
    const op = 'LogisticRegression.predictProba';
    if (!this.coef || !this.intercept) throw notFitted(op);
    checkMatrix(X, op, 'X');
    const { rows: K, cols: p } = this.coef;
    checkFeatures(X.cols, p, op);
    const out = new Float64Array(X.rows * K);
    for (let i = 0; i < X.rows; i++) {
      let mx = -Infinity;
      for (let k = 0; k < K; k++) {
        let z = this.intercept[k]!;
        for (let j = 0; j < p; j++) z += this.coef.data[k * p + j]! * X.data[i * p + j]!;
        out[i * K + k] = z;
        mx = Math.max(mx, z);
      }
      let s = 0;
      for (let k = 0; k < K; k++) s += (out[i * K + k] = Math.exp(out[i * K + k]! - mx));
      for (let k = 0; k < K; k++) out[i * K + k] /= s;
    }
    return { data: out, rows: X.rows, cols: K };
  }

  /** The most probable class label of every row. */
  predict(X: Matrix): number[] {
    const P = this.predictProba(X);
    const out: number[] = [];
    for (let i = 0; i < P.rows; i++) {
      let best = 0;
      for (let k = 1; k < P.cols; k++) if (P.data[i * P.cols + k]! > P.data[i * P.cols + best]!) best = k;
      out.push(this.classes[best]!);
    }
    return out;
  }
}

/** Per-feature standardisation, as sklearn's StandardScaler (population std; a constant feature keeps scale 1). */
export class StandardScaler {
  mean: Float64Array | null = null;
  scale: Float64Array | null = null;

  fit(X: Matrix): this {
    checkMatrix(X, 'StandardScaler.fit', 'X');
    const { data, rows: n, cols: p } = X;
    if (n === 0) throw new ArgumentError('StandardScaler.fit: no samples (0 rows)');
    const m = new Float64Array(p);
    const v = new Float64Array(p);
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) m[j] += data[i * p + j]!;
    for (let j = 0; j < p; j++) m[j] /= n;
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) v[j] += (data[i * p + j]! - m[j]!) ** 2;
    this.mean = m;
    this.scale = v.map((s) => (s > 0 ? Math.sqrt(s / n) : 1));
    return this;
  }

  transform(X: Matrix): Matrix {
    if (!this.mean || !this.scale) throw notFitted('StandardScaler.transform');
    checkMatrix(X, 'StandardScaler.transform', 'X');
    checkFeatures(X.cols, this.mean.length, 'StandardScaler.transform');
    const p = X.cols;
    return { data: X.data.map((x, i) => (x - this.mean![i % p]!) / this.scale![i % p]!), rows: X.rows, cols: p };
  }
}
