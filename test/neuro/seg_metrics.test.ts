// Dice and Hausdorff-95 against MedPy's definitions computed with scipy
// (scripts/golden/seg_metrics_reference.py) on SynthSeg label maps, plus small hand-checked cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ArgumentError, ShapeError } from '../../src/errors.js';
import { readNifti } from '../../src/io/nifti/index.js';
import { dicePerLabel, hausdorff95, meanDice, percentile, segmentationMetrics } from '../../src/neuro/seg_metrics.js';
import { dataPath, skipMissing } from '../helpers/data.js';

interface Row { label: number; dice: number; hd95: number | null; hd95_monai: number | null; hd100: number | null }
const G = JSON.parse(readFileSync(resolve('test/golden/seg_metrics/seg_metrics.json'), 'utf8')) as Record<string, { file: string; spacing: [number, number, number]; metrics: Row[] }>;

const labels = (rel: string): Int32Array => {
  const img = readNifti(readFileSync(dataPath(rel)), rel, { data: 'float64' });
  return Int32Array.from(img.data as Float64Array);
};
const S: [number, number, number] = [256, 256, 256];

function compare(t: import('node:test').TestContext, name: string, pred: Int32Array, truth: Int32Array): void {
  const g = G[name]!;
  const rows = segmentationMetrics(pred, truth, S, { spacing: g.spacing });
  assert.deepEqual(rows.map((r) => r.label), g.metrics.map((r) => r.label));
  let worst = 0;
  rows.forEach((r, k) => {
    const w = g.metrics[k]!;
    assert.ok(Math.abs(r.dice - w.dice) < 1e-15, `${name} label ${r.label} dice ${r.dice} vs ${w.dice}`);
    if (w.hd95 === null) { // empty in one map: MedPy raises; segmentationMetrics reports NaN
      assert.ok(Number.isNaN(r.hd95), `${name} label ${r.label} hd95 ${r.hd95} for an empty mask`);
      return;
    }
    assert.ok(Math.abs(r.hd95 - w.hd95) < 1e-9, `${name} label ${r.label} hd95 ${r.hd95} vs ${w.hd95}`);
    if (k % 8 === 0) { // MONAI's pooling on every 8th label (each call scans the volume again)
      const m = hausdorff95(pred, truth, S, r.label, { spacing: g.spacing, pooling: 'max' });
      assert.ok(Math.abs(m - w.hd95_monai!) < 1e-9, `${name} label ${r.label} MONAI hd95 ${m} vs ${w.hd95_monai}`);
      const h = hausdorff95(pred, truth, S, r.label, { spacing: g.spacing, percentile: 100 });
      assert.ok(Math.abs(h - w.hd100!) < 1e-9, `${name} label ${r.label} Hausdorff ${h} vs ${w.hd100}`);
    }
    worst = Math.max(worst, Math.abs(r.hd95 - w.hd95));
  });
  t.diagnostic(`${name}: ${rows.length} labels, mean Dice ${meanDice(new Map(rows.map((r) => [r.label, r.dice]))).toFixed(4)}, max |HD95 - scipy| ${worst}`);
}

test('Dice and HD95 (MedPy pooled and MONAI max) on SynthSeg seg_01 vs a copy shifted by (2, -1, 1) voxels', (t) => {
  const g = G['seg01_shift']!;
  if (skipMissing(t, dataPath(g.file))) return;
  const truth = labels(g.file);
  const pred = new Int32Array(truth.length);
  for (let k = 1; k < 256; k++) for (let j = 0; j < 255; j++) for (let i = 2; i < 256; i++) pred[i + 256 * (j + 256 * k)] = truth[i - 2 + 256 * (j + 1 + 256 * (k - 1))]!;
  compare(t, 'seg01_shift', pred, truth);
});

test('Dice and HD95 with anisotropic spacing (0.9, 1.2, 1.5) mm on SynthSeg seg_02 vs its grey erosion', (t) => {
  const g = G['seg02_eroded']!;
  if (skipMissing(t, dataPath(g.file))) return;
  const truth = labels(g.file);
  const pred = new Int32Array(truth.length);
  // scipy grey_erosion with the 6-connected cross, mode 'nearest' (edges replicated)
  for (let k = 0; k < 256; k++) for (let j = 0; j < 256; j++) {
    const row = 256 * (j + 256 * k);
    const dj0 = j > 0 ? -256 : 0, dj1 = j < 255 ? 256 : 0, dk0 = k > 0 ? -65536 : 0, dk1 = k < 255 ? 65536 : 0;
    for (let i = 0; i < 256; i++) {
      const o = row + i;
      pred[o] = Math.min(truth[o]!, truth[i > 0 ? o - 1 : o]!, truth[i < 255 ? o + 1 : o]!, truth[o + dj0]!, truth[o + dj1]!, truth[o + dk0]!, truth[o + dk1]!);
    }
  }
  compare(t, 'seg02_eroded', pred, truth);
});

test('HD95 on small masks: hand-computed distances, edge surfaces, spacing, percentile', () => {
  const s: [number, number, number] = [5, 4, 3];
  const a = new Uint8Array(60), b = new Uint8Array(60);
  const at = (i: number, j: number, k: number) => i + 5 * (j + 4 * k);
  a[at(0, 0, 0)] = 1;
  b[at(3, 0, 0)] = 1;
  b[at(4, 0, 0)] = 1;
  // surfaces: a = {(0,0,0)}, b = {(3,0,0), (4,0,0)}: directed distances a->b [3], b->a [3, 4] (spacing 1)
  assert.equal(hausdorff95(a, b, s, 1, { percentile: 100 }), 4);
  // numpy.percentile([3, 3, 4], 95): position (3 − 1)·0.95 = 1.9 → 3 + 0.9·(4 − 3) = 3.9
  assert.ok(Math.abs(hausdorff95(a, b, s, 1) - 3.9) < 1e-12);
  assert.ok(Math.abs(percentile(Float64Array.of(3, 3, 4), 95) - 3.9) < 1e-12);
  assert.throws(() => percentile(new Float64Array(0), 50), ArgumentError);
  assert.throws(() => percentile(Float64Array.of(1), 150), ArgumentError);
  assert.equal(hausdorff95(a, b, s, 1, { spacing: [2, 1, 1], percentile: 100 }), 8);
  assert.equal(hausdorff95(a, b, s, 1, { pooling: 'max', percentile: 50 }), 3.5);
  assert.equal(hausdorff95(a, a, s, 1), 0);
  // a solid 3x3x3 block: its centre is not surface; a full volume's voxels are all on the edge
  const c = new Uint8Array(125).fill(0);
  for (let k = 1; k < 4; k++) for (let j = 1; j < 4; j++) for (let i = 1; i < 4; i++) c[i + 5 * (j + 5 * k)] = 1;
  const d = new Uint8Array(125);
  d[2 + 5 * (2 + 5 * 2)] = 1; // only the centre, which c's surface misses
  assert.equal(hausdorff95(c, d, [5, 5, 5], 1, { percentile: 100 }), Math.sqrt(3));
  assert.equal(hausdorff95(new Uint8Array(8).fill(1), Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0), [2, 2, 2], 1, { percentile: 100 }), Math.sqrt(3));
});

test('Dice conventions and errors: absent labels, empty masks, shapes', () => {
  const p = Int32Array.of(0, 1, 1, 2, 2, 2), t = Int32Array.of(0, 1, 2, 2, 2, 3);
  const d = dicePerLabel(p, t, [6, 1, 1]);
  assert.deepEqual([...d], [[1, 2 / 3], [2, 2 / 3], [3, 0]]);
  assert.ok(Number.isNaN(dicePerLabel(p, t, [6, 1, 1], [7]).get(7)!));
  assert.equal(meanDice(new Map([[1, 0.5], [2, NaN], [3, 1]])), 0.75);
  assert.throws(() => hausdorff95(p, t, [6, 1, 1], 3), (e: Error) => e instanceof ArgumentError && /label 3 is empty in the prediction/.test(e.message));
  assert.ok(Number.isNaN(hausdorff95(p, t, [6, 1, 1], 3, { empty: 'nan' })));
  assert.equal(hausdorff95(p, t, [6, 1, 1], 3, { empty: 'inf' }), Infinity);
  assert.ok(Number.isNaN(segmentationMetrics(p, t, [6, 1, 1]).find((r) => r.label === 3)!.hd95));
  assert.throws(() => dicePerLabel(p, t, [5, 1, 1]), ShapeError);
  assert.throws(() => hausdorff95(p, t, [6, 1, 1], 1, { spacing: [1, 0, 1] }), /spacing \[1,0,1\]/);
  assert.throws(() => hausdorff95(p, t, [6, 1, 1], 0), /background/);
});
