// A small 1-D CNN classifier over one-channel sequences (per-window log power spectra in the
// Bonn diagnosis pipeline): three conv(k5, same) → BatchNorm → ELU stages, the first two
// max-pooled by 2, global average pooling, and a linear classifier.
// x: (B, 1, L)  B=batch, L=sequence length → logits (B, nOutputs)

import type { Tensor } from '../tensor/tensor.js';
import { elu } from '../ops/elementwise.js';
import { maxPool1d, adaptiveAvgPool1d } from '../ops/pool.js';
import { flatten } from '../ops/movement.js';
import { Module } from '../nn/module.js';
import { Conv1d } from '../nn/conv.js';
import { BatchNorm1d } from '../nn/batchnorm.js';
import { Linear } from '../nn/linear.js';

export interface SpectrumCNNOptions {
  nOutputs: number;
  /** Channels of the three conv stages (default 16, 32, 32). */
  channels?: readonly [number, number, number];
}

export class SpectrumCNN extends Module {
  conv1: Conv1d;
  bn1: BatchNorm1d;
  conv2: Conv1d;
  bn2: BatchNorm1d;
  conv3: Conv1d;
  bn3: BatchNorm1d;
  classifier: Linear;

  constructor(o: SpectrumCNNOptions) {
    super();
    const [a, b, c] = o.channels ?? [16, 32, 32];
    this.conv1 = new Conv1d(1, a, 5, { padding: 2 });
    this.bn1 = new BatchNorm1d(a);
    this.conv2 = new Conv1d(a, b, 5, { padding: 2 });
    this.bn2 = new BatchNorm1d(b);
    this.conv3 = new Conv1d(b, c, 5, { padding: 2 });
    this.bn3 = new BatchNorm1d(c);
    this.classifier = new Linear(c, o.nOutputs);
  }

  forward(x: Tensor): Tensor {
    x = maxPool1d(elu(this.bn1.call(this.conv1.call(x))), 2);
    x = maxPool1d(elu(this.bn2.call(this.conv2.call(x))), 2);
    x = elu(this.bn3.call(this.conv3.call(x)));
    return this.classifier.call(flatten(adaptiveAvgPool1d(x, 1), 1));
  }
}
