// convTranspose runs as the input gradient of the matching convolution (no zero-stuffed input):
// one tape node over (x, w), the same values as the convolution's adjoint, and bad options refused.
// PyTorch goldens: test/golden_ops/volumetric.test.ts; gradchecks: test/autograd/gradcheck_volumetric.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as D from '../../src/index.js';

test('convTranspose2d/3d are one tape node over (x, w) (bias added after), not a convolution of a stuffed input', () => {
  const x = D.randn([1, 4, 5, 6], { requiresGrad: true });
  const w = D.randn([4, 3, 2, 2], { requiresGrad: true });
  const y = D.convTranspose2d(x, w, null, { stride: 2 });
  assert.equal(y.gradFn?.name, 'convTranspose2d');
  assert.deepEqual(y.gradFn!.inputs, [x, w]);
  const x3 = D.randn([1, 2, 3, 3, 3], { requiresGrad: true });
  const w3 = D.randn([2, 2, 2, 2, 2], { requiresGrad: true });
  const y3 = D.convTranspose3d(x3, w3, null, { stride: 2 });
  assert.equal(y3.gradFn?.name, 'convTranspose3d');
  assert.deepEqual(y3.shape, [1, 2, 6, 6, 6]);
});

test('convTranspose is the adjoint of conv: <convT(x, w), v> = <x, conv(v, w)> (2-D and 3-D, stride, padding, dilation, groups)', () => {
  const dot = (a: D.Tensor, b: D.Tensor): number => {
    const av = a.dataSync(), bv = b.dataSync();
    let s = 0;
    for (let i = 0; i < av.length; i++) s += av[i]! * bv[i]!;
    return s;
  };
  const o2 = { stride: [2, 3] as const, padding: [1, 0] as const, dilation: [1, 2] as const, groups: 2 };
  const x = D.randn([2, 4, 5, 4], { dtype: 'float64' });
  const w = D.randn([4, 3, 3, 2], { dtype: 'float64' });
  const y = D.convTranspose2d(x, w, null, { ...o2, stride: [...o2.stride], padding: [...o2.padding], dilation: [...o2.dilation] });
  const v = D.randn(y.shape as number[], { dtype: 'float64' });
  const cv = D.conv2d(v, w, null, { stride: [2, 3], padding: [1, 0], dilation: [1, 2], groups: 2 });
  assert.ok(Math.abs(dot(y, v) - dot(x, cv)) < 1e-10 * Math.abs(dot(y, v)) + 1e-10);
  const x3 = D.randn([1, 2, 3, 2, 3], { dtype: 'float64' });
  const w3 = D.randn([2, 3, 3, 2, 2], { dtype: 'float64' });
  const y3 = D.convTranspose3d(x3, w3, null, { stride: 2, padding: 1, dilation: [1, 2, 1] });
  const v3 = D.randn(y3.shape as number[], { dtype: 'float64' });
  const cv3 = D.conv3d(v3, w3, null, { stride: 2, padding: 1, dilation: [1, 2, 1] });
  assert.ok(Math.abs(dot(y3, v3) - dot(x3, cv3)) < 1e-10 * Math.abs(dot(y3, v3)) + 1e-10);
});

test('convTranspose: bad options and shapes are typed errors naming the value', () => {
  const x = D.randn([1, 2, 4, 4]);
  const w = D.randn([2, 3, 3, 3]);
  assert.throws(() => D.convTranspose2d(x, w, null, { outputPadding: 1 }), (e: Error) => e instanceof D.ArgumentError && /outputPadding 1/.test(e.message));
  assert.throws(() => D.convTranspose2d(x, w, null, { padding: 4 }), (e: Error) => e instanceof D.ShapeError && /output size -2/.test(e.message));
  assert.throws(() => D.convTranspose2d(x, D.randn([3, 3, 3, 3])), D.ShapeError);
  assert.throws(() => D.convTranspose2d(x, w, D.randn([2])), /bias/);
  assert.throws(() => D.convTranspose2d(x, w.to('float64')), D.DTypeError);
  assert.throws(() => D.convTranspose1d(D.randn([1, 2, 4]), D.randn([2, 1, 3]), null, { stride: 0 }), D.ArgumentError);
});
