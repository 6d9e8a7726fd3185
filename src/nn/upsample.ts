// nn.Upsample: F.interpolate as a layer (no parameters).

import type { Tensor } from '../tensor/tensor.js';
import { interpolate, type InterpolateOptions } from '../ops/interpolate.js';
import { Module } from './module.js';

export class Upsample extends Module {
  constructor(readonly opts: InterpolateOptions) {
    super();
  }
  forward(x: Tensor): Tensor {
    return interpolate(x, this.opts);
  }
  override extraRepr(): string {
    const { size, scaleFactor, mode, alignCorners } = this.opts;
    return `${size !== undefined ? `size=${String(size)}` : `scaleFactor=${String(scaleFactor)}`}, mode=${mode ?? 'nearest'}${alignCorners !== undefined ? `, alignCorners=${alignCorners}` : ''}`;
  }
}
