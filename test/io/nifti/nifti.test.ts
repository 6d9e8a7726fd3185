import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'fflate';
import { DTypeError, FormatError, IndexError } from '../../../src/errors.js';
import { readNifti, type NiftiImage } from '../../../src/io/nifti/index.js';
import { dataPath, skipMissing } from '../../helpers/data.js';

const GOLDEN = resolve('test/golden/nifti/nifti.json');

type Num = number | 'NaN' | 'Infinity' | '-Infinity';
interface Golden {
  file: string;
  shared?: boolean;
  version: 1 | 2;
  gzip: boolean;
  endianness: '<' | '>';
  header: Record<string, Num | Num[] | string>;
  shape: number[];
  dtype: string;
  slope: number | null;
  inter: number | null;
  affine: number[][];
  qform: number[][];
  sform: number[][];
  zooms: number[];
  xyzt_units: [string, string];
  n_extensions: number;
  voxels: { index: number[]; raw: number; scaled: number }[];
  sum: number;
  raw_sum: number;
  min: number;
  max: number;
}
const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Golden[];
const num = (v: Num): number => (typeof v === 'number' ? v : Number(v));

function close(a: number, b: number, rel: number, abs: number, what: string): void {
  assert.ok(Math.abs(a - b) <= abs + rel * Math.abs(b), `${what}: got ${a}, expected ${b}`);
}

function path(g: Golden): string {
  return g.shared ? dataPath(g.file) : resolve(g.file);
}

for (const g of golden) {
  test(`NIfTI ${g.file} matches nibabel`, (t) => {
    const p = path(g);
    if (skipMissing(t, p)) return;
    const bytes = readFileSync(p);
    const img = readNifti(bytes, g.file, { data: 'float64' });
    assert.equal(img.version, g.version);
    assert.equal(img.littleEndian, g.endianness === '<');
    assert.deepEqual(img.shape, g.shape);
    assert.equal(img.dtype, g.dtype);
    assert.equal(img.slope, g.slope ?? 1);
    assert.equal(img.inter, g.inter ?? 0);
    assert.equal(img.extensions.length, g.n_extensions);
    assert.deepEqual(img.xyztUnits, g.xyzt_units);
    // Header fields: numbers exactly (float32 fields were widened exactly on both sides).
    for (const [k, v] of Object.entries(g.header)) {
      const got = (img.header as unknown as Record<string, unknown>)[k];
      if (typeof v === 'string' && !['NaN', 'Infinity', '-Infinity'].includes(v)) assert.equal(got, v, k);
      else if (Array.isArray(v)) assert.deepEqual(got, v.map(num), k);
      else assert.deepEqual(got, num(v as Num), k);
    }
    for (let d = 0; d < g.zooms.length; d++) assert.equal(Math.abs(img.zooms[d]!), g.zooms[d], `zoom ${d}`);
    for (const [name, got, ref] of [['affine', img.affine, g.affine], ['sform', img.sform, g.sform], ['qform', img.qform, g.qform]] as const) {
      for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) close(got[r]![c]!, ref[r]![c]!, 0, 1e-12, `${name}[${r}][${c}]`);
    }
    const expectSource = num(g.header['sform_code'] as Num) !== 0 ? 'sform' : num(g.header['qform_code'] as Num) !== 0 ? 'qform' : 'fallback';
    assert.equal(img.affineSource, expectSource);
    // Voxels, scaled in float64 exactly as nibabel's get_fdata(); sums to rounding.
    const data = img.data as Float64Array;
    for (const v of g.voxels) {
      assert.equal(img.get(...v.index), v.scaled, `voxel ${v.index}`);
    }
    let s = 0, mn = Infinity, mx = -Infinity;
    for (let i = 0; i < data.length; i++) {
      const x = data[i]!;
      s += x;
      if (x < mn) mn = x;
      if (x > mx) mx = x;
    }
    close(s, g.sum, 1e-9, 1e-9, 'sum');
    assert.equal(mn, g.min);
    assert.equal(mx, g.max);
    // Default float32 output: the same values rounded to float32.
    const f32 = readNifti(bytes, g.file);
    assert.ok(f32.data instanceof Float32Array);
    for (const v of g.voxels) assert.equal(f32.get(...v.index), Math.fround(v.scaled), `f32 voxel ${v.index}`);
    // Raw output: the stored values.
    const raw = readNifti(bytes, g.file, { data: 'raw' });
    for (const v of g.voxels) assert.equal(raw.get(...v.index), v.raw, `raw voxel ${v.index}`);
  });
}

function crafted(name: string): Uint8Array {
  return new Uint8Array(readFileSync(resolve('test/golden/nifti', name)));
}

test('NIfTI raw typed arrays, index helper and 64-bit integers', () => {
  const i64 = readNifti(crafted('crafted_int64.nii'), 'i64', { data: 'raw' });
  assert.ok(i64.data instanceof BigInt64Array);
  const i16be = readNifti(crafted('crafted_uint16_be_fallback.nii'), 'u16', { data: 'raw' });
  assert.ok(i16be.data instanceof Uint16Array);
  assert.equal(i16be.affineSource, 'fallback');
  const img = readNifti(crafted('crafted_float64_5d_ext.nii.gz'), '5d');
  assert.deepEqual(img.shape, [3, 2, 2, 2, 2]);
  assert.equal(img.offset(1, 1, 1, 1, 1), 1 + 3 + 6 + 12 + 24);
  assert.equal(img.offset(2), 2);
  assert.equal(img.extensions[0]!.code, 6);
  assert.match(new TextDecoder().decode(img.extensions[0]!.data), /^dendrite test extension/);
  assert.throws(() => img.offset(3, 0, 0), IndexError);
  assert.throws(() => img.get(0, 0, 0, 0, 0, 1), IndexError);
});

test('NIfTI bad input throws FormatError naming the file and field', () => {
  const good = crafted('crafted_int8_qform.nii');
  const bad = (b: Uint8Array, re: RegExp, cls: new (...a: never[]) => Error = FormatError) => {
    assert.throws(() => readNifti(b, 'bad.nii'), (e: unknown) => e instanceof cls && re.test((e as Error).message) && (e as Error).message.includes('bad.nii'));
  };
  const mut = (f: (v: DataView, b: Uint8Array) => void) => {
    const b = good.slice();
    f(new DataView(b.buffer), b);
    return b;
  };
  bad(good.slice(0, 2), /sizeof_hdr/);
  bad(good.slice(0, 200), /header.*truncated/);
  bad(good.slice(0, good.length - 1), /data.*truncated/);
  bad(mut((v) => v.setInt32(0, 349, true)), /sizeof_hdr/);
  bad(mut((v) => v.setInt16(70, 3, true)), /datatype.*3/);
  bad(mut((v) => v.setInt16(70, 32, true)), /complex64/, DTypeError);
  bad(mut((v) => v.setFloat32(108, 1e6, true)), /vox_offset/);
  bad(mut((_v, b) => b.set([0x78, 0x78, 0x78], 344)), /magic/);
  bad(mut((v) => v.setInt16(40, 9, true)), /dim\[0\]/);
  const gz = gzipSync(good);
  bad(gz.slice(0, gz.length - 20), /gzip/);
  const gz2 = gz.slice();
  gz2[20] = gz2[20]! ^ 0xff;
  gz2[21] = gz2[21]! ^ 0xff;
  bad(gz2, /gzip|sizeof_hdr|data/);
  // .hdr/.img pair: needs the image bytes
  const pair = mut((v, b) => { b.set([0x6e, 0x69, 0x31, 0], 344); v.setFloat32(108, 0, true); });
  bad(pair, /pair/);
  const img: NiftiImage = readNifti(pair.slice(0, 348), 'pair.hdr', { image: good.slice(352) });
  assert.deepEqual([...(img.data as Float32Array)], [...(readNifti(good).data as Float32Array)]);
});
