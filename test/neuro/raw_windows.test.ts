// Raw manipulation and Braindecode-style windowing on a small synthetic recording whose
// values encode (channel, sample), so every window can be checked exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Raw, Annotations, createWindowsFromEvents, createFixedLengthWindows } from '../../src/neuro/index.js';
import { DataLoader } from '../../src/data/dataloader.js';
import { ArgumentError } from '../../src/errors.js';

// 3 channels × 100 samples at 10 Hz; value = 1000·channel + sample
function makeRaw(): Raw {
  const data = [0, 1, 2].map((c) => Float64Array.from({ length: 100 }, (_, t) => 1000 * c + t));
  const ann = new Annotations([1.0, 4.0, 7.5, 9.0], [2.0, 2.0, 2.0, 0.5], ['left', 'right', 'left', 'rest']);
  return new Raw(data, { sfreq: 10, chNames: ['C3', 'C4', 'STI'], chTypes: ['eeg', 'eeg', 'stim'], units: ['V', 'V', ''], bads: [], measDate: null }, ann);
}

test('crop keeps [tmin, tmax] inclusive and shifts the annotations', () => {
  const r = makeRaw().crop(2.0, 5.0);
  assert.equal(r.nTimes, 31);
  assert.equal(r.data[0]![0], 20);
  assert.deepEqual(r.annotations.description, ['left', 'right']);
  assert.deepEqual(r.annotations.onset, [0, 2]);
  assert.equal(r.annotations.duration[0], 1);
  assert.ok(Math.abs(r.annotations.duration[1]! - 1.1) < 1e-9);
});

test('pick by names and by type; average reference touches EEG only', () => {
  const raw = makeRaw();
  assert.deepEqual(raw.pick('eeg').info.chNames, ['C3', 'C4']);
  assert.deepEqual(raw.pick(['STI', 'C3']).info.chNames, ['STI', 'C3']);
  const ref = raw.setEegReference('average');
  assert.deepEqual([ref.data[0]![5], ref.data[1]![5], ref.data[2]![5]], [-500, 500, 2005]);
});

test('windows from events: one window per trial, then strided windows with the last aligned to the trial end', () => {
  const raw = makeRaw();
  const whole = createWindowsFromEvents(raw, { mapping: { left: 0, right: 1 } });
  assert.deepEqual(whole.windows.map((w) => [w.start, w.stop, w.target]), [[10, 30, 0], [40, 60, 1], [75, 95, 0]]);
  const w = createWindowsFromEvents(raw, { mapping: { left: 0, right: 1 }, windowSizeSamples: 8, windowStrideSamples: 5, trialStartOffsetSamples: -2 });
  // trial 1: samples 8..30 (22 long): starts 0,5,10 then 14 aligned to the end
  assert.deepEqual(w.windows.filter((x) => x.target === 0 && x.start < 40).map((x) => [x.start, x.stop, x.iWindowInTrial]), [[8, 16, 0], [13, 21, 1], [18, 26, 2], [22, 30, 3]]);
  const dropped = createWindowsFromEvents(raw, { mapping: { left: 0 }, windowSizeSamples: 8, windowStrideSamples: 5, trialStartOffsetSamples: -2, dropLastWindow: true });
  assert.equal(dropped.windows.filter((x) => x.start < 40).length, 3);
  const [x, y] = w.getBatch(Int32Array.of(0, 4));
  assert.deepEqual(x.shape, [2, 3, 8]);
  const d = x.dataSync();
  assert.equal(d[0], 8);
  assert.equal(d[8], 1008);
  assert.equal(d[24], 40 - 2);
  assert.deepEqual([...y.dataSync()], [0, 1]);
  const batches = [...new DataLoader(w, { batchSize: 4 })];
  assert.equal(batches.length, Math.ceil(w.length / 4));
});

test('fixed-length windows cover the recording; bad windows give clear errors', () => {
  const raw = makeRaw();
  const f = createFixedLengthWindows(raw, { windowSizeSamples: 30, windowStrideSamples: 30, picks: 'eeg' });
  assert.deepEqual(f.windows.map((w) => w.start), [0, 30, 60, 70]);
  assert.equal(f.nChannels, 2);
  assert.throws(() => createWindowsFromEvents(raw, { mapping: { left: 0 }, windowSizeSamples: 50 }), (e: Error) => e instanceof ArgumentError && /longer than trial/.test(e.message));
  assert.throws(() => createWindowsFromEvents(raw, { mapping: { feet: 3 } }), /no annotation matches the mapping \(feet\); descriptions are left, rest, right/);
  assert.throws(() => createWindowsFromEvents(raw, { mapping: { rest: 2 }, trialStopOffsetSamples: 10 }), /reaches outside the recording/);
  assert.throws(() => createFixedLengthWindows(raw, { windowSizeSamples: 200 }), /shorter than one window/);
  // a zero stride would never advance: refused, not a hang
  assert.throws(() => createFixedLengthWindows(raw, { windowSizeSamples: 10, windowStrideSamples: 0 }), /windowStrideSamples must be a positive integer, got 0/);
  assert.throws(() => createWindowsFromEvents(raw, { mapping: { left: 0 }, windowSizeSamples: 5, windowStrideSamples: -1 }), ArgumentError);
});
