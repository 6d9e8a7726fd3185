// FFT against a naive DFT; welch and hilbert against scipy.signal 1.10
// (test/golden/signal/spectral.json). Tolerance 1e-10 relative to each output's scale.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { envelope, fft, hilbert, ifft, irfft, nextFastLen, rfft, welch, type WelchOptions } from '../../src/signal/index.js';
import { assertClose, assertSummary, camelKw, eeg, golden, synth, type Summary } from './helpers.js';

interface SGolden {
  welch: { input: 'synth' | 'eeg'; fs: number; kw: Record<string, unknown>; f: number[]; pxx: number[] | Summary }[];
  hilbert: { input: 'synth' | 'eeg'; N: number | null; re: Summary; im: Summary; env: Summary }[];
}
const g = golden<SGolden>('spectral.json');

test('fft equals a naive DFT for powers of two, smooth and prime lengths; ifft inverts it', () => {
  for (const n of [1, 2, 3, 5, 8, 12, 17, 31, 64, 97, 100, 243, 1000]) {
    const re = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 1.3) + 0.1 * i);
    const im = Float64Array.from({ length: n }, (_, i) => Math.cos(i * 0.7));
    const X = fft(re, im);
    const dr = new Float64Array(n);
    const di = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      for (let j = 0; j < n; j++) {
        const a = (-2 * Math.PI * ((j * k) % n)) / n;
        dr[k] = dr[k]! + re[j]! * Math.cos(a) - im[j]! * Math.sin(a);
        di[k] = di[k]! + re[j]! * Math.sin(a) + im[j]! * Math.cos(a);
      }
    }
    assertClose(X.re, dr, 1e-12, `fft re n=${n}`);
    assertClose(X.im, di, 1e-12, `fft im n=${n}`);
    const back = ifft(X.re, X.im);
    assertClose(back.re, re, 1e-13, `ifft re n=${n}`);
    const R = rfft(re);
    assertClose(irfft(R.re, R.im, n), re, 1e-13, `irfft(rfft) n=${n}`);
  }
  assert.deepEqual([7, 11, 13, 17, 97, 1001, 10001].map(nextFastLen), [8, 12, 15, 18, 100, 1024, 10125]);
});

test('welch matches scipy.signal.welch', () => {
  for (const c of g.welch) {
    const kw = camelKw(c.kw) as WelchOptions;
    const x = c.input === 'synth' ? synth : eeg[1]!;
    const { f, pxx } = welch(x, c.fs, kw);
    const what = `welch(${c.input}, ${JSON.stringify(c.kw)})`;
    assertClose(f, c.f, 1e-14, `${what} f`);
    if (Array.isArray(c.pxx)) assertClose(pxx, c.pxx, 1e-10, what);
    else assertSummary(pxx, c.pxx, 1e-10, what);
  }
});

test('welch: Parseval — the PSD integrates to the variance', () => {
  const { f, pxx } = welch(synth, 250, { nperseg: 1000, window: 'boxcar' });
  let integral = 0;
  for (let k = 0; k < f.length; k++) integral += pxx[k]! * (f[1]! - f[0]!);
  let m = 0;
  for (const v of synth) m += v;
  m /= synth.length;
  let v = 0;
  for (const s of synth) v += (s - m) ** 2;
  v /= synth.length;
  assert.ok(Math.abs(integral - v) < 1e-10 * v, `integral ${integral} vs variance ${v}`);
});

test('hilbert and envelope match scipy.signal.hilbert', () => {
  for (const c of g.hilbert) {
    const x = c.input === 'synth' ? synth : eeg[2]!;
    const n = c.N ?? x.length;
    const a = hilbert(x, n);
    const what = `hilbert(${c.input}, N=${c.N})`;
    assertSummary(a.re, c.re, 1e-10, `${what} re`);
    assertSummary(a.im, c.im, 1e-10, `${what} im`);
    assertSummary(envelope(x, n), c.env, 1e-10, `${what} envelope`);
  }
  // the envelope of an amplitude-modulated carrier is the modulation
  const t = Float64Array.from({ length: 2000 }, (_, i) => i / 1000);
  const am = t.map((s) => (1 + 0.5 * Math.sin(2 * Math.PI * 2 * s)) * Math.cos(2 * Math.PI * 100 * s));
  const env = envelope(am);
  let err = 0;
  for (let i = 200; i < 1800; i++) err = Math.max(err, Math.abs(env[i]! - (1 + 0.5 * Math.sin(2 * Math.PI * 2 * t[i]!))));
  assert.ok(err < 1e-3, `AM envelope error ${err}`);
});
