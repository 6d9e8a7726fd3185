// Inference on RDM comparisons: bootstrap over conditions, condition-label permutation tests and
// the noise ceiling of a set of subject RDMs (rsatoolbox.inference).

import { ArgumentError } from '../../errors.js';
import { Generator } from '../../tensor/random.js';
import { checkPair, compareVectors, rankdata, type CompareMethod, COMPARE_METHODS } from './compare.js';
import { checkFinite, type Rdm } from './rdm.js';

function checkMethod(method: CompareMethod, op: string): void {
  if (!COMPARE_METHODS.includes(method)) throw new ArgumentError(`${op}: unknown method '${String(method)}' (${COMPARE_METHODS.join(', ')})`);
}

function checkCount(k: number, op: string, name: string): void {
  if (!Number.isInteger(k) || k < 1 || k > 1e6) throw new ArgumentError(`${op}: ${name} ${k} must be an integer in [1, 1e6]`);
}

/** Index of pair (i, j), i < j, in a condensed vector over n conditions. */
const pairIndex = (i: number, j: number, n: number): number => i * n - (i * (i + 1)) / 2 + (j - i - 1);

/**
 * The distances among the conditions `pick` (with repeats) of a condensed vector: pairs of two
 * copies of one condition have no distance and are left out, as rsatoolbox's subsample_pattern
 * (which marks them NaN and drops them when comparing).
 */
export function subsampleVector(vector: ArrayLike<number>, n: number, pick: readonly number[]): Float64Array {
  const out: number[] = [];
  for (let a = 0; a < pick.length; a++) {
    for (let b = a + 1; b < pick.length; b++) {
      const i = pick[a]!;
      const j = pick[b]!;
      if (i === j) continue;
      out.push(vector[i < j ? pairIndex(i, j, n) : pairIndex(j, i, n)]!);
    }
  }
  return Float64Array.from(out);
}

export interface BootstrapResult {
  readonly value: number;
  readonly mean: number;
  /** Standard deviation of the bootstrap distribution: the standard error of `value`. */
  readonly se: number;
  /** 2.5 and 97.5 percentiles. */
  readonly ci95: readonly [number, number];
  readonly samples: Float64Array;
}

export interface SeededOptions {
  readonly seed?: number;
}

function percentile(sorted: Float64Array, q: number): number {
  // Linear interpolation between order statistics (numpy's default).
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Bootstrap over conditions: resample the n conditions with replacement `nBoot` times and compare the sub-RDMs. */
export function bootstrapCompare(a: Rdm, b: Rdm, method: CompareMethod, opts: SeededOptions & { readonly nBoot?: number } = {}): BootstrapResult {
  const op = `bootstrapCompare(${method})`;
  checkMethod(method, op);
  checkPair(a, b, op);
  const nBoot = opts.nBoot ?? 1000;
  checkCount(nBoot, op, 'nBoot');
  const gen = new Generator(opts.seed ?? 0);
  const n = a.n;
  const samples = new Float64Array(nBoot);
  for (let s = 0; s < nBoot; s++) {
    const pick = Array.from({ length: n }, () => gen.int(0, n));
    if (method === 'whitened_cosine') {
      // The whitened cosine needs a complete RDM: it is taken over the distinct conditions drawn
      // (rsatoolbox instead projects out the missing entries of the repeated ones).
      const distinct = [...new Set(pick)].sort((x, y) => x - y);
      samples[s] = compareVectors(fullSub(a.vector, n, distinct), fullSub(b.vector, n, distinct), method, distinct.length);
    } else {
      samples[s] = compareVectors(subsampleVector(a.vector, n, pick), subsampleVector(b.vector, n, pick), method, n);
    }
  }
  let mean = 0;
  for (const v of samples) mean += v;
  mean /= nBoot;
  let ss = 0;
  for (const v of samples) ss += (v - mean) ** 2;
  const sorted = Float64Array.from(samples).sort();
  return {
    value: compareVectors(a.vector, b.vector, method, n),
    mean,
    se: nBoot > 1 ? Math.sqrt(ss / (nBoot - 1)) : 0,
    ci95: [percentile(sorted, 0.025), percentile(sorted, 0.975)],
    samples,
  };
}

/** The condensed RDM over `pick` with repeats kept (distance 0 between copies). */
function fullSub(vector: ArrayLike<number>, n: number, pick: readonly number[]): Float64Array {
  const m = pick.length;
  const out = new Float64Array((m * (m - 1)) / 2);
  let k = 0;
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      const i = pick[a]!;
      const j = pick[b]!;
      out[k++] = i === j ? 0 : vector[i < j ? pairIndex(i, j, n) : pairIndex(j, i, n)]!;
    }
  }
  return out;
}

export interface PermutationResult {
  readonly value: number;
  /** (1 + #{null ≥ value}) / (1 + nPerm): one-sided, for a positive relation. */
  readonly p: number;
  readonly nullDistribution: Float64Array;
}

/** Permutation test: relabel the conditions of `b` at random `nPerm` times (the RDM's rows and columns permuted together). */
export function permutationTest(a: Rdm, b: Rdm, method: CompareMethod, opts: SeededOptions & { readonly nPerm?: number } = {}): PermutationResult {
  const op = `permutationTest(${method})`;
  checkMethod(method, op);
  checkPair(a, b, op);
  const nPerm = opts.nPerm ?? 1000;
  checkCount(nPerm, op, 'nPerm');
  const gen = new Generator(opts.seed ?? 0);
  const n = a.n;
  const value = compareVectors(a.vector, b.vector, method, n);
  const nulls = new Float64Array(nPerm);
  const perm = Array.from({ length: n }, (_, i) => i);
  let exceed = 0;
  for (let s = 0; s < nPerm; s++) {
    for (let i = n - 1; i > 0; i--) {
      const j = gen.int(0, i + 1);
      [perm[i], perm[j]] = [perm[j]!, perm[i]!];
    }
    nulls[s] = compareVectors(a.vector, fullSub(b.vector, n, perm), method, n);
    if (nulls[s]! >= value - 1e-12 * Math.abs(value)) exceed++;
  }
  return { value, p: (exceed + 1) / (nPerm + 1), nullDistribution: nulls };
}

/** The RDM that scores best under `method` on average over `rdms`, as rsatoolbox's pool_rdm. */
export function poolRdms(rdms: readonly Rdm[], method: CompareMethod): Float64Array {
  const m = rdms[0]!.vector.length;
  const out = new Float64Array(m);
  for (const r of rdms) {
    let v: Float64Array;
    if (method === 'cosine' || method === 'whitened_cosine') {
      let ms = 0;
      for (const x of r.vector) ms += x * x;
      const s = Math.sqrt(ms / m);
      v = r.vector.map((x) => x / s);
    } else if (method === 'pearson') {
      let mean = 0;
      for (const x of r.vector) mean += x;
      mean /= m;
      let ss = 0;
      for (const x of r.vector) ss += (x - mean) ** 2;
      const sd = Math.sqrt(ss / m);
      v = r.vector.map((x) => (x - mean) / sd);
    } else {
      v = rankdata(r.vector);
    }
    for (let i = 0; i < m; i++) out[i]! += v[i]!;
  }
  // Sum, then divide (numpy's mean): averaged ranks tie exactly where they should.
  for (let i = 0; i < m; i++) out[i]! /= rdms.length;
  if (method === 'pearson') {
    let mn = Infinity;
    for (const x of out) mn = Math.min(mn, x);
    for (let i = 0; i < m; i++) out[i]! -= mn;
  }
  return out;
}

export interface NoiseCeiling {
  /** Mean over subjects of the similarity of each subject's RDM to the pooled RDM of the others. */
  readonly lower: number;
  /** Mean over subjects of the similarity of each subject's RDM to the pooled RDM of all. */
  readonly upper: number;
}

/** Noise ceiling of subject RDMs (rsatoolbox's boot_noise_ceiling): leave-one-subject-out vs all-subjects pooled RDM. */
export function noiseCeiling(rdms: readonly Rdm[], method: CompareMethod = 'spearman'): NoiseCeiling {
  const op = `noiseCeiling(${method})`;
  checkMethod(method, op);
  if (rdms.length < 2) throw new ArgumentError(`${op}: ${rdms.length} RDM(s), a noise ceiling needs at least 2 subjects`);
  for (const r of rdms) checkPair(rdms[0]!, r, op);
  for (const r of rdms) checkFinite(r.vector, op, 'RDM');
  const n = rdms[0]!.n;
  const all = poolRdms(rdms, method);
  let lower = 0;
  let upper = 0;
  for (let s = 0; s < rdms.length; s++) {
    const others = rdms.filter((_, i) => i !== s);
    lower += compareVectors(poolRdms(others, method), rdms[s]!.vector, method, n);
    upper += compareVectors(all, rdms[s]!.vector, method, n);
  }
  return { lower: lower / rdms.length, upper: upper / rdms.length };
}
