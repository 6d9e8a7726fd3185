// The webgpu convolution past WebGPU's 65 535 workgroups along z (groups): 65 536 groups of one
// channel need one more workgroup than a dispatch holds, so the kernel runs in two dispatches
// whose first group moves on (1×1 kernels: every output one product plus the bias, exact). And
// the memory refuses a dispatch past the device's limit with a typed error, where WebGPU's
// validation would drop it and leave the output unwritten.
// Runs on Mesa's lavapipe where there is no GPU (see webgpu_env.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conv2d, full, Generator, mul, tensor } from '../../src/index.js';
import { deviceMemory } from '../../src/kernels/heap.js';
import type { GpuMemory } from '../../src/kernels/webgpu/memory.js';
import { ShapeError } from '../../src/errors.js';
import { skipWithoutGpu, onWebGpu } from './webgpu_env.js';

const gen = new Generator(37);
const rand = (n: number) => Float32Array.from({ length: n }, () => gen.random() * 2 - 1);

test('webgpu conv: more than 65 535 groups spill into further dispatches', { timeout: 60_000 }, async (t) => {
  if (await skipWithoutGpu(t)) return;
  const G = 65536;
  const [xv, wv, bv] = [rand(G), rand(G), rand(G)];
  const y = await onWebGpu(async () => {
    // freed NaN blocks that the operands and the output reuse: a group no dispatch reaches stays NaN
    for (const u of [0, 1, 2, 3].map(() => full([G], NaN))) u.dispose();
    const x = tensor(xv, { shape: [1, G, 1, 1] });
    const w = tensor(wv, { shape: [G, 1, 1, 1] });
    const b = tensor(bv, { shape: [G] });
    const out = conv2d(x, w, b, { groups: G });
    const v = await out.data();
    for (const u of [x, w, b, out]) u.dispose();
    return v;
  });
  assert.equal(y.length, G);
  for (let i = 0; i < G; i++) {
    const want = Math.fround(Math.fround(wv[i]! * xv[i]!) + bv[i]!);
    if (y[i] !== want) assert.fail(`y[${i}] = ${y[i]}, want ${want}`);
  }
});

test('webgpu memory: a dispatch past the device limit along any axis is a ShapeError, not a dropped dispatch', async (t) => {
  if (await skipWithoutGpu(t)) return;
  await onWebGpu(async () => {
    const mem = deviceMemory() as GpuMemory;
    assert.ok(mem.maxGroups >= 65535, `limit ${mem.maxGroups}`);
    // refused before the pipeline is touched
    const pipeline = {} as Parameters<GpuMemory['dispatch']>[0];
    const over = mem.maxGroups + 1;
    for (const [x, y, z] of [[over, 1, 1], [1, over, 1], [1, 1, over]] as const) {
      mem.paramSlot();
      assert.throws(() => mem.dispatch(pipeline, x, y, z), (e: unknown) => e instanceof ShapeError && e.message.includes(`(${x}, ${y}, ${z}) workgroups`) && e.message.includes(String(mem.maxGroups)));
    }
    // nothing was recorded: the next kernels run and read back as usual
    const a = tensor([1, 2, 3]);
    const sq = mul(a, a);
    assert.deepEqual(Array.from(await sq.data()), [1, 4, 9]);
    for (const u of [a, sq]) u.dispose();
  });
});
