// F.interpolate / nn.Upsample for 1-, 2- and 3-D inputs ((N, C, L), (N, C, H, W), (N, C, D, H, W)).
// Nearest and (bi/tri)linear resampling are separable: each spatial axis is resampled in turn by
// its taps, 1 per output (nearest: one row picked by indexSelect) or 2 (linear: two picked rows
// mixed by per-output weights), so the work and memory are O(output) with no (in × out) matrix;
// the backward passes are indexSelect's scatter-add and the weights' products. Source
// coordinates follow PyTorch exactly:
//   nearest        src = floor(dst · scale)                 (scale = in/out, or 1/scale_factor)
//   nearest-exact  src = floor((dst + 0.5) · scale)
//   linear         src = (dst + 0.5) · scale − 0.5, clamped at 0   (alignCorners false)
//                  src = dst · (in − 1)/(out − 1)                    (alignCorners true)

import { ArgumentError, ShapeError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/shape.js';
import { add, mul } from './elementwise.js';
import { indexSelect } from './movement.js';
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

/** Resamples dim `axis` of y through its taps: y[i0]·(1 − l1) + y[i1]·l1 (linear) or y[i0] (nearest). */
function resampleAxis(y: Tensor, axis: number, taps: ReturnType<typeof axisTaps>, linear: boolean): Tensor {
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
  let y = x;
  for (let a = nsp - 1; a >= 0; a--) {
    const inS = inSizes[a]!;
    const outS = outSizes[a]!;
    if (inS === outS && !isLinear && scales[a] === 1) continue;
    const z = resampleAxis(y, 2 + a, axisTaps(inS, outS, scales[a]!, mode, align), isLinear);
    if (y !== x && !z.requiresGrad) y.dispose();
    y = z;
  }
  return y;
}
