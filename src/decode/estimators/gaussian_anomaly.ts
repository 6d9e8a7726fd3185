// A Gaussian model of normal data as an anomaly detector: mean and Ledoit-Wolf shrunk covariance
// fitted on normal samples only (sklearn.covariance.LedoitWolf), and the Mahalanobis distance
// from that Gaussian as the anomaly score. X: (N, P)  N=samples, P=features.

import { ledoitWolfShrinkage, shrinkInPlace } from '../../linalg/covariance.js';
import { pinvh } from '../../linalg/dense.js';
import { checkMatrix, type Matrix } from '../../linalg/matrix.js';
import { ArgumentError } from '../../errors.js';
import { checkFeatures, notFitted } from './check.js';

export class LedoitWolfGaussian {
  location: Float64Array | null = null;
  /** (P, P) shrunk covariance, as sklearn's covariance_. */
  covariance: Matrix | null = null;
  /** (P, P) pseudo-inverse of the covariance, as sklearn's precision_. */
  precision: Matrix | null = null;
  shrinkage = 0;

  /** Fits on normal samples X (N, P), N >= 2. */
  fit(X: Matrix): this {
    checkMatrix(X, 'LedoitWolfGaussian.fit', 'X');
    const { data, rows: n, cols: p } = X;
    if (n < 2) throw new ArgumentError(`LedoitWolfGaussian.fit: needs at least 2 samples, got ${n}`);
    const m = new Float64Array(p);
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) m[j] += data[i * p + j]!;
    for (let j = 0; j < p; j++) m[j] /= n;
    // sklearn centres X and takes the uncentred scatter / n, then shrinks toward mu·I
    const cov = new Float64Array(p * p);
    for (let i = 0; i < n; i++) for (let a = 0; a < p; a++) {
      const da = data[i * p + a]! - m[a]!;
      for (let b = 0; b <= a; b++) cov[a * p + b] += da * (data[i * p + b]! - m[b]!);
    }
    for (let a = 0; a < p; a++) for (let b = 0; b <= a; b++) {
      cov[a * p + b] /= n;
      cov[b * p + a] = cov[a * p + b]!;
    }
    this.shrinkage = ledoitWolfShrinkage(X);
    const C: Matrix = { data: cov, rows: p, cols: p };
    shrinkInPlace(C, this.shrinkage);
    this.location = m;
    this.covariance = C;
    this.precision = pinvh(C).inverse;
    return this;
  }

  /** Squared Mahalanobis distance of every row of X (N, P), as sklearn's mahalanobis(). */
  mahalanobis(X: Matrix): Float64Array {
    const op = 'LedoitWolfGaussian.mahalanobis';
    if (!this.location || !this.precision) throw notFitted(op);
    checkMatrix(X, op, 'X');
    const p = this.location.length;
    checkFeatures(X.cols, p, op);
    const P = this.precision.data;
    const out = new Float64Array(X.rows);
    const d = new Float64Array(p);
    for (let i = 0; i < X.rows; i++) {
      for (let j = 0; j < p; j++) d[j] = X.data[i * p + j]! - this.location[j]!;
      let s = 0;
      for (let a = 0; a < p; a++) {
        let r = 0;
        for (let b = 0; b < p; b++) r += P[a * p + b]! * d[b]!;
        s += d[a]! * r;
      }
      out[i] = s;
    }
    return out;
  }
}
