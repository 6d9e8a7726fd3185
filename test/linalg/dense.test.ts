// Small dense linear algebra used by CSP and LDA: identities on random matrices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cholesky, eigh, eighGeneralized, inv, matmul, pinv, pinvh, solveSPD, svd, transpose } from '../../src/linalg/dense.js';
import { Generator } from '../../src/tensor/random.js';
import { ArgumentError, ShapeError } from '../../src/errors.js';

const g = new Generator(42);
const rand = (m: number, n: number) => Float64Array.from({ length: m * n }, () => g.normal());
function spd(n: number): Float64Array {
  const a = rand(n, n + 3);
  const s = matmul(a, transpose(a, n, n + 3), n, n + 3, n);
  for (let i = 0; i < n; i++) s[i * n + i] += 0.1;
  return s;
}
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
const eye = (n: number) => Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));

test('eigh: A V = V Λ, Vᵀ V = I, eigenvalues ascending', () => {
  for (const n of [1, 2, 5, 64]) {
    const A = spd(n);
    const { values, vectors } = eigh(A, n);
    for (let i = 1; i < n; i++) assert.ok(values[i]! >= values[i - 1]!);
    const AV = matmul(A, vectors, n, n, n);
    const VL = Float64Array.from(vectors, (v, i) => v * values[i % n]!);
    assert.ok(maxDiff(AV, VL) < 1e-9 * values[n - 1]!, `n=${n}`);
    assert.ok(maxDiff(matmul(transpose(vectors, n, n), vectors, n, n, n), eye(n)) < 1e-12);
  }
});

test('generalized eigh: A V = B V Λ with Vᵀ B V = I; Cholesky, SPD solve and inverse', () => {
  const n = 16;
  const A = spd(n);
  const B = spd(n);
  const { values, vectors } = eighGeneralized(A, B, n);
  const AV = matmul(A, vectors, n, n, n);
  const BV = matmul(B, vectors, n, n, n);
  assert.ok(maxDiff(AV, Float64Array.from(BV, (v, i) => v * values[i % n]!)) < 1e-8);
  assert.ok(maxDiff(matmul(transpose(vectors, n, n), BV, n, n, n), eye(n)) < 1e-10);
  const L = cholesky(B, n);
  assert.ok(maxDiff(matmul(L, transpose(L, n, n), n, n, n), B) < 1e-10);
  const R = rand(n, 3);
  assert.ok(maxDiff(matmul(B, solveSPD(B, R, n, 3), n, n, 3), R) < 1e-9);
  assert.ok(maxDiff(matmul(A, inv(A, n), n, n, n), eye(n)) < 1e-9);
  assert.throws(() => cholesky(Float64Array.from([1, 2, 2, 1]), 2), ArgumentError);
  assert.throws(() => inv(new Float64Array(4), 2), ArgumentError);
});

test('svd: A = U S Vᵀ, orthonormal factors, descending S, tall and wide', () => {
  for (const [m, n] of [[30, 6], [6, 30], [5, 5], [3, 1]] as const) {
    const A = rand(m, n);
    const { U, S, Vt } = svd(A, m, n);
    const k = Math.min(m, n);
    for (let i = 1; i < k; i++) assert.ok(S[i]! <= S[i - 1]!);
    const US = Float64Array.from(U, (u, i) => u * S[i % k]!);
    assert.ok(maxDiff(matmul(US, Vt, m, k, n), A) < 1e-12 * 100, `${m}x${n}`);
    assert.ok(maxDiff(matmul(transpose(U, m, k), U, k, m, k), eye(k)) < 1e-12);
    assert.ok(maxDiff(matmul(Vt, transpose(Vt, k, n), k, n, k), eye(k)) < 1e-12);
  }
});

/** max |a − b| relative to max |b|. */
function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 1e-300;
  for (let i = 0; i < b.length; i++) s = Math.max(s, Math.abs(b[i]!));
  return maxDiff(a, b) / s;
}

test('pinv: the four Moore-Penrose conditions and the rank on rank-deficient tall, wide and square matrices', () => {
  for (const [m, n, r] of [[30, 6, 4], [6, 30, 3], [8, 8, 5], [12, 7, 7]] as const) {
    const A = matmul(rand(m, r), rand(r, n), m, r, n); // rank r
    const { inverse: P, rank } = pinv(A, m, n);
    assert.equal(rank, r, `${m}x${n} rank`);
    const AP = matmul(A, P, m, n, m);
    const PA = matmul(P, A, n, m, n);
    assert.ok(relDiff(matmul(AP, A, m, m, n), A) < 1e-12, `A A⁺ A = A (${m}x${n})`);
    assert.ok(relDiff(matmul(PA, P, n, n, m), P) < 1e-12, `A⁺ A A⁺ = A⁺ (${m}x${n})`);
    assert.ok(relDiff(AP, transpose(AP, m, m)) < 1e-12, `A A⁺ symmetric (${m}x${n})`);
    assert.ok(relDiff(PA, transpose(PA, n, n)) < 1e-12, `A⁺ A symmetric (${m}x${n})`);
  }
  const S = spd(6);
  assert.ok(relDiff(pinv(S, 6, 6).inverse, inv(S, 6)) < 1e-12, 'full rank: the inverse');
  assert.deepEqual(Array.from(pinv(new Float64Array(6), 2, 3).inverse), [0, 0, 0, 0, 0, 0]);
  assert.throws(() => pinv(new Float64Array(5), 2, 3), ShapeError);
  assert.throws(() => pinv(new Float64Array(6), 2, 3, -1), ArgumentError);
});

test('pinvh: a covariance with duplicated and zero rows (silent and duplicated units) gives pinv\'s result and rank', () => {
  // 9 variables: 0..5 independent, 6 = a copy of 2, 7 and 8 silent
  const n = 9, T = 40;
  const base = rand(T, 6);
  const X = new Float64Array(T * n);
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < 6; j++) X[t * n + j] = base[t * 6 + j]!;
    X[t * n + 6] = base[t * 6 + 2]!;
  }
  const C = matmul(transpose(X, T, n), X, n, T, n);
  const h = pinvh(C, n);
  assert.equal(h.rank, 6);
  assert.ok(relDiff(h.inverse, pinv(C, n, n, n * Number.EPSILON).inverse) < 1e-10);
  assert.ok(relDiff(matmul(matmul(C, h.inverse, n, n, n), C, n, n, n), C) < 1e-12, 'C C⁺ C = C');
  for (let j = 0; j < n; j++) for (const z of [7, 8]) assert.equal(h.inverse[z * n + j], 0, 'silent rows stay zero');
  assert.ok(relDiff(pinvh(C.subarray(0, 0), 0).inverse, []) === 0);
  assert.throws(() => pinvh(new Float64Array(5), 2), ShapeError);
});
