// Transposed convolution (F.conv_transpose1d/2d/3d), the adjoint of convolution: what a decoder
// or U-Net uses to upsample. x: (N, C_in, *in)  w: (C_in, C_out/groups, *k)  y: (N, C_out, *out)
// It is computed as the input gradient of the matching convolution — the convolution from
// (N, C_out, *out) to (N, C_in, *in) with weight w and the same stride, padding, dilation and
// groups — so no zero-stuffed input is built: 2-D (and 1-D as 2-D) through Wᵀ·x then col2im,
// 3-D through the blocked conv3dBackwardInput kernel. By the same adjointness the backward
// passes are that convolution's forward (dx = conv(gy, w)) and its weight gradient
// (dw = Σ x ⋆ gy, with gy as the convolution's input and x as its output gradient).
//   out = (L − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1

import { ArgumentError, DTypeError, ShapeError } from '../errors.js';
import { backend } from '../kernels/registry.js';
import type { Window3d } from '../kernels/backend.js';
import { record } from '../autograd/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/shape.js';
import { conv2d, conv2dBackwardInput, foldBatch, foldedColumns, weightGradFolded, type ConvGeom } from './conv.js';
import { conv3d } from './conv3d.js';
import { add } from './elementwise.js';
import { narrow, reshape, squeeze, unsqueeze } from './movement.js';
import { cast, contiguousData, requireFloat } from './util.js';

export type PerAxis = number | readonly number[];

export interface ConvTransposeOptions {
  stride?: PerAxis;
  padding?: PerAxis;
  outputPadding?: PerAxis;
  dilation?: PerAxis;
  groups?: number;
}

function axes(v: PerAxis | undefined, n: number, dflt: number, op: string, what: string): number[] {
  const a = v === undefined ? Array.from({ length: n }, () => dflt) : typeof v === 'number' ? Array.from({ length: n }, () => v) : [...v];
  if (a.length !== n || a.some((x) => !Number.isInteger(x))) throw new ArgumentError(`${op}: ${what} must be an integer or ${n} integers, got ${String(v)}`);
  return a;
}

/** Per spatial axis: the transposed convolution's geometry, checked. */
interface Geom {
  N: number; Cin: number; Cout: number; groups: number;
  k: number[]; stride: number[]; padding: number[]; dilation: number[];
  inSize: number[]; outSize: number[];
}

function geometry(nsp: number, input: Tensor, weight: Tensor, bias: Tensor | null, opts: ConvTransposeOptions, op: string): Geom {
  requireFloat(input, op);
  if (input.ndim !== nsp + 2) throw new ShapeError(`${op}: expected input (N, C, ${['L', 'H, W', 'D, H, W'][nsp - 1]}), got ${fmtShape(input.shape)}`);
  if (weight.ndim !== nsp + 2) throw new ShapeError(`${op}: expected weight (C_in, C_out/groups, ${nsp === 1 ? 'k' : 'k…'}), got ${fmtShape(weight.shape)}`);
  if (weight.dtype !== input.dtype) throw new DTypeError(`${op}: input ${input.dtype} and weight ${weight.dtype} must be the same floating-point dtype`);
  const groups = opts.groups ?? 1;
  const Cin = input.shape[1]!;
  if (!Number.isInteger(groups) || groups < 1 || Cin % groups !== 0 || weight.shape[0] !== Cin) {
    throw new ShapeError(`${op}: weight ${fmtShape(weight.shape)} does not match input ${fmtShape(input.shape)} with groups ${groups} (weight dim 0 must equal C_in ${Cin}, divisible by groups)`);
  }
  const stride = axes(opts.stride, nsp, 1, op, 'stride');
  const padding = axes(opts.padding, nsp, 0, op, 'padding');
  const outPad = axes(opts.outputPadding, nsp, 0, op, 'outputPadding');
  const dilation = axes(opts.dilation, nsp, 1, op, 'dilation');
  const k = weight.shape.slice(2);
  if (k.some((v) => v < 1)) throw new ShapeError(`${op}: weight ${fmtShape(weight.shape)} has an empty kernel`);
  const inSize = input.shape.slice(2);
  const outSize: number[] = [];
  for (let a = 0; a < nsp; a++) {
    if (stride[a]! < 1 || dilation[a]! < 1 || padding[a]! < 0) throw new ArgumentError(`${op}: stride and dilation must be ≥ 1 and padding ≥ 0, got stride ${stride} dilation ${dilation} padding ${padding}`);
    if (outPad[a]! < 0 || outPad[a]! >= Math.max(stride[a]!, dilation[a]!)) throw new ArgumentError(`${op}: outputPadding ${outPad[a]} must be smaller than stride or dilation (${stride[a]}, ${dilation[a]})`);
    const o = (inSize[a]! - 1) * stride[a]! - 2 * padding[a]! + dilation[a]! * (k[a]! - 1) + outPad[a]! + 1;
    if (o < 1 || inSize[a]! < 1) throw new ShapeError(`${op}: input ${fmtShape(input.shape)} is too small for kernel ${fmtShape(k)} with padding ${padding}: output size ${o}`);
    outSize.push(o);
  }
  const Cout = weight.shape[1]! * groups;
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== Cout)) throw new ShapeError(`${op}: bias ${fmtShape(bias.shape)} must be (${Cout},)`);
  if (input.numel >= 2 ** 31 || input.shape[0]! * Cout * outSize.reduce((p, v) => p * v, 1) >= 2 ** 31) {
    throw new ShapeError(`${op}: input ${fmtShape(input.shape)} or its output has 2^31 or more elements`);
  }
  return { N: input.shape[0]!, Cin, Cout, groups, k, stride, padding, dilation, inSize, outSize };
}

/** The matching convolution's 2-D geometry: input (N, C_out, *out), output (N, C_in, *in). */
function convGeom2d(g: Geom): ConvGeom {
  return {
    N: g.N, C: g.Cout, O: g.Cin, groups: g.groups,
    kh: g.k[0]!, kw: g.k[1]!, sh: g.stride[0]!, sw: g.stride[1]!, ph: g.padding[0]!, pw: g.padding[1]!,
    dh: g.dilation[0]!, dw: g.dilation[1]!, H: g.outSize[0]!, W: g.outSize[1]!, OH: g.inSize[0]!, OW: g.inSize[1]!,
  };
}

function convGeom3d(g: Geom): Window3d {
  return {
    kd: g.k[0]!, kh: g.k[1]!, kw: g.k[2]!, sd: g.stride[0]!, sh: g.stride[1]!, sw: g.stride[2]!,
    pd: g.padding[0]!, ph: g.padding[1]!, pw: g.padding[2]!, dd: g.dilation[0]!, dh: g.dilation[1]!, dw: g.dilation[2]!,
    D: g.outSize[0]!, H: g.outSize[1]!, W: g.outSize[2]!, OD: g.inSize[0]!, OH: g.inSize[1]!, OW: g.inSize[2]!,
  };
}

/**
 * dw (C_in, C_out/groups, kh, kw) of the matching 2-D convolution: its input is gy (N, C_out,
 * *out), its output gradient x (N, C_in, *in) — conv2d's own batch-folded weight gradient.
 */
function weightGrad2d(gy: Tensor, x: Tensor, g: ConvGeom, wShape: readonly number[]): Tensor {
  const be = backend();
  if (be.convImplicitWeightGrad) {
    // windows of gy gathered as they are multiplied (no columns)
    const dw = Tensor.empty(wShape, gy.dtype);
    be.convImplicitWeightGrad(gy.dtype, gy.offset, x.offset, g.N, g.C, g.O, g.groups, g, dw.offset);
    return dw;
  }
  const col = foldedColumns(gy, g);
  const xf = foldBatch(x, g.O, g.N, g.OH * g.OW);
  const dw = weightGradFolded(xf, col, g, wShape);
  col.dispose();
  if (xf !== x) xf.dispose();
  return dw;
}

/** Narrows dims 2.. of t to `sizes` (the matching convolution can yield one more row when outputPadding ≥ stride). */
function cropTo(t: Tensor, sizes: readonly number[]): Tensor {
  let r = t;
  sizes.forEach((s, a) => {
    if (r.shape[2 + a] !== s) r = narrow(r, 2 + a, 0, s);
  });
  return r;
}

/** Adds a (C_out,) bias over (N, C_out, *): a differentiable op, so db = Σ gy comes from add. */
function withBias(y: Tensor, bias: Tensor | null, nsp: number): Tensor {
  if (!bias) return y;
  return add(y, reshape(cast(bias, y.dtype), [bias.shape[0]!, ...Array.from({ length: nsp }, () => 1)]));
}

function convTranspose2dCore(input: Tensor, weight: Tensor, g: Geom, op: string): Tensor {
  const cg = convGeom2d(g);
  const x = contiguousData(input);
  const w = contiguousData(weight);
  const y = conv2dBackwardInput(x, w, cg);
  const out = record(op, y, [input, weight], (gy) => {
    const dy = contiguousData(gy);
    // dx = the matching convolution's forward of gy
    const dx = input.requiresGrad ? cropTo(conv2d(dy, w, null, { stride: [cg.sh, cg.sw], padding: [cg.ph, cg.pw], dilation: [cg.dh, cg.dw], groups: cg.groups }), g.inSize) : null;
    const dw = weight.requiresGrad ? weightGrad2d(dy, x, cg, weight.shape) : null;
    if (dy !== gy) dy.dispose();
    return [dx, dw];
  }, [x, w]);
  if (!out.requiresGrad) {
    if (x !== input) x.dispose();
    if (w !== weight) w.dispose();
  }
  return out;
}

function convTranspose3dCore(input: Tensor, weight: Tensor, g: Geom, op: string): Tensor {
  const cg = convGeom3d(g);
  const x = contiguousData(input);
  const w = contiguousData(weight);
  const be = backend();
  const y = Tensor.empty([g.N, g.Cout, ...g.outSize], x.dtype);
  be.conv3dBackwardInput(x.dtype, x.offset, g.N, g.Cout, g.Cin, g.groups, cg, w.offset, y.offset);
  const out = record(op, y, [input, weight], (gy) => {
    const dy = contiguousData(gy);
    const dx = input.requiresGrad
      ? cropTo(conv3d(dy, w, null, { stride: [cg.sd, cg.sh, cg.sw], padding: [cg.pd, cg.ph, cg.pw], dilation: [cg.dd, cg.dh, cg.dw], groups: g.groups }), g.inSize)
      : null;
    let dw: Tensor | null = null;
    if (weight.requiresGrad) {
      dw = Tensor.empty(weight.shape, w.dtype);
      be.conv3dWeightGrad(w.dtype, dy.offset, x.offset, g.N, g.Cout, g.Cin, g.groups, cg, dw.offset);
    }
    if (dy !== gy) dy.dispose();
    return [dx, dw];
  }, [x, w]);
  if (!out.requiresGrad) {
    if (x !== input) x.dispose();
    if (w !== weight) w.dispose();
  }
  return out;
}

/** F.conv_transpose1d. x: (N, C_in, L), w: (C_in, C_out/groups, k). Runs as 2-D over (N, C_in, 1, L). */
export function convTranspose1d(input: Tensor, weight: Tensor, bias: Tensor | null = null, opts: ConvTransposeOptions = {}): Tensor {
  const op = 'convTranspose1d';
  // checked once, in 1-D terms; the 2-D run over (N, C_in, 1, L) adds a unit axis to each
  const g1 = geometry(1, input, weight, bias, opts, op);
  const g: Geom = {
    ...g1, k: [1, ...g1.k], stride: [1, ...g1.stride], padding: [0, ...g1.padding], dilation: [1, ...g1.dilation],
    inSize: [1, ...g1.inSize], outSize: [1, ...g1.outSize],
  };
  return withBias(squeeze(convTranspose2dCore(unsqueeze(input, 2), unsqueeze(weight, 2), g, op), 2), bias, 1);
}

/** F.conv_transpose2d. x: (N, C_in, H, W), w: (C_in, C_out/groups, kh, kw). */
export function convTranspose2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, opts: ConvTransposeOptions = {}): Tensor {
  const g = geometry(2, input, weight, bias, opts, 'convTranspose2d');
  return withBias(convTranspose2dCore(input, weight, g, 'convTranspose2d'), bias, 2);
}

/** F.conv_transpose3d. x: (N, C_in, D, H, W), w: (C_in, C_out/groups, kd, kh, kw). */
export function convTranspose3d(input: Tensor, weight: Tensor, bias: Tensor | null = null, opts: ConvTransposeOptions = {}): Tensor {
  const g = geometry(3, input, weight, bias, opts, 'convTranspose3d');
  return withBias(convTranspose3dCore(input, weight, g, 'convTranspose3d'), bias, 3);
}
