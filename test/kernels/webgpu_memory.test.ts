// The webgpu memory's read-backs. The staging pool: reads in a loop reuse one staging buffer
// instead of making one per read; reads in flight together each get their own and the pool keeps
// a bounded number afterwards; a buffer reused for a smaller read returns exactly that read's
// values (nothing of the earlier, larger one); a read too big to pool gets a buffer of its exact
// size, not the next power of two, and it is not kept. The index-error record: an out-of-range
// device index is raised by one read only, even with reads in flight together, and an error
// recorded while a read is in flight is raised by the next read (not lost).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setBackend } from '../../src/kernels/index.js';
import { webgpuStagingStats } from '../../src/kernels/webgpu/index.js';
import { full, tensor } from '../../src/index.js';
import { gather, indexSelect } from '../../src/ops/movement.js';
import { IndexError } from '../../src/errors.js';
import { skipWithoutGpu } from './webgpu_env.js';

// the index-error record read with each staging copy (memory.ts FLAG_BYTES)
const FLAG_BYTES = 16;

test('webgpu: read-backs reuse pooled staging buffers and the pool stays bounded', { timeout: 60_000 }, async (t) => {
  if (await skipWithoutGpu(t)) return;
  setBackend('webgpu');
  try {
    const big = tensor(Float32Array.from({ length: 1000 }, (_, i) => i + 0.5));
    const small = tensor(Float32Array.from({ length: 600 }, (_, i) => -i));
    // the first read makes the 4096-byte buffer that both sizes' reads (+ the record) fit
    const before = webgpuStagingStats()!;
    await big.data();
    const s0 = webgpuStagingStats()!;
    assert.deepEqual(s0, { created: before.created + 1, createdBytes: before.createdBytes + 4096, pooled: 1, pooledBytes: 4096 });
    for (let k = 0; k < 50; k++) {
      const d = await (k % 2 === 0 ? big : small).data();
      assert.equal(d.length, k % 2 === 0 ? 1000 : 600);
      assert.equal(d[d.length - 1], k % 2 === 0 ? 999.5 : -599);
    }
    assert.deepEqual(webgpuStagingStats(), s0, '50 sequential reads reuse the one pooled buffer');

    // 12 reads in flight at once: the pooled buffer and 11 new ones, of which the pool keeps 4
    const all = await Promise.all(Array.from({ length: 12 }, () => big.data()));
    all.forEach((d) => assert.equal(d[999], 999.5));
    const s2 = webgpuStagingStats()!;
    assert.deepEqual(s2, { created: s0.created + 11, createdBytes: s0.createdBytes + 11 * 4096, pooled: 4, pooledBytes: 4 * 4096 });
    // a large read's buffer (4 MiB + the record: the 8 MiB class) is pooled within the byte cap
    const huge = tensor(new Float32Array(1 << 20).fill(2));
    for (let k = 0; k < 3; k++) assert.equal((await huge.data())[(1 << 20) - 1], 2);
    assert.deepEqual(webgpuStagingStats(), { created: s2.created + 1, createdBytes: s2.createdBytes + (8 << 20), pooled: 5, pooledBytes: 4 * 4096 + (8 << 20) });
    assert.deepEqual([...(await small.data()).subarray(0, 3)], [-0, -1, -2]);
  } finally {
    setBackend('js');
  }
});

test('webgpu: a read too big to pool gets a staging buffer of its exact size, made for each read', { timeout: 60_000 }, async (t) => {
  if (await skipWithoutGpu(t)) return;
  setBackend('webgpu');
  try {
    // 64 MiB of data + the record: past the pool's 64 MiB, where the next power of two is 128 MiB
    const n = 16 << 20;
    const x = full([n], 3);
    const s0 = webgpuStagingStats()!;
    for (let k = 0; k < 2; k++) {
      const d = await x.data();
      assert.equal(d.length, n);
      assert.equal(d[0], 3);
      assert.equal(d[n - 1], 3);
    }
    assert.deepEqual(webgpuStagingStats(), { ...s0, created: s0.created + 2, createdBytes: s0.createdBytes + 2 * (n * 4 + FLAG_BYTES) });
    x.dispose();
  } finally {
    setBackend('js');
  }
});

test('webgpu: an out-of-range device index is raised by one read of two in flight, and one recorded during a read is not lost', { timeout: 60_000 }, async (t) => {
  if (await skipWithoutGpu(t)) return;
  setBackend('webgpu');
  try {
    const x = tensor(Float32Array.from({ length: 12 }, (_, i) => i), { shape: [3, 4] });
    const ok = indexSelect(x, 1, tensor([1, -1], { dtype: 'int32' }));
    const isIndexError = (re: RegExp) => (e: unknown) => e instanceof IndexError && re.test(e.message);

    // two reads submitted together after a bad gather: the first raises, the second returns
    const bad = gather(x, 1, tensor([[0, 4]], { dtype: 'int32' }));
    const [r1, r2] = await Promise.allSettled([bad.data(), ok.data()]);
    assert.equal(r1.status, 'rejected');
    assert.ok(isIndexError(/^webgpu gather: index 4 is out of bounds for size 4 /)((r1 as PromiseRejectedResult).reason), String((r1 as PromiseRejectedResult).reason));
    assert.equal(r2.status, 'fulfilled', r2.status === 'rejected' ? String(r2.reason) : '');
    assert.deepEqual([...(r2 as PromiseFulfilledResult<Float32Array>).value], [1, 3, 5, 7, 9, 11]);

    // a bad index submitted while a read of an earlier one is in flight: raised by the next read
    gather(x, 1, tensor([[5, 0]], { dtype: 'int32' }));
    const first = ok.data();
    indexSelect(x, 0, tensor([-4], { dtype: 'int32' })); // submitted at the end of this turn, before `first` resolves
    await assert.rejects(first, isIndexError(/^webgpu gather: index 5 is out of bounds for size 4 /));
    await assert.rejects(ok.data(), isIndexError(/^webgpu indexSelect: index -4 is out of bounds for size 3 /));
    assert.deepEqual([...await ok.data()], [1, 3, 5, 7, 9, 11]);
  } finally {
    setBackend('js');
  }
});
