// Softmax and log-softmax along a dim, fused and numerically stable (max-shifted).

import { backend } from '../kernels/registry.js';
import { record } from '../autograd/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { normDim, numel } from '../tensor/shape.js';
import { contiguousData, requireFloat } from './util.js';
import { exp, mul, sub } from './elementwise.js';
import { sum } from './reduce.js';

function softmaxRaw(x: Tensor, dim: number, log: boolean, op: string): { out: Tensor; d: number } {
  requireFloat(x, op);
  const d = x.ndim === 0 ? 0 : normDim(dim, x.ndim, op);
  const src = contiguousData(x);
  const out = Tensor.empty(x.shape, x.dtype);
  const outer = numel(x.shape.slice(0, d));
  const n = x.ndim === 0 ? 1 : x.shape[d]!;
  const inner = numel(x.shape.slice(d + 1));
  backend().softmax(x.dtype, src.offset, outer, n, inner, out.offset, log);
  if (src !== x) src.dispose();
  return { out, d };
}

export function softmax(x: Tensor, dim: number): Tensor {
  const { out, d } = softmaxRaw(x, dim, false, 'softmax');
  // dx = y ⊙ (g − Σ g⊙y)
  return record('softmax', out, [x], (g) => [mul(out, sub(g, sum(mul(g, out), d, true)))], [out]);
}

export function logSoftmax(x: Tensor, dim: number): Tensor {
  const { out, d } = softmaxRaw(x, dim, true, 'logSoftmax');
  // dx = g − softmax ⊙ Σ g
  return record('logSoftmax', out, [x], (g) => [sub(g, mul(exp(out), sum(g, d, true)))], [out]);
}
