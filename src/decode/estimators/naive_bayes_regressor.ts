// Naive Bayes position/velocity decoder, a simplified form of Neural_Decoding's
// NaiveBayesDecoder: the output space is cut into a grid, each neuron gets an expected count per
// grid point (its tuning curve), counts are Poisson and independent given the output, and every
// bin is decoded to the grid point of highest
//   Σ_j [x_j log λ_j(g) − λ_j(g)] − |g − g_prev|² / (2 σ²)
// (Poisson log-likelihood + a Gaussian step from the previous decoded point, σ² = mean squared
// step of the training outputs) — a greedy MAP per bin, as Neural_Decoding, not a full forward
// filter. Differences from Neural_Decoding: tuning curves are Gaussian-kernel averages of the
// training counts (Nadaraya–Watson) instead of its Poisson GLM with quadratic terms (statsmodels),
// the grid has `res` points per dimension from min to max of the training outputs (not steps of
// round(range / res)), D may be 1 to 3 (not only 2), and scores are summed logs (no underflow).
//   X: (N, F)  N=time bins, F=neurons (counts)   Y: (N, D)  D=outputs   grid: (G, D)  G=res^D

import { ArgumentError, ShapeError } from '../../errors.js';
import { checkFeatures, checkMatrix, checkSameRows, colMeans, notFitted } from './check.js';
import type { Matrix, Regressor } from './types.js';

export interface NaiveBayesRegressorOptions {
  /** Grid points per output dimension (default 25). */
  res?: number;
  /** Gaussian kernel width of the tuning curves, in output units: one for all dims or one per dim (default: one grid step). */
  bandwidth?: number | readonly number[];
  /** Floor on every expected count (default 1e-3). */
  minRate?: number;
}

export interface NaiveBayesPredictOptions {
  /** Output value the first bin steps from (default: the training mean); the nearest grid point is used. */
  initialState?: ArrayLike<number>;
}

export class NaiveBayesRegressor implements Regressor {
  readonly res: number;
  readonly minRate: number;
  private readonly bandwidthOpt: number | readonly number[] | null;
  /** (G, D) grid points, last dimension varying fastest. */
  grid: Matrix | null = null;
  /** (G, F) expected count of each neuron at each grid point. */
  tuning: Matrix | null = null;
  /** σ of the step prior (root mean squared step of the training outputs). */
  stepStd = 0;
  /** (D) kernel widths used. */
  bandwidth: Float64Array | null = null;
  /** (D) training output mean: the default starting point. */
  outputMean: Float64Array | null = null;
  private logTuning: Float64Array | null = null;
  private tuningSums: Float64Array | null = null;

  constructor(opts: NaiveBayesRegressorOptions = {}) {
    this.res = opts.res ?? 25;
    if (!Number.isInteger(this.res) || this.res < 2) throw new ArgumentError(`NaiveBayesRegressor: res must be an integer >= 2, got ${this.res}`);
    this.minRate = opts.minRate ?? 1e-3;
    if (!(Number.isFinite(this.minRate) && this.minRate > 0)) throw new ArgumentError(`NaiveBayesRegressor: minRate must be a finite number > 0, got ${this.minRate}`);
    this.bandwidthOpt = opts.bandwidth ?? null;
  }

  fit(X: Matrix, Y: Matrix): this {
    const op = 'NaiveBayesRegressor.fit';
    checkMatrix(X, op, 'X');
    checkMatrix(Y, op, 'Y');
    checkSameRows(X.rows, Y.rows, op);
    if (X.data.some((v) => v < 0)) throw new ArgumentError(`${op}: X holds negative values; Poisson counts must be >= 0`);
    const { rows: n, cols: f } = X;
    const d = Y.cols;
    if (d < 1 || d > 3) throw new ShapeError(`${op}: Y must have 1 to 3 columns (a res^D grid), got ${d}`);
    if (n < 2) throw new ArgumentError(`${op}: needs at least 2 time bins, got ${n}`);
    // grid: res points from min to max per dimension
    const lo = new Float64Array(d).fill(Infinity);
    const hi = new Float64Array(d).fill(-Infinity);
    for (let i = 0; i < n * d; i++) { lo[i % d] = Math.min(lo[i % d]!, Y.data[i]!); hi[i % d] = Math.max(hi[i % d]!, Y.data[i]!); }
    // np.linspace's arithmetic (r · step + lo, the last point exactly hi), so grids agree bit for bit
    const axes = Array.from({ length: d }, (_, k) => {
      const step = (hi[k]! - lo[k]!) / (this.res - 1);
      return Float64Array.from({ length: this.res }, (_, r) => (r === this.res - 1 ? hi[k]! : r * step + lo[k]!));
    });
    const G = this.res ** d;
    const grid = new Float64Array(G * d);
    for (let g = 0; g < G; g++) {
      let rem = g;
      for (let k = d - 1; k >= 0; k--) { grid[g * d + k] = axes[k]![rem % this.res]!; rem = Math.floor(rem / this.res); }
    }
    const bw = new Float64Array(d);
    for (let k = 0; k < d; k++) {
      const b = this.bandwidthOpt === null ? (hi[k]! - lo[k]!) / (this.res - 1) : typeof this.bandwidthOpt === 'number' ? this.bandwidthOpt : this.bandwidthOpt[k];
      if (b === undefined || !(Number.isFinite(b) && b > 0)) throw new ArgumentError(`${op}: bandwidth for output ${k} must be a finite number > 0, got ${b} (a constant output needs an explicit bandwidth)`);
      bw[k] = b;
    }
    // tuning curves: kernel-weighted mean count per grid point (weights relative to the nearest sample, so far points never divide 0 by 0)
    const tuning = new Float64Array(G * f);
    const e = new Float64Array(n);
    for (let g = 0; g < G; g++) {
      let emax = -Infinity;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += ((Y.data[i * d + k]! - grid[g * d + k]!) / bw[k]!) ** 2;
        e[i] = -0.5 * s;
        emax = Math.max(emax, e[i]!);
      }
      let wsum = 0;
      const to = g * f;
      for (let i = 0; i < n; i++) {
        const w = Math.exp(e[i]! - emax);
        wsum += w;
        if (w < 1e-20) continue; // below rounding of the sum (the nearest sample weighs 1)
        for (let j = 0; j < f; j++) tuning[to + j] += w * X.data[i * f + j]!;
      }
      for (let j = 0; j < f; j++) tuning[to + j] = Math.max(tuning[to + j]! / wsum, this.minRate);
    }
    let step = 0;
    for (let i = 0; i + 1 < n; i++) for (let k = 0; k < d; k++) step += (Y.data[(i + 1) * d + k]! - Y.data[i * d + k]!) ** 2;
    this.stepStd = Math.sqrt(step / (n - 1));
    if (!(this.stepStd > 0)) throw new ArgumentError(`${op}: the training outputs never change, so the step prior has no width`);
    this.grid = { data: grid, rows: G, cols: d };
    this.tuning = { data: tuning, rows: G, cols: f };
    this.bandwidth = bw;
    this.outputMean = colMeans(Y.data, n, d);
    this.logTuning = tuning.map(Math.log);
    this.tuningSums = new Float64Array(G);
    for (let g = 0; g < G; g++) for (let j = 0; j < f; j++) this.tuningSums[g] += tuning[g * f + j]!;
    return this;
  }

  /** (N, D) decoded grid points, one per bin (bin 0 included), each stepping from the previous one. */
  predict(X: Matrix, opts: NaiveBayesPredictOptions = {}): Matrix {
    const op = 'NaiveBayesRegressor.predict';
    if (!this.grid || !this.tuning) throw notFitted(op);
    checkMatrix(X, op, 'X');
    const { rows: G, cols: d } = this.grid;
    const f = this.tuning.cols;
    checkFeatures(X.cols, f, op);
    if (X.data.some((v) => v < 0)) throw new ArgumentError(`${op}: X holds negative values; Poisson counts must be >= 0`);
    const x0 = opts.initialState ?? this.outputMean!;
    if (x0.length !== d) throw new ShapeError(`${op}: initial state has ${x0.length} values, the output has ${d}`);
    for (let k = 0; k < d; k++) if (!Number.isFinite(x0[k]!)) throw new ArgumentError(`${op}: initial state[${k}] is ${x0[k]}; values must be finite`);
    const grid = this.grid.data;
    const L = this.logTuning!;
    const dist2 = (g: number, h: number): number => { let s = 0; for (let k = 0; k < d; k++) s += (grid[g * d + k]! - grid[h * d + k]!) ** 2; return s; };
    let prev = 0;
    let best = Infinity;
    for (let g = 0; g < G; g++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (grid[g * d + k]! - x0[k]!) ** 2;
      if (s < best) { best = s; prev = g; }
    }
    const inv2s2 = 1 / (2 * this.stepStd ** 2);
    const n = X.rows;
    const out = new Float64Array(n * d);
    const active = new Int32Array(f); // neurons that fired in this bin
    for (let t = 0; t < n; t++) {
      const xo = t * f;
      let na = 0;
      for (let j = 0; j < f; j++) if (X.data[xo + j] !== 0) active[na++] = j;
      let arg = 0;
      let top = -Infinity;
      for (let g = 0; g < G; g++) {
        let s = -this.tuningSums![g]! - dist2(g, prev) * inv2s2;
        const lo = g * f;
        for (let a = 0; a < na; a++) { const j = active[a]!; s += X.data[xo + j]! * L[lo + j]!; }
        if (s > top) { top = s; arg = g; }
      }
      prev = arg;
      for (let k = 0; k < d; k++) out[t * d + k] = grid[arg * d + k]!;
    }
    return { data: out, rows: n, cols: d };
  }
}
