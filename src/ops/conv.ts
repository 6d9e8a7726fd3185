// Convolution, with both backward passes beside the forward. x: (N, C, H, W)
// w: (O, C/groups, kh, kw)  y: (N, O, OH, OW); 1-D convolution runs as 2-D with H = 1.
// Paths: a kernel covering the whole image is one GEMM over the images; a kernel spanning the
// width of a 1-channel image (EEG nets' (B, 1, T, C) layers) reads its columns in place, through
// the FFT where its kernel is long; few taps sum windows directly; everything else is im2col +
// GEMM per group over batch-folded columns. A backend with implicit-GEMM kernels (webgpu) takes
// every shape through them instead: windows gathered as they are multiplied, no columns.

import { ShapeError, ArgumentError, DTypeError } from '../errors.js';
import { backend } from '../kernels/registry.js';
import type { Window2d } from '../kernels/backend.js';
import { record } from '../autograd/tape.js';
import { isGradEnabled } from '../autograd/grad_mode.js';
import { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/shape.js';
import { cast, contiguousData } from './util.js';
import { reshape, squeeze, unsqueeze } from './movement.js';
import { sum } from './reduce.js';
import { rowConvSpectrum } from './conv_spectrum.js';

export type Padding2d = number | readonly [number, number] | 'same' | 'valid';
export type Pair = number | readonly [number, number];

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Padding2d;
  dilation?: Pair;
  groups?: number;
}

export const pair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

/** Output size of a window op along one axis (floor mode). */
export function outSize(size: number, k: number, s: number, padTotal: number, d: number): number {
  return Math.floor((size + padTotal - d * (k - 1) - 1) / s) + 1;
}

export interface ConvGeom extends Window2d {
  N: number; C: number; O: number; groups: number;
}

function geometry(x: Tensor, w: Tensor, opts: Conv2dOptions, op: string): ConvGeom {
  if (x.ndim !== 4) throw new ShapeError(`${op}: expected input (N, C, H, W), got ${fmtShape(x.shape)}`);
  if (w.ndim !== 4) throw new ShapeError(`${op}: expected weight (O, C/groups, kh, kw), got ${fmtShape(w.shape)}`);
  if (!x.isFloat || x.dtype !== w.dtype) throw new DTypeError(`${op}: input ${x.dtype} and weight ${w.dtype} must be the same floating-point dtype`);
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [O, Cg, kh, kw] = w.shape as [number, number, number, number];
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1 || C % groups !== 0 || O % groups !== 0) {
    throw new ArgumentError(`${op}: groups=${groups} must divide in_channels ${C} and out_channels ${O}`);
  }
  if (Cg * groups !== C) {
    throw new ShapeError(`${op}: weight ${fmtShape(w.shape)} expects ${Cg * groups} input channels (groups=${groups}), input ${fmtShape(x.shape)} has ${C}`);
  }
  const [sh, sw] = pair(opts.stride ?? 1);
  const [dh, dw] = pair(opts.dilation ?? 1);
  if (sh < 1 || sw < 1 || dh < 1 || dw < 1) throw new ArgumentError(`${op}: stride and dilation must be ≥ 1, got stride ${sh},${sw} dilation ${dh},${dw}`);
  let ph: number, pw: number, tph: number, tpw: number; // top/left pad and total pad
  const p = opts.padding ?? 0;
  if (p === 'same') {
    if (sh !== 1 || sw !== 1) throw new ArgumentError(`${op}: padding='same' needs stride 1, got ${sh},${sw}`);
    // PyTorch puts the odd extra element of padding on the bottom/right
    tph = dh * (kh - 1);
    tpw = dw * (kw - 1);
    ph = Math.floor(tph / 2);
    pw = Math.floor(tpw / 2);
  } else if (p === 'valid') {
    ph = pw = tph = tpw = 0;
  } else {
    [ph, pw] = pair(p);
    if (ph < 0 || pw < 0) throw new ArgumentError(`${op}: negative padding ${ph},${pw}`);
    tph = 2 * ph;
    tpw = 2 * pw;
  }
  const OH = outSize(H, kh, sh, tph, dh);
  const OW = outSize(W, kw, sw, tpw, dw);
  if (OH < 1 || OW < 1) {
    throw new ShapeError(`${op}: input ${fmtShape(x.shape)} (padded) is smaller than the dilated kernel ${kh}x${kw}; output would be ${OH}x${OW}`);
  }
  return { N, C, O, groups, kh, kw, sh, sw, ph, pw, dh, dw, H, W, OH, OW };
}

/**
 * For one input channel and a kernel spanning the whole (unpadded) width — the temporal/spatial
 * convs of EEG nets over (B, 1, T, C) — column oy of im2col is the contiguous run
 * x[oy·sh·W, +kh·W): the GEMM reads it in place, with no im2col buffer. Returns its
 * (batch, row, column) strides, or null when the layout does not allow it.
 */
function directColumns(g: ConvGeom): { sb: number; sr: number; sc: number } | null {
  if (g.C !== 1 || g.groups !== 1 || g.kw !== g.W || g.pw !== 0 || g.dw !== 1 || g.ph !== 0 || g.dh !== 1 || g.OW !== 1) return null;
  if ((g.OH - 1) * g.sh + g.kh > g.H) return null;
  return { sb: g.H * g.W, sr: 1, sc: g.sh * g.W };
}

/**
 * Window geometry for im2col/col2im. A one-column image with a one-column kernel (the (k, 1)
 * time convolutions of EEG nets over (B, F, T, 1)) is the same memory as a one-row image with
 * a (1, k) kernel, whose columns are contiguous runs: swap the axes so the kernels copy runs
 * instead of single samples. The column layout (C·kh·kw, OH·OW) is identical either way.
 */
function unfoldGeometry(g: ConvGeom): ConvGeom {
  if (g.W !== 1 || g.kw !== 1 || g.pw !== 0 || g.OW !== 1) return g;
  return { ...g, H: 1, W: g.H, kh: 1, kw: g.kh, sh: 1, sw: g.sh, ph: 0, pw: g.ph, dh: 1, dw: g.dh, OH: 1, OW: g.OH };
}

export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, opts: Conv2dOptions = {}): Tensor {
  return convolve(input, weight, bias, opts, false)[0];
}

/** conv2d, with the ReLU applied by the kernel where `relu` and the path fuses it (then true). */
function convolve(input: Tensor, weight: Tensor, bias: Tensor | null | undefined, opts: Conv2dOptions, relu: boolean): [Tensor, boolean] {
  const g = geometry(input, weight, opts, 'conv2d');
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== g.O)) throw new ShapeError(`conv2d: bias ${fmtShape(bias.shape)} must be (${g.O},)`);
  const x = contiguousData(input);
  const w = contiguousData(weight);
  const bc = bias ? contiguousData(cast(bias, x.dtype)) : null;
  const be = backend();
  const implicit = be.convImplicit && be.convImplicitBackwardInput && be.convImplicitWeightGrad;
  const y = implicit ? conv2dImplicit(input, weight, bias, x, w, bc, g, relu) : conv2dForward(input, weight, bias, x, w, bc, g);
  // only the forward reads the bias (its gradient is a sum of dy)
  if (bc && bc !== bias) bc.dispose();
  return [y, Boolean(implicit) && relu];
}

/** The implicit-GEMM path: one kernel per pass reads the windows in place (bias and ReLU fused). */
function conv2dImplicit(input: Tensor, weight: Tensor, bias: Tensor | null | undefined, x: Tensor, w: Tensor, bc: Tensor | null, g: ConvGeom, relu: boolean): Tensor {
  const y = Tensor.empty([g.N, g.O, g.OH, g.OW], x.dtype);
  backend().convImplicit!(x.dtype, x.offset, g.N, g.C, g.O, g.groups, g, w.offset, bc ? bc.offset : -1, relu, y.offset);
  return recordWindowed(y, input, weight, bias, x, w, g, (dy, dw) => backend().convImplicitWeightGrad!(w.dtype, x.offset, dy.offset, g.N, g.C, g.O, g.groups, g, dw.offset));
}

/**
 * relu(conv2d(input, weight, bias)) as one op: the ReLU runs in place over the convolution's
 * fresh output, or inside the implicit-GEMM kernel as it stores it (no second block, no
 * separate tape node), and the backward masks the incoming
 * gradient by that output before the convolution's own backward. relu(z) > 0 exactly where
 * z > 0, so the mask, and every gradient, is bit-identical to relu applied separately.
 */
export function conv2dRelu(input: Tensor, weight: Tensor, bias?: Tensor | null, opts: Conv2dOptions = {}): Tensor {
  const [y, fused] = convolve(input, weight, bias, opts, true);
  const be = backend();
  if (!fused) be.unary('relu', y.dtype, y.offset, y.offset, y.numel);
  const node = y.gradFn;
  if (node === null || node.backward === null) return y;
  const convBackward = node.backward;
  y.gradFn = {
    name: 'conv2dRelu',
    inputs: node.inputs,
    backward: (gy) => {
      const g = cast(gy, y.dtype);
      const dz = Tensor.empty(y.shape, y.dtype);
      be.binary('reluBackward', y.dtype, y.dtype, y.shape, { off: g.offset, strides: g.strides }, { off: y.offset, strides: y.strides }, dz.offset, 0);
      if (g !== gy) g.dispose();
      const grads = convBackward(dz);
      // the convolution's gradients are fresh tensors (its bias gradient a sum over dz)
      dz.dispose();
      return grads;
    },
    saved: [...(node.saved ?? []), [y, y.version] as const],
  };
  return y;
}

/** Picks the convolution's path (see the header) and records its backward. */
function conv2dForward(input: Tensor, weight: Tensor, bias: Tensor | null | undefined, x: Tensor, w: Tensor, bc: Tensor | null, g: ConvGeom): Tensor {
  if (g.groups === 1 && g.kh === g.H && g.kw === g.W && g.ph === 0 && g.pw === 0 && g.dh === 1 && g.dw === 1 && g.OH === 1 && g.OW === 1) {
    // the kernel covers the whole image (conv classifiers over what is left of time): each
    // image is its own column, so y (O, N) = W (O, K) · X (K, N) reads x in place
    const K = g.C * g.H * g.W;
    const y = Tensor.empty([g.N, g.O, 1, 1], x.dtype);
    if (bc) backend().copy(x.dtype, x.dtype, [g.N, g.O], { off: bc.offset, strides: [0, 1] }, { off: y.offset, strides: [g.O, 1] });
    backend().matmul(x.dtype, 1, g.O, g.N, K, { off: w.offset, sb: 0, sr: K, sc: 1 }, { off: x.offset, sb: 0, sr: 1, sc: K }, { off: y.offset, sb: 0, sr: 1, sc: g.O }, bc ? 1 : 0);
    return recordWindowed(y, input, weight, bias, x, w, g, (dy, dw) => {
      // dW (O, K) = dY (O, N) · X (N, K)
      backend().matmul(w.dtype, 1, g.O, K, g.N, { off: dy.offset, sb: 0, sr: 1, sc: g.O }, { off: x.offset, sb: 0, sr: K, sc: 1 }, { off: dw.offset, sb: 0, sr: K, sc: 1 }, 0);
    });
  }
  const direct = directColumns(g);
  if (direct) {
    const be = backend();
    const L = g.OH * g.OW;
    const kk = g.kh * g.kw;
    const y = Tensor.empty([g.N, g.O, g.OH, g.OW], x.dtype);
    // a weight that needs its gradient changes every step: its spectrum is made per call
    const perCall = isGradEnabled() && weight.requiresGrad;
    const n = g.sh === 1 && be.rowConvFft && be.rowConvFftLength ? be.rowConvFftLength(x.dtype, g.N, g.O, g.H, g.W, g.kh, perCall) : 0;
    let done = false;
    if (n > 0) {
      // long kernels: overlap-save through the FFT (EEG nets' 25-tap temporal-spatial layer);
      // declined for non-finite weights or inputs, which the direct product keeps local
      const spec = rowConvSpectrum(be, weight, w, g.O, g.kh, g.W, n, perCall);
      if (spec) {
        done = be.rowConvFft!(x.dtype, x.offset, g.N, g.H, g.W, g.O, g.kh, n, spec.offset, bc ? bc.offset : -1, y.offset);
        if (perCall) spec.dispose();
      }
    }
    if (!done) {
      // the bias is written first and the GEMM accumulates onto it: no separate pass over y
      if (bc) be.copy(x.dtype, x.dtype, [g.N, g.O, L], { off: bc.offset, strides: [0, 1, 0] }, { off: y.offset, strides: [g.O * L, L, 1] });
      be.matmul(x.dtype, g.N, g.O, L, kk, { off: w.offset, sb: 0, sr: kk, sc: 1 }, { off: x.offset, ...direct }, { off: y.offset, sb: g.O * L, sr: L, sc: 1 }, bc ? 1 : 0);
    }
    return recordWindowed(y, input, weight, bias, x, w, g, (dy, dw) => {
      // dW (O, kh·W) = Σₙ dY[n] (O, L) · X[n]ᵀ, reading the input windows in place
      backend().matmul(w.dtype, g.N, g.O, kk, L, { off: dy.offset, sb: g.O * L, sr: L, sc: 1 }, { off: x.offset, sb: direct.sb, sr: direct.sc, sc: direct.sr }, { off: dw.offset, sb: 0, sr: kk, sc: 1 }, 0);
    });
  }
  // a direct convolution where the backend has one and takes the shape (few taps, one group)
  const be = backend();
  if (g.groups === 1 && be.convDirect && be.convDirectWeightGrad) {
    const dg = unfoldGeometry(g);
    const y = Tensor.empty([g.N, g.O, g.OH, g.OW], x.dtype);
    if (be.convDirect(x.dtype, x.offset, g.N, g.C, g.O, dg, w.offset, bc ? bc.offset : -1, y.offset)) {
      return recordWindowed(y, input, weight, bias, x, w, g, (dy, dw) => backend().convDirectWeightGrad!(w.dtype, x.offset, dy.offset, g.N, g.C, g.O, dg, dw.offset));
    }
    // declined: im2col + GEMM writes the same output block
    return conv2dFolded(input, weight, bias, x, w, bc, g, y);
  }
  return conv2dFolded(input, weight, bias, x, w, bc, g);
}

/**
 * Records a convolution that read its input windows in place (no columns kept): dX through
 * col2im, dW written by `weightGrad(dy, dw)`, db as the sum of dy. The contiguous copies of x
 * and w are kept only while a gradient may need them.
 */
function recordWindowed(y: Tensor, input: Tensor, weight: Tensor, bias: Tensor | null | undefined, x: Tensor, w: Tensor, g: ConvGeom, weightGrad: (dy: Tensor, dw: Tensor) => void): Tensor {
  const out = record('conv2d', y, [input, weight, bias], (gy) => {
    const dy = contiguousData(gy);
    const dx = input.requiresGrad ? conv2dBackwardInput(dy, w, g) : null;
    let dw: Tensor | null = null;
    if (weight.requiresGrad) {
      dw = Tensor.empty(weight.shape, w.dtype);
      weightGrad(dy, dw);
    }
    const db = biasGrad(dy, bias, g);
    if (dy !== gy) dy.dispose();
    return [dx, dw, db];
  }, [x, w]);
  if (!out.requiresGrad) {
    if (x !== input) x.dispose();
    if (w !== weight) w.dispose();
  }
  return out;
}

/** db = Σ dy over the batch and positions (positions first: contiguous, no permuting copy). */
function biasGrad(dy: Tensor, bias: Tensor | null | undefined, g: ConvGeom): Tensor | null {
  return bias?.requiresGrad ? cast(sum(sum(reshape(dy, [g.N, g.O, g.OH * g.OW]), 2), 0), bias.dtype) : null;
}

// Columns of about this many floats (4 MiB) are made and multiplied as one chunk of images.
const CHUNK_FLOATS = 1 << 20;

/** [n0, n1) image ranges whose columns (perImage floats each) stay near CHUNK_FLOATS. */
function imageChunks(N: number, perImage: number): [number, number][] {
  const n = Math.max(1, Math.floor(CHUNK_FLOATS / perImage));
  const out: [number, number][] = [];
  for (let a = 0; a < N; a += n) out.push([a, Math.min(N, a + n)]);
  return out;
}

/**
 * The columns are laid out batch-folded, (C·kh·kw, N·L), so the forward product, the
 * input gradient and the weight gradient are one GEMM per group over all N·L positions rather
 * than N small ones (LeNet's second layer: 16×150 against 6 400 columns
 * instead of 64 products against 100, ~1.5-1.9× faster); y and dy move between (N, O, L) and
 * (O, N·L) with one permuting copy each.
 */
function conv2dFolded(input: Tensor, weight: Tensor, bias: Tensor | null | undefined, x: Tensor, w: Tensor, bc: Tensor | null, g: ConvGeom, yOut?: Tensor): Tensor {
  const be = backend();
  const dt = x.dtype;
  const L = g.OH * g.OW;
  const NL = g.N * L;
  const K = g.C * g.kh * g.kw;
  // per group: Og outputs from Kg = (C/groups)·kh·kw column rows; the groups are the batch
  const G = g.groups;
  const Og = g.O / G;
  const Kg = K / G;
  const cols = { row: NL, image: L };
  const ug = unfoldGeometry(g);
  const col = Tensor.empty([K, NL], dt);
  const y = yOut ?? Tensor.empty([g.N, g.O, g.OH, g.OW], dt);
  // (O, N·L) is y's own layout for one image; a batch is permuted into y afterwards
  const yf = g.N === 1 ? y : Tensor.empty([g.O, NL], dt);
  if (bc) be.copy(dt, dt, [g.O, NL], { off: bc.offset, strides: [1, 0] }, { off: yf.offset, strides: [NL, 1] });
  // image by image chunks: each chunk's columns are multiplied while they are still in cache
  for (const [n0, n1] of imageChunks(g.N, K * L)) {
    const c0 = n0 * L;
    be.im2col(dt, x.offset + n0 * g.C * g.H * g.W, n1 - n0, g.C, ug, col.offset + c0, cols);
    be.matmul(dt, G, Og, (n1 - n0) * L, Kg, { off: w.offset, sb: Og * Kg, sr: Kg, sc: 1 }, { off: col.offset + c0, sb: Kg * NL, sr: NL, sc: 1 }, { off: yf.offset + c0, sb: Og * NL, sr: NL, sc: 1 }, bc ? 1 : 0);
  }
  if (x !== input) x.dispose();
  if (yf !== y) {
    be.copy(dt, dt, [g.O, g.N, L], { off: yf.offset, strides: [NL, L, 1] }, { off: y.offset, strides: [L, g.O * L, 1] });
    yf.dispose();
  }
  const out = record('conv2d', y, [input, weight, bias], (gy) => {
    const dy = contiguousData(gy);
    const dyf = foldBatch(dy, g.O, g.N, L);
    let dx: Tensor | null = null;
    if (input.requiresGrad) {
      // dcol (K, n·L) = Wᵀ (K, O) · dY (O, n·L) per group for a chunk of n images, folded back
      // into them at once
      const chunks = imageChunks(g.N, K * L);
      const most = Math.max(...chunks.map(([a, b]) => b - a));
      const dcol = Tensor.empty([K, most * L], dt);
      dx = Tensor.empty([g.N, g.C, g.H, g.W], dt);
      be.fill(dt, dx.offset, dx.numel, 0);
      for (const [n0, n1] of chunks) {
        const nl = (n1 - n0) * L;
        be.matmul(dt, G, Kg, nl, Og, { off: w.offset, sb: Og * Kg, sr: 1, sc: Kg }, { off: dyf.offset + n0 * L, sb: Og * NL, sr: NL, sc: 1 }, { off: dcol.offset, sb: Kg * nl, sr: nl, sc: 1 }, 0);
        be.col2im(dt, dcol.offset, n1 - n0, g.C, ug, dx.offset + n0 * g.C * g.H * g.W, { row: nl, image: L });
      }
      dcol.dispose();
    }
    let dw: Tensor | null = null;
    if (weight.requiresGrad) dw = weightGradFolded(dyf, col, g, weight.shape);
    const db = biasGrad(dy, bias, g);
    if (dyf !== dy) dyf.dispose();
    if (dy !== gy) dy.dispose();
    return [dx, dw, db];
  }, [w]);
  if (!out.requiresGrad) {
    col.dispose();
    if (w !== weight) w.dispose();
  }
  return out;
}

/** t (N, O, L) as (O, N·L), batch-folded: one permuting copy (t itself for one image). */
export function foldBatch(t: Tensor, O: number, N: number, L: number): Tensor {
  if (N === 1) return t;
  const dt = t.dtype;
  const f = Tensor.empty([O, N * L], dt);
  backend().copy(dt, dt, [O, N, L], { off: t.offset, strides: [L, O * L, 1] }, { off: f.offset, strides: [N * L, L, 1] });
  return f;
}

/** The batch-folded columns (C·kh·kw, N·L) of a contiguous x (N, C, H, W). */
export function foldedColumns(x: Tensor, g: ConvGeom): Tensor {
  const L = g.OH * g.OW;
  const col = Tensor.empty([g.C * g.kh * g.kw, g.N * L], x.dtype);
  backend().im2col(x.dtype, x.offset, g.N, g.C, unfoldGeometry(g), col.offset, { row: g.N * L, image: L });
  return col;
}

/**
 * The weight gradient of conv2d over batch-folded operands: dW (O, Kg) = dY (O, N·L) ·
 * colᵀ (N·L, Kg) per group, the batch sum part of the product. convTranspose2d's weight
 * gradient is this with its input as dY and the columns of its output gradient.
 */
export function weightGradFolded(dyf: Tensor, col: Tensor, g: ConvGeom, wShape: readonly number[]): Tensor {
  const dt = dyf.dtype;
  const NL = g.N * g.OH * g.OW;
  const G = g.groups;
  const Og = g.O / G;
  const Kg = (g.C * g.kh * g.kw) / G;
  const dw = Tensor.empty(wShape, dt);
  backend().matmul(dt, G, Og, Kg, NL, { off: dyf.offset, sb: Og * NL, sr: NL, sc: 1 }, { off: col.offset, sb: Kg * NL, sr: 1, sc: NL }, { off: dw.offset, sb: Og * Kg, sr: Kg, sc: 1 }, 0);
  return dw;
}

/** dX = col2im(Wᵀ dY): the gradient of conv2d with respect to its input (convTranspose2d's forward). */
export function conv2dBackwardInput(dy: Tensor, w: Tensor, g: ConvGeom): Tensor {
  const be = backend();
  if (be.convImplicitBackwardInput) {
    // gathered from dy as it is multiplied: no columns, no col2im
    const dx = Tensor.empty([g.N, g.C, g.H, g.W], dy.dtype);
    be.convImplicitBackwardInput(dy.dtype, dy.offset, g.N, g.C, g.O, g.groups, g, w.offset, dx.offset);
    return dx;
  }
  const L = g.OH * g.OW;
  const Cg = g.C / g.groups;
  const Og = g.O / g.groups;
  const kk = g.kh * g.kw;
  const dcol = Tensor.empty([g.N, g.C * kk, L], dy.dtype);
  for (let gi = 0; gi < g.groups; gi++) {
    // dcol[n, group] (Cg·kk, L) = W[group]ᵀ (Cg·kk, Og) @ dy[n, group] (Og, L)
    backend().matmul(dy.dtype, g.N, Cg * kk, L, Og,
      { off: w.offset + gi * Og * Cg * kk, sb: 0, sr: 1, sc: Cg * kk },
      { off: dy.offset + gi * Og * L, sb: g.O * L, sr: L, sc: 1 },
      { off: dcol.offset + gi * Cg * kk * L, sb: g.C * kk * L, sr: L, sc: 1 }, 0);
  }
  const dx = Tensor.empty([g.N, g.C, g.H, g.W], dy.dtype);
  backend().fill(dy.dtype, dx.offset, dx.numel, 0);
  backend().col2im(dy.dtype, dcol.offset, g.N, g.C, unfoldGeometry(g), dx.offset);
  dcol.dispose();
  return dx;
}

export interface Conv1dOptions {
  stride?: number;
  padding?: number | 'same' | 'valid';
  dilation?: number;
  groups?: number;
}

/** x: (N, C, L)  w: (O, C/groups, k). Runs as conv2d over (N, C, 1, L). */
export function conv1d(input: Tensor, weight: Tensor, bias?: Tensor | null, opts: Conv1dOptions = {}): Tensor {
  if (input.ndim !== 3) throw new ShapeError(`conv1d: expected input (N, C, L), got ${fmtShape(input.shape)}`);
  if (weight.ndim !== 3) throw new ShapeError(`conv1d: expected weight (O, C/groups, k), got ${fmtShape(weight.shape)}`);
  const p = opts.padding ?? 0;
  const o2: Conv2dOptions = {
    stride: [1, opts.stride ?? 1],
    padding: typeof p === 'number' ? [0, p] : p,
    dilation: [1, opts.dilation ?? 1],
    groups: opts.groups ?? 1,
  };
  const y = conv2d(unsqueeze(input, 2), unsqueeze(weight, 2), bias, o2);
  return squeeze(y, 2);
}

