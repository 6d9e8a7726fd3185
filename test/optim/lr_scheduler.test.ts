// Scheduler behaviour beyond the golden sequences: several groups, getLastLr, chaining,
// resuming, state dicts, validation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, tensor } from '../../src/index.js';
import { Adam, CosineAnnealingLR, ExponentialLR, LambdaLR, MultiStepLR, ReduceLROnPlateau, SGD, StepLR } from '../../src/optim/index.js';

const sgd = (...lrs: number[]) => new SGD(lrs.map((lr) => ({ params: [tensor([0]).requiresGrad_()], lr })), { lr: 1 });

test('schedulers scale every group from its own lr and report it in getLastLr', () => {
  const opt = sgd(0.1, 1);
  const s = new StepLR(opt, 2, 0.5);
  assert.deepEqual(s.getLastLr(), [0.1, 1]);
  assert.equal(s.lastEpoch, 0);
  assert.deepEqual(s.baseLrs, [0.1, 1]);
  assert.equal(opt.paramGroups[0]!.initialLr, 0.1);
  s.step();
  s.step();
  assert.equal(s.lastEpoch, 2);
  assert.deepEqual(s.getLastLr(), [0.05, 0.5]);
  assert.deepEqual(opt.paramGroups.map((g) => g.lr), [0.05, 0.5]);
});

test('schedulers chain on one optimizer, as in PyTorch', () => {
  const opt = sgd(1);
  const a = new ExponentialLR(opt, 0.5);
  const b = new MultiStepLR(opt, [2], 0.1);
  a.step();
  b.step();
  assert.equal(opt.paramGroups[0]!.lr, 0.5);
  a.step();
  b.step();
  assert.ok(Math.abs(opt.paramGroups[0]!.lr - 0.025) < 1e-15);
});

test('LambdaLR multiplies the initial lr by the lambda of the epoch', () => {
  const opt = sgd(0.1, 0.2);
  const s = new LambdaLR(opt, [(e) => 1 / (e + 1), (e) => 0.5 ** e]);
  s.step();
  s.step();
  assert.deepEqual(s.getLastLr(), [0.1 / 3, 0.05]);
  assert.throws(() => new LambdaLR(opt, [(e) => e]), ArgumentError);
  assert.ok(!('lrLambdas' in s.stateDict()));
});

test('a scheduler state dict resumes the schedule', () => {
  const opt = sgd(0.1);
  const s = new CosineAnnealingLR(opt, 5, 0.01);
  for (let i = 0; i < 3; i++) s.step();
  const sd = s.stateDict();
  assert.equal(sd['lastEpoch'], 3);
  assert.equal(sd['tMax'], 5);
  assert.ok(!('optimizer' in sd));
  const lrAt3 = opt.paramGroups[0]!.lr;
  s.step();
  const want = opt.paramGroups[0]!.lr;

  const opt2 = sgd(0.1);
  opt2.paramGroups[0]!.lr = lrAt3;
  opt2.paramGroups[0]!.initialLr = 0.1;
  const s2 = new CosineAnnealingLR(opt2, 5, 0.01, 2); // resumes: steps to epoch 3, then load
  s2.loadStateDict(sd);
  opt2.paramGroups[0]!.lr = lrAt3;
  s2.step();
  assert.equal(opt2.paramGroups[0]!.lr, want);
  assert.throws(() => new StepLR(sgd(0.1), 2, 0.1, 5), /initialLr/);
});

test('ReduceLROnPlateau: per-group minLr, tensor metrics, state dict', () => {
  const opt = sgd(0.1, 0.01);
  const s = new ReduceLROnPlateau(opt, { patience: 0, factor: 0.5, minLr: [0.04, 0] });
  s.step(tensor(1));
  s.step(tensor(2));
  assert.deepEqual(s.getLastLr(), [0.05, 0.005]);
  s.step(3);
  assert.deepEqual(s.getLastLr(), [0.04, 0.0025]);
  assert.equal(s.stateDict()['best'], 1);
  assert.equal(s.stateDict()['numBadEpochs'], 0);
  const s2 = new ReduceLROnPlateau(sgd(1, 1));
  s2.loadStateDict(s.stateDict());
  assert.equal(s2.best, 1);
  assert.equal(s2.patience, 0);
});

test('schedulers work with any optimizer', () => {
  const opt = new Adam([tensor([0]).requiresGrad_()], { lr: 0.01 });
  const s = new ExponentialLR(opt, 0.1);
  s.step();
  assert.ok(Math.abs(opt.paramGroups[0]!.lr - 0.001) < 1e-18);
});

test('bad scheduler arguments raise ArgumentError', () => {
  const opt = sgd(0.1);
  assert.throws(() => new StepLR(opt, 0), ArgumentError);
  assert.throws(() => new CosineAnnealingLR(opt, 0), ArgumentError);
  assert.throws(() => new MultiStepLR(opt, [1.5]), ArgumentError);
  assert.throws(() => new ReduceLROnPlateau(opt, { factor: 1 }), /factor should be < 1.0/);
  assert.throws(() => new ReduceLROnPlateau(opt, { mode: 'up' as 'min' }), /mode "up" is unknown/);
  assert.throws(() => new ReduceLROnPlateau(opt, { thresholdMode: 'x' as 'abs' }), ArgumentError);
  assert.throws(() => new ReduceLROnPlateau(opt, { minLr: [0, 0] }), /expected 1 minLrs/);
});
