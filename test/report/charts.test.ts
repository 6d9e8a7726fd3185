// Charts have axes (ticks with labels, axis titles), draw a single point, and PNG filters decode
// back to the weights they show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unzlibSync } from 'fflate';
import { niceTicks, lineChart, encodeGrayPng, weightImages, base64, confusionSvg, trainingReportHtml } from '../../src/report/index.js';
import { htmlReport } from '../../src/report/decode_report.js';
import { spikeReportHtml } from '../../src/report/spike_report.js';

const texts = (svg: string, cls: string) => {
  const g = new RegExp(`<g class="${cls}"[^>]*>(.*?)</g>`).exec(svg)?.[1] ?? '';
  return [...g.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
};

test('niceTicks: steps of 1, 2 or 5 × 10^k covering the range', () => {
  assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(0.13, 2.31, 5), [0, 0.5, 1, 1.5, 2, 2.5]);
  assert.deepEqual(niceTicks(1, 10, 5), [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(niceTicks(3, 3, 4), [2.6, 2.8, 3, 3.2, 3.4]);
  assert.deepEqual(niceTicks(-0.0042, 0.0131, 4), [-0.005, 0, 0.005, 0.01, 0.015]);
});

test('lineChart: x and y axes with tick labels and titles', () => {
  const svg = lineChart({ series: [{ name: 'train loss', color: '#d33', points: [[1, 2.3], [2, 0.9], [3, 0.41], [4, 0.2]] }], xLabel: 'epoch', yLabel: 'loss', xIntegers: true });
  assert.deepEqual(texts(svg, 'x-axis'), ['1', '2', '3', '4']);
  assert.deepEqual(texts(svg, 'y-axis'), ['0', '0.5', '1.0', '1.5', '2.0', '2.5']);
  assert.match(svg, /<text class="x-label"[^>]*>epoch<\/text>/);
  assert.match(svg, /<text class="y-label"[^>]*>loss<\/text>/);
  assert.equal((svg.match(/<polyline/g) ?? []).length, 1);
});

test('lineChart draws a one-point series (one epoch) as a marker inside the plot', () => {
  const svg = lineChart({ series: [{ name: 'train loss', color: '#d33', points: [[1, 0.7]] }], xLabel: 'epoch', yLabel: 'loss', xIntegers: true });
  const c = /<circle cx="([\d.]+)" cy="([\d.]+)"/.exec(svg);
  assert.ok(c, 'a marker for the single point');
  const [x, y] = [Number(c[1]), Number(c[2])];
  const rect = /<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)"/.exec(svg)!.slice(1).map(Number);
  assert.ok(x > rect[0]! && x < rect[0]! + rect[2]! && y > rect[1]! && y < rect[1]! + rect[3]!, `marker (${x}, ${y}) outside the plot ${rect}`);
  assert.deepEqual(texts(svg, 'x-axis'), ['0', '1', '2']);
  assert.ok(texts(svg, 'y-axis').length >= 3);
});

test('decode reports: learning curves have axes and are not blank after one epoch', () => {
  const fold = { name: 'test', model: 'shallow', accuracy: 0.6, chance: 0.5, confusion: [[4, 3], [3, 5]], classNames: ['hands', 'feet'], curves: [{ epoch: 1, trainLoss: 0.69, trainAccuracy: 0.55, validLoss: null, validAccuracy: null }] };
  const html = htmlReport('EEG decoding', [fold]);
  const curves = /<div class="row curves">(.*?)<\/div>/.exec(html)?.[1] ?? '';
  const svgs = curves.split('</svg>').filter((s) => s.includes('<svg'));
  assert.equal(svgs.length, 2, 'a loss chart and an accuracy chart');
  for (const svg of svgs) {
    assert.ok(/<circle /.test(svg), 'the one epoch is drawn');
    assert.ok(texts(svg, 'x-axis').includes('1'), 'epoch tick 1');
    assert.ok(texts(svg, 'y-axis').length >= 3, 'y tick labels');
    assert.match(svg, /class="x-label"[^>]*>epoch</);
  }
  assert.deepEqual(texts(svgs[1]!, 'y-axis'), ['0 %', '20 %', '40 %', '60 %', '80 %', '100 %']);

  const truth = { rows: 1, cols: 1, data: Float64Array.of(0.5) };
  const pred = { rows: 1, cols: 1, data: Float64Array.of(0.4) };
  const spike = spikeReportHtml({ title: 'spikes', settings: [['decoder', 'gru']], outputs: [{ name: 'x', r2: 0, pearson: 0, rmse: 0.1 }], truth, pred, fitSeconds: 1, latencyUs: 5, curves: [{ epoch: 1, trainLoss: 0.3, validLoss: 0.4 }] });
  const svgsS = spike.split('</svg>').filter((s) => s.includes('<svg'));
  assert.equal(svgsS.length, 2, 'the loss curve and the one trajectory');
  for (const svg of svgsS) {
    assert.ok((svg.match(/<circle /g) ?? []).length >= 2, 'both series drawn with one point each');
    assert.ok(texts(svg, 'y-axis').length >= 3 && texts(svg, 'x-axis').length >= 1);
  }
});

test('PNG: valid chunks, and the pixels decode back to the weights scaled about zero', () => {
  const gray = Uint8Array.from({ length: 15 }, (_, i) => i * 17);
  const png = encodeGrayPng(5, 3, gray);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const dv = new DataView(png.buffer);
  assert.equal(String.fromCharCode(...png.subarray(12, 16)), 'IHDR');
  assert.equal(dv.getUint32(16), 5);
  assert.equal(dv.getUint32(20), 3);
  assert.equal(png[24], 8);
  assert.equal(png[25], 0);
  assert.equal(dv.getUint32(29), 0x7e5d9a24, 'IHDR CRC (zlib.crc32 of the chunk type and data)');
  const idatLen = dv.getUint32(33);
  assert.equal(String.fromCharCode(...png.subarray(37, 41)), 'IDAT');
  const raw = unzlibSync(png.subarray(41, 41 + idatLen));
  assert.equal(raw.length, 3 * 6);
  for (let r = 0; r < 3; r++) {
    assert.equal(raw[r * 6], 0);
    assert.deepEqual([...raw.subarray(r * 6 + 1, r * 6 + 6)], [...gray.subarray(r * 5, r * 5 + 5)]);
  }
  assert.equal(base64(Uint8Array.of(0x4d, 0x61, 0x6e, 0x4d)), 'TWFuTQ==');
  assert.equal(Buffer.from(base64(png), 'base64').compare(Buffer.from(png)), 0);

  const w = [0, 0.5, -1, 0.25, 2, -2, 1, 0]; // two 2×2 filters
  const ims = weightImages(w, 2, 2, 2);
  assert.deepEqual(ims.map((i) => [i.min, i.max]), [[-1, 0.5], [-2, 2]]);
  const pix = (uri: string) => {
    const b = new Uint8Array(Buffer.from(uri.replace('data:image/png;base64,', ''), 'base64'));
    const d = unzlibSync(b.subarray(41, 41 + new DataView(b.buffer).getUint32(33)));
    return [d[1], d[2], d[4], d[5]];
  };
  assert.deepEqual(pix(ims[0]!.uri), [128, 191, 0, 159]); // 127.5 + 127.5 * w / max|w|
  assert.deepEqual(pix(ims[1]!.uri), [255, 0, 191, 128]);
});

test('confusion matrix and training report: counts, axes, filters', () => {
  const conf = [[5, 1], [2, 7]];
  const svg = confusionSvg(conf, ['a', 'b']);
  assert.deepEqual([...svg.matchAll(/<text class="count"[^>]*>(\d+)</g)].map((m) => Number(m[1])), [5, 1, 2, 7]);
  const html = trainingReportHtml({
    title: 'LeNet on MNIST', settings: [['data', 'x']],
    epochs: [{ epoch: 1, lr: 1e-3, trainLoss: 0.5, trainAccuracy: 0.8, testLoss: 0.3, testAccuracy: 0.9 }],
    confusion: conf, classNames: ['a', 'b'],
    filters: { name: 'conv1', weights: Array.from({ length: 6 * 25 }, (_, i) => Math.sin(i)), count: 6, h: 5, w: 5 },
  });
  assert.equal((html.match(/<img class="filter" src="data:image\/png;base64,/g) ?? []).length, 6);
  assert.match(html, /Confusion matrix \(test set, 15 images/);
  assert.ok(!/(src|href)="(https?:)?\/\//.test(html), 'no external assets');
  assert.ok(!/<script/.test(html));
});
