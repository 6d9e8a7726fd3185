// Pooling: max (with indices for the backward pass), average and adaptive average.
// x: (N, C, H, W) or (C, H, W); 1-D pooling runs as 2-D over (N, C, 1, L).

import { ShapeError, ArgumentError } from '../errors.js';
import { backend } from '../kernels/registry.js';
import type { Window2d } from '../kernels/backend.js';
import { record } from '../autograd/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/shape.js';
import { contiguousData, requireFloat } from './util.js';
import { gather, indexSelect, pad, reshape, squeeze, unsqueeze } from './movement.js';
import { div } from './elementwise.js';
import { maxDim } from './reduce.js';
import { noGrad } from '../autograd/grad_mode.js';
import { conv2d, pair, type Pair } from './conv.js';

export interface Pool2dOptions {
  stride?: Pair | null;
  padding?: Pair;
  dilation?: Pair;
  ceilMode?: boolean;
}

export interface AvgPool2dOptions extends Pool2dOptions {
  countIncludePad?: boolean;
  /** Divide every window's sum by this (a non-zero integer) instead of its size (PyTorch's divisor_override). */
  divisorOverride?: number | null;
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
  const d = opts.divisorOverride;
  if (d !== undefined && d !== null) {
    if (!Number.isInteger(d) || d === 0) throw new ArgumentError(`avgPool2d: divisorOverride must be a non-zero integer, got ${d}`);
    // PyTorch divides each window's float sum once by d; the sum comes from a ones-kernel
    // convolution over the zero-padded plane (extended on the right where a ceil-mode window
    // overhangs it: those zeros add nothing), so no mean is scaled back (two roundings)
    const planesShape = [g.planes, 1, g.H, g.W];
    const extraH = Math.max(0, (g.OH - 1) * g.sh + g.kh - (g.H + 2 * g.ph));
    const extraW = Math.max(0, (g.OW - 1) * g.sw + g.kw - (g.W + 2 * g.pw));
    const padded = pad(reshape(input, planesShape), [g.pw, g.pw + extraW, g.ph, g.ph + extraH]);
    const ones = Tensor.fromFn([1, 1, g.kh, g.kw], input.dtype as 'float32', (a) => a.fill(1), 'avgPool2d');
    const sums = conv2d(padded, ones, null, { stride: [g.sh, g.sw] });
    // the conv's backward reads its weight: freed here only when no gradient will flow
    if (!sums.requiresGrad) {
      if (padded !== input) padded.dispose();
      ones.dispose();
    }
    return div(reshape(sums, [...input.shape.slice(0, -2), g.OH, g.OW]), d);
  }
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

/** Adaptive window of output o over n inputs into m outputs: [floor(o·n/m), ceil((o + 1)·n/m)). */
function adaptiveWindow(o: number, n: number, m: number): [number, number] {
  return [Math.floor((o * n) / m), Math.ceil(((o + 1) * n) / m)];
}

/**
 * F.adaptive_max_pool2d with return_indices: the max of each adaptive window and its flat
 * in-plane index (h·W + w, int32; the first maximum in row-major order on ties, as PyTorch).
 * Windows are padded to the largest one by repeating positions they already hold (which never
 * changes the max or the first maximum), read with one indexSelect and reduced by maxDim; the
 * values are then gathered from x at the winners, so the gradient is gather's scatter-add.
 * Memory: planes · OH·OW · (largest window), at most about 4× the input for output ≤ input.
 */
export function adaptiveMaxPool2dWithIndices(input: Tensor, outputSize: Pair): { values: Tensor; indices: Tensor } {
  if (input.ndim !== 4 && input.ndim !== 3) throw new ShapeError(`adaptiveMaxPool2d: expected (N, C, H, W) or (C, H, W), got ${fmtShape(input.shape)}`);
  requireFloat(input, 'adaptiveMaxPool2d');
  const [OH, OW] = pair(outputSize);
  const H = input.shape[input.ndim - 2]!;
  const W = input.shape[input.ndim - 1]!;
  if (!Number.isInteger(OH) || !Number.isInteger(OW) || OH < 1 || OW < 1) throw new ArgumentError(`adaptiveMaxPool2d: output size ${OH}x${OW} must be integers ≥ 1`);
  if (H < 1 || W < 1) throw new ShapeError(`adaptiveMaxPool2d: input ${fmtShape(input.shape)} has an empty plane`);
  const planes = input.numel / (H * W);
  const rows = Array.from({ length: OH }, (_, o) => adaptiveWindow(o, H, OH));
  const cols = Array.from({ length: OW }, (_, o) => adaptiveWindow(o, W, OW));
  const kh = Math.max(...rows.map(([a, b]) => b - a));
  const kw = Math.max(...cols.map(([a, b]) => b - a));
  const kk = kh * kw;
  // positions of each window, row-major, padded by clamping to its last row and column
  const pos = new Int32Array(OH * OW * kk);
  for (let oy = 0; oy < OH; oy++) {
    const [h0, h1] = rows[oy]!;
    for (let ox = 0; ox < OW; ox++) {
      const [w0, w1] = cols[ox]!;
      const base = (oy * OW + ox) * kk;
      for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) pos[base + i * kw + j] = Math.min(h0 + i, h1 - 1) * W + Math.min(w0 + j, w1 - 1);
    }
  }
  const flat = reshape(input, [planes, H * W]);
  const winner = noGrad(() => {
    const idx = Tensor.fromFn([pos.length], 'int32', (a) => a.set(pos), 'adaptiveMaxPool2d');
    const windows = reshape(indexSelect(flat, 1, idx), [planes, OH * OW, kk]);
    const k = maxDim(windows, 2);
    const kv = k.indices.dataSync();
    for (const t of [idx, windows, k.values, k.indices]) t.dispose();
    return kv;
  });
  const outShape = [...input.shape.slice(0, -2), OH, OW];
  const indices = Tensor.fromFn([planes, OH * OW], 'int32', (a) => {
    for (let p = 0; p < planes; p++) for (let o = 0; o < OH * OW; o++) a[p * OH * OW + o] = pos[o * kk + winner[p * OH * OW + o]!]!;
  }, 'adaptiveMaxPool2d');
  const values = reshape(gather(flat, 1, indices), outShape);
  return { values, indices: reshape(indices, outShape) };
}

/** F.adaptive_max_pool2d (values only). */
export function adaptiveMaxPool2d(input: Tensor, outputSize: Pair): Tensor {
  return adaptiveMaxPool2dWithIndices(input, outputSize).values;
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


/** F.adaptive_max_pool1d with return_indices: values and the int32 index of each window's first maximum. */
export function adaptiveMaxPool1dWithIndices(x: Tensor, outputSize: number): { values: Tensor; indices: Tensor } {
  check1d(x, 'adaptiveMaxPool1d');
  const r = adaptiveMaxPool2dWithIndices(unsqueeze(x, -2), [1, outputSize]);
  return { values: squeeze(r.values, -2), indices: squeeze(r.indices, -2) };
}

/** F.adaptive_max_pool1d (values only). */
export function adaptiveMaxPool1d(x: Tensor, outputSize: number): Tensor {
  return adaptiveMaxPool1dWithIndices(x, outputSize).values;
}
