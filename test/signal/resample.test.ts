// Resampling against scipy.signal.resample_poly (polyphase, Kaiser window) and MNE 1.3's
// FFT resample (npad=100 or 'auto', boxcar window, reflect_limited padding), on synthetic data
// and real EEG (160 Hz -> 100 and 256 Hz). Tolerance 1e-10 relative to the signal's scale.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resample, resamplePoly, upfirdn, type ResampleOptions, type ResamplePolyOptions } from '../../src/signal/index.js';
import { assertSummary, camelKw, eeg, golden, synth, type Summary } from './helpers.js';

interface RGolden {
  resample_poly: { input: 'synth' | 'eeg'; up: number; down: number; kw: Record<string, unknown>; y: Summary }[];
  mne_resample: { input: 'synth' | 'eeg'; up: number; down: number; kw: Record<string, unknown>; y: Summary }[];
}
const g = golden<RGolden>('resample.json');
const src = (s: 'synth' | 'eeg'): Float64Array => (s === 'synth' ? synth : eeg[0]!);

test('resamplePoly matches scipy.signal.resample_poly', () => {
  for (const c of g.resample_poly) {
    const y = resamplePoly(src(c.input), c.up, c.down, camelKw(c.kw) as ResamplePolyOptions);
    assertSummary(y, c.y, 1e-10, `resamplePoly(${c.input}, ${c.up}, ${c.down}, ${JSON.stringify(c.kw)})`);
  }
});

test('resample matches mne.filter.resample (MNE 1.3 defaults)', () => {
  for (const c of g.mne_resample) {
    const y = resample(src(c.input), c.up, c.down, camelKw(c.kw) as ResampleOptions);
    assertSummary(y, c.y, 1e-10, `resample(${c.input}, ${c.up}, ${c.down}, ${JSON.stringify(c.kw)})`);
  }
});

test('upfirdn: upsample, filter, downsample (scipy examples)', () => {
  assert.deepEqual([...upfirdn([1, 1, 1], [1, 2, 3])], [1, 3, 6, 5, 3]);
  assert.deepEqual([...upfirdn([1], [1, 2, 3], 3)], [1, 0, 0, 2, 0, 0, 3]);
  assert.deepEqual([...upfirdn([1, 1, 1], [1, 2, 3], 1, 1, 5)], [11, 8, 6, 10, 13]);
  assert.deepEqual([...upfirdn([1, 1, 1, 1], [1, 2, 3], 2, 1, 5)], [6, 6, 3, 3, 5, 5, 8, 8]);
});

test('resampling keeps a slow sine (both methods)', () => {
  const x = Float64Array.from({ length: 1600 }, (_, i) => Math.sin((2 * Math.PI * 5 * i) / 160));
  // npad=96: with MNE's default npad=100 the cut (100 * 5/8 = 62.5, rounded to 62) shifts the
  // output by half an output sample, as in MNE 1.3 itself
  for (const y of [resamplePoly(x, 5, 8), resample(x, 5, 8, { npad: 96 })]) {
    assert.equal(y.length, 1000);
    let err = 0;
    for (let i = 50; i < 950; i++) err = Math.max(err, Math.abs(y[i]! - Math.sin((2 * Math.PI * 5 * i) / 100)));
    assert.ok(err < 2e-3, `5 Hz sine after 160 -> 100 Hz: ${err}`);
  }
});
