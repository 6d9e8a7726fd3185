// The one training loop (trainLoop, and fit over it) and the one predict: early stopping keeps
// the best epoch's weights, the schedule steps once per epoch, callbacks come in order, predict
// returns every example's output in order in eval mode. The pinned runs (a classifier fitted
// with validation and early stopping, a GRU spike decoder stopped early) hold the losses that
// dendrite's separate EEG and spike-decoder loops gave before they became this one; they match
// bit for bit today, and the tolerance only leaves room for a kernel's summation order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError } from '../../src/errors.js';
import { randn, tensor } from '../../src/tensor/creation.js';
import { manualSeed } from '../../src/tensor/random.js';
import { noGrad } from '../../src/autograd/grad_mode.js';
import { mseLoss } from '../../src/ops/loss.js';
import { argmax } from '../../src/ops/reduce.js';
import { TensorDataset, type Dataset } from '../../src/data/dataset.js';
import { DataLoader } from '../../src/data/dataloader.js';
import { Linear } from '../../src/nn/linear.js';
import { Dropout, Flatten, Sequential } from '../../src/nn/container.js';
import { SGD } from '../../src/optim/sgd.js';
import { CosineAnnealingLR } from '../../src/optim/lr_scheduler.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { fit, predict, predictProba, trainLoop } from '../../src/decode/trainer.js';
import { RecurrentDecoder } from '../../src/decode/estimators/neural_decoder.js';
import { matrix, sequences } from '../../src/decode/estimators/types.js';
import { assertClose } from '../helpers/close.js';

function regression(): { ds: TensorDataset; x: Tensor; y: Tensor } {
  manualSeed(2);
  const x = randn([24, 3]);
  const y = randn([24, 2]);
  return { ds: new TensorDataset(x, y), x, y };
}
const loader = (ds: TensorDataset) => () => new DataLoader(ds, { batchSize: 8 }) as Iterable<[Tensor, Tensor]>;
const weights = (m: Linear) => [...m.weight.dataSync(), ...m.bias!.dataSync()];

test('early stopping: stops `patience` epochs after the best validation loss and restores that epoch\'s weights', () => {
  const { ds } = regression();
  manualSeed(0);
  const net = new Linear(3, 2);
  const script = [3, 2, 2.5, 1, 1.5, 4, 5, 6];
  const seen: number[][] = [];
  let k = 0;
  const r = trainLoop(net, loader(ds), {
    epochs: 8, optimizer: new SGD(net.parameters(), { lr: 0.1 }), lossFn: mseLoss, accuracy: false, patience: 2,
    validate: () => ({ loss: script[k++]! }),
    onEpoch: (row) => {
      if (row.epoch === 4) seen.push(weights(net));
      else seen.push([]);
    },
  });
  // epochs 5 and 6 do not improve on epoch 4's 1.0: the loop stops after epoch 6
  assert.equal(r.history.length, 6);
  assert.equal(r.bestEpoch, 4);
  assert.deepEqual(r.history.map((h) => h.validLoss), [3, 2, 2.5, 1, 1.5, 4]);
  assert.deepEqual(weights(net), seen[3]);
  assert.ok(r.history.every((h) => Number.isNaN(h.trainAccuracy) && h.validAccuracy === null));
  // minDelta: an improvement of 0.5 does not count when 0.6 is required
  manualSeed(0);
  const net2 = new Linear(3, 2);
  const s2 = [3, 2.5, 2, 1.5];
  let i = 0;
  const r2 = trainLoop(net2, loader(ds), { epochs: 4, optimizer: new SGD(net2.parameters(), { lr: 0.1 }), lossFn: mseLoss, accuracy: false, patience: 1, minDelta: 0.6, validate: () => ({ loss: s2[i++]! }) });
  assert.equal(r2.history.length, 2);
  assert.equal(r2.bestEpoch, 1);
});

test('without validation the model keeps its last weights; the lr column is the rate each epoch trained with', () => {
  const { ds } = regression();
  manualSeed(0);
  const net = new Linear(3, 2);
  const opt = new SGD(net.parameters(), { lr: 0.2 });
  const events: string[] = [];
  const r = trainLoop(net, loader(ds), {
    epochs: 3, optimizer: opt, scheduler: new CosineAnnealingLR(opt, 2), lossFn: mseLoss, accuracy: false, patience: 1,
    onEpochStart: (e) => events.push(`start ${e}`),
    onStep: (s, _l, b) => events.push(`step ${s} ${b}`),
    afterStep: () => events.push('after'),
    onEpoch: (row, tr) => events.push(`end ${row.epoch} ${tr.examples}`),
  });
  assert.equal(r.bestEpoch, 3);
  assertClose(r.history.map((h) => h.lr), [0.2, 0.1, 0], 1e-15, 'cosine lr per epoch');
  assert.deepEqual(events.slice(0, 9), ['start 1', 'after', 'step 0 8', 'after', 'step 1 8', 'after', 'step 2 8', 'end 1 24', 'start 2']);
  // the epoch's loss is the batch-size-weighted mean of its steps
  const { x, y } = regression();
  const before = noGrad(() => mseLoss(net.call(x), y).item());
  assert.ok(before < r.history[0]!.trainLoss, `training lowered the loss: ${before} vs ${r.history[0]!.trainLoss}`);
});

test('bad epochs or patience are ArgumentErrors naming the value', () => {
  const { ds } = regression();
  const net = new Linear(3, 2);
  const optimizer = new SGD(net.parameters(), { lr: 0.1 });
  assert.throws(() => trainLoop(net, loader(ds), { epochs: 0, optimizer }), (e: Error) => e instanceof ArgumentError && /epochs must be a positive integer, got 0/.test(e.message));
  assert.throws(() => trainLoop(net, loader(ds), { epochs: 2, optimizer, patience: 1.5 }), (e: Error) => e instanceof ArgumentError && /patience must be a positive integer, got 1.5/.test(e.message));
  assert.throws(() => fit(net, new TensorDataset(randn([0, 3]), tensor([], { dtype: 'int32' })) as unknown as Dataset<[Tensor, Tensor]>, null), (e: Error) => e instanceof ArgumentError && /training set is empty/.test(e.message));
});

test('predict: every example\'s output in order, in eval mode, with targets when the items carry them', () => {
  manualSeed(3);
  const net = new Sequential(new Linear(3, 4), new Dropout(0.5));
  const x = randn([10, 3]);
  const want = noGrad(() => {
    net.eval();
    const o = net.call(x).dataSync();
    net.train();
    return Array.from(o);
  });
  const p = predict(net, new TensorDataset(x), { batchSize: 3 });
  assert.deepEqual(p.shape, [10, 4]);
  assert.equal(p.targets, null);
  assertClose(p.output, want, 1e-6, 'batched outputs');
  assert.equal(net.training, false, 'predict leaves the model in eval mode');
  const y = tensor([0, 1, 2, 3, 0, 1, 2, 3, 0, 1], { dtype: 'int32' });
  const q = predict(net, new TensorDataset(x, y), { batchSize: 4, map: (o) => argmax(o, 1) });
  assert.deepEqual(q.shape, [10]);
  assert.deepEqual([...q.targets!], [0, 1, 2, 3, 0, 1, 2, 3, 0, 1]);
  for (let i = 0; i < 10; i++) {
    const row = want.slice(i * 4, i * 4 + 4);
    assert.equal(q.output[i], row.indexOf(Math.max(...row)));
  }
});

test('pinned: fit (AdamW, cosine, validation, early stopping) on a seeded classifier', () => {
  manualSeed(0);
  const x = randn([40, 3, 20]);
  const y = tensor(Array.from({ length: 40 }, (_, i) => i % 2), { dtype: 'int32' });
  const ds = new TensorDataset(x, y) as unknown as Dataset<[Tensor, Tensor]>;
  const net = new Sequential(new Flatten(), new Linear(60, 2));
  const r = fit(net, ds, ds, { epochs: 5, batchSize: 8, lr: 0.01, patience: 2, seed: 4 });
  const want = [
    [0.8414375424385071, 0.475, 0.6785822689533234, 0.625, 0.01],
    [0.6589088201522827, 0.675, 0.5680445194244385, 0.725, 0.008535533905932738],
    [0.5554499387741089, 0.725, 0.518602603673935, 0.75, 0.005],
    [0.5153905689716339, 0.75, 0.5059777915477752, 0.75, 0.0014644660940672626],
    [0.5059777975082398, 0.75, 0.5059777915477752, 0.75, 0],
  ];
  assertClose(r.history.flatMap((h) => [h.trainLoss, h.trainAccuracy, h.validLoss!, h.validAccuracy!, h.lr]), want.flat(), 1e-5, 'fit history');
  assert.equal(r.bestEpoch, 4);
  const p = predictProba(net, ds, 16);
  assert.equal(p.classes, 2);
  assert.deepEqual([...p.targets], Array.from({ length: 40 }, (_, i) => i % 2));
});

test('pinned: a GRU spike decoder trained by the shared loop stops early at the same epoch with the same losses', () => {
  // synthetic counts: 240 samples, 4 bins of history, 5 neurons; 2 outputs read from the history
  const n = 240, L = 4, F = 5;
  let s = 7;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const X = new Float64Array(n * L * F).map(() => Math.floor(rnd() * 4));
  const Y = new Float64Array(n * 2).map((_, i) => X[Math.floor(i / 2) * L * F + (i % 2) * 7]! * 2 - X[Math.floor(i / 2) * L * F + 3]! + rnd());
  const log: number[][] = [];
  const m = new RecurrentDecoder({ cell: 'gru', hiddenSize: 6, epochs: 30, batchSize: 16, lr: 0.05, seed: 1, patience: 2, onEpoch: (e, l, v) => log.push([e, l, v!]) })
    .fit(sequences(X.subarray(0, 160 * L * F), 160, L, F), matrix(Y.subarray(0, 320), 160, 2), [sequences(X.subarray(160 * L * F), 80, L, F), matrix(Y.subarray(320), 80, 2)]);
  assert.equal(log.length, 16);
  assert.equal(m.bestEpoch, 14);
  const want = [
    [1, 5.8599223613739015, 6.425098099303138], [2, 5.095647239685059, 5.640857527496175], [3, 4.105299234390259, 4.270633674444099],
    [4, 3.1925125122070312, 3.551618175148867], [5, 2.801849162578583, 3.2578370787379667], [6, 2.466480040550232, 3.1972294018839977],
    [7, 2.204923319816589, 3.1643961163578003], [8, 1.8727884531021117, 2.9456040048263117], [9, 1.6794299602508544, 3.0927959566879184],
    [10, 1.563064408302307, 2.697276488028396], [11, 1.2780341863632203, 2.54189413880814], [12, 1.1742183208465575, 2.3947942813723526],
    [13, 1.1350695013999939, 2.208304587863474], [14, 1.009884625673294, 1.9186449457426942], [15, 0.9297726809978485, 1.9449900741463457],
    [16, 1.0007825791835785, 2.2081198388764034],
  ];
  assertClose(log.flat(), want.flat(), 1e-5, 'per-epoch training loss and validation MSE');
  const pred = m.predict(sequences(X.subarray(160 * L * F), 80, L, F)).data;
  assertClose(pred.subarray(0, 4), [-2.070194099890067, -0.04010997046425424, 0.42652752543799677, 4.0764237857918495], 1e-5, 'predictions with the restored epoch-14 weights');
});
