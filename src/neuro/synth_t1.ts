// SynthSeg-style training images (Billot et al. 2023) from label maps, in a simple form: every
// label gets a random Gaussian intensity (mean and spread drawn per label), then a random smooth
// multiplicative bias field, a Gaussian blur, noise and a random gamma contrast. Non-brain
// labels stay 0, as in a skull-stripped scan. Half the draws (by default) put the means in T1
// order (WM > GM > CSF, each jittered) and the rest anywhere in [0, 1], as SynthSeg does; the
// T1 prior helps a model that can only train for minutes.
//
// Volumes and patches are Fortran order (i fastest), shape [nx, ny, nz].

import { ArgumentError, ShapeError } from '../errors.js';
import { Generator } from '../tensor/random.js';
import { asegTissue, TISSUE_BACKGROUND, TISSUE_CSF, TISSUE_GM } from './tissue.js';

export interface SynthOptions {
  /** Share of draws with T1-ordered means (default 0.5). */
  t1Prior?: number;
  /** Largest per-label standard deviation (default 0.06). */
  maxStd?: number;
  /** Log bias-field amplitude (default 0.3). */
  biasStd?: number;
  /** Blur sigma range in voxels (default [0, 1]). */
  blur?: [number, number];
  /** Largest noise standard deviation (default 0.03). */
  maxNoise?: number;
  /** Standard deviation of the log gamma exponent (default 0.25). */
  gammaStd?: number;
}

const T1_MEANS = [0, 0.15, 0.5, 0.8]; // background, CSF, GM, WM on a [0, 1] scale

/** A synthetic T1-like image of a label map (FreeSurfer labels), scaled to [0, 1]. */
export function synthesizeImage(labels: ArrayLike<number>, shape: readonly [number, number, number], gen: Generator, o: SynthOptions = {}): Float32Array {
  const [nx, ny, nz] = shape;
  const n = nx * ny * nz;
  if (labels.length !== n) throw new ShapeError(`synthesizeImage: ${labels.length} labels for shape [${shape.join(', ')}]`);
  const t1 = gen.random() < (o.t1Prior ?? 0.5);
  const maxStd = o.maxStd ?? 0.06;
  const mean = new Map<number, [number, number]>();
  const img = new Float32Array(n);
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    let p = mean.get(l);
    if (!p) {
      const t = asegTissue(l);
      const mu = t === TISSUE_BACKGROUND ? 0 : t1 ? T1_MEANS[t]! + 0.08 * gen.normal() * (t === TISSUE_CSF || t === TISSUE_GM ? 1 : 0.7) : 0.05 + 0.95 * gen.random();
      mean.set(l, (p = [mu, t === TISSUE_BACKGROUND ? 0 : maxStd * gen.random()]));
    }
    if (p[0] === 0 && p[1] === 0) continue;
    mask[i] = 1;
    img[i] = p[0] + p[1] * gen.normal();
  }
  applyBias(img, shape, gen, o.biasStd ?? 0.3);
  const [b0, b1] = o.blur ?? [0, 1];
  const sigma = b0 + (b1 - b0) * gen.random();
  if (sigma > 0.1) gaussianBlur(img, shape, sigma);
  const noise = (o.maxNoise ?? 0.03) * gen.random();
  for (let i = 0; i < n; i++) img[i] = mask[i] ? img[i]! + noise * gen.normal() : 0;
  rescale(img);
  const g = Math.exp((o.gammaStd ?? 0.25) * gen.normal());
  for (let i = 0; i < n; i++) img[i] = img[i]! ** g;
  return img;
}

/** In place: min–max to [0, 1] (a constant image becomes zeros). */
export function rescale(img: Float32Array): void {
  let lo = Infinity, hi = -Infinity;
  for (const v of img) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const r = hi - lo;
  for (let i = 0; i < img.length; i++) img[i] = r > 0 ? (img[i]! - lo) / r : 0;
}

/** In place: × exp(trilinear upsampling of a 4×4×4 grid of N(0, std²)). */
export function applyBias(img: Float32Array, shape: readonly [number, number, number], gen: Generator, std: number): void {
  if (!(std >= 0)) throw new ArgumentError(`applyBias: std must be ≥ 0, got ${std}`);
  if (std === 0) return;
  const G = 4;
  const grid = Float64Array.from({ length: G * G * G }, () => std * gen.normal());
  const [nx, ny, nz] = shape;
  const at = (x: number, n: number) => {
    const f = n > 1 ? (x / (n - 1)) * (G - 1) : 0;
    const i0 = Math.min(G - 2, Math.floor(f));
    return [i0, f - i0] as const;
  };
  for (let k = 0; k < nz; k++) {
    const [k0, fk] = at(k, nz);
    for (let j = 0; j < ny; j++) {
      const [j0, fj] = at(j, ny);
      for (let i = 0; i < nx; i++) {
        const [i0, fi] = at(i, nx);
        let v = 0;
        for (let c = 0; c < 8; c++) {
          const di = c & 1, dj = (c >> 1) & 1, dk = c >> 2;
          v += (di ? fi : 1 - fi) * (dj ? fj : 1 - fj) * (dk ? fk : 1 - fk) * grid[(i0 + di) + G * ((j0 + dj) + G * (k0 + dk))]!;
        }
        const o = i + nx * (j + ny * k);
        img[o] = img[o]! * Math.exp(v);
      }
    }
  }
}

/** In place: separable Gaussian blur (truncated at 3σ, edges clamped). */
export function gaussianBlur(img: Float32Array, shape: readonly [number, number, number], sigma: number): void {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const w = Float64Array.from({ length: 2 * r + 1 }, (_, t) => Math.exp(-((t - r) ** 2) / (2 * sigma * sigma)));
  const s = w.reduce((a, b) => a + b, 0);
  for (let t = 0; t < w.length; t++) w[t] = w[t]! / s;
  const [nx, ny, nz] = shape;
  const strides = [1, nx, nx * ny];
  const line = new Float64Array(Math.max(nx, ny, nz));
  for (let a = 0; a < 3; a++) {
    const len = shape[a]!, st = strides[a]!;
    const others = [0, 1, 2].filter((b) => b !== a);
    for (let u = 0; u < shape[others[0]!]!; u++) {
      for (let v = 0; v < shape[others[1]!]!; v++) {
        const base = u * strides[others[0]!]! + v * strides[others[1]!]!;
        for (let x = 0; x < len; x++) line[x] = img[base + x * st]!;
        for (let x = 0; x < len; x++) {
          let acc = 0;
          for (let t = -r; t <= r; t++) acc += w[t + r]! * line[Math.min(len - 1, Math.max(0, x + t))]!;
          img[base + x * st] = acc;
        }
      }
    }
  }
}
