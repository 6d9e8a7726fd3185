// One train/test fold of EEG decoding, for the CLI (`dendrite decode eeg`) and the evaluation
// bench: the classic CSP + LDA baseline, or a deep model trained with fit(). Training data
// never see the test runs: filters run per run, standardisation is causal and per run.

import { ArgumentError } from '../errors.js';
import type { Module } from '../nn/module.js';
import { manualSeed } from '../tensor/random.js';
import { LDA } from './lda.js';
import { CSP } from './csp.js';
import { accuracyScore, balancedAccuracyScore, cohenKappaScore, confusionMatrix } from './metrics.js';
import { ConcatWindows, decodeDeep, preprocess, trialWindows } from './eeg_pipeline.js';
import { augmentation, FrequencyShift, SignFlip, SmoothTimeMask, TimeReverse, GaussianNoise } from './augment.js';
import type { HistoryRow } from './trainer.js';
import { ShallowFBCSPNet } from '../models/shallow_fbcsp.js';
import { toDensePredictionModel, nPredsPerInput, type DenseCapable } from '../models/dense.js';
import { Raw } from '../neuro/raw.js';
import { Annotations } from '../neuro/annotations.js';
import { croppedLoss, predictTrialsCropped } from './cropped.js';
import { fit } from './trainer.js';

export type ModelFactory = (nChans: number, nOutputs: number, nTimes: number, sfreq: number) => Module;

/** Deep models by name; models/ register theirs here (ShallowFBCSPNet is built in). */
export interface EegModelSpec {
  make: ModelFactory;
  lr: number;
  weightDecay: number;
  /** Called after every optimiser step (EEGNet's max-norm constraint). */
  afterStep?: (m: Module) => void;
  /** Training epochs when the caller gives none (default 60). */
  epochs?: number;
  /** Builds the model with a classifier of `finalConvLength` steps, for cropped decoding. */
  makeCropped?: (nChans: number, nOutputs: number, nTimes: number, sfreq: number, finalConvLength: number) => Module;
}

export const eegModels = new Map<string, EegModelSpec>([
  // Braindecode's recommended optimiser settings per model
  ['shallow', {
    make: (c, o, t, sfreq) => new ShallowFBCSPNet({ nChans: c, nOutputs: o, nTimes: t, sfreq }),
    makeCropped: (c, o, t, sfreq, k) => new ShallowFBCSPNet({ nChans: c, nOutputs: o, nTimes: t, sfreq, finalConvLength: k }),
    lr: 0.0625 * 0.01, weightDecay: 0,
  }],
]);

export interface FoldData {
  name: string;
  train: Raw[];
  test: Raw[];
}

export interface EvalConfig {
  mapping: Record<string, number>;
  classNames: string[];
  /** Deep models: band, window (s after onset), training settings. */
  band?: readonly [number, number];
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
  /** CSP + LDA: band and window (MNE's example: 7-30 Hz, 1-2 s). */
  cspBand?: readonly [number, number];
  cspTmin?: number;
  cspTmax?: number;
  onEpoch?: (row: HistoryRow) => void;
}

export interface FoldResult {
  fold: string;
  model: string;
  accuracy: number;
  balancedAccuracy: number;
  kappa: number;
  /** Share of the most frequent class in the test set. */
  chance: number;
  confusion: number[][];
  nTrain: number;
  nTest: number;
  seconds: number;
  history?: HistoryRow[];
}

function metrics(fold: string, model: string, target: number[], pred: number[], nClasses: number, nTrain: number, seconds: number, history?: HistoryRow[]): FoldResult {
  const labels = Array.from({ length: nClasses }, (_, i) => i);
  const counts = labels.map((l) => target.filter((t) => t === l).length);
  return {
    fold, model, nTrain, nTest: target.length, seconds,
    accuracy: accuracyScore(target, pred),
    balancedAccuracy: balancedAccuracyScore(target, pred),
    kappa: cohenKappaScore(target, pred, { labels }),
    chance: Math.max(...counts) / Math.max(1, target.length),
    confusion: confusionMatrix(target, pred, { labels }),
    ...(history ? { history } : {}),
  };
}

/** Runs one fold with `model` ('csp-lda' or a registered deep model). */
export function runFold(model: string, fold: FoldData, cfg: EvalConfig): FoldResult {
  const t0 = performance.now();
  const nClasses = new Set(Object.values(cfg.mapping)).size;
  if (model === 'csp-lda') {
    const band = cfg.cspBand ?? [7, 30];
    const w = { mapping: cfg.mapping, tmin: cfg.cspTmin ?? 1, tmax: cfg.cspTmax ?? 2 };
    const prep = (runs: Raw[], what: string) => new ConcatWindows(runs.map((r, i) => trialWindows(preprocess(r, { band, scale: 1, emsFactor: null }), w, `${what} run ${i + 1}`)));
    const tr = prep(fold.train, 'training');
    const te = prep(fold.test, 'test');
    const [xtr, ytr] = tr.getBatch(Int32Array.from({ length: tr.length }, (_, i) => i));
    const [xte, yte] = te.getBatch(Int32Array.from({ length: te.length }, (_, i) => i));
    const ytrain = [...ytr.dataSync()];
    const csp = new CSP({ nComponents: 4 });
    const ftr = csp.fitTransform(xtr, ytrain);
    const lda = new LDA({ solver: 'lsqr', shrinkage: 'auto' });
    lda.fit(ftr, ytrain);
    const pred = lda.predict(csp.transform(xte));
    const target = [...yte.dataSync()];
    for (const t of [xtr, ytr, xte, yte]) t.dispose();
    return metrics(fold.name, 'CSP+LDA', target, pred, nClasses, ytrain.length, (performance.now() - t0) / 1000);
  }
  const spec = eegModels.get(model);
  if (!spec) throw new ArgumentError(`decode: unknown model '${model}' (available: csp-lda, ${[...eegModels.keys()].join(', ')})`);
  const r = deepFold(model, spec, fold.train, fold.test, cfg);
  return metrics(fold.name, r.name, r.target, r.pred, nClasses, r.nTrain, (performance.now() - t0) / 1000, r.history);
}

/**
 * Trains a deep model on `train` runs and predicts the trials of `test` runs. Cropped: the net
 * is built for the whole trial window with a classifier that sees about half of it
 * (finalConvLength), made dense, trained with CroppedLoss on every crop position at once, and
 * a trial is predicted from the mean of its dense predictions.
 */
function deepFold(model: string, spec: EegModelSpec, train: Raw[], test: Raw[], cfg: EvalConfig): { name: string; target: number[]; pred: number[]; history: HistoryRow[]; nTrain: number } {
  const nClasses = new Set(Object.values(cfg.mapping)).size;
  const band = cfg.band ?? [4, 38];
  const tmin = cfg.tmin ?? 0;
  const tmax = cfg.tmax ?? 4;
  const sfreq = train[0]!.info.sfreq;
  const nTimes = Math.round((tmax - tmin) * sfreq);
  manualSeed(cfg.seed ?? 0);
  let net: Module;
  let crop: { size: number; stride: number } | undefined;
  const nChans = train[0]!.pick('eeg').info.chNames.length;
  if (cfg.cropped) {
    net = makeDense(model, spec, nChans, nClasses, nTimes, sfreq);
    crop = { size: nTimes, stride: nPredsPerInput(net, nChans, nTimes) };
  } else net = spec.make(nChans, nClasses, nTimes, sfreq);
  const w = { mapping: cfg.mapping, tmin, tmax, ...(crop ? { crop } : {}) };
  const prep = (runs: Raw[], what: string) => new ConcatWindows(runs.map((r, i) => trialWindows(preprocess(r, { band }), w, `${what} run ${i + 1}`)));
  const tr = prep(train, 'training');
  const te = prep(test, 'test');
  const aug = cfg.augment === false ? undefined : augmentation(
    new TimeReverse({ probability: 0.25 }), new SignFlip({ probability: 0.25 }), new GaussianNoise({ probability: 0.25, std: 0.1 }),
    new FrequencyShift({ probability: 0.25, sfreq, maxDeltaFreq: 2 }), new SmoothTimeMask({ probability: 0.25, maskLenSamples: Math.round(0.2 * sfreq) }),
  );
  const o = {
    epochs: cfg.epochs ?? spec.epochs ?? 60, batchSize: cfg.batchSize ?? 16, lr: cfg.lr ?? spec.lr, weightDecay: spec.weightDecay, seed: cfg.seed ?? 0,
    ...(aug ? { augment: aug } : {}), ...(cfg.onEpoch ? { onEpoch: cfg.onEpoch } : {}),
    ...(spec.afterStep ? { afterStep: () => spec.afterStep!(net) } : {}),
  };
  const name = cfg.cropped ? `${model} (cropped)` : model;
  if (!cfg.cropped) {
    const r = decodeDeep(net, tr, te, o);
    return { name, target: r.testTarget, pred: r.testPred, history: r.history, nTrain: tr.length };
  }
  manualSeed(o.seed);
  const { history } = fit(net, tr, null, { ...o, lossFn: (p, y) => croppedLoss(p, y) });
  const r = predictTrialsCropped(net, te);
  return { name, target: r.target, pred: r.pred, history, nTrain: tr.length };
}

/** A dense model for `nTimes`-sample windows whose classifier sees about half the window. */
function makeDense(model: string, spec: EegModelSpec, nChans: number, nClasses: number, nTimes: number, sfreq: number): Module {
  if (!spec.makeCropped) throw new ArgumentError(`decode: model '${model}' has no cropped (dense) form; cropped decoding needs shallow or deep4`);
  const rf = (k: number) => (spec.makeCropped!(nChans, nClasses, nTimes, sfreq, k) as DenseCapable).receptiveField;
  const rf1 = rf(1);
  if (rf1 > nTimes) throw new ArgumentError(`decode: a ${nTimes}-sample window is shorter than ${model}'s smallest receptive field (${rf1} samples)`);
  const step = rf(2) - rf1;
  const k = Math.max(1, Math.floor((nTimes / 2 - rf1) / step) + 1);
  return toDensePredictionModel(spec.makeCropped(nChans, nClasses, nTimes, sfreq, k));
}

/** A preprocessing and training recipe that nested validation can choose between. */
export interface Recipe {
  name: string;
  band: readonly [number, number];
  tmin: number;
  tmax: number;
  cropped: boolean;
}

/** Candidate recipes: Braindecode's trialwise default band/window, the mu-beta band, and both cropped. */
export const defaultRecipes: readonly Recipe[] = [
  { name: 'trialwise 4-38 Hz 0-4 s', band: [4, 38], tmin: 0, tmax: 4, cropped: false },
  { name: 'trialwise 8-30 Hz 0.5-3.5 s', band: [8, 30], tmin: 0.5, tmax: 3.5, cropped: false },
  { name: 'cropped 4-38 Hz 0-4 s', band: [4, 38], tmin: 0, tmax: 4, cropped: true },
  { name: 'cropped 8-30 Hz 0-4 s', band: [8, 30], tmin: 0, tmax: 4, cropped: true },
];

/**
 * Splits a run in time before trial k of the mapped events (k = ⌈fraction·n⌉), at the start of
 * that trial's window: the first part holds the earlier trials, the second (rebased) the rest.
 * Used for inner validation when a fold has a single training run.
 */
export function splitRun(raw: Raw, mapping: Record<string, number>, tmin: number, fraction = 2 / 3): [Raw, Raw] {
  const a = raw.annotations;
  const trials = [...a.onset.keys()].filter((i) => mapping[a.description[i]!] !== undefined);
  const k = Math.ceil(fraction * trials.length);
  if (k < 1 || k >= trials.length) throw new ArgumentError(`decode: cannot split a run of ${trials.length} trials for inner validation`);
  const cut = Math.max(1, raw.timeAsIndex(a.onset[trials[k]!]! + tmin));
  const sf = raw.info.sfreq;
  const keep = (lo: number, hi: number, shift: number) => {
    const idx = [...a.onset.keys()].filter((i) => a.onset[i]! * sf >= lo && a.onset[i]! * sf < hi);
    return new Annotations(idx.map((i) => a.onset[i]! - shift), idx.map((i) => a.duration[i]!), idx.map((i) => a.description[i]!), a.origTime);
  };
  return [
    new Raw(raw.data.map((d) => d.slice(0, cut)), { ...raw.info }, keep(-Infinity, cut, 0)),
    new Raw(raw.data.map((d) => d.slice(cut)), { ...raw.info }, keep(cut, Infinity, cut / sf)),
  ];
}

export interface SelectedFoldResult extends FoldResult {
  recipe: string;
  /** Mean inner-validation accuracy of every candidate, in order. */
  innerAccuracy: { recipe: string; accuracy: number }[];
}

/**
 * Nested validation: each candidate recipe is scored on the training runs only (leave one
 * training run out; a single run is split 2/3 : 1/3 in time), the best is retrained on all
 * training runs and tested once on the test runs. Ties go to the earlier candidate.
 */
export function runFoldSelected(model: string, fold: FoldData, cfg: EvalConfig, recipes: readonly Recipe[] = defaultRecipes): SelectedFoldResult {
  const t0 = performance.now();
  const spec = eegModels.get(model);
  if (!spec) throw new ArgumentError(`decode: unknown model '${model}' (available: ${[...eegModels.keys()].join(', ')})`);
  const usable = recipes.filter((r) => !r.cropped || spec.makeCropped);
  if (usable.length === 0) throw new ArgumentError(`decode: no candidate recipe fits model '${model}'`);
  const inner: [Raw[], Raw[]][] = fold.train.length >= 2
    ? fold.train.map((r, i) => [fold.train.filter((_, j) => j !== i), [r]])
    : usable.length > 1 ? [splitRun(fold.train[0]!, cfg.mapping, Math.min(...usable.map((r) => r.tmin))).map((r) => [r]) as [Raw[], Raw[]]] : [];
  const { onEpoch: _quiet, ...innerCfg } = cfg;
  const innerAccuracy = usable.map((rc) => {
    if (usable.length === 1) return { recipe: rc.name, accuracy: NaN };
    const accs = inner.map(([tr, va]) => {
      const r = deepFold(model, spec, tr, va, { ...innerCfg, ...rc });
      return r.pred.filter((p, i) => p === r.target[i]).length / Math.max(1, r.target.length);
    });
    return { recipe: rc.name, accuracy: accs.reduce((x, y) => x + y, 0) / accs.length };
  });
  let best = 0;
  innerAccuracy.forEach((a, i) => { if (a.accuracy > innerAccuracy[best]!.accuracy) best = i; });
  const rc = usable[best]!;
  const nClasses = new Set(Object.values(cfg.mapping)).size;
  const r = deepFold(model, spec, fold.train, fold.test, { ...cfg, ...rc });
  return { ...metrics(fold.name, model, r.target, r.pred, nClasses, r.nTrain, (performance.now() - t0) / 1000, r.history), recipe: rc.name, innerAccuracy };
}
