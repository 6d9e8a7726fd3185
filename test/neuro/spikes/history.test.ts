// spikesWithHistory against get_spikes_with_history (KordingLab/Neural_Decoding), NaN edges included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, ShapeError } from '../../../src/errors.js';
import { binSpikes, flattenHistory, historyValidRange, spikesWithHistory, toTimeMajor } from '../../../src/neuro/spikes/index.js';
import { assertClose, assertSummary, golden, retinaHigh, retinaLow, values, type Summary, type Values } from './helpers.js';

const fc = golden.history.fixedCounts;

for (const c of golden.history.cases) {
  test(`spikesWithHistory: ${c.name}`, () => {
    const counts = c.input === 'fixed' ? fc : toTimeMajor(binSpikes([retinaLow, retinaHigh], { binSize: 0.1 }));
    const x = spikesWithHistory(counts, c.binsBefore, c.binsAfter, c.binsCurrent);
    assert.deepEqual([x.n, x.steps, x.features], c.shape);
    if (c.data) {
      // exact: a copy of the counts with NaN rows
      assert.deepEqual([...x.data], [...values(c.data)]);
    } else {
      assert.equal(x.data.filter((v) => Number.isNaN(v)).length, c.nNaN);
      assertSummary(x.data.filter((v) => !Number.isNaN(v)), c.valid as Summary, 0, 'filled values');
      const flat = flattenHistory(x);
      assert.deepEqual([flat.rows, flat.cols], [x.n, x.steps * x.features]);
      assertClose(flat.data.subarray(10 * flat.cols, 11 * flat.cols), c.flatRow10 as Values, 0, 'flattened row 10');
      const [r0, r1] = historyValidRange(x.n, c.binsBefore, c.binsAfter);
      assert.ok(flat.data.subarray(r0 * flat.cols, r1 * flat.cols).every((v) => !Number.isNaN(v)));
      assert.ok(Number.isNaN(flat.data[(r0 - 1) * flat.cols]!) && Number.isNaN(flat.data[r1 * flat.cols]!));
    }
  });
}

test('spikesWithHistory refuses bad shapes and bin counts', () => {
  assert.throws(() => spikesWithHistory({ data: [1, 2, 3], rows: 2, cols: 2 }, 1, 1), ShapeError);
  assert.throws(() => spikesWithHistory(fc, -1, 0), /binsBefore must be a non-negative integer/);
  assert.throws(() => spikesWithHistory(fc, 0, 1.5), ArgumentError);
  assert.throws(() => spikesWithHistory(fc, 0, 0, false), /no bins selected/);
  // more history than data: every row NaN, as the original
  const x = spikesWithHistory(fc, 10, 5);
  assert.ok(x.data.every((v) => Number.isNaN(v)));
  assert.deepEqual(historyValidRange(12, 10, 5), [0, 0]);
});
