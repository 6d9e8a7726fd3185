// Covariance estimators shared by CSP (channel covariances) and LDA (feature covariances), as
// sklearn.covariance: the empirical estimate, Ledoit-Wolf's shrinkage and shrinkage toward the
// scaled identity.  X: (n, p)  n=samples, p=variables.

import { type Matrix } from './matrix.js';

/**
 * cov += X Xᵀ for one (C, T) block of `data` starting at `off` (C = cov.rows): the uncentred
 * scatter of C signals over T samples, both halves filled.
 */
export function addScatter(cov: Matrix, data: Float64Array, off: number, T: number): void {
  const C = cov.rows;
  const c = cov.data;
  for (let i = 0; i < C; i++) {
    const oi = off + i * T;
    for (let j = 0; j <= i; j++) {
      const oj = off + j * T;
      let s = 0;
      for (let t = 0; t < T; t++) s += data[oi + t]! * data[oj + t]!;
      c[i * C + j] += s;
      if (i !== j) c[j * C + i] += s;
    }
  }
}

/** In place: cov ← (1 − α)·cov + α·(trace/p)·I (sklearn's shrunk_covariance, MNE's reg). */
export function shrinkInPlace(cov: Matrix, alpha: number): void {
  const p = cov.rows;
  const c = cov.data;
  let mu = 0;
  for (let j = 0; j < p; j++) mu += c[j * p + j]!;
  mu /= p;
  for (let i = 0; i < p * p; i++) c[i] *= 1 - alpha;
  for (let j = 0; j < p; j++) c[j * p + j] += alpha * mu;
}

/** Centred empirical covariance (divided by n) of X (n, p), as sklearn's empirical_covariance. */
export function empiricalCovariance(XM: Matrix): Matrix {
  const { data: X, rows: n, cols: p } = XM;
  const m = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) m[j] += X[i * p + j]!;
  for (let j = 0; j < p; j++) m[j] /= n;
  const cov = new Float64Array(p * p);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < p; a++) {
      const da = X[i * p + a]! - m[a]!;
      for (let b = 0; b <= a; b++) cov[a * p + b] += da * (X[i * p + b]! - m[b]!);
    }
  }
  for (let a = 0; a < p; a++) for (let b = 0; b <= a; b++) {
    cov[a * p + b] /= n;
    cov[b * p + a] = cov[a * p + b]!;
  }
  return { data: cov, rows: p, cols: p };
}

/** sklearn.covariance.ledoit_wolf_shrinkage (data centred first). */
export function ledoitWolfShrinkage(XM: Matrix): number {
  const { data: X, rows: n, cols: p } = XM;
  if (p === 1) return 0;
  const m = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) m[j] += X[i * p + j]!;
  for (let j = 0; j < p; j++) m[j] /= n;
  const Z = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) Z[i * p + j] = X[i * p + j]! - m[j]!;
  const trace = new Float64Array(p); // diag of ZᵀZ / n
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) trace[j] += Z[i * p + j]! ** 2;
  let mu = 0;
  for (let j = 0; j < p; j++) { trace[j] /= n; mu += trace[j]!; }
  const trSum = mu;
  mu /= p;
  let beta_ = 0; // Σ (X²ᵀ X²)
  let delta_ = 0; // Σ (Xᵀ X)²
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < p; b++) {
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const za = Z[i * p + a]!;
        const zb = Z[i * p + b]!;
        s += za * zb;
        s2 += za * za * zb * zb;
      }
      delta_ += s * s;
      beta_ += s2;
    }
  }
  delta_ /= n * n;
  let beta = (1 / (p * n)) * (beta_ / n - delta_);
  let delta = delta_ - 2 * mu * trSum + p * mu * mu;
  delta /= p;
  beta = Math.min(beta, delta);
  return beta === 0 ? 0 : beta / delta;
}
