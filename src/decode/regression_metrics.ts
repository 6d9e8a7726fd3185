// Regression metrics for continuous decoders, one value per output column, and the Neural
// Latents Benchmark's bits per spike for predicted firing rates.
//   yTrue, yPred: (N, D)  N=samples (time bins), D=outputs; a plain array is one output (N, 1).

import { ArgumentError, ShapeError } from '../errors.js';
import type { Matrix } from './estimators/types.js';

export type Targets = Matrix | ArrayLike<number>;

interface Cols { data: ArrayLike<number>; rows: number; cols: number }

function asCols(y: Targets, op: string, name: string): Cols {
  if (typeof y === 'object' && y !== null && 'rows' in y && 'cols' in y && 'data' in y) {
    const m = y as Matrix;
    if (m.data.length !== m.rows * m.cols) throw new ShapeError(`${op}: ${name} has ${m.data.length} values for shape (${m.rows}, ${m.cols})`);
    return m;
  }
  const a = y as ArrayLike<number>;
  return { data: a, rows: a.length, cols: 1 };
}

function pair(yTrue: Targets, yPred: Targets, op: string, minRows: number): [Cols, Cols] {
  const t = asCols(yTrue, op, 'yTrue');
  const p = asCols(yPred, op, 'yPred');
  if (t.rows !== p.rows || t.cols !== p.cols) throw new ShapeError(`${op}: yTrue is (${t.rows}, ${t.cols}) but yPred is (${p.rows}, ${p.cols})`);
  if (t.rows < minRows) throw new ArgumentError(`${op}: needs at least ${minRows} samples, got ${t.rows}`);
  for (const [m, name] of [[t, 'yTrue'], [p, 'yPred']] as const) {
    for (let i = 0; i < m.data.length; i++) {
      if (!Number.isFinite(m.data[i]!)) throw new ArgumentError(`${op}: ${name}[${Math.floor(i / m.cols)}, ${i % m.cols}] is ${m.data[i]}; values must be finite`);
    }
  }
  return [t, p];
}

function means(m: Cols): Float64Array {
  const out = new Float64Array(m.cols);
  for (let i = 0; i < m.rows; i++) for (let k = 0; k < m.cols; k++) out[k] += m.data[i * m.cols + k]!;
  for (let k = 0; k < m.cols; k++) out[k] /= m.rows;
  return out;
}

/**
 * Coefficient of determination per output, as sklearn.metrics.r2_score(multioutput=
 * 'raw_values'): 1 − Σ(y − ŷ)² / Σ(y − ȳ)². Neural_Decoding's get_R2 is the same formula;
 * they differ only for a constant output (zero denominator), where sklearn (force_finite) gives
 * 1 for a perfect prediction and 0 otherwise, and get_R2 gives NaN or −Inf. This follows sklearn.
 */
export function r2Score(yTrue: Targets, yPred: Targets): Float64Array {
  const [t, p] = pair(yTrue, yPred, 'r2Score', 2);
  const mu = means(t);
  const D = t.cols;
  const num = new Float64Array(D);
  const den = new Float64Array(D);
  for (let i = 0; i < t.rows; i++) {
    for (let k = 0; k < D; k++) {
      const y = t.data[i * D + k]!;
      num[k] += (y - p.data[i * D + k]!) ** 2;
      den[k] += (y - mu[k]!) ** 2;
    }
  }
  return num.map((nk, k) => (den[k] !== 0 ? (nk !== 0 ? 1 - nk / den[k]! : 1) : nk !== 0 ? 0 : 1));
}

/** Pearson correlation per output (Neural_Decoding's get_rho, np.corrcoef); NaN where either side is constant. */
export function pearsonR(yTrue: Targets, yPred: Targets): Float64Array {
  const [t, p] = pair(yTrue, yPred, 'pearsonR', 2);
  const mt = means(t);
  const mp = means(p);
  const D = t.cols;
  const sxy = new Float64Array(D);
  const sxx = new Float64Array(D);
  const syy = new Float64Array(D);
  for (let i = 0; i < t.rows; i++) {
    for (let k = 0; k < D; k++) {
      const a = t.data[i * D + k]! - mt[k]!;
      const b = p.data[i * D + k]! - mp[k]!;
      sxy[k] += a * b;
      sxx[k] += a * a;
      syy[k] += b * b;
    }
  }
  return sxy.map((s, k) => {
    const d = Math.sqrt(sxx[k]!) * Math.sqrt(syy[k]!);
    return d > 0 ? Math.max(-1, Math.min(1, s / d)) : NaN;
  });
}

/** Root mean squared error per output. */
export function rmse(yTrue: Targets, yPred: Targets): Float64Array {
  const [t, p] = pair(yTrue, yPred, 'rmse', 1);
  const D = t.cols;
  const s = new Float64Array(D);
  for (let i = 0; i < t.rows; i++) for (let k = 0; k < D; k++) s[k] += (t.data[i * D + k]! - p.data[i * D + k]!) ** 2;
  return s.map((v) => Math.sqrt(v / t.rows));
}

// NLB's evaluation.neg_log_likelihood replaces zero rates by this before taking logs.
const NLB_MIN_RATE = 1e-9;

/**
 * Bits per spike of predicted Poisson rates, as the Neural Latents Benchmark's co-bps
 * (nlb_tools/evaluation.py bits_per_spike):
 *   (log L(rates) − log L(null)) / (ln 2 · total spikes),
 * Poisson log-likelihoods summed over every bin and neuron; the null model predicts each
 * neuron's mean count over all bins. As NLB: rates must be >= 0, zero rates (model or null)
 * count as 1e-9, and NaN counts mark bins left out (rows of every trial may be stacked as N).
 * The log(n!) terms are the same in both likelihoods and cancel, so they are not computed.
 *   rates: (N, U) expected counts per bin  counts: (N, U) observed spike counts  U=neurons
 */
export function bitsPerSpike(rates: Matrix, counts: Matrix): number {
  const op = 'bitsPerSpike';
  const r = asCols(rates, op, 'rates');
  const c = asCols(counts, op, 'counts');
  if (r.rows !== c.rows || r.cols !== c.cols) throw new ShapeError(`${op}: rates are (${r.rows}, ${r.cols}) but counts are (${c.rows}, ${c.cols})`);
  const { rows: n, cols: U } = c;
  const nullRate = new Float64Array(U);
  const seen = new Float64Array(U);
  let total = 0;
  for (let i = 0; i < n * U; i++) {
    const k = c.data[i]!;
    if (Number.isNaN(k)) continue;
    if (!(k >= 0) || k === Infinity) throw new ArgumentError(`${op}: counts[${Math.floor(i / U)}, ${i % U}] is ${k}; spike counts must be finite and >= 0`);
    const q = r.data[i]!;
    if (!Number.isFinite(q) || q < 0) throw new ArgumentError(`${op}: rates[${Math.floor(i / U)}, ${i % U}] is ${q}; rates must be finite and >= 0`);
    nullRate[i % U] += k;
    seen[i % U]++;
    total += k;
  }
  if (!(total > 0)) throw new ArgumentError(`${op}: the counts hold no spikes, so bits per spike is undefined`);
  for (let u = 0; u < U; u++) nullRate[u] = seen[u]! > 0 ? nullRate[u]! / seen[u]! || NLB_MIN_RATE : NLB_MIN_RATE;
  let diff = 0; // log L(model) − log L(null)
  for (let i = 0; i < n * U; i++) {
    const k = c.data[i]!;
    if (Number.isNaN(k)) continue;
    const q = r.data[i]! || NLB_MIN_RATE;
    const q0 = nullRate[i % U]!;
    diff += k * (Math.log(q) - Math.log(q0)) - q + q0;
  }
  return diff / (Math.LN2 * total);
}
