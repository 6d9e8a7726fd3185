// Cropped decoding and nested recipe selection in the EEG evaluation: splitRun keeps every
// trial whole on one side of the cut; a 2-epoch cropped ShallowFBCSPNet run on real EEGMMIDB
// trials gives one prediction per trial; runFoldSelected scores candidates on the training run
// only and reports the choice; models without a dense form are refused for cropped decoding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArgumentError } from '../../src/errors.js';
import { Raw } from '../../src/neuro/raw.js';
import { Annotations } from '../../src/neuro/annotations.js';
import { readEdf } from '../../src/io/edf/index.js';
import { runFold, runFoldSelected, splitRun } from '../../src/decode/eeg_eval.js';
import { trialWindows } from '../../src/decode/eeg_pipeline.js';
import { dataPath, skipMissing } from '../helpers/data.js';

const eeg = dataPath('eeg/eegmmidb');
const load = (r: string) => Raw.fromRecording(readEdf(new Uint8Array(readFileSync(join(eeg, `S001${r}.edf`))), `S001${r}.edf`));

function synthetic(): Raw {
  // 100 Hz, 60 s, trials T1/T2 of 4 s every 8 s from 2 s, rest T0 in between
  const sf = 100;
  const data = [new Float64Array(6000).map((_, i) => Math.sin(i / 7)), new Float64Array(6000).map((_, i) => i)];
  const on: number[] = [], du: number[] = [], de: string[] = [];
  for (let k = 0; k < 7; k++) {
    on.push(2 + 8 * k, 6 + 8 * k);
    du.push(4, 4);
    de.push(k % 2 ? 'T2' : 'T1', 'T0');
  }
  return new Raw(data, { sfreq: sf, chNames: ['C3', 'C4'], chTypes: ['eeg', 'eeg'], units: ['V', 'V'], bads: [], measDate: null }, new Annotations(on, du, de));
}

test('splitRun cuts at the start of trial ⌈2n/3⌉ and keeps every trial on one side, rebased', () => {
  const raw = synthetic();
  const [a, b] = splitRun(raw, { T1: 0, T2: 1 }, 0);
  // 7 trials → the first 5 before the cut at trial 5's onset (42 s)
  assert.equal(a.nTimes, 4200);
  assert.equal(b.nTimes, 1800);
  assert.equal(a.annotations.description.filter((d) => d !== 'T0').length, 5);
  assert.deepEqual([...b.annotations.onset], [0, 4, 8, 12]);
  assert.equal(b.data[1]![0], 4200); // the samples moved with their annotations
  const w = { mapping: { T1: 0, T2: 1 }, tmin: 0, tmax: 4 };
  assert.equal(trialWindows(a, w).length + trialWindows(b, w).length, 7);
  assert.throws(() => splitRun(raw, { X: 0 }, 0), /cannot split/);
});

test('trialWindows cuts crops inside each trial, the last one ending at the trial end', () => {
  const w = trialWindows(synthetic(), { mapping: { T1: 0, T2: 1 }, tmin: 0, tmax: 4, crop: { size: 250, stride: 100 } });
  // 400-sample trials: crops at 0, 100 and the end-aligned 150
  assert.equal(w.length, 7 * 3);
  assert.deepEqual(w.windows.slice(0, 3).map((x) => [x.start, x.stop, x.iWindowInTrial]), [[200, 450, 0], [300, 550, 1], [350, 600, 2]]);
  assert.throws(() => trialWindows(synthetic(), { mapping: { T1: 0 }, tmin: 0, tmax: 4, crop: { size: 401, stride: 1 } }), ArgumentError);
  assert.throws(() => trialWindows(synthetic(), { mapping: { T1: 0 }, tmin: 0, tmax: 4, crop: { size: 100, stride: 0 } }), ArgumentError);
});

test('cropped ShallowFBCSPNet (2 epochs) and nested recipe selection on real EEGMMIDB runs', (t) => {
  if (skipMissing(t, join(eeg, 'S001R06.edf'), join(eeg, 'S001R14.edf'))) return;
  const [r06, r14] = [load('R06'), load('R14')];
  const cfg = { mapping: { T1: 0, T2: 1 }, classNames: ['hands', 'feet'], epochs: 2 };
  const r = runFold('shallow', { name: 'smoke', train: [r06], test: [r14] }, { ...cfg, cropped: true });
  assert.equal(r.model, 'shallow (cropped)');
  assert.equal(r.nTest, 15); // one prediction per trial, from all its crops
  assert.equal(r.history!.length, 2);
  assert.ok(Number.isFinite(r.history![1]!.trainLoss));
  const recipes = [
    { name: 'a', band: [8, 30] as const, tmin: 0.5, tmax: 3.5, cropped: false },
    { name: 'b', band: [8, 30] as const, tmin: 0, tmax: 4, cropped: true },
  ];
  const s = runFoldSelected('shallow', { name: 'sel', train: [r06], test: [r14] }, { ...cfg, epochs: 1 }, recipes);
  assert.deepEqual(s.innerAccuracy.map((x) => x.recipe), ['a', 'b']);
  for (const x of s.innerAccuracy) assert.ok(x.accuracy >= 0 && x.accuracy <= 1);
  const best = s.innerAccuracy[0]!.accuracy >= s.innerAccuracy[1]!.accuracy ? 'a' : 'b';
  assert.equal(s.recipe, best);
  assert.equal(s.nTest, 15);
  // EEGNet has no dense form: cropped recipes are skipped in selection, refused when asked for
  assert.throws(() => runFold('eegnet', { name: 'x', train: [r06], test: [r14] }, { ...cfg, cropped: true }), /no cropped \(dense\) form/);
});
