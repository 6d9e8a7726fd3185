// F.interpolate / nn.Upsample for 1-, 2- and 3-D inputs ((N, C, L), (N, C, H, W), (N, C, D, H, W)).
// Nearest and (bi/tri)linear resampling are separable: each spatial axis is resampled in turn by a
// sparse weight matrix (1 or 2 taps per output), applied as a matmul over the last axis so the
// backward pass is the matmul's. Source coordinates follow PyTorch exactly:
//   nearest        src = floor(dst · scale)                 (scale = in/out, or 1/scale_factor)
//   nearest-exact  src = floor((dst + 0.5) · scale)
//   linear         src = (dst + 0.5) · scale − 0.5, clamped at 0   (alignCorners false)
//                  src = dst · (in − 1)/(out − 1)                    (alignCorners true)

import { ArgumentError, ShapeError } from '../errors.js';
import { fromValues, type Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/shape.js';
import { matmul } from './matmul.js';
import { transpose } from './movement.js';
import { requireFloat } from './util.js';

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

/** The (in × out) resampling matrix of one axis (x · W resamples the last axis), in float64 then cast by the caller. */
function axisWeights(inSize: number, outSize: number, scale: number, mode: InterpolateMode, alignCorners: boolean): Float64Array {
  const w = new Float64Array(outSize * inSize);
  for (let o = 0; o < outSize; o++) {
    if (mode === 'nearest' || mode === 'nearest-exact') {
      const src = mode === 'nearest' ? Math.floor(o * scale) : Math.floor((o + 0.5) * scale);
      w[Math.min(src, inSize - 1) * outSize + o] = 1;
      continue;
    }
    let src: number;
    if (alignCorners) src = outSize > 1 ? (o * (inSize - 1)) / (outSize - 1) : 0;
    else src = Math.max((o + 0.5) * scale - 0.5, 0);
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const i1 = Math.min(i0 + 1, inSize - 1);
    const l1 = src - i0;
    w[i0 * outSize + o] += 1 - l1;
    w[i1 * outSize + o] += l1;
  }
  return w;
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
  let y = x;
  // resample the last axis, then rotate it to the front of the spatial block; after nsp passes
  // every axis is resampled and the order is restored
  for (let a = nsp - 1; a >= 0; a--) {
    const inS = inSizes[a]!;
    const outS = outSizes[a]!;
    const last = y.ndim - 1;
    const axis = 2 + a;
    const moved = axis === last ? y : transpose(y, axis, last);
    let z: Tensor;
    if (inS === outS && !isLinear && scales[a] === 1) z = moved;
    else {
      z = matmul(moved, fromValues(axisWeights(inS, outS, scales[a]!, mode, align), [inS, outS], x.dtype));
    }
    y = axis === last ? z : transpose(z, axis, last);
  }
  return y;
}
