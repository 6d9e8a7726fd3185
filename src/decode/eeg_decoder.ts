// A trained EEG decoder and everything needed to apply it to another recording: the model
// (CSP + LDA, or a deep net), the channels it was trained on (by name, in order), the sampling
// rate, band, window and event mapping. trainDecoder() fits one on training runs;
// applyDecoder() predicts the trials of other runs — the same path for a decoder just trained
// and one loaded from disk (eeg_model_io.ts), so both give the same predictions.
// x: (B, C, T)  B=trials, C=EEG channels, T=window samples

import { ArgumentError, ShapeError } from '../errors.js';
import type { Module } from '../nn/module.js';
import { manualSeed } from '../tensor/random.js';
import type { Raw } from '../neuro/raw.js';
import { LDA } from './estimators/lda.js';
import { CSP } from './estimators/csp.js';
import { ConcatWindows, preprocess, trialWindows } from './eeg_pipeline.js';
import { augmentation, FrequencyShift, SignFlip, SmoothTimeMask, TimeReverse, GaussianNoise } from './augment.js';
import { fit, predictProba, type HistoryRow } from './trainer.js';
import { eegModels, type EegModelSpec } from '../models/registry.js';
import { toDensePredictionModel, nPredsPerInput, type DenseCapable } from '../models/dense.js';
import { croppedLoss, predictTrialsCropped } from './cropped.js';

export { eegModels, type EegModelSpec, type ModelFactory } from '../models/registry.js';

/**
 * CSP + LDA variants: 'csp-lda' is MNE's motor-imagery example (sklearn's default LDA, solver
 * 'svd', no shrinkage); 'csp-slda' uses Ledoit-Wolf shrinkage LDA (solver 'lsqr', shrinkage
 * 'auto'), steadier when there are few trials per feature.
 */
export const cspModels: ReadonlyMap<string, { label: string; lda: { solver: 'svd' | 'lsqr'; shrinkage: 'auto' | null } }> = new Map([
  ['csp-lda', { label: 'CSP+LDA', lda: { solver: 'svd' as const, shrinkage: null } }],
  ['csp-slda', { label: 'CSP+shrinkage LDA', lda: { solver: 'lsqr' as const, shrinkage: 'auto' as const } }],
]);

/** Every model name decode accepts. */
export function modelNames(): string[] {
  return [...cspModels.keys(), ...eegModels.keys()];
}

/** Throws an ArgumentError naming the accepted models unless `model` is one. */
export function checkModel(model: string): void {
  if (!cspModels.has(model) && !eegModels.has(model)) throw new ArgumentError(`decode: unknown model '${model}' (available: ${modelNames().join(', ')})`);
}

/** Band and window a model uses when the caller gives none: MNE's example for CSP, Braindecode's trialwise default for deep models. */
export function modelDefaults(model: string): { band: [number, number]; tmin: number; tmax: number } {
  return cspModels.has(model) ? { band: [7, 30], tmin: 1, tmax: 2 } : { band: [4, 38], tmin: 0, tmax: 4 };
}

/** Everything needed to rebuild a decoder and apply it to a new recording (saved as config JSON). */
export interface DecoderConfig {
  /** 'csp-lda', 'csp-slda' or a registered deep model. */
  model: string;
  /** What the result rows call it ('CSP+LDA', 'shallow (cropped)', ...). */
  label: string;
  /** A one-line description of preprocessing, window and training. */
  recipe: string;
  cropped: boolean;
  /** Cropped deep models: the classifier length the dense net was built with. */
  finalConvLength: number | null;
  nChans: number;
  nTimes: number;
  nOutputs: number;
  sfreq: number;
  /** The EEG channels, in the model's input order; other recordings are matched by name. */
  chNames: string[];
  /** Event description → class index. */
  mapping: Record<string, number>;
  classNames: string[];
  preprocess: { pick: 'eeg'; band: [number, number]; scale: number; emsFactor: number | null };
  window: { tmin: number; tmax: number; crop: { size: number; stride: number } | null };
  /** CSP + LDA: the estimators' settings. */
  csp: { nComponents: number; log: boolean } | null;
  lda: { solver: 'svd' | 'lsqr'; shrinkage: 'auto' | null } | null;
  /** How it was trained (for the record; not needed to apply it). */
  training: { epochs: number; batchSize: number; lr: number; weightDecay: number; seed: number; augment: boolean; optimizer: string } | { seed: number } | null;
}

export interface TrainedDecoder {
  config: DecoderConfig;
  csp?: CSP;
  lda?: LDA;
  net?: Module;
}

export interface DecodeSettings {
  mapping: Record<string, number>;
  classNames: string[];
  /** Band-pass in Hz (default: modelDefaults). */
  band?: readonly [number, number];
  /** Window after each event onset in seconds (default: modelDefaults). */
  tmin?: number;
  tmax?: number;
  epochs?: number;
  batchSize?: number;
  /** Learning rate (default: the model's registered one). */
  lr?: number;
  seed?: number;
  augment?: boolean;
  /** Deep models: cropped training with dense predictions (shallow, deep4). */
  cropped?: boolean;
  onEpoch?: (row: HistoryRow) => void;
}

/** Recordings and the names errors and results call them by (file paths; default 'run i'). */
export interface Runs {
  raws: Raw[];
  names?: string[];
}

export interface TrialPrediction {
  /** Index of the recording (in the order given) and the event onset in it, in seconds. */
  file: number;
  onset: number;
  target: number;
  pred: number;
  /** Class probabilities (LDA's; a deep net's softmax, of the mean crop logits when cropped). */
  proba: number[];
}

const runName = (r: Runs, i: number, what: string) => r.names?.[i] ?? `${what} run ${i + 1}`;

/** Picks `chNames` by name and in order from every run (reordering them); a missing channel or another sampling rate is an error. */
export function alignChannels(runs: Runs, chNames: readonly string[], sfreq: number, what: string): Raw[] {
  return runs.raws.map((raw, i) => {
    const name = runName(runs, i, what);
    if (raw.info.sfreq !== sfreq) throw new ShapeError(`decode: ${what} recording ${name} is sampled at ${raw.info.sfreq} Hz, the decoder at ${sfreq} Hz`);
    const eeg = raw.pick('eeg').info.chNames;
    const have = new Set(eeg);
    const missing = chNames.filter((c) => !have.has(c));
    if (missing.length) {
      throw new ShapeError(`decode: ${what} recording ${name} has no channel ${missing.map((c) => `'${c}'`).join(', ')} of the ${chNames.length} the decoder uses; its EEG channels are ${eeg.join(', ')}`);
    }
    return raw.pick([...chNames]);
  });
}

/** Trials per class (windows that start a trial). */
export function classCounts(ds: ConcatWindows, nClasses: number): number[] {
  const n = new Array<number>(nClasses).fill(0);
  for (const p of ds.parts) for (const w of p.windows) if (w.iWindowInTrial === 0) n[w.target]!++;
  return n;
}

/** Every class needs trials: else an ArgumentError naming the class, its events and the events the recordings have. */
function requireAllClasses(counts: number[], runs: Runs, cfg: { mapping: Record<string, number>; classNames: string[] }, what: string): void {
  const empty = counts.flatMap((n, k) => (n === 0 ? [k] : []));
  if (empty.length === 0) return;
  const have = [...new Set(runs.raws.flatMap((r) => [...r.annotations.description]))].sort();
  const desc = (k: number) => Object.keys(cfg.mapping).filter((d) => cfg.mapping[d] === k);
  const parts = empty.map((k) => {
    const ev = desc(k);
    const found = ev.filter((d) => have.includes(d));
    return `class '${cfg.classNames[k]}' (event ${ev.join(' or ')}${found.length ? ': present, but every trial is cut by the recording edges' : ''})`;
  });
  const files = runs.names?.length ? ` (${runs.names.join(', ')})` : '';
  throw new ArgumentError(`decode: no ${what} trials of ${parts.join(', ')}; the ${what} recordings${files} have events ${have.join(', ') || 'none'}`);
}

function windows(dec: DecoderConfig, raws: Raw[], runs: Runs, what: string): ConcatWindows {
  const { band, scale, emsFactor } = dec.preprocess;
  const w = { mapping: dec.mapping, tmin: dec.window.tmin, tmax: dec.window.tmax, ...(dec.window.crop ? { crop: dec.window.crop } : {}) };
  return new ConcatWindows(raws.map((r, i) => trialWindows(preprocess(r, { band, scale, emsFactor }), w, runName(runs, i, what))));
}

/** One row per trial: its recording, onset (s) and target, in window order. */
function trialList(ds: ConcatWindows, tmin: number): { file: number; onset: number; target: number }[] {
  return ds.parts.flatMap((p, file) => {
    const s0 = Math.round(tmin * p.raw.info.sfreq);
    return p.windows.filter((w) => w.iWindowInTrial === 0).map((w) => ({ file, onset: (w.start - s0) / p.raw.info.sfreq, target: w.target }));
  });
}

function argmax(v: ArrayLike<number>): number {
  let b = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[b]!) b = i;
  return b;
}

function softmax(v: ArrayLike<number>): number[] {
  let m = -Infinity;
  for (let i = 0; i < v.length; i++) m = Math.max(m, v[i]!);
  const e = Array.from(v, (x) => Math.exp(x - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / z);
}

export interface Trained {
  decoder: TrainedDecoder;
  history: HistoryRow[];
  /** Training trials per class. */
  counts: number[];
  nTrain: number;
}

/**
 * Trains `model` on the training runs. The first run's EEG channels (by name) and sampling
 * rate define the decoder; later runs are matched to them by name. requireClasses (default
 * true): every class needs training trials.
 */
export function trainDecoder(model: string, train: Runs, s: DecodeSettings, opts: { requireClasses?: boolean } = {}): Trained {
  checkModel(model);
  if (train.raws.length === 0) throw new ArgumentError('decode: no training recordings');
  const nClasses = s.classNames.length;
  const classIdx = new Set(Object.values(s.mapping));
  if (classIdx.size !== nClasses || [...classIdx].some((k) => !(k >= 0 && k < nClasses))) {
    throw new ArgumentError(`decode: the event mapping uses class indices ${[...classIdx].join(', ')}, expected 0..${nClasses - 1} for ${s.classNames.join(', ')}`);
  }
  const def = modelDefaults(model);
  const band: [number, number] = s.band ? [s.band[0], s.band[1]] : def.band;
  const tmin = s.tmin ?? def.tmin;
  const tmax = s.tmax ?? def.tmax;
  const seed = s.seed ?? 0;
  const first = train.raws[0]!;
  const sfreq = first.info.sfreq;
  const chNames = first.pick('eeg').info.chNames;
  const raws = alignChannels(train, chNames, sfreq, 'training');
  const nTimes = Math.round((tmax - tmin) * sfreq);
  const base = { model, chNames, sfreq, nChans: chNames.length, nTimes, nOutputs: nClasses, mapping: { ...s.mapping }, classNames: [...s.classNames] };
  const fmt = `${band[0]}-${band[1]} Hz ${tmin}-${tmax} s`;
  const csp = cspModels.get(model);
  if (csp) {
    const config: DecoderConfig = {
      ...base, label: csp.label, cropped: false, finalConvLength: null,
      recipe: `${fmt}, CSP (4 components, log power) + LDA (${csp.lda.solver}${csp.lda.shrinkage ? ', Ledoit-Wolf shrinkage' : ''})`,
      preprocess: { pick: 'eeg', band, scale: 1, emsFactor: null }, window: { tmin, tmax, crop: null },
      csp: { nComponents: 4, log: true }, lda: { ...csp.lda }, training: { seed },
    };
    const tr = windows(config, raws, train, 'training');
    const counts = classCounts(tr, nClasses);
    if (opts.requireClasses ?? true) requireAllClasses(counts, train, s, 'training');
    const [x, y] = tr.getBatch(Int32Array.from({ length: tr.length }, (_, i) => i));
    const ytrain = [...y.dataSync()];
    const c = new CSP({ nComponents: 4, log: true });
    const features = c.fitTransform(x, ytrain);
    x.dispose();
    y.dispose();
    const lda = new LDA(csp.lda).fit(features, ytrain);
    return { decoder: { config, csp: c, lda }, history: [], counts, nTrain: ytrain.length };
  }
  const spec = eegModels.get(model)!;
  manualSeed(seed);
  let net: Module;
  let crop: { size: number; stride: number } | null = null;
  let finalConvLength: number | null = null;
  if (s.cropped) {
    const d = makeDense(model, spec, chNames.length, nClasses, nTimes, sfreq);
    net = d.net;
    finalConvLength = d.finalConvLength;
    crop = { size: nTimes, stride: nPredsPerInput(net, chNames.length, nTimes) };
  } else net = spec.make(chNames.length, nClasses, nTimes, sfreq);
  const augment = s.augment !== false;
  const o = { epochs: s.epochs ?? spec.epochs ?? 60, batchSize: s.batchSize ?? 16, lr: s.lr ?? spec.lr, weightDecay: spec.weightDecay, seed };
  const config: DecoderConfig = {
    ...base, label: s.cropped ? `${model} (cropped)` : model, cropped: !!s.cropped, finalConvLength,
    recipe: `${s.cropped ? 'cropped' : 'trialwise'} ${fmt}, ${o.epochs} epoch${o.epochs === 1 ? '' : 's'}${augment ? ', augmented' : ''}`,
    preprocess: { pick: 'eeg', band, scale: 1e6, emsFactor: 1e-3 }, window: { tmin, tmax, crop },
    csp: null, lda: null, training: { ...o, augment, optimizer: 'AdamW + cosine annealing' },
  };
  const tr = windows(config, raws, train, 'training');
  const counts = classCounts(tr, nClasses);
  if (opts.requireClasses ?? true) requireAllClasses(counts, train, s, 'training');
  const aug = augment ? augmentation(
    new TimeReverse({ probability: 0.25 }), new SignFlip({ probability: 0.25 }), new GaussianNoise({ probability: 0.25, std: 0.1 }),
    new FrequencyShift({ probability: 0.25, sfreq, maxDeltaFreq: 2 }), new SmoothTimeMask({ probability: 0.25, maskLenSamples: Math.round(0.2 * sfreq) }),
  ) : undefined;
  manualSeed(seed);
  const { history } = fit(net, tr, null, {
    ...o, ...(aug ? { augment: aug } : {}), ...(s.onEpoch ? { onEpoch: s.onEpoch } : {}),
    ...(spec.afterStep ? { afterStep: () => spec.afterStep!(net) } : {}),
    ...(s.cropped ? { lossFn: croppedLoss } : {}),
  });
  return { decoder: { config, net }, history, counts, nTrain: tr.length };
}

export interface Applied {
  trials: TrialPrediction[];
  /** Test trials per class. */
  counts: number[];
}

/**
 * Predicts the trials of `test` runs with a trained or loaded decoder: channels matched by
 * name, then the decoder's own preprocessing and window. requireClasses (default true):
 * every class needs trials, so the scores mean what they say.
 */
export function applyDecoder(dec: TrainedDecoder, test: Runs, opts: { requireClasses?: boolean; what?: string } = {}): Applied {
  const c = dec.config;
  const what = opts.what ?? 'test';
  if (test.raws.length === 0) throw new ArgumentError(`decode: no ${what} recordings`);
  const raws = alignChannels(test, c.chNames, c.sfreq, what);
  const te = windows(c, raws, test, what);
  const counts = classCounts(te, c.nOutputs);
  if (opts.requireClasses ?? true) requireAllClasses(counts, test, c, what);
  const rows = trialList(te, c.window.tmin);
  let proba: number[][];
  if (dec.csp && dec.lda) {
    const [x, y] = te.getBatch(Int32Array.from({ length: te.length }, (_, i) => i));
    const f = dec.csp.transform(x);
    x.dispose();
    y.dispose();
    const pred = dec.lda.predict(f);
    proba = dec.lda.predictProba(f);
    // LDA's classes are the class indices seen in training
    const full = proba.map((p) => {
      const out = new Array<number>(c.nOutputs).fill(0);
      p.forEach((v, j) => { out[dec.lda!.classes[j]!] = v; });
      return out;
    });
    return { trials: rows.map((r, i) => ({ ...r, pred: pred[i]!, proba: full[i]! })), counts };
  }
  if (!dec.net) throw new ArgumentError(`decode: decoder '${c.model}' holds no model`);
  if (c.cropped) {
    const r = predictTrialsCropped(dec.net, te);
    proba = r.logits.map(softmax);
    return { trials: rows.map((row, i) => ({ ...row, pred: r.pred[i]!, proba: proba[i]! })), counts };
  }
  const p = predictProba(dec.net, te);
  const K = p.classes;
  return {
    trials: rows.map((row, i) => {
      const pr = Array.from(p.proba.subarray(i * K, (i + 1) * K));
      return { ...row, pred: argmax(pr), proba: pr };
    }),
    counts,
  };
}

/** The deep net a config describes, untrained (weights come from a state dict). */
export function buildNet(c: DecoderConfig): Module {
  const spec = eegModels.get(c.model);
  if (!spec) throw new ArgumentError(`decode: unknown deep model '${c.model}' (available: ${[...eegModels.keys()].join(', ')})`);
  if (!c.cropped) return spec.make(c.nChans, c.nOutputs, c.nTimes, c.sfreq);
  if (!spec.makeCropped) throw new ArgumentError(`decode: model '${c.model}' has no cropped (dense) form`);
  if (c.finalConvLength === null) throw new ArgumentError(`decode: a cropped '${c.model}' needs its finalConvLength`);
  return toDensePredictionModel(spec.makeCropped(c.nChans, c.nOutputs, c.nTimes, c.sfreq, c.finalConvLength));
}

/** A dense model for `nTimes`-sample windows whose classifier sees about half the window. */
function makeDense(model: string, spec: EegModelSpec, nChans: number, nClasses: number, nTimes: number, sfreq: number): { net: Module; finalConvLength: number } {
  if (!spec.makeCropped) throw new ArgumentError(`decode: model '${model}' has no cropped (dense) form; cropped decoding needs shallow or deep4`);
  const rf = (k: number) => (spec.makeCropped!(nChans, nClasses, nTimes, sfreq, k) as DenseCapable).receptiveField;
  const rf1 = rf(1);
  if (rf1 > nTimes) throw new ArgumentError(`decode: a ${nTimes}-sample window is shorter than ${model}'s smallest receptive field (${rf1} samples)`);
  const step = rf(2) - rf1;
  const k = Math.max(1, Math.floor((nTimes / 2 - rf1) / step) + 1);
  return { net: toDensePredictionModel(spec.makeCropped(nChans, nClasses, nTimes, sfreq, k)), finalConvLength: k };
}
