// The webgpu input-gradient kernel past WebGPU's 65 535 workgroups along y (tile rows): a kernel
// over all 2^22 rows of a one-row output folds its taps into the rows, 2^22 of them on 64-row
// tiles, one tile more than a dispatch holds, so the kernel runs in two dispatches whose first
// row moves on. convTranspose2d's forward is that kernel; a 1-element reduction makes every
// value one product, so the results are exact. A file of its own: its 16 MiB tensors fit
// lavapipe's 128 MiB binding best in a fresh memory, and it takes lavapipe some 6 s.
// Runs on Mesa's lavapipe where there is no GPU (see webgpu_env.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convTranspose2d, full, Generator, tensor } from '../../src/index.js';
import { skipWithoutGpu, onWebGpu } from './webgpu_env.js';

const gen = new Generator(31);
const R = 1 << 22;

test('webgpu conv: more than 65 535 row tiles (the folded input gradient) spill into further dispatches', { timeout: 60_000 }, async (t) => {
  if (await skipWithoutGpu(t)) return;
  const wv = Float32Array.from({ length: R }, () => gen.random() * 2 - 1);
  const v = await onWebGpu(async () => {
    // freed NaN blocks that the weight and the output reuse: a row no dispatch reaches stays NaN
    for (const u of [full([R], NaN), full([R], NaN)]) u.dispose();
    const x = tensor([1.75], { shape: [1, 1, 1, 1] });
    const w = tensor(wv, { shape: [1, 1, R, 1] });
    const y = convTranspose2d(x, w);
    assert.deepEqual(y.shape, [1, 1, R, 1]);
    const out = await y.data();
    for (const u of [x, w, y]) u.dispose();
    return out;
  });
  assert.equal(v.length, R);
  for (let i = 0; i < R; i++) if (v[i] !== Math.fround(1.75 * wv[i]!)) assert.fail(`convTranspose2d y[${i}] = ${v[i]}, want ${Math.fround(1.75 * wv[i]!)}`);
});
