// Per-unit linear (cosine) tuning to velocity, fitted on a real recording and sampled as
// Poisson counts: rate_j = max(0, b_j + h_j · v) per bin. A linear model in vx, vy is the
// cosine model (preferred direction h/|h|, depth |h|) with a speed term, as Georgopoulos/Moran.
//   counts: (N, F)  N=bins, F=units      velocity: (N, 2)

import { ArgumentError, ShapeError } from '../../errors.js';
import { lstsq } from '../../linalg/lstsq.js';
import type { Matrix } from '../../linalg/matrix.js';
import type { Generator } from '../../tensor/random.js';

export interface LinearTuning {
  /** (F) counts per bin at zero velocity. */
  baseline: Float64Array;
  /** (F, 2) counts per bin per velocity unit. */
  weights: Float64Array;
  /** Units silent (all counts equal) in the fitting bins: rate fixed at their constant count. */
  silent: boolean[];
  nUnits: number;
}

/** Least-squares fit of counts ≈ b + H v per unit; silent units keep their constant rate, H = 0. */
export function fitLinearTuning(counts: Matrix, velocity: Matrix): LinearTuning {
  const op = 'fitLinearTuning';
  if (velocity.cols !== 2) throw new ShapeError(`${op}: velocity must have 2 columns (vx, vy), got ${velocity.cols}`);
  if (counts.rows !== velocity.rows) throw new ShapeError(`${op}: counts have ${counts.rows} bins, velocity ${velocity.rows}`);
  const n = counts.rows, f = counts.cols;
  if (n < 3) throw new ArgumentError(`${op}: needs at least 3 bins, got ${n}`);
  if (f === 0) throw new ShapeError(`${op}: counts have no units`);
  for (let i = 0; i < n * f; i++) if (!(counts.data[i]! >= 0 && Number.isFinite(counts.data[i]!))) throw new ArgumentError(`${op}: count [${Math.floor(i / f)}, ${i % f}] is ${counts.data[i]}; counts must be finite and >= 0`);
  for (let i = 0; i < n * 2; i++) if (!Number.isFinite(velocity.data[i]!)) throw new ArgumentError(`${op}: velocity [${i >> 1}, ${i & 1}] is ${velocity.data[i]}; values must be finite`);
  const A = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) { A[i * 3] = 1; A[i * 3 + 1] = velocity.data[i * 2]!; A[i * 3 + 2] = velocity.data[i * 2 + 1]!; }
  const B = lstsq({ data: A, rows: n, cols: 3 }, counts).data; // (3, F)
  const baseline = new Float64Array(f);
  const weights = new Float64Array(f * 2);
  const silent: boolean[] = [];
  for (let j = 0; j < f; j++) {
    const v0 = counts.data[j]!;
    let same = true;
    for (let i = 1; i < n && same; i++) same = counts.data[i * f + j] === v0;
    silent.push(same);
    if (same) { baseline[j] = v0; continue; }
    baseline[j] = B[j]!;
    weights[j * 2] = B[f + j]!;
    weights[j * 2 + 1] = B[2 * f + j]!;
  }
  return { baseline, weights, silent, nUnits: f };
}

/** Expected counts per bin (F) at velocity (vx, vy), clipped at 0. */
export function tuningRates(t: LinearTuning, vx: number, vy: number, out = new Float64Array(t.nUnits)): Float64Array {
  for (let j = 0; j < t.nUnits; j++) out[j] = Math.max(0, t.baseline[j]! + t.weights[j * 2]! * vx + t.weights[j * 2 + 1]! * vy);
  return out;
}

/** Poisson draw: Knuth's product method for small means, a rounded normal above 30 (error < 1 %). */
export function poisson(lambda: number, rng: Generator): number {
  if (!(lambda >= 0 && Number.isFinite(lambda))) throw new ArgumentError(`poisson: mean must be finite and >= 0, got ${lambda}`);
  if (lambda === 0) return 0;
  if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * rng.normal()));
  const L = Math.exp(-lambda);
  let k = 0, p = rng.random();
  while (p > L) { k++; p *= rng.random(); }
  return k;
}

/** Poisson counts (F) for one bin at velocity (vx, vy). */
export function sampleCounts(t: LinearTuning, vx: number, vy: number, rng: Generator, out = new Float64Array(t.nUnits)): Float64Array {
  tuningRates(t, vx, vy, out);
  for (let j = 0; j < t.nUnits; j++) out[j] = poisson(out[j]!, rng);
  return out;
}
