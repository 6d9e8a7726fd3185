// clipGradNorm / clipGradValue against hand-computed values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, tensor, type Tensor } from '../../src/index.js';
import { clipGradNorm, clipGradValue } from '../../src/optim/index.js';

const vals = (t: Tensor | null): number[] => [...t!.dataSync()];
const f = Math.fround;
function setup(): Tensor[] {
  const a = tensor([[3, 4]]).requiresGrad_();
  const b = tensor([12]).requiresGrad_();
  const c = tensor([100]).requiresGrad_(); // no grad: ignored
  a.grad = tensor([[3, 4]]);
  b.grad = tensor([-12]);
  return [a, b, c];
}

test('clipGradNorm (2-norm): total over all grads, scaled by maxNorm / (total + 1e-6)', () => {
  const ps = setup();
  const total = clipGradNorm(ps, 6.5);
  assert.equal(total, 13); // sqrt(9 + 16 + 144)
  const k = 6.5 / (13 + 1e-6);
  assert.deepEqual(vals(ps[0]!.grad), [f(3 * k), f(4 * k)]);
  assert.deepEqual(vals(ps[1]!.grad), [f(-12 * k)]);
  assert.equal(ps[2]!.grad, null);
  // the new norm is maxNorm (up to the 1e-6 guard)
  assert.ok(Math.abs(clipGradNorm(ps, 100) - 6.5) < 1e-5);
});

test('clipGradNorm leaves grads alone when the norm is below maxNorm', () => {
  const ps = setup();
  assert.equal(clipGradNorm(ps, 20), 13);
  assert.deepEqual(vals(ps[0]!.grad), [3, 4]);
  assert.deepEqual(vals(ps[1]!.grad), [-12]);
});

test('clipGradNorm with the Infinity, 1, 3 and 0 norms', () => {
  let ps = setup();
  assert.equal(clipGradNorm(ps, 6, Infinity), 12);
  const k = 6 / (12 + 1e-6);
  assert.deepEqual(vals(ps[1]!.grad), [f(-12 * k)]);
  assert.deepEqual(vals(ps[0]!.grad), [f(3 * k), f(4 * k)]);
  ps = setup();
  assert.equal(clipGradNorm(ps, 100, 1), 19);
  ps = setup();
  assert.ok(Math.abs(clipGradNorm(ps, 100, 3) - Math.cbrt(27 + 64 + 1728)) < 1e-4);
  ps = setup();
  assert.equal(clipGradNorm(ps, 100, 0), 3);
});

test('clipGradNorm takes a single tensor, returns 0 without grads, validates', () => {
  const a = tensor([0.3, 0.4]).requiresGrad_();
  assert.equal(clipGradNorm(a, 1), 0);
  a.grad = tensor([3, 4]);
  assert.equal(clipGradNorm(a, 1), 5);
  assert.ok(Math.abs(vals(a.grad)[0]! - 0.6) < 1e-6);
  assert.throws(() => clipGradNorm(a, -1), ArgumentError);
  assert.throws(() => clipGradNorm(a, 1, -2), ArgumentError);
  a.grad = tensor([Infinity, 1]);
  assert.throws(() => clipGradNorm(a, 1, 2, { errorIfNonfinite: true }), /non-finite/);
});

test('clipGradValue clamps each element', () => {
  const ps = setup();
  clipGradValue(ps, 3.5);
  assert.deepEqual(vals(ps[0]!.grad), [3, 3.5]);
  assert.deepEqual(vals(ps[1]!.grad), [-3.5]);
  assert.throws(() => clipGradValue(ps, -1), ArgumentError);
});
