// Small dense linear algebra in float64 for the classical decoders (CSP, LDA, Wiener, Kalman):
// matrices at most a few hundred wide (64×64 channel covariances), so plain TypeScript is enough.
// Every function takes and returns the one Matrix type (matrix.ts); inputs are never modified.

import { ArgumentError, ShapeError } from '../errors.js';
import { checkSquare, type Matrix } from './matrix.js';

/** C = A (m×k) · B (k×n). */
export function matmul(A: Matrix, B: Matrix): Matrix {
  const { data: a, rows: m, cols: k } = A;
  const { data: b, cols: n } = B;
  if (B.rows !== k || a.length !== m * k || b.length !== k * n) throw new ShapeError(`linalg.matmul: (${m}, ${k}) @ (${B.rows}, ${n}) with buffers of ${a.length} and ${b.length}`);
  return { data: matmulBuf(a, b, m, k, n), rows: m, cols: n };
}

function matmulBuf(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p]!;
      if (aip === 0) continue;
      const bo = p * n;
      const co = i * n;
      for (let j = 0; j < n; j++) c[co + j] += aip * b[bo + j]!;
    }
  }
  return c;
}

/** Aᵀ for A (m×n). */
export function transpose(A: Matrix): Matrix {
  return { data: transposeBuf(A.data, A.rows, A.cols), rows: A.cols, cols: A.rows };
}

function transposeBuf(a: Float64Array, m: number, n: number): Float64Array {
  const t = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j]!;
  return t;
}

/** Rotates columns p and q of M (rows × n): (p, q) ← (c·p − s·q, s·p + c·q), the Jacobi step of eigh and svd. */
function rotateColumns(M: Float64Array, rows: number, n: number, p: number, q: number, c: number, s: number): void {
  for (let i = 0; i < rows; i++) {
    const mp = M[i * n + p]!;
    const mq = M[i * n + q]!;
    M[i * n + p] = c * mp - s * mq;
    M[i * n + q] = s * mp + c * mq;
  }
}

/**
 * Symmetric eigendecomposition by cyclic Jacobi rotations (accurate to a few ulps for the
 * small matrices used here). Returns eigenvalues ascending (as numpy.linalg.eigh) and the
 * eigenvectors as the columns of `vectors` (n×n row-major: vectors[i*n + k] is component i of
 * eigenvector k).
 */
export function eigh(M: Matrix): { values: Float64Array; vectors: Matrix } {
  const n = checkSquare(M, 'linalg.eigh');
  const { values, vectors } = eighBuf(M.data, n);
  return { values, vectors: { data: vectors, rows: n, cols: n } };
}

function eighBuf(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const A = Float64Array.from(a);
  // symmetrise (guards against rounding asymmetry in the input)
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
    const m = 0.5 * (A[i * n + j]! + A[j * n + i]!);
    A[i * n + j] = m;
    A[j * n + i] = m;
  }
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += A[i * n + i]! * A[i * n + i]!;
      for (let j = i + 1; j < n; j++) off += A[i * n + j]! * A[i * n + j]!;
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q]!;
        if (apq === 0) continue;
        const app = A[p * n + p]!;
        const aqq = A[q * n + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        rotateColumns(A, n, n, p, q, c, s);
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k]!;
          const aqk = A[q * n + k]!;
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        A[p * n + q] = 0;
        A[q * n + p] = 0;
        rotateColumns(V, n, n, p, q, c, s);
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => A[i * n + i]! - A[j * n + j]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = A[src * n + src]!;
    for (let k = 0; k < n; k++) vectors[k * n + dst] = V[k * n + src]!;
  });
  return { values, vectors };
}

/** Lower-triangular L with A = L Lᵀ; throws ArgumentError when A is not positive definite. */
export function cholesky(A: Matrix): Matrix {
  const n = checkSquare(A, 'linalg.cholesky');
  return { data: choleskyBuf(A.data, n), rows: n, cols: n };
}

function choleskyBuf(a: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k++) d -= L[j * n + k]! * L[j * n + k]!;
    if (!(d > 0)) throw new ArgumentError(`linalg.cholesky: matrix is not positive definite (pivot ${j} = ${d})`);
    const ljj = Math.sqrt(d);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
      L[i * n + j] = s / ljj;
    }
  }
  return L;
}

/** Solve L X = B in place for lower-triangular L (n×n), B (n×m). */
function forwardSubst(L: Float64Array, B: Float64Array, n: number, m: number): void {
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < i; k++) {
      const l = L[i * n + k]!;
      if (l !== 0) for (let j = 0; j < m; j++) B[i * m + j] -= l * B[k * m + j]!;
    }
    const d = L[i * n + i]!;
    for (let j = 0; j < m; j++) B[i * m + j] /= d;
  }
}

/** Solve Lᵀ X = B in place for lower-triangular L (n×n), B (n×m). */
function backSubstT(L: Float64Array, B: Float64Array, n: number, m: number): void {
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) {
      const l = L[k * n + i]!;
      if (l !== 0) for (let j = 0; j < m; j++) B[i * m + j] -= l * B[k * m + j]!;
    }
    const d = L[i * n + i]!;
    for (let j = 0; j < m; j++) B[i * m + j] /= d;
  }
}

/** X = A⁻¹ B for symmetric positive-definite A (n×n) and B (n×m), by Cholesky. */
export function solveSPD(A: Matrix, B: Matrix): Matrix {
  const n = checkSquare(A, 'linalg.solveSPD');
  const m = B.cols;
  if (B.rows !== n || B.data.length !== n * m) throw new ShapeError(`linalg.solveSPD: B should be ${n}×${m}, got (${B.rows}, ${m}) with ${B.data.length} values`);
  const L = choleskyBuf(A.data, n);
  const X = Float64Array.from(B.data);
  forwardSubst(L, X, n, m);
  backSubstT(L, X, n, m);
  return { data: X, rows: n, cols: m };
}

/**
 * Generalized symmetric-definite eigenproblem A v = λ B v (scipy.linalg.eigh(a, b)): eigenvalues
 * ascending, eigenvectors as columns, normalised so that Vᵀ B V = I.
 */
export function eighGeneralized(A: Matrix, B: Matrix): { values: Float64Array; vectors: Matrix } {
  const n = checkSquare(A, 'linalg.eighGeneralized');
  if (checkSquare(B, 'linalg.eighGeneralized') !== n) throw new ShapeError(`linalg.eighGeneralized: A is ${n}×${n} but B is ${B.rows}×${B.cols}`);
  const L = choleskyBuf(B.data, n);
  // C = L⁻¹ A L⁻ᵀ
  const Y = Float64Array.from(A.data);
  forwardSubst(L, Y, n, n); // Y = L⁻¹ A
  const Yt = transposeBuf(Y, n, n); // = A L⁻ᵀ
  forwardSubst(L, Yt, n, n); // L⁻¹ A L⁻ᵀ (symmetric)
  const { values, vectors } = eighBuf(Yt, n);
  backSubstT(L, vectors, n, n); // V = L⁻ᵀ Z
  return { values, vectors: { data: vectors, rows: n, cols: n } };
}

/**
 * Thin singular value decomposition A = U diag(S) Vᵀ of A (m×n) by one-sided Jacobi (Hestenes)
 * rotations; S descending, k = min(m, n) values. U is m×k, Vt is k×n.
 */
export function svd(A: Matrix): { U: Matrix; S: Float64Array; Vt: Matrix } {
  const { data: a, rows: m, cols: n } = A;
  if (a.length !== m * n) throw new ShapeError(`linalg.svd: expected ${m}×${n}, got ${a.length} values`);
  const k = Math.min(m, n);
  const { U, S, Vt } = svdBuf(a, m, n);
  return { U: { data: U, rows: m, cols: k }, S, Vt: { data: Vt, rows: k, cols: n } };
}

function svdBuf(a: Float64Array, m: number, n: number): { U: Float64Array; S: Float64Array; Vt: Float64Array } {
  if (m < n) {
    const r = svdBuf(transposeBuf(a, m, n), n, m);
    // Aᵀ = U' S V'ᵀ  →  A = V' S U'ᵀ
    const k = m;
    return { U: transposeBuf(r.Vt, k, m), S: r.S, Vt: transposeBuf(r.U, n, k) };
  }
  // columns of W are orthogonalised: W = A V, then S = |W_j|, U_j = W_j / S_j
  const W = Float64Array.from(a);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          const wp = W[i * n + p]!;
          const wq = W[i * n + q]!;
          alpha += wp * wp;
          beta += wq * wq;
          gamma += wp * wq;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        rotateColumns(W, m, n, p, q, c, s);
        rotateColumns(V, n, n, p, q, c, s);
      }
    }
    if (!rotated) break;
  }
  const norms = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += W[i * n + j]! * W[i * n + j]!;
    norms[j] = Math.sqrt(s);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => norms[j]! - norms[i]!);
  const S = new Float64Array(n);
  const U = new Float64Array(m * n);
  const Vt = new Float64Array(n * n);
  order.forEach((src, dst) => {
    const s = norms[src]!;
    S[dst] = s;
    for (let i = 0; i < m; i++) U[i * n + dst] = s > 0 ? W[i * n + src]! / s : 0;
    for (let i = 0; i < n; i++) Vt[dst * n + i] = V[i * n + src]!;
  });
  return { U, S, Vt };
}

/** Inverse of a square matrix by Gauss-Jordan elimination with partial pivoting. */
export function inv(M: Matrix): Matrix {
  const n = checkSquare(M, 'linalg.inv');
  const A = Float64Array.from(M.data);
  const I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r * n + c]!) > Math.abs(A[piv * n + c]!)) piv = r;
    if (A[piv * n + c] === 0) throw new ArgumentError(`linalg.inv: matrix is singular (column ${c})`);
    if (piv !== c) {
      for (let j = 0; j < n; j++) {
        let t = A[c * n + j]!; A[c * n + j] = A[piv * n + j]!; A[piv * n + j] = t;
        t = I[c * n + j]!; I[c * n + j] = I[piv * n + j]!; I[piv * n + j] = t;
      }
    }
    const d = A[c * n + c]!;
    for (let j = 0; j < n; j++) { A[c * n + j] /= d; I[c * n + j] /= d; }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = A[r * n + c]!;
      if (f === 0) continue;
      for (let j = 0; j < n; j++) { A[r * n + j] -= f * A[c * n + j]!; I[r * n + j] -= f * I[c * n + j]!; }
    }
  }
  return { data: I, rows: n, cols: n };
}

/**
 * Moore-Penrose pseudo-inverse of A (m×n) through the SVD, as numpy.linalg.pinv: singular values
 * at or below rcond · S_max count as zero. Returns A⁺ (n×m) and the rank that cut-off gives.
 */
export function pinv(A: Matrix, rcond = 1e-15): { inverse: Matrix; rank: number } {
  const { data: a, rows: m, cols: n } = A;
  if (a.length !== m * n) throw new ShapeError(`linalg.pinv: expected ${m}×${n}, got ${a.length} values`);
  if (!(rcond >= 0)) throw new ArgumentError(`linalg.pinv: rcond must be >= 0, got ${rcond}`);
  const k = Math.min(m, n);
  const { U, S, Vt } = svdBuf(a, m, n); // U (m, k), S (k), Vt (k, n)
  const cutoff = rcond * (S[0] ?? 0);
  const out = new Float64Array(n * m);
  let rank = 0;
  for (let j = 0; j < k; j++) {
    const s = S[j]!;
    if (!(s > cutoff)) continue;
    rank++;
    for (let r = 0; r < n; r++) {
      const v = Vt[j * n + r]! / s;
      if (v === 0) continue;
      for (let c = 0; c < m; c++) out[r * m + c] += v * U[c * k + j]!;
    }
  }
  return { inverse: { data: out, rows: n, cols: m }, rank };
}

/**
 * Pseudo-inverse of a symmetric matrix (n×n) through its eigendecomposition, as
 * scipy.linalg.pinvh: eigenvalues with |λ| at or below rtol · max|λ| count as zero (default
 * rtol = n · eps, numpy's matrix_rank tolerance). Returns A⁺ and that rank.
 */
export function pinvh(A: Matrix, rtol = A.rows * Number.EPSILON): { inverse: Matrix; rank: number } {
  const n = checkSquare(A, 'linalg.pinvh');
  if (!(rtol >= 0)) throw new ArgumentError(`linalg.pinvh: rtol must be >= 0, got ${rtol}`);
  const { values, vectors } = eighBuf(A.data, n);
  let top = 0;
  for (let i = 0; i < n; i++) top = Math.max(top, Math.abs(values[i]!));
  const cutoff = rtol * top;
  const out = new Float64Array(n * n);
  let rank = 0;
  for (let k = 0; k < n; k++) {
    const l = values[k]!;
    if (!(Math.abs(l) > cutoff)) continue;
    rank++;
    for (let i = 0; i < n; i++) {
      const v = vectors[i * n + k]! / l;
      if (v === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += v * vectors[j * n + k]!;
    }
  }
  return { inverse: { data: out, rows: n, cols: n }, rank };
}
