// Online SOS filtering and sliding windows on a real EEGMMIDB recording: the stream, cut into
// chunks of 1, 7 and 160 samples, gives exactly the offline results (same arithmetic in the
// same order, so bit for bit).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readEdf } from '../../src/io/edf/index.js';
import { Raw } from '../../src/neuro/raw.js';
import { createFixedLengthWindows } from '../../src/neuro/windows.js';
import { butter } from '../../src/signal/butter.js';
import { sosfilt, sosfiltZi } from '../../src/signal/sosfilt.js';
import { OnlineSosFilter, SlidingWindower } from '../../src/stream/runtime/index.js';
import { ArgumentError, ShapeError } from '../../src/errors.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';

const EDF = dataPath('eeg/eegmmidb/S001R04.edf');
const PICKS = [8, 10, 12, 40]; // C3, Cz, C4, T7

let cache: Raw | null = null;
function raw(): Raw {
  cache ??= Raw.fromRecording(readEdf(new Uint8Array(readFileSync(EDF)), EDF), { picks: PICKS });
  return cache;
}

/** Channels (C arrays of n) → (n, C) row-major. */
function interleave(chs: Float64Array[]): Float64Array {
  const c = chs.length;
  const n = chs[0]!.length;
  const out = new Float64Array(n * c);
  for (let j = 0; j < c; j++) for (let i = 0; i < n; i++) out[i * c + j] = chs[j]![i]!;
  return out;
}

function streamed(f: OnlineSosFilter, x: Float64Array, chunk: number): Float64Array {
  const c = f.nChannels;
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i += chunk * c) out.set(f.process(x.subarray(i, Math.min(x.length, i + chunk * c))), i);
  return out;
}

test('online band-pass over an EEGMMIDB recording equals sosfilt over the whole signal, chunks of 1, 7, 160', { skip: skipUnlessData(EDF) }, () => {
  const r = raw();
  assert.equal(r.info.sfreq, 160);
  const sos = butter(4, [8, 30], 'bandpass', { fs: 160, output: 'sos' });
  const offline = interleave(r.data.map((ch) => sosfilt(sos, ch)));
  const x = interleave(r.data);
  for (const chunk of [1, 7, 160]) {
    const f = new OnlineSosFilter(sos, PICKS.length);
    const y = streamed(f, x, chunk);
    assert.deepEqual(y, offline, `chunks of ${chunk}`);
  }
  // 'steady' starts from sosfilt_zi scaled by each channel's first sample, as scipy's idiom
  const steady = interleave(r.data.map((ch) => sosfilt(sos, ch, sosfiltZi(sos).map((z) => z.map((v) => v * ch[0]!))).y));
  const f = new OnlineSosFilter(sos, PICKS.length, { init: 'steady' });
  assert.deepEqual(streamed(f, x, 7), steady);
  // reset restarts the state: filtering again gives the same output
  f.reset();
  assert.deepEqual(streamed(f, x, 160), steady);
  assert.notDeepEqual(steady, offline); // the two starts differ, so the test tells them apart
});

test('sliding windows over the filtered stream are the offline fixed-length windows (2 s, 100 ms hop)', { skip: skipUnlessData(EDF) }, () => {
  const r = raw();
  const sos = butter(4, [8, 30], 'bandpass', { fs: 160, output: 'sos' });
  const filtered = r.applyFunction((ch) => sosfilt(sos, ch), 'all');
  const offline = createFixedLengthWindows(filtered, { windowSizeSamples: 320, windowStrideSamples: 16, dropLastWindow: true });
  const x = interleave(r.data);
  const ts = Float64Array.from({ length: r.nTimes }, (_, i) => i / 160);
  for (const chunk of [1, 7, 160]) {
    const f = new OnlineSosFilter(sos, PICKS.length);
    const w = SlidingWindower.fromSeconds(PICKS.length, 160, 2, 0.1);
    assert.deepEqual([w.length, w.hop], [320, 16]);
    const got = [];
    for (let i = 0; i < r.nTimes; i += chunk) {
      const stop = Math.min(r.nTimes, i + chunk);
      got.push(...w.push(f.process(x.subarray(i * PICKS.length, stop * PICKS.length)), ts.subarray(i, stop)));
    }
    assert.equal(got.length, offline.windows.length, `chunks of ${chunk}`);
    assert.ok(got.length > 1000);
    got.forEach((win, k) => {
      const spec = offline.windows[k]!;
      assert.equal(win.start, spec.start);
      assert.equal(win.end, ts[spec.stop - 1]);
      for (let c = 0; c < PICKS.length; c++) {
        assert.deepEqual(win.data.subarray(c * 320, (c + 1) * 320), filtered.data[c]!.subarray(spec.start, spec.stop), `window ${k} channel ${c}, chunks of ${chunk}`);
      }
    });
  }
});

test('online filter and windower refuse bad shapes and sizes with typed errors', () => {
  const sos = butter(2, 10, 'lowpass', { fs: 100, output: 'sos' });
  assert.throws(() => new OnlineSosFilter(sos, 0), ArgumentError);
  assert.throws(() => new OnlineSosFilter([new Float64Array(5)], 2), ShapeError);
  const f = new OnlineSosFilter(sos, 3);
  assert.throws(() => f.process(new Float64Array(7)), (e) => e instanceof ShapeError && /7 values.*3 channels/.test(e.message));
  assert.throws(() => new SlidingWindower(2, 0, 1), ArgumentError);
  assert.throws(() => new SlidingWindower(2, 10, 1.5), ArgumentError);
  const w = new SlidingWindower(2, 4, 2);
  assert.throws(() => w.push(new Float64Array(3)), ShapeError);
  assert.throws(() => w.push(new Float64Array(4), [0]), ShapeError);
  // windows overlap and hop > length skips samples, both as offline
  const big = new SlidingWindower(1, 2, 3);
  const out = big.push(Float64Array.from({ length: 10 }, (_, i) => i));
  assert.deepEqual(out.map((o) => Array.from(o.data)), [[0, 1], [3, 4], [6, 7]]);
});
