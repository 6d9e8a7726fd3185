// Shared by the conform tests: compares conform/unconform with the reference npz of one case.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readNpz, type NpyArray } from '../../src/io/npz/index.js';
import { axisCodes, conform, inv4, matmul4, resample, unconform, type Volume } from '../../src/neuro/conform.js';

const golden = (name: string) => readNpz(readFileSync(resolve('test/golden/conform', `${name}.npz`)), name, { order: 'F' });
const rows = (a: NpyArray) => [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => Number(a.data[i + 4 * j])));
const num = (a: NpyArray) => Number(a.data[0]);

/** Every `step`-th voxel of a Fortran-order volume of shape s. */
function sub(data: ArrayLike<number>, s: readonly number[], step: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < s[2]!; k += step) for (let j = 0; j < s[1]!; j += step) for (let i = 0; i < s[0]!; i += step) out.push(data[i + s[0]! * (j + s[1]! * k)]!);
  return out;
}
function counts(data: ArrayLike<number>): Map<number, number> {
  const m = new Map<number, number>();
  for (let i = 0; i < data.length; i++) m.set(data[i]!, (m.get(data[i]!) ?? 0) + 1);
  return m;
}

interface Agreement { equal: number; n: number; maxDiff: number }
function agree(got: ArrayLike<number>, want: ArrayLike<number>): Agreement {
  assert.equal(got.length, want.length);
  let equal = 0, maxDiff = 0;
  for (let i = 0; i < got.length; i++) {
    if (got[i] === want[i]) equal++;
    maxDiff = Math.max(maxDiff, Math.abs(got[i]! - Number(want[i]!)));
  }
  return { equal, n: got.length, maxDiff };
}

export function checkCase(t: import('node:test').TestContext, name: string, vol: Volume, labels: boolean): { out: Volume; back: Volume } {
  const g = golden(name);
  const out = conform(vol, { labels });
  assert.equal(axisCodes(out.affine), 'LIA');
  assert.equal(String.fromCharCode(...(g['axcodes']!.data as Uint8Array)), 'LIA'); // nibabel's aff2axcodes
  const ga = rows(g['affine']!);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) assert.ok(Math.abs(out.affine[i]![j]! - ga[i]![j]!) < 1e-9, `${name} affine[${i}][${j}] ${out.affine[i]![j]} vs ${ga[i]![j]}`);
  assert.ok(Math.abs(out.srcMin - num(g['src_min']!)) <= 1e-12 * Math.max(1, Math.abs(out.srcMin)), `${name} src_min ${out.srcMin} vs ${num(g['src_min']!)}`);
  assert.ok(Math.abs(out.scale - num(g['scale']!)) <= 1e-12 * out.scale, `${name} scale ${out.scale} vs ${num(g['scale']!)}`);
  // interpolated values before scaling and rounding: float32 tolerance
  // (the reference's, for integer input, already rounded into the input's type by affine_transform)
  const pull8 = matmul4(inv4(out.vox2vox), [[8, 0, 0, 0], [0, 8, 0, 0], [0, 0, 8, 0], [0, 0, 0, 1]]);
  const fg = Array.from(resample(vol, pull8, [32, 32, 32], labels ? 0 : 1), (v) => (vol.data instanceof Float32Array || vol.data instanceof Float64Array ? v : Math.trunc(v + 0.5)));
  const fw = g['f_sub8']!.data as Float32Array;
  const f8 = agree(fg.map((v) => Math.fround(v)), fw);
  let big = 0;
  for (let i = 0; i < fg.length; i++) if (Math.abs(fg[i]! - fw[i]!) > 1e-6 * Math.max(1, Math.abs(fw[i]!))) big++;
  // uint8 output (labels: values) on the every-4th-voxel grid and the full histogram
  const s4 = agree(sub(out.data, out.shape, 4), g['sub4']!.data as ArrayLike<number>);
  const want = new Map<number, number>();
  const vals = g['values']!.data as Float64Array, cnt = g['counts']!.data as BigInt64Array;
  for (let i = 0; i < vals.length; i++) want.set(vals[i]!, Number(cnt[i]!));
  const got = counts(out.data);
  let histDiff = 0;
  for (const k of new Set([...want.keys(), ...got.keys()])) histDiff += Math.abs((got.get(k) ?? 0) - (want.get(k) ?? 0));
  // inverse onto the input grid
  const back = unconform(out, vol);
  const inv = agree(sub(back.data, vol.shape, 2), g['inv_sub2']!.data as ArrayLike<number>);
  t.diagnostic(`${name}: pre-rounding values differing by > 1e-6 rel: ${big}/${fg.length} (max |diff| ${f8.maxDiff.toExponential(2)}); ` +
    `output equal on ${s4.equal}/${s4.n} sampled voxels (${(100 * s4.equal / s4.n).toFixed(3)} %, max diff ${s4.maxDiff}); histogram L1 difference ${histDiff} of ${out.data.length}; ` +
    `inverse equal on ${inv.equal}/${inv.n}`);
  assert.equal(big, 0, `${name}: interpolated values`);
  assert.ok(s4.equal / s4.n >= 0.999, `${name}: ${s4.equal}/${s4.n} equal`);
  assert.ok(s4.maxDiff <= (labels ? 0 : 1), `${name}: max diff ${s4.maxDiff}`);
  assert.ok(histDiff <= 0.001 * out.data.length * 2, `${name}: histogram`);
  assert.ok(inv.equal / inv.n >= 0.999, `${name}: inverse ${inv.equal}/${inv.n}`);
  return { out, back };
}

