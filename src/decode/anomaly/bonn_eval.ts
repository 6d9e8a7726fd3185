// The whole Bonn evaluation on one set of segment-wise folds: the classical reference
// (Ledoit-Wolf Mahalanobis anomaly score; logistic regression diagnosis) and the deep models
// (convolutional autoencoder anomaly score; CNN diagnosis), with per-fold figures and timings.

import { ArgumentError } from '../../errors.js';
import type { Matrix } from '../../linalg/matrix.js';
import type { Fold } from '../cross_validation.js';
import type { HistoryRow } from '../trainer.js';
import { featureMatrix } from './features.js';
import { autoencoderScores, classifierProba, windowSpectra, type DeepFoldInfo } from './deep.js';
import { foldAurocs, logisticProba, mahalanobisScores, segmentFolds, summariseClassifier, type ClassifierResult, type ContrastResult } from './evaluate.js';

export const ANOMALY_MODELS = ['mahalanobis', 'autoencoder', 'cnn'] as const;
export type AnomalyModelName = (typeof ANOMALY_MODELS)[number];

export interface BonnInput {
  segments: readonly ArrayLike<number>[];
  sfreq: number;
  /** Set index (0..4 = Z, O, N, F, S) per segment. */
  set: ArrayLike<number>;
  /** Class (0 Z+O, 1 N+F, 2 S) per segment. */
  label: ArrayLike<number>;
}

export interface BonnEvalOptions {
  models?: readonly AnomalyModelName[];
  folds?: number;
  seed?: number;
  /** Epochs of the deep models (default: the registry's). */
  epochs?: number;
  onEpoch?: (model: string, fold: number, row: HistoryRow) => void;
  onModel?: (model: string, seconds: number) => void;
}

/** One row of the results table: an anomaly scorer has AUROCs, a classifier a balanced accuracy. */
export interface ModelResult {
  name: string;
  method: string;
  kind: 'anomaly' | 'classifier';
  contrasts?: ContrastResult[];
  /** Out-of-fold segment anomaly scores. */
  score?: Float64Array;
  classifier?: ClassifierResult;
  seconds: number;
  deepFolds?: DeepFoldInfo[];
}

export interface BonnEvaluation {
  folds: Fold[];
  foldOf: Int32Array;
  seed: number;
  results: ModelResult[];
}

export function evaluateBonn(data: BonnInput, o: BonnEvalOptions = {}): BonnEvaluation {
  const models = o.models ?? ANOMALY_MODELS;
  for (const m of models) if (!(ANOMALY_MODELS as readonly string[]).includes(m)) throw new ArgumentError(`evaluateBonn: unknown model '${m}' (${ANOMALY_MODELS.join(', ')})`);
  const seed = o.seed ?? 0;
  const folds = segmentFolds(data.set, o.folds ?? 5, seed);
  const foldOf = new Int32Array(data.segments.length);
  folds.forEach((f, k) => f.test.forEach((i) => (foldOf[i] = k)));
  const results: ModelResult[] = [];
  const timed = <T>(name: string, fn: () => T): [T, number] => {
    const t0 = performance.now();
    const r = fn();
    const s = (performance.now() - t0) / 1000;
    o.onModel?.(name, s);
    return [r, s];
  };
  if (models.includes('mahalanobis')) {
    let X: Matrix | null = null;
    const [score, s1] = timed('mahalanobis', () => { X = featureMatrix(data.segments, data.sfreq); return mahalanobisScores(X, data.set, folds); });
    results.push({ name: 'mahalanobis', method: 'band-power features, Ledoit-Wolf Gaussian of Z+O, Mahalanobis distance', kind: 'anomaly', score, contrasts: foldAurocs(score, data.set, folds), seconds: s1 });
    const [proba, s2] = timed('logistic', () => logisticProba(X!, data.label, folds, 3));
    results.push({ name: 'logistic', method: 'band-power features, multinomial L2 logistic regression', kind: 'classifier', classifier: summariseClassifier(proba, data.label, folds), seconds: s2 });
  }
  const deep = models.filter((m) => m !== 'mahalanobis');
  if (deep.length > 0) {
    const spectra = windowSpectra(data.segments, data.sfreq);
    const common = { seed, ...(o.epochs !== undefined ? { epochs: o.epochs } : {}) };
    if (deep.includes('autoencoder')) {
      const [r, s] = timed('autoencoder', () => autoencoderScores(spectra, data.set, folds, { model: 'autoencoder', ...common, ...(o.onEpoch ? { onEpoch: (k: number, row: HistoryRow) => o.onEpoch!('autoencoder', k, row) } : {}) }));
      results.push({ name: 'autoencoder', method: '1-D conv autoencoder on window log spectra, trained on Z+O', kind: 'anomaly', score: r.score, contrasts: foldAurocs(r.score, data.set, folds), seconds: s, deepFolds: r.folds });
    }
    if (deep.includes('cnn')) {
      const [r, s] = timed('cnn', () => classifierProba(spectra, data.label, folds, 3, { model: 'cnn', ...common, ...(o.onEpoch ? { onEpoch: (k: number, row: HistoryRow) => o.onEpoch!('cnn', k, row) } : {}) }));
      results.push({ name: 'cnn', method: '1-D CNN on window log spectra, 3 classes', kind: 'classifier', classifier: summariseClassifier(r.proba, data.label, folds), seconds: s, deepFolds: r.folds });
    }
  }
  return { folds, foldOf, seed, results };
}

/** The table as text rows: model, S vs Z+O AUROC, N+F vs Z+O AUROC, balanced accuracy, seconds. */
export function resultsTable(e: BonnEvaluation): string[] {
  const f = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(3));
  const rows = ['model          AUROC S vs Z+O  AUROC N+F vs Z+O  bal. acc. (3 cl.)  seconds'];
  for (const r of e.results) {
    const c = r.contrasts;
    rows.push(`${r.name.padEnd(14)} ${f(c?.[0]?.mean).padStart(14)}  ${f(c?.[1]?.mean).padStart(16)}  ${f(r.classifier?.balancedAccuracy).padStart(17)}  ${r.seconds.toFixed(2).padStart(7)}`);
  }
  return rows;
}

/** results.json's content. */
export function bonnResultsJson(e: BonnEvaluation, names: readonly string[], settings: Record<string, unknown>): Record<string, unknown> {
  return {
    settings, seed: e.seed, foldOf: Array.from(e.foldOf),
    results: e.results.map((r) => ({
      name: r.name, method: r.method, kind: r.kind, seconds: r.seconds,
      ...(r.contrasts ? { auroc: Object.fromEntries(r.contrasts.map((c) => [c.name, { mean: c.mean, perFold: c.perFold }])) } : {}),
      ...(r.classifier ? { balancedAccuracy: r.classifier.balancedAccuracy, balancedAccuracyPerFold: r.classifier.perFold, confusion: r.classifier.confusion, classes: ['Z+O', 'N+F', 'S'] } : {}),
      ...(r.score ? { scores: Object.fromEntries(names.map((n, i) => [n, r.score![i]])) } : {}),
      ...(r.deepFolds ? { folds: r.deepFolds.map((d) => ({ seconds: d.seconds, trainWindows: d.trainWindows, finalLoss: d.history.at(-1)?.trainLoss ?? null })) } : {}),
    })),
  };
}
