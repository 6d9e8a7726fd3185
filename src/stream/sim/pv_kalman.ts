// The position-velocity Kalman filter of cursor BCIs, in two forms that share one fit and one
// filter step:
//  - the standard KF (Wu et al. 2006; Gilja et al. 2012's baseline): state x = (px, py, vx, vy),
//    x_t = A x_{t-1} + w, counts z_t = H x_t + q, all of A, W, H, Q by least squares on the
//    calibration kinematics; the cursor is drawn at the decoded position, so neural activity
//    that looks like position, and position uncertainty carried into velocity through P's
//    cross-covariance, move the cursor;
//  - ReFIT-KF (Gilja et al. 2012): the same filter refitted on a closed-loop session whose
//    velocities are the user's estimated intention, and run with position as feedback: the
//    position in the state is the cursor the user sees, known with certainty, so the position
//    rows and columns of the predicted covariance are zero in the update and the neural data
//    only correct the velocity; the cursor integrates the decoded velocity.
// The centred form (kinematic and neural means removed before the fit) gives the intercept.
//   counts: (N, F)   state: (N, 4) = (px, py, vx, vy) after each bin   F = units

import { ArgumentError, ShapeError } from '../../errors.js';
import { inv, pinvh } from '../../linalg/dense.js';
import { lstsq } from '../../linalg/lstsq.js';
import type { Point } from './metrics.js';
import type { LoopDecoder, SessionLog } from './session.js';

const D = 4;

/** A fitted position-velocity Kalman filter's parameters (row-major, centred coordinates). */
export interface PVKalmanModel {
  /** (4, 4) transition. */
  A: Float64Array;
  /** (4, 4) transition noise covariance. */
  W: Float64Array;
  /** (F, 4) observation matrix (zero rows for units silent in the fit). */
  H: Float64Array;
  /** (F, F) observation noise covariance. */
  Q: Float64Array;
  /** (4) kinematic mean, (F) neural mean, removed before the fit. */
  stateMean: Float64Array;
  neuralMean: Float64Array;
  /** Units silent (constant) in the fitting bins: not used by the filter. */
  dropped: number[];
  /** Bins and within-segment transitions the fit used. */
  bins: number;
  transitions: number;
}

/**
 * Least-squares fit on rows of (counts, state). `segment[i]` names the stretch of contiguous
 * bins row i belongs to: A and W are fitted only on pairs of consecutive rows of one segment,
 * so the cursor's jump back to the centre between centre-out trials is not taken for dynamics.
 */
export function fitPVKalmanModel(counts: readonly ArrayLike<number>[], state: readonly ArrayLike<number>[], segment: readonly number[]): PVKalmanModel {
  const op = 'fitPVKalmanModel';
  const n = counts.length;
  if (state.length !== n || segment.length !== n) throw new ShapeError(`${op}: ${n} count bins, ${state.length} states, ${segment.length} segment labels`);
  if (n < D + 2) throw new ArgumentError(`${op}: needs at least ${D + 2} bins, got ${n}`);
  const f = counts[0]!.length;
  if (f === 0) throw new ShapeError(`${op}: the counts have no units`);
  const Z = new Float64Array(n * f), S = new Float64Array(n * D);
  for (let i = 0; i < n; i++) {
    const c = counts[i]!, x = state[i]!;
    if (c.length !== f) throw new ShapeError(`${op}: bin ${i} has ${c.length} units, bin 0 has ${f}`);
    if (x.length !== D) throw new ShapeError(`${op}: state ${i} has ${x.length} values, (px, py, vx, vy) has 4`);
    for (let j = 0; j < f; j++) { const v = c[j]!; if (!Number.isFinite(v)) throw new ArgumentError(`${op}: count [${i}, ${j}] is ${v}`); Z[i * f + j] = v; }
    for (let a = 0; a < D; a++) { const v = x[a]!; if (!Number.isFinite(v)) throw new ArgumentError(`${op}: state [${i}, ${a}] is ${v}`); S[i * D + a] = v; }
  }
  const neuralMean = colMean(Z, n, f), stateMean = colMean(S, n, D);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < f; j++) Z[i * f + j] -= neuralMean[j]!;
    for (let a = 0; a < D; a++) S[i * D + a] -= stateMean[a]!;
  }
  // transition on within-segment pairs: S[t] ≈ A S[t-1]
  const pairs: number[] = [];
  for (let i = 1; i < n; i++) if (segment[i] === segment[i - 1]) pairs.push(i);
  if (pairs.length < D + 1) throw new ArgumentError(`${op}: only ${pairs.length} within-segment transitions; the dynamics need at least ${D + 1}`);
  const S0 = new Float64Array(pairs.length * D), S1 = new Float64Array(pairs.length * D);
  pairs.forEach((i, r) => { S0.set(S.subarray((i - 1) * D, i * D), r * D); S1.set(S.subarray(i * D, (i + 1) * D), r * D); });
  const At = lstsq({ data: S0, rows: pairs.length, cols: D }, { data: S1, rows: pairs.length, cols: D }).data; // (D, D) = Aᵀ
  const A = transposeSq(At, D);
  const W = residualCov(S0, S1, At, pairs.length, D, D);
  // observation: Z ≈ S Hᵀ over the units that vary
  const dropped: number[] = [];
  for (let j = 0; j < f; j++) { let same = true; for (let i = 1; i < n && same; i++) same = Z[i * f + j] === Z[j]; if (same) dropped.push(j); }
  if (dropped.length === f) throw new ArgumentError(`${op}: all ${f} units are silent in the ${n} fitting bins`);
  const Ht = lstsq({ data: S, rows: n, cols: D }, { data: Z, rows: n, cols: f }).data; // (D, F)
  for (const j of dropped) for (let a = 0; a < D; a++) Ht[a * f + j] = 0;
  const H = new Float64Array(f * D);
  for (let a = 0; a < D; a++) for (let j = 0; j < f; j++) H[j * D + a] = Ht[a * f + j]!;
  const Q = residualCov(S, Z, Ht, n, D, f);
  for (const j of dropped) for (let k = 0; k < f; k++) { Q[j * f + k] = 0; Q[k * f + j] = 0; }
  return { A, W, H, Q, stateMean, neuralMean, dropped, bins: n, transitions: pairs.length };
}

/**
 * Fits the filter on a logged block: the state of each bin is the cursor after it (position +
 * dt × the cursor's velocity in that bin) with `velocity` as its velocity labels, segments are
 * the log's trials. `keep` selects bins (default all), e.g. a calibration's reach epochs.
 */
export function fitPVKalman(log: SessionLog, velocity: readonly (readonly [number, number])[], dt: number, keep?: readonly boolean[]): PVKalmanModel {
  const op = 'fitPVKalman';
  const n = log.counts.length;
  if (velocity.length !== n) throw new ShapeError(`${op}: ${n} logged bins, ${velocity.length} velocity labels`);
  if (keep && keep.length !== n) throw new ShapeError(`${op}: ${n} logged bins, ${keep.length} keep flags`);
  if (!(Number.isFinite(dt) && dt > 0)) throw new ArgumentError(`${op}: dt must be a finite number > 0, got ${dt}`);
  const counts: ArrayLike<number>[] = [], state: number[][] = [], segment: number[] = [];
  let seg = 0;
  for (let i = 0; i < n; i++) {
    // a new segment at each trial change and wherever unkept bins break the run
    if (i > 0 && (log.trial?.[i] !== log.trial?.[i - 1] || (keep && !keep[i - 1]))) seg++;
    if (keep && !keep[i]) continue;
    const p = log.position[i]!, u = log.decoded[i]!, v = velocity[i]!;
    counts.push(log.counts[i]!);
    state.push([p[0] + dt * u[0], p[1] + dt * u[1], v[0], v[1]]);
    segment.push(seg);
  }
  return fitPVKalmanModel(counts, state, segment);
}

/**
 * The filter in the loop. 'decoded-position' (standard KF): the cursor is drawn at the decoded
 * position, so the action is the step from the cursor to it. 'position-feedback' (ReFIT-KF):
 * the state's position is set to the cursor before each bin and its uncertainty to zero in the
 * update; the action is the decoded velocity.
 */
export class PVKalmanDecoder implements LoopDecoder {
  readonly model: PVKalmanModel;
  readonly mode: 'decoded-position' | 'position-feedback';
  readonly dt: number;
  private readonly kept: number[];
  private readonly QiH: Float64Array; // (F, 4) Q⁻¹ H, zero rows for dropped units
  private readonly M: Float64Array; // (4, 4) Hᵀ Q⁻¹ H
  private s = new Float64Array(D); // centred state
  private P = new Float64Array(D * D);

  constructor(model: PVKalmanModel, mode: 'decoded-position' | 'position-feedback', dt: number) {
    if (mode !== 'decoded-position' && mode !== 'position-feedback') throw new ArgumentError(`PVKalmanDecoder: mode is '${String(mode)}' ('decoded-position' or 'position-feedback')`);
    if (!(Number.isFinite(dt) && dt > 0)) throw new ArgumentError(`PVKalmanDecoder: dt must be a finite number > 0, got ${dt}`);
    const f = model.neuralMean.length;
    if (model.H.length !== f * D || model.Q.length !== f * f || model.A.length !== D * D) throw new ShapeError(`PVKalmanDecoder: H has ${model.H.length} values, Q ${model.Q.length}, A ${model.A.length} for ${f} units and a 4-D state`);
    this.model = model; this.mode = mode; this.dt = dt;
    const drop = new Set(model.dropped);
    this.kept = Array.from({ length: f }, (_, j) => j).filter((j) => !drop.has(j));
    const k = this.kept.length;
    const Qk = new Float64Array(k * k);
    for (let c = 0; c < k; c++) for (let e = 0; e < k; e++) Qk[c * k + e] = model.Q[this.kept[c]! * f + this.kept[e]!]!;
    const Qi = pinvh({ data: Qk, rows: k, cols: k }).inverse.data;
    this.QiH = new Float64Array(f * D);
    for (let c = 0; c < k; c++) for (let e = 0; e < k; e++) {
      const q = Qi[c * k + e]!;
      if (q !== 0) for (let a = 0; a < D; a++) this.QiH[this.kept[c]! * D + a] += q * model.H[this.kept[e]! * D + a]!;
    }
    this.M = new Float64Array(D * D);
    for (const j of this.kept) for (let a = 0; a < D; a++) for (let b = 0; b < D; b++) this.M[a * D + b] += model.H[j * D + a]! * this.QiH[j * D + b]!;
    this.reset();
  }

  /** Restarts at rest at `start` (default the origin) with zero covariance. */
  reset(start: Point = [0, 0]): void {
    const m = this.model.stateMean;
    this.s = Float64Array.of(start[0] - m[0]!, start[1] - m[1]!, -m[2]!, -m[3]!);
    this.P = new Float64Array(D * D);
  }

  /** The state (px, py, vx, vy) after the last step, in task units. */
  get state(): Float64Array {
    return this.s.map((v, a) => v + this.model.stateMean[a]!);
  }

  /** One bin: counts (F) and the cursor now in, the cursor velocity for this bin out. */
  step(counts: ArrayLike<number>, position?: Point): Float64Array {
    const op = 'PVKalmanDecoder.step';
    const f = this.model.neuralMean.length;
    if (counts.length !== f) throw new ShapeError(`${op}: fitted on ${f} units, got a bin of ${counts.length}`);
    if (!position || !(Number.isFinite(position[0]) && Number.isFinite(position[1]))) throw new ArgumentError(`${op}: needs the cursor's position, got ${position ? `(${position[0]}, ${position[1]})` : 'none'}`);
    const { A, W, stateMean: xm } = this.model;
    const feedback = this.mode === 'position-feedback';
    const s = this.s, P = this.P;
    if (feedback) {
      // the cursor the user sees is the position, known exactly
      s[0] = position[0] - xm[0]!; s[1] = position[1] - xm[1]!;
      for (let a = 0; a < D; a++) for (const p of [0, 1]) { P[p * D + a] = 0; P[a * D + p] = 0; }
    }
    const sm = new Float64Array(D);
    for (let a = 0; a < D; a++) { let v = 0; for (let b = 0; b < D; b++) v += A[a * D + b]! * s[b]!; sm[a] = v; }
    const AP = new Float64Array(D * D), Pm = new Float64Array(D * D);
    for (let a = 0; a < D; a++) for (let b = 0; b < D; b++) { let v = 0; for (let c = 0; c < D; c++) v += A[a * D + c]! * P[c * D + b]!; AP[a * D + b] = v; }
    for (let a = 0; a < D; a++) for (let b = 0; b < D; b++) { let v = W[a * D + b]!; for (let c = 0; c < D; c++) v += AP[a * D + c]! * A[b * D + c]!; Pm[a * D + b] = v; }
    // position feedback: no position uncertainty enters the update, only velocity is corrected
    if (feedback) for (let a = 0; a < D; a++) for (const p of [0, 1]) { Pm[p * D + a] = 0; Pm[a * D + p] = 0; }
    // information form (as decode/estimators/kalman.ts): P = (I + P_m M)⁻¹ P_m, s = s_m + P (Hᵀ Q⁻¹ z − M s_m)
    const T = new Float64Array(D * D);
    for (let a = 0; a < D; a++) for (let b = 0; b < D; b++) { let v = a === b ? 1 : 0; for (let c = 0; c < D; c++) v += Pm[a * D + c]! * this.M[c * D + b]!; T[a * D + b] = v; }
    const Ti = inv({ data: T, rows: D, cols: D }).data;
    for (let a = 0; a < D; a++) for (let b = 0; b < D; b++) { let v = 0; for (let c = 0; c < D; c++) v += Ti[a * D + c]! * Pm[c * D + b]!; P[a * D + b] = v; }
    for (let a = 0; a < D; a++) for (let b = 0; b < a; b++) { const v = 0.5 * (P[a * D + b]! + P[b * D + a]!); P[a * D + b] = v; P[b * D + a] = v; }
    const g = new Float64Array(D);
    for (const j of this.kept) {
      const zj = counts[j]! - this.model.neuralMean[j]!;
      if (!Number.isFinite(zj)) throw new ArgumentError(`${op}: count [${j}] is ${counts[j]}`);
      if (zj !== 0) for (let a = 0; a < D; a++) g[a] += this.QiH[j * D + a]! * zj;
    }
    for (let a = 0; a < D; a++) for (let b = 0; b < D; b++) g[a] -= this.M[a * D + b]! * sm[b]!;
    for (let a = 0; a < D; a++) { let v = sm[a]!; for (let b = 0; b < D; b++) v += P[a * D + b]! * g[b]!; s[a] = v; }
    const x = this.state;
    if (feedback) return Float64Array.of(x[2]!, x[3]!);
    return Float64Array.of((x[0]! - position[0]) / this.dt, (x[1]! - position[1]) / this.dt);
  }
}

/**
 * ReFIT's refit (Gilja et al. 2012) of a closed-loop session: positions are where the cursor
 * was, velocities the intention estimate (the decoded velocity rotated toward the target, zero
 * inside it); returns the decoder run with position feedback.
 */
export function refitPVKalman(log: SessionLog, intentions: readonly (readonly [number, number])[], dt: number): PVKalmanDecoder {
  return new PVKalmanDecoder(fitPVKalman(log, intentions, dt), 'position-feedback', dt);
}

function colMean(x: Float64Array, n: number, c: number): Float64Array {
  const m = new Float64Array(c);
  for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) m[j] += x[i * c + j]!;
  for (let j = 0; j < c; j++) m[j] /= n;
  return m;
}

function transposeSq(a: Float64Array, d: number): Float64Array {
  const t = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) t[j * d + i] = a[i * d + j]!;
  return t;
}

/** (R, R) = (B − X C)ᵀ (B − X C) / n for X (n, p), C (p, r), B (n, r). */
function residualCov(X: Float64Array, B: Float64Array, C: Float64Array, n: number, p: number, r: number): Float64Array {
  const E = new Float64Array(r), out = new Float64Array(r * r);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < r; c++) { let v = B[i * r + c]!; for (let k = 0; k < p; k++) v -= X[i * p + k]! * C[k * r + c]!; E[c] = v; }
    for (let a = 0; a < r; a++) { const ea = E[a]!; if (ea !== 0) for (let b = 0; b <= a; b++) out[a * r + b] += ea * E[b]!; }
  }
  for (let a = 0; a < r; a++) for (let b = 0; b <= a; b++) { out[a * r + b] /= n; out[b * r + a] = out[a * r + b]!; }
  return out;
}
