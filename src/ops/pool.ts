// Pooling: max (with indices for the backward pass), average and adaptive average.
// x: (N, C, H, W) or (C, H, W); 1-D pooling runs as 2-D over (N, C, 1, L).

import { ShapeError, ArgumentError } from '../errors.js';
import { backend } from '../kernels/registry.js';
import type { Window2d } from '../kernels/backend.js';
import { record } from '../autograd/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/shape.js';
import { contiguousData, requireFloat } from './util.js';
import { squeeze, unsqueeze } from './movement.js';
import { pair, type Pair } from './conv.js';

export interface Pool2dOptions {
  stride?: Pair | null;
  padding?: Pair;
  dilation?: Pair;
  ceilMode?: boolean;
}

export interface AvgPool2dOptions extends Pool2dOptions {
  countIncludePad?: boolean;
}

/** Pooled length, as PyTorch: a ceil-mode window may not start inside the right padding. */
function poolOut(size: number, k: number, s: number, p: number, d: number, ceil: boolean, op: string): number {
  if (p > Math.floor(k / 2)) throw new ArgumentError(`${op}: padding ${p} should be at most half the kernel size ${k}`);
  const span = size + 2 * p - d * (k - 1) - 1;
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (out - 1) * s >= size + p) out--;
  if (out < 1) throw new ShapeError(`${op}: input size ${size} is too small for kernel ${k} (output ${out})`);
  return out;
}

function geometry(x: Tensor, kernel: Pair, o: Pool2dOptions, op: string): Window2d & { planes: number } {
  if (x.ndim !== 4 && x.ndim !== 3) throw new ShapeError(`${op}: expected (N, C, H, W) or (C, H, W), got ${fmtShape(x.shape)}`);
  requireFloat(x, op);
  const [kh, kw] = pair(kernel);
  const [sh, sw] = pair(o.stride ?? kernel);
  const [ph, pw] = pair(o.padding ?? 0);
  const [dh, dw] = pair(o.dilation ?? 1);
  if (kh < 1 || kw < 1 || sh < 1 || sw < 1) throw new ArgumentError(`${op}: kernel and stride must be ≥ 1, got kernel ${kh}x${kw} stride ${sh}x${sw}`);
  const H = x.shape[x.ndim - 2]!;
  const W = x.shape[x.ndim - 1]!;
  const ceil = o.ceilMode ?? false;
  const OH = poolOut(H, kh, sh, ph, dh, ceil, op);
  const OW = poolOut(W, kw, sw, pw, dw, ceil, op);
  const planes = x.numel / (H * W);
  return { kh, kw, sh, sw, ph, pw, dh, dw, H, W, OH, OW, planes };
}

export function maxPool2d(input: Tensor, kernel: Pair, opts: Pool2dOptions = {}): Tensor {
  const g = geometry(input, kernel, opts, 'maxPool2d');
  const x = contiguousData(input);
  const shape = [...input.shape.slice(0, -2), g.OH, g.OW];
  const y = Tensor.empty(shape, x.dtype);
  const idx = Tensor.empty(shape, 'int32');
  backend().maxPool2d(x.dtype, x.offset, g.planes, g, y.offset, idx.offset);
  if (x !== input) x.dispose();
  const out = record('maxPool2d', y, [input], (gy) => {
    const dy = contiguousData(gy);
    const dx = Tensor.empty(input.shape, gy.dtype);
    backend().fill(gy.dtype, dx.offset, dx.numel, 0);
    backend().maxPool2dBackward(gy.dtype, dy.offset, idx.offset, g.planes, g, dx.offset);
    if (dy !== gy) dy.dispose();
    return [dx];
  });
  if (!out.requiresGrad) idx.dispose();
  return out;
}

export function avgPool2d(input: Tensor, kernel: Pair, opts: AvgPool2dOptions = {}): Tensor {
  const g = geometry(input, kernel, { ...opts, dilation: 1 }, 'avgPool2d');
  const cip = opts.countIncludePad ?? true;
  const x = contiguousData(input);
  const y = Tensor.empty([...input.shape.slice(0, -2), g.OH, g.OW], x.dtype);
  backend().avgPool2d(x.dtype, x.offset, g.planes, g, cip, y.offset);
  if (x !== input) x.dispose();
  return record('avgPool2d', y, [input], (gy) => {
    const dy = contiguousData(gy);
    const dx = Tensor.empty(input.shape, gy.dtype);
    backend().fill(gy.dtype, dx.offset, dx.numel, 0);
    backend().avgPool2dBackward(gy.dtype, dy.offset, g.planes, g, cip, dx.offset);
    if (dy !== gy) dy.dispose();
    return [dx];
  });
}

export function adaptiveAvgPool2d(input: Tensor, outputSize: Pair): Tensor {
  if (input.ndim !== 4 && input.ndim !== 3) throw new ShapeError(`adaptiveAvgPool2d: expected (N, C, H, W) or (C, H, W), got ${fmtShape(input.shape)}`);
  requireFloat(input, 'adaptiveAvgPool2d');
  const [OH, OW] = pair(outputSize);
  const H = input.shape[input.ndim - 2]!;
  const W = input.shape[input.ndim - 1]!;
  if (OH < 1 || OW < 1) throw new ArgumentError(`adaptiveAvgPool2d: output size ${OH}x${OW} must be ≥ 1`);
  const planes = input.numel / (H * W);
  const x = contiguousData(input);
  const y = Tensor.empty([...input.shape.slice(0, -2), OH, OW], x.dtype);
  backend().adaptiveAvgPool2d(x.dtype, x.offset, planes, H, W, OH, OW, y.offset);
  if (x !== input) x.dispose();
  return record('adaptiveAvgPool2d', y, [input], (gy) => {
    const dy = contiguousData(gy);
    const dx = Tensor.empty(input.shape, gy.dtype);
    backend().fill(gy.dtype, dx.offset, dx.numel, 0);
    backend().adaptiveAvgPool2dBackward(gy.dtype, dy.offset, planes, H, W, OH, OW, dx.offset);
    if (dy !== gy) dy.dispose();
    return [dx];
  });
}

// ---- 1-D variants over (N, C, L) or (C, L) -------------------------------------------------

export interface Pool1dOptions {
  stride?: number | null;
  padding?: number;
  dilation?: number;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}

function check1d(x: Tensor, op: string): void {
  if (x.ndim !== 3 && x.ndim !== 2) throw new ShapeError(`${op}: expected (N, C, L) or (C, L), got ${fmtShape(x.shape)}`);
}

function opts2d(o: Pool1dOptions, k: number): AvgPool2dOptions {
  return {
    stride: [1, o.stride ?? k],
    padding: [0, o.padding ?? 0],
    dilation: [1, o.dilation ?? 1],
    ceilMode: o.ceilMode ?? false,
    countIncludePad: o.countIncludePad ?? true,
  };
}

export function maxPool1d(x: Tensor, kernel: number, opts: Pool1dOptions = {}): Tensor {
  check1d(x, 'maxPool1d');
  return squeeze(maxPool2d(unsqueeze(x, -2), [1, kernel], opts2d(opts, kernel)), -2);
}

export function avgPool1d(x: Tensor, kernel: number, opts: Pool1dOptions = {}): Tensor {
  check1d(x, 'avgPool1d');
  return squeeze(avgPool2d(unsqueeze(x, -2), [1, kernel], opts2d(opts, kernel)), -2);
}

export function adaptiveAvgPool1d(x: Tensor, outputSize: number): Tensor {
  check1d(x, 'adaptiveAvgPool1d');
  return squeeze(adaptiveAvgPool2d(unsqueeze(x, -2), [1, outputSize]), -2);
}

