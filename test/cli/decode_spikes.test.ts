// `dendrite decode spikes` on the real chewie_demo.mat (KordingLab/DAD): ridge (alpha 1) reaches
// sklearn Ridge's R² on Ytr→Xtr / Yte→Xte, a 2-epoch GRU smoke run writes its results and report,
// Kalman runs; a small generated MAT-file checks transposition, the contiguous --test-fraction
// split and history edge rows; bad inputs fail with typed errors that name the option or file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeSpikesCli } from '../../src/cli/decode_spikes.js';
import { ArgumentError, FormatError, ShapeError } from '../../src/errors.js';

const chewie = resolve(process.env['DENDRITE_DATA'] ?? '../shared/data', 'spikes/kordinglab-dad/chewie_demo.mat');
const skip = existsSync(chewie) ? false : `chewie_demo.mat not found at ${chewie}`;
const quiet = () => undefined;

function withTmp(f: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-decode-spikes-'));
  try {
    f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A minimal uncompressed Level 5 MAT-file of real double matrices, given column-major. */
function matFile(vars: Record<string, { dims: [number, number]; colMajor: ArrayLike<number> }>): Uint8Array {
  const parts: Uint8Array[] = [];
  const head = new Uint8Array(128).fill(0x20);
  head.set(new TextEncoder().encode('MATLAB 5.0 MAT-file, written by the dendrite decode spikes test'));
  head.fill(0, 116, 124);
  new DataView(head.buffer).setUint16(124, 0x0100, true);
  head[126] = 0x49; // 'I'
  head[127] = 0x4d; // 'M'
  parts.push(head);
  const pad8 = (n: number) => (n + 7) & ~7;
  for (const [name, { dims, colMajor }] of Object.entries(vars)) {
    const nameLen = name.length;
    const body = 16 + 16 + 8 + pad8(nameLen) + 8 + colMajor.length * 8;
    const b = new Uint8Array(8 + body);
    const v = new DataView(b.buffer);
    let o = 0;
    const u32 = (x: number) => { v.setUint32(o, x, true); o += 4; };
    u32(14); u32(body); // miMATRIX
    u32(6); u32(8); u32(6); u32(0); // array flags: miUINT32, class mxDOUBLE_CLASS
    u32(5); u32(8); v.setInt32(o, dims[0], true); v.setInt32(o + 4, dims[1], true); o += 8; // dims: miINT32
    u32(1); u32(nameLen); b.set(new TextEncoder().encode(name), o); o += pad8(nameLen); // name: miINT8
    u32(9); u32(colMajor.length * 8); // real part: miDOUBLE
    for (let i = 0; i < colMajor.length; i++) { v.setFloat64(o, colMajor[i]!, true); o += 8; }
    parts.push(b);
  }
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

test('decode spikes: ridge (alpha 1) on chewie_demo gives sklearn Ridge R² 0.540 / 0.507; kalman runs', { skip }, () => {
  withTmp((out) => {
    const w = decodeSpikesCli([chewie, '--decoder', 'wiener', '--alpha', '1', '--out', out], quiet);
    assert.deepEqual(w.outputs, ['x', 'y']);
    assert.equal(w.config.spikes, 'Ytr');
    assert.equal(w.config.testSpikes, 'Yte');
    assert.equal(w.nTrain, 1200);
    assert.equal(w.nTest, 1818);
    assert.ok(Math.abs(w.metrics[0]!.r2 - 0.540) <= 0.002 && Math.abs(w.metrics[1]!.r2 - 0.507) <= 0.002, `R² ${w.metrics.map((m) => m.r2)}`);
    assert.ok(w.metrics.every((m) => m.pearson > 0.7 && m.rmse > 0), JSON.stringify(w.metrics));
    assert.ok(w.fitSeconds > 0 && w.latencyUs > 0 && w.latencyCalls >= 50);
    const k = decodeSpikesCli([chewie, '--decoder', 'kalman', '--out', out], quiet);
    assert.equal(k.nTest, 1818);
    assert.ok(k.metrics.every((m) => m.r2 > 0.3 && m.pearson > 0.7), `kalman ${JSON.stringify(k.metrics)}`);
    const json = JSON.parse(readFileSync(join(k.dir, 'results.json'), 'utf8')) as { config: { decoder: string }; metrics: unknown[]; latencyUs: number };
    assert.equal(json.config.decoder, 'kalman');
    assert.equal(json.metrics.length, 2);
    assert.equal(readdirSync(out).length, 2);
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
    assert.deepEqual(readdirSync(g.dir).sort(), ['report.html', 'results.json']);
    const html = readFileSync(join(g.dir, 'report.html'), 'utf8');
    assert.equal((html.match(/<svg/g) ?? []).length, 2);
    assert.match(html, /first 500 of 1812 test bins/);
    assert.doesNotMatch(html, /<script|src=|href=/);
    const json = JSON.parse(readFileSync(join(g.dir, 'results.json'), 'utf8')) as { config: { params: { hidden: number; epochs: number } }; fitSeconds: number };
    assert.deepEqual([json.config.params.hidden, json.config.params.epochs], [16, 2]);
    assert.ok(json.fitSeconds > 0);
    // early stopping: the last 20 % of the training bins validate, every epoch reports its MSE
    const es: string[] = [];
    decodeSpikesCli([chewie, '--decoder', 'dense', '--epochs', '3', '--hidden', '16', '--patience', '1', '--out', out], (s) => es.push(s));
    const epochs = es.filter((l) => l.startsWith('epoch'));
    assert.ok(epochs.length >= 1 && epochs.length <= 3 && epochs.every((l) => /valid MSE \d/.test(l)), epochs.join('\n'));
    assert.ok(es.some((l) => /the last 20 % validating/.test(l)));
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
    assert.equal(r.nTest, 40 - 3);
    // the test rows are bins 162..198 of the recording, in order
    for (let i = 0; i < r.nTest; i++) assert.ok(Math.abs(r.truth.data[i]! - y[162 + i]!) < 1e-12);
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
