// A leaf's gradient made by backward for it alone becomes its .grad without a copy; a gradient
// handed to two leaves, or a seed the caller holds, is still copied.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend, crossEntropy, manualSeed, randn, tensor, tidy, type Tensor } from '../../src/index.js';
import { LeNet } from '../../src/models/lenet.js';

/** Runs `fn` counting the backend's copy calls. */
function countCopies(fn: () => void): number {
  const be = backend() as unknown as Record<string, unknown>;
  const copy = be['copy'] as (...a: unknown[]) => unknown;
  let n = 0;
  be['copy'] = (...a: unknown[]) => {
    n++;
    return copy(...a);
  };
  try {
    fn();
  } finally {
    be['copy'] = copy;
  }
  return n;
}

test('backward: a leaf whose gradient was made for it alone takes it without a copy', () => {
  const w = tensor([1, 2, 3]).requiresGrad_();
  const x = tensor([4, 5, 6]);
  const copies = countCopies(() => tidy(() => w.mul(x).sum().backward()));
  assert.equal(copies, 0);
  assert.deepEqual([...w.grad!.dataSync()], [4, 5, 6]);
});

test('backward: one gradient handed to two leaves gives each its own block', () => {
  const a = tensor([1, 2]).requiresGrad_();
  const b = tensor([3, 4]).requiresGrad_();
  // mul's backward makes a fresh contiguous gradient, which add hands to both leaves as it is
  tidy(() => a.add(b).mul(tensor([1, 1])).sum().backward());
  assert.notEqual(a.grad, b.grad);
  assert.notEqual(a.grad!.storage, b.grad!.storage);
  a.grad!.fill_(7);
  assert.deepEqual([...b.grad!.dataSync()], [1, 1]);
});

test('backward: a seed the caller passes is copied, never adopted', () => {
  const a = tensor([1, 2]).requiresGrad_();
  const seed = tensor([5, 6]);
  a.backward(seed);
  assert.notEqual(a.grad!.storage, seed.storage);
  seed.fill_(0);
  assert.deepEqual([...a.grad!.dataSync()], [5, 6]);
});

test('backward: LeNet gradients with adoption are bit-identical over repeated steps and survive the scope', () => {
  manualSeed(3);
  const m = new LeNet();
  const x = randn([4, 1, 28, 28]);
  const y = tensor([1, 2, 3, 4], { dtype: 'int32' });
  const grads = (): Float32Array[] => {
    for (const p of m.parameters()) {
      p.grad?.dispose();
      p.grad = null;
    }
    tidy(() => crossEntropy(m.call(x), y).backward());
    return m.parameters().map((p: Tensor) => p.grad!.dataSync() as Float32Array);
  };
  const first = grads();
  const second = grads();
  for (let i = 0; i < first.length; i++) assert.deepEqual(second[i], first[i]);
  // every parameter owns a distinct live block
  const blocks = new Set(m.parameters().map((p: Tensor) => p.grad!.storage));
  assert.equal(blocks.size, m.parameters().length);
});
