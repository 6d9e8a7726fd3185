// The one Matrix type: constructors, conversions, checks, covariance helpers and least squares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asMatrix, checkMatrix, fromRows, matrix, toRows, wrap } from '../../src/linalg/matrix.js';
import { addScatter, empiricalCovariance, shrinkInPlace } from '../../src/linalg/covariance.js';
import { lstsq, lstsqSymmetric, ridgePath } from '../../src/linalg/lstsq.js';
import { matmul } from '../../src/linalg/dense.js';
import { ArgumentError, ShapeError } from '../../src/errors.js';

test('asMatrix takes nested rows, a {data, shape} buffer or a Matrix, and always copies', () => {
  const rows = [[1, 2, 3], [4, 5, 6]];
  const a = asMatrix(rows, 'op');
  assert.deepEqual([a.rows, a.cols, Array.from(a.data)], [2, 3, [1, 2, 3, 4, 5, 6]]);
  const src = Float32Array.from([1, 2, 3, 4, 5, 6]);
  const b = asMatrix({ data: src, shape: [3, 2] }, 'op');
  assert.deepEqual([b.rows, b.cols], [3, 2]);
  const m = wrap(Float64Array.from([1, 2]), 1, 2);
  const c = asMatrix(m, 'op');
  c.data[0] = 9;
  assert.equal(m.data[0], 1, 'a Matrix input is not aliased');
  assert.deepEqual(toRows(fromRows(rows)), rows);
  assert.throws(() => asMatrix([[1, 2], [3]], 'LDA.fit'), /LDA\.fit: row 1 has 1 values, expected 2/);
  assert.throws(() => asMatrix({ data: [1, 2, 3], shape: [2, 2] }, 'op'), ShapeError);
  assert.throws(() => asMatrix({ data: [1, 2], shape: [2] }, 'op'), ShapeError);
  assert.throws(() => matrix([1, 2, 3], 2, 2), ShapeError);
  assert.throws(() => checkMatrix(matrix([1, NaN], 1, 2), 'op', 'X'), (e: unknown) => e instanceof ArgumentError && /X\[0, 1\] is NaN/.test(e.message));
});

test('covariance helpers: scatter, centred covariance and shrinkage toward the scaled identity', () => {
  // two signals over four samples
  const data = Float64Array.from([1, 2, 3, 4, 2, 0, 2, 0]);
  const S = wrap(new Float64Array(4), 2, 2);
  addScatter(S, data, 0, 4);
  assert.deepEqual(Array.from(S.data), [30, 8, 8, 8]);
  const X = matrix([1, 2, 2, 0, 3, 2, 4, 0], 4, 2); // rows are samples
  const C = empiricalCovariance(X);
  assert.deepEqual(Array.from(C.data), [1.25, -0.5, -0.5, 1]);
  shrinkInPlace(C, 0.5);
  assert.deepEqual(Array.from(C.data), [0.625 + 0.5625, -0.25, -0.25, 0.5 + 0.5625]);
});

test('least squares on Matrix operands: ridge path, symmetric solve with the minimum-norm fallback', () => {
  const A = matrix([1, 0, 0, 1, 1, 1], 3, 2);
  const B = matrix([1, 2, 3], 3, 1);
  const X = lstsq(A, B);
  assert.deepEqual([X.rows, X.cols], [2, 1]);
  // normal equations: [[2,1],[1,2]] x = [4,5] → x = [1, 2]
  assert.ok(Math.abs(X.data[0]! - 1) < 1e-14 && Math.abs(X.data[1]! - 2) < 1e-14);
  const [r0, r1] = ridgePath(A, B, [0, 1]);
  assert.deepEqual(Array.from(r0!.data), Array.from(X.data));
  assert.ok(r1!.data[1]! < X.data[1]!, 'a penalty shrinks the weights');
  assert.throws(() => lstsq(A, matrix([1, 2], 2, 1)), ShapeError);
  // singular symmetric system: the minimum-norm solution (pinv · b)
  const G = matrix([1, 1, 1, 1], 2, 2);
  const x = lstsqSymmetric(G, matrix([2, 2], 2, 1));
  assert.ok(Math.abs(x.data[0]! - 1) < 1e-14 && Math.abs(x.data[1]! - 1) < 1e-14);
  assert.deepEqual(Array.from(matmul(G, x).data).map((v) => Math.round(v * 1e12) / 1e12), [2, 2]);
});
