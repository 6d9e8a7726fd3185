// A 1-D convolutional autoencoder with a narrow dense bottleneck, for anomaly detection: trained
// to reconstruct normal inputs only, it reconstructs what lies off the normal manifold badly.
//   encoder: conv(1→c1, k5, stride 2) → ELU → conv(c1→c2, k5, stride 2) → ELU → flatten → Linear → latent
//   decoder: Linear → (c2, L/4) → ELU → upsample 2 → conv(c2→c1, k5) → ELU → upsample 2 → conv(c1→1, k5)
// The bottleneck is what makes it a detector: with a latent as wide as the input it learns to
// copy anything (on the Bonn log spectra a purely convolutional bottleneck of 4×22 values
// reconstructed interictal spectra as well as healthy ones).
// x: (B, 1, L)  B=batch, L=sequence length (a multiple of 4) → reconstruction (B, 1, L)

import type { Tensor } from '../tensor/tensor.js';
import { ArgumentError } from '../errors.js';
import { elu } from '../ops/elementwise.js';
import { flatten, reshape, stack } from '../ops/movement.js';
import { Module } from '../nn/module.js';
import { Conv1d } from '../nn/conv.js';
import { Linear } from '../nn/linear.js';

/** Nearest-neighbour upsampling along the last axis: (B, C, L) → (B, C, L·factor). */
export function upsampleNearest1d(x: Tensor, factor: number): Tensor {
  const [b, c, l] = x.shape as [number, number, number];
  return reshape(stack(Array.from({ length: factor }, () => x), 3), [b, c, l * factor]);
}

export interface ConvAutoencoder1dOptions {
  /** Input length L (a multiple of 4). */
  length: number;
  /** Latent dimension (default 2). */
  latent?: number;
  /** Channels of the two conv stages (default 8, 16). */
  channels?: readonly [number, number];
}

export class ConvAutoencoder1d extends Module {
  readonly length: number;
  readonly latent: number;
  readonly c1: number;
  readonly c2: number;
  enc1: Conv1d;
  enc2: Conv1d;
  toLatent: Linear;
  fromLatent: Linear;
  dec1: Conv1d;
  dec2: Conv1d;

  constructor(o: ConvAutoencoder1dOptions) {
    super();
    if (!Number.isInteger(o.length) || o.length < 4 || o.length % 4 !== 0) throw new ArgumentError(`ConvAutoencoder1d: length must be a positive multiple of 4, got ${o.length}`);
    this.length = o.length;
    this.latent = o.latent ?? 2;
    [this.c1, this.c2] = o.channels ?? [8, 16];
    const q = this.length / 4;
    this.enc1 = new Conv1d(1, this.c1, 5, { stride: 2, padding: 2 });
    this.enc2 = new Conv1d(this.c1, this.c2, 5, { stride: 2, padding: 2 });
    this.toLatent = new Linear(this.c2 * q, this.latent);
    this.fromLatent = new Linear(this.latent, this.c2 * q);
    this.dec1 = new Conv1d(this.c2, this.c1, 5, { padding: 2 });
    this.dec2 = new Conv1d(this.c1, 1, 5, { padding: 2 });
  }

  /** The latent code (B, latent). */
  encode(x: Tensor): Tensor {
    if (x.ndim !== 3 || x.shape[1] !== 1 || x.shape[2] !== this.length) throw new ArgumentError(`ConvAutoencoder1d: expected input (B, 1, ${this.length}), got (${x.shape.join(', ')})`);
    const h = elu(this.enc2.call(elu(this.enc1.call(x)))); // (B, c2, L/4)
    return this.toLatent.call(flatten(h, 1));
  }

  decode(z: Tensor): Tensor {
    const h = elu(reshape(this.fromLatent.call(z), [z.shape[0]!, this.c2, this.length / 4]));
    const u = elu(this.dec1.call(upsampleNearest1d(h, 2))); // (B, c1, L/2)
    return this.dec2.call(upsampleNearest1d(u, 2)); // (B, 1, L)
  }

  forward(x: Tensor): Tensor {
    return this.decode(this.encode(x));
  }
}
