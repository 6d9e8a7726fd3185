// The volumetric and per-sample normalisation layers: shapes, state-dict keys as PyTorch names
// them, equality with their functional forms, and typed errors for bad shapes and arguments.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as D from '../../src/index.js';
import { ArgumentError, ShapeError } from '../../src/errors.js';

const { nn } = D;

test('MaxPool3d / AvgPool3d halve a 5-D volume and accept (C, D, H, W)', () => {
  const x = D.randn([2, 3, 8, 6, 4]);
  assert.deepEqual(new nn.MaxPool3d(2).forward(x).shape, [2, 3, 4, 3, 2]);
  assert.deepEqual(new nn.AvgPool3d([2, 3, 2], { stride: [2, 3, 2] }).forward(x).shape, [2, 3, 4, 2, 2]);
  assert.deepEqual(new nn.MaxPool3d(2).forward(D.randn([3, 8, 6, 4])).shape, [3, 4, 3, 2]);
  assert.throws(() => new nn.MaxPool3d(2).forward(D.randn([3, 8, 6])), ShapeError);
  assert.throws(() => D.maxPool3d(x, 2, { padding: 2 }), ArgumentError);
  assert.throws(() => D.maxPool3d(D.randn([1, 1, 1, 4, 4]), 2), ShapeError);
});

test('a max over a box equals the max over its voxels (hand-checked 2×2×2 block)', () => {
  const v = Array.from({ length: 8 }, (_, i) => (i * 37) % 11);
  const y = D.maxPool3d(D.tensor(v, { shape: [1, 1, 2, 2, 2] }), 2);
  assert.deepEqual([...y.dataSync()], [Math.max(...v)]);
  const a = D.avgPool3d(D.tensor(v, { shape: [1, 1, 2, 2, 2] }), 2);
  assert.ok(Math.abs(a.item() - v.reduce((s, x) => s + x, 0) / 8) < 1e-6);
});

test('BatchNorm3d takes (N, C, D, H, W) and names its state as PyTorch', () => {
  const bn = new nn.BatchNorm3d(3);
  const y = bn.forward(D.randn([2, 3, 4, 4, 4]));
  assert.deepEqual(y.shape, [2, 3, 4, 4, 4]);
  assert.deepEqual(Object.keys(bn.stateDict()).sort(), ['bias', 'num_batches_tracked', 'running_mean', 'running_var', 'weight']);
  assert.throws(() => bn.forward(D.randn([2, 3, 4, 4])), ShapeError);
});

test('GroupNorm equals groupNorm, normalises each group to zero mean and unit variance', () => {
  const gn = new nn.GroupNorm(2, 4);
  const x = D.randn([3, 4, 5, 5]);
  const y = gn.forward(x);
  const g = D.reshape(y, [3, 2, -1]);
  for (const m of D.mean(g, 2).dataSync()) assert.ok(Math.abs(m) < 1e-5);
  // 25·2 = 50 values per group: variance/(variance + eps) ≈ 1 − 1e-5, plus float32 rounding
  for (const v of D.variance(g, 2, { correction: 0 }).dataSync()) assert.ok(Math.abs(v - 1) < 1e-4, String(v));
  assert.throws(() => new nn.GroupNorm(3, 4), ArgumentError);
  assert.throws(() => D.groupNorm(x, 3), ArgumentError);
  assert.throws(() => D.groupNorm(x, 2, D.ones([3])), ShapeError);
});

test('LayerNorm normalises the trailing dims and keeps elementwise affine parameters', () => {
  const ln = new nn.LayerNorm([4, 5]);
  assert.deepEqual(ln.weight!.shape, [4, 5]);
  const y = ln.forward(D.randn([2, 3, 4, 5]));
  for (const m of D.mean(y, [2, 3]).dataSync()) assert.ok(Math.abs(m) < 1e-5);
  assert.throws(() => ln.forward(D.randn([2, 3, 5, 4])), ShapeError);
});

test('Upsample doubles a volume; interpolate refuses bad modes, sizes and scale factors', () => {
  const x = D.randn([1, 2, 3, 4, 5]);
  assert.deepEqual(new nn.Upsample({ scaleFactor: 2, mode: 'trilinear' }).forward(x).shape, [1, 2, 6, 8, 10]);
  assert.deepEqual(D.interpolate(x, { size: [2, 2, 2] }).shape, [1, 2, 2, 2, 2]);
  assert.throws(() => D.interpolate(x, { scaleFactor: 2, mode: 'bilinear' }), ArgumentError);
  assert.throws(() => D.interpolate(x, { scaleFactor: 2, size: 4 }), ArgumentError);
  assert.throws(() => D.interpolate(x, { scaleFactor: -1 }), ArgumentError);
  assert.throws(() => D.interpolate(x, { size: [2, 2] }), ShapeError);
  assert.throws(() => D.interpolate(x, { scaleFactor: 2, alignCorners: true }), ArgumentError);
  assert.throws(() => D.interpolate(D.randn([4, 4]), { scaleFactor: 2 }), ShapeError);
});

test('nearest upsampling by 2 repeats every voxel 2×2×2 times', () => {
  const x = D.tensor([1, 2, 3, 4, 5, 6, 7, 8], { shape: [1, 1, 2, 2, 2] });
  const y = D.interpolate(x, { scaleFactor: 2 }).dataSync();
  // voxel (d, h, w) of the output comes from (d>>1, h>>1, w>>1)
  for (let d = 0; d < 4; d++) for (let h = 0; h < 4; h++) for (let w = 0; w < 4; w++) {
    assert.equal(y[(d * 4 + h) * 4 + w], 1 + ((d >> 1) * 2 + (h >> 1)) * 2 + (w >> 1));
  }
});

test('ConvTranspose2d inverts a stride-2 conv\'s shape and initialises from its (C_in, C_out/g, k…) weight', () => {
  const ct = new nn.ConvTranspose2d(4, 6, 2, { stride: 2, groups: 2 });
  assert.deepEqual(ct.weight.shape, [4, 3, 2, 2]);
  // PyTorch's bound: 1/sqrt(fan_in), fan_in = (C_out/g)·kh·kw = 12
  const bound = 1 / Math.sqrt(12);
  for (const v of ct.bias!.dataSync()) assert.ok(Math.abs(v) <= bound);
  assert.deepEqual(ct.forward(D.randn([2, 4, 5, 7])).shape, [2, 6, 10, 14]);
  assert.deepEqual(new nn.ConvTranspose1d(3, 2, 3, { stride: 2, padding: 1, outputPadding: 1 }).forward(D.randn([1, 3, 6])).shape, [1, 2, 12]);
  assert.throws(() => new nn.ConvTranspose2d(3, 4, 2, { groups: 2 }), ArgumentError);
  assert.throws(() => D.convTranspose2d(D.randn([1, 4, 3, 3]), D.randn([3, 2, 2, 2])), ShapeError);
  assert.throws(() => D.convTranspose2d(D.randn([1, 2, 3, 3]), D.randn([2, 2, 2, 2]), null, { stride: 2, outputPadding: 2 }), ArgumentError);
});
