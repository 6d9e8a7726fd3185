// conform against the FastSurfer-style reference computed with nibabel + scipy.ndimage.affine_transform
// (scripts/golden/conform_reference.py): target affine and its LIA orientation, getscale, the
// interpolated values before rounding, the uint8 result, and the nearest-neighbour inverse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ArgumentError, ShapeError } from '../../src/errors.js';
import { readNifti } from '../../src/io/nifti/index.js';
import { inv } from '../../src/linalg/index.js';
import { conform, conformedAffine, getscale, inv4, matmul4, rint, type Volume, type VolumeData } from '../../src/neuro/conform.js';
import { dataPath, skipMissing } from '../helpers/data.js';
import { checkCase } from './conform_check.js';

const niftiVolume = (rel: string): Volume => {
  const img = readNifti(readFileSync(dataPath(rel)), rel, { data: 'raw' });
  const scaled = img.slope !== 1 || img.inter !== 0;
  const data = scaled ? readNifti(readFileSync(dataPath(rel)), rel, { data: 'float64' }).data : img.data;
  return { shape: img.shape.slice(0, 3) as [number, number, number], data: data as VolumeData, affine: img.affine };
};

test('conform: MNI152 template (uint8, 197x233x189 RAS) -> 256³ LIA, equals scipy affine_transform order 1 + np.rint', (t) => {
  const rel = 'nifti/nilearn/mni_icbm152_t1_tal_nlin_sym_09a_converted.nii.gz';
  if (skipMissing(t, dataPath(rel))) return;
  checkCase(t, 'mni152_t1', niftiVolume(rel), false);
});

test('conform: nibabel someones_anatomy (scaled, 2.75 mm) -> getscale/scalecrop to uint8', (t) => {
  const rel = 'nifti/nibabel/someones_anatomy.nii.gz';
  if (skipMissing(t, dataPath(rel))) return;
  checkCase(t, 'someones_anatomy', niftiVolume(rel), false);
});

test('conform: an already conformed volume (brainchop t1_crop) is returned unchanged', (t) => {
  const rel = 'mri/brainchop/t1_crop.nii.gz';
  if (skipMissing(t, dataPath(rel))) return;
  const v = niftiVolume(rel);
  const out = conform(v);
  assert.ok(v.data instanceof Uint8Array);
  // its affine is LIA 1 mm and centred, so vox2vox is the identity up to rounding of the centre
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) assert.ok(Math.abs(out.vox2vox[i]![j]! - (i === j ? 1 : 0)) < 1e-9);
  let diff = 0;
  for (let i = 0; i < v.data.length; i++) if (out.data[i] !== v.data[i]) diff++;
  assert.equal(diff, 0);
});

test('conform helpers: rint is half-to-even; getscale on a known histogram; conformed affine centre', () => {
  assert.deepEqual([0.5, 1.5, 2.5, -0.5, 2.4999, 254.5, 255.5].map(rint), [0, 2, 2, -0, 2, 254, 256]);
  // 0..999 once each plus 9000 zeros: src_min 0; the 99.9th percentile of the non-zero voxels
  const d = new Float64Array(10000);
  for (let i = 0; i < 1000; i++) d[i] = i;
  const { srcMin, scale } = getscale(d, 0, 255);
  // numpy: nz = 999, voxnum 10000, nth = 10000 - int(0.001*999) = 10000 -> first cs >= 10000 is cs[1000] -> idx 998
  assert.equal(srcMin, 0);
  assert.ok(Math.abs(scale - 255 / (998 * 0.999)) < 1e-12, String(scale));
  assert.throws(() => getscale(Float64Array.of(-1, 2), 0, 255), ArgumentError);
  const A = conformedAffine([[2, 0, 0, -10], [0, 3, 0, -20], [0, 0, 4, -30], [0, 0, 0, 1]], [10, 20, 30]);
  // the centre voxel (128,128,128) of the conformed grid lands on the input's c_ras = A_in · (5, 10, 15)
  const c = [0, 1, 2].map((r) => A[r]![0]! * 128 + A[r]![1]! * 128 + A[r]![2]! * 128 + A[r]![3]!);
  assert.deepEqual(c, [0, 10, 30]);
  const I = matmul4(A, inv4(A));
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) assert.ok(Math.abs(I[i]![j]! - (i === j ? 1 : 0)) < 1e-12);
  // inv4 is linalg's inverse (same values bit for bit), with conform's errors
  const B = [[0.3, -1.2, 0.5, 4], [2.1, 0.1, -0.7, -3], [0.2, 0.9, 1.4, 7], [0, 0, 0, 1]];
  assert.deepEqual(inv4(B).flat(), Array.from(inv({ data: Float64Array.from(B.flat()), rows: 4, cols: 4 }).data));
  assert.throws(() => inv4([[1, 0, 0, 0], [0, NaN, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]), (e: Error) => e instanceof ArgumentError && /not a finite 4x4/.test(e.message));
  assert.throws(() => inv4([[1, 2, 0, 0], [2, 4, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]), (e: Error) => e instanceof ArgumentError && /conform: affine .* is singular/.test(e.message));
});

test('conform: bad volumes are typed errors naming the value', () => {
  const aff = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
  assert.throws(() => conform({ shape: [2, 2] as unknown as [number, number, number], data: new Float32Array(4), affine: aff }), ShapeError);
  assert.throws(() => conform({ shape: [2, 2, 2], data: new Float32Array(7), affine: aff }), /7 voxels for shape \[2, 2, 2\]/);
  assert.throws(() => conform({ shape: [2, 2, 2], data: Float32Array.of(0, 1, 2, NaN, 4, 5, 6, 7), affine: aff }), (e: Error) => e instanceof ArgumentError && /voxel 3 \(i=1, j=1, k=0\) is NaN/.test(e.message));
  assert.throws(() => conform({ shape: [2, 2, 2], data: new Float32Array(8), affine: [[0, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] }), /singular/);
  assert.throws(() => conform({ shape: [2, 2, 2], data: new Float32Array(8).fill(-3), affine: aff }), /minimum intensity -3 is below 0/);
});
