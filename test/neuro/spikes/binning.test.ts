// binSpikes against Elephant's BinnedSpikeTrain rules (scripts/golden/spikes_reference.py):
// fixed trains with spikes on edges and at t_stop, and the real retina / STN recordings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError } from '../../../src/errors.js';
import { SpikeTrain, binSpikes, binarize, toTimeMajor, unitCounts } from '../../../src/neuro/spikes/index.js';
import { assertClose, assertSummary, fixed, golden, retinaHigh, retinaLow, stn, values, type Summary, type Values } from './helpers.js';

function trainsFor(name: string): SpikeTrain[] {
  if (name.startsWith('retina low,high')) return [retinaLow, retinaHigh];
  if (name.startsWith('retina low')) return [retinaLow];
  if (name.startsWith('stn')) return stn;
  return name.split(' ')[0]!.split(',').map((k) => fixed[k]!);
}

for (const c of golden.binning) {
  test(`binSpikes: ${c.name}`, () => {
    const b = binSpikes(trainsFor(c.name), { binSize: c.binSize, tStart: c.tStart, tStop: c.tStop, tolerance: c.tolerance });
    assert.equal(b.nBins, c.nBins);
    assert.equal(b.nUnits, c.nUnits);
    let total = 0;
    for (const v of b.counts) total += v;
    assert.equal(total, c.total);
    if (c.counts) {
      assert.deepEqual([...b.counts], c.counts);
      assertClose(b.edges, c.edges as Values, 1e-15, 'edges');
    } else {
      const m: number[] = [];
      for (let u = 0; u < b.nUnits; u++) {
        let s0 = 0, s1 = 0, s2 = 0;
        unitCounts(b, u).forEach((v, k) => { s0 += v; s1 += v * k; s2 += v * k * k; });
        m.push(s0, s1, s2);
      }
      assert.deepEqual(m, c.moments, 'per-unit spikes, Σk·c, Σk²·c');
      assertSummary(b.edges, c.edges as Summary, 1e-15, 'edges');
    }
  });
}

test('binSpikes: every spike in [tStart, tStart + B·binSize) is counted once; spikes at tStop are not', () => {
  for (const bs of [0.001, 0.003, 0.01, 0.25, 1, 7]) {
    const b = binSpikes([retinaLow, retinaHigh], { binSize: bs });
    const last = b.edges[b.nBins]!;
    for (const [u, st] of [retinaLow, retinaHigh].entries()) {
      let n = 0;
      for (const v of unitCounts(b, u)) n += v;
      // the 1e-8-bin tolerance can pull a spike just below `last` out; none sit that close here
      assert.equal(n, [...st.times].filter((t) => t < last).length, `binSize ${bs}, unit ${u}`);
    }
  }
  const atStop = new SpikeTrain([0, 0.5, 1], { tStop: 1 });
  const b = binSpikes(atStop, { binSize: 0.5 });
  assert.deepEqual([...b.counts], [1, 1]);
  // default window from the trains; binary; time-major layout
  const tm = toTimeMajor(binSpikes([fixed['a']!, fixed['b']!], { binSize: 0.4 }));
  assert.deepEqual([tm.rows, tm.cols], [3, 2]);
  assert.deepEqual([...tm.data], [5, 1, 1, 2, 3, 2]);
  assert.deepEqual([...binarize(binSpikes(fixed['a']!, { binSize: 0.4 })).counts], [1, 1, 1]);
  assert.equal(values([null])[0], NaN);
});

test('binSpikes refuses a negative, zero, NaN or too large binSize and windows outside the trains', () => {
  const a = fixed['a']!;
  assert.throws(() => binSpikes(a, { binSize: -0.1 }), ArgumentError);
  assert.throws(() => binSpikes(a, { binSize: 0 }), /positive finite/);
  assert.throws(() => binSpikes(a, { binSize: NaN }), ArgumentError);
  assert.throws(() => binSpikes(a, { binSize: 2 }), /larger than the window/);
  assert.throws(() => binSpikes(a, { binSize: 0.1, tStart: -1 }), /outside the trains' shared interval/);
  assert.throws(() => binSpikes(a, { binSize: 0.1, tStart: 0.5, tStop: 0.5 }), ArgumentError);
  assert.throws(() => binSpikes([a, fixed['one']!], { binSize: 0.1 }), /start at different times/);
  assert.throws(() => binSpikes([], { binSize: 0.1 }), /no spike trains/);
  assert.throws(() => binSpikes(a, { binSize: 0.1, tolerance: 2 }), ArgumentError);
});
