// Least squares (Wiener and Kalman decoders), built from dense.ts (Cholesky, SVD); no solver of
// its own.  A: (n, p)  B: (n, m)  →  X: (p, m)   n=samples, p=regressors, m=targets.

import { ArgumentError } from '../errors.js';
import { cholesky, solveSPD, svd } from './dense.js';

// A Cholesky pivot ratio beyond this (a lower bound on cond(AᵀA)) would cost more than half the
// digits through the normal equations, so the SVD takes over.
const MAX_GRAM_COND = 1 / Math.sqrt(Number.EPSILON);

/**
 * argmin_X |A X − B|² + alpha |X|²  (ridge when alpha > 0).
 *
 * Normal equations by Cholesky: AᵀA is only p×p (p = neurons, at most a few hundred) and one
 * pass over the data forms it — about 8× faster than a Jacobi SVD of A at 1200×71. Their price
 * is the squared condition number, so when alpha = 0 and AᵀA is singular or its Cholesky pivots
 * spread wider than 1/√eps, the minimum-norm SVD solution is used instead (what
 * sklearn's LinearRegression returns through scipy's lstsq). alpha > 0 always solves
 * (AᵀA + alpha I) X = AᵀB by Cholesky, as sklearn's Ridge (solver 'cholesky').
 */
export function lstsq(A: Float64Array, n: number, p: number, B: Float64Array, m: number, alpha = 0): Float64Array {
  return ridgePath(A, n, p, B, m, [alpha])[0]!;
}

/**
 * lstsq for each penalty of `alphas`, forming AᵀA and AᵀB once (a grid of ridge penalties costs
 * one pass over the data and one p×p solve per penalty). Each solution is what lstsq gives.
 */
export function ridgePath(A: Float64Array, n: number, p: number, B: Float64Array, m: number, alphas: readonly number[]): Float64Array[] {
  const G0 = new Float64Array(p * p); // AᵀA, lower triangle first
  const R = new Float64Array(p * m); // AᵀB
  for (let i = 0; i < n; i++) {
    const ao = i * p;
    const bo = i * m;
    for (let a = 0; a < p; a++) {
      const v = A[ao + a]!;
      if (v === 0) continue;
      const go = a * p;
      for (let b = 0; b <= a; b++) G0[go + b] += v * A[ao + b]!;
      const ro = a * m;
      for (let c = 0; c < m; c++) R[ro + c] += v * B[bo + c]!;
    }
  }
  return alphas.map((alpha) => {
    const G = Float64Array.from(G0);
    for (let a = 0; a < p; a++) {
      G[a * p + a] += alpha;
      for (let b = 0; b < a; b++) G[b * p + a] = G[a * p + b]!;
    }
    if (alpha > 0) return solveSPD(G, R, p, m);
    let wellPosed = true;
    try {
      const L = cholesky(G, p);
      let lo = Infinity;
      let hi = 0;
      for (let a = 0; a < p; a++) { lo = Math.min(lo, L[a * p + a]!); hi = Math.max(hi, L[a * p + a]!); }
      wellPosed = (hi / lo) ** 2 < MAX_GRAM_COND;
    } catch (e) {
      if (!(e instanceof ArgumentError)) throw e;
      wellPosed = false;
    }
    return wellPosed ? solveSPD(G, R, p, m) : lstsqSVD(A, n, p, B, m);
  });
}

/**
 * Minimum-norm least squares through the SVD of A, as numpy.linalg.lstsq: singular values at
 * or below rcond · S_max count as zero (default rcond = eps · max(n, p), numpy's).
 */
export function lstsqSVD(A: Float64Array, n: number, p: number, B: Float64Array, m: number, rcond = Number.EPSILON * Math.max(n, p)): Float64Array {
  const k = Math.min(n, p);
  const { U, S, Vt } = svd(A, n, p); // U (n, k), S (k), Vt (k, p)
  const cutoff = rcond * (S[0] ?? 0);
  const T = new Float64Array(k * m); // diag(1/S) Uᵀ B
  for (let j = 0; j < k; j++) {
    const s = S[j]!;
    if (!(s > cutoff)) continue;
    for (let i = 0; i < n; i++) {
      const u = U[i * k + j]!;
      if (u === 0) continue;
      for (let c = 0; c < m; c++) T[j * m + c] += u * B[i * m + c]!;
    }
    for (let c = 0; c < m; c++) T[j * m + c] /= s;
  }
  const X = new Float64Array(p * m); // V T
  for (let j = 0; j < k; j++) {
    for (let a = 0; a < p; a++) {
      const v = Vt[j * p + a]!;
      if (v === 0) continue;
      for (let c = 0; c < m; c++) X[a * m + c] += v * T[j * m + c]!;
    }
  }
  return X;
}
