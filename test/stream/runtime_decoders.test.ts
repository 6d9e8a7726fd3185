// Spike bins and decoder stages: SpikeBinner against an offline histogram of the same spikes;
// Wiener (with 3 bins of history) and Kalman stages streamed over chewie_demo's test bins give
// the offline predictions exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadChewie, type ChewieData } from '../../src/datasets/spikes.js';
import { KalmanFilter } from '../../src/decode/estimators/kalman.js';
import { WienerFilter } from '../../src/decode/estimators/wiener.js';
import { RecurrentDecoder } from '../../src/decode/estimators/neural_decoder.js';
import { BinHistory, KalmanStage, PredictOneStage, SpikeBinner, Timed, WienerStage } from '../../src/stream/runtime/index.js';
import { ArgumentError, ShapeError } from '../../src/errors.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';

const CHEWIE = dataPath('spikes/kordinglab-dad/chewie_demo.mat');
let cache: ChewieData | null = null;
const chewie = (): ChewieData => (cache ??= loadChewie(new Uint8Array(readFileSync(CHEWIE))));

type M = { data: Float64Array; rows: number; cols: number };
/** Offline history features: row t (t >= h−1) = bins t−h+1..t flattened, oldest first. */
function lagged(x: M, h: number): M {
  const n = x.rows - h + 1;
  const out = new Float64Array(n * h * x.cols);
  for (let t = 0; t < n; t++) out.set(x.data.subarray(t * x.cols, (t + h) * x.cols), t * h * x.cols);
  return { data: out, rows: n, cols: h * x.cols };
}
const tail = (m: M, from: number): M => ({ data: m.data.subarray(from * m.cols), rows: m.rows - from, cols: m.cols });

test('spike binner emits the offline histogram of the same spikes, whatever the chunking', () => {
  let s = 7;
  const rnd = () => { s = (s * 1103515245 + 12345) % 2 ** 31; return s / 2 ** 31; };
  const units: number[] = [];
  const times: number[] = [];
  let t = 0.5;
  for (;;) { t += -Math.log(1 - rnd()) / 300; if (t >= 10.5) break; times.push(t); units.push(Math.floor(rnd() * 5)); }
  const w = 0.05, t0 = 0.5, nBins = 200;
  const offline = Array.from({ length: nBins }, () => new Float64Array(5));
  times.forEach((ti, i) => { offline[Math.floor((ti - t0) / w)]![units[i]!]! += 1; });
  for (const chunk of [1, 13, 1000]) {
    const b = new SpikeBinner(5, w, t0);
    const got = [];
    for (let i = 0; i < times.length; i += chunk) got.push(...b.push(units.slice(i, i + chunk), times.slice(i, i + chunk)));
    got.push(...b.advance(10.5));
    assert.equal(got.length, nBins, `chunks of ${chunk}`);
    got.forEach((bin, k) => { assert.equal(bin.index, k); assert.deepEqual(bin.counts, offline[k], `bin ${k}`); });
  }
  const b = new SpikeBinner(2, 0.02);
  b.push([0], [0.1]);
  assert.throws(() => b.push([1], [0.05]), (e) => e instanceof ArgumentError && /0.05 after 0.1/.test(e.message));
  assert.throws(() => b.push([2], [0.2]), ArgumentError);
  assert.throws(() => b.push([0, 1], [0.2]), ShapeError);
  assert.throws(() => b.advance(0.01), ArgumentError);
  assert.throws(() => new SpikeBinner(2, 0), ArgumentError);
  assert.throws(() => new BinHistory(3, 0), ArgumentError);
  assert.throws(() => new BinHistory(3, 2).push([1, 2]), ShapeError);
});

test('Wiener stage over bin history streams chewie test bins to the offline predictions', { skip: skipUnlessData(CHEWIE) }, () => {
  const d = chewie();
  const H = 3;
  const wf = new WienerFilter().fit(lagged(d.spikesTrain, H), tail(d.velocityTrain, H - 1));
  const offline = wf.predict(lagged(d.spikesTest, H));
  const hist = new BinHistory(d.spikesTest.cols, H);
  const stage = new Timed(new WienerStage(wf), { budgetMs: 50 });
  const f = d.spikesTest.cols;
  let k = 0;
  for (let t = 0; t < d.spikesTest.rows; t++) {
    const row = hist.push(d.spikesTest.data.subarray(t * f, (t + 1) * f));
    if (t < H - 1) { assert.equal(row, null); continue; }
    assert.deepEqual(stage.process(row!), offline.data.subarray(k * 2, k * 2 + 2), `bin ${t}`);
    k++;
  }
  assert.equal(k, offline.rows);
  assert.equal(stage.latency.count, offline.rows);
  assert.throws(() => stage.process(new Float64Array(f)), (e) => e instanceof ShapeError && new RegExp(`${H * f} features, got a row of ${f}`).test(e.message));
  assert.throws(() => new WienerStage(new WienerFilter()), ArgumentError);
});

test('Kalman stage streams chewie test bins one at a time to the offline predictions', { skip: skipUnlessData(CHEWIE) }, () => {
  const d = chewie();
  const kf = new KalmanFilter({ center: true }).fit(d.spikesTrain, d.velocityTrain);
  const x0 = d.velocityTest.data.subarray(0, 2);
  const offline = kf.predict(d.spikesTest, { initialState: x0 });
  const stage = new KalmanStage(kf, { initialState: x0 });
  assert.deepEqual(stage.state, offline.data.subarray(0, 2));
  const timed = new Timed(stage, { budgetMs: 50 });
  const f = d.spikesTest.cols;
  for (let t = 1; t < d.spikesTest.rows; t++) {
    assert.deepEqual(timed.process(d.spikesTest.data.subarray(t * f, (t + 1) * f)), offline.data.subarray(t * 2, t * 2 + 2), `bin ${t}`);
  }
  const lat = timed.latency.summary();
  assert.equal(lat.count, d.spikesTest.rows - 1);
  assert.ok(lat.p50 <= lat.p99 && lat.p99 <= lat.max);
  assert.throws(() => timed.process(new Float64Array(f + 1)), ShapeError);
  assert.throws(() => new KalmanStage(new KalmanFilter()), ArgumentError);
});

test('GRU stage (predictOne over bin history) streams chewie test bins to the offline batch predictions', { skip: skipUnlessData(CHEWIE) }, () => {
  const d = chewie();
  const L = 4, f = d.spikesTrain.cols;
  const nTr = 600;
  const seqs = (x: M, n: number) => ({ data: lagged({ data: x.data.subarray(0, n * f), rows: n, cols: f }, L).data, n: n - L + 1, steps: L, features: f });
  const ytr = tail({ data: d.velocityTrain.data.subarray(0, nTr * 2), rows: nTr, cols: 2 }, L - 1);
  const gru = new RecurrentDecoder({ cell: 'gru', hiddenSize: 16, epochs: 2, seed: 3 }).fit(seqs(d.spikesTrain, nTr), ytr);
  const nTe = 300;
  const offline = gru.predict(seqs(d.spikesTest, nTe));
  const hist = new BinHistory(f, L);
  const stage = new Timed(new PredictOneStage(gru), { budgetMs: 50 });
  assert.equal(stage.name, gru.name);
  let k = 0, worst = 0, scale = 0;
  for (let t = 0; t < nTe; t++) {
    const row = hist.push(d.spikesTest.data.subarray(t * f, (t + 1) * f));
    if (!row) continue;
    const y = stage.process(row);
    for (let j = 0; j < 2; j++) { worst = Math.max(worst, Math.abs(y[j]! - offline.data[k * 2 + j]!)); scale = Math.max(scale, Math.abs(offline.data[k * 2 + j]!)); }
    k++;
  }
  assert.equal(k, offline.rows);
  // float32 network: one row at a time vs a batch may round differently, measured 1.2e-7 of the largest output
  assert.ok(scale > 0 && worst <= 1e-6 * scale, `max |streamed − offline| = ${worst} (scale ${scale})`);
  assert.equal(stage.latency.count, offline.rows);
});
