// Distribution comparisons: Brain-Score's binned, ceiled KS similarity (with its bootstrap over
// model units), the two-sample KS statistic, and the Mann-Whitney U test with its exact
// two-sided p-value (no ties), as scipy.stats computes them.

import { ArgumentError } from '../../errors.js';
import { Generator } from '../../tensor/random.js';

/** Counts of `values` in the bins (edges ascending; the last bin closed, as np.histogram). */
export function histogram(values: readonly number[], edges: readonly number[]): number[] {
  const nb = edges.length - 1;
  if (nb < 1) throw new ArgumentError(`histogram: ${edges.length} edges; need at least 2`);
  const c = new Array<number>(nb).fill(0);
  for (const v of values) {
    if (!(v >= edges[0]!) || v > edges[nb]!) continue;
    let lo = 0, hi = nb - 1;
    while (lo < hi) { const m = (lo + hi + 1) >> 1; if (edges[m]! <= v) lo = m; else hi = m - 1; }
    c[lo]!++;
  }
  return c;
}

/** Brain-Score's ks_similarity(p, q) of two normalised histograms: 1 − KS / its largest value for q. */
export function ksSimilarity(p: readonly number[], q: readonly number[]): number {
  if (p.length !== q.length || p.length === 0) throw new ArgumentError(`ksSimilarity: histograms of ${p.length} and ${q.length} bins`);
  let cp = 0, cq = 0, raw = 0, m1 = 0, m2 = 0;
  for (let i = 0; i < p.length; i++) {
    cp += p[i]!; cq += q[i]!;
    raw = Math.max(raw, Math.abs(cp - cq));
    m1 = Math.max(m1, Math.abs(1 - cq)); // all mass in the first bin
    m2 = Math.max(m2, Math.abs((i === p.length - 1 ? 1 : 0) - cq)); // all mass in the last bin
  }
  return 1 - raw / Math.max(m1, m2);
}

function normHist(values: readonly number[], edges: readonly number[]): number[] {
  const lo = edges[0]!, hi = edges[edges.length - 1]!;
  const h = histogram(values.map((v) => Math.min(hi, Math.max(lo, v))), edges); // clipped into range first
  const s = h.reduce((a, b) => a + b, 0);
  return h.map((v) => v / s);
}

export interface KsScore { center: number; error: number; samples: number }

/**
 * Brain-Score's BootstrapDistributionSimilarity: `nSamples` times, draw as many model values as
 * there are data values (with replacement), histogram both (values clipped into the bins) and
 * take ksSimilarity; the mean and standard deviation. The ceiling is the data against itself.
 */
export function bootstrapKsSimilarity(model: readonly number[], data: readonly number[], edges: readonly number[], nSamples = 1000, seed = 0): KsScore {
  const m = model.filter(Number.isFinite), d = data.filter(Number.isFinite);
  if (m.length === 0 || d.length === 0) throw new ArgumentError(`bootstrapKsSimilarity: ${m.length} finite model values and ${d.length} data values`);
  const dh = normHist(d, edges), rng = new Generator(seed), sims: number[] = [];
  for (let s = 0; s < nSamples; s++) {
    const sample = Array.from({ length: d.length }, () => m[rng.nextU32() % m.length]!);
    sims.push(ksSimilarity(normHist(sample, edges), dh));
  }
  const mean = sims.reduce((a, b) => a + b, 0) / sims.length;
  const sd = Math.sqrt(sims.reduce((a, b) => a + (b - mean) ** 2, 0) / sims.length);
  return { center: mean, error: sd, samples: nSamples };
}

/** Brain-Score's modulation-ratio bins: 0 … 2 in 10 steps. */
export const MODULATION_RATIO_BINS: readonly number[] = Array.from({ length: 11 }, (_, i) => i / 5);

/** Brain-Score's circular-variance bins: 0 … 1 in 13 steps. */
export const CIRCULAR_VARIANCE_BINS: readonly number[] = Array.from({ length: 14 }, (_, i) => i / 13);

/** Two-sample Kolmogorov-Smirnov statistic sup|F1 − F2| (scipy.stats.ks_2samp's D). */
export function ks2Statistic(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || b.length === 0) throw new ArgumentError(`ks2Statistic: samples of ${a.length} and ${b.length} values`);
  const x = [...a].sort((p, q) => p - q), y = [...b].sort((p, q) => p - q);
  let i = 0, j = 0, d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i]!, y[j]!);
    while (i < x.length && x[i]! <= v) i++;
    while (j < y.length && y[j]! <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

export interface MannWhitney {
  u: number;
  p: number;
  n1: number;
  n2: number;
  /** Tied values across or within the samples: the exact p then only approximates. */
  ties: boolean;
}

/**
 * Mann-Whitney U test, two-sided, exact null distribution (scipy's method='exact'): U is the
 * first sample's statistic (ties count ½); p = 2·P(U ≥ max(U1, U2)) capped at 1. The exact
 * distribution assumes no ties; samples up to 100 values each (memory grows as n1·n2²).
 */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): MannWhitney {
  const n1 = a.length, n2 = b.length;
  if (n1 === 0 || n2 === 0 || n1 > 100 || n2 > 100) throw new ArgumentError(`mannWhitneyU: samples of ${n1} and ${n2} values; the exact test takes 1 … 100 each`);
  let u = 0;
  for (const x of a) for (const y of b) u += x > y ? 1 : x === y ? 0.5 : 0;
  const big = Math.max(u, n1 * n2 - u);
  // Counts of U over all arrangements, by the recursion f(m, n) = f(m−1, n) shifted by n + f(m, n−1),
  // kept as probabilities (each row sums to 1) so large n do not overflow.
  const maxU = n1 * n2;
  let prev: Float64Array[] = [];
  for (let n = 0; n <= n2; n++) { const r = new Float64Array(maxU + 1); r[0] = 1; prev.push(r); } // m = 0
  for (let m = 1; m <= n1; m++) {
    const cur: Float64Array[] = [];
    const r0 = new Float64Array(maxU + 1); r0[0] = 1; cur.push(r0);
    for (let n = 1; n <= n2; n++) {
      const r = new Float64Array(maxU + 1), wa = m / (m + n), wb = n / (m + n);
      const up = prev[n]!, left = cur[n - 1]!;
      for (let k = 0; k <= m * n; k++) r[k] = (k >= n ? wa * up[k - n]! : 0) + wb * left[k]!;
      cur.push(r);
    }
    prev = cur;
  }
  const dist = prev[n2]!;
  let sf = 0;
  for (let k = Math.ceil(big - 1e-9); k <= maxU; k++) sf += dist[k]!;
  const all = [...a, ...b].sort((x, y) => x - y);
  const ties = all.some((v, i) => i > 0 && v === all[i - 1]);
  return { u, p: Math.min(1, 2 * sf), n1, n2, ties };
}
