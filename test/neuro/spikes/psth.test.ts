// psth (Elephant's time_histogram) over the 50 STN trials and fixed trains.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError } from '../../../src/errors.js';
import { psth, timeHistogram } from '../../../src/neuro/spikes/index.js';
import { assertClose, fixed, golden, stn } from './helpers.js';

for (const c of golden.psth) {
  test(`psth: ${c.name}`, () => {
    const trials = c.input === 'fixed' ? [fixed['a']!, fixed['b']!] : stn;
    const h = psth(trials, { binSize: c.binSize, output: c.output, binary: c.binary });
    assertClose(h.values, c.values, 1e-15, 'values');
    assertClose(h.edges, c.edges, 1e-15, 'edges');
    assert.equal(h.nTrials, trials.length);
  });
}

test('psth: counts sum to the spikes binned; mean and rate are counts / trials and / (trials · binSize)', () => {
  const c = timeHistogram(stn, { binSize: 0.1 });
  const m = psth(stn, { binSize: 0.1, output: 'mean' });
  const r = psth(stn, { binSize: 0.1, output: 'rate' });
  let total = 0;
  for (const v of c.values) total += v;
  // spikes at the last sample (0.999 s) fall in the last bin; none is at tStop
  assert.equal(total, stn.reduce((s, t) => s + t.length, 0));
  c.values.forEach((v, k) => {
    assert.ok(Math.abs(m.values[k]! - v / 50) < 1e-15);
    assert.ok(Math.abs(r.values[k]! - v / 5) < 1e-12);
  });
  assert.throws(() => psth(stn, { binSize: 0.1, output: 'hz' as 'rate' }), ArgumentError);
  assert.throws(() => psth(stn, { binSize: -1 }), ArgumentError);
});
