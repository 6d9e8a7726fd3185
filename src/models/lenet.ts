// The classic ConvNet (LeCun et al. 1998, "Gradient-based learning applied to document
// recognition"), in its modern form with ReLU and max-pooling:
// conv(1→6, k5) → ReLU → max-pool 2 → conv(6→16, k5) → ReLU → max-pool 2 → flatten(16·5·5)
// → Linear 400→120 → ReLU → Linear 120→84 → ReLU → Linear 84→10.
// x: (B, 1, 28, 28) → logits (B, 10)

import type { Tensor } from '../tensor/tensor.js';
import { flatten } from '../ops/movement.js';
import { relu } from '../ops/elementwise.js';
import { maxPool2d } from '../ops/pool.js';
import { Module } from '../nn/module.js';
import { Conv2d } from '../nn/conv.js';
import { Linear } from '../nn/linear.js';

export class LeNet extends Module {
  // The original network took 32×32 inputs; MNIST digits are 28×28, so conv1 pads by 2 to keep
  // 28×28 and the flattened features come out at the classic 16·5·5 = 400.
  conv1 = new Conv2d(1, 6, 5, { padding: 2 });
  conv2 = new Conv2d(6, 16, 5);
  fc1 = new Linear(16 * 5 * 5, 120);
  fc2 = new Linear(120, 84);
  fc3: Linear;

  constructor(numClasses = 10) {
    super();
    this.fc3 = new Linear(84, numClasses);
  }

  forward(x: Tensor): Tensor {
    // conv + ReLU as one op (bit-identical to the two; hooks on conv1/conv2 see the plain conv output)
    x = maxPool2d(this.conv1.callRelu(x), 2); // (B, 6, 14, 14)
    x = maxPool2d(this.conv2.callRelu(x), 2); // (B, 16, 5, 5)
    x = flatten(x, 1); // (B, 400)
    x = relu(this.fc1.call(x));
    x = relu(this.fc2.call(x));
    return this.fc3.call(x);
  }
}
