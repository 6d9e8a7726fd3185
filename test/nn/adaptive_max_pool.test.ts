// nn.AdaptiveMaxPool1d/2d (returnIndices as PyTorch's return_indices) over F's adaptive max pooling,
// and the typed errors of adaptive max pooling and avg_pool2d's divisorOverride.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as D from '../../src/index.js';
import { nn } from '../../src/index.js';

test('AdaptiveMaxPool2d: values by default, {values, indices} with returnIndices; indices are flat in-plane positions of the maxima', () => {
  const x = D.tensor([[[1, 9, 2], [3, 4, 8], [7, 0, 5]]], { dtype: 'float32' }); // (1, 3, 3)
  const plain = new nn.AdaptiveMaxPool2d([2, 2]);
  const y: D.Tensor = plain.call(x);
  // windows rows [0,2) [1,3), cols [0,2) [1,3)
  assert.deepEqual(Array.from(y.dataSync()), [9, 9, 7, 8]);
  const withIdx = new nn.AdaptiveMaxPool2d([2, 2], { returnIndices: true });
  const r = withIdx.call(x);
  assert.deepEqual(Array.from(r.values.dataSync()), [9, 9, 7, 8]);
  assert.deepEqual(Array.from(r.indices.dataSync()), [1, 1, 6, 5]);
  assert.equal(r.indices.dtype, 'int32');
  assert.deepEqual(r.indices.shape, [1, 2, 2]);
  // ties: the first maximum in row-major order, as PyTorch
  const tie = D.adaptiveMaxPool2dWithIndices(D.ones([1, 1, 4, 4]), 2);
  assert.deepEqual(Array.from(tie.indices.dataSync()), [0, 2, 8, 10]);
});

test('AdaptiveMaxPool1d: (N, C, L) and (C, L); returnIndices gives positions along L', () => {
  const x = D.tensor([[[3, 1, 4, 1, 5, 9, 2, 6]]], { dtype: 'float32' });
  const r = new nn.AdaptiveMaxPool1d(3, { returnIndices: true }).call(x);
  // windows [0,3) [2,6) [5,8)
  assert.deepEqual(Array.from(r.values.dataSync()), [4, 9, 9]);
  assert.deepEqual(Array.from(r.indices.dataSync()), [2, 5, 5]);
  assert.deepEqual(new nn.AdaptiveMaxPool1d(2).call(D.randn([4, 10])).shape, [4, 2]);
});

test('adaptive max pooling and divisorOverride: bad sizes are typed errors naming the value', () => {
  assert.throws(() => D.adaptiveMaxPool2d(D.randn([1, 2, 4, 4]), [0, 2]), (e: Error) => e instanceof D.ArgumentError && /output size 0x2/.test(e.message));
  assert.throws(() => D.adaptiveMaxPool2d(D.randn([4, 4]), 2), D.ShapeError);
  assert.throws(() => D.adaptiveMaxPool1d(D.randn([2, 2, 2, 2]), 2), D.ShapeError);
  assert.throws(() => D.adaptiveMaxPool2d(D.tensor([1, 2, 3, 4], { dtype: 'int32' }).reshape(1, 2, 2), 1), D.DTypeError);
  assert.throws(() => D.avgPool2d(D.randn([1, 1, 4, 4]), 2, { divisorOverride: 0 }), (e: Error) => e instanceof D.ArgumentError && /divisorOverride .* got 0/.test(e.message));
  assert.throws(() => D.avgPool2d(D.randn([1, 1, 4, 4]), 2, { divisorOverride: 1.5 }), /1\.5/);
});
