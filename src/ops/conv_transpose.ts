// Transposed convolution (F.conv_transpose1d/2d/3d), the adjoint of convolution: what a decoder
// or U-Net uses to upsample. It runs as an ordinary stride-1 convolution of the zero-stuffed
// input (stride − 1 zeros between samples), padded by dilation·(k − 1) − padding on each side
// (+ outputPadding on the right), with the kernel flipped and its in/out channels swapped per
// group. Every step is a differentiable op, so the gradients are the convolution's.
//   out = (L − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1

import { ArgumentError, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/shape.js';
import { conv1d, conv2d } from './conv.js';
import { conv3d } from './conv3d.js';
import { flip, pad, reshape, slice, transpose } from './movement.js';
import { requireFloat } from './util.js';

export type PerAxis = number | readonly number[];

export interface ConvTransposeOptions {
  stride?: PerAxis;
  padding?: PerAxis;
  outputPadding?: PerAxis;
  dilation?: PerAxis;
  groups?: number;
}

/** A stride-1, zero-padding convolution over nsp spatial dims with the given dilation and groups. */
export type PlainConv = (x: Tensor, w: Tensor, b: Tensor | null, dilation: number[], groups: number) => Tensor;

function axes(v: PerAxis | undefined, n: number, dflt: number, op: string, what: string): number[] {
  const a = v === undefined ? Array.from({ length: n }, () => dflt) : typeof v === 'number' ? Array.from({ length: n }, () => v) : [...v];
  if (a.length !== n || a.some((x) => !Number.isInteger(x))) throw new ArgumentError(`${op}: ${what} must be an integer or ${n} integers, got ${String(v)}`);
  return a;
}

/** Inserts (s − 1) zeros between neighbouring samples along spatial axis `dim`. */
function stuff(x: Tensor, dim: number, s: number): Tensor {
  if (s === 1) return x;
  const L = x.shape[dim]!;
  const shape = [...x.shape];
  const withSlot = [...shape.slice(0, dim + 1), 1, ...shape.slice(dim + 1)];
  // pad the new unit axis to length s (zeros after each sample), merge, drop the trailing zeros
  const pads = new Array<number>(2 * (withSlot.length - dim - 1)).fill(0);
  pads[pads.length - 1] = s - 1;
  const padded = pad(reshape(x, withSlot), pads);
  shape[dim] = L * s;
  return slice(reshape(padded, shape), dim, 0, (L - 1) * s + 1);
}

export function convTransposeNd(nsp: number, input: Tensor, weight: Tensor, bias: Tensor | null, opts: ConvTransposeOptions, conv: PlainConv, op: string): Tensor {
  requireFloat(input, op);
  if (input.ndim !== nsp + 2) throw new ShapeError(`${op}: expected input (N, C, ${['L', 'H, W', 'D, H, W'][nsp - 1]}), got ${fmtShape(input.shape)}`);
  if (weight.ndim !== nsp + 2) throw new ShapeError(`${op}: expected weight (C_in, C_out/groups, ${nsp === 1 ? 'k' : 'k…'}), got ${fmtShape(weight.shape)}`);
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
  for (let a = 0; a < nsp; a++) {
    if (stride[a]! < 1 || dilation[a]! < 1 || padding[a]! < 0) throw new ArgumentError(`${op}: stride and dilation must be ≥ 1 and padding ≥ 0, got stride ${stride} dilation ${dilation} padding ${padding}`);
    if (outPad[a]! < 0 || outPad[a]! >= Math.max(stride[a]!, dilation[a]!)) throw new ArgumentError(`${op}: outputPadding ${outPad[a]} must be smaller than stride or dilation (${stride[a]}, ${dilation[a]})`);
  }
  const Cout = weight.shape[1]! * groups;
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== Cout)) throw new ShapeError(`${op}: bias ${fmtShape(bias.shape)} must be (${Cout},)`);
  let x = input;
  for (let a = 0; a < nsp; a++) x = stuff(x, 2 + a, stride[a]!);
  // F.pad order: last dim first; negative amounts crop
  const pads: number[] = [];
  for (let a = nsp - 1; a >= 0; a--) {
    const q = dilation[a]! * (k[a]! - 1) - padding[a]!;
    pads.push(q, q + outPad[a]!);
  }
  x = pad(x, pads);
  for (let a = 0; a < nsp; a++) {
    if (x.shape[2 + a]! < dilation[a]! * (k[a]! - 1) + 1) throw new ShapeError(`${op}: input ${fmtShape(input.shape)} is too small for kernel ${fmtShape(k)} with padding ${padding}`);
  }
  // (C_in, C_out/g, k…) → (C_out, C_in/g, k…), kernel flipped in every spatial axis
  const Cg = Cin / groups;
  const Og = Cout / groups;
  let w = reshape(weight, [groups, Cg, Og, ...k]);
  w = reshape(transpose(w, 1, 2), [Cout, Cg, ...k]);
  w = flip(w, Array.from({ length: nsp }, (_, a) => 2 + a));
  return conv(x, w, bias, dilation, groups);
}

/** F.conv_transpose1d. x: (N, C_in, L), w: (C_in, C_out/groups, k). */
export function convTranspose1d(input: Tensor, weight: Tensor, bias: Tensor | null = null, opts: ConvTransposeOptions = {}): Tensor {
  return convTransposeNd(1, input, weight, bias, opts, (x, w, b, d, g) => conv1d(x, w, b, { dilation: d[0]!, groups: g }), 'convTranspose1d');
}

/** F.conv_transpose2d. x: (N, C_in, H, W), w: (C_in, C_out/groups, kh, kw). */
export function convTranspose2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, opts: ConvTransposeOptions = {}): Tensor {
  return convTransposeNd(2, input, weight, bias, opts, (x, w, b, d, g) => conv2d(x, w, b, { dilation: [d[0]!, d[1]!], groups: g }), 'convTranspose2d');
}

/** F.conv_transpose3d. x: (N, C_in, D, H, W), w: (C_in, C_out/groups, kd, kh, kw). */
export function convTranspose3d(input: Tensor, weight: Tensor, bias: Tensor | null = null, opts: ConvTransposeOptions = {}): Tensor {
  return convTransposeNd(3, input, weight, bias, opts, (x, w, b, d, g) => conv3d(x, w, b, { dilation: [d[0]!, d[1]!, d[2]!], groups: g }), 'convTranspose3d');
}
