// Integrated gradients (Sundararajan et al. 2017) as Captum computes them: the path integral of
// ∂y/∂x from a baseline x' to x, (x − x') · Σ_i w_i ∂y/∂x(x' + α_i (x − x')), with Captum's
// quadrature rules (Riemann left/right/middle/trapezoid, Gauss–Legendre) and its convergence
// delta Σ attributions − (y(x) − y(x')), which completeness says tends to 0.
// The scaled inputs go through the model internalBatchSize rows at a time, so memory is bounded
// by that and not by nSteps.
// x: (B, ...) → attributions (B, ...), delta (B)

import { ArgumentError } from '../../errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { tensor } from '../../tensor/creation.js';
import type { AnyModule } from '../../nn/module.js';
import { baselineValues, inputValues, positiveInt, targetGradient, targetIndices, targetScore, type Target } from './target.js';

export type IntegrationMethod = 'riemann_left' | 'riemann_right' | 'riemann_middle' | 'riemann_trapezoid' | 'gausslegendre';
export const INTEGRATION_METHODS: readonly IntegrationMethod[] = ['riemann_left', 'riemann_right', 'riemann_middle', 'riemann_trapezoid', 'gausslegendre'];

/** Gauss–Legendre nodes and weights on [−1, 1] (Newton's method on P_n, as numpy's leggauss). */
export function legendreGauss(n: number): { x: Float64Array; w: Float64Array } {
  const x = new Float64Array(n), w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 1;
    for (let it = 0; it < 100; it++) {
      let p0 = 1, p1 = z;
      for (let k = 2; k <= n; k++) [p0, p1] = [p1, ((2 * k - 1) * z * p1 - (k - 1) * p0) / k];
      dp = (n * (z * p1 - p0)) / (z * z - 1);
      const dz = p1 / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-15) break;
    }
    let p0 = 1, p1 = z;
    for (let k = 2; k <= n; k++) [p0, p1] = [p1, ((2 * k - 1) * z * p1 - (k - 1) * p0) / k];
    dp = (n * (z * p1 - p0)) / (z * z - 1);
    x[n - 1 - i] = z; // ascending, as numpy
    w[n - 1 - i] = 2 / ((1 - z * z) * dp * dp);
  }
  return { x, w };
}

/** Captum's approximation_parameters: step sizes w_i and path positions α_i in [0, 1]. */
export function integrationRule(method: IntegrationMethod, nSteps: number): { alphas: Float64Array; steps: Float64Array } {
  const op = 'integratedGradients';
  positiveInt(op, 'nSteps', nSteps);
  const n = nSteps;
  const alphas = new Float64Array(n), steps = new Float64Array(n);
  switch (method) {
    case 'riemann_left': case 'riemann_right': case 'riemann_middle': {
      const off = method === 'riemann_left' ? 0 : method === 'riemann_right' ? 1 : 0.5;
      for (let i = 0; i < n; i++) (alphas[i] = (i + off) / n), (steps[i] = 1 / n);
      break;
    }
    case 'riemann_trapezoid':
      if (n < 2) throw new ArgumentError(`${op}: riemann_trapezoid needs nSteps ≥ 2, got ${n}`);
      for (let i = 0; i < n; i++) (alphas[i] = i / (n - 1)), (steps[i] = (i === 0 || i === n - 1 ? 0.5 : 1) / (n - 1));
      break;
    case 'gausslegendre': {
      const { x, w } = legendreGauss(n);
      for (let i = 0; i < n; i++) (alphas[i] = 0.5 * (1 + x[i]!)), (steps[i] = 0.5 * w[i]!);
      break;
    }
    default:
      throw new ArgumentError(`${op}: method must be one of ${INTEGRATION_METHODS.join(', ')}, got ${String(method)}`);
  }
  return { alphas, steps };
}

export interface IntegratedGradientsOptions {
  target: Target;
  /** x′: a number, a tensor of x's shape, or one example's shape (default 0). */
  baseline?: number | Tensor;
  nSteps?: number;
  method?: IntegrationMethod;
  /** Scaled inputs per forward/backward pass (default min(B·nSteps, 64)). */
  internalBatchSize?: number;
}

export interface IntegratedGradientsResult {
  attributions: Tensor;
  /** Σ attributions − (y(x) − y(x′)) per example: Captum's convergence delta. */
  delta: Float64Array;
}

export function integratedGradients(model: AnyModule, x: Tensor, opts: IntegratedGradientsOptions): IntegratedGradientsResult {
  const op = 'integratedGradients';
  const v = inputValues(op, x);
  const B = x.shape[0]!, per = v.length / B;
  const base = baselineValues(op, opts.baseline, x.shape);
  const target = targetIndices(op, opts.target, B);
  const nSteps = opts.nSteps ?? 50;
  const { alphas, steps } = integrationRule(opts.method ?? 'gausslegendre', nSteps);
  const chunk = positiveInt(op, 'internalBatchSize', opts.internalBatchSize ?? Math.min(B * nSteps, 64));
  const total = new Float64Array(v.length);
  // rows are (example, step) pairs, example-major
  const rows = B * nSteps;
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const r1 = Math.min(rows, r0 + chunk);
    const xs = new Float32Array((r1 - r0) * per);
    const tg = new Int32Array(r1 - r0);
    for (let r = r0; r < r1; r++) {
      const b = Math.floor(r / nSteps), a = alphas[r % nSteps]!, o = (r - r0) * per;
      for (let i = 0; i < per; i++) xs[o + i] = base[b * per + i]! + a * (v[b * per + i]! - base[b * per + i]!);
      tg[r - r0] = target[b]!;
    }
    const { grad } = targetGradient(op, model, xs, [r1 - r0, ...x.shape.slice(1)], tg);
    for (let r = r0; r < r1; r++) {
      const b = Math.floor(r / nSteps), w = steps[r % nSteps]!, o = (r - r0) * per;
      for (let i = 0; i < per; i++) total[b * per + i]! += w * grad[o + i]!;
    }
  }
  const attr = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) attr[i] = total[i]! * (v[i]! - base[i]!);
  const fx = targetScore(op, model, v, x.shape, target), fb = targetScore(op, model, base, x.shape, target);
  const delta = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    let s = 0;
    for (let i = 0; i < per; i++) s += attr[b * per + i]!;
    delta[b] = s - (fx[b]! - fb[b]!);
  }
  return { attributions: tensor(attr, { shape: x.shape }), delta };
}
