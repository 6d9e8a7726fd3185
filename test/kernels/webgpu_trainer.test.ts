// The training loop on webgpu: LeNet trained on real MNIST digits through trainLoopAsync
// (SGD with momentum, a step schedule, validation with evaluateAsync, predictAsync after)
// equals trainer.ts's synchronous trainLoop on the CPU from the same initial weights and
// batches: every step's loss, the epoch rows (losses summed on the device in float32, the
// CPU's in float64), the accuracies, the parameters and the predictions, to float32
// tolerance. Without an onStep callback an epoch costs a bounded number of submissions, not
// one per step. Runs on Mesa's lavapipe where there is no GPU (see webgpu_env.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setBackend } from '../../src/kernels/index.js';
import { webgpuSubmits } from '../../src/kernels/webgpu/index.js';
import { optim, Generator, tensor, type Tensor } from '../../src/index.js';
import { LeNet } from '../../src/models/lenet.js';
import { loadMnist } from '../../src/node/mnist.js';
import { TensorDataset } from '../../src/data/dataset.js';
import { StepLR } from '../../src/optim/lr_scheduler.js';
import { evaluate, predict, trainLoop, type FitResult } from '../../src/decode/trainer.js';
import { evaluateAsync, predictAsync, trainLoopAsync } from '../../src/decode/trainer_async.js';
import { indexSelect } from '../../src/ops/movement.js';
import { IndexError } from '../../src/errors.js';
import { dataPath, skipMissing } from '../helpers/data.js';
import { skipWithoutGpu } from './webgpu_env.js';

const EPOCHS = 2;
const STEPS = 2; // per epoch
const BATCH = 32;

interface Run {
  fit: FitResult;
  stepLosses: number[];
  params: Float32Array[];
  predicted: Float32Array;
  submits: number;
}

type Batch = [Float32Array, Int32Array];

function* make(bs: readonly Batch[]): IterableIterator<[Tensor, Tensor]> {
  for (const [xb, yb] of bs) yield [tensor(xb, { shape: [yb.length, 1, 28, 28] }), tensor(yb, { shape: [yb.length], dtype: 'int32' })];
}

async function run(backendName: string, init: readonly Float32Array[], train: readonly Batch[], valid: Batch, perStep: boolean): Promise<Run> {
  setBackend(backendName);
  try {
    const model = new LeNet();
    const params = model.parameters();
    params.forEach((p, i) => p.writeSync(init[i]!));
    const opt = new optim.SGD(params, { lr: 0.05, momentum: 0.9 });
    const stepLosses: number[] = [];
    const batches = (e: number) => make(train.slice((e - 1) * STEPS, e * STEPS));
    const common = { epochs: EPOCHS, optimizer: opt, scheduler: new StepLR(opt, 1, 0.5), ...(perStep ? { onStep: (_i: number, l: number) => void stepLosses.push(l) } : {}) };
    const before = webgpuSubmits();
    const fit = backendName === 'webgpu'
      ? await trainLoopAsync(model, batches, { ...common, validate: () => evaluateAsync(model, make([valid])) })
      : trainLoop(model, batches, { ...common, validate: () => evaluate(model, make([valid])) });
    const submits = webgpuSubmits() - before;
    const params2: Float32Array[] = [];
    for (const p of params) params2.push(Float32Array.from(await p.data()));
    const x = tensor(valid[0], { shape: [valid[1].length, 1, 28, 28] });
    const ds = new TensorDataset(x, tensor(valid[1], { shape: [valid[1].length], dtype: 'int32' }));
    const p = backendName === 'webgpu' ? await predictAsync(model, ds, { batchSize: 16 }) : predict(model, ds, { batchSize: 16 });
    assert.deepEqual(p.shape, [valid[1].length, 10]);
    assert.deepEqual([...p.targets!], [...valid[1]]);
    return { fit, stepLosses, params: params2, predicted: p.output, submits };
  } finally {
    setBackend('js');
  }
}

function close(a: number, b: number, tol: number, what: string): void {
  assert.ok(Math.abs(a - b) <= tol * (1 + Math.abs(b)), `${what}: webgpu ${a}, cpu ${b}`);
}

async function setup(): Promise<{ init: Float32Array[]; train: Batch[]; valid: Batch } | null> {
  const root = dataPath('mnist');
  const ds = loadMnist({ root, train: true });
  const batch = (s: number, n: number): Batch => {
    const [x, y] = ds.getBatch(Int32Array.from({ length: n }, (_, i) => s * BATCH + i));
    const out: Batch = [Float32Array.from(x.dataSync()), Int32Array.from(y.dataSync())];
    x.dispose();
    y.dispose();
    return out;
  };
  const train = Array.from({ length: EPOCHS * STEPS }, (_, s) => batch(s, BATCH));
  const valid = batch(EPOCHS * STEPS, BATCH);
  const g = new Generator(5);
  const init = new LeNet().parameters().map((p: Tensor) => Float32Array.from({ length: p.numel }, () => (g.random() - 0.5) * 0.2));
  return { init, train, valid };
}

test('webgpu: trainLoopAsync trains LeNet as trainLoop does on the CPU (losses, history, parameters, predictions)', { timeout: 120_000 }, async (t) => {
  if (await skipWithoutGpu(t)) return;
  if (skipMissing(t, `${dataPath('mnist')}/train-images-idx3-ubyte.gz`)) return;
  setBackend('js');
  const s = (await setup())!;
  const cpu = await run('wasm', s.init, s.train, s.valid, true);
  const gpu = await run('webgpu', s.init, s.train, s.valid, true);
  if (process.env['DEBUG_WEBGPU']) console.error(cpu.fit.history, gpu.fit.history, gpu.stepLosses, cpu.stepLosses);
  assert.equal(gpu.stepLosses.length, EPOCHS * STEPS);
  gpu.stepLosses.forEach((l, i) => close(l, cpu.stepLosses[i]!, 1e-6, `step ${i} loss`));
  assert.equal(gpu.fit.history.length, EPOCHS);
  assert.equal(gpu.fit.bestEpoch, cpu.fit.bestEpoch);
  for (let e = 0; e < EPOCHS; e++) {
    const a = gpu.fit.history[e]!, b = cpu.fit.history[e]!;
    assert.equal(a.lr, b.lr);
    close(a.trainLoss, b.trainLoss, 1e-6, `epoch ${e + 1} train loss`);
    close(a.validLoss!, b.validLoss!, 1e-6, `epoch ${e + 1} valid loss`);
    assert.equal(a.trainAccuracy, b.trainAccuracy, `epoch ${e + 1} train accuracy`);
    assert.equal(a.validAccuracy, b.validAccuracy, `epoch ${e + 1} valid accuracy`);
  }
  assert.ok(cpu.fit.history[EPOCHS - 1]!.trainLoss < cpu.fit.history[0]!.trainLoss, 'the loss falls');
  for (let k = 0; k < cpu.params.length; k++) {
    const a = cpu.params[k]!, b = gpu.params[k]!;
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    assert.ok(worst <= 2e-7 * (1 + Math.max(...a.map(Math.abs))), `parameter ${k}: largest difference ${worst}`);
  }
  for (let i = 0; i < cpu.predicted.length; i++) close(gpu.predicted[i]!, cpu.predicted[i]!, 1e-5, `prediction ${i}`);
});

test('webgpu: trainLoopAsync without onStep reads the epoch sums once, not once per step', { timeout: 120_000 }, async (t) => {
  if (await skipWithoutGpu(t)) return;
  if (skipMissing(t, `${dataPath('mnist')}/train-images-idx3-ubyte.gz`)) return;
  setBackend('js');
  const s = (await setup())!;
  const cpu = await run('wasm', s.init, s.train, s.valid, false);
  const gpu = await run('webgpu', s.init, s.train, s.valid, false);
  if (process.env['DEBUG_WEBGPU']) console.error('submits', gpu.submits);
  for (let e = 0; e < EPOCHS; e++) close(gpu.fit.history[e]!.trainLoss, cpu.fit.history[e]!.trainLoss, 1e-6, `epoch ${e + 1} train loss`);
  // per epoch: the train sums and the validation sums, two reads each
  assert.ok(gpu.submits <= 4 * EPOCHS, `${gpu.submits} submissions for ${EPOCHS} epochs of ${STEPS} steps`);
});

test('webgpu: indexSelect checks a host-held index without a read-back; a device index alone is checked on the GPU', { timeout: 60_000 }, async (t) => {
  if (await skipWithoutGpu(t)) return;
  setBackend('webgpu');
  try {
    const x = tensor(Float32Array.from({ length: 12 }, (_, i) => i), { shape: [4, 3] });
    const ds = new TensorDataset(x);
    const [rows] = ds.getBatch(Int32Array.from([3, 0]));
    assert.deepEqual([...await rows!.data()], [9, 10, 11, 0, 1, 2]);
    const wrapped = indexSelect(x, 0, tensor([-1], { dtype: 'int32' }), Int32Array.from([-1]));
    assert.deepEqual([...await wrapped.data()], [9, 10, 11]);
    assert.throws(() => indexSelect(x, 0, tensor([4], { dtype: 'int32' }), Int32Array.from([4])), (e: unknown) => e instanceof IndexError && /indexSelect: index 4 is out of bounds for size 4/.test(e.message));
    assert.deepEqual([...await indexSelect(x, 0, tensor([1], { dtype: 'int32' })).data()], [3, 4, 5]);
  } finally {
    setBackend('js');
  }
});

test('webgpu: trainLoopAsync calls onStep only on the steps stepFilter picks, with the epoch mean so far summed on the device', { timeout: 120_000 }, async (t) => {
  if (await skipWithoutGpu(t)) return;
  if (skipMissing(t, `${dataPath('mnist')}/train-images-idx3-ubyte.gz`)) return;
  setBackend('js');
  const s = (await setup())!;
  setBackend('webgpu');
  try {
    const model = new LeNet();
    model.parameters().forEach((p, i) => p.writeSync(s.init[i]!));
    const opt = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
    const calls: [number, number, number, number][] = [];
    const before = webgpuSubmits();
    const fit = await trainLoopAsync(model, (e) => make(s.train.slice((e - 1) * STEPS, e * STEPS)), {
      epochs: EPOCHS, optimizer: opt,
      onStep: (i, l, b, m) => void calls.push([i, l, b, m]),
      stepFilter: (i) => i === STEPS - 1,
    });
    const submits = webgpuSubmits() - before;
    assert.deepEqual(calls.map((c) => c[0]), Array.from({ length: EPOCHS }, () => STEPS - 1));
    for (let e = 0; e < EPOCHS; e++) {
      const [, l, b, m] = calls[e]!;
      assert.equal(b, BATCH);
      assert.ok(Number.isFinite(l) && l > 0);
      // the last step's mean so far is the epoch's train loss: the same device sum, read twice
      assert.equal(m, fit.history[e]!.trainLoss);
    }
    // per epoch: one step read (loss and sum) and the end-of-epoch sums
    assert.ok(submits <= 4 * EPOCHS, `${submits} submissions for ${EPOCHS} epochs of ${STEPS} steps`);
  } finally {
    setBackend('js');
  }
});
