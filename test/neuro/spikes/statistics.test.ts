// isi, meanFiringRate, cv, cv2, lv, lvr and fanoFactor against Elephant's formulas on the real retina
// and STN recordings, and against the values printed in Elephant's docstrings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError } from '../../../src/errors.js';
import { SpikeTrain, cv, cv2, fanoFactor, isi, lv, lvr, meanFiringRate } from '../../../src/neuro/spikes/index.js';
import { assertSummary, fixed, golden, retinaHigh, retinaLow, stn } from './helpers.js';

const close = (a: number, b: number, rtol: number, what: string) => assert.ok(Math.abs(a - b) <= rtol * Math.abs(b), `${what}: ${a} vs ${b}`);

function trainFor(name: string): SpikeTrain {
  return ({ 'retina low': retinaLow, 'retina high': retinaHigh, 'stn trial 0': stn[0]!, burst: fixed['burst']! } as Record<string, SpikeTrain>)[name]!;
}

for (const c of golden.statistics) {
  test(`interval statistics: ${c.name}`, () => {
    const st = trainFor(c.name);
    const iv = isi(st);
    assertSummary(iv, c.isi, 1e-15, 'isi');
    close(meanFiringRate(st), c.meanFiringRate, 1e-15, 'meanFiringRate');
    const w = c.meanFiringRateWindow;
    close(meanFiringRate(st, { tStart: w.tStart, tStop: w.tStop }), w.value, 1e-15, 'meanFiringRate window');
    close(cv(iv), c.cv, 1e-12, 'cv');
    close(cv(st), c.cv, 1e-12, 'cv of the train');
    close(cv2(iv), c.cv2, 1e-12, 'cv2');
    close(lv(st), c.lv, 1e-12, 'lv');
    close(lvr(iv), c.lvr, 1e-12, 'lvr (R = 5 ms)');
    close(lvr(iv, { R: 0 }), c.lvr0, 1e-12, 'lvr (R = 0)');
  });
}

test("statistics reproduce Elephant's docstring examples", () => {
  const x = [0.3, 4.5, 6.7, 9.3];
  assert.deepEqual([...isi(x)].map((v) => +v.toFixed(12)), [4.2, 2.2, 2.6]);
  close(meanFiringRate(x), 0.4301075268817204, 1e-15, 'mean_firing_rate');
  close(cv2(x), 0.8226190476190478, 1e-15, 'cv2');
  close(lv(x), 0.8306154336734695, 1e-15, 'lv');
  close(lvr(x, { R: 0.005 }), 0.833907445980624, 1e-14, 'lvr');
  const trains = [new SpikeTrain([0.3, 4.5, 6.7, 9.3], { tStop: 10 }), new SpikeTrain([1.4, 3.3, 8.2], { tStop: 10 })];
  close(fanoFactor(trains), 0.07142857142857142, 1e-15, 'fanofactor');
});

test('fanoFactor: var/mean of the counts (ddof = 0) over the STN trials and retina trains', () => {
  const [all, early, retina] = golden.fano;
  close(fanoFactor(stn), all!.value!, 1e-14, all!.name);
  close(fanoFactor(stn.map((t) => t.timeSlice(0, 0.5))), early!.value!, 1e-14, early!.name);
  close(fanoFactor([retinaLow, retinaHigh]), retina!.value!, 1e-14, retina!.name);
  assert.ok(Number.isNaN(fanoFactor([])));
  assert.ok(Number.isNaN(fanoFactor([[], []])));
});

test('interval statistics refuse fewer than two intervals unless withNan', () => {
  assert.throws(() => cv2([0.1]), ArgumentError);
  assert.throws(() => lv(new SpikeTrain([0.1, 0.2], { tStop: 1 })), /at least 2 intervals/);
  assert.ok(Number.isNaN(lvr([0.1], { withNan: true })));
  assert.throws(() => lvr([0.1, 0.2], { R: -1 }), /R must be >= 0/);
  assert.throws(() => meanFiringRate([]), ArgumentError);
  assert.throws(() => meanFiringRate(retinaLow, { tStart: 5, tStop: 5 }), ArgumentError);
  assert.ok(Number.isNaN(cv([])));
});
