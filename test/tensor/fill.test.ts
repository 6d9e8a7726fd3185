// How data enters a tensor from the floors above the heap: Tensor.fromFn (a fill callback),
// fromValues/tensor() from typed arrays, writeSync (in-place engine writes) and memoryStats.
// These are the only writes above src/tensor (test/architecture/heap_floors.test.ts), so each
// is checked for layout, dtype, bounds and what it frees when the fill fails.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, IndexError, ShapeError, Tensor, memoryStats, tensor, tidy } from '../../src/index.js';
import { fromValues } from '../../src/tensor/tensor.js';

test('Tensor.fromFn: the callback fills numel elements in row-major order, in the dtype asked for', () => {
  tidy(() => {
    const lens: number[] = [];
    const a = Tensor.fromFn([2, 3], 'float32', (v) => {
      lens.push(v.length);
      assert.ok(v instanceof Float32Array);
      for (let i = 0; i < v.length; i++) v[i] = i + 0.5;
    });
    const b = Tensor.fromFn([3], 'float64', (v) => {
      assert.ok(v instanceof Float64Array);
      v.set([1 / 3, 2 / 3, 1]);
    });
    const c = Tensor.fromFn([2, 2], 'int32', (v) => {
      assert.ok(v instanceof Int32Array);
      v.set([-2, 7, 2147483647, 0]);
    });
    const e = Tensor.fromFn([0, 4], 'float32', (v) => lens.push(v.length));
    assert.deepEqual(lens, [6, 0]);
    assert.deepEqual(a.shape, [2, 3]);
    assert.ok(a.isContiguous());
    assert.deepEqual(a.tolist(), [[0.5, 1.5, 2.5], [3.5, 4.5, 5.5]]);
    assert.deepEqual([...b.dataSync()], [1 / 3, 2 / 3, 1]);
    assert.equal(c.dtype, 'int32');
    assert.deepEqual(c.tolist(), [[-2, 7], [2147483647, 0]]);
    assert.deepEqual(e.shape, [0, 4]);
  });
});

test('Tensor.fromFn: the callback sees only its own elements (writes past the end do not reach a neighbour)', () => {
  tidy(() => {
    const before = tensor([1, 2, 3, 4]);
    const t = Tensor.fromFn([2], 'float32', (v) => {
      for (let i = 0; i < 64; i++) v[i] = 9;
    });
    const after = tensor([5, 6, 7, 8]);
    assert.deepEqual([...t.dataSync()], [9, 9]);
    assert.deepEqual([...before.dataSync()], [1, 2, 3, 4]);
    assert.deepEqual([...after.dataSync()], [5, 6, 7, 8]);
  });
});

test('Tensor.fromFn: a throwing fill frees the block and passes the error on; bad shapes are ShapeErrors', () => {
  const t0 = tensor([0]); // the heap exists and the size class of 4096 floats is warm
  Tensor.fromFn([4096], 'float32', () => {}).dispose();
  const inUse = memoryStats().bytesInUse;
  assert.throws(() => Tensor.fromFn([4096], 'float32', () => {
    throw new IndexError('fill: index 9 out of range');
  }), (e: unknown) => e instanceof IndexError && e.message === 'fill: index 9 out of range');
  assert.equal(memoryStats().bytesInUse, inUse, 'the failed tensor\'s block is released at once');
  assert.throws(() => Tensor.fromFn([2, -1], 'float32', () => {}), (e: unknown) => e instanceof ShapeError && /-1/.test(e.message));
  t0.dispose();
});

test('memoryStats: bytes in use follow allocation and disposal; the high-water mark covers them', () => {
  const s0 = memoryStats();
  const t = Tensor.fromFn([1000], 'float64', (v) => v.fill(1));
  const s1 = memoryStats();
  assert.ok(s1.bytesInUse - s0.bytesInUse >= 8000, `${s1.bytesInUse} - ${s0.bytesInUse}`);
  assert.ok(s1.highWaterBytes >= s1.bytesInUse);
  t.dispose();
  assert.equal(memoryStats().bytesInUse, s0.bytesInUse);
});

test('writeSync: writes a range of a contiguous tensor in place and moves its version', () => {
  tidy(() => {
    const t = tensor([0, 0, 0, 0, 0]);
    const v0 = t.version;
    t.writeSync(Float64Array.of(1.25, 2.5), 1);
    t.writeSync([7], 4);
    assert.deepEqual([...t.dataSync()], [0, 1.25, 2.5, 0, 7]);
    assert.equal(t.version, v0 + 2);
    const i = tensor(Int32Array.of(0, 0));
    i.writeSync([2.9, -2.9]);
    assert.deepEqual([...i.dataSync()], [2, -2], 'int32 truncates as fromValues does');
  });
});

test('writeSync: refuses a non-contiguous view and a range past the end (ShapeError, naming writeSync)', () => {
  tidy(() => {
    const t = tensor([[1, 2], [3, 4]]);
    assert.throws(() => t.t().writeSync([0]), (e: unknown) => e instanceof ShapeError && e.message.includes('writeSync') && e.message.includes('not contiguous'));
    assert.throws(() => t.writeSync([1, 2], 3), (e: unknown) => e instanceof ShapeError && e.message.includes('writeSync') && e.message.includes('from element 3'));
    assert.throws(() => t.writeSync([1], -1), ShapeError);
    assert.deepEqual(t.tolist(), [[1, 2], [3, 4]], 'nothing written on refusal');
  });
});

test('fromValues: an Int32Array copies as one block into int32 and converts into float dtypes', () => {
  tidy(() => {
    const src = Int32Array.of(-2147483648, -1, 0, 2147483647);
    assert.deepEqual([...fromValues(src, [4], 'int32').dataSync()], [...src]);
    assert.deepEqual([...fromValues(src, [4], 'float64').dataSync()], [...src]);
    assert.deepEqual([...fromValues([1.9, -1.9], [2], 'int32').dataSync()], [1, -1]);
  });
});

test('dropout draws its mask from the generator once per element, in order: a seeded run is the reference stream', () => {
  tidy(() => {
    for (const dtype of ['float32', 'float64'] as const) {
      const p = 0.3;
      const x = Tensor.fromFn([4, 50], dtype, (v) => {
        for (let i = 0; i < v.length; i++) v[i] = (i % 11) - 5;
      });
      const y = F.dropout(x, p, true, new Generator(123)).dataSync();
      const g = new Generator(123);
      const xv = x.dataSync();
      const scale = dtype === 'float32' ? Math.fround(1 / (1 - p)) : 1 / (1 - p);
      const want = Array.from(xv, (v) => (g.random() < p ? v * 0 : v * scale));
      const got = Array.from(y);
      const wantRounded = dtype === 'float32' ? want.map((w) => Math.fround(w)) : want;
      assert.deepEqual(got, wantRounded, dtype);
    }
  });
});
