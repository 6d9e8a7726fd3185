// Naive Bayes trial classifiers: neurons independent given the class.
//   PoissonNaiveBayes:  x_j | k ~ Poisson(λ_kj), λ_kj = class mean of feature j (floored)
//   GaussianNaiveBayes: x_j | k ~ N(θ_kj, σ²_kj), as sklearn.naive_bayes.GaussianNB (1.2)
// Both score log p(k) + Σ_j log p(x_j | k) and normalise with a softmax (log-sum-exp).
//   X: (N, F)  N=trials, F=neurons      y: (N) integer class labels
// predict returns the labels themselves (values of `classes`), as sklearn.

import { ArgumentError, ShapeError } from '../../errors.js';
import { checkFeatures, checkMatrix, checkSameRows, notFitted } from './check.js';
import type { Classifier, Matrix } from './types.js';

export interface NaiveBayesOptions {
  /** Class priors in the order of the sorted labels, summing to 1 (default: class proportions). */
  priors?: readonly number[];
}

export interface PoissonNaiveBayesOptions extends NaiveBayesOptions {
  /**
   * Floor on every λ_kj (default 1e-3, in the units of X): a neuron silent in one class's
   * training trials would otherwise make any spike rule that class out (log 0).
   */
  minRate?: number;
}

export interface GaussianNaiveBayesOptions extends NaiveBayesOptions {
  /** Fraction of the largest feature variance added to every variance (sklearn's var_smoothing, default 1e-9). */
  varSmoothing?: number;
}

/** Shared label handling, priors, probabilities; subclasses supply the per-class log-likelihood. */
abstract class NaiveBayes implements Classifier {
  classes: number[] = [];
  /** (K) log class priors. */
  classLogPrior: Float64Array | null = null;
  protected nFeatures = 0;
  private readonly priorsOpt: readonly number[] | null;

  constructor(protected readonly name: string, opts: NaiveBayesOptions) {
    this.priorsOpt = opts.priors ?? null;
  }

  fit(X: Matrix, y: ArrayLike<number>): this {
    const op = `${this.name}.fit`;
    checkMatrix(X, op, 'X');
    checkSameRows(X.rows, y.length, op, 'y');
    const n = X.rows;
    for (let i = 0; i < n; i++) {
      const v = y[i]!;
      if (!Number.isInteger(v) || Math.abs(v) > 2147483647) throw new ArgumentError(`${op}: y[${i}] = ${v}; labels must be integers (int32)`);
    }
    const classes = [...new Set(Array.from(y))].sort((a, b) => a - b);
    const K = classes.length;
    const index = new Map(classes.map((c, k) => [c, k]));
    const label = Int32Array.from(Array.from(y), (v) => index.get(v)!);
    const counts = new Float64Array(K);
    for (let i = 0; i < n; i++) counts[label[i]!]++;
    let priors = Array.from(counts, (c) => c / n);
    if (this.priorsOpt) {
      priors = [...this.priorsOpt];
      if (priors.length !== K) throw new ArgumentError(`${op}: ${priors.length} priors for ${K} classes`);
      if (priors.some((q) => !(q >= 0))) throw new ArgumentError(`${op}: priors must be non-negative, got [${priors.join(', ')}]`);
      const sum = priors.reduce((a, b) => a + b, 0);
      if (Math.abs(sum - 1) > 1e-8) throw new ArgumentError(`${op}: priors must sum to 1, got ${sum}`);
    }
    this.classes = classes;
    this.classLogPrior = Float64Array.from(priors, Math.log);
    this.nFeatures = X.cols;
    this.fitClasses(X, label, counts, op);
    return this;
  }

  /** (N, K) log p(k) + log p(x | k), up to a constant per sample. */
  jointLogLikelihood(X: Matrix): Matrix {
    const op = `${this.name}.predict`;
    if (!this.classLogPrior) throw notFitted(op);
    checkMatrix(X, op, 'X');
    checkFeatures(X.cols, this.nFeatures, op);
    return this.scores(X, op);
  }

  predict(X: Matrix): Int32Array {
    const { data, rows: n, cols: K } = this.jointLogLikelihood(X);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let k = 1; k < K; k++) if (data[i * K + k]! > data[i * K + best]!) best = k;
      out[i] = this.classes[best]!;
    }
    return out;
  }

  /** (N, K) posterior class probabilities, columns in the order of `classes`. */
  predictProba(X: Matrix): Matrix {
    const jll = this.jointLogLikelihood(X);
    const { rows: n, cols: K } = jll;
    const p = new Float64Array(n * K);
    for (let i = 0; i < n; i++) {
      const row = jll.data.subarray(i * K, (i + 1) * K);
      const m = Math.max(...row);
      let z = 0;
      for (let k = 0; k < K; k++) z += Math.exp(row[k]! - m);
      const lse = m + Math.log(z);
      for (let k = 0; k < K; k++) p[i * K + k] = Math.exp(row[k]! - lse);
    }
    return { data: p, rows: n, cols: K };
  }

  /** Mean accuracy on (X, y). */
  score(X: Matrix, y: ArrayLike<number>): number {
    const pr = this.predict(X);
    if (pr.length !== y.length) throw new ShapeError(`${this.name}.score: ${pr.length} samples but ${y.length} labels`);
    let ok = 0;
    for (let i = 0; i < pr.length; i++) if (pr[i] === y[i]) ok++;
    return ok / pr.length;
  }

  protected abstract fitClasses(X: Matrix, label: Int32Array, counts: Float64Array, op: string): void;
  protected abstract scores(X: Matrix, op: string): Matrix;
}

export class PoissonNaiveBayes extends NaiveBayes {
  readonly minRate: number;
  /** (K, F) per-class mean of each feature, floored at minRate. */
  rates: Matrix | null = null;
  private logRates: Float64Array | null = null;
  private rateSums: Float64Array | null = null;

  constructor(opts: PoissonNaiveBayesOptions = {}) {
    super('PoissonNaiveBayes', opts);
    this.minRate = opts.minRate ?? 1e-3;
    if (!(Number.isFinite(this.minRate) && this.minRate > 0)) throw new ArgumentError(`PoissonNaiveBayes: minRate must be a finite number > 0, got ${this.minRate}`);
  }

  protected fitClasses(X: Matrix, label: Int32Array, counts: Float64Array, op: string): void {
    checkNonNegative(X, op);
    const { rows: n, cols: f } = X;
    const K = counts.length;
    const rates = new Float64Array(K * f);
    for (let i = 0; i < n; i++) {
      const o = label[i]! * f;
      for (let j = 0; j < f; j++) rates[o + j] += X.data[i * f + j]!;
    }
    for (let k = 0; k < K; k++) for (let j = 0; j < f; j++) rates[k * f + j] = Math.max(rates[k * f + j]! / counts[k]!, this.minRate);
    this.rates = { data: rates, rows: K, cols: f };
    this.logRates = rates.map(Math.log);
    this.rateSums = new Float64Array(K);
    for (let k = 0; k < K; k++) for (let j = 0; j < f; j++) this.rateSums[k] += rates[k * f + j]!;
  }

  // Σ_j x_j log λ_kj − λ_kj: the −log x_j! term is the same for every class and left out.
  protected scores(X: Matrix, op: string): Matrix {
    checkNonNegative(X, op);
    const { rows: n, cols: f } = X;
    const K = this.classes.length;
    const L = this.logRates!;
    const out = new Float64Array(n * K);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < K; k++) {
        let s = this.classLogPrior![k]! - this.rateSums![k]!;
        for (let j = 0; j < f; j++) s += X.data[i * f + j]! * L[k * f + j]!;
        out[i * K + k] = s;
      }
    }
    return { data: out, rows: n, cols: K };
  }
}

export class GaussianNaiveBayes extends NaiveBayes {
  readonly varSmoothing: number;
  /** (K, F) class means (sklearn's theta_). */
  theta: Matrix | null = null;
  /** (K, F) class variances + epsilon (sklearn's var_). */
  variance: Matrix | null = null;
  /** varSmoothing × the largest feature variance over all training samples. */
  epsilon = 0;

  constructor(opts: GaussianNaiveBayesOptions = {}) {
    super('GaussianNaiveBayes', opts);
    this.varSmoothing = opts.varSmoothing ?? 1e-9;
    if (!(Number.isFinite(this.varSmoothing) && this.varSmoothing >= 0)) throw new ArgumentError(`GaussianNaiveBayes: varSmoothing must be a finite number >= 0, got ${this.varSmoothing}`);
  }

  protected fitClasses(X: Matrix, label: Int32Array, counts: Float64Array, op: string): void {
    const { rows: n, cols: f } = X;
    const K = counts.length;
    let maxVar = 0;
    for (let j = 0; j < f; j++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += X.data[i * f + j]!;
      m /= n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (X.data[i * f + j]! - m) ** 2;
      maxVar = Math.max(maxVar, v / n);
    }
    this.epsilon = this.varSmoothing * maxVar;
    const theta = new Float64Array(K * f);
    const vars = new Float64Array(K * f);
    for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) theta[label[i]! * f + j] += X.data[i * f + j]!;
    for (let k = 0; k < K; k++) for (let j = 0; j < f; j++) theta[k * f + j] /= counts[k]!;
    for (let i = 0; i < n; i++) {
      const o = label[i]! * f;
      for (let j = 0; j < f; j++) vars[o + j] += (X.data[i * f + j]! - theta[o + j]!) ** 2;
    }
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < f; j++) {
        const v = vars[k * f + j]! / counts[k]! + this.epsilon;
        if (!(v > 0)) throw new ArgumentError(`${op}: feature ${j} has zero variance in class ${this.classes[k]} and varSmoothing adds none`);
        vars[k * f + j] = v;
      }
    }
    this.theta = { data: theta, rows: K, cols: f };
    this.variance = { data: vars, rows: K, cols: f };
  }

  protected scores(X: Matrix): Matrix {
    const { rows: n, cols: f } = X;
    const K = this.classes.length;
    const th = this.theta!.data;
    const va = this.variance!.data;
    const base = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let j = 0; j < f; j++) s += Math.log(2 * Math.PI * va[k * f + j]!);
      base[k] = this.classLogPrior![k]! - 0.5 * s;
    }
    const out = new Float64Array(n * K);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < K; k++) {
        let s = 0;
        for (let j = 0; j < f; j++) s += (X.data[i * f + j]! - th[k * f + j]!) ** 2 / va[k * f + j]!;
        out[i * K + k] = base[k]! - 0.5 * s;
      }
    }
    return { data: out, rows: n, cols: K };
  }
}

function checkNonNegative(X: Matrix, op: string): void {
  const f = X.cols;
  for (let i = 0; i < X.data.length; i++) {
    if (X.data[i]! < 0) throw new ArgumentError(`${op}: X[${Math.floor(i / f)}, ${i % f}] = ${X.data[i]}; Poisson counts must be >= 0`);
  }
}
