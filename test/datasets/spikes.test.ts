// The spike data-set loaders on the real files: shapes and values as scipy.io.loadmat reports
// them (data README), rows as samples; a wrong file gets a FormatError naming the variable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError } from '../../src/errors.js';
import { loadChewie, loadPlaceCell, loadReach } from '../../src/datasets/spikes.js';
import { dataPath, skipMissing } from '../helpers/data.js';

const root = dataPath('spikes');
const files = ['kordinglab-dad/chewie_demo.mat', 'centuri-hatsopoulos-reach/Dataset1.mat', 'kramer-eden-case-studies/spikes-1.mat'];
const bytes = (p: string) => new Uint8Array(readFileSync(join(root, p)));

test('chewie_demo.mat, Dataset1.mat and spikes-1.mat load with samples as rows', (t) => {
  if (skipMissing(t, ...files.map((f) => join(root, f)))) return;
  const c = loadChewie(bytes('kordinglab-dad/chewie_demo.mat'));
  assert.deepEqual([c.spikesTrain.rows, c.spikesTrain.cols, c.spikesTest.rows, c.velocityTrain.cols], [1200, 71, 1818, 2]);
  assert.ok(c.spikesTrain.data.every((v) => Number.isInteger(v) && v >= 0));
  assert.ok(c.targetTest.every((v) => v >= 0 && v <= 3));
  const r = loadReach(bytes('centuri-hatsopoulos-reach/Dataset1.mat'));
  assert.deepEqual([r.rates.rows, r.rates.cols], [158, 143]);
  const perDir = Array.from({ length: 8 }, (_, d) => r.direction.filter((x) => x === d).length);
  assert.deepEqual(perDir, [14, 12, 22, 20, 25, 24, 24, 17]); // as the data README lists
  const p = loadPlaceCell(bytes('kramer-eden-case-studies/spikes-1.mat'));
  assert.equal(p.t.length, 177761);
  assert.equal(p.spikeTimes.length, 220);
  assert.ok(Math.abs(p.t[1]! - p.t[0]! - 0.001) < 1e-9);
  assert.ok(p.position.every((x) => x > -1 && x < 101)); // a 100 cm track (min −0.03, max 99.86)
  assert.throws(() => loadChewie(bytes('centuri-hatsopoulos-reach/Dataset1.mat')), (e: Error) => e instanceof FormatError && /^loadChewie: variable 'Ytr': .* has no such variable; it has direction \(158×1 double\), R \(143×158 double\)/.test(e.message));
});
