// SpikeTrain: validation, constructors and slicing; the golden inputs against the real MAT-files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { dataPath, skipMissing } from '../../helpers/data.js';
import { ArgumentError } from '../../../src/errors.js';
import { readMat, toFloat64, toRowMajor, type MatDense } from '../../../src/io/mat/index.js';
import { SpikeTrain, alignToEvents } from '../../../src/neuro/spikes/index.js';
import { retinaHigh, retinaLow, stn, stnIndices } from './helpers.js';

const KE = dataPath('spikes/kramer-eden-case-studies');

test('SpikeTrain refuses unsorted, NaN, infinite and out-of-window times and bad windows', () => {
  assert.throws(() => new SpikeTrain([0.2, 0.1], { tStop: 1 }), ArgumentError);
  assert.throws(() => new SpikeTrain([0.1, NaN], { tStop: 1 }), /not finite/);
  assert.throws(() => new SpikeTrain([Infinity], { tStop: 1 }), ArgumentError);
  assert.throws(() => new SpikeTrain([-0.1], { tStop: 1 }), /outside \[tStart, tStop\]/);
  assert.throws(() => new SpikeTrain([1.5], { tStop: 1 }), ArgumentError);
  assert.throws(() => new SpikeTrain([], { tStart: 1, tStop: 1 }), /greater than tStart/);
  assert.throws(() => new SpikeTrain([], { tStop: NaN }), ArgumentError);
  // spikes on both window edges and repeated times are allowed
  const st = new SpikeTrain([0, 0.5, 0.5, 1], { tStop: 1 });
  assert.equal(st.length, 4);
  assert.equal(st.duration, 1);
  const src = [0.3, 0.1, 0.2];
  assert.deepEqual([...SpikeTrain.fromUnsorted(src, { tStop: 1 }).times], [0.1, 0.2, 0.3]);
  assert.deepEqual(src, [0.3, 0.1, 0.2], 'fromUnsorted leaves its input alone');
});

test('fromIndicator puts c spikes at the left edge of each sample; timeSlice and alignToEvents', () => {
  const st = SpikeTrain.fromIndicator([0, 1, 0, 2, 0], 0.1, -0.2);
  assert.deepEqual([...st.times].map((t) => +t.toFixed(12)), [-0.1, 0.1, 0.1]);
  assert.equal(st.tStart, -0.2);
  assert.ok(Math.abs(st.tStop - 0.3) < 1e-15);
  assert.throws(() => SpikeTrain.fromIndicator([0, 0.5], 0.1), /non-negative integer/);
  assert.throws(() => SpikeTrain.fromIndicator([0, 1], -0.1), ArgumentError);

  const sl = retinaLow.timeSlice(10, 12);
  assert.equal(sl.tStart, 10);
  assert.equal(sl.tStop, 12);
  assert.equal(sl.length, [...retinaLow.times].filter((t) => t >= 10 && t <= 12).length);
  assert.throws(() => retinaLow.timeSlice(40, 50), /does not overlap/);

  const trials = alignToEvents(retinaHigh, [5, 10, 29.9], -0.5, 1);
  assert.equal(trials.length, 3);
  assert.equal(trials[1]!.tStart, -0.5);
  assert.equal(trials[1]!.length, [...retinaHigh.times].filter((t) => t >= 9.5 && t <= 11).length);
  for (const tr of trials) for (const t of tr.times) assert.ok(t >= -0.5 && t <= 1);
  assert.throws(() => alignToEvents(retinaHigh, [1], 1, 0), ArgumentError);
});

function mat(name: string): Record<string, MatDense> {
  const file = resolve(KE, name);
  return readMat(new Uint8Array(readFileSync(file)), file) as Record<string, MatDense>;
}

test('the golden inputs are the spike times of 08_spikes-1.mat and 10_spikes-1.mat (read with readMat)', (t) => {
  if (skipMissing(t, resolve(KE, '08_spikes-1.mat'), resolve(KE, '10_spikes-1.mat'))) return;
  const m8 = mat('08_spikes-1.mat');
  assert.deepEqual(toFloat64(m8['SpikesLow']!.data), retinaLow.times);
  assert.deepEqual(toFloat64(m8['SpikesHigh']!.data), retinaHigh.times);
  const m10 = mat('10_spikes-1.mat');
  const train = m10['train']!;
  assert.deepEqual(train.dims, [50, 2000]);
  const rm = toRowMajor(train as Parameters<typeof toRowMajor>[0]);
  for (let k = 0; k < 50; k++) {
    const row = toFloat64(rm.data).subarray(k * 2000, (k + 1) * 2000);
    const idx = [...row.keys()].filter((i) => row[i] === 1);
    assert.deepEqual(idx, stnIndices[k], `trial ${k}`);
    assert.deepEqual(SpikeTrain.fromIndicator(row, 0.001, -1).times, stn[k]!.times);
  }
  assert.equal(toFloat64(m10['t']!.data)[0], -1000);
});
