// Datasets: indexable collections of examples, as torch.utils.data.Dataset.

import { ShapeError, IndexError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { fromValues } from '../tensor/tensor.js';
import { indexSelect, select } from '../ops/movement.js';

export interface Dataset<T> {
  readonly length: number;
  get(index: number): T;
  /** Optional fast path: a whole batch at once (the DataLoader prefers it to get + collate). */
  getBatch?(indices: Int32Array): T;
}

/** Wraps tensors that share their first dim; example i is [t0[i], t1[i], ...]. */
export class TensorDataset implements Dataset<Tensor[]> {
  readonly tensors: readonly Tensor[];
  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new ShapeError('TensorDataset: needs at least one tensor');
    const n = tensors[0]!.shape[0];
    for (const [i, t] of tensors.entries()) {
      if (t.ndim === 0 || t.shape[0] !== n) throw new ShapeError(`TensorDataset: tensor ${i} has ${t.shape[0] ?? 'no'} rows, tensor 0 has ${n}`);
    }
    this.tensors = tensors;
  }
  get length(): number {
    return this.tensors[0]!.shape[0]!;
  }
  get(index: number): Tensor[] {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) throw new IndexError(`TensorDataset: index ${index} out of range [0, ${this.length})`);
    return this.tensors.map((t) => select(t, 0, index));
  }
  getBatch(indices: Int32Array): Tensor[] {
    const idx = fromValues(indices, [indices.length], 'int32');
    const out = this.tensors.map((t) => indexSelect(t, 0, idx, indices));
    idx.dispose();
    return out;
  }
}

/** A subset of another dataset by index (torch.utils.data.Subset). */
export class Subset<T> implements Dataset<T> {
  constructor(readonly dataset: Dataset<T>, readonly indices: Int32Array) {
    for (const i of indices) if (i < 0 || i >= dataset.length) throw new IndexError(`Subset: index ${i} out of range [0, ${dataset.length})`);
  }
  get length(): number {
    return this.indices.length;
  }
  get(index: number): T {
    return this.dataset.get(this.indices[index]!);
  }
  getBatch(indices: Int32Array): T {
    const mapped = indices.map((i) => this.indices[i]!);
    return this.dataset.getBatch ? this.dataset.getBatch(mapped) : (undefined as never);
  }
}
