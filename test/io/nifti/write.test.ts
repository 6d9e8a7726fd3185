// writeNifti: the committed files (scripts/golden/nifti_write_fixtures.mjs) are what the writer
// produces today, nibabel reads them as intended (scripts/golden/nifti_write.py), and real volumes
// survive a write/read round trip bit for bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ArgumentError } from '../../../src/errors.js';
import { readNifti, type NiftiImage } from '../../../src/io/nifti/index.js';
import { writeNifti, type NiftiWriteImage } from '../../../src/io/nifti/write.js';
import { dataPath, skipMissing } from '../../helpers/data.js';
import { WRITE_CASES } from './write_cases.js';

const DIR = resolve('test/golden/nifti_write');
interface Nib {
  shape: number[]; dtype: string; affine: number[][]; qform: number[][]; qform_code: number; sform: number[][]; sform_code: number;
  zooms: number[]; slope: number | null; inter: number; vox_offset: number; intent_code: number; descrip: string; xyzt_units: number;
  sum: number; sha256_raw_F: string; first: number[]; nibabel_set_qform: Record<string, number>; nibabel_pixdim: number[]; file_quatern: number[]; file_pixdim: number[];
}
const NIB = (JSON.parse(readFileSync(resolve(DIR, 'nibabel.json'), 'utf8')) as { files: Record<string, Nib> }).files;

const close = (a: number[][], b: number[][], tol: number, what: string) => {
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) assert.ok(Math.abs(a[i]![j]! - b[i]![j]!) <= tol, `${what}[${i}][${j}]: ${a[i]![j]} vs ${b[i]![j]}`);
};
const f32 = (m: number[][]) => m.map((r) => r.map((v) => Math.fround(v)));
/** A rotation by 180° about an axis in a coordinate plane (LIA's) has quaternion real part 0; from
 *  float32 b, c, d = ±0.70710677 the reader recomputes a = sqrt(1 - b² - c² - d²) ≈ 2.4e-4, so the
 *  rotation read back is off by ~2.6e-4 per mm of voxel size, in nibabel as here. */
const QUAT_TOL = 3e-4;
const rawBytes = (d: ArrayBufferView) => new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

test('writeNifti: writes exactly the committed files that nibabel read', () => {
  for (const c of WRITE_CASES) {
    const got = writeNifti(c.image(), c.opts);
    assert.deepEqual(got, new Uint8Array(readFileSync(resolve(DIR, c.name))), `${c.name}: bytes differ from the committed file (regenerate the goldens if the change is intended)`);
  }
});

test('writeNifti: nibabel reads shape, dtype, affine, qform/sform and codes, scaling and voxels as written', () => {
  for (const c of WRITE_CASES) {
    const nib = NIB[c.name]!;
    const img = c.image();
    assert.ok(nib, c.name);
    assert.deepEqual(nib.shape, img.shape, c.name);
    assert.equal(nib.vox_offset, 352);
    const wantType = c.opts.dtype ?? ({ Uint8Array: 'uint8', Int16Array: 'int16', Uint16Array: 'uint16', Float32Array: 'float32', Float64Array: 'float64' } as Record<string, string>)[img.data.constructor.name];
    assert.equal(nib.dtype, wantType, c.name);
    const q = c.opts.qformCode ?? (img.affine ? 1 : 0), s = c.opts.sformCode ?? (img.affine ? 2 : 0);
    assert.equal(nib.qform_code, q, c.name);
    assert.equal(nib.sform_code, s, c.name);
    assert.equal(nib.slope, c.opts.sclSlope ?? 1);
    assert.equal(nib.inter, c.opts.sclInter ?? 0);
    assert.equal(nib.intent_code, c.opts.intentCode ?? 0);
    assert.equal(nib.descrip, c.opts.descrip ?? '');
    if (img.affine) {
      close(nib.sform, f32(img.affine), 0, `${c.name} sform`);
      close(nib.affine, f32(img.affine), 0, `${c.name} affine`);
      const sheared = c.name.startsWith('sheared');
      // dendrite reads the file's qform as nibabel does, and it holds the affine unless that has
      // shears (which a qform cannot); QUAT_TOL is what float32 quaternion fields allow
      close(readNifti(readFileSync(resolve(DIR, c.name)), c.name).qform, nib.qform, 1e-12, `${c.name} qform as nibabel reads it`);
      if (!sheared) close(nib.qform, img.affine, QUAT_TOL, `${c.name} qform`);
      // and its fields are the ones nibabel's own set_qform derives (a quaternion and its negative are one rotation)
      const ref = ['quatern_b', 'quatern_c', 'quatern_d'].map((k) => nib.nibabel_set_qform[k]!);
      const sign = Math.sign(ref.reduce((a, v, k) => a + v * nib.file_quatern[k]!, 0)) || 1;
      for (let k = 0; k < 3; k++) assert.ok(Math.abs(nib.file_quatern[k]! - sign * ref[k]!) < 1e-7, `${c.name} quatern ${k}: ${nib.file_quatern[k]} vs ${ref[k]}`);
      assert.deepEqual(nib.file_pixdim, nib.nibabel_pixdim, `${c.name} pixdim`);
    }
    // voxels: nibabel's raw bytes in Fortran order are dendrite's data after the (checked) cast
    const back = readNifti(readFileSync(resolve(DIR, c.name)), c.name, { data: 'raw' });
    assert.equal(createHash('sha256').update(rawBytes(back.data)).digest('hex'), nib.sha256_raw_F, `${c.name} voxels`);
    const vals = readNifti(readFileSync(resolve(DIR, c.name)), c.name, { data: 'float64' }).data as Float64Array;
    assert.deepEqual([...vals.subarray(0, 6)], nib.first);
    let sum = 0;
    for (const v of vals) sum += v;
    assert.ok(Math.abs(sum - nib.sum) <= 1e-9 * Math.max(1, Math.abs(nib.sum)), `${c.name} sum`);
  }
});

function roundTrip(t: import('node:test').TestContext, rel: string, gzips: boolean[]): void {
  const p = dataPath(rel);
  if (skipMissing(t, p)) return;
  const a = readNifti(readFileSync(p), rel, { data: 'raw' }) as NiftiImage;
  const image: NiftiWriteImage = { shape: a.shape, data: a.data as NiftiWriteImage['data'], affine: a.affine, zooms: a.zooms };
  for (const gzip of gzips) {
    const bytes = writeNifti(image, { gzip, level: 1, sclSlope: a.slope, sclInter: a.inter, qformCode: 1, sformCode: a.affineSource === 'sform' ? a.header.sform_code : 2 });
    const b = readNifti(bytes, `${rel} rewritten`, { data: 'raw' });
    assert.deepEqual(b.shape, a.shape);
    assert.equal(b.dtype, a.dtype);
    assert.deepEqual(rawBytes(b.data), rawBytes(a.data), `${rel}: voxels`);
    close(b.affine, a.affine, 0, `${rel} affine`);
    close(b.qform, a.affine, QUAT_TOL, `${rel} qform`);
    assert.deepEqual(b.zooms, a.zooms.map((z) => Math.fround(z)));
    assert.equal(b.slope, a.slope);
    assert.equal(b.inter, a.inter);
    assert.equal(b.gzip !== null, gzip);
  }
}

test('writeNifti -> readNifti round trip: brainchop t1_crop (uint8, LIA sform)', (t) => roundTrip(t, 'mri/brainchop/t1_crop.nii.gz', [false, true]));
test('writeNifti -> readNifti round trip: SynthSeg label map (int32), MNI152 template, nibabel example4d (int16, 4-D)', (t) => {
  for (const rel of ['mri/synthseg/training_seg_02.nii.gz', 'nifti/nilearn/mni_icbm152_t1_tal_nlin_sym_09a_converted.nii.gz', 'nifti/nibabel/example4d.nii.gz']) roundTrip(t, rel, [rel.includes('example4d')]);
});

test('writeNifti: bad input is an ArgumentError naming the value', () => {
  const data = new Uint8Array(24);
  const bad: [NiftiWriteImage, object, RegExp][] = [
    [{ shape: [2, 3, 4, 1, 1, 1, 1, 1], data }, {}, /1 to 7 dims/],
    [{ shape: [2, 3, 5], data }, {}, /24 voxels in data, shape \[2, 3, 5\] has 30/],
    [{ shape: [24, 1, 0], data }, {}, /dim 0 is not an integer in 1\.\.32767/],
    [{ shape: [40000], data: new Uint8Array(40000) }, {}, /dim 40000/],
    [{ shape: [2, 3, 4], data, affine: [[1, 0, 0, NaN], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] }, {}, /affine must be 4x4 and finite/],
    [{ shape: [2, 3, 4], data, affine: [[0, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] }, {}, /affine column 0 is zero/],
    [{ shape: [3], data: new Float32Array([1, 2.5, 3]) }, { dtype: 'int16' }, /voxel 1 = 2\.5 does not fit int16/],
    [{ shape: [2], data: new Int32Array([1, 300]) }, { dtype: 'uint8' }, /voxel 1 = 300 does not fit uint8/],
    [{ shape: [1], data: new Float64Array([0.1]) }, { dtype: 'float32' }, /not exactly representable as float32/],
    [{ shape: [2, 3, 4], data }, { qformCode: 9 }, /qformCode 9/],
    [{ shape: [2, 3, 4], data }, { sclSlope: Infinity }, /must be finite/],
    [{ shape: [2, 3, 4], data }, { intentCode: 32768 }, /intentCode 32768 does not fit the int16/],
    [{ shape: [2, 3, 4], data }, { intentCode: -32769 }, /intentCode -32769/],
    [{ shape: [2, 3, 4], data }, { intentCode: 1002.5 }, /intentCode 1002\.5/],
    [{ shape: [2, 3, 4], data }, { xyztUnits: 256 }, /xyztUnits 256 does not fit the one-byte/],
    [{ shape: [2, 3, 4], data }, { xyztUnits: -1 }, /xyztUnits -1/],
    [{ shape: [2, 3, 4], data, zooms: [1, 1, 1, NaN] }, {}, /zooms \[1,1,1,NaN\]/],
    [{ shape: [2, 3, 4], data, zooms: [1, 1, 1, -2] }, {}, /zooms/],
  ];
  for (const [img, opts, re] of bad) assert.throws(() => writeNifti(img, opts), (e: Error) => e instanceof ArgumentError && re.test(e.message), re.source);
});

test('writeNifti: intent_code and xyzt_units are stored unwrapped at their field limits; zooms 0..2 give way to the affine, 3.. are pixdim[4..]', () => {
  const data = new Uint8Array(2 * 3 * 4 * 5);
  for (const [intentCode, xyztUnits] of [[32767, 255], [-32768, 0], [1002, 10]] as const) {
    const b = writeNifti({ shape: [2, 3, 4, 5], data }, { intentCode, xyztUnits });
    const dv = new DataView(b.buffer, b.byteOffset);
    assert.equal(dv.getInt16(68, true), intentCode);
    assert.equal(b[123], xyztUnits);
  }
  const affine = [[2, 0, 0, 1], [0, 3, 0, 2], [0, 0, 4, 3], [0, 0, 0, 1]];
  const b = writeNifti({ shape: [2, 3, 4, 5], data, affine, zooms: [9, 9, 9, 0.5] });
  const dv = new DataView(b.buffer, b.byteOffset);
  assert.deepEqual([1, 2, 3, 4, 5].map((i) => dv.getFloat32(76 + 4 * i, true)), [2, 3, 4, 0.5, 1]);
  assert.deepEqual(readNifti(b).zooms, [2, 3, 4, 0.5]);
});

test('saveNifti: .nii.gz paths are gzipped, .nii are not, and read back', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { saveNifti } = await import('../../../src/node/nifti.js');
  const dir = mkdtempSync(resolve(tmpdir(), 'dendrite-nifti-'));
  try {
    const img = WRITE_CASES[0]!.image();
    for (const name of ['a.nii', 'a.nii.gz']) {
      const p = resolve(dir, name);
      saveNifti(p, img);
      const b = new Uint8Array(readFileSync(p));
      assert.equal(b[0] === 0x1f && b[1] === 0x8b, name.endsWith('.gz'));
      assert.deepEqual(readNifti(b, name, { data: 'raw' }).data, img.data);
    }
  } finally {
    rmSync(dir, { recursive: true });
  }
});
