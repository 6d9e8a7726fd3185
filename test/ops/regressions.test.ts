// Regression tests for op bugs found while writing the golden and gradcheck suites. Each
// reference value is computed by hand here (float64), following PyTorch's definition.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as D from '../../src/index.js';
import type { Tensor } from '../../src/index.js';

const vals = (t: Tensor | null): number[] => {
  assert.ok(t !== null, 'expected a tensor, got null');
  return [...t.dataSync()];
};
function close(a: number | number[], b: number | number[], tol = 1e-12): void {
  const x = typeof a === 'number' ? [a] : a;
  const y = typeof b === 'number' ? [b] : b;
  assert.equal(x.length, y.length, `length ${x.length} vs ${y.length}`);
  x.forEach((v, i) => assert.ok(Math.abs(v - y[i]!) <= tol * (1 + Math.abs(y[i]!)), `index ${i}: ${v} vs ${y[i]}`));
}

test('matmul of two vectors is a 0-d dot product (was: squeeze dim -2 IndexError)', () => {
  const a = D.tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
  const b = D.tensor([4, -5, 6], { dtype: 'float64', requiresGrad: true });
  const y = D.matmul(a, b);
  assert.deepEqual(y.shape, []);
  assert.equal(y.item(), 12);
  y.backward();
  assert.deepEqual(vals(a.grad), [4, -5, 6]);
  assert.deepEqual(vals(b.grad), [1, 2, 3]);
});

test('prod gradient at zeros is the product of the other elements (was NaN)', () => {
  // rows: no zero / one zero / two zeros
  const x = D.tensor([[2, 3, 4], [2, 0, 4], [0, 3, 0]], { dtype: 'float64', requiresGrad: true });
  D.sum(D.prod(x, 1)).backward();
  assert.deepEqual(vals(x.grad), [12, 8, 6, 0, 8, 0, 0, 0, 0]);
  const z = D.tensor([1.5, 0, -2], { dtype: 'float64', requiresGrad: true });
  D.prod(z).backward();
  assert.deepEqual(vals(z.grad), [0, -3, 0]);
});

test('crossEntropy label smoothing keeps the smoothing term of a class with weight 0', () => {
  // PyTorch masks only ignored targets out of the smoothing term; the old code masked on
  // "target weight > 0", dropping targets of a zero-weight class.
  const X = [[1, 2, 0.5], [0.3, -1, 2], [0.1, 0.2, 0.3]];
  const T = [0, 1, 2];
  const W = [0, 1, 2];
  const ls = 0.2;
  const C = 3;
  const nll: number[] = [];
  const smooth: number[] = [];
  for (let i = 0; i < 3; i++) {
    const row = X[i]!;
    const m = Math.max(...row);
    const lse = Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0)) + m;
    const lp = row.map((v) => v - lse);
    nll.push(-W[T[i]!]! * lp[T[i]!]!);
    smooth.push(-lp.reduce((a, v, c) => a + W[c]! * v, 0));
  }
  const wsum = T.reduce((a, t) => a + W[t]!, 0);
  const sumArr = (a: number[]) => a.reduce((p, q) => p + q, 0);
  const x = D.tensor(X, { dtype: 'float64' });
  const t = D.tensor(T, { dtype: 'int32' });
  const w = D.tensor(W, { dtype: 'float64' });
  const o = { weight: w, labelSmoothing: ls };
  close(vals(D.crossEntropy(x, t, { ...o, reduction: 'none' })), nll.map((n, i) => (1 - ls) * n + (ls / C) * smooth[i]!));
  close(D.crossEntropy(x, t, { ...o, reduction: 'sum' }).item(), (1 - ls) * sumArr(nll) + (ls / C) * sumArr(smooth));
  close(D.crossEntropy(x, t, { ...o, reduction: 'mean' }).item(), ((1 - ls) * sumArr(nll)) / wsum + ((ls / C) * sumArr(smooth)) / wsum);
  // ignored targets still drop out of both terms
  const ti = D.tensor([0, -100, 2], { dtype: 'int32' });
  const none = vals(D.crossEntropy(x, ti, { ...o, reduction: 'none' }));
  assert.equal(none[1], 0);
});

test('where treats any nonzero float condition as true (was: truncated to int, 0.5 -> false)', () => {
  const c = D.tensor([0.5, 0, -0.25, 2]);
  assert.deepEqual(vals(D.where(c, D.tensor([1, 1, 1, 1]), 0)), [1, 0, 1, 1]);
  const a = D.tensor([1, 2, 3, 4], { requiresGrad: true });
  D.sum(D.where(c, a, 0)).backward();
  assert.deepEqual(vals(a.grad), [1, 0, 1, 1]);
});

test('int32 tensors convert to float with .float()/.double()/to() (was: DTypeError)', () => {
  const i = D.tensor([3, -4], { dtype: 'int32' });
  assert.deepEqual(vals(i.float()), [3, -4]);
  assert.equal(i.double().dtype, 'float64');
  assert.equal(D.to(i, 'float32').requiresGrad, false);
  // float -> float still carries the gradient back in the source dtype
  const f = D.tensor([1.5], { requiresGrad: true });
  const g = f.double();
  D.sum(D.mul(g, g)).backward();
  assert.equal(f.grad!.dtype, 'float32');
  assert.deepEqual(vals(f.grad), [3]);
});

test('split and chunk refuse sizes that would never advance', () => {
  assert.throws(() => D.split(D.arange(6), 0), D.ShapeError);
  assert.throws(() => D.chunk(D.arange(6), 0), D.ShapeError);
  assert.deepEqual(D.split(D.arange(5), 2).map((t) => t.shape[0]), [2, 2, 1]);
});

test('mm and bmm take only 2-D / 3-D operands with equal batches (torch semantics); softplus refuses beta 0', () => {
  assert.throws(() => D.mm(D.zeros([2, 3, 4]), D.zeros([4, 2])), /mm: expected two 2-D tensors/);
  assert.throws(() => D.bmm(D.zeros([3, 4]), D.zeros([4, 2])), /bmm: expected two 3-D tensors/);
  assert.throws(() => D.bmm(D.zeros([2, 3, 4]), D.zeros([1, 4, 2])), D.ShapeError);
  assert.throws(() => D.softplus(D.zeros([2]), 0), D.ArgumentError);
  assert.deepEqual(D.bmm(D.ones([2, 1, 3]), D.ones([2, 3, 1])).shape, [2, 1, 1]);
});
