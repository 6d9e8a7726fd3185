// fit(): a seeded training loop for classifiers over Datasets of [x, y] — minibatches with
// optional augmentation, a validation pass each epoch, a learning-rate schedule, early
// stopping on the validation loss with the best weights restored, and a history table.
// Crop-wise decoding: train on windows of trials and aggregate per trial with predictTrials.

import { ArgumentError } from '../errors.js';
import { noGrad } from '../autograd/grad_mode.js';
import { keep, tidy, type Tensor } from '../tensor/tensor.js';
import { Generator } from '../tensor/random.js';
import { softmax } from '../ops/activation.js';
import { DataLoader } from '../data/dataloader.js';
import type { Dataset } from '../data/dataset.js';
import type { Module } from '../nn/module.js';
import { AdamW } from '../optim/adamw.js';
import { CosineAnnealingLR } from '../optim/lr_scheduler.js';
import { evaluate, trainEpoch, type EpochStats } from './classifier.js';

export interface FitOptions {
  epochs?: number;
  batchSize?: number;
  lr?: number;
  weightDecay?: number;
  seed?: number;
  /** Transforms a training batch (augmentation); runs outside the tape. */
  augment?: (x: Tensor, y: Tensor, gen: Generator) => [Tensor, Tensor];
  /** Stop when the validation loss has not improved for this many epochs; best weights are restored. */
  patience?: number;
  onEpoch?: (row: HistoryRow) => void;
  /** Runs after every optimiser step (e.g. a weight-norm constraint). */
  afterStep?: () => void;
  /** Training and validation loss (default cross-entropy; croppedLoss for dense models). */
  lossFn?: (logits: Tensor, target: Tensor) => Tensor;
}

export interface HistoryRow {
  epoch: number;
  lr: number;
  trainLoss: number;
  trainAccuracy: number;
  validLoss: number | null;
  validAccuracy: number | null;
  seconds: number;
}

export interface FitResult {
  history: HistoryRow[];
  bestEpoch: number;
}

function* batches(ds: Dataset<[Tensor, Tensor]>, o: { batchSize: number; shuffle: boolean; gen: Generator; augment?: FitOptions['augment'] }): IterableIterator<[Tensor, Tensor]> {
  for (const [x, y] of new DataLoader(ds, { batchSize: o.batchSize, shuffle: o.shuffle, generator: o.gen })) {
    if (!o.augment) {
      yield [x, y];
      continue;
    }
    const [xa, ya] = noGrad(() => o.augment!(x, y, o.gen));
    if (xa !== x) x.dispose();
    if (ya !== y) y.dispose();
    yield [xa, ya];
  }
}

/** Trains `model` (AdamW + cosine annealing, as Braindecode's examples) and returns its history. */
export function fit(model: Module, train: Dataset<[Tensor, Tensor]>, valid: Dataset<[Tensor, Tensor]> | null = null, o: FitOptions = {}): FitResult {
  const epochs = o.epochs ?? 30;
  if (!Number.isInteger(epochs) || epochs < 1) throw new ArgumentError(`fit: epochs must be a positive integer, got ${epochs}`);
  if (train.length === 0) throw new ArgumentError('fit: the training set is empty');
  const gen = new Generator(o.seed ?? 0);
  const opt = new AdamW(model.parameters(), { lr: o.lr ?? 0.0625 * 0.01, weightDecay: o.weightDecay ?? 0 });
  const sched = new CosineAnnealingLR(opt, Math.max(1, epochs - 1));
  const history: HistoryRow[] = [];
  let best = Infinity;
  let bestEpoch = 0;
  let bestState: Record<string, Tensor> | null = null;
  for (let e = 1; e <= epochs; e++) {
    const lr = opt.paramGroups[0]!.lr as number;
    const tr = trainEpoch(model, batches(train, { batchSize: o.batchSize ?? 64, shuffle: true, gen, ...(o.augment ? { augment: o.augment } : {}) }), opt, {
      ...(o.afterStep ? { onStep: () => o.afterStep!() } : {}), ...(o.lossFn ? { lossFn: o.lossFn } : {}),
    });
    sched.step();
    let va: EpochStats | null = null;
    if (valid && valid.length > 0) va = evaluate(model, batches(valid, { batchSize: o.batchSize ?? 64, shuffle: false, gen }), o.lossFn ? { lossFn: o.lossFn } : {});
    const row: HistoryRow = { epoch: e, lr, trainLoss: tr.loss, trainAccuracy: tr.accuracy, validLoss: va?.loss ?? null, validAccuracy: va?.accuracy ?? null, seconds: tr.seconds + (va?.seconds ?? 0) };
    history.push(row);
    o.onEpoch?.(row);
    if (va && o.patience !== undefined) {
      if (va.loss < best - 1e-9) {
        best = va.loss;
        bestEpoch = e;
        for (const t of Object.values(bestState ?? {})) t.dispose();
        bestState = Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, keep(t.clone())]));
      } else if (e - bestEpoch >= o.patience) break;
    }
  }
  if (bestState) {
    model.loadStateDict(bestState);
    for (const t of Object.values(bestState)) t.dispose();
  } else bestEpoch = history.length;
  return { history, bestEpoch };
}

/** Class probabilities (N, classes) for a dataset, in order. */
export function predictProba(model: Module, ds: Dataset<[Tensor, Tensor]>, batchSize = 256): { proba: Float64Array; classes: number; targets: Int32Array } {
  model.eval();
  const probs: number[] = [];
  const targets: number[] = [];
  let classes = 0;
  noGrad(() => {
    for (const [x, y] of new DataLoader(ds, { batchSize })) {
      tidy(() => {
        const p = softmax(model.call(x), 1);
        classes = p.shape[1]!;
        probs.push(...p.dataSync());
        targets.push(...y.dataSync());
      });
      x.dispose();
      y.dispose();
    }
  });
  return { proba: Float64Array.from(probs), classes, targets: Int32Array.from(targets) };
}

/**
 * Trial-wise predictions from crop-wise ones: the mean class probability over all windows of a
 * trial (trialIds[i] = trial of window i), then argmax — Braindecode's trial aggregation.
 */
export function aggregateTrials(proba: Float64Array, classes: number, trialIds: ArrayLike<number>, targets: ArrayLike<number>): { trial: number[]; pred: number[]; target: number[] } {
  const sums = new Map<number, { p: Float64Array; n: number; target: number }>();
  for (let i = 0; i < trialIds.length; i++) {
    const t = trialIds[i]!;
    let s = sums.get(t);
    if (!s) sums.set(t, (s = { p: new Float64Array(classes), n: 0, target: targets[i]! }));
    for (let c = 0; c < classes; c++) s.p[c]! += proba[i * classes + c]!;
    s.n++;
  }
  const trial: number[] = [];
  const pred: number[] = [];
  const target: number[] = [];
  for (const [t, s] of [...sums].sort((a, b) => a[0] - b[0])) {
    let bi = 0;
    for (let c = 1; c < classes; c++) if (s.p[c]! > s.p[bi]!) bi = c;
    trial.push(t);
    pred.push(bi);
    target.push(s.target);
  }
  return { trial, pred, target };
}

