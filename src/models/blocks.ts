// Building blocks shared by the Braindecode-style EEG models.

import type { Tensor } from '../tensor/tensor.js';
import { add } from '../ops/elementwise.js';
import { matmul } from '../ops/matmul.js';
import { reshape, squeeze, transpose } from '../ops/movement.js';
import { sum } from '../ops/reduce.js';
import { conv2d } from '../ops/conv.js';
import { Module } from '../nn/module.js';
import { Conv2d } from '../nn/conv.js';

/**
 * Braindecode's CombinedConv: a temporal conv (nTime × (k, 1)) and a spatial conv
 * (nSpat × (1, C)) run as one conv whose weight is their product. x: (B, 1, T, C).
 */
export class CombinedConv extends Module {
  conv_time: Conv2d;
  conv_spat: Conv2d;
  constructor(nChans: number, nTime: number, nSpat: number, k: number, biasSpat = false) {
    super();
    this.conv_time = new Conv2d(1, nTime, [k, 1]);
    this.conv_spat = new Conv2d(nTime, nSpat, [1, nChans], { bias: biasSpat });
  }
  forward(x: Tensor): Tensor {
    const [O, F, , C] = this.conv_spat.weight.shape as [number, number, number, number];
    const K = this.conv_time.weight.shape[2]!;
    const spat = reshape(this.conv_spat.weight, [O, F, C]);
    const time = reshape(this.conv_time.weight, [F, K]);
    // W[o, k, c] = Σ_f time[f, k] · spat[o, f, c]: one batched product, already in (O, K, C)
    const w = matmul(transpose(time, 0, 1), spat);
    // b[o] = Σ_f (Σ_c spat[o, f, c]) · bias_time[f]  (+ bias_spat[o])
    let b = matmul(sum(spat, 2), this.conv_time.bias!);
    if (this.conv_spat.bias) b = add(b, this.conv_spat.bias);
    return conv2d(x, reshape(w, [O, 1, K, C]), b);
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
