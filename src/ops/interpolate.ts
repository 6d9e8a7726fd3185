// F.interpolate / nn.Upsample for 1-, 2- and 3-D inputs ((N, C, L), (N, C, H, W), (N, C, D, H, W)).
// Nearest and (bi/tri)linear resampling are separable: each spatial axis is resampled in turn by
// its taps, 1 per output (nearest) or 2 (linear), never an (in × out) matrix. For finite inputs
// the taps are applied as a banded product, one GEMM per block of 32 outputs over just the input
// rows the block's taps touch, strided in place (no transposes), forward and backward; work and
// memory are O(output) for a bounded scale. An input holding Inf or NaN takes the exact two-tap
// composition (indexSelect and products), so a non-finite sample stays where PyTorch keeps it.
// Source coordinates follow PyTorch exactly:
//   nearest        src = floor(dst · scale)                 (scale = in/out, or 1/scale_factor)
//   nearest-exact  src = floor((dst + 0.5) · scale)
//   linear         src = (dst + 0.5) · scale − 0.5, clamped at 0   (alignCorners false)
//                  src = dst · (in − 1)/(out − 1)                    (alignCorners true)

import { ArgumentError, ShapeError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/shape.js';
import { add, mul } from './elementwise.js';
import { indexSelect } from './movement.js';
import { backend } from '../kernels/registry.js';
import { record } from '../autograd/tape.js';
import { contiguousData, requireFloat } from './util.js';

export type InterpolateMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'trilinear';

export interface InterpolateOptions {
  /** Output spatial size (one number for every axis, or one per axis). */
  size?: number | readonly number[];
  /** Scale per axis; the output size is floor(in · scale). */
  scaleFactor?: number | readonly number[];
  mode?: InterpolateMode;
  /** Linear modes only: map corner pixel centres onto each other (default false). */
  alignCorners?: boolean;
  /**
   * When scaleFactor is given, PyTorch computes source coordinates from 1/scaleFactor unless
   * this is true, in which case it uses in/out of the computed size (default false).
   */
  recomputeScaleFactor?: boolean;
}

const LINEAR_FOR_DIMS: Record<number, InterpolateMode> = { 1: 'linear', 2: 'bilinear', 3: 'trilinear' };

function perAxis(v: number | readonly number[], n: number, what: string): number[] {
  const a = typeof v === 'number' ? Array.from({ length: n }, () => v) : [...v];
  if (a.length !== n) throw new ShapeError(`interpolate: ${what} has ${a.length} values for ${n} spatial dims`);
  return a;
}

/** One axis's taps: source rows i0, i1 and the weight of i1 (1 − l1 for i0) per output, in float64. */
function axisTaps(inSize: number, outSize: number, scale: number, mode: InterpolateMode, alignCorners: boolean): { i0: Int32Array; i1: Int32Array; l1: Float64Array } {
  const i0 = new Int32Array(outSize), i1 = new Int32Array(outSize), l1 = new Float64Array(outSize);
  for (let o = 0; o < outSize; o++) {
    if (mode === 'nearest' || mode === 'nearest-exact') {
      const src = mode === 'nearest' ? Math.floor(o * scale) : Math.floor((o + 0.5) * scale);
      i0[o] = i1[o] = Math.min(src, inSize - 1);
      continue;
    }
    let src: number;
    if (alignCorners) src = outSize > 1 ? (o * (inSize - 1)) / (outSize - 1) : 0;
    else src = Math.max((o + 0.5) * scale - 0.5, 0);
    const a = Math.min(Math.floor(src), inSize - 1);
    i0[o] = a;
    i1[o] = Math.min(a + 1, inSize - 1);
    l1[o] = src - a;
  }
  return { i0, i1, l1 };
}

// Outputs per block of the banded product: each block reads only the input rows its taps touch
// (about BLOCK·in/out + 2), so the work per output stays bounded and the weights take
// O(out·(BLOCK·in/out + 2)) memory, never an (in × out) matrix.
const BLOCK = 32;

interface Band { j0: number; j1: number; lo: number; len: number; off: number }

/** The blocks of an axis's taps and their dense (len × outputs) weights, packed in one array. */
function bands(taps: ReturnType<typeof axisTaps>, linear: boolean): { blocks: Band[]; weights: Float64Array } {
  const m = taps.i0.length;
  const blocks: Band[] = [];
  let size = 0;
  for (let j0 = 0; j0 < m; j0 += BLOCK) {
    const j1 = Math.min(m, j0 + BLOCK);
    // taps are non-decreasing in the output index: the block's rows are [i0[j0], i1[j1 − 1]]
    const lo = taps.i0[j0]!;
    const len = taps.i1[j1 - 1]! - lo + 1;
    blocks.push({ j0, j1, lo, len, off: size });
    size += len * (j1 - j0);
  }
  const weights = new Float64Array(size);
  for (const b of blocks) {
    const B = b.j1 - b.j0;
    for (let j = b.j0; j < b.j1; j++) {
      const l1 = linear ? taps.l1[j]! : 0;
      weights[b.off + (taps.i0[j]! - b.lo) * B + (j - b.j0)] += 1 - l1;
      if (l1 !== 0) weights[b.off + (taps.i1[j]! - b.lo) * B + (j - b.j0)] += l1;
    }
  }
  return { blocks, weights };
}

/**
 * Resamples dim `axis` of y (as (outer, n, inner)) by its taps as a banded product, one GEMM per
 * block of outputs: y[o, j0:j1, :] = Wbᵀ · x[o, lo:lo+len, :], or for the last axis
 * y[:, j0:j1] = x[:, lo:lo+len] · Wb. The backward pass is the transposed product per block,
 * accumulated into dx (blocks that share a boundary row add up). Only for finite inputs: a 0
 * weight times an infinite sample would spread NaN across the block.
 */
function resampleBanded(y: Tensor, axis: number, taps: ReturnType<typeof axisTaps>, linear: boolean): Tensor {
  const n = y.shape[axis]!;
  const m = taps.i0.length;
  const outer = y.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = y.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const dt = y.dtype;
  const { blocks, weights } = bands(taps, linear);
  const w = Tensor.fromFn([weights.length], dt as 'float32', (a) => a.set(weights), 'interpolate');
  const x = contiguousData(y);
  const out = Tensor.empty(y.shape.map((v, i) => (i === axis ? m : v)), dt);
  const be = backend();
  for (const b of blocks) {
    const B = b.j1 - b.j0;
    if (inner === 1) {
      be.matmul(dt, 1, outer, B, b.len, { off: x.offset + b.lo, sb: 0, sr: n, sc: 1 }, { off: w.offset + b.off, sb: 0, sr: B, sc: 1 }, { off: out.offset + b.j0, sb: 0, sr: m, sc: 1 }, 0);
    } else {
      be.matmul(dt, outer, B, inner, b.len, { off: w.offset + b.off, sb: 0, sr: 1, sc: B }, { off: x.offset + b.lo * inner, sb: n * inner, sr: inner, sc: 1 }, { off: out.offset + b.j0 * inner, sb: m * inner, sr: inner, sc: 1 }, 0);
    }
  }
  const res = record('interpolate', out, [y], (gy) => {
    const dy = contiguousData(gy);
    const dx = Tensor.empty(y.shape, dt);
    be.fill(dt, dx.offset, dx.numel, 0);
    for (const b of blocks) {
      const B = b.j1 - b.j0;
      if (inner === 1) {
        be.matmul(dt, 1, outer, b.len, B, { off: dy.offset + b.j0, sb: 0, sr: m, sc: 1 }, { off: w.offset + b.off, sb: 0, sr: 1, sc: B }, { off: dx.offset + b.lo, sb: 0, sr: n, sc: 1 }, 1);
      } else {
        be.matmul(dt, outer, b.len, inner, B, { off: w.offset + b.off, sb: 0, sr: B, sc: 1 }, { off: dy.offset + b.j0 * inner, sb: m * inner, sr: inner, sc: 1 }, { off: dx.offset + b.lo * inner, sb: n * inner, sr: inner, sc: 1 }, 1);
      }
    }
    if (dy !== gy) dy.dispose();
    return [dx];
  });
  if (!res.requiresGrad) {
    w.dispose();
    if (x !== y) x.dispose();
  }
  return res;
}

/** Resamples dim `axis` of y through its taps (see resampleBanded and resampleRows). */
function resampleAxis(y: Tensor, axis: number, taps: ReturnType<typeof axisTaps>, linear: boolean, finite: boolean): Tensor {
  return finite ? resampleBanded(y, axis, taps, linear) : resampleRows(y, axis, taps, linear);
}

/**
 * y[i0]·(1 − l1) + y[i1]·l1 (linear) or y[i0] (nearest) along dim `axis`, composed from
 * indexSelect and products: exactly PyTorch's two taps, so a non-finite sample stays local.
 */
function resampleRows(y: Tensor, axis: number, taps: ReturnType<typeof axisTaps>, linear: boolean): Tensor {
  const out = taps.i0.length;
  const idx = (v: Int32Array): Tensor => Tensor.fromFn([out], 'int32', (a) => a.set(v), 'interpolate');
  const i0 = idx(taps.i0);
  const picked0 = indexSelect(y, axis, i0);
  if (!linear) {
    if (!picked0.requiresGrad) i0.dispose();
    return picked0;
  }
  // weights (out, 1, …, 1) broadcast over the axes after `axis`
  const wShape = [out, ...y.shape.slice(axis + 1).map(() => 1)];
  const w = (f: (k: number) => number): Tensor => Tensor.fromFn(wShape, y.dtype as 'float32', (a) => {
    for (let k = 0; k < out; k++) a[k] = f(k);
  }, 'interpolate');
  const w0 = w((k) => 1 - taps.l1[k]!);
  const w1 = w((k) => taps.l1[k]!);
  const i1 = idx(taps.i1);
  const a = mul(picked0, w0);
  const picked1 = indexSelect(y, axis, i1);
  const b = mul(picked1, w1);
  const z = add(a, b);
  // without a graph nothing holds the temporaries: free them now (a volume's worth each)
  if (!z.requiresGrad) for (const t of [i0, i1, picked0, picked1, w0, w1, a, b]) t.dispose();
  return z;
}

/** F.interpolate on (N, C, *spatial) with 1–3 spatial dims. */
export function interpolate(x: Tensor, opts: InterpolateOptions): Tensor {
  requireFloat(x, 'interpolate');
  const nsp = x.ndim - 2;
  if (nsp < 1 || nsp > 3) throw new ShapeError(`interpolate: expected (N, C, L), (N, C, H, W) or (N, C, D, H, W), got ${fmtShape(x.shape)}`);
  const mode = opts.mode ?? 'nearest';
  const isLinear = mode === 'linear' || mode === 'bilinear' || mode === 'trilinear';
  if (isLinear && mode !== LINEAR_FOR_DIMS[nsp]) throw new ArgumentError(`interpolate: mode '${mode}' needs ${mode === 'linear' ? 3 : mode === 'bilinear' ? 4 : 5}-D input, got ${fmtShape(x.shape)}`);
  if (!isLinear && mode !== 'nearest' && mode !== 'nearest-exact') throw new ArgumentError(`interpolate: unknown mode '${String(mode)}'`);
  if (opts.alignCorners !== undefined && !isLinear) throw new ArgumentError(`interpolate: alignCorners only applies to linear modes, not '${mode}'`);
  if ((opts.size === undefined) === (opts.scaleFactor === undefined)) throw new ArgumentError('interpolate: give exactly one of size and scaleFactor');
  const inSizes = x.shape.slice(2);
  let outSizes: number[];
  let scales: number[];
  if (opts.size !== undefined) {
    outSizes = perAxis(opts.size, nsp, 'size');
    scales = outSizes.map((o, i) => inSizes[i]! / o);
  } else {
    const sf = perAxis(opts.scaleFactor!, nsp, 'scaleFactor');
    if (sf.some((s) => !(s > 0) || !Number.isFinite(s))) throw new ArgumentError(`interpolate: scaleFactor must be positive and finite, got ${sf.join(', ')}`);
    outSizes = sf.map((s, i) => Math.floor(inSizes[i]! * s));
    scales = opts.recomputeScaleFactor ? outSizes.map((o, i) => inSizes[i]! / o) : sf.map((s) => 1 / s);
  }
  if (outSizes.some((o) => !Number.isInteger(o) || o < 1)) throw new ShapeError(`interpolate: output size ${outSizes.join('x')} must be positive integers (input ${fmtShape(x.shape)})`);
  const align = opts.alignCorners ?? false;
  // the banded product needs finite samples; the backend's test cannot overflow, as a sum of
  // large finite samples (near 3e38) would
  const xc = contiguousData(x);
  const finite = backend().allFinite(xc.dtype, xc.offset, xc.numel);
  if (xc !== x) xc.dispose();
  let y = x;
  for (let a = nsp - 1; a >= 0; a--) {
    const inS = inSizes[a]!;
    const outS = outSizes[a]!;
    // same size at scale 1 is the identity in every mode (linear: src = o exactly)
    if (inS === outS && (scales[a] === 1 || (isLinear && align))) continue;
    const z = resampleAxis(y, 2 + a, axisTaps(inS, outS, scales[a]!, mode, align), isLinear, finite);
    if (y !== x && !z.requiresGrad) y.dispose();
    y = z;
  }
  return y;
}
