// Real NIfTI files with header fields changed, read as nibabel reads them (golden values from
// scripts/golden/nifti_headers.py): invalid transform codes ignored, negative or zero pixdim[1..3]
// corrected, vox_offset inside the header refused, FreeSurfer's long-vector dim, dim[0] = 0 and a
// pair magic in a single file accepted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as zlib from 'node:zlib';
import { FormatError } from '../../../src/errors.js';
import { readNifti } from '../../../src/io/nifti/index.js';
import { dataPath, skipMissing } from '../../helpers/data.js';

type Num = number | 'NaN' | 'Infinity' | '-Infinity';
interface Change { field: string; at: number; type: 'i16' | 'i32' | 'i64' | 'f32' | 'f64' | 'u8'; value: number }
interface Case {
  name: string;
  file: string;
  version: 1 | 2;
  little_endian: boolean;
  changes: Change[];
  error?: string;
  shape?: number[];
  affine?: Num[][];
  zooms?: Num[];
  sform_code?: number;
  qform_code?: number;
  size?: number;
  sum?: Num;
  min?: Num | null;
  max?: Num | null;
  voxels?: [number, Num][];
}

const cases = JSON.parse(readFileSync(resolve('test/golden/nifti/headers.json'), 'utf8')) as Case[];
const num = (v: Num): number => (typeof v === 'number' ? v : Number(v));

/** Where dendrite refuses a header nibabel 5.0 reads, and why (see src/io/nifti/nifti.ts). */
const STRICTER: Record<string, RegExp> = {
  // nibabel takes vox_offset 0 at face value and reads the header itself as voxels
  'vox_offset 0 in n+1': /vox_offset: 0 is inside the 348-byte header/,
  'magic ni1 with vox_offset 0 in a single .nii': /vox_offset: 0 is inside.*pass the image bytes/,
  // numpy slicing of dim[1:dim[0]+1]: a 7-D shape with zero zooms, or a scalar
  'dim[0] 8': /dim\[0\]: 8; expected 0\.\.7/,
  'dim[0] -1': /dim\[0\]: -1; expected 0\.\.7/,
};

/** The field dendrite names for each refusal nibabel makes. */
function expectedError(nibabel: string): RegExp {
  if (/vox offset/.test(nibabel)) return /vox_offset: \d+ is inside the \d+-byte header/;
  if (/magic/.test(nibabel)) return /magic/;
  if (/glmin/.test(nibabel)) return /glmin: 0/;
  if (/negative count/.test(nibabel)) return /dim\[1\]: -1 is negative/;
  if (/Expected \d+ bytes/.test(nibabel)) return /data: truncated/;
  throw new Error(`no dendrite counterpart for nibabel's ${nibabel}`);
}

function mutated(c: Case): Uint8Array {
  let raw = new Uint8Array(readFileSync(dataPath(c.file)));
  if (c.file.endsWith('.gz')) raw = new Uint8Array(zlib.gunzipSync(raw));
  const b = raw.slice();
  const v = new DataView(b.buffer);
  const le = c.little_endian;
  for (const ch of c.changes) {
    switch (ch.type) {
      case 'u8': v.setUint8(ch.at, ch.value); break;
      case 'i16': v.setInt16(ch.at, ch.value, le); break;
      case 'i32': v.setInt32(ch.at, ch.value, le); break;
      case 'i64': v.setBigInt64(ch.at, BigInt(ch.value), le); break;
      case 'f32': v.setFloat32(ch.at, ch.value, le); break;
      case 'f64': v.setFloat64(ch.at, ch.value, le); break;
    }
  }
  return b;
}

for (const c of cases) {
  test(`NIfTI header: ${c.name} (${c.file.split('/').pop()}) as nibabel`, (t) => {
    if (skipMissing(t, dataPath(c.file))) return;
    const bytes = mutated(c);
    const src = `mutated-${c.file.split('/').pop()}`;
    const refusal = STRICTER[c.name] ?? (c.error !== undefined ? expectedError(c.error) : undefined);
    if (refusal) {
      assert.throws(() => readNifti(bytes, src), (e: unknown) => {
        assert.ok(e instanceof FormatError, `${(e as Error).name}: ${(e as Error).message}`);
        assert.ok(e.message.startsWith(`readNifti: ${src}: `), e.message);
        assert.match(e.message, refusal);
        return true;
      });
      return;
    }
    const img = readNifti(bytes, src, { data: 'float64' });
    assert.deepEqual(img.shape, c.shape);
    assert.deepEqual(img.zooms, c.zooms!.map(num));
    const want = c.affine!.map((r) => r.map(num));
    for (let r = 0; r < 4; r++) {
      for (let k = 0; k < 4; k++) {
        const a = img.affine[r]![k]!, b = want[r]![k]!;
        assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `affine[${r}][${k}]: ${a} vs nibabel ${b}`);
      }
    }
    assert.equal(img.affineSource, c.sform_code !== 0 ? 'sform' : c.qform_code !== 0 ? 'qform' : 'fallback');
    const data = img.data as Float64Array;
    assert.equal(data.length, c.size);
    let s = 0, mn = Infinity, mx = -Infinity;
    for (const x of data) {
      s += x;
      if (x < mn) mn = x;
      if (x > mx) mx = x;
    }
    assert.ok(Math.abs(s - num(c.sum!)) <= 1e-9 * Math.abs(num(c.sum!)), `sum ${s} vs nibabel ${c.sum}`);
    if (data.length) {
      assert.equal(mn, num(c.min!));
      assert.equal(mx, num(c.max!));
    }
    for (const [i, v] of c.voxels!) assert.equal(data[i], num(v), `voxel ${i}`);
  });
}

test('NIfTI header golden covers every behaviour the reader was changed for', () => {
  const names = new Set(cases.map((c) => c.name));
  for (const n of Object.keys(STRICTER)) assert.ok(names.has(n), `golden lacks "${n}"`);
  assert.ok(cases.filter((c) => c.error === undefined && !STRICTER[c.name]).length >= 20);
});
