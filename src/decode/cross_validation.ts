// Splits for honest evaluation: stratified k-fold for trials (as sklearn's StratifiedKFold with
// shuffling), and contiguous train/validation/test blocks for time series, where shuffling
// across time would leak neighbouring bins between the sets.

import { ArgumentError } from '../errors.js';
import { Generator } from '../tensor/random.js';

export interface Fold {
  train: Int32Array;
  test: Int32Array;
}

/**
 * k folds whose test sets partition the samples, each class spread over the folds as evenly as
 * possible (samples of a class are shuffled with `seed`, then dealt round-robin). Not
 * sklearn's exact assignment, the same guarantees: every class within one sample of n_c/k per fold.
 */
export function stratifiedKFold(y: ArrayLike<number>, k: number, seed = 0): Fold[] {
  if (!Number.isInteger(k) || k < 2) throw new ArgumentError(`stratifiedKFold: k must be an integer ≥ 2, got ${k}`);
  if (y.length < k) throw new ArgumentError(`stratifiedKFold: ${y.length} samples cannot fill ${k} folds`);
  const gen = new Generator(seed);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < y.length; i++) {
    const c = y[i]!;
    if (!byClass.has(c)) byClass.set(c, []);
    byClass.get(c)!.push(i);
  }
  const foldOf = new Int32Array(y.length);
  let offset = 0; // rotate the starting fold per class so small classes do not all land in fold 0
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const idx = byClass.get(c)!;
    for (let i = idx.length - 1; i > 0; i--) {
      const j = gen.int(0, i + 1);
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    idx.forEach((s, r) => (foldOf[s] = (r + offset) % k));
    offset = (offset + idx.length) % k;
  }
  return Array.from({ length: k }, (_, f) => ({
    train: Int32Array.from([...foldOf.keys()].filter((i) => foldOf[i] !== f)),
    test: Int32Array.from([...foldOf.keys()].filter((i) => foldOf[i] === f)),
  }));
}

/** Contiguous [train | valid | test] blocks of n samples by fractions (the test gets the rest). */
export function contiguousSplit(n: number, trainFraction: number, validFraction: number): { train: [number, number]; valid: [number, number]; test: [number, number] } {
  if (!(trainFraction > 0 && validFraction >= 0 && trainFraction + validFraction < 1)) {
    throw new ArgumentError(`contiguousSplit: fractions must satisfy train > 0, valid ≥ 0, train + valid < 1; got ${trainFraction}, ${validFraction}`);
  }
  const a = Math.round(n * trainFraction);
  const b = Math.round(n * (trainFraction + validFraction));
  if (a < 1 || b >= n) throw new ArgumentError(`contiguousSplit: ${n} samples are too few for these fractions`);
  return { train: [0, a], valid: [a, b], test: [b, n] };
}
