// Least squares (Wiener and Kalman decoders, LDA), built from dense.ts (Cholesky, SVD, eigh); no
// solver of its own.  A: (n, p)  B: (n, m)  →  X: (p, m)   n=samples, p=regressors, m=targets.

import { ArgumentError, ShapeError } from '../errors.js';
import { cholesky, eigh, solveSPD, svd } from './dense.js';
import { checkSquare, type Matrix } from './matrix.js';

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
export function lstsq(A: Matrix, B: Matrix, alpha = 0): Matrix {
  return ridgePath(A, B, [alpha])[0]!;
}

function sameRows(A: Matrix, B: Matrix, op: string): void {
  if (A.rows !== B.rows || A.data.length !== A.rows * A.cols || B.data.length !== B.rows * B.cols) {
    throw new ShapeError(`${op}: A is (${A.rows}, ${A.cols}) with ${A.data.length} values, B (${B.rows}, ${B.cols}) with ${B.data.length}; both need the same rows`);
  }
}

/**
 * lstsq for each penalty of `alphas`, forming AᵀA and AᵀB once (a grid of ridge penalties costs
 * one pass over the data and one p×p solve per penalty). Each solution is what lstsq gives.
 */
export function ridgePath(AM: Matrix, BM: Matrix, alphas: readonly number[]): Matrix[] {
  sameRows(AM, BM, 'linalg.ridgePath');
  const { data: A, rows: n, cols: p } = AM;
  const { data: B, cols: m } = BM;
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
  const RM: Matrix = { data: R, rows: p, cols: m };
  return alphas.map((alpha) => {
    const G: Matrix = { data: Float64Array.from(G0), rows: p, cols: p };
    const g = G.data;
    for (let a = 0; a < p; a++) {
      g[a * p + a] += alpha;
      for (let b = 0; b < a; b++) g[b * p + a] = g[a * p + b]!;
    }
    if (alpha > 0) return solveSPD(G, RM);
    let wellPosed = true;
    try {
      const L = cholesky(G).data;
      let lo = Infinity;
      let hi = 0;
      for (let a = 0; a < p; a++) { lo = Math.min(lo, L[a * p + a]!); hi = Math.max(hi, L[a * p + a]!); }
      wellPosed = (hi / lo) ** 2 < MAX_GRAM_COND;
    } catch (e) {
      if (!(e instanceof ArgumentError)) throw e;
      wellPosed = false;
    }
    return wellPosed ? solveSPD(G, RM) : lstsqSVD(AM, BM);
  });
}

/**
 * Minimum-norm least squares through the SVD of A, as numpy.linalg.lstsq: singular values at
 * or below rcond · S_max count as zero (default rcond = eps · max(n, p), numpy's).
 */
export function lstsqSVD(A: Matrix, BM: Matrix, rcond = Number.EPSILON * Math.max(A.rows, A.cols)): Matrix {
  sameRows(A, BM, 'linalg.lstsqSVD');
  const { rows: n, cols: p } = A;
  const { data: B, cols: m } = BM;
  const k = Math.min(n, p);
  const svdA = svd(A); // U (n, k), S (k), Vt (k, p)
  const U = svdA.U.data;
  const S = svdA.S;
  const Vt = svdA.Vt.data;
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
  return { data: X, rows: p, cols: m };
}

/**
 * Least-squares solution of A X = B for symmetric positive semi-definite A (p×p), B (p×m): a
 * Cholesky solve when A is positive definite, else the minimum-norm solution through the
 * eigendecomposition (as scipy.linalg.lstsq on a singular A).
 */
export function lstsqSymmetric(A: Matrix, BM: Matrix): Matrix {
  const p = checkSquare(A, 'linalg.lstsqSymmetric');
  sameRows(A, BM, 'linalg.lstsqSymmetric');
  try {
    return solveSPD(A, BM);
  } catch (e) {
    if (!(e instanceof ArgumentError)) throw e;
  }
  const { data: B, cols: m } = BM;
  const eg = eigh(A);
  const values = eg.values;
  const vectors = eg.vectors.data;
  const cutoff = Number.EPSILON * p * Math.max(...Array.from(values, Math.abs));
  const X = new Float64Array(p * m);
  for (let k = 0; k < p; k++) {
    const l = values[k]!;
    if (Math.abs(l) <= cutoff) continue;
    for (let c = 0; c < m; c++) {
      let s = 0;
      for (let i = 0; i < p; i++) s += vectors[i * p + k]! * B[i * m + c]!;
      s /= l;
      for (let i = 0; i < p; i++) X[i * m + c] += vectors[i * p + k]! * s;
    }
  }
  return { data: X, rows: p, cols: m };
}
