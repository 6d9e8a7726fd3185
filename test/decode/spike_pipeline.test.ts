// The decode spikes pipeline without the CLI: option defaults and checks, HDF5 refusal, the plan
// (variables oriented, contiguous test split, history edge rows, scored bins), and a run from
// bytes whose ridge fit recovers a linear synthetic recording exactly, with results.json's
// contents and the report's settings rows built from the result alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, FormatError } from '../../src/errors.js';
import {
  fitSpikeDecoding, planSpikeDecoding, readSpikeMat, resolveSpikeSettings, runSpikeDecoding, spikeReport, spikeResultsJson, type SpikeEpoch,
} from '../../src/decode/spike_pipeline.js';
import { spikeReportHtml } from '../../src/report/spike_report.js';
import { matFile } from '../helpers/mat_file.js';

// counts (N=4 units, T=200 bins) stored units × bins, target (1, T): y_t = counts_t · w + 2
const T = 200, N = 4, wts = [0.5, -1, 2, 0.25];
let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const counts = Array.from({ length: N * T }, () => Math.floor(rand() * 6)); // column-major (N, T)
const y = Array.from({ length: T }, (_, t) => 2 + wts.reduce((s, w, i) => s + w * counts[i + N * t]!, 0));
const bytes = matFile({ spk: { dims: [N, T], colMajor: counts }, pos: { dims: [1, T], colMajor: y } });

test('resolveSpikeSettings: defaults per decoder, results.json parameter order, typed errors', () => {
  const w = resolveSpikeSettings({ decoder: 'wiener' });
  assert.deepEqual([w.binsBefore, w.binsAfter, w.scoreBefore, w.scoreAfter], [0, 0, 6, 0]);
  assert.deepEqual(Object.keys(w.params), ['alpha', 'alphaFixed']);
  assert.ok(Number.isNaN(w.params['alpha']) && w.params['alphaFixed'] === false);
  const l = resolveSpikeSettings({ decoder: 'lstm', patience: 2 });
  assert.equal(l.binsBefore, 6);
  assert.deepEqual(l.params, { hidden: 100, epochs: 10, lr: 1e-3, dropout: 0.25, batchSize: 32, seed: 0, patience: 2 });
  assert.deepEqual(Object.keys(l.params), ['hidden', 'epochs', 'lr', 'dropout', 'batchSize', 'seed', 'patience']);
  assert.deepEqual(resolveSpikeSettings({ decoder: 'cascade', alpha: 1 }).params, { alpha: 1, alphaFixed: true, degree: 3 });
  assert.deepEqual(resolveSpikeSettings({ decoder: 'kalman' }).params, { center: true });
  const bad: [Parameters<typeof resolveSpikeSettings>[0], RegExp][] = [
    [{ decoder: 'kalman', binsBefore: 2 }, /--bins-before 2: the Kalman filter uses no spike history/],
    [{ decoder: 'dense', hidden: 0 }, /^decode spikes: --hidden must be an integer >= 1, got 0$/],
    [{ decoder: 'gru', dropout: 1 }, /^decode spikes: --dropout must be a finite number >= 0 < 1, got 1$/],
    [{ decoder: 'wiener', binsBefore: 1.5 }, /--bins-before must be an integer >= 0, got 1.5/],
    [{ decoder: 'wiener', testFraction: Number.NaN }, /--test-fraction must be a finite number > 0 < 1, got NaN/],
    [{ decoder: 'svm' as 'wiener' }, /unknown decoder 'svm' for --decoder/],
  ];
  for (const [o, re] of bad) assert.throws(() => resolveSpikeSettings(o), (e: Error) => e instanceof ArgumentError && re.test(e.message), JSON.stringify(o));
});

test('readSpikeMat: HDF5 and NWB bytes are FormatErrors naming the file', () => {
  const hdf5 = Uint8Array.of(0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0);
  assert.throws(() => readSpikeMat(hdf5, 'rec.h5'), (e: Error) => e instanceof FormatError && e.message.startsWith('rec.h5: an HDF5 file: HDF5 is not yet read'));
  assert.throws(() => readSpikeMat(bytes, 'session.NWB'), (e: Error) => e instanceof FormatError && e.message.startsWith('session.NWB: an NWB file, which is HDF5'));
  assert.deepEqual(Object.keys(readSpikeMat(bytes, 'synthetic.mat')), ['spk', 'pos']);
});

test('planSpikeDecoding: transposes to bins × units, splits the last 20 % off, drops history edges, fixes the scored bins', () => {
  const vars = readSpikeMat(bytes, 'synthetic.mat');
  const p = planSpikeDecoding(vars, 'synthetic.mat', resolveSpikeSettings({ decoder: 'wiener', spikes: 'spk', target: 'pos', binsBefore: 2, binsAfter: 1 }));
  assert.deepEqual([p.trS.rows, p.trS.cols, p.teS.rows, p.trY.cols], [160, 4, 40, 1]);
  // bin t of the training counts is column t of the stored (N, T) matrix
  for (let t = 0; t < 160; t += 37) for (let i = 0; i < N; i++) assert.equal(p.trS.data[t * N + i], counts[i + N * t]);
  assert.equal(p.teY.data[0], y[160]);
  assert.deepEqual([p.tr.n, p.te.n, p.tr.dropped, p.te.dropped], [157, 37, 3, 3]);
  // flattened history: (2 + 1 + 1) bins × 4 units per row
  assert.equal(p.tr.matrix!.cols, 16);
  assert.deepEqual([p.scoredFrom, p.scoredTo, p.teFirst], [6, 39, 2]);
  assert.equal(p.config.testFraction, 0.2);
  assert.deepEqual(p.outputs, ['pos']);
  assert.deepEqual(p.settingsRows.map(([k]) => k), ['file', 'decoder', 'train', 'test', 'history', 'scored']);
  assert.equal(p.settingsRows[2]![1], 'spk → pos: 160 bins × 4 units → 1 output (pos), first 160 of 200 bins');
  // without --spikes/--target and no Ytr/Xtr, the message lists the file's variables
  assert.throws(() => planSpikeDecoding(vars, 'synthetic.mat', resolveSpikeSettings({ decoder: 'wiener' })), (e: Error) => e instanceof ArgumentError && /give --spikes and --target \(variable names in synthetic\.mat; it has spk \(4×200 double\), pos \(1×200 double\)\)/.test(e.message));
});

test('runSpikeDecoding: a run from bytes recovers y = counts · w + 2; results.json contents and report rows come from the result', () => {
  const r = runSpikeDecoding(bytes, 'synthetic.mat', { decoder: 'wiener', spikes: 'spk', target: 'pos', alpha: 0 });
  assert.equal(r.nTest, 34); // test bins 6..39 of 40
  for (let i = 0; i < r.nTest; i++) assert.ok(Math.abs(r.truth.data[i]! - y[166 + i]!) < 1e-12);
  for (let i = 0; i < r.nTest; i++) assert.ok(Math.abs(r.pred.data[i]! - r.truth.data[i]!) < 1e-9, `bin ${166 + i}`);
  assert.ok(r.metrics[0]!.r2 > 1 - 1e-12, `R² ${r.metrics[0]!.r2}`);
  assert.ok(r.latencyUs > 0 && r.fitSeconds >= 0);
  const json = spikeResultsJson(r);
  assert.deepEqual(Object.keys(json), ['config', 'units', 'silentUnits', 'outputs', 'nTrain', 'nTest', 'bins', 'metrics', 'fitSeconds', 'latencyUs', 'latency', 'predictions']);
  assert.equal(json['latency'], 'single-sample predict, median of 101 calls after 20 warm-up calls');
  const pred = json['predictions'] as { bin: number[]; truth: number[][] };
  assert.deepEqual([pred.bin[0], pred.bin.at(-1), pred.truth[0]], [6, 39, [y[166]]]);
  // the report's settings: the plan's rows, then what fitting added (here the bin counts)
  const rep = spikeReport(r);
  assert.deepEqual(rep.settings.map(([k]) => k), ['file', 'decoder', 'train', 'test', 'history', 'scored', 'bins']);
  assert.deepEqual(r.fitLines, [['bins', 'training data 160, fitted on 160; test data 40, scored 34']]);
  assert.match(spikeReportHtml(rep), /<h3>pos: R² 1\.000, r 1\.000<\/h3>/);
});

test('fitSpikeDecoding: a network reports each epoch to onEpoch and keeps the curves', () => {
  const plan = planSpikeDecoding(readSpikeMat(bytes, 'synthetic.mat'), 'synthetic.mat', resolveSpikeSettings({ decoder: 'dense', spikes: 'spk', target: 'pos', epochs: 3, hidden: 4, patience: 5 }));
  const seen: SpikeEpoch[] = [];
  const r = fitSpikeDecoding(plan, (e) => seen.push(e));
  assert.deepEqual(seen.map((e) => e.epoch), [1, 2, 3]);
  assert.ok(seen.every((e) => Number.isFinite(e.trainLoss) && e.validLoss !== null && Number.isFinite(e.validLoss)));
  assert.deepEqual(r.curves, seen);
  assert.deepEqual([r.bins.fit, r.bins.valid, r.bins.refitOnValid], [123, 31, false]); // 154 rows keep 6 bins of history; round(0.8 · 154) fit, the rest validate
  assert.equal(r.earlyStopping!.epochsRun, 3);
  assert.deepEqual(Object.keys(spikeResultsJson(r)).slice(7, 9), ['earlyStopping', 'curves']);
});
