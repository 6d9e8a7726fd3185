// The webgpu convolution kernels past WebGPU's 65 535 workgroups per dispatch dimension: a
// convolution over 2900² positions needs more column tiles than one dispatch holds, so the kernels
// run in several dispatches whose first column moves on. A file of its own: its two 34 MB
// tensors fit lavapipe's 128 MiB binding only in a fresh memory. Runs on Mesa's lavapipe where
// there is no GPU (see webgpu_env.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conv2d, convTranspose2d, Generator, tensor } from '../../src/index.js';
import { skipWithoutGpu, onWebGpu } from './webgpu_env.js';

const gen = new Generator(29);
const rand = (n: number) => Float32Array.from({ length: n }, () => gen.random() * 2 - 1);

test('webgpu conv: more than 65 535 column tiles spill into further dispatches (forward and input-gradient kernels)', { timeout: 60_000 }, async (t) => {
  if (await skipWithoutGpu(t)) return;
  // 2900² = 8 410 000 positions: past 65 535 tiles of 128 columns, so the kernels' column base
  // moves on; a 1×1 kernel makes every output one product, so the results are exact
  const S = 2900;
  const xv = rand(S * S);
  await onWebGpu(async () => {
    const x = tensor(xv, { shape: [1, 1, S, S] });
    const w = tensor([2.5], { shape: [1, 1, 1, 1] });
    const b = tensor([0.5], { shape: [1] });
    const y = conv2d(x, w, b);
    let v = await y.data();
    y.dispose();
    for (let i = 0; i < v.length; i++) if (v[i] !== Math.fround(Math.fround(2.5 * xv[i]!) + 0.5)) assert.fail(`conv2d y[${i}] = ${v[i]}, x ${xv[i]}`);
    // convTranspose2d's forward is the input-gradient kernel over all S² positions
    const yt = convTranspose2d(x, w);
    v = await yt.data();
    for (let i = 0; i < v.length; i++) if (v[i] !== Math.fround(2.5 * xv[i]!)) assert.fail(`convTranspose2d y[${i}] = ${v[i]}, x ${xv[i]}`);
    for (const u of [x, w, b, yt]) u.dispose();
  });
});
