// Building blocks shared by the Braindecode-style EEG models.

import { keep, type Tensor } from '../tensor/tensor.js';
import { isGradEnabled, noGrad } from '../autograd/grad_mode.js';
import { add } from '../ops/elementwise.js';
import { matmul } from '../ops/matmul.js';
import { reshape, squeeze, transpose } from '../ops/movement.js';
import { sum } from '../ops/reduce.js';
import { conv2d } from '../ops/conv.js';
import { Module } from '../nn/module.js';
import { Conv2d } from '../nn/conv.js';

/**
 * Braindecode's CombinedConv: a temporal conv (nTime × (k, 1)) and a spatial conv
 * (nSpat × (1, C)) run as one conv whose weight is their product. x: (B, 1, T, C). Without
 * gradients the product is kept and reused while the parameters are unchanged (tracked by
 * their storage versions), so batch-1 inference does not rebuild it per call.
 */
export class CombinedConv extends Module {
  conv_time: Conv2d;
  conv_spat: Conv2d;
  constructor(nChans: number, nTime: number, nSpat: number, k: number, biasSpat = false) {
    super();
    this.conv_time = new Conv2d(1, nTime, [k, 1]);
    this.conv_spat = new Conv2d(nTime, nSpat, [1, nChans], { bias: biasSpat });
  }
  // the combined weight and bias of the last call without gradients, with what they were made
  // from (each parameter and its version): reused until a parameter is replaced or written
  private _combined: { from: unknown[]; w: Tensor; b: Tensor } | null = null;

  forward(x: Tensor): Tensor {
    const params = [this.conv_spat.weight, this.conv_time.weight, this.conv_time.bias!, this.conv_spat.bias];
    if (isGradEnabled() && params.some((p) => p?.requiresGrad)) {
      const [w, b] = this.combine();
      return conv2d(x, w, b);
    }
    const from = params.flatMap((p) => (p ? [p, p.storage, p.version] : [null]));
    const c = this._combined;
    if (!c || c.from.length !== from.length || c.from.some((v, i) => v !== from[i])) {
      if (c) {
        c.w.dispose();
        c.b.dispose();
      }
      const [w, b] = noGrad(() => this.combine());
      this._combined = { from, w: keep(w), b: keep(b) };
    }
    return conv2d(x, this._combined!.w, this._combined!.b);
  }

  /** The single conv's weight (O, 1, K, C) and bias (O). */
  private combine(): [Tensor, Tensor] {
    const [O, F, , C] = this.conv_spat.weight.shape as [number, number, number, number];
    const K = this.conv_time.weight.shape[2]!;
    const spat = reshape(this.conv_spat.weight, [O, F, C]);
    const time = reshape(this.conv_time.weight, [F, K]);
    // W[o, k, c] = Σ_f time[f, k] · spat[o, f, c]: one batched product, already in (O, K, C)
    const w = matmul(transpose(time, 0, 1), spat);
    // b[o] = Σ_f (Σ_c spat[o, f, c]) · bias_time[f]  (+ bias_spat[o])
    let b = matmul(sum(spat, 2), this.conv_time.bias!);
    if (this.conv_spat.bias) b = add(b, this.conv_spat.bias);
    return [reshape(w, [O, 1, K, C]), b];
  }
}

/** The conv classifier over the remaining time steps: (B, nOutputs, 1, 1) → (B, nOutputs). */
export class FinalLayer extends Module {
  constructor(public conv_classifier: Conv2d) {
    super();
  }
  forward(x: Tensor): Tensor {
    return squeeze(squeeze(this.conv_classifier.call(x), 3), 2);
  }
}
