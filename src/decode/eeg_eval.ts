// One train/test fold of EEG decoding, for the CLI (`dendrite decode eeg`) and the evaluation
// bench: the classic CSP + LDA baseline, or a deep model trained with fit(). Training data
// never see the test runs: filters run per run, standardisation is causal and per run.

import { ArgumentError } from '../errors.js';
import type { Module } from '../nn/module.js';
import type { Raw } from '../neuro/raw.js';
import { manualSeed } from '../tensor/random.js';
import { LDA } from './lda.js';
import { CSP } from './csp.js';
import { accuracyScore, balancedAccuracyScore, cohenKappaScore, confusionMatrix } from './metrics.js';
import { ConcatWindows, decodeDeep, preprocess, trialWindows } from './eeg_pipeline.js';
import { augmentation, FrequencyShift, SignFlip, SmoothTimeMask, TimeReverse, GaussianNoise } from './augment.js';
import type { HistoryRow } from './trainer.js';
import { ShallowFBCSPNet } from '../models/shallow_fbcsp.js';

export type ModelFactory = (nChans: number, nOutputs: number, nTimes: number, sfreq: number) => Module;

/** Deep models by name; models/ register theirs here (ShallowFBCSPNet is built in). */
export interface EegModelSpec {
  make: ModelFactory;
  lr: number;
  weightDecay: number;
  /** Called after every optimiser step (EEGNet's max-norm constraint). */
  afterStep?: (m: Module) => void;
}

export const eegModels = new Map<string, EegModelSpec>([
  // Braindecode's recommended optimiser settings per model
  ['shallow', { make: (c, o, t, sfreq) => new ShallowFBCSPNet({ nChans: c, nOutputs: o, nTimes: t, sfreq }), lr: 0.0625 * 0.01, weightDecay: 0 }],
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
  const band = cfg.band ?? [4, 38];
  const w = { mapping: cfg.mapping, tmin: cfg.tmin ?? 0, tmax: cfg.tmax ?? 4 };
  const prep = (runs: Raw[], what: string) => new ConcatWindows(runs.map((r, i) => trialWindows(preprocess(r, { band }), w, `${what} run ${i + 1}`)));
  const tr = prep(fold.train, 'training');
  const te = prep(fold.test, 'test');
  const sfreq = fold.train[0]!.info.sfreq;
  const nChans = tr.parts[0]!.nChannels;
  const nTimes = Math.round((w.tmax - w.tmin) * sfreq);
  manualSeed(cfg.seed ?? 0);
  const net = spec.make(nChans, nClasses, nTimes, sfreq);
  const aug = cfg.augment === false ? undefined : augmentation(
    new TimeReverse({ probability: 0.25 }), new SignFlip({ probability: 0.25 }), new GaussianNoise({ probability: 0.25, std: 0.1 }),
    new FrequencyShift({ probability: 0.25, sfreq, maxDeltaFreq: 2 }), new SmoothTimeMask({ probability: 0.25, maskLenSamples: Math.round(0.2 * sfreq) }),
  );
  const r = decodeDeep(net, tr, te, {
    epochs: cfg.epochs ?? 60, batchSize: cfg.batchSize ?? 16, lr: cfg.lr ?? spec.lr, weightDecay: spec.weightDecay, seed: cfg.seed ?? 0,
    ...(aug ? { augment: aug } : {}), ...(cfg.onEpoch ? { onEpoch: cfg.onEpoch } : {}),
    ...(spec.afterStep ? { afterStep: () => spec.afterStep!(net) } : {}),
  });
  return metrics(fold.name, model, r.testTarget, r.testPred, nClasses, tr.length, (performance.now() - t0) / 1000, r.history);
}
