// SynthSeg-style training images (Billot et al. 2023) from FreeSurfer label maps: every label gets a
// Gaussian intensity (mean and spread drawn per label, a Gaussian mixture as SynthSeg's), then a
// smooth multiplicative bias field, a Gaussian blur (resolution), noise, the intensity
// normalisation the segmenter uses (neuro/intensity) and a random gamma.
//
// Means follow a T1 prior in most draws (`t1Prior`), on a scale where white matter is 1 (ratios
// from 1.5 T and 3 T MPRAGE / SPGR scans, widened to cover scanners and field strengths):
//   cerebral and cerebellar WM, corpus callosum  0.90–1.05
//   brain stem, ventral DC                       0.80–1.00 (mostly white matter, darker)
//   cortex, hippocampus, amygdala, cerebellar    GM ratio g ~ U(0.50, 0.80), each ±0.04
//     cortex
//   caudate, putamen, accumbens                  g + (1 − g) · U(0, 0.4)
//   thalamus                                     g + (1 − g) · U(0.3, 0.7)
//   pallidum                                     g + (1 − g) · U(0.5, 0.9)
//   ventricles, CSF (24 included), vessels       U(0.05, 0.40)
//   lesions / hypointensities                    between CSF and the structure around them
//   extra-cerebral labels (skull, scalp, eyes,   U(0, 1.3) each, in a head draw; in a
//     SynthSeg's ≥ 100 labels)                     skull-stripped draw each is kept with
//                                                  probability 0.3 (remnants of dura and CSF
//                                                  that skull stripping leaves) else 0
// and in the other draws anywhere in [0, 1] (SynthSeg's random contrast). Background (label 0)
// stays 0. Volumes are Fortran order (i fastest), shape [nx, ny, nz].

import { ArgumentError, ShapeError } from '../errors.js';
import { Generator } from '../tensor/random.js';
import { asegTissue, TISSUE_BACKGROUND } from './tissue.js';
import { normaliseIntensity, PERCENTILE_NORMALISATION, type IntensityNormalisation } from './intensity.js';

export interface SynthOptions {
  /** Share of draws with T1-ordered means (default 0.85). */
  t1Prior?: number;
  /** Share of draws with the extra-cerebral labels mostly removed, as a skull-stripped scan (default 0.5). */
  stripped?: number;
  /** Per-label standard deviation range, WM = 1 (default [0.01, 0.06]). */
  std?: [number, number];
  /** Largest log bias-field amplitude (default 0.25). */
  biasStd?: number;
  /** Blur sigma range in voxels (default [0.4, 1.2]). */
  blur?: [number, number];
  /** Largest noise standard deviation, WM = 1 (default 0.04). */
  maxNoise?: number;
  /** Standard deviation of the log gamma exponent (default 0.12). */
  gammaStd?: number;
  /** Normalisation after synthesis (default neuro/intensity's PERCENTILE_NORMALISATION). */
  normalisation?: IntensityNormalisation;
}

const THALAMUS = [10, 49, 9, 48], PALLIDUM = [13, 52], STRIATUM = [11, 50, 12, 51, 26, 58];
const BRAINSTEM = [16, 28, 60], LESION = [25, 57, 77, 78, 79, 80, 81, 82];

/** The T1-prior mean of one label, white matter = 1; `g` is this draw's grey/white ratio. */
function t1Mean(label: number, g: number, gen: Generator, stripped: boolean): number {
  const u = (a: number, b: number) => a + (b - a) * gen.random();
  if (label === 0) return 0;
  if (label === 24) return u(0.05, 0.4); // CSF around the brain: background class, but fluid in any scan
  if ([31, 63, 136, 137, 163, 164].includes(label)) return g * u(0.6, 1.1); // choroid plexus: tissue, GM-like
  if (label >= 100 && !(label >= 251 && label <= 255)) return stripped && gen.random() >= 0.3 ? 0 : u(0, 1.3);
  if (THALAMUS.includes(label)) return g + (1 - g) * u(0.3, 0.7);
  if (PALLIDUM.includes(label)) return g + (1 - g) * u(0.5, 0.9);
  if (STRIATUM.includes(label)) return g + (1 - g) * u(0, 0.4);
  if (BRAINSTEM.includes(label)) return u(0.8, 1.0);
  if (LESION.includes(label)) return u(0.2, 0.8);
  const t = asegTissue(label);
  if (t === 3) return u(0.9, 1.05);
  if (t === 2) return g + u(-0.04, 0.04);
  return u(0.05, 0.4);
}

/** A synthetic T1-like image of a label map (FreeSurfer labels), normalised to [0, 1]. */
export function synthesizeImage(labels: ArrayLike<number>, shape: readonly [number, number, number], gen: Generator, o: SynthOptions = {}): Float32Array {
  const [nx, ny, nz] = shape;
  const n = nx * ny * nz;
  if (labels.length !== n) throw new ShapeError(`synthesizeImage: ${labels.length} labels for shape [${shape.join(', ')}]`);
  const t1 = gen.random() < (o.t1Prior ?? 0.85);
  const stripped = gen.random() < (o.stripped ?? 0.5);
  const [s0, s1] = o.std ?? [0.01, 0.06];
  const g = 0.5 + 0.3 * gen.random();
  // per label: mean and spread, looked up through a dense table (labels are small integers)
  let maxLabel = 0;
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    if (!Number.isInteger(l) || l < 0 || l > 65535) throw new ArgumentError(`synthesizeImage: label ${l} at voxel ${i} is not a FreeSurfer label`);
    if (l > maxLabel) maxLabel = l;
  }
  const mu = new Float64Array(maxLabel + 1).fill(NaN), sd = new Float64Array(maxLabel + 1);
  const img = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    if (Number.isNaN(mu[l]!)) {
      const background = asegTissue(l) === TISSUE_BACKGROUND && l !== 24;
      mu[l] = t1 ? t1Mean(l, g, gen, stripped) : l === 0 || (background && stripped && gen.random() >= 0.3) ? 0 : 0.05 + 0.95 * gen.random();
      sd[l] = mu[l] === 0 ? 0 : s0 + (s1 - s0) * gen.random();
    }
    if (mu[l] !== 0) img[i] = Math.max(0, mu[l]! + sd[l]! * gen.normal());
  }
  applyBias(img, shape, gen, (o.biasStd ?? 0.25) * gen.random());
  const [b0, b1] = o.blur ?? [0.4, 1.2];
  const sigma = b0 + (b1 - b0) * gen.random();
  if (sigma > 0.1) gaussianBlur(img, shape, sigma);
  const noise = (o.maxNoise ?? 0.04) * gen.random();
  // noise where there is signal: the background of skull-stripped and conformed scans is 0
  for (let i = 0; i < n; i++) if (img[i]! > 0.01) img[i] = Math.max(0, img[i]! + noise * gen.normal());
  const out = normaliseIntensity(img, o.normalisation ?? PERCENTILE_NORMALISATION);
  const gamma = Math.exp((o.gammaStd ?? 0.12) * gen.normal());
  for (let i = 0; i < n; i++) out[i] = out[i]! ** gamma;
  return out;
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
