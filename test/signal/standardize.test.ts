// Exponential moving standardisation against braindecode's exponential_moving_standardize
// (pandas ewm, run by scripts/golden/signal_reference.py) on real EEG (µV and V) and synthetic
// data; tolerance 1e-10 relative. The streaming class, fed in chunks, equals the batch function.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exponentialMovingStandardize, ExponentialMovingStandardizer } from '../../src/signal/index.js';
import { assertClose, assertSummary, eeg, golden, synth, type Summary } from './helpers.js';

interface EGolden { exponential_moving_standardize: { input: 'eeg_uV' | 'eeg_V' | 'synth'; kw: { factor_new: number; init_block_size?: number; eps?: number }; y: Summary[] }[] }
const g = golden<EGolden>('standardize.json');
const inputs = {
  eeg_uV: eeg.map((r) => r.map((v) => v * 1e6)),
  eeg_V: eeg,
  synth: [synth],
};

test('exponentialMovingStandardize matches braindecode', () => {
  for (const c of g.exponential_moving_standardize) {
    const y = exponentialMovingStandardize(inputs[c.input], {
      factorNew: c.kw.factor_new,
      initBlockSize: c.kw.init_block_size ?? null,
      ...(c.kw.eps !== undefined ? { eps: c.kw.eps } : {}),
    });
    y.forEach((r, i) => assertSummary(r, c.y[i]!, 1e-10, `EMS(${c.input}, ${JSON.stringify(c.kw)}) ch${i}`));
  }
});

test('streaming standardizer in chunks equals the batch function', () => {
  const x = inputs.eeg_uV;
  for (const initBlockSize of [null, 1000, 300]) {
    const batch = exponentialMovingStandardize(x, { initBlockSize });
    const ems = new ExponentialMovingStandardizer({ initBlockSize });
    const got: number[][] = x.map(() => []);
    let pos = 0;
    for (const size of [5, 100, 250, 1, 600, 10000]) {
      const chunk = x.map((r) => r.subarray(pos, Math.min(pos + size, r.length)));
      pos += chunk[0]!.length;
      ems.transform(chunk).forEach((r, c) => got[c]!.push(...r));
      if (pos >= x[0]!.length) break;
    }
    ems.flush().forEach((r, c) => got[c]!.push(...r));
    got.forEach((r, c) => assertClose(r, batch[c]!, 1e-15, `initBlockSize=${initBlockSize} ch${c}`));
  }
});

test('init block has mean 0 and std 1', () => {
  const y = exponentialMovingStandardize(inputs.eeg_uV, { factorNew: 1e-3, initBlockSize: 1000 });
  for (const r of y) {
    let m = 0;
    for (let i = 0; i < 1000; i++) m += r[i]!;
    m /= 1000;
    let v = 0;
    for (let i = 0; i < 1000; i++) v += (r[i]! - m) ** 2;
    assert.ok(Math.abs(m) < 1e-12, `block mean ${m}`);
    assert.ok(Math.abs(Math.sqrt(v / 1000) - 1) < 1e-12, `block std ${Math.sqrt(v / 1000)}`);
  }
});
