// Subject-specific refinement of a network's tissue segmentation, as SPM's unified segmentation
// and FSL FAST do it: the network's softmax probabilities serve as spatial priors, each class's
// intensity on THIS scan is modelled by a small Gaussian mixture fitted by EM (weighted by the
// priors), and a voxel's posterior is ∝ prior^α × likelihood; the labels are its argmax.
//
//   region   voxels with signal (intensity ≠ 0) where the network gives the non-background
//            classes at least `regionThreshold` in total. Zero voxels (outside a skull strip or
//            the scanner's field of view) carry no intensity information; they and the voxels
//            outside the region keep the network's label.
//   α        (`priorWeight`, default 1) tempers the network: 1 trusts it fully, 0 ignores it.
//            'auto' chooses it per scan by empirical Bayes: the α ∈ [0.05, 1] (golden-section
//            search) whose EM fit maximises the marginal log-likelihood of the scan's intensities,
//            Σ_voxels log Σ_k π_k(α) p(x | class k), π_k ∝ prior_k^α normalised per voxel; no
//            labels are involved, only how well the tempered network explains this scan. The
//            default is what 'auto' chose on every real scan measured (two subjects, two U-Nets:
//            bench/README); 'auto' costs a search (1–2 min more per scan on 2 cores).
//            A network trained on synthetic contrasts places boundaries (GM against sulcal CSF,
//            GM against WM) by a contrast that is not this scan's; a tempered prior lets the
//            scan's own intensities move them while the prior keeps classes of like intensity
//            (cortex vs. deep grey matter vs. non-brain) apart.
//   mixture  `components[k]` Gaussians per class (default 3 for class 0, whose non-brain tissue
//            is multimodal, 1 otherwise), initialised at prior-weighted quantiles with a spread
//            from the prior-weighted interquartile range (robust to the network's errors, which
//            a weighted mean and variance are not), then EM on the region.
//   MRF      optional Potts smoothing (`mrf`): a few mean-field sweeps, posterior ∝ prior^α ×
//            likelihood × exp(β × Σ of the 6 neighbours' posteriors of the class).
// Volumes are any fixed voxel order (i fastest for NIfTI); probabilities are class-major
// (class k's at k·n + voxel), as segmentVolume returns them.

import { ArgumentError, ShapeError } from '../errors.js';

export interface TissueEmOptions {
  /**
   * Exponent α on the prior probabilities, in [0, 1] (default 1), or 'auto': the α in
   * [0.05, 1] that maximises the marginal likelihood of the scan's intensities (empirical Bayes).
   */
  priorWeight?: number | 'auto';
  /** Gaussians per class (default 3 for class 0, 1 for the others). */
  components?: readonly number[];
  /** EM iterations (default 20). */
  iterations?: number;
  /** Least non-background probability for a voxel to be refined (default 0.01). */
  regionThreshold?: number;
  /** Potts mean-field smoothing; off by default. */
  mrf?: { beta: number; iterations: number };
}

export interface GaussianComponent { mean: number; std: number; weight: number }

export interface TissueEmResult {
  /** Refined labels, the input's voxel order. */
  labels: Uint8Array;
  /** The fitted mixture of each class (weights sum to 1 within a class; empty for a class with no prior mass). */
  classes: GaussianComponent[][];
  /** Voxels refined, and the log-likelihood after each EM iteration (non-decreasing up to rounding). */
  regionVoxels: number;
  logLikelihood: number[];
  /** The α used (the one chosen when priorWeight is 'auto'; NaN when no voxel was refined under 'auto'). */
  priorWeight: number;
  /** 'auto' only: each α tried and the mean marginal log-likelihood per voxel of its EM fit (on a subsample of at most 2^17 region voxels). */
  alphaSearch: { alpha: number; logLikelihood: number }[];
}

const HIST_BINS = 2048;

function checkOptions(o: TissueEmOptions, K: number): Required<Omit<TissueEmOptions, 'mrf'>> & { mrf: TissueEmOptions['mrf'] } {
  const alpha = o.priorWeight ?? 1;
  if (alpha !== 'auto' && !(typeof alpha === 'number' && alpha >= 0 && alpha <= 1)) throw new ArgumentError(`refineTissue: priorWeight must be a number in [0, 1] or 'auto', got ${JSON.stringify(alpha) ?? String(alpha)}`);
  const comps = o.components ?? Array.from({ length: K }, (_, k) => (k === 0 ? 3 : 1));
  if (comps.length !== K || comps.some((c) => !Number.isInteger(c) || c < 1 || c > 8)) throw new ArgumentError(`refineTissue: components [${comps.join(', ')}] must be ${K} integers in [1, 8]`);
  const iters = o.iterations ?? 20;
  if (!Number.isInteger(iters) || iters < 1 || iters > 1000) throw new ArgumentError(`refineTissue: iterations must be an integer in [1, 1000], got ${iters}`);
  const thr = o.regionThreshold ?? 0.01;
  if (!(thr >= 0 && thr < 1)) throw new ArgumentError(`refineTissue: regionThreshold must be in [0, 1), got ${thr}`);
  if (o.mrf && !(o.mrf.beta >= 0 && Number.isInteger(o.mrf.iterations) && o.mrf.iterations >= 0 && o.mrf.iterations <= 100)) throw new ArgumentError(`refineTissue: mrf needs beta ≥ 0 and 0..100 iterations, got ${JSON.stringify(o.mrf)}`);
  return { priorWeight: alpha, components: comps, iterations: iters, regionThreshold: thr, mrf: o.mrf };
}

/** Weighted quantiles `qs` of x from a histogram over [lo, hi] (linear within a bin). */
function weightedQuantiles(x: Float64Array, w: Float64Array, lo: number, hi: number, qs: number[]): number[] {
  const h = new Float64Array(HIST_BINS);
  const scale = hi > lo ? HIST_BINS / (hi - lo) : 0;
  let total = 0;
  for (let i = 0; i < x.length; i++) {
    h[Math.min(HIST_BINS - 1, Math.floor((x[i]! - lo) * scale))]! += w[i]!;
    total += w[i]!;
  }
  const out: number[] = [];
  for (const q of qs) {
    const target = q * total;
    let acc = 0, b = 0;
    for (; b < HIST_BINS - 1 && acc + h[b]! < target; b++) acc += h[b]!;
    const f = h[b]! > 0 ? (target - acc) / h[b]! : 0.5;
    out.push(lo + ((b + f) * (hi - lo)) / HIST_BINS);
  }
  return out;
}

/**
 * Refines `priors` (K class probabilities per voxel, class-major) with the intensities of `image`
 * (one value per voxel) over a volume of `shape` ([nx, ny, nz], the voxel order of both).
 */
export function refineTissue(image: ArrayLike<number>, priors: Float32Array, shape: readonly [number, number, number], opts: TissueEmOptions = {}): TissueEmResult {
  const [nx, ny, nz] = shape;
  if (shape.length !== 3 || shape.some((d) => !Number.isInteger(d) || d < 1)) throw new ShapeError(`refineTissue: shape ${JSON.stringify(shape)} is not three positive dims`);
  const n = nx * ny * nz;
  if (image.length !== n) throw new ShapeError(`refineTissue: the image has ${image.length} voxels for shape ${nx}x${ny}x${nz}`);
  if (priors.length === 0 || priors.length % n !== 0) throw new ShapeError(`refineTissue: ${priors.length} prior values are not a whole number of classes for ${n} voxels`);
  const K = priors.length / n;
  if (K < 2 || K > 256) throw new ShapeError(`refineTissue: ${K} classes; need 2..256`);
  const o = checkOptions(opts, K);

  // network labels, and the region
  const labels = new Uint8Array(n);
  const idx: number[] = [];
  for (let v = 0; v < n; v++) {
    const x = image[v]!;
    if (!Number.isFinite(x)) throw new ArgumentError(`refineTissue: image voxel ${v} is ${x}; the image must be finite`);
    let best = 0, bp = -1;
    for (let k = 0; k < K; k++) {
      const p = priors[k * n + v]!;
      if (!(p >= 0 && p <= 1.0001)) throw new ArgumentError(`refineTissue: prior of class ${k} at voxel ${v} is ${p}; priors must be probabilities`);
      if (p > bp) {
        bp = p;
        best = k;
      }
    }
    labels[v] = best;
    if (x !== 0 && 1 - priors[v]! >= o.regionThreshold) idx.push(v);
  }
  const R = idx.length;
  const result: TissueEmResult = { labels, classes: Array.from({ length: K }, () => []), regionVoxels: R, logLikelihood: [], priorWeight: o.priorWeight === 'auto' ? NaN : o.priorWeight, alphaSearch: [] };
  if (R === 0) return result;

  // region intensities and raw priors (floored, so a tempered zero stays defined), (K, R)
  const x = new Float64Array(R);
  const raw = new Float64Array(K * R);
  for (let r = 0; r < R; r++) {
    const v = idx[r]!;
    x[r] = image[v]!;
    for (let k = 0; k < K; k++) raw[k * R + r] = priors[k * n + v]!;
  }

  let alpha: number;
  let start: Comp[] | undefined;
  if (o.priorWeight === 'auto') {
    // empirical Bayes: the α whose EM fit gives the scan's intensities the highest marginal
    // likelihood, searched on an evenly strided subsample (the criterion is a per-voxel mean, so
    // a subsample estimates it; the cost stays bounded on a 256³ head)
    const stride = Math.max(1, Math.ceil(R / AUTO_MAX_VOXELS));
    const Rs = Math.ceil(R / stride);
    const xs = new Float64Array(Rs), rs = new Float64Array(K * Rs);
    for (let s = 0; s < Rs; s++) {
      xs[s] = x[s * stride]!;
      for (let k = 0; k < K; k++) rs[k * Rs + s] = raw[k * R + s * stride]!;
    }
    const sub = makeEm(xs, rs, K, o.components);
    // The criterion is the likelihood at the EM optimum for each α, so EM runs to convergence
    // there: with weak priors it separates the classes slowly (at α 0.1, 30 iterations leave the
    // class means bunched, which understates small α). Each α is fitted from the quantile start
    // and from the best fit found so far, keeping the better (EM finds local optima).
    let best: EmFit | undefined;
    const fits = new Map<number, EmFit>();
    const f = (a: number): number => {
      let fit = sub.fit(a, AUTO_MAX_ITERATIONS, undefined, AUTO_CONVERGED);
      if (best) {
        const warm = sub.fit(a, AUTO_MAX_ITERATIONS, best.comps, AUTO_CONVERGED);
        if (warm.final > fit.final) fit = warm;
      }
      if (!best || fit.final > best.final) best = fit;
      fits.set(a, fit);
      result.alphaSearch.push({ alpha: a, logLikelihood: fit.final / Rs });
      return fit.final;
    };
    alpha = goldenMax(f, AUTO_RANGE[0], AUTO_RANGE[1], AUTO_TOLERANCE);
    // the full region's EM starts from the subsample's fit at the chosen α
    start = fits.get(alpha)!.comps;
  } else alpha = o.priorWeight;
  result.priorWeight = alpha;

  const em = makeEm(x, raw, K, o.components);
  const fit = em.fit(alpha, o.iterations, start);
  result.logLikelihood = fit.history;
  const { post, prior, lk, comps } = fit;
  if (o.mrf && o.mrf.beta > 0 && o.mrf.iterations > 0) smooth(post, prior, lk, idx, K, shape, o.mrf);

  for (let r = 0; r < R; r++) {
    let best = 0, bp = -1;
    for (let k = 0; k < K; k++) if (post[k * R + r]! > bp) {
      bp = post[k * R + r]!;
      best = k;
    }
    labels[idx[r]!] = best;
  }
  for (const c of comps) result.classes[c.cls]!.push({ mean: c.mean, std: Math.sqrt(c.v), weight: c.w });
  return result;
}

/** The α range searched by `priorWeight: 'auto'`, the bracket width it stops at, and its subsample size. */
const AUTO_RANGE = [0.05, 1] as const;
const AUTO_TOLERANCE = 0.02;
const AUTO_MAX_VOXELS = 2 ** 17;
/** EM in the search stops when an iteration raises the log-likelihood by less than this fraction, or after the cap. */
const AUTO_CONVERGED = 1e-7;
const AUTO_MAX_ITERATIONS = 300;

/** Golden-section search for the maximum of f on [a, b] (f assumed unimodal there); returns the best α evaluated. */
function goldenMax(f: (a: number) => number, a: number, b: number, tol: number): number {
  const ends = [a, b];
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a), d = a + g * (b - a);
  let fc = f(c), fd = f(d);
  // the ends too: a maximum at a bound (α → 0 or 1) must be reachable exactly
  let best = fc >= fd ? c : d, fbest = Math.max(fc, fd);
  while (b - a > tol) {
    if (fc >= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
      if (fc > fbest) [best, fbest] = [c, fc];
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
      if (fd > fbest) [best, fbest] = [d, fd];
    }
  }
  for (const e of ends) if (Math.abs(e - best) <= 2 * tol) {
    const fe = f(e);
    if (fe > fbest) [best, fbest] = [e, fe];
  }
  return best;
}

interface Comp { cls: number; mean: number; v: number; w: number }
interface EmFit { comps: Comp[]; prior: Float64Array; post: Float64Array; lk: Float64Array; history: number[]; final: number }

/**
 * EM over intensities x (R voxels) with raw class priors `raw` (K × R, class-major): fit(α, it, start)
 * starts from `start` or else from mixtures at the prior-weighted quantiles, runs `it` (or until
 * an iteration gains less than `converged` × |log-likelihood|)
 * iterations with the priors tempered by α and returns the fit, the log-likelihood before each
 * M-step and after the last one (`final`, the marginal log-likelihood of x at this α).
 */
function makeEm(x: Float64Array, raw: Float64Array, K: number, components: readonly number[]): { fit: (alpha: number, iterations: number, start?: Comp[], converged?: number) => EmFit } {
  const R = x.length;
  let lo = Infinity, hi = -Infinity;
  for (let r = 0; r < R; r++) {
    lo = Math.min(lo, x[r]!);
    hi = Math.max(hi, x[r]!);
  }
  // a variance floor well under any real spread, so one repeated value cannot collapse a component
  const vfloor = Math.max(((hi - lo) * 1e-3) ** 2, 1e-12);

  // initial mixtures at prior-weighted quantiles (raw priors: the network's own opinion)
  const init: Comp[] = [];
  for (let k = 0; k < K; k++) {
    const wk = raw.subarray(k * R, (k + 1) * R);
    let mass = 0;
    for (let r = 0; r < R; r++) mass += wk[r]!;
    if (!(mass > 1e-6)) continue;
    const m = components[k]!;
    const qs = weightedQuantiles(x, wk, lo, hi, [0.25, 0.75, ...Array.from({ length: m }, (_, g) => (g + 0.5) / m)]);
    const sd = (qs[1]! - qs[0]!) / 1.349;
    for (let g = 0; g < m; g++) init.push({ cls: k, mean: qs[2 + g]!, v: Math.max((sd * sd) / m, vfloor), w: 1 / m });
  }
  const C = init.length;
  const lc = new Float64Array(C * R); // weighted component densities

  const fit = (alpha: number, iterations: number, start?: Comp[], converged = 0): EmFit => {
    // from `start` (another fit's mixtures, matched by class and order within it) where it has the component
    const comps = init.map((c, i) => {
      const j = i - init.findIndex((d) => d.cls === c.cls);
      const s = start?.filter((d) => d.cls === c.cls)[j];
      return { ...(s ?? c), cls: c.cls };
    });
    // tempered priors, renormalised per voxel
    const prior = new Float64Array(K * R);
    for (let r = 0; r < R; r++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += (prior[k * R + r] = Math.max(raw[k * R + r]!, 1e-4) ** alpha);
      for (let k = 0; k < K; k++) prior[k * R + r] = prior[k * R + r]! / s;
    }
    const lk = new Float64Array(K * R); // class likelihoods
    const post = new Float64Array(K * R);
    const likelihoods = () => {
      lk.fill(0);
      for (let c = 0; c < C; c++) {
        const { cls, mean, v, w } = comps[c]!;
        const a = w / Math.sqrt(2 * Math.PI * v), b = -1 / (2 * v);
        for (let r = 0; r < R; r++) {
          const d = x[r]! - mean;
          const p = a * Math.exp(b * d * d);
          lc[c * R + r] = p;
          lk[cls * R + r] += p;
        }
      }
    };
    const posteriors = (): number => {
      let ll = 0;
      for (let r = 0; r < R; r++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += (post[k * R + r] = prior[k * R + r]! * lk[k * R + r]!);
        if (s > 0) {
          ll += Math.log(s);
          for (let k = 0; k < K; k++) post[k * R + r] = post[k * R + r]! / s;
        } else {
          // far from every component: the prior decides
          for (let k = 0; k < K; k++) post[k * R + r] = prior[k * R + r]!;
          ll += -745;
        }
      }
      return ll;
    };
    const history: number[] = [];
    for (let it = 0; it < iterations; it++) {
      likelihoods();
      history.push(posteriors());
      if (converged > 0 && it > 0 && history[it]! - history[it - 1]! < converged * Math.abs(history[it]!)) break;
      // M-step: each component's responsibility within its class
      const classMass = new Float64Array(K);
      for (let k = 0; k < K; k++) for (let r = 0; r < R; r++) classMass[k] += post[k * R + r]!;
      for (let c = 0; c < C; c++) {
        const cp = comps[c]!;
        let s = 0, sx = 0;
        for (let r = 0; r < R; r++) {
          const l = lk[cp.cls * R + r]!;
          const g = l > 0 ? (post[cp.cls * R + r]! * lc[c * R + r]!) / l : 0;
          s += g;
          sx += g * x[r]!;
        }
        if (!(s > 1e-9)) continue;
        const mean = sx / s;
        let sv = 0;
        for (let r = 0; r < R; r++) {
          const l = lk[cp.cls * R + r]!;
          const g = l > 0 ? (post[cp.cls * R + r]! * lc[c * R + r]!) / l : 0;
          sv += g * (x[r]! - mean) ** 2;
        }
        cp.mean = mean;
        cp.v = Math.max(sv / s, vfloor);
        cp.w = classMass[cp.cls]! > 0 ? s / classMass[cp.cls]! : cp.w;
      }
    }
    likelihoods();
    const final = posteriors();
    return { comps, prior, post, lk, history, final };
  };
  return { fit };
}

/**
 * Potts mean-field sweeps over the region: q_k ∝ prior_k × lik_k × exp(β × Σ neighbours' q_k);
 * neighbours outside the region do not count.
 */
function smooth(post: Float64Array, prior: Float64Array, lk: Float64Array, idx: number[], K: number, shape: readonly [number, number, number], mrf: { beta: number; iterations: number }): void {
  const [nx, ny, nz] = shape;
  const R = idx.length;
  const at = new Int32Array(nx * ny * nz).fill(-1);
  for (let r = 0; r < R; r++) at[idx[r]!] = r;
  const nb = new Float64Array(K);
  const next = new Float64Array(post.length);
  const steps = [1, nx, nx * ny];
  const dims = [nx, ny, nz];
  for (let it = 0; it < mrf.iterations; it++) {
    for (let r = 0; r < R; r++) {
      const v = idx[r]!;
      const c = [v % nx, Math.floor(v / nx) % ny, Math.floor(v / (nx * ny))];
      nb.fill(0);
      for (let a = 0; a < 3; a++) for (const s of [-1, 1]) {
        const ca = c[a]! + s;
        if (ca < 0 || ca >= dims[a]!) continue;
        const q = at[v + s * steps[a]!]!;
        if (q >= 0) for (let k = 0; k < K; k++) nb[k] += post[k * R + q]!;
      }
      let m = -Infinity;
      for (let k = 0; k < K; k++) m = Math.max(m, mrf.beta * nb[k]!);
      let sum = 0;
      for (let k = 0; k < K; k++) sum += (next[k * R + r] = prior[k * R + r]! * lk[k * R + r]! * Math.exp(mrf.beta * nb[k]! - m));
      for (let k = 0; k < K; k++) next[k * R + r] = sum > 0 ? next[k * R + r]! / sum : post[k * R + r]!;
    }
    post.set(next);
  }
}

/** How a segmenter's labels are refined on each scan: not at all, or by refineTissue with these options. */
export type TissueRefinement = { method: 'none' } | ({ method: 'em' } & Omit<TissueEmOptions, 'components'>);

/** Checks a refinement record (e.g. from a config file); returns it typed. */
export function checkRefinement(r: unknown, where: string): TissueRefinement {
  const o = r as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new ArgumentError(`${where}: refine ${JSON.stringify(r)} is not an object`);
  if (o['method'] === 'none') return { method: 'none' };
  if (o['method'] !== 'em') throw new ArgumentError(`${where}: refine method ${JSON.stringify(o['method'])} is not 'none' or 'em'`);
  const { method: _m, ...rest } = o;
  for (const k of Object.keys(rest)) if (!['priorWeight', 'iterations', 'regionThreshold', 'mrf'].includes(k)) throw new ArgumentError(`${where}: refine has an unknown field ${JSON.stringify(k)}`);
  // the option checks of refineTissue itself, on a two-class problem
  try {
    checkOptions(rest as TissueEmOptions, 2);
  } catch (e) {
    if (e instanceof ArgumentError) throw new ArgumentError(`${where}: ${e.message}`);
    throw e;
  }
  return { method: 'em', ...(rest as Omit<TissueEmOptions, 'components'>) };
}
