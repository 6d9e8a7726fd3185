// Deep4Net and EEGNet against plain-PyTorch replicas of Braindecode's architectures
// (scripts/golden/eeg_models.py → test/golden/eeg_models/): parameter counts, state-dict keys,
// eval-mode logits, train-mode logits (dropout p=0, BatchNorm on batch statistics), the
// cross-entropy loss, every parameter gradient, the updated BatchNorm running statistics, and
// EEGNet's max-norm helper against torch.renorm. Plus shapes at other sizes and the errors.
//
// The comparison and its tolerances are in ./torch_reference.ts.
// Observed worst errors: Deep4Net logits 3.8e-6 (max 2.6), gradients 6.1e-6 (G 3.8); EEGNet
// logits 1.9e-7, gradients 4.8e-7 (G 0.97).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, ShapeError, noGrad, randn, manualSeed, tensor } from '../../src/index.js';
import { checkAgainstTorch, close, load } from './torch_reference.js';
import { Deep4Net, EEGNet, ShallowFBCSPNet, renorm_ } from '../../src/models/index.js';
import type { Module } from '../../src/nn/module.js';

const nParams = (m: Module) => m.parameters().reduce((a, p) => a + p.numel, 0);

test('parameter counts are Braindecode\'s (22 channels, 4 classes)', () => {
  assert.equal(nParams(new Deep4Net({ nChans: 22, nOutputs: 4, nTimes: 1000 })), 282879);
  assert.equal(nParams(new EEGNet({ nChans: 22, nOutputs: 4, nTimes: 512 })), 2484);
  assert.equal(nParams(new ShallowFBCSPNet({ nChans: 22, nOutputs: 4, nTimes: 1000 })), 46084);
  assert.equal(load('deep4').meta.n_params, 282879);
  assert.equal(load('eegnet').meta.n_params, 2484);
});

test('state-dict keys (and order) equal PyTorch\'s', () => {
  assert.deepEqual(Object.keys(new Deep4Net({ nChans: 22, nOutputs: 4, nTimes: 1000 }).stateDict()), load('deep4').meta.state_keys);
  assert.deepEqual(Object.keys(new EEGNet({ nChans: 22, nOutputs: 4, nTimes: 512 }).stateDict()), load('eegnet').meta.state_keys);
});

test('Deep4Net logits, loss, gradients and running statistics match PyTorch', () => {
  checkAgainstTorch('deep4', (dropProb) => new Deep4Net({ nChans: 22, nOutputs: 4, nTimes: 1000, ...(dropProb === undefined ? {} : { dropProb }) }));
});

test('EEGNet logits, loss, gradients and running statistics match PyTorch', () => {
  checkAgainstTorch('eegnet', (dropProb) => new EEGNet({ nChans: 22, nOutputs: 4, nTimes: 512, ...(dropProb === undefined ? {} : { dropProb }) }));
});

test('EEGNet.applyMaxNorm renormalises conv_spatial as torch.renorm(p=2, dim=0, maxnorm=1)', () => {
  const { ref } = load('eegnet');
  const m = new EEGNet({ nChans: 22, nOutputs: 4, nTimes: 512 });
  noGrad(() => m.conv_spatial.weight.copy_(ref.renorm_in!));
  m.applyMaxNorm();
  close('renorm', m.conv_spatial.weight.dataSync(), ref.renorm_out!.dataSync(), 1e-7, 1e-6);
  // a row within the norm is untouched, bit for bit; a longer one is scaled to norm 1
  const w = tensor([0.3, 0.4, 3, 4], { shape: [2, 2] });
  const r = renorm_(w, 1).dataSync();
  assert.deepEqual([r[0], r[1]], [Math.fround(0.3), Math.fround(0.4)]);
  close('renorm row 1', [r[2]!, r[3]!], [0.6, 0.8], 1e-7, 1e-6);
  assert.throws(() => renorm_(w, 0), ArgumentError);
});

test('output shapes at other channel counts, lengths and class counts; both modes', () => {
  manualSeed(7);
  for (const [C, T, K] of [[3, 441, 2], [8, 600, 3], [64, 1125, 5]] as const) {
    const m = new Deep4Net({ nChans: C, nOutputs: K, nTimes: T });
    assert.deepEqual(m.call(randn([3, C, T])).shape, [3, K], `Deep4Net ${C}x${T}`);
    m.eval();
    assert.deepEqual(m.call(randn([1, C, T])).shape, [1, K]);
  }
  for (const [C, T, K] of [[1, 27, 2], [4, 128, 3], [64, 1000, 5]] as const) {
    const m = new EEGNet({ nChans: C, nOutputs: K, nTimes: T });
    assert.deepEqual(m.call(randn([3, C, T])).shape, [3, K], `EEGNet ${C}x${T}`);
    m.eval();
    assert.deepEqual(m.call(randn([1, C, T])).shape, [1, K]);
  }
  // Braindecode's variants: one temporal conv over all channels, no BatchNorm (convs get biases), mean pooling
  const v = new Deep4Net({ nChans: 5, nOutputs: 2, nTimes: 500, splitFirstLayer: false, batchNorm: false, firstPoolMode: 'mean', laterPoolMode: 'mean' });
  assert.deepEqual(Object.keys(v.stateDict()), ['conv_time.weight', 'conv_time.bias', 'conv_2.weight', 'conv_2.bias', 'conv_3.weight', 'conv_3.bias', 'conv_4.weight', 'conv_4.bias', 'final_layer.conv_classifier.weight', 'final_layer.conv_classifier.bias']);
  assert.deepEqual(v.call(randn([2, 5, 500])).shape, [2, 2]);
  const e = new EEGNet({ nChans: 4, nOutputs: 2, nTimes: 256, F1: 4, D: 1, F2: 6, kernelLength: 32, poolMode: 'max' });
  assert.deepEqual(e.call(randn([2, 4, 256])).shape, [2, 2]);
});

test('dropout is active in training and off in eval', () => {
  manualSeed(3);
  const m = new EEGNet({ nChans: 4, nOutputs: 3, nTimes: 128 });
  const x = randn([2, 4, 128]);
  m.eval();
  assert.deepEqual(m.call(x).dataSync(), m.call(x).dataSync());
  const d = new Deep4Net({ nChans: 4, nOutputs: 3, nTimes: 500 });
  d.train();
  const y = randn([2, 4, 500]);
  assert.notDeepEqual(d.call(y).dataSync(), d.call(y).dataSync());
});

test('too-short inputs and bad options are clear errors', () => {
  assert.throws(() => new Deep4Net({ nChans: 22, nOutputs: 4, nTimes: 440 }), (e: unknown) => e instanceof ArgumentError && /Deep4Net: nTimes=440 is too short/.test(e.message));
  assert.throws(() => new EEGNet({ nChans: 22, nOutputs: 4, nTimes: 26 }), (e: unknown) => e instanceof ArgumentError && /EEGNet: nTimes=26 is too short/.test(e.message));
  assert.throws(() => new Deep4Net({ nChans: 0, nOutputs: 4, nTimes: 1000 }), /nChans must be a positive integer, got 0/);
  assert.throws(() => new EEGNet({ nChans: 22, nOutputs: 4, nTimes: 512, dropProb: 1.5 }), ArgumentError);
  assert.throws(() => new Deep4Net({ nChans: 22, nOutputs: 4, nTimes: 1000 }).call(randn([2, 21, 1000])), (e: unknown) => e instanceof ShapeError && /expected input \(B, 22, 1000\)/.test(e.message));
  assert.throws(() => new EEGNet({ nChans: 22, nOutputs: 4, nTimes: 512 }).call(randn([22, 512])), ShapeError);
});
