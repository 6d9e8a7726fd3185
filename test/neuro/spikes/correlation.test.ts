// crossCorrelationHistogram and correlationCoefficient against numpy.correlate / numpy.corrcoef
// on Elephant-binned trains (scripts/golden/spikes_reference.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, ShapeError } from '../../../src/errors.js';
import { SpikeTrain, binSpikes, correlationCoefficient, crossCorrelationHistogram } from '../../../src/neuro/spikes/index.js';
import { assertClose, fixed, golden, retinaHigh, retinaLow, stn } from './helpers.js';

for (const c of golden.cch) {
  test(`crossCorrelationHistogram: ${c.name}`, () => {
    let [i, j] = c.input === 'retina' ? [retinaLow, retinaHigh] : c.input === 'fixed-auto' ? [fixed['a']!, fixed['a']!] : [fixed['a']!, fixed['b']!];
    if (c.swap) [i, j] = [j, i];
    const h = crossCorrelationHistogram(binSpikes(i, { binSize: c.binSize }), binSpikes(j, { binSize: c.binSize }), { window: c.window, binary: c.binary });
    assert.deepEqual([...h.lags], c.lags);
    assertClose(h.counts, c.counts, 0, 'counts');
  });
}

test('crossCorrelationHistogram: lag sign, start-time offsets and errors', () => {
  // i spikes in bin 4, j in bin 7: one coincidence at lag +3 (Elephant's docstring example)
  const i = binSpikes(new SpikeTrain([0.45], { tStop: 1.1 }), { binSize: 0.1 });
  const j = binSpikes(new SpikeTrain([0.75], { tStop: 1.1 }), { binSize: 0.1 });
  const h = crossCorrelationHistogram(i, j, { window: [-5, 5] });
  assert.deepEqual([...h.counts], [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
  // j binned from 0.3 s: the same absolute lag
  const j3 = binSpikes(new SpikeTrain([0.75], { tStart: 0.3, tStop: 1.1 }), { binSize: 0.1 });
  const h3 = crossCorrelationHistogram(i, j3, { window: [-5, 5] });
  assert.deepEqual([...h3.counts], [...h.counts]);
  const full = crossCorrelationHistogram(i, j3);
  assert.equal(full.lags[0], -(i.nBins - 1) + 3);
  assert.equal(full.counts[3 - full.lags[0]!], 1);
  assert.throws(() => crossCorrelationHistogram(i, j, { window: [3, -3] }), /lower than its right edge/);
  assert.throws(() => crossCorrelationHistogram(i, j, { window: [-20, 0] }), /exceeds the lags/);
  assert.throws(() => crossCorrelationHistogram(i, j, { window: [0.5, 2] as unknown as [number, number] }), ArgumentError);
  assert.throws(() => crossCorrelationHistogram(i, binSpikes(new SpikeTrain([0.75], { tStop: 1.1 }), { binSize: 0.05 })), /bin sizes differ/);
  assert.throws(() => crossCorrelationHistogram(i, binSpikes(new SpikeTrain([0.75], { tStart: 0.05, tStop: 1.1 }), { binSize: 0.1 })), /whole number of bins/);
  assert.throws(() => crossCorrelationHistogram(binSpikes([fixed['a']!, fixed['b']!], { binSize: 0.1 }), j), ShapeError);
});

for (const c of golden.corrcoef) {
  test(`correlationCoefficient: ${c.name}`, () => {
    const trains = c.input === 'fixed+empty' ? [fixed['a']!, fixed['b']!, new SpikeTrain([], { tStop: 1.2 })] : stn.slice(0, c.nTrials);
    const r = correlationCoefficient(binSpikes(trains, { binSize: c.binSize }), { binary: c.binary });
    assertClose(r, c.value, 1e-12, 'correlation matrix');
  });
}
