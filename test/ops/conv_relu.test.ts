// conv2dRelu (conv + ReLU as one op, the ReLU in place over the conv output) against relu(conv2d)
// as two ops: outputs and every gradient bit-identical, on each path conv2d takes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conv2d, conv2dRelu, manualSeed, randn, relu, tidy, type Conv2dOptions, type Tensor } from '../../src/index.js';
import { Conv2d } from '../../src/nn/conv.js';

interface Case { name: string; x: number[]; w: number[]; opts: Conv2dOptions; dtype?: 'float32' | 'float64' }

const cases: Case[] = [
  { name: 'LeNet conv1 (direct, padded)', x: [4, 1, 28, 28], w: [6, 1, 5, 5], opts: { padding: 2 } },
  { name: 'LeNet conv2 (im2col + GEMM)', x: [4, 6, 14, 14], w: [16, 6, 5, 5], opts: {} },
  { name: 'kernel over the whole image', x: [3, 4, 5, 5], w: [7, 4, 5, 5], opts: {} },
  { name: 'EEG spatial conv (columns in place)', x: [2, 1, 40, 6], w: [5, 1, 25, 6], opts: {} },
  { name: 'groups, stride, dilation', x: [2, 4, 11, 9], w: [6, 2, 3, 3], opts: { groups: 2, stride: 2, dilation: [1, 2], padding: 1 } },
  { name: 'float64', x: [2, 3, 8, 8], w: [4, 3, 3, 3], opts: { padding: 'same' }, dtype: 'float64' },
];

function run(c: Case, fused: boolean, gradSeed: Tensor): Float64Array[] {
  manualSeed(11);
  const dtype = c.dtype ?? 'float32';
  const x = randn(c.x, { dtype }).requiresGrad_();
  const w = randn(c.w, { dtype }).requiresGrad_();
  const b = randn([c.w[0]!], { dtype }).requiresGrad_();
  const y = tidy(() => {
    const out = fused ? conv2dRelu(x, w, b, c.opts) : relu(conv2d(x, w, b, c.opts));
    out.backward(gradSeed.shape.join() === out.shape.join() ? gradSeed : undefined);
    return out;
  });
  return [y, x.grad!, w.grad!, b.grad!].map((t) => Float64Array.from(t.dataSync()));
}

for (const c of cases) {
  test(`conv2dRelu: ${c.name}: output and gradients bit-identical to relu(conv2d)`, () => {
    const shape = tidy(() => conv2d(randn(c.x), randn(c.w), null, c.opts).shape);
    manualSeed(5);
    const seed = randn([...shape], { dtype: c.dtype ?? 'float32' });
    const fused = run(c, true, seed);
    const plain = run(c, false, seed);
    const names = ['y', 'dx', 'dw', 'db'];
    for (let i = 0; i < 4; i++) assert.deepEqual(fused[i], plain[i], `${names[i]} differs`);
    // the ReLU did clip: both signs reached the mask
    assert.ok(fused[0]!.some((v) => v === 0) && fused[0]!.some((v) => v > 0));
  });
}

test('Conv2d.callRelu: fused without hooks; with a hook, the hook sees the conv output before the ReLU', () => {
  manualSeed(2);
  const layer = new Conv2d(3, 4, 3, { padding: 1 });
  const x = randn([2, 3, 6, 6]);
  const plain = relu(layer.call(x)).dataSync();
  assert.deepEqual(layer.callRelu(x).dataSync(), plain);
  let seen: Float32Array | null = null;
  layer.registerForwardHook((_m, _i, out) => void (seen = (out as Tensor).dataSync() as Float32Array));
  assert.deepEqual(layer.callRelu(x).dataSync(), plain);
  assert.ok(seen !== null && (seen as Float32Array).some((v) => v < 0), 'the hook saw the pre-ReLU output');
});
