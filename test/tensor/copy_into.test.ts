// copyInto: a tensor's elements written straight into a caller's typed array (contiguous or
// not), with typed errors for a dtype or size that does not fit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DTypeError, ShapeError } from '../../src/errors.js';
import { arange, tensor } from '../../src/tensor/creation.js';
import { reshape, transpose } from '../../src/ops/movement.js';
import { copyInto } from '../../src/tensor/copy_into.js';

test('copyInto: contiguous and strided tensors land row-major at the offset, the rest untouched', () => {
  const t = reshape(arange(0, 6, 1, { dtype: 'float32' }), [2, 3]);
  const dst = new Float32Array(10).fill(-1);
  copyInto(t, dst, 2);
  assert.deepEqual([...dst], [-1, -1, 0, 1, 2, 3, 4, 5, -1, -1]);
  const tt = transpose(t, 0, 1); // (3, 2), not contiguous
  copyInto(tt, dst, 4);
  assert.deepEqual([...dst.subarray(4)], [...tt.dataSync()]);
  const ints = new Int32Array(new SharedArrayBuffer(12));
  copyInto(tensor(new Int32Array([7, -8, 9])), ints);
  assert.deepEqual([...ints], [7, -8, 9]);
});

test('copyInto: a dtype or a size that does not fit raises a typed error', () => {
  assert.throws(() => copyInto(tensor([1, 2]), new Int32Array(2)), (e: Error) => e instanceof DTypeError && /tensor is float32, the destination holds int32/.test(e.message));
  assert.throws(() => copyInto(tensor([1, 2, 3]), new Float32Array(4), 2), (e: Error) => e instanceof ShapeError && /3 elements at 2 do not fit a destination of 4/.test(e.message));
  assert.throws(() => copyInto(tensor([1]), new Float32Array(4), -1), ShapeError);
});
