// gather and indexSelect with indices in webgpu memory, checked without a read-back: forward and
// gradient (scatter-add) equal the CPU's for every dim, negative indices included; an index
// outside [-n, n) raises an IndexError naming the op, the index and the size at the next
// read-back (the kernels record it on the GPU), once: later reads succeed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setBackend } from '../../src/kernels/index.js';
import { webgpuSubmits } from '../../src/kernels/webgpu/index.js';
import { Generator, tensor } from '../../src/index.js';
import { gather, indexSelect, scatterAddInto } from '../../src/ops/movement.js';
import { IndexError } from '../../src/errors.js';
import { skipWithoutGpu } from './webgpu_env.js';

const SHAPE = [3, 4, 5];

interface Case { op: 'gather' | 'indexSelect'; dim: number; index: number[]; ishape: number[] }

async function run(backendName: string, c: Case, x: Float32Array, w: Float32Array): Promise<{ out: number[]; grad: number[]; submits: number }> {
  setBackend(backendName);
  try {
    const input = tensor(x, { shape: SHAPE, requiresGrad: true });
    const index = tensor(Int32Array.from(c.index), { shape: c.ishape, dtype: 'int32' });
    const before = webgpuSubmits();
    const out = c.op === 'gather' ? gather(input, c.dim, index) : indexSelect(input, c.dim, index);
    // a weighted sum, so each gathered element's gradient differs
    out.mul(tensor(w.subarray(0, out.numel), { shape: out.shape })).sum().backward();
    const submits = webgpuSubmits() - before;
    return { out: [...await out.data()], grad: [...await input.grad!.data()], submits };
  } finally {
    setBackend('js');
  }
}

test('webgpu: gather and indexSelect with device indices (negatives too) equal the CPU, forward and backward, without a read-back', { timeout: 60_000 }, async (t) => {
  if (await skipWithoutGpu(t)) return;
  const g = new Generator(31);
  const x = Float32Array.from({ length: 60 }, () => g.random() * 2 - 1);
  const w = Float32Array.from({ length: 200 }, () => g.random() + 0.5);
  const cases: Case[] = [
    { op: 'gather', dim: 0, index: [0, 2, -1, 1, -3, 0, 2, 2, 1, 0, -2, 1, 0, 1, 2, 0, 0, 0, 1, 2], ishape: [2, 2, 5] },
    { op: 'gather', dim: 1, index: [3, -4, 0, 1, 2, -1, 3, 3, 0, 0, 1, 2], ishape: [3, 1, 4] },
    { op: 'gather', dim: 2, index: [4, 0, -5, 2, -1, 3, 1, 1, 0, 2, 4, 4, 3, 2, 1, 0, -2, 2], ishape: [3, 3, 2] },
    { op: 'indexSelect', dim: 0, index: [2, -1, 0, 0], ishape: [4] },
    { op: 'indexSelect', dim: 1, index: [-4, 3, 3, 1, 0], ishape: [5] },
    { op: 'indexSelect', dim: 2, index: [4, -5, 2], ishape: [3] },
  ];
  for (const [k, c] of cases.entries()) {
    const cpu = await run('wasm', c, x, w);
    const gpu = await run('webgpu', c, x, w);
    assert.equal(gpu.submits, 0, `case ${k}: no read-back`);
    assert.deepEqual(gpu.out, cpu.out, `case ${k} (${c.op} dim ${c.dim}) values`);
    cpu.grad.forEach((v, i) => assert.ok(Math.abs(gpu.grad[i]! - v) <= 1e-6 * (1 + Math.abs(v)), `case ${k} grad[${i}]: webgpu ${gpu.grad[i]}, cpu ${v}`));
  }
});

test('webgpu: a device index out of range raises an IndexError at the next read-back, once', { timeout: 60_000 }, async (t) => {
  if (await skipWithoutGpu(t)) return;
  setBackend('webgpu');
  try {
    const x = tensor(Float32Array.from({ length: 12 }, (_, i) => i), { shape: [3, 4] });
    const xi = tensor(Int32Array.from({ length: 12 }, (_, i) => i), { shape: [3, 4], dtype: 'int32' });
    const ok = indexSelect(x, 1, tensor([1, -1], { dtype: 'int32' }));
    const expectIndexError = async (p: Promise<unknown>, re: RegExp) => {
      await assert.rejects(p, (e: unknown) => e instanceof IndexError && re.test(e.message), String(re));
    };
    const bad = gather(x, 1, tensor([[0, 4]], { dtype: 'int32' }));
    await expectIndexError(bad.data(), /^webgpu gather: index 4 is out of bounds for size 4 /);
    // raised once: the same tensor, and others, read back afterwards
    assert.ok(Number.isNaN((await bad.data())[1]));
    assert.deepEqual([...await ok.data()], [1, 3, 5, 7, 9, 11]);
    // a negative index past -n; an int32 tensor; the error surfaces on reading any tensor
    const bad2 = indexSelect(xi, 0, tensor([-4], { dtype: 'int32' }));
    await expectIndexError(x.data(), /^webgpu indexSelect: index -4 is out of bounds for size 3 /);
    assert.deepEqual([...await bad2.data()], [0, 0, 0, 0]);
    // the adjoint: scatter-add with an index past the end
    const s = scatterAddInto([2, 3], 1, tensor([[0, 3]], { dtype: 'int32' }), tensor([[1, 2]]));
    await expectIndexError(s.data(), /^webgpu scatterAdd: index 3 is out of bounds for size 3 /);
    assert.deepEqual([...await s.data()], [1, 0, 0, 0, 0, 0]);
  } finally {
    setBackend('js');
  }
});
