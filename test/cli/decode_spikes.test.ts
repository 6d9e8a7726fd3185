// `dendrite decode spikes` on the real chewie_demo.mat (KordingLab/DAD): ridge with its alpha
// chosen on validation reaches sklearn RidgeCV's R² (and a fixed --alpha 1 Ridge's), the Kalman
// filter decodes the recording with 20 silent and 3 duplicated units as Neural_Decoding's filter
// with pinv does and reports them, every decoder is scored on the same test bins, early stopping
// reports its epoch, results.json holds the bin counts and per-bin predictions (reference values:
// scripts/golden/spike_robust_reference.py); a small generated MAT-file checks transposition,
// the contiguous --test-fraction split and history edge rows; bad inputs fail with typed errors
// that name the option or file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSpikesCli } from '../../src/cli/decode_spikes.js';
import { ArgumentError, FormatError, ShapeError } from '../../src/errors.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';
import { matFile } from '../helpers/mat_file.js';
import { chewie as chewieData, close, corrupt, robust } from '../decode/estimators/golden.js';
import type { Matrix } from '../../src/decode/estimators/types.js';

const chewie = dataPath('spikes/kordinglab-dad/chewie_demo.mat');
const skip = skipUnlessData(chewie);
const quiet = () => undefined;

function withTmp(f: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-decode-spikes-'));
  try {
    f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Column-major values of a row-major matrix (what a MAT-file stores). */
function colMajor(m: Matrix): Float64Array {
  const out = new Float64Array(m.rows * m.cols);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) out[j * m.rows + i] = m.data[i * m.cols + j]!;
  return out;
}

interface ResultsJson {
  config: { decoder: string; params: Record<string, number | boolean> };
  metrics: { r2: number }[];
  nTest: number;
  bins: { trainData: number; testData: number; fit: number; valid: number; refitOnValid: boolean; scoredFrom: number; scoredTo: number; scored: number };
  alphaSelection?: { alpha: number; alphas: number[]; validR2: number[]; fitBins: number; validBins: number };
  kalman?: { droppedUnits: number[]; duplicateUnits: [number, number][]; keptUnits: number; observationRank: number; pseudoInverse: boolean };
  earlyStopping?: { bestEpoch: number; epochsRun: number; patience: number };
  silentUnits: number[];
  predictions: { bin: number[]; truth: number[][]; pred: number[][] };
}
const readResults = (dir: string) => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as ResultsJson;

test('decode spikes: wiener chooses alpha on validation by default (RidgeCV: 316, R² 0.621 / 0.552); --alpha 1 fixes it (0.540 / 0.515)', { skip }, () => {
  withTmp((out) => {
    const lines: string[] = [];
    const w = decodeSpikesCli([chewie, '--decoder', 'wiener', '--out', out], (l) => lines.push(l));
    assert.deepEqual(w.outputs, ['x', 'y']);
    assert.equal(w.config.spikes, 'Ytr');
    assert.equal(w.config.testSpikes, 'Yte');
    const r = robust.ridge_clean;
    close([w.config.params['alpha'] as number], [r.alpha], 1e-15, 'alpha');
    close(w.metrics.map((m) => m.r2), r.r2, 1e-9, 'R² (RidgeCV)');
    close(w.metrics.map((m) => m.pearson), r.pearson, 1e-9, 'Pearson r');
    close(w.metrics.map((m) => m.rmse), r.rmse, 1e-9, 'RMSE');
    assert.ok(lines.some((l) => /^ {2}alpha {4}316\.2, chosen on validation: mean R² 0\.626 on training bins 960–1199 when fitted on the first 960 \(grid 1e-3 … 1e5, 4 per decade\); then refitted on all 1200$/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /^ {2}bins {5}training data 1200, fitted on 1200 \(all of them, after choosing alpha on 240\); test data 1818, scored 1812$/.test(l)), lines.join('\n'));
    assert.match(readFileSync(join(w.dir, 'report.html'), 'utf8'), /316\.2, chosen on validation/);
    const j = readResults(w.dir);
    close([j.config.params['alpha'] as number, j.alphaSelection!.alpha], [r.alpha, r.alpha], 1e-15, 'saved alpha');
    assert.equal(j.config.params['alphaFixed'], false);
    close(j.alphaSelection!.validR2, r.valid_r2, 1e-10, 'saved validation R²');
    assert.deepEqual([j.alphaSelection!.fitBins, j.alphaSelection!.validBins], [960, 240]);
    assert.deepEqual(j.bins, { trainData: 1200, testData: 1818, fit: 1200, valid: 240, refitOnValid: true, scoredFrom: 6, scoredTo: 1818, scored: 1812 });
    // per-bin predictions: test bins 6 … 1817, every 10th of them as RidgeCV predicts
    assert.equal(j.predictions.bin.length, 1812);
    assert.deepEqual([j.predictions.bin[0], j.predictions.bin[1811]], [6, 1817]);
    // the reference keeps bins 0, 10, 20 …; the saved rows of bins 10, 20 … (row i is bin i + 6)
    close(j.predictions.pred.filter((_, i) => (i + 6) % 10 === 0).flat(), r.pred_every_10th.slice(2), 1e-9, 'saved predictions');
    const { Vte } = chewieData();
    assert.deepEqual(j.predictions.truth[0], Array.from(Vte.data.subarray(12, 14)));

    const fixed = decodeSpikesCli([chewie, '--decoder', 'wiener', '--alpha', '1', '--out', out], quiet);
    close(fixed.metrics.map((m) => m.r2), r.alpha1.r2, 1e-9, 'R² (Ridge alpha 1)');
    assert.equal(fixed.nTest, 1812);
    const jf = readResults(fixed.dir);
    assert.equal(jf.alphaSelection, undefined);
    assert.deepEqual([jf.config.params['alpha'], jf.config.params['alphaFixed'], jf.bins.valid], [1, true, 0]);
    assert.ok(fixed.metrics.every((m, k) => m.r2 < w.metrics[k]!.r2 - 0.03));
  });
});

test('decode spikes: kalman on chewie_demo with 20 silent and 3 duplicated units drops and reports them and matches Neural_Decoding with pinv', { skip }, () => {
  withTmp((dir) => {
    const { Str, Ste, Vtr, Vte } = chewieData();
    const Ctr = corrupt(Str), Cte = corrupt(Ste);
    const file = join(dir, 'silent_duplicates.mat');
    const v = (m: Matrix) => ({ dims: [m.rows, m.cols] as [number, number], colMajor: colMajor(m) });
    writeFileSync(file, matFile({ Ytr: v(Ctr), Xtr: v(Vtr), Yte: v(Cte), Xte: v(Vte) }));
    const lines: string[] = [];
    const k = decodeSpikesCli([file, '--decoder', 'kalman', '--out', dir], (l) => lines.push(l));
    const r = robust.kalman_corrupted;
    close(k.metrics.map((m) => m.r2), r.r2, 1e-12, 'R² on bins 6…');
    close(k.metrics.map((m) => m.rmse), r.rmse, 1e-12, 'RMSE');
    assert.ok(k.metrics.every((m) => m.r2 > 0.41));
    const silent = robust.meta.silent;
    assert.deepEqual(k.silentUnits, silent);
    assert.deepEqual(k.kalman, { droppedUnits: silent, duplicateUnits: [[71, 10], [72, 33], [73, 61]], keptUnits: 54, observationRank: 51, pseudoInverse: true });
    assert.ok(lines.some((l) => l === '  kalman   dropped 20 of 74 units silent in the training bins (zero variance): 2, 5, 8, 11, 14, 17, 20, 23, 26, 29, 32 … 59 (0-based columns); 3 duplicate units (71 = 10, 72 = 33, 73 = 61); noise covariance Q has rank 51 for 54 units: pseudo-inverse used'), lines.join('\n'));
    assert.ok(lines.some((l) => l.startsWith('  units    20 of 74 silent (constant) in the training bins: 2, 5, 8')), lines.join('\n'));
    const j = readResults(k.dir);
    assert.deepEqual(j.kalman, k.kalman);
    assert.deepEqual(j.silentUnits, silent);
    close(j.predictions.pred.filter((_, i) => (i + 6) % 10 === 0).flat(), r.pred_every_10th.slice(2), 1e-12, 'saved predictions');
  });
});

test('decode spikes: wiener, cascade, kalman and a 2-epoch GRU are scored on the same test bins (6…1817), and say so', { skip }, () => {
  withTmp((out) => {
    const runs = [['--decoder', 'wiener', '--alpha', '1'], ['--decoder', 'cascade'], ['--decoder', 'kalman'], ['--decoder', 'gru', '--epochs', '2', '--hidden', '8']].map((a) => {
      const lines: string[] = [];
      const res = decodeSpikesCli([chewie, ...a, '--out', out], (l) => lines.push(l));
      return { res, lines };
    });
    const first = runs[0]!.res;
    for (const { res, lines } of runs) {
      assert.equal(res.nTest, 1812, res.config.decoder);
      assert.deepEqual([res.bins.scoredFrom, res.bins.scoredTo, res.scoredBins[0], res.scoredBins.at(-1)], [6, 1818, 6, 1817], res.config.decoder);
      assert.deepEqual(Array.from(res.truth.data), Array.from(first.truth.data), res.config.decoder);
      assert.ok(lines.includes('  scored   test bins 6–1817 (1812 of 1818): those with 6 bins of data before, the longest default history of any decoder, so every decoder is scored on the same bins'), lines.join('\n'));
    }
    // the Kalman filter's R² over these bins is the reference's (its first, unscored estimate is the training mean)
    close(runs[2]!.res.metrics.map((m) => m.r2), robust.kalman_clean.r2, 1e-12, 'kalman R²');
    close(runs[1]!.res.metrics.map((m) => m.r2), robust.cascade_clean.r2, 1e-8, 'cascade R² (alpha on validation)');
    // a longer history raises the window, and says how to compare
    const lines: string[] = [];
    const long = decodeSpikesCli([chewie, '--decoder', 'wiener', '--alpha', '1', '--bins-before', '9', '--out', out], (l) => lines.push(l));
    assert.deepEqual([long.bins.scoredFrom, long.nTest], [9, 1809]);
    assert.ok(lines.some((l) => /scored {3}test bins 9–1817 \(1809 of 1818\): .*score the decoders you compare with the same values/.test(l)), lines.join('\n'));
    const k9 = decodeSpikesCli([chewie, '--decoder', 'kalman', '--score-before', '9', '--out', out], quiet);
    assert.deepEqual(Array.from(k9.truth.data), Array.from(long.truth.data));
    assert.throws(() => decodeSpikesCli([chewie, '--decoder', 'kalman', '--score-before', '1817', '--out', out], quiet), (e: Error) => e instanceof ArgumentError && /the test set has 1818 bins; scoring those with 1817 bins before and 0 after leaves 1 \(at least 2/.test(e.message));
  });
});

test('decode spikes: a 2-epoch GRU smoke run writes results.json and report.html with SVG plots', { skip }, () => {
  withTmp((out) => {
    const lines: string[] = [];
    const g = decodeSpikesCli([chewie, '--decoder', 'gru', '--epochs', '2', '--hidden', '16', '--out', out], (s) => lines.push(s));
    assert.equal(g.config.binsBefore, 6);
    assert.equal(g.nTrain, 1200 - 6);
    assert.equal(g.nTest, 1818 - 6);
    assert.equal(lines.filter((l) => l.startsWith('epoch')).length, 2);
    assert.ok(lines.some((l) => /^x\s+-?\d\.\d{3}\s+-?\d\.\d{3}\s+\d+\.\d{4}$/.test(l)), lines.join('\n'));
    assert.deepEqual(readdirSync(g.dir).sort(), ['config.json', 'metrics.jsonl', 'report.html', 'results.json', 'status.json']);
    const html = readFileSync(join(g.dir, 'report.html'), 'utf8');
    // the two prediction plots and the learning curve, with its axes, after 2 epochs
    assert.equal((html.match(/<svg/g) ?? []).length, 3);
    assert.match(html, /<h3>Learning curves<\/h3>/);
    assert.match(html, /epoch/);
    assert.match(html, /first 500 of 1812 test bins/);
    assert.doesNotMatch(html, /<script|src=|href=/);
    const json = JSON.parse(readFileSync(join(g.dir, 'results.json'), 'utf8')) as { config: { params: { hidden: number; epochs: number } }; fitSeconds: number; curves: { epoch: number; trainLoss: number }[] };
    assert.deepEqual([json.config.params.hidden, json.config.params.epochs], [16, 2]);
    assert.deepEqual(json.curves.map((c) => c.epoch), [1, 2]);
    assert.ok(json.fitSeconds > 0);
    // early stopping: the last 20 % of the training bins validate, every epoch reports its MSE
    const es: string[] = [];
    const d = decodeSpikesCli([chewie, '--decoder', 'dense', '--epochs', '4', '--hidden', '16', '--patience', '1', '--out', out], (s) => es.push(s));
    const epochs = es.filter((l) => l.startsWith('epoch'));
    assert.ok(epochs.length >= 1 && epochs.length <= 4 && epochs.every((l) => /valid MSE \d/.test(l)), epochs.join('\n'));
    // the kept epoch is the one with the lowest validation MSE, printed and saved
    const vm = epochs.map((l) => Number(/valid MSE (\S+)/.exec(l)![1]));
    const best = vm.indexOf(Math.min(...vm)) + 1;
    assert.deepEqual(d.earlyStopping, { bestEpoch: best, epochsRun: epochs.length, patience: 1 });
    assert.ok(es.includes(`  epoch    ${best} chosen (best validation MSE; ${epochs.length} run, patience 1); its weights are kept`), es.join('\n'));
    // true bin counts: 1194 rows keep their history, 955 fit and 239 validate
    assert.ok(es.includes('  bins     training data 1200, fitted on 955, validated on 239; test data 1818, scored 1812'), es.join('\n'));
    assert.ok(es.some((l) => /^fit .* on 955 bins \(239 more validating, early stopping\)/.test(l)), es.join('\n'));
    const dj = readResults(d.dir);
    assert.deepEqual(dj.earlyStopping, d.earlyStopping);
    assert.deepEqual([dj.bins.fit, dj.bins.valid, dj.bins.refitOnValid, dj.bins.scored], [955, 239, false, 1812]);
  });
});

test('decode spikes: a units × bins matrix is transposed; --test-fraction splits contiguously; history edges are dropped', () => {
  withTmp((dir) => {
    // counts (N=4 units, T=200 bins) stored units × bins, target (1, T): y_t = counts_t · w + 2
    const T = 200, N = 4, wts = [0.5, -1, 2, 0.25];
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const counts = Array.from({ length: N * T }, () => Math.floor(rand() * 6)); // column-major (N, T): unit i, bin t at i + N t
    const y = Array.from({ length: T }, (_, t) => 2 + wts.reduce((s, w, i) => s + w * counts[i + N * t]!, 0));
    const file = join(dir, 'synthetic.mat');
    writeFileSync(file, matFile({ spk: { dims: [N, T], colMajor: counts }, pos: { dims: [1, T], colMajor: y } }));
    const r = decodeSpikesCli([file, '--decoder', 'wiener', '--spikes', 'spk', '--target', 'pos', '--alpha', '0', '--bins-before', '2', '--bins-after', '1', '--out', dir], quiet);
    assert.equal(r.units, N);
    assert.deepEqual(r.outputs, ['pos']);
    assert.equal(r.config.testFraction, 0.2);
    assert.equal(r.nTrain, 160 - 3);
    // scored: test bins 6..38 (6 before: the longest default history; 1 after: --bins-after)
    assert.equal(r.nTest, 40 - 6 - 1);
    assert.deepEqual([r.bins.scoredFrom, r.bins.scoredTo], [6, 39]);
    // the scored rows are bins 166..198 of the recording, in order
    for (let i = 0; i < r.nTest; i++) assert.ok(Math.abs(r.truth.data[i]! - y[166 + i]!) < 1e-12);
    assert.ok(r.metrics[0]!.r2 > 0.999999, `R² ${r.metrics[0]!.r2}`);
    assert.throws(() => decodeSpikesCli([file, '--decoder', 'wiener'], quiet), (e: Error) => e instanceof ArgumentError && /give --spikes and --target .*spk \(4×200 double\), pos \(1×200 double\)/.test(e.message));
    assert.throws(() => decodeSpikesCli([file, '--decoder', 'wiener', '--spikes', 'spk', '--target', 'pos', '--test-fraction', '1.5'], quiet), (e: Error) => e instanceof ArgumentError && /--test-fraction must be < 1/.test(e.message));
  });
});

test('decode spikes: unknown decoder, missing variable, mismatched rows and --bins-before for kalman are ArgumentErrors/ShapeErrors', { skip }, () => {
  const run = (...a: string[]) => () => decodeSpikesCli([chewie, ...a], quiet);
  assert.throws(run('--decoder', 'svm'), (e: Error) => e instanceof ArgumentError && /unknown decoder 'svm' for --decoder \(available: wiener, cascade, kalman, rnn, gru, lstm, dense\)/.test(e.message));
  assert.throws(run(), (e: Error) => e instanceof ArgumentError && /--decoder is required/.test(e.message));
  assert.throws(run('--decoder', 'wiener', '--spikes', 'counts', '--target', 'Xtr'), (e: Error) => e instanceof ArgumentError && /--spikes 'counts': .*chewie_demo\.mat has no such variable; it has .*Xtr \(1200×2 double\).*Ytr \(1200×71 double\)/.test(e.message));
  assert.throws(run('--decoder', 'wiener', '--spikes', 'Ytr', '--target', 'Xte'), (e: Error) => e instanceof ShapeError && /--spikes Ytr is 1200×71 and --target Xte is 1818×2; their rows \(time bins\) do not agree/.test(e.message));
  assert.throws(run('--decoder', 'kalman', '--bins-before', '3'), (e: Error) => e instanceof ArgumentError && /--bins-before 3: the Kalman filter uses no spike history/.test(e.message));
  assert.throws(run('--decoder', 'wiener', '--hidden', '10'), (e: Error) => e instanceof ArgumentError && /--hidden applies to rnn\/gru\/lstm\/dense, not to --decoder wiener/.test(e.message));
  assert.throws(run('--decoder', 'gru', '--epochs', '1.5'), (e: Error) => e instanceof ArgumentError && /--epochs must be an integer, got '1.5'/.test(e.message));
  assert.throws(run('--decoder', 'wiener', '--patience', '3'), (e: Error) => e instanceof ArgumentError && /--patience applies to rnn\/gru\/lstm\/dense/.test(e.message));
  assert.throws(run('--decoder', 'wiener', '--test-spikes', 'Yte'), (e: Error) => e instanceof ArgumentError && /--test-spikes and --test-target go together/.test(e.message));
});

test('decode spikes: a text file, a v7.3 (HDF5) MAT-file and an NWB file give FormatErrors naming the file', () => {
  withTmp((dir) => {
    const text = join(dir, 'notes.mat');
    writeFileSync(text, 'these are not spike counts\n'.repeat(10));
    assert.throws(() => decodeSpikesCli([text, '--decoder', 'wiener'], quiet), (e: Error) => e instanceof FormatError && e.message.startsWith(`${text}: not a Level 5 MAT-file`));
    const hdf5Sig = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
    const v73 = new Uint8Array(1024);
    v73.set(new TextEncoder().encode('MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Mon Jan  1 00:00:00 2024 HDF5 schema 1.00 .'));
    v73.set(hdf5Sig, 512);
    const v73File = join(dir, 'big.mat');
    writeFileSync(v73File, v73);
    assert.throws(() => decodeSpikesCli([v73File, '--decoder', 'wiener'], quiet), (e: Error) => e instanceof FormatError && e.message.startsWith(`${v73File}: MAT-file v7.3`) && /HDF5/.test(e.message));
    const nwb = new Uint8Array(1024);
    nwb.set(hdf5Sig, 0);
    const nwbFile = join(dir, 'session.nwb');
    writeFileSync(nwbFile, nwb);
    assert.throws(() => decodeSpikesCli([nwbFile, '--decoder', 'kalman'], quiet), (e: Error) => e instanceof FormatError && e.message.startsWith(`${nwbFile}: an NWB file, which is HDF5: HDF5 is not yet read`));
    assert.throws(() => decodeSpikesCli([join(dir, 'absent.mat'), '--decoder', 'wiener'], quiet), (e: Error) => (e as NodeJS.ErrnoException).code === 'ENOENT' && e.message.includes('absent.mat'));
  });
});
