// Wiener cascade decoder: a Wiener filter, then for each output a static polynomial nonlinearity
// fitted by least squares from the filter's training prediction to that output, as
// Neural_Decoding's WienerCascadeDecoder (its LinearRegression + np.polyfit / np.polyval).
//   X: (N, F)  N=time bins, F=features     Y: (N, D)  D=outputs

import { ArgumentError, ShapeError } from '../../errors.js';
import { checkMatrix, notFitted } from './check.js';
import { lstsqSVD } from '../../linalg/lstsq.js';
import type { Matrix, Regressor } from './types.js';
import { WienerFilter, type WienerFilterOptions } from './wiener.js';

export interface WienerCascadeOptions extends WienerFilterOptions {
  /** Degree of the polynomial nonlinearity (default 3). */
  degree?: number;
}

export class WienerCascade implements Regressor {
  readonly degree: number;
  /** The linear stage (one filter for all outputs: least squares separates by column). */
  readonly linear: WienerFilter;
  /** Per output, degree + 1 polynomial coefficients, highest power first (np.polyfit's order). */
  polys: Float64Array[] | null = null;

  constructor(opts: WienerCascadeOptions = {}) {
    this.degree = opts.degree ?? 3;
    if (!Number.isInteger(this.degree) || this.degree < 0) throw new ArgumentError(`WienerCascade: degree must be an integer >= 0, got ${this.degree}`);
    const lin: WienerFilterOptions = {};
    if (opts.alpha !== undefined) lin.alpha = opts.alpha;
    if (opts.fitIntercept !== undefined) lin.fitIntercept = opts.fitIntercept;
    this.linear = new WienerFilter(lin);
  }

  fit(X: Matrix, Y: Matrix): this {
    this.linear.fit(X, Y);
    return this.fitPolynomials(X, Y);
  }

  /** Fits only the polynomials, from the current linear stage's prediction on X to Y. */
  fitPolynomials(X: Matrix, Y: Matrix): this {
    if (!this.linear.coef) throw notFitted('WienerCascade.fitPolynomials');
    const lin = this.linear.predict(X);
    const { rows: n, cols: d } = Y;
    if (n !== lin.rows || d !== lin.cols) throw new ShapeError(`WienerCascade.fitPolynomials: Y is (${n}, ${d}), the linear stage predicts (${lin.rows}, ${lin.cols})`);
    this.polys = [];
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let k = 0; k < d; k++) {
      for (let i = 0; i < n; i++) { x[i] = lin.data[i * d + k]!; y[i] = Y.data[i * d + k]!; }
      this.polys.push(polyfit(x, y, this.degree));
    }
    return this;
  }

  predict(X: Matrix): Matrix {
    const op = 'WienerCascade.predict';
    if (!this.polys) throw notFitted(op);
    checkMatrix(X, op, 'X');
    const lin = this.linear.predict(X);
    const { rows: n, cols: d } = lin;
    const out = new Float64Array(n * d);
    for (let k = 0; k < d; k++) {
      const c = this.polys[k]!;
      for (let i = 0; i < n; i++) out[i * d + k] = polyval(c, lin.data[i * d + k]!);
    }
    return { data: out, rows: n, cols: d };
  }
}

/**
 * Least-squares polynomial of the given degree through (x, y), highest power first, as
 * np.polyfit: Vandermonde columns scaled to unit norm, minimum-norm SVD solve with
 * rcond = len(x) · eps, then unscaled.
 */
export function polyfit(x: Float64Array, y: Float64Array, degree: number): Float64Array {
  const n = x.length;
  const p = degree + 1;
  const V = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    let v = 1;
    for (let j = p - 1; j >= 0; j--) { V[i * p + j] = v; v *= x[i]!; }
  }
  const scale = new Float64Array(p);
  for (let i = 0; i < n * p; i++) scale[i % p] += V[i]! * V[i]!;
  for (let j = 0; j < p; j++) scale[j] = Math.sqrt(scale[j]!) || 1; // an all-zero column stays zero
  for (let i = 0; i < n * p; i++) V[i] /= scale[i % p]!;
  const c = lstsqSVD({ data: V, rows: n, cols: p }, { data: y, rows: n, cols: 1 }, n * Number.EPSILON).data;
  for (let j = 0; j < p; j++) c[j] /= scale[j]!;
  return c;
}

/** Horner evaluation of coefficients c (highest power first) at x, as np.polyval. */
export function polyval(c: ArrayLike<number>, x: number): number {
  let s = 0;
  for (let j = 0; j < c.length; j++) s = s * x + c[j]!;
  return s;
}
