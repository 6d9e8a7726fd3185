// FIR design and filtering against scipy.signal.firwin and MNE 1.3's create_filter /
// filter_data / notch_filter (test/golden/signal/fir.json). Filters designed identically in
// float64 agree to ~1e-14 (tolerance 1e-12 on coefficients); filtered signals differ only by
// FFT rounding (ours: radix-2/Bluestein; scipy: pocketfft), tolerance 1e-10 relative to the
// signal's scale. Identities as in mne/tests/test_filter.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFilter, filterData, firwin, notchFilter, rfft, type CreateFilterOptions, type FilterDataOptions, type FirwinOptions, type WindowSpec } from '../../src/signal/index.js';
import { ArgumentError } from '../../src/errors.js';
import { assertClose, assertSummary, camelKw, eeg, eegFs, golden, synth, synthFs, type Summary } from './helpers.js';

type F = number | number[] | null;
interface FirGolden {
  firwin: { numtaps: number; cutoff: number | number[]; kw: Record<string, unknown>; h: number[] }[];
  create_filter: { sfreq: number; l_freq: F; h_freq: F; kw: Record<string, unknown>; len: number; h: Summary }[];
  filter_data: { input: 'synth' | 'eeg'; sfreq: number; l_freq: F; h_freq: F; kw: Record<string, unknown>; y: Summary | Summary[] }[];
  notch: { input: 'synth' | 'eeg'; sfreq: number; freqs: number[]; kw: Record<string, unknown>; y: Summary | Summary[] }[];
}
const g = golden<FirGolden>('fir.json');

test('firwin matches scipy.signal.firwin', () => {
  for (const c of g.firwin) {
    const kw = camelKw(c.kw) as FirwinOptions & { window?: WindowSpec };
    const h = firwin(c.numtaps, c.cutoff, kw);
    assertClose(h, c.h, 1e-12, `firwin(${c.numtaps}, ${JSON.stringify(c.cutoff)}, ${JSON.stringify(c.kw)})`);
  }
});

test('createFilter matches mne.filter.create_filter (firwin, auto bandwidths and lengths)', () => {
  for (const c of g.create_filter) {
    const h = createFilter(null, c.sfreq, c.l_freq, c.h_freq, camelKw(c.kw) as CreateFilterOptions);
    assert.equal(h.length, c.len, `length for ${JSON.stringify(c)}`);
    assertSummary(h, c.h, 1e-12, `createFilter(${c.sfreq}, ${JSON.stringify(c.l_freq)}, ${JSON.stringify(c.h_freq)}, ${JSON.stringify(c.kw)})`);
  }
});

test('filterData matches mne.filter.filter_data on synthetic and real EEG', () => {
  for (const c of g.filter_data) {
    const opts = camelKw(c.kw) as FilterDataOptions;
    const what = `filterData(${c.input}, ${c.l_freq}, ${c.h_freq}, ${JSON.stringify(c.kw)})`;
    if (c.input === 'synth') assertSummary(filterData(synth, c.sfreq, c.l_freq, c.h_freq, opts), c.y as Summary, 1e-10, what);
    else filterData(eeg, c.sfreq, c.l_freq, c.h_freq, opts).forEach((y, i) => assertSummary(y, (c.y as Summary[])[i]!, 1e-10, `${what} ch${i}`));
  }
});

test('notchFilter matches mne.filter.notch_filter', () => {
  for (const c of g.notch) {
    const opts = camelKw(c.kw);
    const what = `notchFilter(${c.input}, ${JSON.stringify(c.freqs)}, ${JSON.stringify(c.kw)})`;
    if (c.input === 'synth') assertSummary(notchFilter(synth, c.sfreq, c.freqs, opts), c.y as Summary, 1e-10, what);
    else notchFilter(eeg, c.sfreq, c.freqs, opts).forEach((y, i) => assertSummary(y, (c.y as Summary[])[i]!, 1e-10, `${what} ch${i}`));
  }
});

test('direct convolution equals FFT overlap-add', () => {
  for (const [l, h] of [[1, 40], [null, 30], [8, null]] as [number | null, number | null][]) {
    const a = filterData(eeg[0]!, eegFs, l, h);
    const b = filterData(eeg[0]!, eegFs, l, h, { convolution: 'direct' });
    assertClose(b, a, 1e-12, `direct vs fft (${l}, ${h})`);
  }
  // a signal shorter than the filter (padding limited by the signal's length)
  const short = synth.slice(0, 100);
  assertClose(filterData(short, synthFs, 1, null, { convolution: 'direct' }), filterData(short, synthFs, 1, null), 1e-12, 'short signal');
});

test('identities: band-pass + band-stop = input; high-pass then low-pass ~ band-pass (MNE test_filters)', () => {
  // as mne/tests/test_filter.py: bp(4-8 Hz, 1 Hz transitions) + bs(9-3 Hz) ~ a, away from the edges
  const sfreq = 100;
  const n = 2000;
  const a = new Float64Array(n);
  let s = 7;
  for (let i = 0; i < n; i++) { s = (48271 * s) % 2147483647; a[i] = s / 2147483647 - 0.5; }
  const fl = '10s';
  const bp = filterData(a, sfreq, 4, 8, { filterLength: fl, lTransBandwidth: 1, hTransBandwidth: 1 });
  const bs = filterData(a, sfreq, 8 + 1, 4 - 1, { filterLength: fl, lTransBandwidth: 1, hTransBandwidth: 1 });
  const ignore = 100;
  let err = 0;
  for (let i = ignore; i < n - ignore; i++) err = Math.max(err, Math.abs(bp[i]! + bs[i]! - a[i]!));
  assert.ok(err < 1e-3, `bp + bs vs input: max error ${err}`);
  const lp = filterData(a, sfreq, null, 8, { filterLength: fl, hTransBandwidth: 1 });
  const hplp = filterData(lp, sfreq, 4, null, { filterLength: fl, lTransBandwidth: 1 });
  let e2 = 0;
  for (let i = 3 * ignore; i < n - 3 * ignore; i++) e2 = Math.max(e2, Math.abs(hplp[i]! - bp[i]!));
  assert.ok(e2 < 0.05, `hp(lp(x)) vs bp(x): ${e2}`);
});

test('passband gain ~ 1 and stopband gain ~ 0 (Hamming: 0.0194 dB ripple, 53 dB attenuation)', () => {
  const sfreq = 250;
  const h = createFilter(null, sfreq, 8, 30);
  const nfft = 8192;
  const H = rfft(h, nfft);
  const mag = (f: number): number => { const k = Math.round((f / sfreq) * nfft); return Math.hypot(H.re[k]!, H.im[k]!); };
  for (const f of [10, 15, 20, 25, 28]) assert.ok(Math.abs(mag(f) - 1) < 3e-3, `gain at ${f} Hz: ${mag(f)}`);
  for (const f of [0, 1, 45, 60, 100]) assert.ok(mag(f) < 3e-3, `gain at ${f} Hz: ${mag(f)}`);
  // -6 dB at the middle of each transition band: auto bandwidths 2 Hz and 7.5 Hz, cutoffs 7 and 33.75 Hz
  assert.ok(Math.abs(mag(7) - 0.5) < 0.02, `gain at 7 Hz ${mag(7)}`);
  assert.ok(Math.abs(mag(33.75) - 0.5) < 0.02, `gain at 33.75 Hz ${mag(33.75)}`);
});

test('createFilter rejects what MNE rejects', () => {
  assert.throws(() => createFilter(null, 250, 55, 45), ArgumentError); // auto bands overlap: stop bands not separated
  assert.throws(() => createFilter(null, 250, 10, null, { filterLength: 301 }), /too short/);
  assert.throws(() => createFilter(null, 250, null, 130), /Nyquist/);
  assert.throws(() => createFilter(null, 250, 1, 40, { filterLength: 300 }), /too short/);
  // integer lengths are made odd, as MNE's _triage_filter_params does
  assert.equal(createFilter(null, 250, 10, null, { filterLength: 400 }).length, 401);
  assert.equal(createFilter(null, 250, 10, null, { filterLength: '1.6s' }).length, 401);
});
