// Stratified folds partition the samples and spread each class evenly; contiguous splits keep
// time order; bad arguments are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError } from '../../src/errors.js';
import { contiguousSplit, stratifiedKFold } from '../../src/decode/cross_validation.js';

test('stratifiedKFold: test sets partition the samples, each class within one of n_c/k per fold', () => {
  const y = [...Array(14).fill(0), ...Array(12).fill(1), ...Array(22).fill(2), ...Array(5).fill(3)];
  const folds = stratifiedKFold(y, 5, 3);
  const seen = new Int32Array(y.length);
  for (const f of folds) {
    for (const i of f.test) seen[i]!++;
    assert.equal(f.train.length + f.test.length, y.length);
    assert.ok(!f.test.some((i) => f.train.includes(i)));
    for (const c of [0, 1, 2, 3]) {
      const nc = y.filter((v) => v === c).length;
      const inFold = [...f.test].filter((i) => y[i] === c).length;
      assert.ok(Math.abs(inFold - nc / 5) < 1, `class ${c}: ${inFold} in a fold, n_c/k = ${nc / 5}`);
    }
  }
  assert.ok(seen.every((v) => v === 1));
  assert.deepEqual(stratifiedKFold(y, 5, 3), folds); // seeded
  assert.throws(() => stratifiedKFold(y, 1), ArgumentError);
  assert.throws(() => stratifiedKFold([0, 1], 3), ArgumentError);
});

test('contiguousSplit keeps blocks in time order', () => {
  assert.deepEqual(contiguousSplit(100, 0.7, 0.15), { train: [0, 70], valid: [70, 85], test: [85, 100] });
  assert.throws(() => contiguousSplit(100, 0.9, 0.1), ArgumentError);
  assert.throws(() => contiguousSplit(2, 0.5, 0.4), ArgumentError);
});
