// The webgpu memory's read-back staging pool: reads in a loop reuse one staging buffer instead
// of making one per read; reads in flight together each get their own and the pool keeps a
// bounded number afterwards; a buffer reused for a smaller read returns exactly that read's
// values (nothing of the earlier, larger one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setBackend } from '../../src/kernels/index.js';
import { webgpuStagingStats } from '../../src/kernels/webgpu/index.js';
import { tensor } from '../../src/index.js';
import { skipWithoutGpu } from './webgpu_env.js';

test('webgpu: read-backs reuse pooled staging buffers and the pool stays bounded', { timeout: 60_000 }, async (t) => {
  if (await skipWithoutGpu(t)) return;
  setBackend('webgpu');
  try {
    const big = tensor(Float32Array.from({ length: 1000 }, (_, i) => i + 0.5));
    const small = tensor(Float32Array.from({ length: 600 }, (_, i) => -i));
    await big.data(); // the first read of this size class may make its buffer
    const s0 = webgpuStagingStats()!;
    for (let k = 0; k < 50; k++) {
      const d = await (k % 2 === 0 ? big : small).data();
      assert.equal(d.length, k % 2 === 0 ? 1000 : 600);
      assert.equal(d[d.length - 1], k % 2 === 0 ? 999.5 : -599);
    }
    const s1 = webgpuStagingStats()!;
    assert.equal(s1.created, s0.created, `50 sequential reads made ${s1.created - s0.created} staging buffers`);
    assert.ok(s1.pooled >= 1);

    // 12 reads in flight at once: 12 buffers, of which the pool keeps at most 4 per size class
    const all = await Promise.all(Array.from({ length: 12 }, () => big.data()));
    all.forEach((d) => assert.equal(d[999], 999.5));
    const s2 = webgpuStagingStats()!;
    assert.ok(s2.created - s1.created <= 12 && s2.created - s1.created >= 11, `${s2.created - s1.created} buffers for 12 concurrent reads`);
    assert.ok(s2.pooled <= 4 * 2, `pool holds ${s2.pooled} buffers`);
    // a large read's buffer is pooled within the byte cap
    const huge = tensor(new Float32Array(1 << 20).fill(2));
    for (let k = 0; k < 3; k++) assert.equal((await huge.data())[(1 << 20) - 1], 2);
    const s3 = webgpuStagingStats()!;
    assert.equal(s3.created - s2.created, 1);
    assert.ok(s3.pooledBytes <= 64 << 20);
    assert.deepEqual([...(await small.data()).subarray(0, 3)], [-0, -1, -2]);
  } finally {
    setBackend('js');
  }
});
