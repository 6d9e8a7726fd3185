// The training loop for backends that read back asynchronously (webgpu): the same steps as
// trainer.ts's trainEpoch / evaluate / trainLoop / predict, but the epoch's loss sum and
// correct count accumulate on the device and are read once per epoch (a read on a step only
// when an onStep callback asks for that step's loss), so a step is one submission and the
// loop never blocks on the GPU between steps. On CPU backends the sync functions in
// trainer.ts stay the reference: they sum the losses in float64, these sum them in float32
// on the device (the epoch means agree to float32 rounding).

import { ArgumentError } from '../errors.js';
import { noGrad } from '../autograd/grad_mode.js';
import { keep, tidy, type Tensor } from '../tensor/tensor.js';
import { crossEntropy } from '../ops/loss.js';
import { argmax, mean, sum } from '../ops/reduce.js';
import { add, eq, mulScalar } from '../ops/elementwise.js';
import { cast } from '../ops/util.js';
import { DataLoader } from '../data/dataloader.js';
import type { Dataset } from '../data/dataset.js';
import type { Module } from '../nn/module.js';
import { EarlyStopping, joinPredictions } from './trainer.js';
import type { EpochStats, FitResult, HistoryRow, LossFn, PredictOptions, Predictions, StepOptimizer, TrainEpochOptions, TrainLoopOptions, ValidStats } from './trainer.js';

const defaultLoss: LossFn = (a, b) => crossEntropy(a, b);

/** The number of correct classes as a float32 scalar on the device (no read-back). */
function correctOnDevice(logits: Tensor, y: Tensor): Tensor {
  const pred = argmax(logits.ndim === 3 ? mean(logits, 2) : logits, 1);
  return sum(cast(eq(pred, cast(y, pred.dtype)), 'float32'));
}

/** Device-side running sums of an epoch: Σ loss·batch and Σ correct. */
class DeviceSums {
  private loss: Tensor | null = null;
  private correct: Tensor | null = null;

  /** Adds a step's mean loss times its batch size, and its correct count (when given); the caller keeps its tensors. */
  add(loss: Tensor, b: number, correct: Tensor | null): void {
    const [l, c] = noGrad(() => tidy(() => {
      const lb = mulScalar(loss, b);
      return [this.loss ? add(this.loss, lb) : lb, correct ? (this.correct ? add(this.correct, correct) : correct.clone()) : this.correct] as const;
    }));
    if (this.loss !== l) this.loss?.dispose();
    if (this.correct !== c) this.correct?.dispose();
    // kept: add may run inside a caller's tidy scope, which must not free the running sums
    this.loss = keep(l);
    this.correct = c ? keep(c) : null;
  }

  /** Σ loss·batch so far, read back (the sums stay). */
  async lossSoFar(): Promise<number> {
    return this.loss ? (await this.loss.data())[0]! : NaN;
  }

  /** Reads both sums (one read each, once per epoch). */
  async read(): Promise<{ loss: number; correct: number }> {
    const [loss, correct] = await Promise.all([this.lossSoFar(), this.correct ? this.correct.data().then((d) => d[0]!) : 0]);
    return { loss, correct };
  }

  dispose(): void {
    this.loss?.dispose();
    this.correct?.dispose();
    this.loss = this.correct = null;
  }
}

/**
 * One pass over `batches` shared by trainEpochAsync and evaluateAsync: runs `step` on each batch
 * (awaited only when it returns a promise, so a pass that reads nothing records its steps without
 * yielding), disposes the batch unless told not to, reads the sums once at the end, and frees
 * them whether the pass finished or failed.
 */
async function devicePass(
  batches: Iterable<[Tensor, Tensor]>,
  o: { disposeBatches?: boolean; accuracy?: boolean },
  step: (x: Tensor, y: Tensor, sums: DeviceSums, seen: number) => void | Promise<void>,
): Promise<EpochStats> {
  const counting = o.accuracy ?? true;
  const t0 = performance.now();
  const sums = new DeviceSums();
  let n = 0;
  try {
    for (const [x, y] of batches) {
      try {
        n += x.shape[0]!;
        const r = step(x, y, sums, n);
        if (r !== undefined) await r;
      } finally {
        if (o.disposeBatches ?? true) {
          x.dispose();
          y.dispose();
        }
      }
    }
    const total = await sums.read();
    return { loss: total.loss / n, accuracy: counting ? total.correct / n : NaN, examples: n, seconds: (performance.now() - t0) / 1000 };
  } finally {
    sums.dispose();
  }
}

/**
 * A step callback of the asynchronous loop: trainEpoch's (step index, its mean loss, batch size)
 * and the epoch's mean loss so far (Σ loss·batch / examples, summed on the device), which a
 * progress display can show without reading every step.
 */
export type AsyncStepCallback = (step: number, loss: number, batchSize: number, meanSoFar: number) => void;

export interface TrainEpochAsyncOptions extends Omit<TrainEpochOptions, 'onStep'> {
  /** Runs after every optimiser step, without reading anything back (e.g. a weight-norm constraint). */
  afterStep?: () => void;
  /** Called after the steps stepFilter picks (each such call reads the step's loss back). */
  onStep?: AsyncStepCallback;
  /** Which steps call onStep (default: every step); a step left out costs no read-back. */
  stepFilter?: (step: number) => boolean;
}

/** trainEpoch for asynchronous backends: one read of the epoch's sums at its end. */
export async function trainEpochAsync(model: Module, batches: Iterable<[Tensor, Tensor]>, opt: StepOptimizer, o: TrainEpochAsyncOptions = {}): Promise<EpochStats> {
  const lossFn = o.lossFn ?? defaultLoss;
  const counting = o.accuracy ?? true;
  const onStep = o.onStep;
  model.train();
  let step = 0;
  return devicePass(batches, o, (x, y, sums, seen) => {
    const b = x.shape[0]!;
    const [loss, c] = tidy(() => {
      opt.zeroGrad();
      const logits = model.call(x);
      const l = lossFn(logits, y);
      const c = counting ? noGrad(() => correctOnDevice(logits, y)) : null;
      l.backward();
      opt.step();
      return [l, c] as const;
    });
    const i = step++;
    let read: Promise<void> | undefined;
    try {
      sums.add(loss, b, c);
      o.afterStep?.();
      if (onStep && (o.stepFilter?.(i) ?? true)) {
        const pending = Promise.all([loss.data(), sums.lossSoFar()]);
        read = pending.then(([l, s]) => onStep(i, l[0]!, b, s / seen)).finally(() => loss.dispose());
        return read;
      }
    } finally {
      c?.dispose();
      if (read === undefined) loss.dispose();
    }
    return undefined;
  });
}

/** evaluate for asynchronous backends: the mean loss and accuracy, read once at the end. */
export async function evaluateAsync(model: Module, batches: Iterable<[Tensor, Tensor]>, o: Omit<TrainEpochOptions, 'onStep'> = {}): Promise<EpochStats> {
  const lossFn = o.lossFn ?? defaultLoss;
  const counting = o.accuracy ?? true;
  model.eval();
  return devicePass(batches, o, (x, y, sums) => {
    noGrad(() => tidy(() => {
      const logits = model.call(x);
      const c = counting ? correctOnDevice(logits, y) : null;
      sums.add(lossFn(logits, y), x.shape[0]!, c);
    }));
  });
}

export interface TrainLoopAsyncOptions extends Omit<TrainLoopOptions, 'validate' | 'onStep'> {
  /** As trainLoop's, and may be asynchronous (e.g. evaluateAsync). */
  validate?: () => ValidStats | null | Promise<ValidStats | null>;
  /** As trainEpochAsync's: called after the steps stepFilter picks, each a read-back. */
  onStep?: AsyncStepCallback;
  /** Which steps of an epoch (counted from 0) call onStep (default: every step). */
  stepFilter?: (step: number) => boolean;
}

/** trainLoop for asynchronous backends (webgpu): the same epochs, schedule, early stopping and history. */
export async function trainLoopAsync(model: Module, batches: (epoch: number) => Iterable<[Tensor, Tensor]>, o: TrainLoopAsyncOptions): Promise<FitResult> {
  const { epochs, optimizer: opt } = o;
  const stopper = new EarlyStopping('trainLoopAsync', model, o);
  const history: HistoryRow[] = [];
  for (let e = 1; e <= epochs; e++) {
    const lr = opt.paramGroups[0]!['lr'] as number;
    o.onEpochStart?.(e);
    const tr = await trainEpochAsync(model, batches(e), opt, {
      ...(o.onStep ? { onStep: o.onStep } : {}), ...(o.stepFilter ? { stepFilter: o.stepFilter } : {}), ...(o.afterStep ? { afterStep: o.afterStep } : {}),
      ...(o.lossFn ? { lossFn: o.lossFn } : {}), ...(o.accuracy === false ? { accuracy: false } : {}),
    });
    o.scheduler?.step();
    const va = (await o.validate?.()) ?? null;
    const row: HistoryRow = { epoch: e, lr, trainLoss: tr.loss, trainAccuracy: tr.accuracy, validLoss: va?.loss ?? null, validAccuracy: va?.accuracy ?? null, seconds: tr.seconds + (va?.seconds ?? 0) };
    history.push(row);
    o.onEpoch?.(row, tr);
    if (stopper.observe(e, va)) break;
  }
  return { history, bestEpoch: stopper.finish(history.length) };
}

/** predict for asynchronous backends: each batch's outputs read back with await, in order. */
export async function predictAsync(model: Module, ds: Dataset<Tensor | Tensor[]>, o: PredictOptions = {}): Promise<Predictions> {
  model.eval();
  const chunks: Float32Array[] = [];
  const targets: number[] = [];
  let hasTargets = false;
  let rowShape: number[] = [];
  for (const batch of new DataLoader(ds, { batchSize: o.batchSize ?? 256 })) {
    const parts = Array.isArray(batch) ? batch : [batch];
    const [x, y] = parts;
    try {
      if (!x) throw new ArgumentError('predictAsync: a dataset item holds no input tensor');
      const out = noGrad(() => tidy(() => {
        const raw = model.call(x);
        return o.map ? o.map(raw) : raw;
      }));
      try {
        rowShape = out.shape.slice(1);
        chunks.push(Float32Array.from(await out.data()));
      } finally {
        out.dispose();
      }
      if (y) {
        hasTargets = true;
        for (const v of await y.data()) targets.push(v);
      }
    } finally {
      for (const t of parts) t.dispose();
    }
  }
  return joinPredictions(chunks, [ds.length, ...rowShape], hasTargets ? targets : null);
}
