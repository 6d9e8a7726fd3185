// An allocation past the heap's maximum is a typed OutOfMemoryError naming the sizes, not
// WebAssembly's bare RangeError from Memory.grow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Heap } from '../../src/kernels/heap.js';
import { DeviceError, OutOfMemoryError } from '../../src/errors.js';

test('Heap.alloc past maximumPages throws OutOfMemoryError and leaves the heap usable', () => {
  const h = new Heap({ initialPages: 2, maximumPages: 64, shared: false }); // 4 MiB at most
  const a = h.alloc(1 << 20);
  assert.throws(() => h.alloc(8 << 20), (e: unknown) => e instanceof OutOfMemoryError && e instanceof DeviceError && /cannot allocate 8 MiB/.test(e.message) && /1 MiB in live tensors/.test(e.message));
  // the failed request took nothing: a block that fits still comes
  const b = h.alloc(1 << 20);
  assert.notEqual(a, b);
  assert.equal(h.bytesInUse, 2 << 20);
});
