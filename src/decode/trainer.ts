// The one training loop every deep decoder uses (the EEG nets trialwise and cropped, the deep
// spike decoders, LeNet on MNIST), and the one "predict over a dataset" loop:
//   trainEpoch / evaluate: one pass over batches of [inputs, targets], each step in `tidy`, so
//     heap use stays flat; accuracy is counted for classifiers.
//   trainLoop: epochs of trainEpoch with an optimiser, an lr schedule stepped per epoch, a
//     validation pass, early stopping on the validation loss with the best weights restored,
//     per-step and per-epoch callbacks and a history table.
//   fit: trainLoop with Braindecode's recipe (AdamW + cosine annealing, seeded shuffling,
//     optional augmentation) over Datasets of [x, class].
//   predict: a model's outputs over a dataset, in order (eval mode, no tape).
// Crop-wise decoding: train on windows of trials and aggregate per trial with aggregateTrials.
// These read each step's loss synchronously (dataSync/item), which a GPU backend (webgpu) cannot:
// trainer_async.ts holds the same loops for it, reading the epoch's sums once per epoch.

import { ArgumentError } from '../errors.js';
import { noGrad } from '../autograd/grad_mode.js';
import { keep, tidy, type Tensor } from '../tensor/tensor.js';
import { Generator } from '../tensor/random.js';
import { softmax } from '../ops/activation.js';
import { crossEntropy } from '../ops/loss.js';
import { argmax, mean } from '../ops/reduce.js';
import { DataLoader } from '../data/dataloader.js';
import type { Dataset } from '../data/dataset.js';
import type { Module } from '../nn/module.js';
import { AdamW } from '../optim/adamw.js';
import { CosineAnnealingLR } from '../optim/lr_scheduler.js';

export type LossFn = (output: Tensor, target: Tensor) => Tensor;

export interface StepOptimizer {
  zeroGrad(): void;
  step(): void;
}

export interface EpochStats {
  loss: number;
  /** Share of correct classes; NaN when accuracy is not counted (regression). */
  accuracy: number;
  examples: number;
  seconds: number;
}

/**
 * Takes whole optimiser steps somewhere else (data-parallel replicas, node/parallel's
 * DataParallel): the batch's mean loss and its correct classes (0 unless `countCorrect`).
 */
export interface BatchStepper {
  trainStep(x: Tensor, y: Tensor, countCorrect: boolean): [number, number];
}

export interface TrainEpochOptions {
  lossFn?: LossFn;
  /** Takes each step in place of `model`/`opt` here (which must be the stepper's own: its loss, its replica 0). */
  stepper?: BatchStepper;
  /** Called after every step with the step index, its mean loss and batch size. */
  onStep?: (step: number, loss: number, batchSize: number) => void;
  /** Dispose each batch after use (default true: batches come fresh from the loader). */
  disposeBatches?: boolean;
  /** Count correct classes (default true; false for regression targets). */
  accuracy?: boolean;
}

/** The correct classes among `logits` for targets `y`; dense predictions (B, K, P) by their time-averaged logits. */
export function countCorrect(logits: Tensor, y: Tensor): number {
  // dense predictions (B, K, P): the class of the time-averaged logits, as CroppedLoss sees them
  const pred = argmax(logits.ndim === 3 ? mean(logits, 2) : logits, 1).dataSync();
  const t = y.dataSync();
  let c = 0;
  for (let i = 0; i < t.length; i++) if (pred[i] === t[i]) c++;
  return c;
}

const defaultLoss: LossFn = (a, b) => crossEntropy(a, b);

/** One training pass over `batches`: the mean loss (weighted by batch size) and accuracy. */
export function trainEpoch(model: Module, batches: Iterable<[Tensor, Tensor]>, opt: StepOptimizer, o: TrainEpochOptions = {}): EpochStats {
  const lossFn = o.lossFn ?? defaultLoss;
  const counting = o.accuracy ?? true;
  const stepper = o.stepper;
  if (stepper && o.lossFn) throw new ArgumentError('trainEpoch: a stepper brings its own loss; lossFn must be unset');
  const t0 = performance.now();
  model.train();
  let total = 0;
  let correct = 0;
  let n = 0;
  let step = 0;
  for (const [x, y] of batches) {
    const [l, c] = stepper ? stepper.trainStep(x, y, counting) : tidy(() => {
      opt.zeroGrad();
      const logits = model.call(x);
      const loss = lossFn(logits, y);
      loss.backward();
      opt.step();
      return [loss.item(), counting ? countCorrect(logits, y) : 0] as const;
    });
    const b = x.shape[0]!;
    total += l * b;
    correct += c;
    n += b;
    o.onStep?.(step++, l, b);
    if (o.disposeBatches ?? true) {
      x.dispose();
      y.dispose();
    }
  }
  return { loss: total / n, accuracy: counting ? correct / n : NaN, examples: n, seconds: (performance.now() - t0) / 1000 };
}

/** The mean loss and accuracy of `model` over `batches` (eval mode, no tape). */
export function evaluate(model: Module, batches: Iterable<[Tensor, Tensor]>, o: Omit<TrainEpochOptions, 'onStep'> = {}): EpochStats {
  const lossFn = o.lossFn ?? defaultLoss;
  const counting = o.accuracy ?? true;
  const t0 = performance.now();
  model.eval();
  let total = 0;
  let correct = 0;
  let n = 0;
  noGrad(() => {
    for (const [x, y] of batches) {
      const [l, c] = tidy(() => {
        const logits = model.call(x);
        return [lossFn(logits, y).item(), counting ? countCorrect(logits, y) : 0] as const;
      });
      const b = x.shape[0]!;
      total += l * b;
      correct += c;
      n += b;
      if (o.disposeBatches ?? true) {
        x.dispose();
        y.dispose();
      }
    }
  });
  return { loss: total / n, accuracy: counting ? correct / n : NaN, examples: n, seconds: (performance.now() - t0) / 1000 };
}

export interface HistoryRow {
  epoch: number;
  lr: number;
  trainLoss: number;
  /** NaN for regression. */
  trainAccuracy: number;
  validLoss: number | null;
  validAccuracy: number | null;
  seconds: number;
}

export interface FitResult {
  history: HistoryRow[];
  /** The epoch whose weights the model holds: the best on validation with early stopping, else the last. */
  bestEpoch: number;
}

/** What a validation pass reports: the loss early stopping watches, and optionally accuracy and time. */
export interface ValidStats {
  loss: number;
  accuracy?: number | null;
  seconds?: number;
}

export interface TrainLoopOptions {
  epochs: number;
  optimizer: StepOptimizer & { paramGroups: readonly Record<string, unknown>[] };
  /** Stepped once after every epoch's training pass. */
  scheduler?: { step(): void } | null;
  lossFn?: LossFn;
  /** Count training accuracy (default true; false for regression). */
  accuracy?: boolean;
  /** Runs after every epoch's training pass (and the scheduler step); its loss drives early stopping. */
  validate?: () => ValidStats | null;
  /** Stop when the validation loss has not improved by more than minDelta for this many epochs; the best weights are restored. */
  patience?: number;
  /** Improvement that counts for early stopping (default 0). */
  minDelta?: number;
  onEpochStart?: (epoch: number) => void;
  onStep?: (step: number, loss: number, batchSize: number) => void;
  /** Runs after every optimiser step (e.g. a weight-norm constraint). */
  afterStep?: () => void;
  /** Takes each training step (see TrainEpochOptions.stepper); afterStep and lossFn must then be unset. */
  stepper?: BatchStepper;
  /** Called after every epoch with its history row and the raw training statistics. */
  onEpoch?: (row: HistoryRow, train: EpochStats) => void;
}

/**
 * Trains `model` for `o.epochs` epochs over `batches(epoch)` (a fresh iterable per epoch,
 * batches disposed after use) and returns its history.
 */
export function trainLoop(model: Module, batches: (epoch: number) => Iterable<[Tensor, Tensor]>, o: TrainLoopOptions): FitResult {
  const { epochs, optimizer: opt } = o;
  const stopper = new EarlyStopping('trainLoop', model, o);
  if (o.stepper && o.afterStep) throw new ArgumentError('trainLoop: afterStep would run on one replica only; with a stepper the replicas run their own constraint');
  const onStep = o.onStep || o.afterStep
    ? (i: number, l: number, b: number) => { o.afterStep?.(); o.onStep?.(i, l, b); }
    : undefined;
  const history: HistoryRow[] = [];
  for (let e = 1; e <= epochs; e++) {
    const lr = opt.paramGroups[0]!['lr'] as number;
    o.onEpochStart?.(e);
    const tr = trainEpoch(model, batches(e), opt, {
      ...(onStep ? { onStep } : {}), ...(o.lossFn ? { lossFn: o.lossFn } : {}), ...(o.accuracy === false ? { accuracy: false } : {}),
      ...(o.stepper ? { stepper: o.stepper } : {}),
    });
    o.scheduler?.step();
    const va = o.validate?.() ?? null;
    const row: HistoryRow = { epoch: e, lr, trainLoss: tr.loss, trainAccuracy: tr.accuracy, validLoss: va?.loss ?? null, validAccuracy: va?.accuracy ?? null, seconds: tr.seconds + (va?.seconds ?? 0) };
    history.push(row);
    o.onEpoch?.(row, tr);
    if (stopper.observe(e, va)) break;
  }
  return { history, bestEpoch: stopper.finish(history.length) };
}

/**
 * The training loops' epoch count check and early stopping: with `patience`, the weights of the
 * best validation loss (better by more than minDelta) are kept and restored at the end, and
 * training stops after `patience` epochs without improvement.
 */
export class EarlyStopping {
  private best = Infinity;
  private bestEpoch = 0;
  private state: Record<string, Tensor> | null = null;
  private readonly patience: number | undefined;
  private readonly minDelta: number;

  constructor(op: string, private readonly model: Module, o: { epochs: number; patience?: number; minDelta?: number }) {
    if (!Number.isInteger(o.epochs) || o.epochs < 1) throw new ArgumentError(`${op}: epochs must be a positive integer, got ${o.epochs}`);
    if (o.patience !== undefined && !(Number.isInteger(o.patience) && o.patience >= 1)) throw new ArgumentError(`${op}: patience must be a positive integer, got ${o.patience}`);
    this.patience = o.patience;
    this.minDelta = o.minDelta ?? 0;
  }

  /** Records epoch `e`'s validation; true when training should stop. */
  observe(e: number, va: ValidStats | null): boolean {
    if (!va || this.patience === undefined) return false;
    if (va.loss < this.best - this.minDelta) {
      this.best = va.loss;
      this.bestEpoch = e;
      for (const t of Object.values(this.state ?? {})) t.dispose();
      this.state = Object.fromEntries(Object.entries(this.model.stateDict()).map(([k, t]) => [k, keep(t.clone())]));
      return false;
    }
    return e - this.bestEpoch >= this.patience;
  }

  /** Restores the best weights, if any were kept, and returns the best epoch (else `epochsRun`). */
  finish(epochsRun: number): number {
    if (!this.state) return epochsRun;
    this.model.loadStateDict(this.state);
    for (const t of Object.values(this.state)) t.dispose();
    this.state = null;
    return this.bestEpoch;
  }
}

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
  lossFn?: LossFn;
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

/** Trains a classifier (AdamW + cosine annealing, as Braindecode's examples) and returns its history. */
export function fit(model: Module, train: Dataset<[Tensor, Tensor]>, valid: Dataset<[Tensor, Tensor]> | null = null, o: FitOptions = {}): FitResult {
  const epochs = o.epochs ?? 30;
  if (!Number.isInteger(epochs) || epochs < 1) throw new ArgumentError(`fit: epochs must be a positive integer, got ${epochs}`);
  if (train.length === 0) throw new ArgumentError('fit: the training set is empty');
  const gen = new Generator(o.seed ?? 0);
  const batchSize = o.batchSize ?? 64;
  const opt = new AdamW(model.parameters(), { lr: o.lr ?? 0.0625 * 0.01, weightDecay: o.weightDecay ?? 0 });
  const lossOpt = o.lossFn ? { lossFn: o.lossFn } : {};
  return trainLoop(model, () => batches(train, { batchSize, shuffle: true, gen, ...(o.augment ? { augment: o.augment } : {}) }), {
    epochs, optimizer: opt, scheduler: new CosineAnnealingLR(opt, Math.max(1, epochs - 1)), ...lossOpt,
    ...(valid && valid.length > 0 ? { validate: () => evaluate(model, batches(valid, { batchSize, shuffle: false, gen }), lossOpt) } : {}),
    // early stopping ignores changes below float noise
    ...(o.patience !== undefined ? { patience: o.patience, minDelta: 1e-9 } : {}),
    ...(o.afterStep ? { afterStep: o.afterStep } : {}),
    ...(o.onEpoch ? { onEpoch: (row: HistoryRow) => o.onEpoch!(row) } : {}),
  });
}

export interface PredictOptions {
  /** Rows per forward pass (default 256). */
  batchSize?: number;
  /** Applied to each batch's output inside the step (softmax, argmax, ...). */
  map?: (output: Tensor) => Tensor;
}

export interface Predictions {
  /** The (mapped) outputs of every example, in dataset order, row-major. */
  output: Float32Array;
  /** Shape of `output`: (N, ...per-example shape). */
  shape: number[];
  /** The examples' targets (each item's second tensor), in order; null for input-only datasets. */
  targets: Float64Array | null;
}

/**
 * The outputs of `model` over every example of `ds` (items x, [x] or [x, target]), in order,
 * in eval mode without a tape.
 */
export function predict(model: Module, ds: Dataset<Tensor | Tensor[]>, o: PredictOptions = {}): Predictions {
  model.eval();
  const chunks: Float32Array[] = [];
  const targets: number[] = [];
  let hasTargets = false;
  let rowShape: number[] = [];
  noGrad(() => {
    for (const batch of new DataLoader(ds, { batchSize: o.batchSize ?? 256 })) {
      const parts = Array.isArray(batch) ? batch : [batch];
      const [x, y] = parts;
      if (!x) throw new ArgumentError('predict: a dataset item holds no input tensor');
      tidy(() => {
        const raw = model.call(x);
        const out = o.map ? o.map(raw) : raw;
        rowShape = out.shape.slice(1);
        chunks.push(Float32Array.from(out.dataSync()));
        if (y) {
          hasTargets = true;
          for (const v of y.dataSync()) targets.push(v);
        }
      });
      for (const t of parts) t.dispose();
    }
  });
  return joinPredictions(chunks, [ds.length, ...rowShape], hasTargets ? targets : null);
}

/** The per-batch output chunks of predict/predictAsync joined into one Predictions. */
export function joinPredictions(chunks: Float32Array[], shape: number[], targets: number[] | null): Predictions {
  const output = new Float32Array(chunks.reduce((a, c) => a + c.length, 0));
  let off = 0;
  for (const c of chunks) {
    output.set(c, off);
    off += c.length;
  }
  return { output, shape, targets: targets ? Float64Array.from(targets) : null };
}

/** Class probabilities (N, classes) for a dataset, in order. */
export function predictProba(model: Module, ds: Dataset<[Tensor, Tensor]>, batchSize = 256): { proba: Float64Array; classes: number; targets: Int32Array } {
  const p = predict(model, ds, { batchSize, map: (out) => softmax(out, 1) });
  return { proba: Float64Array.from(p.output), classes: p.shape[1] ?? 0, targets: Int32Array.from(p.targets ?? []) };
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
