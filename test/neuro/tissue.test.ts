// The aseg → tissue table on the labels the VoxelMorph subject's aseg and SynthSeg's training
// label maps actually hold: one table for both, every label accounted for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { asegTissue, asegToTissue } from '../../src/neuro/tissue.js';
import { readNpz } from '../../src/io/npz/npz.js';
import { readNifti } from '../../src/io/nifti/nifti.js';
import { ArgumentError } from '../../src/errors.js';
import { dataPath, skipMissing } from '../helpers/data.js';

// label → class (0 background, 1 CSF/other, 2 GM, 3 WM), as src/neuro/tissue.ts documents it
const EXPECTED: Record<number, number> = {
  0: 0, 24: 0, 502: 0, 506: 0, 507: 0, 508: 0, 509: 0, 511: 0, 512: 0, 514: 0, 515: 0, 516: 0, 530: 0,
  4: 1, 5: 1, 80: 1, 14: 1, 15: 1, 43: 1, 44: 1, 72: 1, 30: 1, 62: 1, 31: 1, 63: 1, 25: 1, 57: 1, 136: 1, 137: 1, 163: 1, 164: 1,
  3: 2, 42: 2, 8: 2, 47: 2, 10: 2, 49: 2, 11: 2, 50: 2, 12: 2, 51: 2, 13: 2, 52: 2, 17: 2, 53: 2, 18: 2, 54: 2, 26: 2, 58: 2,
  2: 3, 41: 3, 7: 3, 46: 3, 16: 3, 28: 3, 60: 3, 77: 3, 85: 3, 251: 3, 252: 3, 253: 3, 254: 3, 255: 3,
};

test('every label of the VoxelMorph aseg and of a SynthSeg label map maps as documented', (t) => {
  const vm = dataPath('mri', 'voxelmorph', 'test_scan.npz'), ss = dataPath('mri', 'synthseg', 'training_seg_01.nii.gz');
  if (skipMissing(t, vm, ss)) return;
  const seg = readNpz(readFileSync(vm), vm, { order: 'F' })['seg']!.data as ArrayLike<number>;
  const map = readNifti(readFileSync(ss), ss).data as ArrayLike<number>;
  for (const [name, labels] of [['VoxelMorph aseg', seg], ['training_seg_01', map]] as const) {
    const seen = new Set<number>();
    for (let i = 0; i < labels.length; i++) seen.add(labels[i]!);
    for (const l of seen) {
      assert.ok(l in EXPECTED, `${name}: label ${l} is not in the documented table`);
      assert.equal(asegTissue(l), EXPECTED[l], `${name}: label ${l}`);
    }
  }
  assert.deepEqual([...asegToTissue([0, 42, 41, 4, 24, 136, 507, 252])], [0, 2, 3, 1, 0, 1, 0, 3]);
  assert.throws(() => asegTissue(-1), ArgumentError);
  assert.throws(() => asegTissue(2.5), /label 2.5/);
});
