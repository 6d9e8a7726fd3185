// The `decode spikes` pipeline: decode movement or position from binned spike counts in a MATLAB
// .mat file. Reads a counts matrix (bins × units) and a kinematics matrix (bins × D), builds
// spike history where the decoder uses it, fits the chosen decoder on the training bins,
// predicts the test bins, and scores them per output dimension. Every decoder is scored on the
// same test bins: those with the longest default history of any decoder (scoreBefore), so a
// Wiener filter without history and an LSTM with 6 bins of it are compared on the same bins.
// Browser-safe: bytes in, results out; the CLI reads the file, prints and writes.
//
//   resolveSpikeSettings(options)         decoder, history, scoring and hyperparameters, checked
//   readSpikeMat(bytes, file)             the variables (HDF5/NWB refused with a FormatError)
//   planSpikeDecoding(vars, file, s)      variables chosen and oriented, train/test split,
//                                         history rows, scored bins, settings rows
//   fitSpikeDecoding(plan, onEpoch?)      fit, predict, latency, metrics
//   spikeResultsJson / spikeReport        results.json and the report's contents
// Option names in messages (--spikes, --bins-before, ...) are the CLI's, one to one with the
// option fields.
//   counts: (T, N)  T=time bins, N=units      kinematics: (T, D)  D=output dimensions
//   history: (T, L, N), L = binsBefore + binsAfter + 1 (the current bin is always included)

import { ArgumentError, FormatError, ShapeError } from '../errors.js';
import { listMatVars, matMatrix, readMat, type MatValue } from '../io/mat/index.js';
import { flattenHistory, historyValidRange, spikesWithHistory } from '../neuro/spikes/history.js';
import { chooseRidgeAlpha, DenseDecoder, KalmanFilter, RecurrentDecoder, RIDGE_ALPHAS, WienerCascade, WienerFilter, type Matrix, type RidgeAlphaChoice, type Sequences } from './estimators/index.js';
import { pearsonR, r2Score, rmse } from './regression_metrics.js';
import type { SpikeReport } from '../report/spike_report.js';

export const SPIKE_DECODERS = ['wiener', 'cascade', 'kalman', 'rnn', 'gru', 'lstm', 'dense'] as const;
export type SpikeDecoderName = (typeof SPIKE_DECODERS)[number];
/** The trained networks (their options: hidden, epochs, lr, dropout, batchSize, seed, patience). */
export const DEEP_SPIKE_DECODERS: readonly SpikeDecoderName[] = ['rnn', 'gru', 'lstm', 'dense'];
const DEEP = DEEP_SPIKE_DECODERS;

const op = 'decode spikes';
export const LATENCY_WARMUP = 20;
export const LATENCY_CALLS = 101;
/** The longest default spike history of any decoder (rnn/gru/lstm/dense: 6 bins before). */
export const SCORE_BEFORE = 6;
const VALID_FRACTION = 0.2;
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** What a run asks for; absent fields take the defaults the CLI's help lists. */
export interface SpikeDecodingOptions {
  decoder: SpikeDecoderName;
  /** Counts and kinematics variables (default Ytr and Xtr when the file has both). */
  spikes?: string;
  target?: string;
  /** A separate test set (default Yte and Xte when present and no testFraction is given). */
  testSpikes?: string;
  testTarget?: string;
  /** Otherwise the last testFraction of the bins, contiguous in time (default 0.2). */
  testFraction?: number;
  binsBefore?: number;
  binsAfter?: number;
  scoreBefore?: number;
  scoreAfter?: number;
  /** Ridge penalty of wiener/cascade; chosen on validation when absent. */
  alpha?: number;
  degree?: number;
  hidden?: number;
  epochs?: number;
  lr?: number;
  dropout?: number;
  batchSize?: number;
  seed?: number;
  patience?: number;
}

/** One epoch of a trained network: training MSE (centred targets), validation MSE under early stopping. */
export interface SpikeEpoch {
  epoch: number;
  trainLoss: number;
  validLoss: number | null;
}

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

/** Bin counts: the recording's, and the rows each stage used. */
export interface SpikeDecodeBins {
  /** Bins of the training and test data as read (or split by --test-fraction). */
  trainData: number;
  testData: number;
  /** Rows the final model was fitted on. */
  fit: number;
  /** Rows held out to choose alpha or the epoch (0 when nothing was chosen). */
  valid: number;
  /** Whether the final model was refitted on fit + valid (alpha: yes; early stopping: no). */
  refitOnValid: boolean;
  /** Scored test bins [scoredFrom, scoredTo) and their count. */
  scoredFrom: number;
  scoredTo: number;
  scored: number;
}

export interface SpikeKalmanReport {
  droppedUnits: number[];
  duplicateUnits: [number, number][];
  keptUnits: number;
  observationRank: number;
  pseudoInverse: boolean;
}

export interface SpikeDecodeMetric {
  output: string;
  r2: number;
  pearson: number;
  rmse: number;
}

/** One decoding run: its settings, scores, bins and predictions. */
export interface SpikeDecoding {
  config: SpikeDecodeConfig;
  /** Output dimension names: x, y (, z), the target name for one column, else column indices. */
  outputs: string[];
  metrics: SpikeDecodeMetric[];
  /** Units (columns of the counts). */
  units: number;
  /** Training rows after dropping history edge rows (fit + validation). */
  nTrain: number;
  /** Test bins scored (bins.scoredFrom … bins.scoredTo − 1 of the test data). */
  nTest: number;
  bins: SpikeDecodeBins;
  /** Units silent (constant) in the training bins, 0-based columns. */
  silentUnits: number[];
  /** Kalman: what the filter dropped and how it inverted Q. */
  kalman?: SpikeKalmanReport;
  /** Wiener/cascade without --alpha: the grid and its validation R². */
  alphaSelection?: RidgeAlphaChoice & { fitBins: number; validBins: number };
  /** Deep decoders with --patience: the epoch whose weights were kept. */
  earlyStopping?: { bestEpoch: number; epochsRun: number; patience: number };
  /** Test bin (0-based, in the test data) of each row of truth and pred. */
  scoredBins: number[];
  fitSeconds: number;
  /** Median µs of predicting one sample (Kalman: one filter step), after warm-up. */
  latencyUs: number;
  latencyCalls: number;
  /** Test targets and predictions (nTest, D). */
  truth: Matrix;
  pred: Matrix;
  /** Per-epoch losses of a trained network (train MSE on centred targets, validation MSE). */
  curves?: SpikeEpoch[];
  /** Every setting and what fitting chose, as [name, text] rows (the report's settings table). */
  settings: [string, string][];
  /** The fitted decoder where it can be saved (wiener, kalman), else null. */
  fitted: SpikeFittedModel | null;
  /** The rows of `settings` that fitting added (bins, and what was chosen or dropped). */
  fitLines: [string, string][];
}


/** The run's decoder settings with defaults filled in and checked. */
export interface SpikeSettings {
  decoder: SpikeDecoderName;
  binsBefore: number;
  binsAfter: number;
  scoreBefore: number;
  scoreAfter: number;
  params: Record<string, number | boolean>;
  /** The variables and split asked for (resolved against the file by planSpikeDecoding). */
  data: Pick<SpikeDecodingOptions, 'spikes' | 'target' | 'testSpikes' | 'testTarget' | 'testFraction'>;
}

type Check = { integer?: boolean; min?: number; minExclusive?: number; maxExclusive?: number };

function checked(name: string, v: number | undefined, def: number, c: Check): number {
  if (v === undefined) return def;
  const ok = Number.isFinite(v) && (!c.integer || Number.isInteger(v)) && (c.min === undefined || v >= c.min)
    && (c.minExclusive === undefined || v > c.minExclusive) && (c.maxExclusive === undefined || v < c.maxExclusive);
  if (!ok) {
    const want = [c.integer ? 'an integer' : 'a finite number', c.min !== undefined ? `>= ${c.min}` : '', c.minExclusive !== undefined ? `> ${c.minExclusive}` : '', c.maxExclusive !== undefined ? `< ${c.maxExclusive}` : ''].filter(Boolean).join(' ');
    throw new ArgumentError(`${op}: --${name} must be ${want}, got ${v}`);
  }
  return v;
}

/**
 * Defaults and checks of a run's options (before any file is read): spike history (none for
 * wiener/cascade, 6 bins for the networks, refused for kalman), the scored bins, and the
 * decoder's hyperparameters in the order results.json lists them.
 */
export function resolveSpikeSettings(o: SpikeDecodingOptions): SpikeSettings {
  const decoder = o.decoder;
  if (!(SPIKE_DECODERS as readonly string[]).includes(decoder)) throw new ArgumentError(`${op}: unknown decoder '${decoder}' for --decoder (available: ${SPIKE_DECODERS.join(', ')})`);
  const isDeep = DEEP.includes(decoder);
  const binsBefore = checked('bins-before', o.binsBefore, isDeep ? 6 : 0, { integer: true, min: 0 });
  const binsAfter = checked('bins-after', o.binsAfter, 0, { integer: true, min: 0 });
  const scoreBefore = checked('score-before', o.scoreBefore, SCORE_BEFORE, { integer: true, min: 0 });
  const scoreAfter = checked('score-after', o.scoreAfter, 0, { integer: true, min: 0 });
  if (decoder === 'kalman') {
    for (const [name, n] of [['bins-before', binsBefore], ['bins-after', binsAfter]] as const) {
      if (n > 0) throw new ArgumentError(`${op}: --${name} ${n}: the Kalman filter uses no spike history (one bin per step); drop --${name} or use another decoder`);
    }
  }
  const params: Record<string, number | boolean> = {};
  if (decoder === 'wiener' || decoder === 'cascade') {
    params['alpha'] = checked('alpha', o.alpha, Number.NaN, { min: 0 }); // NaN until chosen on validation
    params['alphaFixed'] = o.alpha !== undefined;
  }
  if (decoder === 'cascade') params['degree'] = checked('degree', o.degree, 3, { integer: true, min: 0 });
  if (decoder === 'kalman') params['center'] = true;
  if (isDeep) {
    params['hidden'] = checked('hidden', o.hidden, 100, { integer: true, min: 1 });
    params['epochs'] = checked('epochs', o.epochs, 10, { integer: true, min: 1 });
    params['lr'] = checked('lr', o.lr, 1e-3, { minExclusive: 0 });
    params['dropout'] = checked('dropout', o.dropout, 0.25, { min: 0, maxExclusive: 1 });
    params['batchSize'] = checked('batch-size', o.batchSize, 32, { integer: true, min: 1 });
    params['seed'] = checked('seed', o.seed, 0, { integer: true, min: 0 });
    if (o.patience !== undefined) params['patience'] = checked('patience', o.patience, 5, { integer: true, min: 1 });
  }
  if (o.testFraction !== undefined) checked('test-fraction', o.testFraction, 0.2, { minExclusive: 0, maxExclusive: 1 });
  const data: SpikeSettings['data'] = {};
  for (const k of ['spikes', 'target', 'testSpikes', 'testTarget', 'testFraction'] as const) if (o[k] !== undefined) (data as Record<string, unknown>)[k] = o[k];
  return { decoder, binsBefore, binsAfter, scoreBefore, scoreAfter, params, data };
}

// ---------------------------------------------------------------------------------------------
// variables

/** The variables of a MATLAB v5/v7 file; an NWB or other HDF5 file (v7.3) is a FormatError naming the file. */
export function readSpikeMat(bytes: Uint8Array, file: string): Record<string, MatValue> {
  const hdf5 = HDF5_SIGNATURE.every((b, i) => bytes[i] === b);
  const nwb = file.toLowerCase().endsWith('.nwb');
  if (nwb || hdf5) {
    throw new FormatError(`${file}: ${nwb ? 'an NWB file, which is HDF5' : 'an HDF5 file'}: HDF5 is not yet read; decode spikes reads MATLAB v5/v7 .mat files (save the binned counts and kinematics with save(..., '-v7'))`);
  }
  return readMat(bytes, file); // FormatError naming the file for v7.3 (HDF5) and non-MAT files
}

/** A row-major (rows, cols) float64 matrix read from the file, with its variable name. */
interface Var extends Matrix {
  name: string;
}

function getVar(vars: Record<string, MatValue>, name: string, option: string, file: string): Var {
  return { name, ...matMatrix(vars, name, file, { label: `${op}: --${option} '${name}'`, error: ArgumentError }) };
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

/** What fitting chose or dropped, and the rows it used. */
interface FitReport {
  fit: number;
  valid: number;
  refitOnValid: boolean;
  kalman?: SpikeKalmanReport;
  alphaSelection?: RidgeAlphaChoice & { fitBins: number; validBins: number };
  earlyStopping?: { bestEpoch: number; epochsRun: number; patience: number };
  curves?: SpikeEpoch[];
}

interface Runner {
  fit(): FitReport;
  predictTest(): Matrix;
  /** Predicts test sample i alone (the latency probe). */
  predictOne(i: number): void;
  /** The fitted decoder, for the ones that can be saved (wiener, kalman). */
  fitted(): SpikeFittedModel | null;
}

/** A fitted decoder `decode spikes --save` can write (spike_model_io.ts). */
export type SpikeFittedModel = { decoder: 'wiener'; filter: WienerFilter } | { decoder: 'kalman'; filter: KalmanFilter };

/** The validation block: the last VALID_FRACTION of the training rows, contiguous in time. */
function validationCut(n: number, why: string): number {
  const cut = Math.round((1 - VALID_FRACTION) * n);
  if (cut < 2 || n - cut < 2) throw new ArgumentError(`${op}: ${why} needs a training set large enough to hold out ${VALID_FRACTION * 100} % for validation (${n} rows leave ${cut} to fit and ${n - cut} to validate; at least 2 each)`);
  return cut;
}

function runner(decoder: SpikeDecoderName, tr: Prepared, te: Prepared, p: Record<string, number | boolean>, onEpoch: ((e: SpikeEpoch) => void) | undefined): Runner {
  const patience = p['patience'] as number | undefined;
  let epochsRun = 0;
  const curves: SpikeEpoch[] = [];
  const epochDone = (e: number, loss: number, vm?: number) => {
    epochsRun = e;
    const row = { epoch: e, trainLoss: loss, validLoss: vm ?? null };
    curves.push(row);
    onEpoch?.(row);
  };
  const deep = {
    epochs: p['epochs'] as number, lr: p['lr'] as number, dropout: p['dropout'] as number, batchSize: p['batchSize'] as number, seed: p['seed'] as number,
    onEpoch: epochDone, ...(patience === undefined ? {} : { patience }),
  };
  // with --patience, the last 20 % of the training rows (contiguous in time) validate
  const cut = patience === undefined ? tr.n : validationCut(tr.n, '--patience');
  const yFit = rowsOf(tr.y, 0, cut);
  const yVal = rowsOf(tr.y, cut, tr.n);
  const deepReport = (m: { bestEpoch: number }): FitReport => ({
    fit: cut, valid: tr.n - cut, refitOnValid: false, curves,
    ...(patience === undefined ? {} : { earlyStopping: { bestEpoch: m.bestEpoch, epochsRun, patience } }),
  });
  if (decoder === 'rnn' || decoder === 'gru' || decoder === 'lstm') {
    const m = new RecurrentDecoder({ cell: decoder, hiddenSize: p['hidden'] as number, ...deep });
    const Xtr = tr.seq!, Xte = te.seq!;
    const w = Xte.steps * Xte.features;
    const part = (a: number, b: number): Sequences => ({ data: Xtr.data.slice(a * w, b * w), n: b - a, steps: Xtr.steps, features: Xtr.features });
    const fit = () => {
      if (patience === undefined) m.fit(Xtr, tr.y);
      else m.fit(part(0, cut), yFit, [part(cut, tr.n), yVal]);
      return deepReport(m);
    };
    // the closed-loop form: the last L bins of one sample in, one prediction out
    return { fit, predictTest: () => m.predict(Xte), predictOne: (i) => void m.predictOne(Xte.data.subarray((i % Xte.n) * w, (i % Xte.n + 1) * w)), fitted: () => null };
  }
  const Xtr = tr.matrix!, Xte = te.matrix!;
  if (decoder === 'kalman') {
    const m = new KalmanFilter({ center: true });
    const fit = (): FitReport => {
      m.fit(Xtr, tr.y);
      const kalman = { droppedUnits: m.droppedUnits, duplicateUnits: m.duplicateUnits, keptUnits: Xtr.cols - m.droppedUnits.length, observationRank: m.observationRank, pseudoInverse: m.pseudoInverse };
      return { fit: tr.n, valid: 0, refitOnValid: false, kalman };
    };
    // one closed-loop step per bin: the filter's per-bin cost
    return { fit, predictTest: () => m.predict(Xte), predictOne: (i) => void m.step(Xte.data.subarray((i % Xte.rows) * Xte.cols, (i % Xte.rows + 1) * Xte.cols)), fitted: () => ({ decoder: 'kalman', filter: m }) };
  }
  const row = (i: number) => Xte.data.subarray((i % Xte.rows) * Xte.cols, (i % Xte.rows + 1) * Xte.cols);
  if (decoder === 'dense') {
    const m = new DenseDecoder({ units: [p['hidden'] as number], ...deep });
    const fit = () => {
      if (patience === undefined) m.fit(Xtr, tr.y);
      else m.fit(rowsOf(Xtr, 0, cut), yFit, [rowsOf(Xtr, cut, tr.n), yVal]);
      return deepReport(m);
    };
    return { fit, predictTest: () => m.predict(Xte), predictOne: (i) => void m.predictOne(row(i)), fitted: () => null };
  }
  const ones = Array.from({ length: Math.min(Xte.rows, LATENCY_CALLS) }, (_, i): Matrix => ({ data: Xte.data.slice(i * Xte.cols, (i + 1) * Xte.cols), rows: 1, cols: Xte.cols }));
  const degree = decoder === 'cascade' ? p['degree'] as number : undefined;
  const make = (alpha: number) => (degree === undefined ? new WienerFilter({ alpha }) : new WienerCascade({ alpha, degree }));
  let m = make(0);
  const fit = (): FitReport => {
    if (p['alphaFixed'] === true) {
      m = make(p['alpha'] as number).fit(Xtr, tr.y);
      return { fit: tr.n, valid: 0, refitOnValid: false };
    }
    // RidgeCV with one split: fit on the first 80 %, validate on the last 20 %, refit on all
    const vc = validationCut(tr.n, 'choosing --alpha on validation (or give --alpha)');
    const choice = chooseRidgeAlpha(rowsOf(Xtr, 0, vc), rowsOf(tr.y, 0, vc), rowsOf(Xtr, vc, tr.n), rowsOf(tr.y, vc, tr.n), degree === undefined ? {} : { degree });
    p['alpha'] = choice.alpha;
    m = make(choice.alpha).fit(Xtr, tr.y);
    return { fit: tr.n, valid: tr.n - vc, refitOnValid: true, alphaSelection: { ...choice, fitBins: vc, validBins: tr.n - vc } };
  };
  return { fit, predictTest: () => m.predict(Xte), predictOne: (i) => void m.predict(ones[i % ones.length]!), fitted: () => (m instanceof WienerFilter ? { decoder: 'wiener', filter: m } : null) };
}

/** Columns of a matrix whose values are all equal. */
function constantColumns(m: Matrix): number[] {
  const out: number[] = [];
  for (let j = 0; j < m.cols; j++) {
    let i = 1;
    while (i < m.rows && m.data[i * m.cols + j] === m.data[j]) i++;
    if (i === m.rows) out.push(j);
  }
  return out;
}

/** "0, 3, 6 … 57 (0-based columns)", at most 12 listed. */
function unitList(units: readonly number[]): string {
  const shown = units.length > 12 ? `${units.slice(0, 11).join(', ')} … ${units[units.length - 1]}` : units.join(', ');
  return `${shown} (0-based columns)`;
}

function rowArrays(m: Matrix): number[][] {
  return Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
}

/** The account of what fitting chose or dropped, as [setting, text] rows. */
function fitReportLines(f: FitReport, bins: SpikeDecodeBins, units: number): [string, string][] {
  const lines: [string, string][] = [['bins', `training data ${bins.trainData}, fitted on ${bins.fit}${bins.valid ? `${bins.refitOnValid ? ' (all of them, after choosing alpha on' : ', validated on'} ${bins.valid}${bins.refitOnValid ? ')' : ''}` : ''}; test data ${bins.testData}, scored ${bins.scored}`]];
  if (f.kalman) {
    const k = f.kalman;
    const dropped = k.droppedUnits.length ? `dropped ${k.droppedUnits.length} of ${units} units silent in the training bins (zero variance): ${unitList(k.droppedUnits)}` : `no silent units among ${units}`;
    const dups = k.duplicateUnits.length ? `; ${k.duplicateUnits.length} duplicate unit${k.duplicateUnits.length === 1 ? '' : 's'} (${k.duplicateUnits.slice(0, 12).map(([a, b]) => `${a} = ${b}`).join(', ')})` : '';
    const rank = k.pseudoInverse ? `noise covariance Q has rank ${k.observationRank} for ${k.keptUnits} units: pseudo-inverse used` : `noise covariance Q has full rank (${k.keptUnits})`;
    lines.push(['kalman', `${dropped}${dups}; ${rank}`]);
  }
  if (f.alphaSelection) {
    const a = f.alphaSelection;
    const best = a.validR2[a.alphas.indexOf(a.alpha)]!;
    const grid = a.alphas.length === RIDGE_ALPHAS.length && a.alphas.every((x, i) => x === RIDGE_ALPHAS[i]) ? '1e-3 … 1e5, 4 per decade' : `${a.alphas.length} values`;
    lines.push(['alpha', `${+a.alpha.toPrecision(4)}, chosen on validation: mean R² ${best.toFixed(3)} on training bins ${a.fitBins}–${a.fitBins + a.validBins - 1} when fitted on the first ${a.fitBins} (grid ${grid}); then refitted on all ${a.fitBins + a.validBins}`]);
  }
  if (f.earlyStopping) {
    const e = f.earlyStopping;
    lines.push(['epoch', `${e.bestEpoch} chosen (best validation MSE; ${e.epochsRun} run, patience ${e.patience}); its weights are kept`]);
  }
  return lines;
}


// ---------------------------------------------------------------------------------------------
// the run

/** Everything fixed before fitting: the data, the rows used and the settings rows. */
export interface SpikePlan {
  config: SpikeDecodeConfig;
  settings: SpikeSettings;
  trS: Var;
  trY: Var;
  teS: Var;
  teY: Var;
  tr: Prepared;
  te: Prepared;
  /** Test bins scored: [scoredFrom, scoredTo). */
  scoredFrom: number;
  scoredTo: number;
  /** Test bin of the first prepared test row. */
  teFirst: number;
  silentUnits: number[];
  outputs: string[];
  /** [setting, text] rows: file, decoder, train, test, history, scored (, units). */
  settingsRows: [string, string][];
}

/**
 * Chooses the variables (explicit, else the chewie_demo layout: Y* counts, X* kinematics),
 * orients them with time bins as rows, splits train and test, keeps the rows whose history stays
 * inside the data and fixes the scored test bins.
 */
export function planSpikeDecoding(vars: Record<string, MatValue>, file: string, s: SpikeSettings): SpikePlan {
  const { decoder, binsBefore, binsAfter, params } = s;
  const has = (n: string) => n in vars;
  let spikesName = s.data.spikes;
  let targetName = s.data.target;
  if (spikesName === undefined && targetName === undefined && has('Ytr') && has('Xtr')) { spikesName = 'Ytr'; targetName = 'Xtr'; }
  if (spikesName === undefined || targetName === undefined) {
    const missing = [spikesName === undefined ? '--spikes' : null, targetName === undefined ? '--target' : null].filter(Boolean).join(' and ');
    throw new ArgumentError(`${op}: give ${missing} (variable names in ${file}; it has ${listMatVars(vars)})`);
  }
  let testSpikesName = s.data.testSpikes ?? null;
  let testTargetName = s.data.testTarget ?? null;
  if ((testSpikesName === null) !== (testTargetName === null)) throw new ArgumentError(`${op}: --test-spikes and --test-target go together; got only --${testSpikesName === null ? 'test-target' : 'test-spikes'}`);
  const fractionGiven = s.data.testFraction !== undefined;
  if (testSpikesName !== null && fractionGiven) throw new ArgumentError(`${op}: --test-fraction splits one set; it cannot be combined with --test-spikes/--test-target`);
  if (testSpikesName === null && !fractionGiven && has('Yte') && has('Xte') && !(spikesName === 'Yte' && targetName === 'Xte')) {
    testSpikesName = 'Yte';
    testTargetName = 'Xte';
  }
  const testFraction = testSpikesName === null ? (s.data.testFraction ?? 0.2) : null;

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
  // the scored test bins: the same for every decoder (those with the longest default history)
  const scoreBefore = Math.max(s.scoreBefore, decoder === 'kalman' ? 0 : binsBefore);
  const scoreAfter = Math.max(s.scoreAfter, decoder === 'kalman' ? 0 : binsAfter);
  const scoredFrom = scoreBefore;
  const scoredTo = teS.rows - scoreAfter;
  if (scoredTo - scoredFrom < 2) throw new ArgumentError(`${op}: the test set has ${teS.rows} bins; scoring those with ${scoreBefore} bins before and ${scoreAfter} after leaves ${Math.max(0, scoredTo - scoredFrom)} (at least 2 are needed; see --score-before/--score-after)`);
  const teFirst = decoder === 'kalman' ? 0 : binsBefore;
  const silentUnits = constantColumns(trS);
  const D = trY.cols;
  const outputs = outputNames(D, targetName);
  const config: SpikeDecodeConfig = { file, decoder, spikes: spikesName, target: targetName, testSpikes: testSpikesName, testTarget: testTargetName, testFraction, binsBefore, binsAfter, params };

  const alphaText = params['alphaFixed'] === true ? `ridge alpha ${params['alpha']}` : 'ridge alpha chosen on validation';
  const decoderText = decoder === 'wiener' ? `wiener (${alphaText})`
    : decoder === 'cascade' ? `cascade (${alphaText}, polynomial degree ${params['degree']})`
      : decoder === 'kalman' ? 'kalman (centred, starts at the training mean)'
        : `${decoder} (${params['hidden']} hidden, ${params['epochs']} epochs, lr ${params['lr']}, dropout ${params['dropout']}, batch ${params['batchSize']}, seed ${params['seed']})`;
  const settingsRows: [string, string][] = [
    ['file', file],
    ['decoder', decoderText],
    ['train', `${trS.name} → ${trY.name}: ${trS.rows} bins × ${trS.cols} units → ${D} output${D === 1 ? '' : 's'} (${outputs.join(', ')})${testFraction === null ? '' : `, first ${trS.rows} of ${spikesAll.rows} bins`}`],
    ['test', testFraction === null ? `${teS.name} → ${teY.name}: ${teS.rows} bins` : `last ${teS.rows} bins (--test-fraction ${testFraction}, contiguous)`],
    ['history', decoder === 'kalman' ? 'none (one bin per filter step)' : `${binsBefore} bins before, ${binsAfter} after, and the current bin; ${tr.dropped} training and ${te.dropped} test edge rows dropped`],
    ['scored', `test bins ${scoredFrom}–${scoredTo - 1} (${scoredTo - scoredFrom} of ${teS.rows}): those with ${scoreBefore} bins of data before${scoreAfter ? ` and ${scoreAfter} after` : ''}, ${scoreBefore === SCORE_BEFORE && scoreAfter === 0 ? 'the longest default history of any decoder, so every decoder is scored on the same bins' : 'set by --score-before/--score-after and this decoder\'s history: score the decoders you compare with the same values'}`],
  ];
  if (silentUnits.length) settingsRows.push(['units', `${silentUnits.length} of ${trS.cols} silent (constant) in the training bins: ${unitList(silentUnits)}`]);
  return { config, settings: s, trS, trY, teS, teY, tr, te, scoredFrom, scoredTo, teFirst, silentUnits, outputs, settingsRows };
}

/** Fits the plan's decoder, predicts and scores the test bins, and times single-sample prediction. */
export function fitSpikeDecoding(plan: SpikePlan, onEpoch?: (e: SpikeEpoch) => void): SpikeDecoding {
  const { config, tr, te, trS, teS, trY, scoredFrom, scoredTo, teFirst, outputs } = plan;
  const decoder = config.decoder;
  const D = trY.cols;
  const run = runner(decoder, tr, te, config.params, onEpoch);
  const t0 = performance.now();
  const fitted = run.fit();
  const fitSeconds = (performance.now() - t0) / 1e3;
  const predAll = run.predictTest();
  for (let i = 0; i < predAll.data.length; i++) {
    if (!Number.isFinite(predAll.data[i]!)) throw new ArgumentError(`${op}: the ${decoder} decoder predicted ${predAll.data[i]} at test bin ${teFirst + Math.floor(i / D)} (training diverged? try a lower --lr)`);
  }
  const latencyUs = medianLatencyUs(run.predictOne);
  const pred = rowsOf(predAll, scoredFrom - teFirst, scoredTo - teFirst);
  const truth = rowsOf(te.y, scoredFrom - teFirst, scoredTo - teFirst);
  const scoredBins = Array.from({ length: scoredTo - scoredFrom }, (_, i) => scoredFrom + i);
  const bins: SpikeDecodeBins = { trainData: trS.rows, testData: teS.rows, fit: fitted.fit, valid: fitted.valid, refitOnValid: fitted.refitOnValid, scoredFrom, scoredTo, scored: scoredTo - scoredFrom };
  const fitLines = fitReportLines(fitted, bins, trS.cols);
  const [r2, r, e] = [r2Score(truth, pred), pearsonR(truth, pred), rmse(truth, pred)];
  const metrics = outputs.map((output, k) => ({ output, r2: r2[k]!, pearson: r[k]!, rmse: e[k]! }));
  const extra = { ...(fitted.kalman ? { kalman: fitted.kalman } : {}), ...(fitted.alphaSelection ? { alphaSelection: fitted.alphaSelection } : {}), ...(fitted.earlyStopping ? { earlyStopping: fitted.earlyStopping } : {}), ...(fitted.curves?.length ? { curves: fitted.curves } : {}) };
  return {
    config, outputs, metrics, units: trS.cols, nTrain: tr.n, nTest: bins.scored, bins, silentUnits: plan.silentUnits, ...extra,
    scoredBins, fitSeconds, latencyUs, latencyCalls: LATENCY_CALLS, truth, pred,
    settings: [...plan.settingsRows, ...fitLines], fitLines, fitted: run.fitted(),
  };
}

/** Plans and fits in one call: the library form of `dendrite decode spikes` (bytes of a .mat file in). */
export function runSpikeDecoding(bytes: Uint8Array, file: string, options: SpikeDecodingOptions, onEpoch?: (e: SpikeEpoch) => void): SpikeDecoding {
  const settings = resolveSpikeSettings(options);
  return fitSpikeDecoding(planSpikeDecoding(readSpikeMat(bytes, file), file, settings), onEpoch);
}

/** How the latency was measured, as results.json says it. */
export function latencyNote(decoder: SpikeDecoderName): string {
  return `${decoder === 'kalman' ? 'filter step' : 'single-sample predict'}, median of ${LATENCY_CALLS} calls after ${LATENCY_WARMUP} warm-up calls`;
}

/** The contents of results.json: settings, bin counts, what was chosen or dropped, metrics, per-bin predictions. */
export function spikeResultsJson(r: SpikeDecoding): Record<string, unknown> {
  const extra = { ...(r.kalman ? { kalman: r.kalman } : {}), ...(r.alphaSelection ? { alphaSelection: r.alphaSelection } : {}), ...(r.earlyStopping ? { earlyStopping: r.earlyStopping } : {}), ...(r.curves?.length ? { curves: r.curves } : {}) };
  const predictions = { bin: r.scoredBins, truth: rowArrays(r.truth), pred: rowArrays(r.pred) };
  return { config: r.config, units: r.units, silentUnits: r.silentUnits, outputs: r.outputs, nTrain: r.nTrain, nTest: r.nTest, bins: r.bins, ...extra, metrics: r.metrics, fitSeconds: r.fitSeconds, latencyUs: r.latencyUs, latency: latencyNote(r.config.decoder), predictions };
}

/** The report page's contents (report/spike_report.ts draws it). */
export function spikeReport(r: SpikeDecoding): SpikeReport {
  return {
    title: `Spike decoding — ${r.config.decoder}`,
    settings: r.settings,
    outputs: r.metrics.map((m) => ({ name: m.output, r2: m.r2, pearson: m.pearson, rmse: m.rmse })),
    truth: r.truth, pred: r.pred, fitSeconds: r.fitSeconds, latencyUs: r.latencyUs,
    ...(r.curves?.length ? { curves: r.curves } : {}),
  };
}

/** Median µs of `call` over LATENCY_CALLS calls after LATENCY_WARMUP unmeasured ones. */
function medianLatencyUs(call: (i: number) => void): number {
  for (let i = 0; i < LATENCY_WARMUP; i++) call(i);
  const t = new Float64Array(LATENCY_CALLS);
  for (let i = 0; i < LATENCY_CALLS; i++) {
    const t0 = performance.now();
    call(i);
    t[i] = (performance.now() - t0) * 1e3;
  }
  t.sort();
  return t[LATENCY_CALLS >> 1]!;
}
