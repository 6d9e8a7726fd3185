// crossEntropy with label smoothing and class-index targets in webgpu memory: the same losses
// and input gradients as the CPU path for every reduction, with and without class weights, an
// ignore index (also one inside [0, C)) and dense (N, C, P) inputs, computed without a
// read-back (no submission until the result is read).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setBackend } from '../../src/kernels/index.js';
import { webgpuSubmits } from '../../src/kernels/webgpu/index.js';
import { Generator, tensor, crossEntropy, type Tensor } from '../../src/index.js';
import { skipWithoutGpu } from './webgpu_env.js';

interface Case { shape: number[]; target: number[]; weight: number[] | null; ignore: number; reduction: 'mean' | 'sum' | 'none'; ls: number }

async function run(backendName: string, c: Case, x: Float32Array): Promise<{ loss: number[]; grad: number[]; submits: number }> {
  setBackend(backendName);
  try {
    const input = tensor(x, { shape: c.shape, requiresGrad: true });
    const tShape = [c.shape[0]!, ...c.shape.slice(2)];
    const target = tensor(Int32Array.from(c.target), { shape: tShape, dtype: 'int32' });
    const opts = { ignoreIndex: c.ignore, reduction: c.reduction, labelSmoothing: c.ls, ...(c.weight ? { weight: tensor(Float32Array.from(c.weight)) } : {}) };
    const before = webgpuSubmits();
    const loss: Tensor = crossEntropy(input, target, opts);
    (c.reduction === 'none' ? loss.sum() : loss).backward();
    const submits = webgpuSubmits() - before; // a read-back submits at once; recorded kernels wait for a microtask
    return { loss: [...await loss.data()], grad: [...await input.grad!.data()], submits };
  } finally {
    setBackend('js');
  }
}

test('webgpu: crossEntropy with label smoothing and device targets equals the CPU path, without a read-back', { timeout: 60_000 }, async (t) => {
  if (await skipWithoutGpu(t)) return;
  const g = new Generator(23);
  const dense = [0, 1, 2, 3, 0, 3, 3, 2, 1, -1, 1, 1, 0, 2, 3];
  const cases: Case[] = [
    { shape: [6, 4], target: [0, 3, 1, 2, 2, 1], weight: null, ignore: -100, reduction: 'mean', ls: 0.1 },
    { shape: [6, 4], target: [0, 3, 1, -100, 2, 1], weight: null, ignore: -100, reduction: 'sum', ls: 0.25 },
    { shape: [6, 4], target: [0, 3, 1, 1, 2, 0], weight: [0.5, 2, 1, 0.25], ignore: 1, reduction: 'mean', ls: 0.1 },
    { shape: [6, 4], target: [0, 3, 1, 1, 2, 0], weight: [0.5, 0, 1, 0.25], ignore: -100, reduction: 'none', ls: 0.3 },
    { shape: [6, 4], target: [0, 3, 1, 1, 2, 0], weight: [0.5, 2, 1, 0.25], ignore: -100, reduction: 'sum', ls: 1 },
    { shape: [3, 4, 5], target: dense, weight: null, ignore: -1, reduction: 'mean', ls: 0.2 },
    { shape: [3, 4, 5], target: dense, weight: [1, 0, 3, 0.5], ignore: -1, reduction: 'mean', ls: 0.2 },
    { shape: [3, 4, 5], target: dense, weight: [1, 0, 3, 0.5], ignore: -1, reduction: 'none', ls: 0.05 },
  ];
  for (const [k, c] of cases.entries()) {
    const n = c.shape.reduce((a, b) => a * b, 1);
    const x = Float32Array.from({ length: n }, () => g.random() * 4 - 2);
    const cpu = await run('wasm', c, x);
    const gpu = await run('webgpu', c, x);
    assert.equal(gpu.submits, 0, `case ${k}: the loss and its gradient read nothing back`);
    assert.equal(gpu.loss.length, cpu.loss.length);
    cpu.loss.forEach((v, i) => assert.ok(Math.abs(gpu.loss[i]! - v) <= 1e-6 * (1 + Math.abs(v)), `case ${k} loss[${i}]: webgpu ${gpu.loss[i]}, cpu ${v}`));
    cpu.grad.forEach((v, i) => assert.ok(Math.abs(gpu.grad[i]! - v) <= 1e-6 * (1 + Math.abs(v)), `case ${k} grad[${i}]: webgpu ${gpu.grad[i]}, cpu ${v}`));
  }
});
