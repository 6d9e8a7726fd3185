// Nonlinear Hebbian learning on whitened patches: each unit's weight change is its cubed output
// times its input (ΔW = η·⟨y³ xᵀ⟩, y = W x), followed by symmetric decorrelation
// W ← (W Wᵀ)^{-1/2} W so the units stay orthonormal and do not all learn the same filter. On
// whitened data this climbs the outputs' kurtosis — the sparse, heavy-tailed directions of natural
// images, whose filters are localised, oriented and band-pass (Gabor-like; Hyvärinen & Oja 1998,
// Olshausen & Field 1996). A purely linear Hebbian rule (Oja, Sanger) would learn nothing here:
// whitened data has identity covariance, so every orthonormal basis is a fixed point.

import { ArgumentError } from '../../errors.js';
import { eigh } from '../../linalg/dense.js';
import { wrap } from '../../linalg/matrix.js';
import { Generator } from '../../tensor/random.js';
import type { Whitening } from './patches.js';

export interface HebbianOptions {
  units: number;
  epochs?: number;
  batch?: number;
  lr?: number;
  seed?: number;
}

export interface HebbianResult {
  /** Weights in whitened space (units × dim), orthonormal rows. */
  weights: Float64Array;
  /** Mean excess kurtosis of the outputs after each epoch. */
  kurtosis: number[];
}

function symmetricDecorrelate(W: Float64Array, k: number, d: number): void {
  const G = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let b = a; b < k; b++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += W[a * d + j]! * W[b * d + j]!;
    G[a * k + b] = s; G[b * k + a] = s;
  }
  const { values, vectors } = eigh(wrap(G, k, k, 'hebbian'));
  const U = vectors.data, S = new Float64Array(k * k); // (W Wᵀ)^{-1/2}
  for (let c = 0; c < k; c++) {
    const s = 1 / Math.sqrt(Math.max(values[c]!, 1e-12));
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) S[a * k + b]! += U[a * k + c]! * s * U[b * k + c]!;
  }
  const out = new Float64Array(k * d);
  for (let a = 0; a < k; a++) for (let c = 0; c < k; c++) { const s = S[a * k + c]!; for (let j = 0; j < d; j++) out[a * d + j]! += s * W[c * d + j]!; }
  W.set(out);
}

/** Learns `units` filters from whitened rows of x (n × dim). */
export function hebbianLearn(x: Float64Array, dim: number, o: HebbianOptions): HebbianResult {
  const n = x.length / dim, k = o.units, epochs = o.epochs ?? 10, batch = o.batch ?? 100, lr = o.lr ?? 0.1;
  if (!Number.isInteger(n) || n < batch) throw new ArgumentError(`hebbianLearn: ${x.length / dim} rows; need at least one batch of ${batch}`);
  if (!Number.isInteger(k) || k < 1 || k > dim) throw new ArgumentError(`hebbianLearn: ${k} units for ${dim} inputs; need 1 … ${dim}`);
  if (!(lr > 0) || !Number.isInteger(epochs) || epochs < 1) throw new ArgumentError(`hebbianLearn: lr ${lr} and epochs ${epochs} must be positive`);
  const rng = new Generator(o.seed ?? 0), W = new Float64Array(k * dim);
  for (let i = 0; i < W.length; i++) W[i] = rng.normal();
  symmetricDecorrelate(W, k, dim);
  const y = new Float64Array(k), dW = new Float64Array(k * dim), kurt: number[] = [];
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let e = 0; e < epochs; e++) {
    for (let i = n - 1; i > 0; i--) { const j = rng.nextU32() % (i + 1); const t = order[i]!; order[i] = order[j]!; order[j] = t; }
    for (let b0 = 0; b0 + batch <= n; b0 += batch) {
      dW.fill(0);
      for (let b = b0; b < b0 + batch; b++) {
        const off = order[b]! * dim;
        for (let u = 0; u < k; u++) { let s = 0; for (let j = 0; j < dim; j++) s += W[u * dim + j]! * x[off + j]!; y[u] = s * s * s; }
        for (let u = 0; u < k; u++) { const g = y[u]!; for (let j = 0; j < dim; j++) dW[u * dim + j]! += g * x[off + j]!; }
      }
      for (let i = 0; i < W.length; i++) W[i]! += (lr / batch) * dW[i]!;
      symmetricDecorrelate(W, k, dim);
    }
    kurt.push(meanKurtosis(W, x, k, dim));
  }
  return { weights: W, kurtosis: kurt };
}

/** Mean over units of the excess kurtosis E[y⁴]/E[y²]² − 3 of y = W x. */
export function meanKurtosis(W: Float64Array, x: Float64Array, k: number, dim: number): number {
  const n = x.length / dim;
  let tot = 0;
  for (let u = 0; u < k; u++) {
    let m2 = 0, m4 = 0;
    for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < dim; j++) s += W[u * dim + j]! * x[i * dim + j]!; const s2 = s * s; m2 += s2; m4 += s2 * s2; }
    m2 /= n; m4 /= n;
    tot += m4 / (m2 * m2) - 3;
  }
  return tot / k;
}

/**
 * Receptive fields in pixel space: the filter each unit applies to a raw (mean-removed) patch,
 * R = W·Z with Z the ZCA matrix (units × dim).
 */
export function receptiveFields(W: Float64Array, k: number, wh: Whitening): Float64Array {
  const d = wh.dim, out = new Float64Array(k * d);
  for (let u = 0; u < k; u++) for (let a = 0; a < d; a++) { const w = W[u * d + a]!; if (w === 0) continue; for (let b = 0; b < d; b++) out[u * d + b]! += w * wh.matrix[a * d + b]!; }
  return out;
}
