// Intensity normalisation shared by segmenter training and `dendrite segment`: numpy's
// percentiles of the voxels above 0 (scripts/golden/seg_intensity_reference.py), the clipped
// output, and its invariance under segmentVolume's own min-max scaling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkNormalisation, headPercentiles, normaliseIntensity, PERCENTILE_NORMALISATION } from '../../src/neuro/intensity.js';
import { minMaxNormalize } from '../../src/models/segment_volume.js';
import { readNpz } from '../../src/io/npz/npz.js';
import { ArgumentError } from '../../src/errors.js';
import { dataPath, skipMissing } from '../helpers/data.js';

interface Case { low: number; high: number; plow: number; phigh: number; normalised: number[] }
const G = JSON.parse(readFileSync(resolve('test/golden/seg_intensity/seg_intensity.json'), 'utf8')) as { values: number[]; cases: Case[]; voxelmorph?: { plow: number; phigh: number } };
const values = Float32Array.from(G.values);

test('percentile normalisation: numpy percentiles of the voxels above 0, clipped to [0, 1]', () => {
  for (const c of G.cases) {
    const [lo, hi] = headPercentiles(values, c.low, c.high);
    assert.ok(Math.abs(lo - c.plow) <= 1e-9 * Math.abs(c.plow), `p${c.low}: ${lo} vs numpy ${c.plow}`);
    assert.ok(Math.abs(hi - c.phigh) <= 1e-9 * Math.abs(c.phigh), `p${c.high}: ${hi} vs numpy ${c.phigh}`);
    const out = normaliseIntensity(values, { method: 'percentile', low: c.low, high: c.high });
    let worst = 0;
    for (let i = 0; i < out.length; i++) worst = Math.max(worst, Math.abs(out[i]! - c.normalised[i]!));
    assert.ok(worst <= 6e-8, `p${c.low}..p${c.high}: largest difference from numpy ${worst}`);
  }
});

test('percentile output is exactly [0, 1] with both ends reached, so min-max scaling leaves it unchanged; min-max follows outliers', () => {
  const out = normaliseIntensity(values, PERCENTILE_NORMALISATION);
  assert.equal(Math.min(...out), 0);
  assert.equal(Math.max(...out), 1);
  assert.deepEqual(minMaxNormalize(out).values, out);
  // five outliers at 5000 squeeze min-max's head into the bottom few percent; the percentile scaling does not
  const mm = normaliseIntensity(values, { method: 'minmax' });
  const median = (a: Float32Array) => Float32Array.from(a.filter((_, i) => values[i]! > 0)).sort()[Math.floor(a.length * 0.3)]!;
  assert.ok(median(mm) < 0.05 && median(out) > 0.2, `head median: min-max ${median(mm)}, percentile ${median(out)}`);
  // a constant volume gives zeros, not NaN
  assert.deepEqual([...normaliseIntensity(new Float32Array(4).fill(3), PERCENTILE_NORMALISATION)], [0, 0, 0, 0]);
});

test('the VoxelMorph subject: p0.5 and p99 of its head as numpy gives them', (t) => {
  const path = dataPath('mri', 'voxelmorph', 'test_scan.npz');
  if (skipMissing(t, path)) return;
  const vol = readNpz(readFileSync(path), path, { order: 'F' })['vol']!;
  const [lo, hi] = headPercentiles(vol.data as ArrayLike<number>, 0.5, 99);
  assert.ok(G.voxelmorph, 'golden file lacks the VoxelMorph reference');
  assert.ok(Math.abs(lo - G.voxelmorph.plow) < 1e-12 && Math.abs(hi - G.voxelmorph.phigh) < 1e-12, `${lo}, ${hi} vs ${G.voxelmorph.plow}, ${G.voxelmorph.phigh}`);
});

test('bad normalisation records and non-finite voxels are typed errors naming the value', () => {
  assert.deepEqual(checkNormalisation({ method: 'percentile', low: 1, high: 99 }, 'x'), { method: 'percentile', low: 1, high: 99 });
  assert.throws(() => checkNormalisation({ method: 'zscore' }, 'cfg'), (e: Error) => e instanceof ArgumentError && /cfg: .*"zscore"/.test(e.message));
  assert.throws(() => checkNormalisation({ method: 'percentile', low: 99, high: 1 }, 'cfg'), (e: Error) => e instanceof ArgumentError && /low 99, high 1/.test(e.message));
  assert.throws(() => checkNormalisation({ method: 'percentile', low: 0, high: 101 }, 'cfg'), ArgumentError);
  assert.throws(() => checkNormalisation(null, 'cfg'), ArgumentError);
  assert.throws(() => normaliseIntensity([1, NaN, 2], PERCENTILE_NORMALISATION), (e: Error) => e instanceof ArgumentError && /voxel 1 is NaN/.test(e.message));
  assert.throws(() => normaliseIntensity([1, Infinity], { method: 'minmax' }), ArgumentError);
});
