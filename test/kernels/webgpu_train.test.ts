// Training on webgpu equals training on the CPU: LeNet on real MNIST digits, the same initial
// weights and batches, N SGD-with-momentum steps under each backend; the losses of every step
// and the parameters after the last agree to float32 accumulation-order tolerance (observed ~1e-8
// on parameters of size ~0.1; the test allows 2e-7). Runs on
// Mesa's lavapipe where there is no GPU (see webgpu_env.ts); the batch is small to keep it fast.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setBackend } from '../../src/kernels/index.js';
import { webgpuSubmits } from '../../src/kernels/webgpu/index.js';
import { crossEntropy, optim, Generator, tensor, type Tensor } from '../../src/index.js';
import { LeNet } from '../../src/models/lenet.js';
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

async function train(backendName: string, init: readonly Float32Array[], batches: readonly [Float32Array, Int32Array][]): Promise<Run> {
  setBackend(backendName);
  const model = new LeNet();
  const params = model.parameters();
  params.forEach((p, i) => p.writeSync(init[i]!));
  const opt = new optim.SGD(params, { lr: 0.05, momentum: 0.9 });
  const losses: number[] = [];
  const before = webgpuSubmits();
  for (const [xb, yb] of batches) {
    const x = tensor(xb, { shape: [BATCH, 1, 28, 28] });
    const y = tensor(yb, { shape: [BATCH], dtype: 'int32' });
    opt.zeroGrad();
    const loss = crossEntropy(model.call(x), y);
    loss.backward();
    opt.step();
    losses.push((await loss.data())[0]!);
    for (const t of [x, y, loss]) t.dispose();
  }
  const submits = webgpuSubmits() - before;
  const out: Float32Array[] = [];
  for (const p of params) out.push(Float32Array.from(await p.data()));
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
  const shapes = new LeNet().parameters().map((p: Tensor) => p.numel);
  const init = shapes.map((n) => Float32Array.from({ length: n }, () => (g.random() - 0.5) * 0.2));
  const cpu = await train('wasm', init, batches);
  const gpu = await train('webgpu', init, batches);
  if (process.env['DEBUG_WEBGPU']) console.error(gpu.losses, cpu.losses, gpu.submits);
  for (let s = 0; s < STEPS; s++) {
    assert.ok(Math.abs(gpu.losses[s]! - cpu.losses[s]!) <= 1e-6 * (1 + cpu.losses[s]!), `step ${s}: webgpu loss ${gpu.losses[s]}, cpu ${cpu.losses[s]}`);
  }
  assert.ok(cpu.losses[STEPS - 1]! < cpu.losses[0]!, `the loss falls (${cpu.losses.join(', ')})`);
  for (let k = 0; k < init.length; k++) {
    const a = cpu.params[k]!, b = gpu.params[k]!;
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    if (process.env['DEBUG_WEBGPU']) console.error('param', k, worst);
    assert.ok(worst <= 2e-7, `parameter ${k}: largest difference ${worst}`);
  }
  // a step is one submission (the read of its loss), not one per kernel
  assert.ok(gpu.submits >= STEPS && gpu.submits <= 2 * STEPS, `${gpu.submits} submissions for ${STEPS} steps`);
});
