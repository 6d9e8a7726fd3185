// Data-parallel training (node/parallel): replicas on worker threads, gradients all-reduced in a
// fixed order. Against one process training on the whole batch the weights agree to float32
// rounding (not bit for bit: the batch's sums run per shard, then across shards); between
// replicas they agree bit for bit, buffers (BatchNorm) included, with dropout drawing per replica.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, ShapeError } from '../../../src/errors.js';
import { randint, randn } from '../../../src/tensor/creation.js';
import { manualSeed } from '../../../src/tensor/random.js';
import { keep, type Tensor } from '../../../src/tensor/tensor.js';
import { LeNet } from '../../../src/models/lenet.js';
import { SGD } from '../../../src/optim/sgd.js';
import { StepLR } from '../../../src/optim/lr_scheduler.js';
import { trainEpoch, trainLoop } from '../../../src/decode/trainer.js';
import { DataParallel } from '../../../src/node/parallel/index.js';
import { shardSizes } from '../../../src/node/parallel/protocol.js';
import { availableParallelism } from 'node:os';
import { setNumThreads } from '../../../src/kernels/wasm/index.js';
import { assertClose } from '../../helpers/close.js';

setNumThreads(1);

function snapshot(sd: Record<string, Tensor>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(sd).map(([k, t]) => [k, keep(t.clone())]));
}

function assertStatesClose(a: Record<string, Tensor>, b: Record<string, Tensor>, rtol: number, what: string): void {
  assert.deepEqual(Object.keys(a), Object.keys(b));
  for (const k of Object.keys(a)) assertClose(a[k]!.dataSync(), b[k]!.dataSync(), rtol, `${what}: ${k}`);
}

/** LeNet trained `steps` SGD-momentum steps on (x, y) in one process, and through `replicas` replicas, from the same weights. */
async function lenetBothWays(batch: number, replicas: number, steps: number): Promise<void> {
  manualSeed(3);
  const single = new LeNet();
  const init = snapshot(single.stateDict());
  const x = randn([batch, 1, 28, 28]);
  const y = randint(0, 10, [batch]);
  const opt = new SGD(single.parameters(), { lr: 0.05, momentum: 0.9 });
  const dp = await DataParallel.create({ model: { name: 'lenet' }, optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9 }, replicas, maxReplicas: replicas, state: init });
  try {
    for (let s = 0; s < steps; s++) {
      const l1 = trainEpoch(single, [[x, y]], opt, { accuracy: false, disposeBatches: false }).loss;
      const l2 = await dp.step(x, y);
      assert.ok(Math.abs(l1 - l2) <= 1e-6 * Math.abs(l1), `step ${s + 1}: loss ${l2} through ${replicas} replicas vs ${l1} in one process`);
    }
    // the weights moved: the comparison is not between two unchanged copies
    assert.ok(Math.abs(single.fc3.bias!.dataSync()[0]! - init['fc3.bias']!.dataSync()[0]!) > 1e-4);
    assertStatesClose(dp.stateDict(), single.stateDict(), 1e-6, `LeNet b${batch} over ${replicas} replicas`);
    const states = dp.replicaStates();
    assert.equal(states.length, replicas);
    for (let r = 1; r < replicas; r++) assert.deepEqual(states[r], states[0], `replica ${r} differs from replica 0`);
  } finally {
    await dp.close();
  }
}

test('DataParallel: LeNet, 5 SGD-momentum steps over 2 replicas, matches one process on the whole batch (float32 rounding)', async () => {
  await lenetBothWays(64, 2, 5);
});

test('DataParallel: an odd batch (63 over 2, 10 over 3) splits contiguously and weights shards by size', async () => {
  assert.deepEqual(shardSizes(63, 2), [32, 31]);
  assert.deepEqual(shardSizes(10, 3), [4, 3, 3]);
  assert.deepEqual(shardSizes(3, 3), [1, 1, 1]);
  await lenetBothWays(63, 2, 3);
  await lenetBothWays(10, 3, 3);
});

test('DataParallel: ShallowFBCSPNet (BatchNorm, dropout) with Adam over 3 replicas: replicas bit-identical, runs repeatable', async () => {
  const run = async (): Promise<DataParallel> => {
    manualSeed(11);
    const x = randn([13, 3, 150]);
    const y = randint(0, 2, [13]);
    const dp = await DataParallel.create({
      model: { name: 'shallow', config: { nChans: 3, nOutputs: 2, nTimes: 150 } }, optimizer: { name: 'adam', lr: 1e-3 }, replicas: 3, maxReplicas: 3, seed: 7,
    });
    for (let s = 0; s < 4; s++) await dp.step(x, y);
    return dp;
  };
  const a = await run();
  const b = await run();
  try {
    const sa = a.replicaStates();
    for (let r = 1; r < 3; r++) assert.deepEqual(sa[r], sa[0], `replica ${r} differs from replica 0`);
    // BatchNorm's running statistics moved (and are averaged alike everywhere)
    const rm = sa[0]!['bnorm.running_mean']![0];
    assert.ok(rm.some((v) => v !== 0), 'running_mean never updated');
    assert.deepEqual(b.replicaStates()[0], sa[0], 'two runs with the same seeds differ');
  } finally {
    await a.close();
    await b.close();
  }
});

test("DataParallel: EEGNet's max-norm constraint (the registry's afterStep) runs on every replica", async () => {
  manualSeed(2);
  const x = randn([6, 3, 128]);
  const y = randint(0, 2, [6]);
  const dp = await DataParallel.create({ model: { name: 'eegnet', config: { nChans: 3, nOutputs: 2, nTimes: 128 } }, optimizer: { name: 'adam', lr: 0.5 }, replicas: 2 });
  try {
    for (let s = 0; s < 3; s++) await dp.step(x, y);
    const states = dp.replicaStates();
    assert.deepEqual(states[1], states[0]);
    // each spatial filter (one per output channel, over the 3 electrodes) back at norm ≤ 1
    const [w, shape] = states[1]!['conv_spatial.weight']!;
    const per = w.length / shape[0]!;
    const norms = Array.from({ length: shape[0]! }, (_, f) => Math.hypot(...w.subarray(f * per, (f + 1) * per)));
    assert.ok(norms.every((n) => n <= 1 + 1e-5), `spatial filter norms ${norms.map((n) => n.toFixed(3))}`);
    assert.ok(norms.some((n) => n > 0.99), 'no filter reached the bound: the check would pass without the constraint');
  } finally {
    await dp.close();
  }
});

test('DataParallel: trainLoop takes its steps (accuracy counted, an lr schedule drives every replica)', async () => {
  manualSeed(5);
  const single = new LeNet();
  const init = snapshot(single.stateDict());
  const data = [0, 1].map(() => [keep(randn([16, 1, 28, 28])), keep(randint(0, 10, [16]))] as [Tensor, Tensor]);
  const opt = new SGD(single.parameters(), { lr: 0.1, momentum: 0.5 });
  // trainLoop disposes its batches: each epoch gets copies
  const copies = (): [Tensor, Tensor][] => data.map(([x, y]) => [x.clone(), y.clone()]);
  const ref = trainLoop(single, copies, { epochs: 3, optimizer: opt, scheduler: new StepLR(opt, 1, 0.1) });
  const dp = await DataParallel.create({ model: { name: 'lenet' }, optimizer: { name: 'sgd', lr: 0.1, momentum: 0.5 }, replicas: 2, state: init });
  try {
    const got = trainLoop(dp.model, copies, {
      epochs: 3, optimizer: dp.optimizer, scheduler: new StepLR(dp.optimizer, 1, 0.1), stepper: dp,
    });
    for (let e = 0; e < 3; e++) {
      assert.ok(Math.abs(got.history[e]!.trainLoss - ref.history[e]!.trainLoss) <= 1e-6 * ref.history[e]!.trainLoss, `epoch ${e + 1} loss`);
      assert.equal(got.history[e]!.trainAccuracy, ref.history[e]!.trainAccuracy);
      assert.equal(got.history[e]!.lr, ref.history[e]!.lr);
    }
    assertStatesClose(dp.stateDict(), single.stateDict(), 1e-6, 'trainLoop');
    const s = dp.replicaStates();
    assert.deepEqual(s[1], s[0]);
    assert.throws(() => trainLoop(dp.model, () => [], { epochs: 1, optimizer: dp.optimizer, stepper: dp, afterStep: () => {} }), ArgumentError);
  } finally {
    await dp.close();
  }
});

test('DataParallel: bad arguments raise typed errors naming the value', async () => {
  await assert.rejects(DataParallel.create({ model: { name: 'resnet' }, optimizer: { name: 'sgd', lr: 0.1 }, replicas: 2 }), (e: Error) => e instanceof ArgumentError && /unknown model 'resnet'/.test(e.message));
  await assert.rejects(DataParallel.create({ model: { name: 'lenet' }, optimizer: { name: 'lbfgs', lr: 0.1 }, replicas: 2 }), ArgumentError);
  await assert.rejects(DataParallel.create({ model: { name: 'lenet' }, optimizer: { name: 'sgd', lr: 0.1 }, replicas: 0 }), /replicas must be a positive integer, got 0/);
  // more replicas than cores (each a thread with its own wasm heap) only where asked for
  const cores = availableParallelism();
  await assert.rejects(DataParallel.create({ model: { name: 'lenet' }, optimizer: { name: 'sgd', lr: 0.1 }, replicas: cores + 1 }), (e: Error) => e instanceof ArgumentError && e.message.includes(`replicas ${cores + 1} exceeds the ${cores} cores of this machine`));
  await assert.rejects(DataParallel.create({ model: { name: 'lenet' }, optimizer: { name: 'sgd', lr: 0.1 }, replicas: 1000, maxReplicas: 4 }), (e: Error) => e instanceof ArgumentError && /replicas 1000 exceeds maxReplicas 4/.test(e.message));
  await assert.rejects(DataParallel.create({ model: { name: 'lenet' }, optimizer: { name: 'sgd', lr: 0.1 }, replicas: 2, maxReplicas: 0 }), /maxReplicas must be a positive integer, got 0/);
  await assert.rejects(DataParallel.create({ model: { name: 'lenet' }, optimizer: { name: 'sgd', lr: 0.1 }, replicas: 2, threadsPerReplica: 3, maxReplicas: 5 }), (e: Error) => e instanceof ArgumentError && /replicas 2 × threadsPerReplica 3 = 6 threads exceeds maxReplicas 5/.test(e.message));
  await assert.rejects(DataParallel.create({ model: { module: 'relative/model.js' }, optimizer: { name: 'sgd', lr: 0.1 }, replicas: 2 }), ArgumentError);
  const dp = await DataParallel.create({ model: { name: 'lenet' }, optimizer: { name: 'sgd', lr: 0.1 }, replicas: 2 });
  try {
    assert.throws(() => dp.trainStep(randn([1, 1, 28, 28]), randint(0, 10, [1])), (e: Error) => e instanceof ShapeError && /batch of 1 cannot be split over 2 replicas/.test(e.message));
    assert.throws(() => dp.trainStep(randn([4, 1, 28, 28]), randint(0, 10, [3])), ShapeError);
    // refused before any work: the group still trains
    assert.ok(Number.isFinite(await dp.step(randn([4, 1, 28, 28]), randint(0, 10, [4]))));
  } finally {
    await dp.close();
  }
  await assert.rejects(dp.step(randn([4, 1, 28, 28]), randint(0, 10, [4])), /closed/);
});
