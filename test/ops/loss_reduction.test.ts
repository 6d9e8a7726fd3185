// Every loss refuses a reduction other than 'mean', 'sum' or 'none' with an ArgumentError naming
// the loss and the value (one check, shared by the losses that reduce through reduce()).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor } from '../../src/index.js';
import { binaryCrossEntropyWithLogits, crossEntropy, l1Loss, mseLoss, nllLoss, poissonNllLoss, type Reduction } from '../../src/ops/loss.js';
import { ArgumentError } from '../../src/errors.js';

test('losses: an unknown reduction is an ArgumentError naming the loss and the value', () => {
  const x = tensor([[0.5, -1, 2], [1, 0, -0.5]]);
  const y = tensor([[0, 1, 1], [1, 0, 0]]);
  const cls = tensor([2, 0], { dtype: 'int32' });
  const reduction = 'avg' as Reduction;
  const cases: [string, () => unknown][] = [
    ['mseLoss', () => mseLoss(x, y, { reduction })],
    ['l1Loss', () => l1Loss(x, y, { reduction })],
    ['binaryCrossEntropyWithLogits', () => binaryCrossEntropyWithLogits(x, y, { reduction })],
    ['poissonNllLoss', () => poissonNllLoss(x, y, { reduction })],
    ['nllLoss', () => nllLoss(x, cls, { reduction })],
    ['crossEntropy', () => crossEntropy(x, cls, { reduction })],
    ['crossEntropy', () => crossEntropy(x, y, { reduction, labelSmoothing: 0.1 })],
  ];
  for (const [op, f] of cases) {
    assert.throws(f, (e: unknown) => e instanceof ArgumentError && e.message === `${op}: reduction must be 'mean', 'sum' or 'none', got 'avg'`, op);
  }
});
