// Classification metrics with scikit-learn's definitions (sklearn.metrics 1.2): accuracy,
// balanced accuracy, Cohen's kappa and the confusion matrix. Labels are numbers or strings;
// the label set defaults to the sorted union of y_true and y_pred, as sklearn's unique_labels.

import { ArgumentError, ShapeError } from '../errors.js';

export type Label = number | string;

function check(yTrue: ArrayLike<Label>, yPred: ArrayLike<Label>, op: string): void {
  if (yTrue.length !== yPred.length) throw new ShapeError(`${op}: y_true has ${yTrue.length} labels, y_pred ${yPred.length}`);
  if (yTrue.length === 0) throw new ArgumentError(`${op}: empty label vectors`);
}

/** Sorted distinct labels of the given vectors (numbers numerically, strings lexicographically). */
export function uniqueLabels(...ys: ArrayLike<Label>[]): Label[] {
  const set = new Set<Label>();
  for (const y of ys) for (let i = 0; i < y.length; i++) set.add(y[i]!);
  const out = [...set];
  const kinds = new Set(out.map((v) => typeof v));
  if (kinds.size > 1) throw new ArgumentError(`uniqueLabels: mix of number and string labels`);
  return out.sort((a, b) => (typeof a === 'number' ? a - (b as number) : a < b ? -1 : a > b ? 1 : 0));
}

/** Fraction (or count, normalize=false) of exact matches. */
export function accuracyScore(yTrue: ArrayLike<Label>, yPred: ArrayLike<Label>, normalize = true): number {
  check(yTrue, yPred, 'accuracyScore');
  let ok = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) ok++;
  return normalize ? ok / yTrue.length : ok;
}

export interface ConfusionOptions {
  /** Row/column order (default: sorted union of both vectors); other labels are ignored. */
  labels?: readonly Label[];
  /** Normalise over true rows, predicted columns or all entries. */
  normalize?: 'true' | 'pred' | 'all' | null;
}

/** C[i][j] = number of samples of true label i predicted as label j. */
export function confusionMatrix(yTrue: ArrayLike<Label>, yPred: ArrayLike<Label>, opts: ConfusionOptions = {}): number[][] {
  check(yTrue, yPred, 'confusionMatrix');
  const labels = opts.labels ? [...opts.labels] : uniqueLabels(yTrue, yPred);
  if (labels.length === 0) throw new ArgumentError('confusionMatrix: labels is empty');
  const index = new Map<Label, number>(labels.map((l, i) => [l, i]));
  if (index.size !== labels.length) throw new ArgumentError('confusionMatrix: labels has duplicates');
  if (opts.labels && !Array.from(yTrue as ArrayLike<Label>).some((v) => index.has(v))) throw new ArgumentError('confusionMatrix: none of the given labels is in y_true');
  const K = labels.length;
  const C = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const a = index.get(yTrue[i]!);
    const b = index.get(yPred[i]!);
    if (a !== undefined && b !== undefined) C[a]![b]!++;
  }
  const norm = opts.normalize ?? null;
  if (norm === null) return C;
  const div = (v: number, d: number) => (d === 0 ? 0 : v / d);
  if (norm === 'true') return C.map((r) => { const s = r.reduce((a, b) => a + b, 0); return r.map((v) => div(v, s)); });
  if (norm === 'pred') {
    const cs = C[0]!.map((_, j) => C.reduce((a, r) => a + r[j]!, 0));
    return C.map((r) => r.map((v, j) => div(v, cs[j]!)));
  }
  if (norm === 'all') {
    const s = C.reduce((a, r) => a + r.reduce((x, y) => x + y, 0), 0);
    return C.map((r) => r.map((v) => div(v, s)));
  }
  throw new ArgumentError(`confusionMatrix: normalize must be 'true', 'pred', 'all' or null, got '${String(norm)}'`);
}

/**
 * Mean per-class recall over the classes present in y_true (classes only predicted are left
 * out, as sklearn does with a warning). adjusted: rescaled so that chance is 0 and perfect 1.
 */
export function balancedAccuracyScore(yTrue: ArrayLike<Label>, yPred: ArrayLike<Label>, adjusted = false): number {
  check(yTrue, yPred, 'balancedAccuracyScore');
  const C = confusionMatrix(yTrue, yPred);
  const recalls: number[] = [];
  C.forEach((r, i) => {
    const s = r.reduce((a, b) => a + b, 0);
    if (s > 0) recalls.push(r[i]! / s);
  });
  let score = recalls.reduce((a, b) => a + b, 0) / recalls.length;
  if (adjusted) {
    const chance = 1 / recalls.length;
    score = (score - chance) / (1 - chance);
  }
  return score;
}

/** Cohen's kappa between two labelings, unweighted or with linear/quadratic disagreement weights. */
export function cohenKappaScore(y1: ArrayLike<Label>, y2: ArrayLike<Label>, opts: { labels?: readonly Label[]; weights?: 'linear' | 'quadratic' | null } = {}): number {
  check(y1, y2, 'cohenKappaScore');
  const C = confusionMatrix(y1, y2, opts.labels ? { labels: opts.labels } : {});
  const K = C.length;
  const sum0 = C[0]!.map((_, j) => C.reduce((a, r) => a + r[j]!, 0)); // column sums
  const sum1 = C.map((r) => r.reduce((a, b) => a + b, 0)); // row sums
  const total = sum0.reduce((a, b) => a + b, 0);
  const w = opts.weights ?? null;
  if (w !== null && w !== 'linear' && w !== 'quadratic') throw new ArgumentError(`cohenKappaScore: unknown weights '${String(w)}'`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < K; j++) {
      const wij = w === null ? (i === j ? 0 : 1) : w === 'linear' ? Math.abs(i - j) : (i - j) ** 2;
      num += wij * C[i]![j]!;
      // sklearn: expected = outer(sum0, sum1) / total
      den += (wij * sum0[i]! * sum1[j]!) / total;
    }
  }
  return 1 - num / den;
}

/**
 * One-sided exact binomial test (scipy.stats.binomtest(k, n, p, alternative='greater')): the
 * probability of k or more successes in n trials of success probability p, i.e. of a decoder
 * at chance level p getting at least k of n trials right. The tail is summed from its largest
 * term in log space, so p-values far below 1e-300 stay positive only where float64 allows.
 */
export function binomialTestGreater(k: number, n: number, p: number): number {
  if (!Number.isInteger(n) || n < 1) throw new ArgumentError(`binomialTestGreater: n must be a positive integer, got ${n}`);
  if (!Number.isInteger(k) || k < 0 || k > n) throw new ArgumentError(`binomialTestGreater: k must be an integer in [0, ${n}], got ${k}`);
  if (!(p >= 0 && p <= 1)) throw new ArgumentError(`binomialTestGreater: p must be in [0, 1], got ${p}`);
  if (k === 0) return 1;
  if (p === 0) return 0;
  if (p === 1) return 1;
  const lp = Math.log(p);
  const lq = Math.log1p(-p);
  // log C(n, i) by the recurrence C(n, i) = C(n, i-1)·(n-i+1)/i, from i = 0
  let lc = 0;
  for (let i = 1; i <= k; i++) lc += Math.log((n - i + 1) / i);
  const terms: number[] = [];
  for (let i = k; i <= n; i++) {
    if (i > k) lc += Math.log((n - i + 1) / i);
    terms.push(lc + i * lp + (n - i) * lq);
  }
  let m = -Infinity;
  for (const t of terms) if (t > m) m = t;
  let s = 0;
  for (const t of terms) s += Math.exp(t - m);
  return Math.min(1, Math.exp(m + Math.log(s)));
}
