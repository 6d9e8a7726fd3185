// Firing-rate estimation by kernel convolution, as elephant.statistics.instantaneous_rate with the
// kernels of elephant.kernels. Times in seconds, rates in Hz.
// rate: (T, U)  T=samples every samplingPeriod from tStart, U=units (spike trains)
//
// Every kernel is parametrised, as in Elephant, by sigma = its standard deviation:
//   gaussian      N(0, sigma²)
//   laplacian     exp(−|t|/tau) / (2 tau),            tau = sigma/√2
//   exponential   exp(−t/tau) / tau for t ≥ 0,         tau = sigma
//   alpha         t exp(−t/tau) / tau² for t ≥ 0,      tau = sigma/√2
//   rectangular   1/(2 tau) for |t| < tau,             tau = √3 sigma
//   triangular    (1 − |t|/tau)/tau for |t| < tau,     tau = √6 sigma
//   epanechnikov  3/(4d) (1 − (t/d)²) for |t| < d,     d = √5 sigma
// `invert` mirrors the asymmetric kernels in time (exponential, alpha).
//
// The estimate follows Elephant ≥ 0.12 (center_kernel=True, trim=False, border_correction=False):
// 1. T = floor((tStop − tStart) / samplingPeriod); each train is histogrammed with
//    numpy.histogram(times, bins=T, range=(tStart, tStart + T·samplingPeriod)) — left-closed bins,
//    the last one closed on both sides; spikes outside are ignored.
// 2. cutoff = max(cutoff, the kernel's minimum: √3, √6, √5 for rectangular, triangular and
//    Epanechnikov, 3 otherwise); n = ceil(cutoff · sigma / samplingPeriod); the kernel is evaluated
//    on numpy.linspace(m − cutoff·sigma, m + cutoff·sigma, 2n + 1), where m is its median
//    (center=true) or 0. The grid step is cutoff·sigma/n, not samplingPeriod, exactly as Elephant.
// 3. The counts are convolved with those values in 'same' mode, so a spike's bin meets the
//    kernel's median: rate[i] = Σ_j counts[j] · K(m + (i − j) · step).
// Not supported: trim=True, border_correction=True and kernel='auto' (Shimazaki's bandwidth).
// Deviations: the alpha kernel's median is exact here (1.6783469900166608 tau); Elephant finds it
// with scipy.optimize.fsolve from x0 = 0.5 in the units sigma is given in, which is right to
// ~1e-13 for sigma ≥ 0.1 in those units but can stop at a wrong point below (sigma = 0.03 s gives
// 5.16 tau; the same kernel as 30 ms is fine). Elephant 0.10-0.11 histogrammed T + 1 bins up to
// t_stop + samplingPeriod and trimmed a 'full' convolution at the kernel's median index instead,
// which treats spikes at the window's end differently.

import { ArgumentError } from '../../errors.js';
import { linspace } from './binning.js';
import { SpikeTrain, asTrainList } from './spike_train.js';

export type KernelName = 'gaussian' | 'laplacian' | 'exponential' | 'alpha' | 'rectangular' | 'triangular' | 'epanechnikov';

export interface Kernel {
  readonly name: KernelName;
  /** Standard deviation of the kernel, seconds. */
  readonly sigma: number;
  /** Mirrored in time (asymmetric kernels only; false for the symmetric ones). */
  readonly invert: boolean;
  /** Smallest cutoff, in units of sigma, that instantaneousRate accepts (Elephant's min_cutoff). */
  readonly minCutoff: number;
  /** The median, icdf(0.5), in seconds: 0 for symmetric kernels. */
  readonly median: number;
  /** Density at time t (seconds), in 1/s. */
  pdf(t: number): number;
}

const SQRT2PI = Math.sqrt(2 * Math.PI);

// (1 + u) e^−u = 1/2: the alpha kernel's median is u·tau (Newton from 1.7, converges in < 6 steps)
const ALPHA_MEDIAN_U = (() => {
  let u = 1.7;
  for (let i = 0; i < 50; i++) {
    const f = 0.5 - (1 + u) * Math.exp(-u);
    const du = f / (u * Math.exp(-u));
    u -= du;
    if (Math.abs(du) < 1e-16 * u) break;
  }
  return u;
})();

function checkSigma(op: string, sigma: number): void {
  if (!(sigma > 0) || !Number.isFinite(sigma)) throw new ArgumentError(`${op}: sigma must be a positive finite number of seconds, got ${sigma}`);
}

function makeKernel(name: KernelName, sigma: number, invert: boolean, minCutoff: number, median: number, pdf: (t: number) => number): Kernel {
  checkSigma(`${name}Kernel`, sigma);
  return { name, sigma, invert, minCutoff, median, pdf };
}

/** elephant.kernels.GaussianKernel(sigma). */
export function gaussianKernel(sigma: number): Kernel {
  return makeKernel('gaussian', sigma, false, 3, 0, (t) => {
    const y = t / sigma;
    return Math.exp(-(y * y) / 2) / SQRT2PI / sigma;
  });
}

/** elephant.kernels.LaplacianKernel(sigma): tau = sigma/√2. */
export function laplacianKernel(sigma: number): Kernel {
  const tau = sigma / Math.SQRT2;
  return makeKernel('laplacian', sigma, false, 3, 0, (t) => (0.5 * Math.exp(-Math.abs(t / tau))) / tau);
}

/** elephant.kernels.ExponentialKernel(sigma, invert): tau = sigma, median ±sigma·ln 2. */
export function exponentialKernel(sigma: number, opts: { invert?: boolean } = {}): Kernel {
  const invert = opts.invert ?? false;
  const tau = sigma;
  return makeKernel('exponential', sigma, invert, 3, invert ? sigma * Math.log(0.5) : -sigma * Math.log(0.5), (t) => {
    const x = invert ? -t : t;
    return x >= 0 ? Math.exp(-x / tau) / tau : 0;
  });
}

/** elephant.kernels.AlphaKernel(sigma, invert): tau = sigma/√2, median ±1.6783469900166608·tau. */
export function alphaKernel(sigma: number, opts: { invert?: boolean } = {}): Kernel {
  const invert = opts.invert ?? false;
  const tau = sigma / Math.SQRT2;
  const m = ALPHA_MEDIAN_U * tau;
  return makeKernel('alpha', sigma, invert, 3, invert ? -m : m, (t) => {
    const x = invert ? -t : t;
    return x >= 0 ? (1 / (tau * tau)) * x * Math.exp(-x / tau) : 0;
  });
}

/** elephant.kernels.RectangularKernel(sigma): half width √3·sigma. */
export function rectangularKernel(sigma: number): Kernel {
  const tau = Math.sqrt(3) * sigma;
  return makeKernel('rectangular', sigma, false, Math.sqrt(3), 0, (t) => (Math.abs(t) < tau ? 1 / (2 * tau) : 0));
}

/** elephant.kernels.TriangularKernel(sigma): half width √6·sigma. */
export function triangularKernel(sigma: number): Kernel {
  const tau = Math.sqrt(6) * sigma;
  return makeKernel('triangular', sigma, false, Math.sqrt(6), 0, (t) => {
    const a = Math.abs(t);
    return a < tau ? (1 - a / tau) / tau : 0;
  });
}

/** elephant.kernels.EpanechnikovLikeKernel(sigma): half width √5·sigma. */
export function epanechnikovKernel(sigma: number): Kernel {
  const d = Math.sqrt(5) * sigma;
  return makeKernel('epanechnikov', sigma, false, Math.sqrt(5), 0, (t) => {
    const y = Math.min(1, Math.max(-1, t / d));
    return (3 / (4 * d)) * Math.max(0, 1 - y * y);
  });
}

export interface InstantaneousRateOptions {
  /** Output sample spacing (and histogram bin), seconds. */
  samplingPeriod: number;
  kernel: Kernel;
  /** Kernel support in multiples of sigma (default 5, raised to the kernel's minCutoff). */
  cutoff?: number;
  /** Default: the trains' common tStart / tStop. */
  tStart?: number;
  tStop?: number;
  /** Put the kernel's median on the spike (Elephant's center_kernel, default true). */
  center?: boolean;
}

export interface InstantaneousRate {
  /** (T, U) row-major, Hz. */
  readonly rate: Float64Array;
  /** (T) sample times tStart + i·samplingPeriod, seconds. */
  readonly times: Float64Array;
  readonly nUnits: number;
  readonly samplingPeriod: number;
  readonly tStart: number;
  /** The kernel values used, on their time grid (for inspection). */
  readonly kernelGrid: { readonly t: Float64Array; readonly values: Float64Array };
}

/** Bin of x among numpy.histogram's equal bins over [lo, hi] (edges = linspace), or −1 outside. */
function histIndex(x: number, lo: number, hi: number, edges: Float64Array, n: number): number {
  if (!(x >= lo && x <= hi)) return -1;
  let k = Math.floor((x - lo) * (n / (hi - lo)));
  if (k >= n) k = n - 1;
  if (k < 0) k = 0;
  // numpy corrects its guess against the edges the same way
  while (k > 0 && x < edges[k]!) k--;
  while (k < n - 1 && x >= edges[k + 1]!) k++;
  return k;
}

/** elephant.statistics.instantaneous_rate(trains, sampling_period, kernel, cutoff, t_start, t_stop). */
export function instantaneousRate(trains: SpikeTrain | readonly SpikeTrain[], opts: InstantaneousRateOptions): InstantaneousRate {
  const op = 'instantaneousRate';
  const list = asTrainList(trains, op);
  const sp = opts.samplingPeriod;
  if (!(sp > 0) || !Number.isFinite(sp)) throw new ArgumentError(`${op}: samplingPeriod must be a positive finite number of seconds, got ${sp}`);
  const k = opts.kernel;
  if (!k || typeof k.pdf !== 'function') throw new ArgumentError(`${op}: kernel must be made by gaussianKernel(), exponentialKernel(), ...`);
  const cutoffIn = opts.cutoff ?? 5;
  if (!(cutoffIn > 0) || !Number.isFinite(cutoffIn)) throw new ArgumentError(`${op}: cutoff must be a positive number of sigmas, got ${cutoffIn}`);
  const cutoff = Math.max(cutoffIn, k.minCutoff);
  const t0 = opts.tStart ?? list[0]!.tStart;
  const t1 = opts.tStop ?? list[0]!.tStop;
  if (opts.tStart === undefined && list.some((s) => s.tStart !== t0)) throw new ArgumentError(`${op}: the spike trains start at different times; pass tStart`);
  if (opts.tStop === undefined && list.some((s) => s.tStop !== t1)) throw new ArgumentError(`${op}: the spike trains stop at different times; pass tStop`);
  if (!Number.isFinite(t0) || !Number.isFinite(t1) || !(t1 > t0)) throw new ArgumentError(`${op}: tStop ${t1} must be greater than tStart ${t0}`);
  const T = Math.trunc((t1 - t0) / sp);
  if (T < 1) throw new ArgumentError(`${op}: samplingPeriod ${sp} s is longer than the window [${t0}, ${t1}]`);
  const U = list.length;

  const nHalf = Math.ceil(cutoff * (k.sigma / sp));
  const cs = cutoff * k.sigma;
  const m = (opts.center ?? true) ? k.median : 0;
  const grid = linspace(-cs + m, cs + m, 2 * nHalf + 1);
  const kv = grid.map((t) => k.pdf(t));

  const hi = t0 + T * sp;
  const edges = linspace(t0, hi, T + 1);
  const rate = new Float64Array(T * U);
  const counts = new Float64Array(T);
  for (let u = 0; u < U; u++) {
    counts.fill(0);
    for (const t of list[u]!.times) {
      const j = histIndex(t, t0, hi, edges, T);
      if (j >= 0) counts[j] = counts[j]! + 1;
    }
    // 'same' convolution, visiting only the occupied bins
    for (let j = 0; j < T; j++) {
      const c = counts[j]!;
      if (c === 0) continue;
      const i0 = Math.max(0, j - nHalf);
      const i1 = Math.min(T - 1, j + nHalf);
      for (let i = i0; i <= i1; i++) rate[i * U + u] = rate[i * U + u]! + c * kv[nHalf + i - j]!;
    }
  }
  const times = Float64Array.from({ length: T }, (_, i) => t0 + i * sp);
  return { rate, times, nUnits: U, samplingPeriod: sp, tStart: t0, kernelGrid: { t: grid, values: kv } };
}
