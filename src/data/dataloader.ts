// DataLoader: batches a Dataset, with seeded shuffling and drop-last, as torch's DataLoader.

import { ArgumentError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { Generator, defaultGenerator } from '../tensor/random.js';
import { stack } from '../ops/movement.js';
import type { Dataset } from './dataset.js';

export interface DataLoaderOptions<T> {
  batchSize?: number;
  shuffle?: boolean;
  dropLast?: boolean;
  /** Shuffling source; defaults to the global generator. Seed it for a reproducible order. */
  generator?: Generator;
  /** Builds a batch from examples; the default stacks tensors (and tuples of tensors). */
  collate?: (items: T[]) => T;
}

/** Stacks a list of tensors, or of equal-length tuples of tensors, along a new dim 0. */
export function defaultCollate<T>(items: T[]): T {
  const first = items[0];
  if (first instanceof Tensor) return stack(items as unknown as Tensor[]) as unknown as T;
  if (Array.isArray(first)) return first.map((_, k) => defaultCollate(items.map((it) => (it as unknown[])[k]))) as unknown as T;
  throw new ArgumentError('DataLoader: default collate handles tensors and arrays of tensors; pass collate for other items');
}

export class DataLoader<T> implements Iterable<T> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly generator: Generator;
  private readonly collate: (items: T[]) => T;

  constructor(readonly dataset: Dataset<T>, opts: DataLoaderOptions<T> = {}) {
    this.batchSize = opts.batchSize ?? 1;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new ArgumentError(`DataLoader: batchSize must be a positive integer, got ${opts.batchSize}`);
    this.shuffle = opts.shuffle ?? false;
    this.dropLast = opts.dropLast ?? false;
    this.generator = opts.generator ?? defaultGenerator;
    this.collate = opts.collate ?? defaultCollate;
  }

  /** Number of batches per pass. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  private order(): Int32Array {
    const n = this.dataset.length;
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    if (this.shuffle) {
      for (let i = n - 1; i > 0; i--) {
        const j = this.generator.int(0, i + 1);
        const t = p[i]!;
        p[i] = p[j]!;
        p[j] = t;
      }
    }
    return p;
  }

  *[Symbol.iterator](): Iterator<T> {
    const order = this.order();
    const nb = this.length;
    for (let b = 0; b < nb; b++) {
      const idx = order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, order.length));
      if (this.dataset.getBatch) yield this.dataset.getBatch(idx);
      else yield this.collate(Array.from(idx, (i) => this.dataset.get(i)));
    }
  }
}
