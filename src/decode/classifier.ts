// Training and evaluation loops for classifiers over batches of [inputs, class indices].
// Each step runs inside `tidy`, so a training loop's heap use stays flat.

import { noGrad } from '../autograd/grad_mode.js';
import { tidy, type Tensor } from '../tensor/tensor.js';
import { crossEntropy } from '../ops/loss.js';
import { argmax, mean } from '../ops/reduce.js';
import type { Module } from '../nn/module.js';

export interface StepOptimizer {
  zeroGrad(): void;
  step(): void;
}

export interface EpochStats {
  loss: number;
  accuracy: number;
  examples: number;
  seconds: number;
}

export interface TrainEpochOptions {
  lossFn?: (logits: Tensor, target: Tensor) => Tensor;
  /** Called after every step with the step index, its mean loss and batch size. */
  onStep?: (step: number, loss: number, batchSize: number) => void;
  /** Dispose each batch after use (default true: batches come fresh from the loader). */
  disposeBatches?: boolean;
}

function countCorrect(logits: Tensor, y: Tensor): number {
  // dense predictions (B, K, P): the class of the time-averaged logits, as CroppedLoss sees them
  const pred = argmax(logits.ndim === 3 ? mean(logits, 2) : logits, 1).dataSync();
  const t = y.dataSync();
  let c = 0;
  for (let i = 0; i < t.length; i++) if (pred[i] === t[i]) c++;
  return c;
}

export function trainEpoch(model: Module, batches: Iterable<[Tensor, Tensor]>, opt: StepOptimizer, o: TrainEpochOptions = {}): EpochStats {
  const lossFn = o.lossFn ?? ((a: Tensor, b: Tensor) => crossEntropy(a, b));
  const t0 = performance.now();
  model.train();
  let total = 0;
  let correct = 0;
  let n = 0;
  let step = 0;
  for (const [x, y] of batches) {
    const [l, c] = tidy(() => {
      opt.zeroGrad();
      const logits = model.call(x);
      const loss = lossFn(logits, y);
      loss.backward();
      opt.step();
      return [loss.item(), countCorrect(logits, y)] as const;
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
  return { loss: total / n, accuracy: correct / n, examples: n, seconds: (performance.now() - t0) / 1000 };
}

export function evaluate(model: Module, batches: Iterable<[Tensor, Tensor]>, o: Omit<TrainEpochOptions, 'onStep'> = {}): EpochStats {
  const lossFn = o.lossFn ?? ((a: Tensor, b: Tensor) => crossEntropy(a, b));
  const t0 = performance.now();
  model.eval();
  let total = 0;
  let correct = 0;
  let n = 0;
  noGrad(() => {
    for (const [x, y] of batches) {
      const [l, c] = tidy(() => {
        const logits = model.call(x);
        return [lossFn(logits, y).item(), countCorrect(logits, y)] as const;
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
  return { loss: total / n, accuracy: correct / n, examples: n, seconds: (performance.now() - t0) / 1000 };
}
