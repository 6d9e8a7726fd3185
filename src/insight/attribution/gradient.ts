// Gradient attributions as Captum defines them: Saliency (|∂y/∂x|, or the signed gradient with
// abs: false), InputXGradient (x · ∂y/∂x), and NoiseTunnel's SmoothGrad over either of them
// (Smilkov et al. 2017: the attribution averaged over copies of x with Gaussian noise added;
// 'smoothgrad_sq' averages squares, 'vargrad' takes the variance).
// x: (B, ...) → attributions (B, ...)

import { ArgumentError, ShapeError } from '../../errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { randn, tensor } from '../../tensor/creation.js';
import { fmtShape } from '../../tensor/shape.js';
import type { AnyModule } from '../../nn/module.js';
import { inputValues, positiveInt, targetGradient, targetIndices, type Target } from './target.js';

export interface SaliencyOptions {
  target: Target;
  /** |gradient| (Captum's default) or the signed gradient. */
  abs?: boolean;
}

export function saliency(model: AnyModule, x: Tensor, opts: SaliencyOptions): Tensor {
  const v = inputValues('saliency', x);
  const { grad } = targetGradient('saliency', model, v, x.shape, targetIndices('saliency', opts.target, x.shape[0]!));
  if (opts.abs ?? true) for (let i = 0; i < grad.length; i++) grad[i] = Math.abs(grad[i]!);
  return tensor(grad, { shape: x.shape });
}

export function inputXGradient(model: AnyModule, x: Tensor, opts: { target: Target }): Tensor {
  const v = inputValues('inputXGradient', x);
  const { grad } = targetGradient('inputXGradient', model, v, x.shape, targetIndices('inputXGradient', opts.target, x.shape[0]!));
  for (let i = 0; i < grad.length; i++) grad[i] = grad[i]! * v[i]!;
  return tensor(grad, { shape: x.shape });
}

export type NoiseTunnelType = 'smoothgrad' | 'smoothgrad_sq' | 'vargrad';

export interface SmoothGradOptions {
  target: Target;
  /** The attribution under the noise: 'saliency' (|grad|, Captum's Saliency) or 'inputXGradient'. */
  base?: 'saliency' | 'inputXGradient';
  nSamples?: number;
  /** Standard deviation of the Gaussian noise (in the units of x). */
  stdevs?: number;
  ntType?: NoiseTunnelType;
  /** The noise itself, (nSamples, ...x.shape), for reproducing another run; else drawn from the seeded generator. */
  noise?: Tensor;
}

export function smoothGrad(model: AnyModule, x: Tensor, opts: SmoothGradOptions): Tensor {
  const op = 'smoothGrad';
  const v = inputValues(op, x);
  const n = positiveInt(op, 'nSamples', opts.nSamples ?? 5);
  const sd = opts.stdevs ?? 1;
  if (!(sd >= 0) || !Number.isFinite(sd)) throw new ArgumentError(`${op}: stdevs must be a finite number ≥ 0, got ${sd}`);
  const type = opts.ntType ?? 'smoothgrad';
  if (!['smoothgrad', 'smoothgrad_sq', 'vargrad'].includes(type)) throw new ArgumentError(`${op}: ntType must be smoothgrad, smoothgrad_sq or vargrad, got ${type}`);
  const base = opts.base ?? 'saliency';
  if (base !== 'saliency' && base !== 'inputXGradient') throw new ArgumentError(`${op}: base must be saliency or inputXGradient, got ${base}`);
  let noise: Float32Array;
  if (opts.noise) {
    const want = [n, ...x.shape];
    if (opts.noise.shape.length !== want.length || opts.noise.shape.some((d, i) => d !== want[i])) {
      throw new ShapeError(`${op}: noise must be ${fmtShape(want)} (nSamples, ...input), got ${fmtShape(opts.noise.shape)}`);
    }
    noise = Float32Array.from(opts.noise.dataSync());
  } else {
    const r = randn([n, ...x.shape]);
    noise = Float32Array.from(r.dataSync(), (z) => z * sd);
    r.dispose();
  }
  const target = targetIndices(op, opts.target, x.shape[0]!);
  const m = v.length;
  const s1 = new Float64Array(m), s2 = new Float64Array(m);
  const xn = new Float32Array(m);
  // one noisy copy per pass, so memory is that of one plain gradient
  for (let s = 0; s < n; s++) {
    for (let i = 0; i < m; i++) xn[i] = v[i]! + noise[s * m + i]!;
    const { grad } = targetGradient(op, model, xn, x.shape, target);
    for (let i = 0; i < m; i++) {
      const a = base === 'saliency' ? Math.abs(grad[i]!) : grad[i]! * xn[i]!;
      s1[i]! += a;
      s2[i]! += a * a;
    }
  }
  const out = new Float32Array(m);
  for (let i = 0; i < m; i++) {
    const mean = s1[i]! / n, sq = s2[i]! / n;
    out[i] = type === 'smoothgrad' ? mean : type === 'smoothgrad_sq' ? sq : sq - mean * mean;
  }
  return tensor(out, { shape: x.shape });
}
