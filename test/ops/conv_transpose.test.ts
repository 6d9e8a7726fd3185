// convTranspose runs as the input gradient of the matching convolution (no zero-stuffed input):
// one tape node over (x, w), the same values as the convolution's adjoint, and bad options refused.
// PyTorch goldens: test/golden_ops/volumetric.test.ts; gradchecks: test/autograd/gradcheck_volumetric.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as D from '../../src/index.js';
import { nextSerial } from '../../src/tensor/tensor.js';

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

test('convTranspose2d\'s weight gradient is conv2d\'s batch-folded helper: conv_transpose.ts runs no GEMM or im2col of its own', async () => {
  const { readFileSync } = await import('node:fs');
  const src = readFileSync('src/ops/conv_transpose.ts', 'utf8').replace(/\/\/.*|\/\*[\s\S]*?\*\//g, '');
  assert.ok(!/\.matmul\(|\.im2col\(/.test(src), 'conv_transpose.ts calls a GEMM or im2col itself');
  assert.match(src, /weightGradFolded\(/);
  // and the gradient is right: dw of convT(x, w) for two images, groups 2, equals the adjoint identity's
  const x = D.randn([2, 4, 3, 5], { dtype: 'float64' });
  const w = D.randn([4, 3, 2, 3], { dtype: 'float64', requiresGrad: true });
  const v = D.randn([2, 6, 6, 11], { dtype: 'float64' });
  D.convTranspose2d(x, w, null, { stride: 2, groups: 2 }).mul(v).sum().backward();
  // <convT(x, w), v> = <x, conv(v, w)> is linear in w: its gradient is that of the right side
  const w2leaf = D.tensor(w.dataSync(), { dtype: 'float64', requiresGrad: true });
  D.conv2d(v, w2leaf.reshape(4, 3, 2, 3), null, { stride: 2, groups: 2 }).mul(x).sum().backward();
  const a = w.grad!.dataSync(), b = w2leaf.grad!.dataSync();
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= 1e-12 * (1 + Math.abs(b[i]!)), `dw[${i}] ${a[i]} vs ${b[i]}`);
});

test('convTranspose1d checks its options once and makes no extra views: the handles of convTranspose2d on the unit-axis input, plus its two views and the squeeze', () => {
  const x = D.randn([2, 4, 7]);
  const w = D.randn([4, 6, 3]);
  const x4 = x.reshape(2, 4, 1, 7), w4 = w.reshape(4, 6, 1, 3);
  D.tidy(() => {
    const s0 = nextSerial();
    D.convTranspose2d(x4, w4, null, { stride: [1, 2], padding: [0, 1] });
    const s1 = nextSerial();
    const y = D.convTranspose1d(x, w, null, { stride: 2, padding: 1 });
    const s2 = nextSerial();
    assert.deepEqual(y.shape, [2, 6, 13]);
    assert.equal(s2 - s1, s1 - s0 + 3);
  });
});
