// Patch sampling and sliding-window reassembly for 3-D volumes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, ShapeError } from '../../src/errors.js';
import { PatchAssembler, extractPatch, gridPatches, randomPatches } from '../../src/data/patches.js';

const S: [number, number, number] = [23, 17, 11];
const N = S[0] * S[1] * S[2];
const vol = Float32Array.from({ length: N }, (_, v) => Math.fround(Math.sin(v) * 100));

test('randomPatches: deterministic by seed, inside the volume, uniform over start positions', () => {
  const a = randomPatches(S, 8, 2000, { seed: 3 }), b = randomPatches(S, 8, 2000, { seed: 3 }), c = randomPatches(S, 8, 2000, { seed: 4 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  for (const st of a) for (let ax = 0; ax < 3; ax++) assert.ok(st[ax]! >= 0 && st[ax]! + 8 <= S[ax]!);
  // axis 2 has 11 - 8 + 1 = 4 positions: each drawn about 500 times
  const hist = [0, 0, 0, 0];
  for (const st of a) hist[st[2]]!++;
  for (const h of hist) assert.ok(h > 420 && h < 580, JSON.stringify(hist));
  assert.deepEqual(randomPatches(S, [23, 17, 11], 3), [[0, 0, 0], [0, 0, 0], [0, 0, 0]]);
});

test('randomPatches: label-balanced draws centre each class equally often, rare classes included', () => {
  const labels = new Int32Array(N);
  // class 2 on a third of the voxels at least 3 from every face (its patches are never shifted, and a
  // shifted patch is centred 2 from a face, so never on it), class 7 on one voxel
  for (let k = 3; k < S[2] - 3; k++) for (let j = 3; j < S[1] - 3; j++) for (let i = 3; i < S[0] - 3; i++) if ((i + j + k) % 3 === 0) labels[i + S[0] * (j + S[1] * k)] = 2;
  labels[5 + S[0] * (5 + S[1] * 5)] = 7;
  const starts = randomPatches(S, 5, 3000, { seed: 1, labels, balance: 'label' });
  const centre = starts.map(([i, j, k]) => labels[i + 2 + S[0] * (j + 2 + S[1] * (k + 2))]!);
  // a third of the draws each: class 7 (always the patch at (3, 3, 3)), class 2, background
  const n7 = starts.filter(([i, j, k]) => i === 3 && j === 3 && k === 3).length;
  const n2 = centre.filter((c) => c === 2).length;
  assert.equal(centre.filter((c) => c === 7).length, n7);
  for (const n of [n7, n2]) assert.ok(n > 900 && n < 1100, `${n7} ${n2}`);
  // restricting the classes
  const only = randomPatches(S, 5, 200, { seed: 1, labels, classes: [7] });
  assert.ok(only.every(([i, j, k]) => i === 3 && j === 3 && k === 3));
  assert.deepEqual(randomPatches(S, 5, 50, { seed: 9, labels }), randomPatches(S, 5, 50, { seed: 9, labels: Int32Array.from(labels) }));
  assert.throws(() => randomPatches(S, 5, 1, { labels, classes: [99] }), /none of the classes \[99\]/);
});

test('extractPatch: the voxels of the box, every channel', () => {
  const two = new Float32Array(2 * N);
  two.set(vol);
  two.set(vol.map((x) => -x), N);
  const p = extractPatch(two, S, [4, 3, 2], [5, 6, 7], 2);
  assert.ok(p instanceof Float32Array);
  assert.equal(p.length, 2 * 210);
  for (let c = 0; c < 2; c++) for (let k = 0; k < 7; k++) for (let j = 0; j < 6; j++) for (let i = 0; i < 5; i++) {
    assert.equal(p[c * 210 + i + 5 * (j + 6 * k)], (c ? -1 : 1) * vol[4 + i + S[0] * (3 + j + S[1] * (2 + k))]!);
  }
});

test('gridPatches: covers every voxel; the last patch is flush with the end; stride = size - overlap', () => {
  const g = gridPatches(S, [8, 8, 8], 3);
  const xs = [...new Set(g.map((s) => s[0]))].sort((a, b) => a - b);
  assert.deepEqual(xs, [0, 5, 10, 15]);
  assert.deepEqual([...new Set(g.map((s) => s[2]))], [0, 3]);
  const cover = new Uint8Array(N);
  for (const [x, y, z] of g) for (let k = 0; k < 8; k++) for (let j = 0; j < 8; j++) for (let i = 0; i < 8; i++) cover[x + i + S[0] * (y + j + S[1] * (z + k))] = 1;
  assert.ok(cover.every((c) => c === 1));
  assert.deepEqual(gridPatches([16, 16, 16], 8), [[0, 0, 0], [8, 0, 0], [0, 8, 0], [8, 8, 0], [0, 0, 8], [8, 0, 8], [0, 8, 8], [8, 8, 8]]);
});

test('PatchAssembler: average and crop-centre reassemble the volume exactly from its own patches', () => {
  for (const mode of ['average', 'crop'] as const) {
    for (const [size, overlap] of [[8, 3], [7, 0], [[9, 6, 5], [4, 2, 1]]] as const) {
      const asm = new PatchAssembler(S, size as number, 2, mode);
      const two = new Float32Array(2 * N);
      two.set(vol);
      two.set(vol.map((x) => x * 3), N);
      for (const st of gridPatches(S, size, overlap)) asm.add(st, extractPatch(two, S, st, size, 2));
      assert.deepEqual(asm.result(), Float64Array.from(two), `${mode} ${JSON.stringify(size)}`);
    }
  }
});

test('PatchAssembler: averaging weights overlaps; crop-centre takes the patch each voxel lies deepest in', () => {
  const s: [number, number, number] = [10, 1, 1];
  // 1-D along i: patches of 6 at 0 and 4 (overlap 2 at voxels 4, 5)
  const avg = new PatchAssembler(s, [6, 1, 1]);
  avg.add([0, 0, 0], new Float64Array(6).fill(1));
  avg.add([4, 0, 0], new Float64Array(6).fill(3));
  assert.deepEqual([...avg.result()], [1, 1, 1, 1, 2, 2, 3, 3, 3, 3]);
  const crop = new PatchAssembler(s, [6, 1, 1], 1, 'crop');
  crop.add([0, 0, 0], new Float64Array(6).fill(1));
  crop.add([4, 0, 0], new Float64Array(6).fill(3));
  // voxel 4 is 1.5 from the first centre (2.5) and 2.5 from the second (6.5); voxel 5: 2.5 vs 1.5
  assert.deepEqual([...crop.result()], [1, 1, 1, 1, 1, 3, 3, 3, 3, 3]);
  const gap = new PatchAssembler(s, [6, 1, 1]);
  gap.add([0, 0, 0], new Float64Array(6));
  assert.throws(() => gap.result(), (e: Error) => e instanceof ArgumentError && /voxel 6 \(i=6, j=0, k=0\) is in no patch/.test(e.message));
});

test('patches: bad sizes, shapes and starts are typed errors', () => {
  assert.throws(() => randomPatches(S, 30, 1), (e: Error) => e instanceof ShapeError && /larger than the volume/.test(e.message));
  assert.throws(() => randomPatches(S, 0, 1), ArgumentError);
  assert.throws(() => randomPatches(S, 4, 1, { balance: 'label' }), /needs a label map/);
  assert.throws(() => randomPatches(S, 4, 1, { labels: new Int32Array(5) }), ShapeError);
  assert.throws(() => gridPatches(S, 8, 8), /overlap 8/);
  assert.throws(() => extractPatch(vol, S, [20, 0, 0], 8), /outside the volume on axis 0/);
  assert.throws(() => new PatchAssembler(S, 8).add([0, 0, 0], new Float32Array(10)), ShapeError);
});
