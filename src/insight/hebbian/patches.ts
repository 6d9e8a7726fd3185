// Natural-image patches and their ZCA whitening (Bell & Sejnowski 1997; Olshausen & Field 1996
// whiten by a 1/f-flattening filter to the same end): decorrelated pixels, so learning that
// follows higher-order structure (sparseness) is what shapes the receptive fields.

import { ArgumentError } from '../../errors.js';
import { eigh } from '../../linalg/dense.js';
import { wrap } from '../../linalg/matrix.js';
import { Generator } from '../../tensor/random.js';

export interface GrayImage { width: number; height: number; data: Float64Array }

/** `n` random size×size patches (n × size², row-major), each with its own mean removed. */
export function samplePatches(images: readonly GrayImage[], size: number, n: number, seed = 0): Float64Array {
  if (images.length === 0) throw new ArgumentError('samplePatches: no images');
  if (!Number.isInteger(size) || size < 2) throw new ArgumentError(`samplePatches: patch size ${size} must be an integer ≥ 2`);
  if (!Number.isInteger(n) || n < 1 || n * size * size > 1 << 27) throw new ArgumentError(`samplePatches: ${n} patches of ${size}² out of range`);
  for (const im of images) if (im.width < size || im.height < size) throw new ArgumentError(`samplePatches: a ${im.width} × ${im.height} image is smaller than the ${size}² patch`);
  const rng = new Generator(seed), d = size * size, out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const im = images[rng.nextU32() % images.length]!;
    const y0 = rng.nextU32() % (im.height - size + 1), x0 = rng.nextU32() % (im.width - size + 1);
    let m = 0;
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) m += out[i * d + y * size + x] = im.data[(y0 + y) * im.width + x0 + x]!;
    m /= d;
    for (let j = 0; j < d; j++) out[i * d + j]! -= m;
  }
  return out;
}

export interface Whitening {
  dim: number;
  mean: Float64Array;
  /** ZCA matrix (dim × dim, symmetric): x_white = W (x − mean). */
  matrix: Float64Array;
  eigenvalues: Float64Array;
}

export interface WhiteningOptions {
  /** ε as a fraction of the mean eigenvalue (default 0.01): W = U diag(1/√(λ + ε)) Uᵀ. */
  epsRel?: number;
  /** Keep only the `keep` largest components (default all): a low-pass that drops pixel noise. */
  keep?: number;
}

/**
 * ZCA whitening from the patches' covariance: W = U diag(1/√(λ + ε)) Uᵀ over the `keep` largest
 * components. ε and the cut keep the small, noise-dominated (highest-frequency) components from
 * being amplified into what the learning then fits.
 */
export function zcaWhitening(x: Float64Array, dim: number, o: WhiteningOptions = {}): Whitening {
  const epsRel = o.epsRel ?? 0.01, keep = o.keep ?? dim;
  if (!Number.isInteger(keep) || keep < 1 || keep > dim) throw new ArgumentError(`zcaWhitening: keep ${keep} must be in 1 … ${dim}`);
  const n = x.length / dim;
  if (!Number.isInteger(n) || n < 2) throw new ArgumentError(`zcaWhitening: ${x.length} values are not ≥ 2 rows of ${dim}`);
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j]! += x[i * dim + j]! / n;
  const cov = new Float64Array(dim * dim);
  const r = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) r[j] = x[i * dim + j]! - mean[j]!;
    for (let a = 0; a < dim; a++) { const ra = r[a]!; if (ra === 0) continue; for (let b = a; b < dim; b++) cov[a * dim + b]! += ra * r[b]!; }
  }
  for (let a = 0; a < dim; a++) for (let b = a; b < dim; b++) { const v = cov[a * dim + b]! / (n - 1); cov[a * dim + b] = v; cov[b * dim + a] = v; }
  const { values, vectors } = eigh(wrap(cov, dim, dim, 'zcaWhitening'));
  let mv = 0;
  for (const v of values) mv += Math.max(0, v) / dim;
  const eps = epsRel * mv, U = vectors.data, W = new Float64Array(dim * dim);
  const order = Array.from({ length: dim }, (_, i) => i).sort((a, b) => values[b]! - values[a]!).slice(0, keep);
  for (const k of order) {
    const s = 1 / Math.sqrt(Math.max(0, values[k]!) + eps);
    for (let a = 0; a < dim; a++) { const ua = U[a * dim + k]! * s; if (ua === 0) continue; for (let b = 0; b < dim; b++) W[a * dim + b]! += ua * U[b * dim + k]!; }
  }
  return { dim, mean, matrix: W, eigenvalues: values };
}

/** Applies the whitening to every row of x (n × dim). */
export function whiten(w: Whitening, x: Float64Array): Float64Array {
  const d = w.dim, n = x.length / d, out = new Float64Array(x.length), r = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) r[j] = x[i * d + j]! - w.mean[j]!;
    for (let a = 0; a < d; a++) { let s = 0; for (let b = 0; b < d; b++) s += w.matrix[a * d + b]! * r[b]!; out[i * d + a] = s; }
  }
  return out;
}
