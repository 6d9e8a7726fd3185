// Backward refuses to use a tensor that was written in place after an op saved it for its
// gradient (torch's "modified by an inplace operation" check, via the storage version counter);
// ops whose gradients do not read a tensor's values do not save it, so writing it is fine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AutogradError, conv2d, exp, linear, manualSeed, matmul, mul, noGrad, optim, randn, relu, sum, add, softmax, tensor } from '../../src/index.js';

const modified = /modified by an in-place operation/;

test('mul: writing the other factor in place before backward is refused, naming the op', () => {
  const a = randn([3, 4], { requiresGrad: true });
  const b = randn([3, 4]);
  const y = sum(mul(a, b));
  noGrad(() => b.mul_(2));
  assert.throws(() => y.backward(), (e: unknown) => e instanceof AutogradError && modified.test((e as Error).message) && /mul/.test((e as Error).message));
});

test('exp, softmax and relu save what their gradients read (the output, the output, the input)', () => {
  const x = randn([5], { requiresGrad: true });
  const e = exp(x);
  const y1 = sum(e);
  noGrad(() => e.add_(1));
  assert.throws(() => y1.backward(), modified);

  const s = softmax(randn([2, 3], { requiresGrad: true }), 1);
  const y2 = sum(mul(s, tensor([[1, 2, 3], [4, 5, 6]])));
  noGrad(() => s.mul_(0.5));
  assert.throws(() => y2.backward(), modified);

  const h = mul(randn([4], { requiresGrad: true }), 1.5);
  const y3 = sum(relu(h));
  noGrad(() => h.fill_(-1));
  assert.throws(() => y3.backward(), modified);
});

test('a write through a view of a saved tensor is seen (views share the version)', () => {
  const a = randn([4, 4], { requiresGrad: true });
  const b = randn([4, 4]);
  const y = sum(matmul(a, b));
  noGrad(() => b.narrow(0, 1, 2).fill_(0));
  assert.throws(() => y.backward(), modified);
});

test('writing a tensor that no gradient reads is allowed, and gradients are right', () => {
  const a = randn([3], { requiresGrad: true });
  const b = randn([3]);
  const y = sum(add(a, b)); // add's gradient does not read a or b
  noGrad(() => b.mul_(3));
  y.backward();
  assert.deepEqual([...a.grad!.dataSync()], [1, 1, 1]);
  // a clone taken before the write keeps the original values for the gradient
  const c = randn([3]);
  const cc = c.clone();
  const z = sum(mul(a, cc));
  a.grad = null;
  noGrad(() => c.mul_(2));
  z.backward();
  assert.deepEqual([...a.grad!.dataSync()], [...cc.dataSync()]);
});

test('conv2d and linear: a weight changed by an optimizer step between forward and a retained second backward is refused', () => {
  manualSeed(2);
  const x = randn([2, 1, 6, 6]);
  const w = randn([3, 1, 3, 3], { requiresGrad: true });
  const y = sum(conv2d(relu(conv2d(x, w, null, { padding: 1 })), randn([2, 3, 3, 3])));
  y.backward(undefined, { retainGraph: true });
  const opt = new optim.SGD([w], { lr: 0.1 });
  opt.step();
  // a fresh graph reads the new w: fine
  sum(conv2d(randn([2, 1, 6, 6], { requiresGrad: true }), w.detach())).backward();
  // the retained graph's first conv saved x and the old w
  assert.throws(() => y.backward(), modified);

  const W = randn([4, 5], { requiresGrad: true });
  const X = randn([2, 5], { requiresGrad: true });
  const out = sum(linear(X, W));
  noGrad(() => W.mul_(2));
  assert.throws(() => out.backward(), modified);
});
