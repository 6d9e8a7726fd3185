// 3-D convolution over volumes, with both backward passes beside the forward.
// x: (N, C, D, H, W)  w: (O, C/groups, kd, kh, kw)  y: (N, O, OD, OH, OW)
// N=batch, C/O=input/output channels, D/H/W=depth/height/width. The kernels work through
// bounded blocks of output positions, so a 256³ volume never has its 27× columns in memory.

import { ArgumentError, DTypeError, ShapeError } from '../errors.js';
import { backend } from '../kernels/registry.js';
import type { Window3d } from '../kernels/backend.js';
import { record } from '../autograd/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/shape.js';
import { cast, contiguousData } from './util.js';
import { flip, permute, reshape } from './movement.js';
import { noGrad } from '../autograd/grad_mode.js';
import { sum } from './reduce.js';
import { outSize } from './conv.js';

export type Triple = number | readonly [number, number, number];
export type Padding3d = Triple | 'same' | 'valid';

export interface Conv3dOptions {
  stride?: Triple;
  padding?: Padding3d;
  dilation?: Triple;
  groups?: number;
}

/** A number or a [d, h, w] triple as a triple, checked to be whole numbers ≥ min. */
export function triple(v: Triple, what: string, op: string, min: number): [number, number, number] {
  const t: number[] = typeof v === 'number' ? [v, v, v] : [...v];
  if (t.length !== 3 || t.some((x) => !Number.isInteger(x) || x < min)) {
    throw new ArgumentError(`${op}: ${what} must be an integer ≥ ${min} or three of them, got ${JSON.stringify(v)}`);
  }
  return t as [number, number, number];
}

interface Conv3dGeom extends Window3d {
  N: number; C: number; O: number; groups: number;
}

function geometry(x: Tensor, w: Tensor, opts: Conv3dOptions, op: string): Conv3dGeom {
  if (x.ndim !== 5) throw new ShapeError(`${op}: expected input (N, C, D, H, W), got ${fmtShape(x.shape)}`);
  if (w.ndim !== 5) throw new ShapeError(`${op}: expected weight (O, C/groups, kd, kh, kw), got ${fmtShape(w.shape)}`);
  if (!x.isFloat || x.dtype !== w.dtype) throw new DTypeError(`${op}: input ${x.dtype} and weight ${w.dtype} must be the same floating-point dtype`);
  const [N, C, D, H, W] = x.shape as [number, number, number, number, number];
  const [O, Cg, kd, kh, kw] = w.shape as [number, number, number, number, number];
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1 || C % groups !== 0 || O % groups !== 0) {
    throw new ArgumentError(`${op}: groups=${groups} must divide in_channels ${C} and out_channels ${O}`);
  }
  if (Cg * groups !== C) {
    throw new ShapeError(`${op}: weight ${fmtShape(w.shape)} expects ${Cg * groups} input channels (groups=${groups}), input ${fmtShape(x.shape)} has ${C}`);
  }
  if (kd < 1 || kh < 1 || kw < 1) throw new ShapeError(`${op}: weight ${fmtShape(w.shape)} has an empty kernel`);
  const [sd, sh, sw] = triple(opts.stride ?? 1, 'stride', op, 1);
  const [dd, dh, dw] = triple(opts.dilation ?? 1, 'dilation', op, 1);
  const p = opts.padding ?? 0;
  let pads: [number, number, number];
  let totals: [number, number, number];
  if (p === 'same') {
    if (sd !== 1 || sh !== 1 || sw !== 1) throw new ArgumentError(`${op}: padding='same' needs stride 1, got ${sd},${sh},${sw}`);
    // PyTorch puts the odd extra element of padding on the far side
    totals = [dd * (kd - 1), dh * (kh - 1), dw * (kw - 1)];
    pads = totals.map((t) => Math.floor(t / 2)) as [number, number, number];
  } else if (p === 'valid') {
    pads = [0, 0, 0];
    totals = [0, 0, 0];
  } else {
    pads = triple(p, 'padding', op, 0);
    totals = pads.map((v) => 2 * v) as [number, number, number];
  }
  const OD = outSize(D, kd, sd, totals[0], dd);
  const OH = outSize(H, kh, sh, totals[1], dh);
  const OW = outSize(W, kw, sw, totals[2], dw);
  if (OD < 1 || OH < 1 || OW < 1) {
    throw new ShapeError(`${op}: input ${fmtShape(x.shape)} (padded) is smaller than the dilated kernel ${kd}x${kh}x${kw}; output would be ${OD}x${OH}x${OW}`);
  }
  // the kernels address volumes with 32-bit element offsets
  if (N * C * D * H * W >= 2 ** 31 || N * O * OD * OH * OW >= 2 ** 31) {
    throw new ShapeError(`${op}: input ${fmtShape(x.shape)} or its output ${N}x${O}x${OD}x${OH}x${OW} has 2^31 or more elements; tile the volume`);
  }
  return { N, C, O, groups, kd, kh, kw, sd, sh, sw, pd: pads[0], ph: pads[1], pw: pads[2], dd, dh, dw, D, H, W, OD, OH, OW };
}

/**
 * At stride 1 the input gradient is itself a convolution: dy correlated with the kernel flipped
 * along every axis and its channel axes swapped per group, padded by d·(k − 1) − p in front
 * (dx[i] = Σ_t w[t]·dy[i + p − t·d]). It then takes the forward kernel's fast path instead of
 * unfolding columns. Returns false where the shortcut does not apply.
 */
function inputGradAsConv(dy: Tensor, w: Tensor, g: Conv3dGeom, dx: Tensor): boolean {
  if (g.sd !== 1 || g.sh !== 1 || g.sw !== 1) return false;
  const pd = g.dd * (g.kd - 1) - g.pd, ph = g.dh * (g.kh - 1) - g.ph, pw = g.dw * (g.kw - 1) - g.pw;
  if (pd < 0 || ph < 0 || pw < 0) return false;
  const G = g.groups, Og = g.O / G, Cg = g.C / G, kk = g.kd * g.kh * g.kw;
  // wt (C, O/groups, kd, kh, kw): wt[gi·Cg + c, o] = w[gi·Og + o, c] reversed over the taps
  const wt = noGrad(() => contiguousData(flip(permute(reshape(w, [G, Og, Cg, kk]), [0, 2, 1, 3]), [3])));
  const gt: Window3d = {
    kd: g.kd, kh: g.kh, kw: g.kw, sd: 1, sh: 1, sw: 1, pd, ph, pw, dd: g.dd, dh: g.dh, dw: g.dw,
    D: g.OD, H: g.OH, W: g.OW, OD: g.D, OH: g.H, OW: g.W,
  };
  backend().conv3d(dy.dtype, dy.offset, g.N, g.O, g.C, G, gt, wt.offset, -1, dx.offset);
  wt.dispose();
  return true;
}

/**
 * 3-D convolution (torch.nn.functional.conv3d). padding: a number, [d, h, w], 'same' (stride 1;
 * odd padding goes on the far side, as PyTorch) or 'valid'.
 */
export function conv3d(input: Tensor, weight: Tensor, bias?: Tensor | null, opts: Conv3dOptions = {}): Tensor {
  const g = geometry(input, weight, opts, 'conv3d');
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== g.O)) throw new ShapeError(`conv3d: bias ${fmtShape(bias.shape)} must be (${g.O},)`);
  if (bias && !bias.isFloat) throw new DTypeError(`conv3d: bias must be floating-point, got ${bias.dtype}`);
  const be = backend();
  const x = contiguousData(input);
  const w = contiguousData(weight);
  const bc = bias ? contiguousData(cast(bias, x.dtype)) : null;
  const y = Tensor.empty([g.N, g.O, g.OD, g.OH, g.OW], x.dtype);
  be.conv3d(x.dtype, x.offset, g.N, g.C, g.O, g.groups, g, w.offset, bc ? bc.offset : -1, y.offset);
  if (bc && bc !== bias) bc.dispose();
  const out = record('conv3d', y, [input, weight, bias], (gy) => {
    const dy = contiguousData(gy);
    let dx: Tensor | null = null;
    if (input.requiresGrad) {
      dx = Tensor.empty([g.N, g.C, g.D, g.H, g.W], dy.dtype);
      if (!inputGradAsConv(dy, w, g, dx)) backend().conv3dBackwardInput(dy.dtype, dy.offset, g.N, g.C, g.O, g.groups, g, w.offset, dx.offset);
    }
    let dw: Tensor | null = null;
    if (weight.requiresGrad) {
      dw = Tensor.empty(weight.shape, w.dtype);
      backend().conv3dWeightGrad(w.dtype, x.offset, dy.offset, g.N, g.C, g.O, g.groups, g, dw.offset);
    }
    // db = Σ dy over the batch and positions (positions first: contiguous)
    const db = bias?.requiresGrad ? cast(sum(sum(reshape(dy, [g.N, g.O, g.OD * g.OH * g.OW]), 2), 0), bias.dtype) : null;
    if (dy !== gy) dy.dispose();
    return [dx, dw, db];
  }, [x, w]);
  if (!out.requiresGrad) {
    if (x !== input) x.dispose();
    if (w !== weight) w.dispose();
  }
  return out;
}
