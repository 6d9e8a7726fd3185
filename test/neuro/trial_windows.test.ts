// Trial windows around mapped events are cut with Epochs' event logic: the same events
// (onsets rounded to samples, in time order), the same first sample round(tmin·sfreq) from each
// event, the same trials dropped at the recording edges (NO_DATA).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Raw, Annotations, Epochs, eventsFromAnnotations, trialWindows } from '../../src/neuro/index.js';
import { ArgumentError, ShapeError } from '../../src/errors.js';

// 2 channels × 200 samples at 20 Hz; value = 1000·channel + sample. Annotations out of time
// order, one at the very start (cut by tmin < 0) and one whose window runs past the end.
function makeRaw(): Raw {
  const data = [0, 1].map((c) => Float64Array.from({ length: 200 }, (_, t) => 1000 * c + t));
  const ann = new Annotations([5.0, 1.02, 0.0, 3.0, 9.6], [1, 1, 1, 1, 1], ['b', 'a', 'a', 'rest', 'b']);
  return new Raw(data, { sfreq: 20, chNames: ['C3', 'C4'], chTypes: ['eeg', 'eeg'], units: ['V', 'V'], bads: [], measDate: null }, ann);
}

test('trialWindows: windows are the Epochs of the same events, in time order, edge trials dropped alike', () => {
  const raw = makeRaw();
  const mapping = { a: 0, b: 1 };
  const w = trialWindows(raw, { mapping, tmin: -0.5, tmax: 1.0 });
  const { events } = eventsFromAnnotations(raw, mapping);
  const ep = new Epochs(raw, events, mapping, { tmin: -0.5, tmax: 1.0, baseline: null });
  // the 0.0 s trial starts before the recording and the 9.6 s one ends after it: both dropped
  assert.deepEqual(ep.dropLog, [['NO_DATA'], [], [], ['NO_DATA']]);
  assert.deepEqual(w.windows.map((x) => [x.start, x.stop, x.target]), [[10, 40, 0], [90, 120, 1]]);
  assert.deepEqual(Array.from(w.windows, (x) => x.target), Array.from(ep.labels()));
  // Epochs include tmax's sample; the windows are [tmin, tmax): the same samples but the last
  for (let e = 0; e < ep.length; e++) {
    const x = new Float32Array(60);
    assert.equal(w.fill(e, x, 0), ep.labels()[e]);
    const y = ep.getEpoch(e);
    for (let c = 0; c < 2; c++) for (let t = 0; t < 30; t++) assert.equal(x[c * 30 + t], y[c * ep.nTimes + t]);
  }
});

test('trialWindows: crops, and bad windows are typed errors naming the recording', () => {
  const raw = makeRaw();
  const w = trialWindows(raw, { mapping: { a: 0, b: 1 }, tmin: 0, tmax: 1, crop: { size: 8, stride: 5 } });
  // 20-sample trials at 0, 20 and 100 (the one at 192 runs past the end): crops at 0, 5, 10 and the end-aligned 12
  assert.deepEqual(w.windows.map((x) => [x.start, x.iWindowInTrial]), [[0, 0], [5, 1], [10, 2], [12, 3], [20, 0], [25, 1], [30, 2], [32, 3], [100, 0], [105, 1], [110, 2], [112, 3]]);
  assert.throws(() => trialWindows(raw, { mapping: { X: 0 }, tmin: 0, tmax: 1 }, 'run 3'), (e: unknown) => e instanceof ArgumentError && /run 3 has none of the events X; its annotations are a, b, rest/.test(e.message));
  assert.throws(() => trialWindows(raw, { mapping: { a: 0 }, tmin: 1, tmax: 1 }), /window \[1, 1\] s is empty/);
  assert.throws(() => trialWindows(raw, { mapping: { a: 0 }, tmin: 0, tmax: 1, crop: { size: 21, stride: 1 } }), ArgumentError);
  assert.throws(() => trialWindows(raw, { mapping: { a: 0 }, tmin: 0, tmax: 1, crop: { size: 10, stride: 0 } }), ArgumentError);
  assert.throws(() => trialWindows(raw, { mapping: { b: 1 }, tmin: 0, tmax: 20 }), ShapeError);
});
