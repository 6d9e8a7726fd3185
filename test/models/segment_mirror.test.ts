// Test-time mirroring in segmentVolume: the probabilities are the mean over the volume and its
// mirror images (each mapped back), computed here by hand from unmirrored passes; the labels are
// their argmax; bad axes are typed errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MeshNet } from '../../src/models/meshnet.js';
import { segmentVolume } from '../../src/models/segment_volume.js';
import { randn } from '../../src/tensor/creation.js';
import { manualSeed } from '../../src/tensor/random.js';
import { ArgumentError } from '../../src/errors.js';

test('segmentVolume mirror: mean probabilities over every mirror combination, mapped back', () => {
  manualSeed(5);
  const m = new MeshNet({ classes: 3, channels: 4, dilations: [1, 2, 1] }).eval();
  const [nx, ny, nz] = [9, 7, 6], n = nx * ny * nz;
  const data = randn([n]).dataSync() as Float32Array;
  const shape = [nx, ny, nz] as [number, number, number];
  const mirrored = (fi: boolean, fk: boolean): Float32Array => {
    const at = (i: number, j: number, k: number) => (fi ? nx - 1 - i : i) + nx * (j + ny * (fk ? nz - 1 - k : k));
    const v = new Float32Array(n);
    for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) v[i + nx * (j + ny * k)] = data[at(i, j, k)]!;
    const p = segmentVolume(m, { data: v, shape }, { probabilities: true }).probabilities!;
    const back = new Float32Array(3 * n);
    for (let c = 0; c < 3; c++) for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) back[c * n + at(i, j, k)] = p[c * n + i + nx * (j + ny * k)]!;
    return back;
  };
  const passes = [mirrored(false, false), mirrored(true, false), mirrored(false, true), mirrored(true, true)];
  const r = segmentVolume(m, { data, shape }, { probabilities: true, mirror: [0, 2] });
  let differs = 0;
  for (let o = 0; o < 3 * n; o++) {
    const want = passes.reduce((a, p) => a + p[o]! / 4, 0);
    assert.ok(Math.abs(r.probabilities![o]! - want) <= 1e-6, `probability ${o}: ${r.probabilities![o]} vs ${want}`);
    if (Math.abs(passes[1]![o]! - passes[0]![o]!) > 1e-3) differs++;
  }
  assert.ok(differs > n / 10, 'the model is not mirror-symmetric, so mirroring changes its output');
  for (let o = 0; o < n; o++) {
    const p = [0, 1, 2].map((c) => r.probabilities![c * n + o]!);
    assert.equal(r.labels[o], p.indexOf(Math.max(...p)));
  }
  // labels alone (no probabilities asked) are the same; mirror: true runs all 8 combinations
  assert.deepEqual(segmentVolume(m, { data, shape }, { mirror: [0, 2] }).labels, r.labels);
  assert.equal(segmentVolume(m, { data, shape }, { mirror: true }).probabilities, undefined);
  assert.throws(() => segmentVolume(m, { data, shape }, { mirror: [3] }), ArgumentError);
  assert.throws(() => segmentVolume(m, { data, shape }, { mirror: [1, 1] }), ArgumentError);
});
