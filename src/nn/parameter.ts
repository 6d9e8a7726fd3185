// Parameter: a leaf tensor that a Module owns and an optimizer updates.

import { keep, Tensor } from '../tensor/tensor.js';
import { contiguous } from '../ops/index.js';

export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    const c = data.isContiguous() ? data : contiguous(data);
    super(c.storage, c.shape, c.strides, c.offset, c.dtype);
    keep(this); // parameters outlive every tidy scope
    this.requiresGrad = requiresGrad;
  }
}
