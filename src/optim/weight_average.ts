// Averages of a model's weights along training, as torch.optim.swa_utils.AveragedModel keeps
// them: the equal-weight mean of every update (stochastic weight averaging, Izmailov et al. 2018)
// or, with `decay`, an exponential moving average. A model whose checkpoints scatter from one
// evaluation to the next (a segmenter trained on synthetic images and scored on a real scan) is
// steadier averaged. Floating-point entries of the state dict (parameters and float buffers)
// are averaged in float64; integer buffers (BatchNorm's num_batches_tracked) keep the latest
// model's value. BatchNorm's running statistics are averaged like the weights: recompute them
// for the averaged weights (PyTorch's update_bn) where they matter.

import { ArgumentError, StateDictError } from '../errors.js';
import { tensor } from '../tensor/creation.js';
import type { DType, Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';

interface Entry { shape: number[]; dtype: DType; avg: Float64Array }

export class WeightAverage {
  private entries: Map<string, Entry> | null = null;
  /** Models averaged so far. */
  count = 0;
  readonly decay: number | undefined;

  /** `decay` in (0, 1): an exponential moving average (avg ← decay·avg + (1 − decay)·w); absent: the plain mean. */
  constructor(opts: { decay?: number } = {}) {
    if (opts.decay !== undefined && !(opts.decay > 0 && opts.decay < 1)) throw new ArgumentError(`WeightAverage: decay must be in (0, 1), got ${opts.decay}`);
    this.decay = opts.decay;
  }

  /** Adds the model's current weights to the average (the first update copies them, as PyTorch does). */
  update(model: Module): void {
    const sd = model.stateDict();
    const keys = Object.keys(sd);
    if (this.entries === null) {
      this.entries = new Map(keys.map((k) => [k, { shape: [...sd[k]!.shape], dtype: sd[k]!.dtype, avg: new Float64Array(sd[k]!.numel) }]));
    } else {
      const known = [...this.entries.keys()];
      const shapeOf = (e: Entry) => e.shape.join(',');
      const bad = keys.filter((k) => !this.entries!.has(k) || shapeOf(this.entries!.get(k)!) !== sd[k]!.shape.join(',')).concat(known.filter((k) => !(k in sd)));
      if (bad.length > 0) throw new StateDictError(`WeightAverage.update(${model.constructor.name}): the model's state differs from the averaged one at ${bad.join(', ')}`);
    }
    const n = this.count;
    for (const [k, e] of this.entries) {
      const w = sd[k]!.dataSync();
      const a = e.avg;
      if (n === 0 || e.dtype === 'int32') for (let i = 0; i < a.length; i++) a[i] = w[i]!;
      else if (this.decay !== undefined) for (let i = 0; i < a.length; i++) a[i] = this.decay * a[i]! + (1 - this.decay) * w[i]!;
      else for (let i = 0; i < a.length; i++) a[i] = a[i]! + (w[i]! - a[i]!) / (n + 1);
    }
    this.count++;
  }

  /** The averaged state as new tensors (the caller owns them). */
  stateDict(): Record<string, Tensor> {
    if (this.entries === null) throw new ArgumentError('WeightAverage.stateDict: no model has been averaged yet');
    const out: Record<string, Tensor> = {};
    for (const [k, e] of this.entries) {
      const data = e.dtype === 'float64' ? Float64Array.from(e.avg) : e.dtype === 'int32' ? Int32Array.from(e.avg) : Float32Array.from(e.avg);
      out[k] = tensor(data, { shape: e.shape, dtype: e.dtype });
    }
    return out;
  }

  /** Loads the averaged weights into `model` (the same architecture). */
  copyTo(model: Module): void {
    const sd = this.stateDict();
    try {
      model.loadStateDict(sd);
    } finally {
      for (const t of Object.values(sd)) t.dispose();
    }
  }
}
