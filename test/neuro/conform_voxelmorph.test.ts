// conform on the VoxelMorph subject (a float T1 and its FreeSurfer aseg), against
// scripts/golden/conform_reference.py; see conform.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readNpz } from '../../src/io/npz/index.js';
import type { Volume } from '../../src/neuro/conform.js';
import { dataPath, skipMissing } from '../helpers/data.js';
import { checkCase } from './conform_check.js';

/** The VoxelMorph arrays carry no affine: 1 mm RAS centred on the origin, as in the reference script. */
const VM_AFFINE = [[1, 0, 0, -80], [0, 1, 0, -96], [0, 0, 1, -112], [0, 0, 0, 1]];

test('conform: VoxelMorph T1 (float64 0..1) and its aseg label map (order 0, values kept), and back', (t) => {
  const p = dataPath('mri/voxelmorph/test_scan.npz');
  if (skipMissing(t, p)) return;
  const z = readNpz(readFileSync(p), 'test_scan.npz', { order: 'F' });
  const shape = z['vol']!.shape as [number, number, number];
  checkCase(t, 'voxelmorph_vol', { shape, data: z['vol']!.data as Float64Array, affine: VM_AFFINE }, false);
  const seg: Volume = { shape, data: z['seg']!.data as Float64Array, affine: VM_AFFINE };
  // every voxel of the label map comes back where it was (the grids are 1 mm apart by whole voxels)
  assert.deepEqual(checkCase(t, 'voxelmorph_seg', seg, true).back.data, seg.data);
});

