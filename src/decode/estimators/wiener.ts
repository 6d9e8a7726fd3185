// Wiener filter decoder: linear regression from neural features to kinematics, with an intercept,
// as Neural_Decoding's WienerFilterDecoder (Glaser et al. 2020), which is sklearn's
// LinearRegression. With alpha > 0 it is sklearn's Ridge: the intercept is not penalised
// (X and Y are centred, the weights solved on the centred data, the intercept restored).
// Spike history is the caller's: pass lagged features (N, neurons × lags) for a true Wiener filter.
//   X: (N, F)  N=time bins, F=features     Y: (N, D)  D=outputs (kinematics)

import { ArgumentError } from '../../errors.js';
import { checkFeatures, checkMatrix, checkSameRows, colMeans, notFitted } from './check.js';
import { ridgePath } from '../../linalg/lstsq.js';
import type { Matrix, Regressor } from './types.js';

export interface WienerFilterOptions {
  /** Ridge penalty on the weights (default 0: ordinary least squares). */
  alpha?: number;
  /** Fit an unpenalised intercept (default true). */
  fitIntercept?: boolean;
}

export class WienerFilter implements Regressor {
  readonly alpha: number;
  readonly fitIntercept: boolean;
  /** (D, F) weights, laid out as sklearn's coef_. */
  coef: Matrix | null = null;
  /** (D) */
  intercept: Float64Array | null = null;

  constructor(opts: WienerFilterOptions = {}) {
    this.alpha = opts.alpha ?? 0;
    if (!(Number.isFinite(this.alpha) && this.alpha >= 0)) throw new ArgumentError(`WienerFilter: alpha must be a finite number >= 0, got ${this.alpha}`);
    this.fitIntercept = opts.fitIntercept ?? true;
  }

  fit(X: Matrix, Y: Matrix): this {
    const [fitted] = solve(X, Y, [this.alpha], this.fitIntercept, 'WienerFilter.fit');
    this.coef = fitted!.coef;
    this.intercept = fitted!.intercept;
    return this;
  }

  /**
   * One fitted filter per penalty of `alphas` (each as `new WienerFilter({ alpha }).fit(X, Y)`),
   * the data's cross-products formed once: what a search over a grid of penalties needs.
   */
  static fitPath(X: Matrix, Y: Matrix, alphas: readonly number[], opts: Omit<WienerFilterOptions, 'alpha'> = {}): WienerFilter[] {
    const filters = alphas.map((alpha) => new WienerFilter({ ...opts, alpha }));
    solve(X, Y, alphas, opts.fitIntercept ?? true, 'WienerFilter.fitPath').forEach((s, i) => {
      filters[i]!.coef = s.coef;
      filters[i]!.intercept = s.intercept;
    });
    return filters;
  }

  /** (N, D) = X coefᵀ + intercept. */
  predict(X: Matrix): Matrix {
    const op = 'WienerFilter.predict';
    if (!this.coef || !this.intercept) throw notFitted(op);
    checkMatrix(X, op, 'X');
    const { rows: d, cols: f } = this.coef;
    checkFeatures(X.cols, f, op);
    const n = X.rows;
    const out = new Float64Array(n * d);
    const w = this.coef.data;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < d; k++) {
        let s = this.intercept[k]!;
        for (let j = 0; j < f; j++) s += X.data[i * f + j]! * w[k * f + j]!;
        out[i * d + k] = s;
      }
    }
    return { data: out, rows: n, cols: d };
  }
}

/** Weights (D, F) and intercepts (D) for each alpha, centring X and Y first when fitting an intercept. */
function solve(X: Matrix, Y: Matrix, alphas: readonly number[], fitIntercept: boolean, op: string): { coef: Matrix; intercept: Float64Array }[] {
  checkMatrix(X, op, 'X');
  checkMatrix(Y, op, 'Y');
  checkSameRows(X.rows, Y.rows, op);
  const { rows: n, cols: f } = X;
  const d = Y.cols;
  const xm = fitIntercept ? colMeans(X.data, n, f) : new Float64Array(f);
  const ym = fitIntercept ? colMeans(Y.data, n, d) : new Float64Array(d);
  const Xc = new Float64Array(n * f);
  const Yc = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < f; j++) Xc[i * f + j] = X.data[i * f + j]! - xm[j]!;
    for (let k = 0; k < d; k++) Yc[i * d + k] = Y.data[i * d + k]! - ym[k]!;
  }
  return ridgePath({ data: Xc, rows: n, cols: f }, { data: Yc, rows: n, cols: d }, alphas).map(({ data: Wt }) => { // Wt: (F, D)
    const coef = new Float64Array(d * f);
    const intercept = Float64Array.from(ym);
    for (let k = 0; k < d; k++) {
      for (let j = 0; j < f; j++) {
        coef[k * f + j] = Wt[j * d + k]!;
        intercept[k] -= xm[j]! * Wt[j * d + k]!;
      }
    }
    return { coef: { data: coef, rows: d, cols: f }, intercept };
  });
}
