// One train/test fold of EEG decoding, for the CLI (`dendrite decode eeg`) and the evaluation
// bench: the classic CSP + LDA baseline, or a deep model trained with fit() (eeg_decoder.ts),
// scored with the confusion matrix, chance level and a binomial test against it. Training
// data never see the test runs: filters run per run, standardisation is causal and per run.
// Nested validation chooses a deep model's preprocessing recipe on the training runs only.

import { ArgumentError } from '../errors.js';
import { accuracyScore, balancedAccuracyScore, binomialTestGreater, cohenKappaScore, confusionMatrix } from './metrics.js';
import type { HistoryRow } from './trainer.js';
import { Raw } from '../neuro/raw.js';
import { Annotations } from '../neuro/annotations.js';
import { applyDecoder, trainDecoder, type Applied, type DecodeSettings, type DecoderConfig, type Trained, type TrialPrediction } from './eeg_decoder.js';

import { eegModels } from '../models/registry.js';

export { eegModels, type EegModelSpec, type ModelFactory } from '../models/registry.js';
export { cspModels, modelNames } from './eeg_decoder.js';

export interface FoldData {
  name: string;
  train: Raw[];
  test: Raw[];
  /** What errors and results call the recordings (file paths); default 'training run i'. */
  trainNames?: string[];
  testNames?: string[];
}

/** Settings of one fold (see DecodeSettings); band and window default to the model's own. */
export type EvalConfig = DecodeSettings;

export interface FoldResult {
  fold: string;
  model: string;
  accuracy: number;
  balancedAccuracy: number;
  kappa: number;
  /** Share of the most frequent class in the test set: the accuracy of always guessing it. */
  chance: number;
  /** One-sided exact binomial p-value of the correct count against `chance`. */
  pValue: number;
  nCorrect: number;
  /** Rows: true class, columns: predicted class. */
  confusion: number[][];
  /** Trials per class in training and test. */
  classCounts: { train: number[]; test: number[] };
  nTrain: number;
  nTest: number;
  seconds: number;
  /** Per test trial: recording, onset, target, prediction, class probabilities. */
  trials: TrialPrediction[];
  /** The decoder's settings: channels, band, window, mapping, recipe, training. */
  config: DecoderConfig;
  history?: HistoryRow[];
}

/** Scores the predictions of a decoder on its test trials. */
export function scoreFold(fold: string, trained: Pick<Trained, 'history' | 'nTrain'> & { counts: number[] }, config: DecoderConfig, applied: Applied, seconds: number): FoldResult {
  const target = applied.trials.map((t) => t.target);
  const pred = applied.trials.map((t) => t.pred);
  const labels = Array.from({ length: config.nOutputs }, (_, i) => i);
  const chance = Math.max(...applied.counts) / Math.max(1, target.length);
  const nCorrect = accuracyScore(target, pred, false);
  return {
    fold, model: config.label, nTrain: trained.nTrain, nTest: target.length, seconds,
    accuracy: accuracyScore(target, pred),
    balancedAccuracy: balancedAccuracyScore(target, pred),
    kappa: cohenKappaScore(target, pred, { labels }),
    chance, nCorrect, pValue: binomialTestGreater(nCorrect, target.length, chance),
    confusion: confusionMatrix(target, pred, { labels }),
    classCounts: { train: trained.counts, test: applied.counts },
    trials: applied.trials, config,
    ...(trained.history.length ? { history: trained.history } : {}),
  };
}

/**
 * Runs one fold with `model` ('csp-lda', 'csp-slda' or a registered deep model): trains on
 * the training runs (every class must have trials), predicts the test runs (channels matched
 * by name), and scores the predictions.
 */
export function runFold(model: string, fold: FoldData, cfg: EvalConfig): FoldResult {
  const t0 = performance.now();
  const trained = trainDecoder(model, { raws: fold.train, ...(fold.trainNames ? { names: fold.trainNames } : {}) }, cfg);
  const applied = applyDecoder(trained.decoder, { raws: fold.test, ...(fold.testNames ? { names: fold.testNames } : {}) });
  return scoreFold(fold.name, trained, trained.decoder.config, applied, (performance.now() - t0) / 1000);
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
  // an inner split may miss a class: it is scored as it is, not refused
  const lenient = { requireClasses: false };
  const innerAccuracy = usable.map((rc) => {
    if (usable.length === 1) return { recipe: rc.name, accuracy: NaN };
    const accs = inner.map(([tr, va]) => {
      const d = trainDecoder(model, { raws: tr }, { ...innerCfg, ...rc }, lenient);
      const t = applyDecoder(d.decoder, { raws: va }, { ...lenient, what: 'validation' }).trials;
      return t.filter((x) => x.pred === x.target).length / Math.max(1, t.length);
    });
    return { recipe: rc.name, accuracy: accs.reduce((x, y) => x + y, 0) / accs.length };
  });
  let best = 0;
  innerAccuracy.forEach((a, i) => { if (a.accuracy > innerAccuracy[best]!.accuracy) best = i; });
  const rc = usable[best]!;
  const r = runFold(model, fold, { ...cfg, ...rc });
  return { ...r, model, seconds: (performance.now() - t0) / 1000, recipe: rc.name, innerAccuracy };
}
