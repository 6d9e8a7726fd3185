// Training on webgpu equals training on the CPU: LeNet on real MNIST digits (SGD with
// momentum) and ShallowFBCSPNet (batch norm in training mode, SGD with weight decay) on seeded signals, the same
// initial weights and batches, N steps under each backend; the losses of every step
// and the parameters after the last agree to float32 accumulation-order tolerance (observed ~1e-8
// on parameters of size ~0.1; the test allows 2e-7). Runs on
// Mesa's lavapipe where there is no GPU (see webgpu_env.ts); the batch is small to keep it fast.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setBackend } from '../../src/kernels/index.js';
import { webgpuSubmits } from '../../src/kernels/webgpu/index.js';
import { crossEntropy, optim, Generator, tensor, type Tensor } from '../../src/index.js';
import { LeNet } from '../../src/models/lenet.js';
import { ShallowFBCSPNet } from '../../src/models/shallow_fbcsp.js';
import type { Module } from '../../src/nn/module.js';
import { loadMnist } from '../../src/node/mnist.js';
import { dataPath, skipMissing } from '../helpers/data.js';
import { skipWithoutGpu } from './webgpu_env.js';

const STEPS = 4;
const BATCH = 32;

interface Run {
  losses: number[];
  params: Float32Array[];
  submits: number;
}

interface Setup {
  model: () => Module;
  optimizer: (params: Tensor[]) => { zeroGrad(): void; step(): void };
  shape: number[];
}

const LENET: Setup = {
  model: () => new LeNet(),
  optimizer: (params) => new optim.SGD(params, { lr: 0.05, momentum: 0.9 }),
  shape: [BATCH, 1, 28, 28],
};

const SHALLOW_BATCH = 16;
const SHALLOW: Setup = {
  model: () => new ShallowFBCSPNet({ nChans: 22, nOutputs: 4, nTimes: 250, dropProb: 0 }),
  // SGD, as Adam's m/√v flips sign on near-zero gradients whose last bits differ (the Adam
  // kernel itself is checked in webgpu_kernels.test.ts)
  optimizer: (params) => new optim.SGD(params, { lr: 1e-3, momentum: 0.9, weightDecay: 1e-4 }),
  shape: [SHALLOW_BATCH, 22, 250],
};

async function train(backendName: string, setup: Setup, init: readonly Float32Array[], batches: readonly [Float32Array, Int32Array][]): Promise<Run> {
  setBackend(backendName);
  const model = setup.model();
  const params = model.parameters();
  params.forEach((p, i) => p.writeSync(init[i]!));
  const opt = setup.optimizer(params);
  const losses: number[] = [];
  const before = webgpuSubmits();
  for (const [xb, yb] of batches) {
    const x = tensor(xb, { shape: setup.shape });
    const y = tensor(yb, { shape: [setup.shape[0]!], dtype: 'int32' });
    opt.zeroGrad();
    const loss = crossEntropy(model.call(x), y);
    loss.backward();
    opt.step();
    losses.push((await loss.data())[0]!);
    for (const t of [x, y, loss]) t.dispose();
  }
  const submits = webgpuSubmits() - before;
  const out: Float32Array[] = [];
  // parameters, then buffers (batch norm's running statistics)
  for (const p of [...params, ...model.buffers()]) out.push(Float32Array.from(await p.data()));
  setBackend('js');
  return { losses, params: out, submits };
}

test('webgpu: LeNet on MNIST — SGD steps give the CPU losses and parameters', { timeout: 120_000 }, async (t) => {
  if (await skipWithoutGpu(t)) return;
  const root = dataPath('mnist');
  if (skipMissing(t, `${root}/train-images-idx3-ubyte.gz`)) return;
  const ds = loadMnist({ root, train: true });
  const batches: [Float32Array, Int32Array][] = [];
  for (let s = 0; s < STEPS; s++) {
    const idx = Int32Array.from({ length: BATCH }, (_, i) => s * BATCH + i);
    const [x, y] = ds.getBatch(idx);
    batches.push([Float32Array.from(x.dataSync()), Int32Array.from(y.dataSync())]);
    x.dispose();
    y.dispose();
  }
  setBackend('js');
  const g = new Generator(5);
  const shapes = LENET.model().parameters().map((p: Tensor) => p.numel);
  const init = shapes.map((n) => Float32Array.from({ length: n }, () => (g.random() - 0.5) * 0.2));
  const cpu = await train('wasm', LENET, init, batches);
  const gpu = await train('webgpu', LENET, init, batches);
  compare(cpu, gpu, 1e-6, 2e-7);
  assert.ok(cpu.losses[STEPS - 1]! < cpu.losses[0]!, `the loss falls (${cpu.losses.join(', ')})`);
});

function compare(cpu: Run, gpu: Run, lossTol: number, paramTol: number): void {
  if (process.env['DEBUG_WEBGPU']) console.error(gpu.losses, cpu.losses, gpu.submits);
  for (let s = 0; s < STEPS; s++) {
    assert.ok(Math.abs(gpu.losses[s]! - cpu.losses[s]!) <= lossTol * (1 + cpu.losses[s]!), `step ${s}: webgpu loss ${gpu.losses[s]}, cpu ${cpu.losses[s]}`);
  }
  for (let k = 0; k < cpu.params.length; k++) {
    const a = cpu.params[k]!, b = gpu.params[k]!;
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    if (process.env['DEBUG_WEBGPU']) console.error('param', k, worst);
    assert.ok(worst <= paramTol * (1 + Math.max(...a.map(Math.abs))), `parameter ${k}: largest difference ${worst}`);
  }
  // a step is one submission (the read of its loss), not one per kernel
  assert.ok(gpu.submits >= STEPS && gpu.submits <= 2 * STEPS, `${gpu.submits} submissions for ${STEPS} steps`);
}

test('webgpu: ShallowFBCSPNet (batch norm, SGD) — steps give the CPU losses, parameters and running statistics', { timeout: 120_000 }, async (t) => {
  if (await skipWithoutGpu(t)) return;
  const g = new Generator(9);
  const [B, C, T] = SHALLOW.shape as [number, number, number];
  const batches: [Float32Array, Int32Array][] = [];
  for (let s = 0; s < STEPS; s++) {
    // class-dependent sinusoids in noise, unit scale
    const y = Int32Array.from({ length: B }, () => g.int(0, 4));
    const x = new Float32Array(B * C * T);
    for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) for (let i = 0; i < T; i++) {
      x[(b * C + c) * T + i] = (Math.sin((2 * Math.PI * (8 + 4 * y[b]!) * i) / 250 + c) + g.normal());
    }
    batches.push([x, y]);
  }
  setBackend('js');
  const init = SHALLOW.model().parameters().map((p: Tensor) => Float32Array.from({ length: p.numel }, () => (g.random() - 0.5) * 0.05));
  const cpu = await train('wasm', SHALLOW, init, batches);
  const gpu = await train('webgpu', SHALLOW, init, batches);
  compare(cpu, gpu, 4e-6, 2e-6);
});
