// avgPool2d with divisorOverride divides each window's sum once, as PyTorch: the values are the
// float32 quotients themselves, not a mean scaled back by size/d (two roundings, one ulp off).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as D from '../../src/index.js';

test('avgPool2d divisorOverride: [1, 2, 3, 4], kernel 2, d = 3 gives float32(10/3) = 3.3333333 and gradient float32(1/3)', () => {
  const x = D.tensor([1, 2, 3, 4], { requiresGrad: true });
  const y = D.avgPool2d(x.reshape(1, 1, 2, 2), 2, { divisorOverride: 3 });
  // PyTorch 1.13: F.avg_pool2d(x, 2, divisor_override=3).item() == 3.3333332538604736
  assert.equal(y.dataSync()[0], 3.3333332538604736);
  assert.equal(y.dataSync()[0], Math.fround(10 / 3));
  y.sum().backward();
  assert.deepEqual(Array.from(x.grad!.dataSync()), [1, 1, 1, 1].map(() => Math.fround(1 / 3)));
});

test('avgPool2d divisorOverride, k3 s2 p1 ceil over (1, 2, 3, 7) = 1..42: every value is float32(window sum / 5), as PyTorch', () => {
  const x = D.arange(1, 43, 1, { dtype: 'float32' }).reshape(1, 2, 3, 7);
  const y = D.avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, divisorOverride: 5 });
  assert.deepEqual(y.shape, [1, 2, 2, 4]);
  // PyTorch 1.13, F.avg_pool2d(torch.arange(1., 43.).reshape(1, 2, 3, 7), 3, 2, 1, True, divisor_override=5)
  const torch = [4.0, 7.800000190734863, 10.199999809265137, 8.0, 9.600000381469727, 16.200000762939453, 18.600000381469727, 13.600000381469727,
    20.799999237060547, 33.0, 35.400001525878906, 24.799999237060547, 26.399999618530273, 41.400001525878906, 43.79999923706055, 30.399999618530273];
  assert.deepEqual(Array.from(y.dataSync()), torch);
});
