// Small dense linear algebra used by CSP, LDA and the spike decoders: identities on random matrices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cholesky, eigh, eighGeneralized, inv, matmul, pinv, pinvh, solveSPD, svd, transpose } from '../../src/linalg/dense.js';
import { identity, wrap, type Matrix } from '../../src/linalg/matrix.js';
import { Generator } from '../../src/tensor/random.js';
import { ArgumentError, ShapeError } from '../../src/errors.js';

const g = new Generator(42);
const rand = (m: number, n: number): Matrix => wrap(Float64Array.from({ length: m * n }, () => g.normal()), m, n);
function spd(n: number): Matrix {
  const a = rand(n, n + 3);
  const s = matmul(a, transpose(a));
  for (let i = 0; i < n; i++) s.data[i * n + i] += 0.1;
  return s;
}
const buf = (a: Matrix | ArrayLike<number>): ArrayLike<number> => ('rows' in a ? a.data : a);
function maxDiff(x: Matrix | ArrayLike<number>, y: Matrix | ArrayLike<number>): number {
  const a = buf(x), b = buf(y);
  assert.equal(a.length, b.length, 'sizes differ');
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
const eye = (n: number) => identity(n);
const scaleCols = (a: Matrix, v: Float64Array): Matrix => wrap(Float64Array.from(a.data, (x, i) => x * v[i % a.cols]!), a.rows, a.cols);

test('eigh: A V = V Λ, Vᵀ V = I, eigenvalues ascending', () => {
  for (const n of [1, 2, 5, 64]) {
    const A = spd(n);
    const { values, vectors } = eigh(A);
    for (let i = 1; i < n; i++) assert.ok(values[i]! >= values[i - 1]!);
    const AV = matmul(A, vectors);
    const VL = scaleCols(vectors, values);
    assert.ok(maxDiff(AV, VL) < 1e-9 * values[n - 1]!, `n=${n}`);
    assert.ok(maxDiff(matmul(transpose(vectors), vectors), eye(n)) < 1e-12);
  }
});

test('generalized eigh: A V = B V Λ with Vᵀ B V = I; Cholesky, SPD solve and inverse', () => {
  const n = 16;
  const A = spd(n);
  const B = spd(n);
  const { values, vectors } = eighGeneralized(A, B);
  const AV = matmul(A, vectors);
  const BV = matmul(B, vectors);
  assert.ok(maxDiff(AV, scaleCols(BV, values)) < 1e-8);
  assert.ok(maxDiff(matmul(transpose(vectors), BV), eye(n)) < 1e-10);
  const L = cholesky(B);
  assert.ok(maxDiff(matmul(L, transpose(L)), B) < 1e-10);
  const R = rand(n, 3);
  const X = solveSPD(B, R);
  assert.deepEqual([X.rows, X.cols], [n, 3]);
  assert.ok(maxDiff(matmul(B, X), R) < 1e-9);
  assert.ok(maxDiff(matmul(A, inv(A)), eye(n)) < 1e-9);
  assert.throws(() => cholesky(wrap(Float64Array.from([1, 2, 2, 1]), 2, 2)), ArgumentError);
  assert.throws(() => inv(wrap(new Float64Array(4), 2, 2)), ArgumentError);
});

test('shapes travel with the matrix: mismatched operands are ShapeErrors naming the op and sizes', () => {
  assert.throws(() => matmul(rand(2, 3), rand(2, 3)), (e: unknown) => e instanceof ShapeError && /linalg\.matmul: \(2, 3\) @ \(2, 3\)/.test(e.message));
  assert.throws(() => solveSPD(spd(3), rand(4, 1)), ShapeError);
  assert.throws(() => eighGeneralized(spd(3), spd(4)), ShapeError);
  assert.throws(() => eigh(rand(2, 3)), /linalg\.eigh: expected a square matrix, got \(2, 3\)/);
  assert.throws(() => inv({ data: new Float64Array(3), rows: 2, cols: 2 }), ShapeError);
  const t = transpose(rand(2, 5));
  assert.deepEqual([t.rows, t.cols], [5, 2]);
});

test('svd: A = U S Vᵀ, orthonormal factors, descending S, tall and wide', () => {
  for (const [m, n] of [[30, 6], [6, 30], [5, 5], [3, 1]] as const) {
    const A = rand(m, n);
    const { U, S, Vt } = svd(A);
    const k = Math.min(m, n);
    assert.deepEqual([U.rows, U.cols, Vt.rows, Vt.cols], [m, k, k, n]);
    for (let i = 1; i < k; i++) assert.ok(S[i]! <= S[i - 1]!);
    const US = scaleCols(U, S);
    assert.ok(maxDiff(matmul(US, Vt), A) < 1e-12 * 100, `${m}x${n}`);
    assert.ok(maxDiff(matmul(transpose(U), U), eye(k)) < 1e-12);
    assert.ok(maxDiff(matmul(Vt, transpose(Vt)), eye(k)) < 1e-12);
  }
});

/** max |a − b| relative to max |b|. */
function relDiff(a: Matrix | ArrayLike<number>, y: Matrix | ArrayLike<number>): number {
  const b = buf(y);
  let s = 1e-300;
  for (let i = 0; i < b.length; i++) s = Math.max(s, Math.abs(b[i]!));
  return maxDiff(a, b) / s;
}

test('pinv: the four Moore-Penrose conditions and the rank on rank-deficient tall, wide and square matrices', () => {
  for (const [m, n, r] of [[30, 6, 4], [6, 30, 3], [8, 8, 5], [12, 7, 7]] as const) {
    const A = matmul(rand(m, r), rand(r, n)); // rank r
    const { inverse: P, rank } = pinv(A);
    assert.equal(rank, r, `${m}x${n} rank`);
    assert.deepEqual([P.rows, P.cols], [n, m]);
    const AP = matmul(A, P);
    const PA = matmul(P, A);
    assert.ok(relDiff(matmul(AP, A), A) < 1e-12, `A A⁺ A = A (${m}x${n})`);
    assert.ok(relDiff(matmul(PA, P), P) < 1e-12, `A⁺ A A⁺ = A⁺ (${m}x${n})`);
    assert.ok(relDiff(AP, transpose(AP)) < 1e-12, `A A⁺ symmetric (${m}x${n})`);
    assert.ok(relDiff(PA, transpose(PA)) < 1e-12, `A⁺ A symmetric (${m}x${n})`);
  }
  const S = spd(6);
  assert.ok(relDiff(pinv(S).inverse, inv(S)) < 1e-12, 'full rank: the inverse');
  assert.deepEqual(Array.from(pinv(wrap(new Float64Array(6), 2, 3)).inverse.data), [0, 0, 0, 0, 0, 0]);
  assert.throws(() => pinv({ data: new Float64Array(5), rows: 2, cols: 3 }), ShapeError);
  assert.throws(() => pinv(wrap(new Float64Array(6), 2, 3), -1), ArgumentError);
});

test('pinvh: a covariance with duplicated and zero rows (silent and duplicated units) gives pinv\'s result and rank', () => {
  // 9 variables: 0..5 independent, 6 = a copy of 2, 7 and 8 silent
  const n = 9, T = 40;
  const base = rand(T, 6);
  const X = wrap(new Float64Array(T * n), T, n);
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < 6; j++) X.data[t * n + j] = base.data[t * 6 + j]!;
    X.data[t * n + 6] = base.data[t * 6 + 2]!;
  }
  const C = matmul(transpose(X), X);
  const h = pinvh(C);
  assert.equal(h.rank, 6);
  assert.ok(relDiff(h.inverse, pinv(C, n * Number.EPSILON).inverse) < 1e-10);
  assert.ok(relDiff(matmul(matmul(C, h.inverse), C), C) < 1e-12, 'C C⁺ C = C');
  for (let j = 0; j < n; j++) for (const z of [7, 8]) assert.equal(h.inverse.data[z * n + j], 0, 'silent rows stay zero');
  assert.ok(relDiff(pinvh(wrap(new Float64Array(0), 0, 0)).inverse, []) === 0);
  assert.throws(() => pinvh({ data: new Float64Array(5), rows: 2, cols: 2 }), ShapeError);
});
