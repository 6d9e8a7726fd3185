// Butterworth design and SOS filtering against scipy.signal 1.10 (test/golden/signal/iir.json):
// butter(output='sos'|'ba'), sosfilt_zi, sosfilt (with and without zi), sosfiltfilt (odd/even
// padding, padlen, no padding). Coefficients: 1e-10 relative to each row's scale (measured
// ~1e-15); filtered signals: 1e-10 relative to the signal's scale.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { butter, sosfilt, sosfiltfilt, sosfiltZi, type BType, type Sos, type SosState } from '../../src/signal/index.js';
import { ShapeError } from '../../src/errors.js';
import { assertClose, assertSummary, eeg, eegFs, golden, synth, synthFs, type Summary } from './helpers.js';

interface IirGolden {
  butter: { order: number; wn: number | [number, number]; btype: BType; fs: number | null; sos: number[][]; b: number[]; a: number[]; zi: number[][] }[];
  sosfilt: { y: Summary; y_zi: Summary; zf: number[][] };
  sosfiltfilt: { synth_bp: Summary; synth_bp_even: Summary; synth_bp_padlen50: Summary; synth_bp_nopad: Summary; eeg_hp: Summary[] };
}
const g = golden<IirGolden>('iir.json');
const fsOpt = (fs: number | null): { fs?: number } => (fs === null ? {} : { fs });

test('butter(output="sos") matches scipy: same sections in the same order', () => {
  for (const c of g.butter) {
    const sos = butter(c.order, c.wn, c.btype, { ...fsOpt(c.fs), output: 'sos' });
    const what = `butter(${c.order}, ${JSON.stringify(c.wn)}, ${c.btype}, fs=${c.fs})`;
    assert.equal(sos.length, c.sos.length, `${what}: number of sections`);
    sos.forEach((row, i) => assertClose(row, c.sos[i]!, 1e-10, `${what} section ${i}`));
    sosfiltZi(sos).forEach((r, i) => assertClose(r, c.zi[i]!, 1e-9, `${what} zi ${i}`));
  }
});

test('butter(output="ba") matches scipy', () => {
  for (const c of g.butter.filter((c) => c.order <= 5)) {
    const { b, a } = butter(c.order, c.wn, c.btype, fsOpt(c.fs));
    assertClose(a, c.a, 1e-10, `a of butter(${c.order}, ${JSON.stringify(c.wn)}, ${c.btype})`);
    assertClose(b, c.b, 1e-9, `b of butter(${c.order}, ${JSON.stringify(c.wn)}, ${c.btype})`);
  }
});

const sosBp = (): Sos => butter(4, [8, 30], 'bandpass', { fs: synthFs, output: 'sos' });

test('sosfilt matches scipy, with and without initial state', () => {
  const sos = sosBp();
  assertSummary(sosfilt(sos, synth), g.sosfilt.y, 1e-10, 'sosfilt');
  const zi = sosfiltZi(sos).map((r) => r.map((v) => v * synth[0]!));
  const { y, zf } = sosfilt(sos, synth, zi);
  assertSummary(y, g.sosfilt.y_zi, 1e-10, 'sosfilt with zi');
  zf.forEach((r, i) => assertClose(r, g.sosfilt.zf[i]!, 1e-10, `zf ${i}`));
});

test('sosfilt in chunks with carried state equals one shot (online filtering)', () => {
  const sos = butter(4, 1, 'highpass', { fs: eegFs, output: 'sos' });
  const x = eeg[0]!;
  const whole = sosfilt(sos, x);
  let state: SosState = sosfiltZi(sos).map((r) => r.map(() => 0));
  const parts: number[] = [];
  for (const size of [1, 7, 64, 3, 200, 1000, 5000]) {
    const start = parts.length;
    const r = sosfilt(sos, x.subarray(start, Math.min(start + size, x.length)), state);
    parts.push(...r.y);
    state = r.zf;
    if (parts.length >= x.length) break;
  }
  assert.equal(parts.length, x.length);
  assert.deepEqual(Float64Array.from(parts), whole);
});

test('sosfiltfilt matches scipy (odd/even padding, padlen, none; real EEG)', () => {
  const sos = sosBp();
  assertSummary(sosfiltfilt(sos, synth), g.sosfiltfilt.synth_bp, 1e-10, 'sosfiltfilt');
  assertSummary(sosfiltfilt(sos, synth, { padtype: 'even' }), g.sosfiltfilt.synth_bp_even, 1e-10, 'sosfiltfilt even');
  assertSummary(sosfiltfilt(sos, synth, { padlen: 50 }), g.sosfiltfilt.synth_bp_padlen50, 1e-10, 'sosfiltfilt padlen=50');
  assertSummary(sosfiltfilt(sos, synth, { padtype: null }), g.sosfiltfilt.synth_bp_nopad, 1e-10, 'sosfiltfilt no padding');
  const hp = butter(4, 1, 'highpass', { fs: eegFs, output: 'sos' });
  eeg.forEach((x, i) => assertSummary(sosfiltfilt(hp, x), g.sosfiltfilt.eeg_hp[i]!, 1e-10, `sosfiltfilt EEG ch${i}`));
});

test('sosfiltfilt: zero phase and unit passband gain on a sine', () => {
  const sos = butter(4, [8, 30], 'bandpass', { fs: 250, output: 'sos' });
  const x = Float64Array.from({ length: 2000 }, (_, i) => Math.sin((2 * Math.PI * 15 * i) / 250));
  const y = sosfiltfilt(sos, x);
  let err = 0;
  for (let i = 300; i < 1700; i++) err = Math.max(err, Math.abs(y[i]! - x[i]!));
  assert.ok(err < 2e-3, `15 Hz passes unchanged (no phase shift): ${err}`);
});

test('IIR argument errors', () => {
  assert.throws(() => butter(4, 130, 'lowpass', { fs: 250, output: 'sos' }), /fs\/2/);
  assert.throws(() => butter(4, [30, 8], 'bandpass', { fs: 250, output: 'sos' }), /Wn\[0\]/);
  assert.throws(() => sosfilt([new Float64Array(5)], synth), ShapeError);
  assert.throws(() => sosfiltfilt(sosBp(), synth.subarray(0, 20)), /padlen/);
});
