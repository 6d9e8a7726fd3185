// Comparing RDMs, as rsatoolbox.rdm.compare: Spearman (Pearson r of average ranks), Kendall's
// τ_a (ties count as neither concordant nor discordant, denominator n(n-1)/2), Pearson, cosine,
// and the whitened cosine ('cosine_cov', compare_cosine_cov_weighted with sigma_k = identity).
//
// The whitened cosine is vᵀV⁻¹w / √(vᵀV⁻¹v · wᵀV⁻¹w) with V = (CCᵀ)∘(CCᵀ) the covariance of a
// distance vector under the no-structure model (C: the pairwise-contrast matrix, patterns i.i.d.
// with identity covariance). rsatoolbox computes it without inverting V: double-centre
// G = -½ H D H (H the centring matrix, D the square RDM) and take the Frobenius cosine of the G's
// — equal to the V⁻¹ form (the golden generator checks both).

import { ArgumentError, ShapeError } from '../../errors.js';
import { checkFinite, type Rdm } from './rdm.js';

export type CompareMethod = 'spearman' | 'tau_a' | 'pearson' | 'cosine' | 'whitened_cosine';

export const COMPARE_METHODS: readonly CompareMethod[] = ['spearman', 'tau_a', 'pearson', 'cosine', 'whitened_cosine'];

/** Average ranks (1-based, ties get the mean of their ranks), as scipy.stats.rankdata. */
export function rankdata(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a]! - x[b]!);
  const r = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && x[idx[j + 1]!] === x[idx[i]!]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[idx[k]!] = avg;
    i = j + 1;
  }
  return r;
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  // rsatoolbox's _cosine gives 0 for a zero-length vector.
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

function centred(a: ArrayLike<number>): Float64Array {
  let m = 0;
  for (let i = 0; i < a.length; i++) m += a[i]!;
  m /= a.length;
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! - m;
  return out;
}

/** Pearson correlation of two vectors (0 when one is constant, as rsatoolbox). */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return cosine(centred(a), centred(b));
}

/** Spearman correlation: Pearson r of average ranks. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return pearson(rankdata(a), rankdata(b));
}

/**
 * Kendall's τ_a: (concordant - discordant) / (n(n-1)/2); a pair tied in either vector counts as
 * neither. O(n log n) by merge-sort inversion counting (Knight 1966), as scipy and rsatoolbox.
 */
export function kendallTauA(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const tot = (n * (n - 1)) / 2;
  if (tot === 0) return 0;
  // Sort by (a, b); count ties in a, joint ties, then discordant pairs as inversions in b.
  const idx = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i]! - a[j]! || b[i]! - b[j]!);
  let xtie = 0;
  let ntie = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && a[idx[j + 1]!] === a[idx[i]!]) j++;
    const c = j - i + 1;
    xtie += (c * (c - 1)) / 2;
    for (let k = i; k <= j; ) {
      let l = k;
      while (l + 1 <= j && b[idx[l + 1]!] === b[idx[k]!]) l++;
      const d = l - k + 1;
      ntie += (d * (d - 1)) / 2;
      k = l + 1;
    }
    i = j + 1;
  }
  const ys = Float64Array.from(idx, (i) => b[i]!);
  const tmp = new Float64Array(n);
  // Strict inversions (ys[i] > ys[j], i < j) via merge sort: the discordant pairs, since pairs
  // tied in a are sorted by b and never inverted.
  let dis = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n - width; lo += 2 * width) {
      const mid = lo + width;
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (ys[j]! < ys[i]!) {
          dis += mid - i;
          tmp[k++] = ys[j++]!;
        } else tmp[k++] = ys[i++]!;
      }
      while (i < mid) tmp[k++] = ys[i++]!;
      while (j < hi) tmp[k++] = ys[j++]!;
      for (let q = lo; q < hi; q++) ys[q] = tmp[q]!;
    }
  }
  const sorted = ys;
  let ytie = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && sorted[j + 1] === sorted[i]) j++;
    const c = j - i + 1;
    ytie += (c * (c - 1)) / 2;
    i = j + 1;
  }
  const tau = (tot - xtie - ytie + ntie - 2 * dis) / tot;
  return Math.min(1, Math.max(-1, tau));
}

/** The whitened form of a condensed RDM: G = -½HDH with off-diagonal entries × √2, so its cosine is the whitened cosine. */
export function whitenedVector(vector: ArrayLike<number>, n: number): Float64Array {
  const D = new Float64Array(n * n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      D[i * n + j] = -0.5 * vector[k]!;
      D[j * n + i] = -0.5 * vector[k]!;
      k++;
    }
  }
  const rowMean = new Float64Array(n);
  let grand = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += D[i * n + j]!;
    rowMean[i] = s / n;
    grand += s;
  }
  grand /= n * n;
  const out = new Float64Array(vector.length + n);
  k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) out[k++] = Math.SQRT2 * (D[i * n + j]! - rowMean[i]! - rowMean[j]! + grand);
  }
  for (let i = 0; i < n; i++) out[k++] = D[i * n + i]! - 2 * rowMean[i]! + grand;
  return out;
}

/** Checks two RDMs can be compared: same number of conditions, at least 3 (so 3 distances), finite values. */
export function checkPair(a: Rdm, b: Rdm, op: string): void {
  if (a.n !== b.n || a.vector.length !== b.vector.length) {
    throw new ShapeError(`${op}: RDMs over different conditions: ${a.n} (${a.vector.length} distances) vs ${b.n} (${b.vector.length})`);
  }
  if (a.n < 3) throw new ArgumentError(`${op}: ${a.n} conditions, comparing RDMs needs at least 3`);
  checkFinite(a.vector, op, 'first RDM');
  checkFinite(b.vector, op, 'second RDM');
}

/** Similarity of two condensed vectors over n conditions (no checks: the inner loop of bootstrap and permutation). */
export function compareVectors(a: ArrayLike<number>, b: ArrayLike<number>, method: CompareMethod, n: number): number {
  switch (method) {
    case 'spearman':
      return spearman(a, b);
    case 'tau_a':
      return kendallTauA(a, b);
    case 'pearson':
      return pearson(a, b);
    case 'cosine':
      return cosine(a, b);
    case 'whitened_cosine':
      return cosine(whitenedVector(a, n), whitenedVector(b, n));
    default:
      throw new ArgumentError(`compareRdms: unknown method '${String(method)}' (${COMPARE_METHODS.join(', ')})`);
  }
}

/** Similarity of two RDMs over the same conditions by `method`. */
export function compareRdms(a: Rdm, b: Rdm, method: CompareMethod = 'spearman'): number {
  const op = `compareRdms(${method})`;
  if (!COMPARE_METHODS.includes(method)) throw new ArgumentError(`${op}: unknown method (${COMPARE_METHODS.join(', ')})`);
  checkPair(a, b, op);
  return compareVectors(a.vector, b.vector, method, a.n);
}
