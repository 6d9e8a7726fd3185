// Autograd tape semantics: accumulation, retainGraph, noGrad, detach, seeds, shared
// subexpressions, and the errors for misuse.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as D from '../../src/index.js';
import { AutogradError, ShapeError, DendriteError, noGrad, enableGrad, isGradEnabled, type Tensor } from '../../src/index.js';

const vec = (data: number[], requiresGrad = true): Tensor => D.tensor(data, { dtype: 'float64', requiresGrad });
const arr = (t: Tensor | null): number[] => {
  assert.ok(t !== null, 'expected a gradient, got null');
  return [...t.dataSync()];
};
function close(a: number[], b: number[], tol = 1e-12): void {
  assert.equal(a.length, b.length, `length ${a.length} vs ${b.length}`);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) <= tol, `index ${i}: ${v} vs ${b[i]}`));
}

test('gradients accumulate over two backward calls', () => {
  const x = vec([1, -2, 3]);
  D.sum(D.mul(x, x)).backward(); // 2x
  close(arr(x.grad), [2, -4, 6]);
  D.sum(D.mul(x, 3)).backward(); // + 3
  close(arr(x.grad), [5, -1, 9]);
});

test('retainGraph: true allows a second backward through the same graph (and it accumulates)', () => {
  const x = vec([0.5, 1.5]);
  const y = D.sum(D.exp(x));
  y.backward(null, { retainGraph: true });
  close(arr(x.grad), [Math.exp(0.5), Math.exp(1.5)]);
  y.backward();
  close(arr(x.grad), [2 * Math.exp(0.5), 2 * Math.exp(1.5)]);
});

test('a second backward without retainGraph raises AutogradError', () => {
  const x = vec([0.5, 1.5]);
  const y = D.sum(D.mul(D.exp(x), x));
  y.backward();
  assert.throws(() => y.backward(), (e: unknown) => e instanceof AutogradError && /second time/.test(e.message) && /retainGraph/.test(e.message));
});

test('noGrad records nothing; enableGrad re-enables inside it', () => {
  const x = vec([1, 2]);
  const y = noGrad(() => {
    assert.equal(isGradEnabled(), false);
    const inner = enableGrad(() => D.mul(x, 2));
    assert.equal(inner.requiresGrad, true);
    assert.notEqual(inner.gradFn, null);
    return D.add(D.mul(x, x), 1);
  });
  assert.equal(isGradEnabled(), true);
  assert.equal(y.requiresGrad, false);
  assert.equal(y.gradFn, null);
  assert.throws(() => D.sum(y).backward(), AutogradError);
  assert.equal(x.grad, null);
});

test('noGrad restores the mode when its function throws', () => {
  assert.throws(() => noGrad(() => { throw new Error('boom'); }), /boom/);
  assert.equal(isGradEnabled(), true);
});

test('detach cuts the graph and shares storage', () => {
  const x = vec([1, 2, 3]);
  const d = x.detach();
  assert.equal(d.requiresGrad, false);
  assert.equal(d.gradFn, null);
  assert.equal(d.storage, x.storage);
  // y = sum(stop(x) * x): the gradient is x, not 2x
  D.sum(D.mul(d, x)).backward();
  close(arr(x.grad), [1, 2, 3]);
  // detaching an intermediate: nothing flows through the detached branch
  const z = vec([2, 4]);
  const e = D.exp(z);
  D.sum(D.add(D.mul(e.detach(), 1), D.mul(z, 2))).backward();
  close(arr(z.grad), [2, 2]);
});

test('backward on a non-scalar without a seed raises AutogradError naming the shape', () => {
  const x = vec([1, 2, 3]);
  const y = D.mul(x, 2);
  assert.throws(() => y.backward(), (e: unknown) => e instanceof AutogradError && /scalar/.test(e.message) && e.message.includes('(3,)'));
});

test('backward with a seed gradient computes the vector-Jacobian product', () => {
  const x = vec([1, 2, 3]);
  const y = D.mul(D.mul(x, x), 0.5); // dy/dx = x
  y.backward(D.tensor([1, 10, 100], { dtype: 'float64' }));
  close(arr(x.grad), [1, 20, 300]);
  // a 2-d output and broadcast input
  const a = vec([1, 2]);
  const b = D.tensor([[1, 2], [3, 4], [5, 6]], { dtype: 'float64', requiresGrad: true });
  const out = D.mul(a, b); // (3, 2)
  out.backward(D.tensor([[1, 0], [0, 1], [1, 1]], { dtype: 'float64' }));
  close(arr(a.grad), [1 + 5, 4 + 6]);
  close(arr(b.grad), [1, 0, 0, 2, 1, 2]);
});

test('a seed of the wrong shape raises ShapeError', () => {
  const x = vec([1, 2, 3]);
  assert.throws(() => D.mul(x, 2).backward(D.tensor([1, 2], { dtype: 'float64' })), ShapeError);
});

test('backward on a tensor that does not require grad raises AutogradError', () => {
  assert.throws(() => vec([1, 2], false).sum().backward(), AutogradError);
});

test('shared subexpression: x used twice (and a diamond) sums both paths', () => {
  const x = vec([0.5, -1, 2]);
  // y = x*x + x  ->  2x + 1
  D.sum(D.add(D.mul(x, x), x)).backward();
  close(arr(x.grad), [2, -1, 5]);
  // diamond: a = exp(x); y = a*a + sin(a)  ->  (2a + cos a)·a
  const z = vec([0.1, 0.7]);
  const a = D.exp(z);
  D.sum(D.add(D.mul(a, a), D.sin(a))).backward();
  const av = [Math.exp(0.1), Math.exp(0.7)];
  close(arr(z.grad), av.map((v) => (2 * v + Math.cos(v)) * v), 1e-12);
});

test('only leaves get .grad, unless retainGrad() is called', () => {
  const x = vec([1, 2]);
  const h = D.mul(x, 3);
  const k = D.mul(x, 4).retainGrad();
  D.sum(D.mul(h, k)).backward();
  assert.equal(h.grad, null);
  close(arr(k.grad), [3, 6]);
  close(arr(x.grad), [24, 48]); // d/dx 12x² = 24x
});

test('inputs that do not require grad get no gradient', () => {
  const x = vec([1, 2]);
  const c = vec([3, 4], false);
  D.sum(D.mul(x, c)).backward();
  close(arr(x.grad), [3, 4]);
  assert.equal(c.grad, null);
});

test('in-place ops on a tensor that requires grad are refused outside noGrad', () => {
  const x = vec([1, 2]);
  assert.throws(() => x.add_(1), DendriteError);
  noGrad(() => x.add_(1));
  close(arr(x), [2, 3]);
});

test('requiresGrad cannot be turned off on a non-leaf', () => {
  const y = D.mul(vec([1]), 2);
  assert.throws(() => {
    y.requiresGrad = false;
  }, DendriteError);
});

test('disposing a leaf frees its .grad too when .grad never handed it out (heap bytesInUse returns to where it was)', () => {
  const before = D.memoryStats().bytesInUse;
  const w = D.randn([256, 256], { requiresGrad: true });
  D.tidy(() => w.mul(w).sum().backward());
  const g = w.ownedGrad!; // looks without handing it out
  assert.ok(g !== null && D.memoryStats().bytesInUse >= before + 2 * 256 * 256 * 4);
  w.dispose();
  assert.equal(w.ownedGrad, null);
  assert.ok(g.isDisposed);
  assert.equal(D.memoryStats().bytesInUse, before);
});

test('a gradient read through .grad outlives its disposed leaf: g = x.grad; x.dispose(); g.dataSync()', () => {
  const before = D.memoryStats().bytesInUse;
  const x = vec([1, -2, 3]);
  D.tidy(() => x.mul(x).sum().backward());
  const g = x.grad!;
  x.dispose();
  assert.equal(x.ownedGrad, null);
  close(arr(g), [2, -4, 6]);
  g.dispose();
  assert.equal(D.memoryStats().bytesInUse, before);
});

test('tidy returning x.grad of a leaf made inside it: the gradient survives, everything else is freed', () => {
  const before = D.memoryStats().bytesInUse;
  const g = D.tidy(() => {
    const x = vec([1, -2, 3]);
    x.mul(x).sum().backward();
    return x.grad!;
  });
  assert.ok(!g.isDisposed);
  close(arr(g), [2, -4, 6]);
  g.dispose();
  assert.equal(D.memoryStats().bytesInUse, before);
});

test('a gradient read inside tidy but neither returned nor kept is freed with its leaf at the end of the scope', () => {
  const before = D.memoryStats().bytesInUse;
  let held: Tensor | null = null;
  const s = D.tidy(() => {
    const x = vec([1, -2, 3]);
    x.mul(x).sum().backward();
    held = x.grad!;
    x.dispose(); // the gradient goes back to this scope, not to the heap
    return held.sum().item();
  });
  assert.equal(s, 4);
  assert.ok(held!.isDisposed);
  assert.equal(D.memoryStats().bytesInUse, before);
});

test('a gradient read before a second backward keeps its values; the leaf gets the sum', () => {
  const x = vec([1, 2]);
  x.mul(x).sum().backward();
  const g1 = x.grad!;
  D.tidy(() => x.mul(x).sum().backward());
  assert.ok(!g1.isDisposed);
  close(arr(g1), [2, 4]);
  close(arr(x.grad), [4, 8]);
  g1.dispose();
  x.dispose();
});
