// `dendrite decode spikes`: decode movement or position from binned spike counts in a MATLAB
// .mat file. Reads a counts matrix (bins × units) and a kinematics matrix (bins × D), builds spike
// history where the decoder uses it, fits the chosen decoder on the training bins, predicts the
// test bins, prints the settings and a metric table per output dimension, and writes
// results.json and a self-contained report.html (true vs predicted trajectories as inline SVG).
//   counts: (T, N)  T=time bins, N=units      kinematics: (T, D)  D=output dimensions
//   history: (T, L, N), L = binsBefore + binsAfter + 1 (the current bin is always included)

import { mkdirSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { ArgumentError, FormatError, ShapeError } from '../errors.js';
import { readMat, permuteToRowMajor, sparseToDense, toFloat64, toRowMajor, type MatLogical, type MatNumeric, type MatValue } from '../io/mat/index.js';
import { readBytes, writeFileAtomic } from '../node/fs.js';
import { flattenHistory, historyValidRange, spikesWithHistory } from '../neuro/spikes/history.js';
import { DenseDecoder, KalmanFilter, RecurrentDecoder, WienerCascade, WienerFilter, type Matrix, type Sequences } from '../models/decoders/index.js';
import { pearsonR, r2Score, rmse } from '../decode/regression_metrics.js';
import { spikeReportHtml } from '../decode/spike_report.js';
import { parseCommandLine, parseNumber, type NumberCheck } from './args.js';
import { checkOutDir } from './out_dir.js';

export const SPIKE_DECODERS = ['wiener', 'cascade', 'kalman', 'rnn', 'gru', 'lstm', 'dense'] as const;
export type SpikeDecoderName = (typeof SPIKE_DECODERS)[number];
const DEEP: readonly SpikeDecoderName[] = ['rnn', 'gru', 'lstm', 'dense'];

export const DECODE_SPIKES_HELP = `usage: dendrite decode spikes FILE.mat --decoder ${SPIKE_DECODERS.join('|')} [options]

Decodes kinematics (bins × D) from binned spike counts (bins × units) in a MATLAB v5/v7 .mat file,
prints R², Pearson r and RMSE per output dimension, the fit time and the per-bin prediction
latency, and writes <out>/<time>/results.json and report.html (true vs predicted test trajectories).
Rows are time bins; a matrix stored the other way round (units × bins) is transposed when that
makes the row counts of counts and kinematics agree.

data:
  --spikes VAR         spike counts variable (default Ytr when the file has Ytr and Xtr)
  --target VAR         kinematics variable (default Xtr, with Ytr)
  --test-spikes VAR    separate test set: counts ...
  --test-target VAR    ... and kinematics (default Yte and Xte when present)
  --test-fraction F    otherwise the last F of the bins, contiguous in time, are the test set
                       (default 0.2; giving it also overrides Yte/Xte)
  --bins-before N      bins of spike history before the current bin (default 0 for
                       wiener/cascade, 6 for rnn/gru/lstm/dense; kalman uses none)
  --bins-after N       bins after the current bin (default 0); rows whose history leaves the
                       data are dropped from training and test sets

decoders:
  wiener               linear regression on the (flattened) history, ridge penalty --alpha
  cascade              Wiener filter + per-output polynomial of --degree
  kalman               Kalman filter (centred neural data and kinematics; starts at the
                       training mean, no test labels used)
  rnn | gru | lstm     recurrent network over the history bins, linear readout
  dense                feed-forward network over the flattened history

options:
  --alpha A            ridge penalty for wiener/cascade (default 1)
  --degree N           cascade polynomial degree (default 3)
  --hidden N           hidden units of rnn/gru/lstm/dense (default 100)
  --epochs N           training epochs (default 10; the maximum with --patience)
  --patience N         early stopping: the last 20 % of the training bins (contiguous) become a
                       validation block; stop when its MSE has not improved for N epochs and
                       keep the best epoch's weights (rnn/gru/lstm/dense)
  --lr X               Adam learning rate (default 0.001)
  --dropout P          dropout before the readout (default 0.25)
  --batch-size N       training batch size (default 32)
  --seed N             random seed (default 0)
  --out DIR            where <time>/results.json and report.html go (default ./reports)
`;

/** Everything that decided the run, as written to results.json. */
export interface SpikeDecodeConfig {
  file: string;
  decoder: SpikeDecoderName;
  spikes: string;
  target: string;
  /** Test variables, or null when the test set is the last `testFraction` of the bins. */
  testSpikes: string | null;
  testTarget: string | null;
  testFraction: number | null;
  binsBefore: number;
  binsAfter: number;
  /** Decoder hyperparameters (alpha, degree, hidden, epochs, lr, dropout, batchSize, seed, center). */
  params: Record<string, number | boolean>;
}

export interface SpikeDecodeMetric {
  output: string;
  r2: number;
  pearson: number;
  rmse: number;
}

export interface SpikeDecodeResult {
  config: SpikeDecodeConfig;
  /** Output dimension names: x, y (, z), the target name for one column, else column indices. */
  outputs: string[];
  metrics: SpikeDecodeMetric[];
  /** Units (columns of the counts). */
  units: number;
  /** Rows used after dropping history edge rows. */
  nTrain: number;
  nTest: number;
  fitSeconds: number;
  /** Median µs of predicting one sample (Kalman: one filter step), after warm-up. */
  latencyUs: number;
  latencyCalls: number;
  /** Test targets and predictions (nTest, D). */
  truth: Matrix;
  pred: Matrix;
  /** The run folder holding results.json and report.html. */
  dir: string;
}

const op = 'decode spikes';
const LATENCY_WARMUP = 20;
const LATENCY_CALLS = 101;
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

// ---------------------------------------------------------------------------------------------
// options

type Values = Record<string, string | boolean | undefined>;

function str(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

function num(values: Values, name: string, def: number, check: NumberCheck = {}): number {
  const raw = str(values, name);
  return raw === undefined ? def : parseNumber(op, name, raw, check);
}

// ---------------------------------------------------------------------------------------------
// variables

/** A row-major (rows, cols) float64 matrix read from the file, with its variable name. */
interface Var extends Matrix {
  name: string;
}

function shapeText(v: MatValue): string {
  return `${v.dims.join('×')} ${v.class === 'sparse' ? 'sparse' : v.class}`;
}

/** "Ytr (1200×71 uint8), Xtr (1200×2 double), ..." */
function listVars(vars: Record<string, MatValue>): string {
  const names = Object.keys(vars).filter((n) => !n.startsWith('__'));
  return names.length ? names.map((n) => `${n} (${shapeText(vars[n]!)})`).join(', ') : 'no variables';
}

function getVar(vars: Record<string, MatValue>, name: string, option: string, file: string): Var {
  const v = vars[name];
  if (!v) throw new ArgumentError(`${op}: --${option} '${name}': ${file} has no such variable; it has ${listVars(vars)}`);
  let rowMajor: Float64Array;
  const dims = v.dims;
  if (v.class === 'sparse') {
    const d = sparseToDense(v);
    rowMajor = permuteToRowMajor(d.data, d.dims);
  } else if (v.class === 'logical' || (v.class !== 'char' && 'storage' in v)) {
    if ('imag' in v && v.imag) throw new ArgumentError(`${op}: --${option} '${name}' in ${file} is complex; expected real counts or kinematics`);
    rowMajor = toFloat64(toRowMajor(v as MatNumeric | MatLogical).data);
  } else {
    throw new ArgumentError(`${op}: --${option} '${name}' in ${file} is a ${v.class} (${shapeText(v)}), not a numeric matrix; the file has ${listVars(vars)}`);
  }
  const nonSingleton = dims.filter((d) => d !== 1);
  if (dims.length > 2 && nonSingleton.length > 2) throw new ArgumentError(`${op}: --${option} '${name}' in ${file} is ${dims.join('×')}; expected a matrix (bins × columns)`);
  const rows = dims.length > 2 ? (nonSingleton[0] ?? 1) : dims[0]!;
  const cols = dims.length > 2 ? (nonSingleton[1] ?? 1) : dims[1]!;
  if (rows * cols === 0) throw new ArgumentError(`${op}: --${option} '${name}' in ${file} is empty (${dims.join('×')})`);
  return { name, data: rowMajor, rows, cols };
}

function transpose(v: Var): Var {
  const { rows: r, cols: c, data } = v;
  const t = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) t[j * r + i] = data[i * c + j]!;
  return { name: v.name, data: t, rows: c, cols: r };
}

/**
 * Orients a (counts, kinematics) pair so that rows are time bins: as stored, else with either or
 * both transposed, the first layout whose row counts agree (and, for a test set, whose column
 * counts match the training set's units and outputs).
 */
function orient(s: Var, t: Var, sOpt: string, tOpt: string, file: string, want?: { units: number; dims: number }): [Var, Var] {
  const cands: [Var, Var][] = [[s, t], [transpose(s), t], [s, transpose(t)], [transpose(s), transpose(t)]];
  for (const [a, b] of cands) {
    if (a.rows !== b.rows) continue;
    if (want && (a.cols !== want.units || b.cols !== want.dims)) continue;
    return [a, b];
  }
  const shapes = `--${sOpt} ${s.name} is ${s.rows}×${s.cols} and --${tOpt} ${t.name} is ${t.rows}×${t.cols}`;
  if (want && cands.some(([a, b]) => a.rows === b.rows)) {
    throw new ShapeError(`${op}: ${file}: ${shapes}; the training set has ${want.units} units and ${want.dims} outputs, which no orientation of the test set matches`);
  }
  throw new ShapeError(`${op}: ${file}: ${shapes}; their rows (time bins) do not agree, as stored or transposed`);
}

function checkFinite(v: Var, option: string, file: string): void {
  for (let i = 0; i < v.data.length; i++) {
    const x = v.data[i]!;
    if (!Number.isFinite(x)) throw new ArgumentError(`${op}: --${option} ${v.name} in ${file} holds ${x} at bin ${Math.floor(i / v.cols)}, column ${i % v.cols}; values must be finite`);
  }
}

/** Rows [lo, hi) of a matrix (a Var keeps its name). */
function rowsOf<M extends Matrix>(m: M, lo: number, hi: number): M {
  return { ...m, data: m.data.slice(lo * m.cols, hi * m.cols), rows: hi - lo };
}

function outputNames(d: number, target: string): string[] {
  if (d === 1) return [target];
  if (d <= 3) return ['x', 'y', 'z'].slice(0, d);
  return Array.from({ length: d }, (_, k) => String(k));
}

// ---------------------------------------------------------------------------------------------
// decoders

/** Features of one set: the history rows that stay inside the data, and the matching targets. */
interface Prepared {
  /** Flattened history (n, L·N) for wiener/cascade/dense, plain counts for kalman. */
  matrix: Matrix | null;
  /** History sequences (n, L, N) for rnn/gru/lstm. */
  seq: Sequences | null;
  y: Matrix;
  n: number;
  dropped: number;
}

function prepare(counts: Var, target: Var, decoder: SpikeDecoderName, before: number, after: number): Prepared {
  const [lo, hi] = historyValidRange(counts.rows, before, after);
  const y = rowsOf(target, lo, hi);
  const dropped = counts.rows - (hi - lo);
  if (decoder === 'kalman') return { matrix: rowsOf(counts, lo, hi), seq: null, y, n: hi - lo, dropped };
  const h = spikesWithHistory(counts, before, after, true); // (T, L, N), NaN outside [lo, hi)
  const w = h.steps * h.features;
  const data = h.data.slice(lo * w, hi * w);
  if (decoder === 'rnn' || decoder === 'gru' || decoder === 'lstm') return { matrix: null, seq: { data, n: hi - lo, steps: h.steps, features: h.features }, y, n: hi - lo, dropped };
  const flat = flattenHistory({ data, n: hi - lo, steps: h.steps, features: h.features });
  return { matrix: flat, seq: null, y, n: hi - lo, dropped };
}

interface Runner {
  fit(): void;
  predictTest(): Matrix;
  /** Predicts test sample i alone (the latency probe). */
  predictOne(i: number): void;
}

function runner(decoder: SpikeDecoderName, tr: Prepared, te: Prepared, p: Record<string, number | boolean>, log: (s: string) => void): Runner {
  const patience = p['patience'] as number | undefined;
  const onEpoch = (e: number, loss: number, vm?: number) => log(`epoch ${String(e).padStart(3)}  train MSE ${loss.toFixed(4)} (centred targets)${vm === undefined ? '' : `  valid MSE ${vm.toFixed(4)}`}`);
  const deep = {
    epochs: p['epochs'] as number, lr: p['lr'] as number, dropout: p['dropout'] as number, batchSize: p['batchSize'] as number, seed: p['seed'] as number,
    onEpoch, ...(patience === undefined ? {} : { patience }),
  };
  // with --patience, the last 20 % of the training rows (contiguous in time) validate
  const cut = Math.round(0.8 * tr.n);
  if (patience !== undefined && (cut < 1 || cut >= tr.n)) throw new ArgumentError(`${op}: --patience needs a training set large enough to hold out 20 % (${tr.n} rows)`);
  const yFit = patience === undefined ? tr.y : rowsOf(tr.y, 0, cut);
  const yVal = patience === undefined ? null : rowsOf(tr.y, cut, tr.n);
  if (decoder === 'rnn' || decoder === 'gru' || decoder === 'lstm') {
    const m = new RecurrentDecoder({ cell: decoder, hiddenSize: p['hidden'] as number, ...deep });
    const Xtr = tr.seq!, Xte = te.seq!;
    const w = Xte.steps * Xte.features;
    const part = (a: number, b: number): Sequences => ({ data: Xtr.data.slice(a * w, b * w), n: b - a, steps: Xtr.steps, features: Xtr.features });
    const fit = () => void (patience === undefined ? m.fit(Xtr, tr.y) : m.fit(part(0, cut), yFit, [part(cut, tr.n), yVal!]));
    // the closed-loop form: the last L bins of one sample in, one prediction out
    return { fit, predictTest: () => m.predict(Xte), predictOne: (i) => void m.predictOne(Xte.data.subarray((i % Xte.n) * w, (i % Xte.n + 1) * w)) };
  }
  const Xtr = tr.matrix!, Xte = te.matrix!;
  if (decoder === 'kalman') {
    const m = new KalmanFilter({ center: true });
    // one closed-loop step per bin: the filter's per-bin cost
    return { fit: () => void m.fit(Xtr, tr.y), predictTest: () => m.predict(Xte), predictOne: (i) => void m.step(Xte.data.subarray((i % Xte.rows) * Xte.cols, (i % Xte.rows + 1) * Xte.cols)) };
  }
  const row = (i: number) => Xte.data.subarray((i % Xte.rows) * Xte.cols, (i % Xte.rows + 1) * Xte.cols);
  if (decoder === 'dense') {
    const m = new DenseDecoder({ units: [p['hidden'] as number], ...deep });
    const fit = () => void (patience === undefined ? m.fit(Xtr, tr.y) : m.fit(rowsOf(Xtr, 0, cut), yFit, [rowsOf(Xtr, cut, tr.n), yVal!]));
    return { fit, predictTest: () => m.predict(Xte), predictOne: (i) => void m.predictOne(row(i)) };
  }
  const ones = Array.from({ length: Math.min(Xte.rows, LATENCY_CALLS) }, (_, i): Matrix => ({ data: Xte.data.slice(i * Xte.cols, (i + 1) * Xte.cols), rows: 1, cols: Xte.cols }));
  const m = decoder === 'wiener' ? new WienerFilter({ alpha: p['alpha'] as number }) : new WienerCascade({ alpha: p['alpha'] as number, degree: p['degree'] as number });
  return { fit: () => void m.fit(Xtr, tr.y), predictTest: () => m.predict(Xte), predictOne: (i) => void m.predict(ones[i % ones.length]!) };
}

/** Median µs of `call` over LATENCY_CALLS calls after LATENCY_WARMUP unmeasured ones. */
function medianLatencyUs(call: (i: number) => void): number {
  for (let i = 0; i < LATENCY_WARMUP; i++) call(i);
  const t = new Float64Array(LATENCY_CALLS);
  for (let i = 0; i < LATENCY_CALLS; i++) {
    const t0 = process.hrtime.bigint();
    call(i);
    t[i] = Number(process.hrtime.bigint() - t0) / 1e3;
  }
  t.sort();
  return t[LATENCY_CALLS >> 1]!;
}

function runDir(root: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  mkdirSync(root, { recursive: true });
  for (let k = 0; ; k++) {
    const dir = join(root, k ? `${stamp}-${k}` : stamp);
    try {
      mkdirSync(dir);
      return dir;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// the command

export function decodeSpikesCli(argv: string[], log: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): SpikeDecodeResult {
  const { values, positionals } = parseCommandLine(op, {
    args: argv,
    allowPositionals: true,
    options: {
      decoder: { type: 'string' }, spikes: { type: 'string' }, target: { type: 'string' },
      'test-spikes': { type: 'string' }, 'test-target': { type: 'string' }, 'test-fraction': { type: 'string' },
      'bins-before': { type: 'string' }, 'bins-after': { type: 'string' },
      alpha: { type: 'string' }, degree: { type: 'string' }, hidden: { type: 'string' }, epochs: { type: 'string' },
      lr: { type: 'string' }, dropout: { type: 'string' }, 'batch-size': { type: 'string' }, seed: { type: 'string' }, patience: { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  const v = values as Values;
  checkOutDir(op, values.out ?? 'reports');

  // --- decoder and its options
  const decoderArg = values.decoder;
  if (decoderArg === undefined) throw new ArgumentError(`${op}: --decoder is required (${SPIKE_DECODERS.join(', ')})`);
  if (!(SPIKE_DECODERS as readonly string[]).includes(decoderArg)) throw new ArgumentError(`${op}: unknown decoder '${decoderArg}' for --decoder (available: ${SPIKE_DECODERS.join(', ')})`);
  const decoder = decoderArg as SpikeDecoderName;
  const isDeep = DEEP.includes(decoder);
  const applies: Record<string, readonly SpikeDecoderName[]> = {
    alpha: ['wiener', 'cascade'], degree: ['cascade'],
    hidden: DEEP, epochs: DEEP, lr: DEEP, dropout: DEEP, 'batch-size': DEEP, seed: DEEP, patience: DEEP,
  };
  for (const [name, which] of Object.entries(applies)) {
    if (v[name] !== undefined && !which.includes(decoder)) throw new ArgumentError(`${op}: --${name} applies to ${which.join('/')}, not to --decoder ${decoder}`);
  }
  const binsBefore = num(v, 'bins-before', isDeep ? 6 : 0, { integer: true, min: 0 });
  const binsAfter = num(v, 'bins-after', 0, { integer: true, min: 0 });
  if (decoder === 'kalman') {
    for (const [name, n] of [['bins-before', binsBefore], ['bins-after', binsAfter]] as const) {
      if (n > 0) throw new ArgumentError(`${op}: --${name} ${n}: the Kalman filter uses no spike history (one bin per step); drop --${name} or use another decoder`);
    }
  }
  const params: Record<string, number | boolean> = {};
  if (decoder === 'wiener' || decoder === 'cascade') params['alpha'] = num(v, 'alpha', 1, { min: 0 });
  if (decoder === 'cascade') params['degree'] = num(v, 'degree', 3, { integer: true, min: 0 });
  if (decoder === 'kalman') params['center'] = true;
  if (isDeep) {
    params['hidden'] = num(v, 'hidden', 100, { integer: true, min: 1 });
    params['epochs'] = num(v, 'epochs', 10, { integer: true, min: 1 });
    params['lr'] = num(v, 'lr', 1e-3, { minExclusive: 0 });
    params['dropout'] = num(v, 'dropout', 0.25, { min: 0, maxExclusive: 1 });
    params['batchSize'] = num(v, 'batch-size', 32, { integer: true, min: 1 });
    params['seed'] = num(v, 'seed', 0, { integer: true, min: 0 });
    if (v['patience'] !== undefined) params['patience'] = num(v, 'patience', 5, { integer: true, min: 1 });
  }

  // --- the file
  if (positionals.length !== 1) throw new ArgumentError(`${op}: give exactly one .mat file, got ${positionals.length ? positionals.join(' ') : 'none'}`);
  const file = positionals[0]!;
  const bytes = readBytes(file);
  const hdf5 = HDF5_SIGNATURE.every((b, i) => bytes[i] === b);
  if (extname(file).toLowerCase() === '.nwb' || hdf5) {
    throw new FormatError(`${file}: ${extname(file).toLowerCase() === '.nwb' ? 'an NWB file, which is HDF5' : 'an HDF5 file'}: HDF5 is not yet read; decode spikes reads MATLAB v5/v7 .mat files (save the binned counts and kinematics with save(..., '-v7'))`);
  }
  const vars = readMat(bytes, file); // FormatError naming the file for v7.3 (HDF5) and non-MAT files
  const has = (n: string) => n in vars;

  // --- variables: explicit, else the chewie_demo layout (Y* counts, X* velocities)
  let spikesName = values.spikes;
  let targetName = values.target;
  if (spikesName === undefined && targetName === undefined && has('Ytr') && has('Xtr')) { spikesName = 'Ytr'; targetName = 'Xtr'; }
  if (spikesName === undefined || targetName === undefined) {
    const missing = [spikesName === undefined ? '--spikes' : null, targetName === undefined ? '--target' : null].filter(Boolean).join(' and ');
    throw new ArgumentError(`${op}: give ${missing} (variable names in ${file}; it has ${listVars(vars)})`);
  }
  let testSpikesName = values['test-spikes'] ?? null;
  let testTargetName = values['test-target'] ?? null;
  if ((testSpikesName === null) !== (testTargetName === null)) throw new ArgumentError(`${op}: --test-spikes and --test-target go together; got only --${testSpikesName === null ? 'test-target' : 'test-spikes'}`);
  const fractionGiven = values['test-fraction'] !== undefined;
  if (testSpikesName !== null && fractionGiven) throw new ArgumentError(`${op}: --test-fraction splits one set; it cannot be combined with --test-spikes/--test-target`);
  if (testSpikesName === null && !fractionGiven && has('Yte') && has('Xte') && !(spikesName === 'Yte' && targetName === 'Xte')) {
    testSpikesName = 'Yte';
    testTargetName = 'Xte';
  }
  const testFraction = testSpikesName === null ? num(v, 'test-fraction', 0.2, { minExclusive: 0, maxExclusive: 1 }) : null;

  const [spikesAll, targetAll] = orient(getVar(vars, spikesName, 'spikes', file), getVar(vars, targetName, 'target', file), 'spikes', 'target', file);
  checkFinite(spikesAll, 'spikes', file);
  checkFinite(targetAll, 'target', file);
  let trS: Var, trY: Var, teS: Var, teY: Var;
  if (testSpikesName !== null && testTargetName !== null) {
    [trS, trY] = [spikesAll, targetAll];
    [teS, teY] = orient(getVar(vars, testSpikesName, 'test-spikes', file), getVar(vars, testTargetName, 'test-target', file), 'test-spikes', 'test-target', file, { units: trS.cols, dims: trY.cols });
    checkFinite(teS, 'test-spikes', file);
    checkFinite(teY, 'test-target', file);
  } else {
    const T = spikesAll.rows;
    const nTest = Math.round(T * testFraction!);
    if (nTest < 2 || T - nTest < 2) throw new ArgumentError(`${op}: --test-fraction ${testFraction} of ${T} bins leaves ${T - nTest} training and ${nTest} test bins; each set needs at least 2`);
    [trS, trY, teS, teY] = [rowsOf(spikesAll, 0, T - nTest), rowsOf(targetAll, 0, T - nTest), rowsOf(spikesAll, T - nTest, T), rowsOf(targetAll, T - nTest, T)];
  }

  const tr = prepare(trS, trY, decoder, binsBefore, binsAfter);
  const te = prepare(teS, teY, decoder, binsBefore, binsAfter);
  for (const [set, p, rows] of [['training', tr, trS.rows], ['test', te, teS.rows]] as const) {
    if (p.n < 2) throw new ArgumentError(`${op}: the ${set} set has ${rows} bins; with --bins-before ${binsBefore} and --bins-after ${binsAfter} only ${p.n} keep their whole history (at least 2 are needed)`);
  }
  const D = trY.cols;
  const outputs = outputNames(D, targetName);
  const config: SpikeDecodeConfig = { file, decoder, spikes: spikesName, target: targetName, testSpikes: testSpikesName, testTarget: testTargetName, testFraction, binsBefore, binsAfter, params };

  // --- settings
  const decoderText = decoder === 'wiener' ? `wiener (ridge alpha ${params['alpha']})`
    : decoder === 'cascade' ? `cascade (ridge alpha ${params['alpha']}, polynomial degree ${params['degree']})`
      : decoder === 'kalman' ? 'kalman (centred, starts at the training mean)'
        : `${decoder} (${params['hidden']} hidden, ${params['epochs']} epochs, lr ${params['lr']}, dropout ${params['dropout']}, batch ${params['batchSize']}, seed ${params['seed']})`;
  const settings: [string, string][] = [
    ['file', file],
    ['decoder', decoderText],
    ['train', `${trS.name} → ${trY.name}: ${trS.rows} bins × ${trS.cols} units → ${D} output${D === 1 ? '' : 's'} (${outputs.join(', ')})${testFraction === null ? '' : `, first ${trS.rows} of ${spikesAll.rows} bins`}`],
    ['test', testFraction === null ? `${teS.name} → ${teY.name}: ${teS.rows} bins` : `last ${teS.rows} bins (--test-fraction ${testFraction}, contiguous)`],
    ['history', decoder === 'kalman' ? 'none (one bin per filter step)' : `${binsBefore} bins before, ${binsAfter} after, and the current bin; ${tr.dropped} training and ${te.dropped} test edge rows dropped`],
  ];
  log(`decode spikes: ${file}`);
  for (const [k, s] of settings.slice(1)) log(`  ${k.padEnd(9)}${s}`);

  // --- fit, predict, time
  const run = runner(decoder, tr, te, params, log);
  const t0 = performance.now();
  run.fit();
  const fitSeconds = (performance.now() - t0) / 1e3;
  const pred = run.predictTest();
  for (let i = 0; i < pred.data.length; i++) {
    if (!Number.isFinite(pred.data[i]!)) throw new ArgumentError(`${op}: the ${decoder} decoder predicted ${pred.data[i]} at test bin ${Math.floor(i / D)} (training diverged? try a lower --lr)`);
  }
  const latencyUs = medianLatencyUs(run.predictOne);
  const [r2, r, e] = [r2Score(te.y, pred), pearsonR(te.y, pred), rmse(te.y, pred)];
  const metrics = outputs.map((output, k) => ({ output, r2: r2[k]!, pearson: r[k]!, rmse: e[k]! }));

  // --- table
  const w = Math.max(6, ...outputs.map((o) => o.length));
  log('');
  log(`${'output'.padEnd(w)}  ${'R²'.padStart(7)}  ${'Pearson r'.padStart(9)}  ${'RMSE'.padStart(10)}`);
  const f = (x: number, d: number, width: number) => (Number.isFinite(x) ? x.toFixed(d) : String(x)).padStart(width);
  for (const m of metrics) log(`${m.output.padEnd(w)}  ${f(m.r2, 3, 7)}  ${f(m.pearson, 3, 9)}  ${f(m.rmse, 4, 10)}`);
  log('');
  log(`fit ${fitSeconds.toFixed(3)} s on ${tr.n} bins${params['patience'] === undefined ? '' : ' (the last 20 % validating, early stopping)'}; latency ${latencyUs.toFixed(1)} µs per bin (median of ${LATENCY_CALLS} single-sample ${decoder === 'kalman' ? 'filter steps' : 'predictions'} after ${LATENCY_WARMUP} warm-up calls); ${te.n} test bins`);

  // --- files
  const dir = runDir(resolve(values.out ?? 'reports'));
  const latencyNote = `${decoder === 'kalman' ? 'filter step' : 'single-sample predict'}, median of ${LATENCY_CALLS} calls after ${LATENCY_WARMUP} warm-up calls`;
  writeFileAtomic(join(dir, 'results.json'), `${JSON.stringify({ config, units: trS.cols, outputs, nTrain: tr.n, nTest: te.n, metrics, fitSeconds, latencyUs, latency: latencyNote }, null, 2)}\n`);
  writeFileAtomic(join(dir, 'report.html'), spikeReportHtml({
    title: `Spike decoding — ${decoder}`,
    settings,
    outputs: metrics.map((m) => ({ name: m.output, r2: m.r2, pearson: m.pearson, rmse: m.rmse })),
    truth: te.y, pred, fitSeconds, latencyUs,
  }));
  log(`wrote ${join(dir, 'results.json')} and report.html`);
  return { config, outputs, metrics, units: trS.cols, nTrain: tr.n, nTest: te.n, fitSeconds, latencyUs, latencyCalls: LATENCY_CALLS, truth: te.y, pred, dir };
}
