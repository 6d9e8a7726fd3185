// The small networks the agents learn with: in → hidden (tanh or ReLU) → ... → out, built from
// nn.Linear, initialised from the agent's own seeded generator (PyTorch's default Linear scheme,
// the last layer scaled down, as policy heads usually are), and a forward over plain rows.

import { ArgumentError } from '../../../errors.js';
import { noGrad } from '../../../autograd/grad_mode.js';
import { tensor } from '../../../tensor/creation.js';
import { tidy, type Tensor } from '../../../tensor/tensor.js';
import type { Generator } from '../../../tensor/random.js';
import { Linear } from '../../../nn/linear.js';
import { ReLU, Tanh } from '../../../nn/activation.js';
import { Sequential } from '../../../nn/container.js';
import type { Module } from '../../../nn/module.js';
import { resetLinearLike } from '../../../nn/init.js';

export type Activation = 'tanh' | 'relu';

/** A seeded MLP: sizes [in, h1, ..., out]; the last layer's weights scaled by lastScale. */
export function mlp(sizes: readonly number[], gen: Generator, activation: Activation = 'tanh', lastScale = 1): Sequential {
  const op = 'mlp';
  if (sizes.length < 2) throw new ArgumentError(`${op}: ${sizes.length} sizes (at least input and output are needed)`);
  for (const s of sizes) if (!(Number.isInteger(s) && s >= 1 && s <= 4096)) throw new ArgumentError(`${op}: layer size ${s} (an integer in [1, 4096] is needed)`);
  const layers: Module[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const lin = new Linear(sizes[i]!, sizes[i + 1]!);
    resetLinearLike(lin.weight, lin.bias, gen);
    if (i + 2 === sizes.length && lastScale !== 1) noGrad(() => { lin.weight.mul_(lastScale); lin.bias?.mul_(lastScale); });
    layers.push(lin);
    if (i + 2 < sizes.length) layers.push(activation === 'tanh' ? new Tanh() : new ReLU());
  }
  return new Sequential(...layers);
}

/** (n, dim) rows as a float32 tensor. */
export function rows(data: Float32Array | Float64Array, n: number, dim: number): Tensor {
  return tensor(data instanceof Float32Array ? data : Float32Array.from(data), { shape: [n, dim] });
}

/** The network's outputs for n rows, without a tape. */
export function forwardRows(net: Module, data: Float32Array | Float64Array, n: number, dim: number): Float32Array {
  return noGrad(() => tidy(() => net.call(rows(data, n, dim)).dataSync() as Float32Array));
}

/** Copies every parameter of src into dst (same architecture). */
export function copyWeights(dst: Module, src: Module): void {
  dst.loadStateDict(src.stateDict());
}
