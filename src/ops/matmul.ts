// Matrix products: matmul with NumPy broadcasting of batch dims, and linear.
// Transposes are free: the GEMM kernel takes row and column strides.

import { ShapeError, DTypeError } from '../errors.js';
import { backend } from '../kernels/registry.js';
import type { MatRef } from '../kernels/backend.js';
import { record } from '../autograd/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { broadcastShapes, fmtShape, numel } from '../tensor/shape.js';
import { contiguousData } from './util.js';
import { reshape, squeeze, transpose, unsqueeze } from './movement.js';
import { add } from './elementwise.js';
import { sum, sumTo } from './reduce.js';

/** Describes a (..., R, C) tensor expanded to batch shape `batch` as one strided batch, if it can. */
function matRef(t: Tensor, batch: readonly number[]): { ref: MatRef; src: Tensor } {
  const e = t.ndim - 2;
  const bshape = t.shape.slice(0, e);
  const bstr = t.strides.slice(0, e);
  // strides of the batch dims after broadcasting to `batch`
  const off = batch.length - bshape.length;
  const st = batch.map((_, i) => (i < off || bshape[i - off] === 1 ? 0 : bstr[i - off]!));
  // the flattened batch is one stride only if the dims chain (or are all broadcast)
  let sb = 0;
  let ok = true;
  for (let i = batch.length - 1, acc = -1; i >= 0; i--) {
    if (batch[i] === 1) continue;
    if (acc === -1) {
      sb = st[i]!;
      acc = st[i]! * batch[i]!;
    } else if (st[i] !== acc && !(st[i] === 0 && sb === 0)) {
      ok = false;
      break;
    } else acc = st[i]! * batch[i]!;
  }
  if (ok) return { ref: { off: t.offset, sb, sr: t.strides[e]!, sc: t.strides[e + 1]! }, src: t };
  const c = contiguousData(expandRaw(t, [...batch, t.shape[e]!, t.shape[e + 1]!]));
  return { ref: { off: c.offset, sb: t.shape[e]! * t.shape[e + 1]!, sr: t.shape[e + 1]!, sc: 1 }, src: c };
}

function expandRaw(t: Tensor, shape: number[]): Tensor {
  const off = shape.length - t.ndim;
  return t.view_(shape, shape.map((s, i) => (i < off || (t.shape[i - off] === 1 && s !== 1) ? 0 : t.strides[i - off]!)), t.offset);
}

/** torch.mm: (n, m) @ (m, p), 2-D operands only (matmul without promotion or broadcasting). */
export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2 || b.ndim !== 2) throw new ShapeError(`mm: expected two 2-D tensors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  return matmul(a, b);
}

/** torch.bmm: (b, n, m) @ (b, m, p), 3-D operands with equal batch sizes (no broadcasting). */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 3 || b.ndim !== 3) throw new ShapeError(`bmm: expected two 3-D tensors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  if (a.shape[0] !== b.shape[0]) throw new ShapeError(`bmm: batch sizes differ: ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  return matmul(a, b);
}

/** torch.matmul: 1-D operands are promoted and squeezed back; batch dims broadcast. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) throw new ShapeError(`matmul: both arguments need at least 1 dim, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  if (a.dtype !== b.dtype) throw new DTypeError(`matmul: dtypes differ (${a.dtype} and ${b.dtype})`);
  // vec·vec is a 0-d dot product; it must be handled before the one-sided promotions below,
  // which would otherwise squeeze dim -2 of a 1-d result
  if (a.ndim === 1 && b.ndim === 1) return reshape(matmul(unsqueeze(a, 0), unsqueeze(b, 1)), []);
  if (a.ndim === 1) return squeeze(matmul(unsqueeze(a, 0), b), -2);
  if (b.ndim === 1) return squeeze(matmul(a, unsqueeze(b, 1)), -1);
  const M = a.shape[a.ndim - 2]!;
  const K = a.shape[a.ndim - 1]!;
  const K2 = b.shape[b.ndim - 2]!;
  const N = b.shape[b.ndim - 1]!;
  if (K !== K2) throw new ShapeError(`matmul: ${fmtShape(a.shape)} @ ${fmtShape(b.shape)}: inner dimensions ${K} and ${K2} differ`);
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), 'matmul');
  const nb = numel(batch);
  const out = Tensor.empty([...batch, M, N], a.dtype);
  if (out.numel > 0) {
    if (K === 0) backend().fill(a.dtype, out.offset, out.numel, 0);
    else {
      const A = matRef(a, batch);
      const B = matRef(b, batch);
      backend().matmul(a.dtype, nb, M, N, K, A.ref, B.ref, { off: out.offset, sb: M * N, sr: N, sc: 1 }, 0);
      if (A.src !== a) A.src.dispose();
      if (B.src !== b) B.src.dispose();
    }
  }
  return record('matmul', out, [a, b], (g) => [
    a.requiresGrad ? sumTo(matmul(g, transpose(b, -1, -2)), a.shape) : null,
    b.requiresGrad ? sumTo(matmul(transpose(a, -1, -2), g), b.shape) : null,
  ], [a.requiresGrad && b, b.requiresGrad && a]);
}

/**
 * y = x Wᵀ + b, with W of shape (out, in), as F.linear. The bias is written into y first and
 * the GEMM accumulates onto it, so bias costs no separate pass; Wᵀ is a free strided view.
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (weight.ndim !== 2) throw new ShapeError(`linear: weight must be 2-D (out, in), got ${fmtShape(weight.shape)}`);
  if (x.shape[x.ndim - 1] !== weight.shape[1]) {
    throw new ShapeError(`linear: input ${fmtShape(x.shape)} has ${x.shape[x.ndim - 1]} features, weight ${fmtShape(weight.shape)} expects ${weight.shape[1]}`);
  }
  const [O, I] = weight.shape as [number, number];
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== O)) throw new ShapeError(`linear: bias ${fmtShape(bias.shape)} must be (${O},)`);
  if (x.ndim === 1) return squeeze(linear(unsqueeze(x, 0), weight, bias), 0);
  // fold leading dims into one batch of rows so the GEMM sees a single (rows, in) matrix
  const lead = x.shape.slice(0, -1);
  const x2 = x.ndim === 2 ? x : reshape(x, [-1, I]);
  if (!bias || x2.dtype !== weight.dtype || bias.dtype !== weight.dtype) {
    const y = bias ? add(matmul(x2, transpose(weight, 0, 1)), bias) : matmul(x2, transpose(weight, 0, 1));
    return x.ndim === 2 ? y : reshape(y, [...lead, O]);
  }
  const R = x2.shape[0]!;
  const y = Tensor.empty([R, O], x2.dtype);
  if (y.numel > 0) {
    backend().copy(bias.dtype, y.dtype, [R, O], { off: bias.offset, strides: [0, bias.strides[0]!] }, y.ref());
    if (I > 0) {
      backend().matmul(y.dtype, 1, R, O, I, { off: x2.offset, sb: 0, sr: x2.strides[0]!, sc: x2.strides[1]! }, { off: weight.offset, sb: 0, sr: weight.strides[1]!, sc: weight.strides[0]! }, { off: y.offset, sb: 0, sr: O, sc: 1 }, 1);
    }
  }
  const out = record('linear', y, [x2, weight, bias], (g) => [
    x2.requiresGrad ? matmul(g, weight) : null,
    weight.requiresGrad ? matmul(transpose(g, 0, 1), x2) : null,
    bias.requiresGrad ? sum(g, 0) : null,
  ], [x2.requiresGrad && weight, weight.requiresGrad && x2]);
  return x.ndim === 2 ? out : reshape(out, [...lead, O]);
}
