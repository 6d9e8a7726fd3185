// nllLoss (and crossEntropy's general path: class weights, dense (N, C, P) inputs) with targets in
// webgpu memory: the same losses and input gradients as the CPU's gather path, for every
// reduction and ignore index (also one inside [0, C)); a kept target out of range makes the
// loss NaN (the device cannot raise without reading the targets back).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setBackend } from '../../src/kernels/index.js';
import { Generator, tensor, crossEntropy, type Tensor } from '../../src/index.js';
import { nllLoss } from '../../src/ops/loss.js';
import { skipWithoutGpu } from './webgpu_env.js';

interface Case { shape: number[]; target: number[]; weight: number[] | null; ignore: number; reduction: 'mean' | 'sum' | 'none'; ce: boolean }

async function run(backendName: string, c: Case, x: Float32Array): Promise<{ loss: number[]; grad: number[] }> {
  setBackend(backendName);
  try {
    const input = tensor(x, { shape: c.shape, requiresGrad: true });
    const tShape = [c.shape[0]!, ...c.shape.slice(2)];
    const target = tensor(Int32Array.from(c.target), { shape: tShape, dtype: 'int32' });
    const opts = { ignoreIndex: c.ignore, reduction: c.reduction, ...(c.weight ? { weight: tensor(Float32Array.from(c.weight)) } : {}) };
    const loss: Tensor = c.ce ? crossEntropy(input, target, opts) : nllLoss(input, target, opts);
    (c.reduction === 'none' ? loss.sum() : loss).backward();
    return { loss: [...await loss.data()], grad: [...await input.grad!.data()] };
  } finally {
    setBackend('js');
  }
}

test('webgpu: nllLoss and weighted/dense crossEntropy with device targets equal the CPU path', { timeout: 60_000 }, async (t) => {
  if (await skipWithoutGpu(t)) return;
  const g = new Generator(11);
  const cases: Case[] = [
    { shape: [6, 4], target: [0, 3, 1, -100, 2, 1], weight: null, ignore: -100, reduction: 'mean', ce: false },
    { shape: [6, 4], target: [0, 3, 1, 1, 2, 1], weight: [0.5, 2, 1, 0.25], ignore: 1, reduction: 'mean', ce: true },
    { shape: [6, 4], target: [0, 3, 1, 1, 2, 0], weight: [0.5, 2, 1, 0.25], ignore: -100, reduction: 'sum', ce: true },
    { shape: [3, 4, 5], target: [0, 1, 2, 3, 0, 3, 3, 2, 1, -1, 1, 1, 0, 2, 3], weight: null, ignore: -1, reduction: 'mean', ce: true },
    { shape: [3, 4, 5], target: [0, 1, 2, 3, 0, 3, 3, 2, 1, -1, 1, 1, 0, 2, 3], weight: [1, 0, 3, 0.5], ignore: -1, reduction: 'none', ce: false },
  ];
  for (const [k, c] of cases.entries()) {
    const n = c.shape.reduce((a, b) => a * b, 1);
    const x = Float32Array.from({ length: n }, () => g.random() * 4 - 2);
    const cpu = await run('wasm', c, x);
    const gpu = await run('webgpu', c, x);
    assert.equal(gpu.loss.length, cpu.loss.length);
    cpu.loss.forEach((v, i) => assert.ok(Math.abs(gpu.loss[i]! - v) <= 1e-6 * (1 + Math.abs(v)), `case ${k} loss[${i}]: webgpu ${gpu.loss[i]}, cpu ${v}`));
    cpu.grad.forEach((v, i) => assert.ok(Math.abs(gpu.grad[i]! - v) <= 1e-6 * (1 + Math.abs(v)), `case ${k} grad[${i}]: webgpu ${gpu.grad[i]}, cpu ${v}`));
  }
  const bad = await run('webgpu', { shape: [2, 3], target: [0, 3], weight: [1, 1, 1], ignore: -100, reduction: 'mean', ce: true }, new Float32Array(6));
  assert.ok(Number.isNaN(bad.loss[0]), `an out-of-range target gives NaN, got ${bad.loss[0]}`);
});
