// F.group_norm: channels split into groups, each (sample, group) normalised over its channels
// and spatial positions with the biased variance, then a per-channel affine.
// x: (N, C, *S)  G=groups, Cg=C/G, L=Cg·|S| values per (sample, group), all contiguous.
// The (sample, group) blocks are the channels of batch normalisation over (1, N·G, L), so the
// fused batch-norm kernels do the work: forward = statistics + one apply pass (the group's
// mean/invstd and the channel's weight/bias folded into per-(n, c) vectors over (1, N·C, |S|));
// backward = dx̂ = dy·w (one pass, with a weight), dx by the training-mode batch-norm backward
// over (1, N·G, L), and dw/db per (n, c) over (1, N·C, |S|) summed over n (a tiny reduction).

import { ArgumentError, ShapeError } from '../errors.js';
import { backend } from '../kernels/registry.js';
import { record } from '../autograd/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/shape.js';
import { sum } from './reduce.js';
import { cast, contiguousData, requireFloat } from './util.js';

export function groupNorm(x: Tensor, numGroups: number, weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  requireFloat(x, 'groupNorm');
  if (x.ndim < 2) throw new ShapeError(`groupNorm: expected (N, C, *) input, got ${fmtShape(x.shape)}`);
  const N = x.shape[0]!;
  const C = x.shape[1]!;
  if (!Number.isInteger(numGroups) || numGroups < 1 || C % numGroups !== 0) {
    throw new ArgumentError(`groupNorm: ${C} channels cannot be split into ${numGroups} groups`);
  }
  if (!(eps >= 0) || !Number.isFinite(eps)) throw new ArgumentError(`groupNorm: eps must be ≥ 0 and finite, got ${eps}`);
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (t && (t.ndim !== 1 || t.shape[0] !== C)) throw new ShapeError(`groupNorm: ${name} ${fmtShape(t.shape)} must be (${C},) for input ${fmtShape(x.shape)}`);
  }
  const G = numGroups;
  const Cg = C / G;
  const S = C > 0 ? x.numel / Math.max(N * C, 1) : 0;
  const L = Cg * S;
  const NG = N * G;
  const NC = N * C;
  const dt = x.dtype;
  const be = backend();
  const xc = contiguousData(x);
  const mean = Tensor.empty([NG], dt);
  const invstd = Tensor.empty([NG], dt);
  if (x.numel > 0) be.batchNormStats(dt, xc.offset, 1, NG, L, eps, mean.offset, invstd.offset);
  // the group statistics expanded to (n, c), and the weight and bias tiled over the batch, by
  // strided copies on the backend (stride 0 repeats): nothing is read back to the host
  const meanNC = Tensor.empty([NC], dt);
  const invstdNC = Tensor.empty([NC], dt);
  const groupToChannel = (src: Tensor, dst: Tensor): void =>
    be.copy(dt, dt, [N, G, Cg], { off: src.offset, strides: [G, 1, 0] }, { off: dst.offset, strides: [C, Cg, 1] });
  if (NC > 0) {
    groupToChannel(mean, meanNC);
    groupToChannel(invstd, invstdNC);
  }
  const tile = (t: Tensor | null): Tensor | null => {
    if (!t) return null;
    t.assertAlive('groupNorm');
    const o = Tensor.empty([NC], dt);
    if (NC > 0) be.copy(t.dtype, dt, [N, C], { off: t.offset, strides: [0, t.strides[0]!] }, { off: o.offset, strides: [C, 1] });
    return o;
  };
  const wNC = tile(weight);
  const bNC = tile(bias);
  const y = Tensor.empty(x.shape, dt);
  if (x.numel > 0) be.batchNormApply(dt, xc.offset, 1, NC, S, meanNC.offset, invstdNC.offset, wNC ? wNC.offset : -1, bNC ? bNC.offset : -1, y.offset);
  bNC?.dispose();
  const out = record('groupNorm', y, [x, weight, bias], (gy) => {
    const dy = contiguousData(gy);
    let dx: Tensor | null = null;
    if (x.requiresGrad && x.numel === 0) dx = Tensor.empty(x.shape, dt);
    else if (x.requiresGrad) {
      // dx̂ = dy·w[c], then dx by batch norm's training backward over the (n, g) blocks
      let dxhat = dy;
      if (wNC) {
        dxhat = Tensor.empty(x.shape, dt);
        const zero = Tensor.empty([NC], dt);
        be.fill(dt, zero.offset, NC, 0);
        be.batchNormApply(dt, dy.offset, 1, NC, S, zero.offset, wNC.offset, -1, -1, dxhat.offset);
        zero.dispose();
      }
      dx = Tensor.empty(x.shape, dt);
      be.batchNormBackward(dt, xc.offset, dxhat.offset, 1, NG, L, mean.offset, invstd.offset, -1, dx.offset, -1, -1);
      if (dxhat !== dy) dxhat.dispose();
    }
    let dw: Tensor | null = null;
    let db: Tensor | null = null;
    if ((weight?.requiresGrad || bias?.requiresGrad) && x.numel > 0) {
      // Σ_s dy·x̂ and Σ_s dy per (n, c), then summed over the batch
      const dwNC = Tensor.empty([N, C], dt);
      const dbNC = Tensor.empty([N, C], dt);
      be.batchNormBackward(dt, xc.offset, dy.offset, 1, NC, S, meanNC.offset, invstdNC.offset, -1, -1, dwNC.offset, dbNC.offset);
      if (weight?.requiresGrad) dw = cast(sum(dwNC, 0), weight.dtype);
      if (bias?.requiresGrad) db = cast(sum(dbNC, 0), bias.dtype);
      dwNC.dispose();
      dbNC.dispose();
    }
    if (dy !== gy) dy.dispose();
    return [dx, dw, db];
  }, [xc, weight]);
  if (!out.requiresGrad) {
    for (const t of [mean, invstd, meanNC, invstdNC, wNC]) t?.dispose();
    if (xc !== x) xc.dispose();
  }
  return out;
}
