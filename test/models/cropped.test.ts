// ShallowFBCSPNet and dense (cropped) predictions against plain-PyTorch replicas of Braindecode
// (scripts/golden/cropped_reference.py → test/golden/eeg_models/): the trialwise Shallow net;
// Shallow and Deep4 made dense with to_dense_prediction_model, trained with CroppedLoss —
// eval/train logits (B, K, P), the loss, every gradient and the BatchNorm statistics. Then the
// dense property in dendrite itself, the trial aggregation, crop windows and the errors.
// The comparison and its tolerances are in ./torch_reference.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, ShapeError, randn, manualSeed, noGrad, tensor, slice } from '../../src/index.js';
import { checkAgainstTorch, close, load } from './torch_reference.js';
import { Deep4Net, ShallowFBCSPNet, toDensePredictionModel, nPredsPerInput, LeNet } from '../../src/models/index.js';
import { croppedLoss, trialPredsFromWindowPreds } from '../../src/decode/cropped.js';

const drop = (p?: number) => (p === undefined ? {} : { dropProb: p });

test('ShallowFBCSPNet logits, loss, gradients and running statistics match PyTorch', () => {
  assert.equal(load('shallow').meta.n_params, 46084);
  assert.deepEqual(Object.keys(new ShallowFBCSPNet({ nChans: 22, nOutputs: 4, nTimes: 1000 }).stateDict()), load('shallow').meta.state_keys);
  checkAgainstTorch('shallow', (p) => new ShallowFBCSPNet({ nChans: 22, nOutputs: 4, nTimes: 1000, ...drop(p) }), false);
});

test('dense ShallowFBCSPNet (final conv 30) with CroppedLoss matches PyTorch', () => {
  checkAgainstTorch('shallow_dense', (p) => new ShallowFBCSPNet({ nChans: 22, nOutputs: 4, nTimes: 1000, finalConvLength: 30, ...drop(p) }), true);
});

test('dense Deep4Net (final conv 2) with CroppedLoss matches PyTorch', () => {
  checkAgainstTorch('deep4_dense', (p) => new Deep4Net({ nChans: 22, nOutputs: 4, nTimes: 1000, finalConvLength: 2, ...drop(p) }), true);
});

test('the dense output at position p is the strided model on the crop starting at p', () => {
  manualSeed(3);
  // the strided twin is built for exactly one receptive field of input (144 and 441 samples)
  for (const [make, rf] of [
    [(t: number) => new ShallowFBCSPNet({ nChans: 3, nOutputs: 2, nTimes: t, finalConvLength: 4 }), 144],
    [(t: number) => new Deep4Net({ nChans: 3, nOutputs: 2, nTimes: t, finalConvLength: 1, nFilters2: 6, nFilters3: 6, nFilters4: 6 }), 441],
  ] as const) {
    const dense = make(300 + rf);
    assert.equal(dense.receptiveField, rf);
    const strided = make(rf);
    strided.loadStateDict(dense.stateDict());
    toDensePredictionModel(dense);
    strided.eval();
    dense.eval();
    const x = randn([2, 3, rf + 40]);
    noGrad(() => {
      const d = dense.call(x);
      assert.deepEqual(d.shape, [2, 2, 41]);
      assert.equal(nPredsPerInput(dense, 3, rf + 40), 41);
      const dv = d.dataSync();
      for (const p of [0, 1, 17, 40]) {
        const one = strided.call(slice(x, 2, p, p + rf));
        assert.deepEqual(one.shape, [2, 2]);
        const ov = one.dataSync();
        for (let b = 0; b < 2; b++) for (let k = 0; k < 2; k++) close(`position ${p}`, [dv[(b * 2 + k) * 41 + p]!], [ov[b * 2 + k]!], 1e-5, 1e-4);
      }
    });
  }
});

test('trialPredsFromWindowPreds joins crops without overlap, as Braindecode', () => {
  // two trials: trial 0 has windows stopping at 10 and 12 (2 fresh samples), trial 1 one window
  const K = 2, P = 3;
  const preds = Float64Array.from({ length: 3 * K * P }, (_, i) => i);
  const windows = [
    { start: 7, stop: 10, iWindowInTrial: 0, target: 1 },
    { start: 9, stop: 12, iWindowInTrial: 1, target: 1 },
    { start: 20, stop: 23, iWindowInTrial: 0, target: 0 },
  ];
  const t = trialPredsFromWindowPreds(preds, [3, K, P], windows);
  assert.deepEqual(t.targets, [1, 0]);
  // trial 0 class 0: window 0 → 0,1,2; window 1 (base 6) last 2 → 7,8
  assert.deepEqual([...t.preds[0]!], [0, 1, 2, 7, 8, 3, 4, 5, 10, 11]);
  assert.deepEqual([...t.mean[0]!], [18 / 5, 33 / 5]);
  assert.deepEqual([...t.mean[1]!], [13, 16]);
  assert.throws(() => trialPredsFromWindowPreds(preds, [3, K, P], [{ ...windows[0]!, iWindowInTrial: 1 }, ...windows.slice(1)]), ArgumentError);
  assert.throws(() => trialPredsFromWindowPreds(preds, [3, K, P], [windows[0]!, { ...windows[1]!, stop: 20 }, windows[2]!]), /stride/);
  assert.throws(() => trialPredsFromWindowPreds(preds, [2, K, P], windows), ShapeError);
});

test('croppedLoss averages over time; dense models refuse short inputs; LeNet has no dense form', () => {
  const preds = tensor([1, 3, 0, 2, 5, 1, 2, 2], { shape: [1, 2, 4] });
  const avg = tensor([1.5, 2.5], { shape: [1, 2] });
  const y = tensor([1], { dtype: 'int32' });
  close('croppedLoss', [croppedLoss(preds, y).item()], [croppedLoss(avg, y).item()], 1e-7, 1e-6);
  assert.throws(() => croppedLoss(randn([2]), y), ShapeError);
  const m = toDensePredictionModel(new ShallowFBCSPNet({ nChans: 2, nOutputs: 2, nTimes: 200, finalConvLength: 2 }));
  assert.throws(() => m.call(randn([1, 2, m.receptiveField - 1])), /T ≥/);
  assert.throws(() => new ShallowFBCSPNet({ nChans: 2, nOutputs: 2, nTimes: 200, finalConvLength: 99 }), ArgumentError);
  assert.throws(() => new Deep4Net({ nChans: 2, nOutputs: 2, nTimes: 1000, finalConvLength: 0 }), ArgumentError);
  assert.throws(() => toDensePredictionModel(new LeNet()), /no dense form/);
});
