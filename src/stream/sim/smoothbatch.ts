// SmoothBatch closed-loop decoder adaptation (Orsborn et al. 2012, Dangi et al. 2013): while the
// user controls the cursor, collect a batch of bins (counts, intention-corrected velocity: the
// decoded velocity rotated toward the target, zero while holding, as ReFIT), re-estimate the
// Kalman observation model z = b + H v + q, q ~ N(0, Q) on that batch by least squares, and blend
// it with the previous estimate: θ ← α θ_old + (1 − α) θ_batch, α = 0.5^(batch / half-life).
// The transition (A, W) stays as calibrated; only the neural model adapts, as in SmoothBatch.
//   F = units, D = 2 (vx, vy): H (F, 2), b (F), Q (F, F).

import { ArgumentError, ShapeError } from '../../errors.js';
import type { KalmanFilter } from '../../decode/estimators/kalman.js';
import { pinvh } from '../../linalg/dense.js';
import { lstsq } from '../../linalg/lstsq.js';
import type { CenterOutEnv, Observation } from './env.js';
import { summarise, type SessionMetrics, type TrialRecord } from './metrics.js';
import { recordStep, refitIntentions, type LoopDecoder, type SessionLog } from './session.js';

const D = 2;

/** The adapted part of the decoder: counts z ≈ b + H v with noise covariance Q. */
export interface ObservationModel {
  /** (F, 2) row-major. */
  H: Float64Array;
  /** (F) baseline counts at zero velocity. */
  b: Float64Array;
  /** (F, F) row-major noise covariance. */
  Q: Float64Array;
}

export interface SmoothBatchOptions {
  /** Simulated seconds per batch (default 60; SmoothBatch used 1–2 min). */
  batchSeconds?: number;
  /** Half-life of a batch's weight in simulated seconds: α = 0.5^(batchSeconds / halfLifeSeconds) (default 60). */
  halfLifeSeconds?: number;
  /** Simulated seconds of closed-loop control (default 600). */
  durationSeconds?: number;
  /** Called after each batch refit with the batch's bins, its least-squares model and the blended one the decoder now uses. */
  onBatch?: (batch: SessionLog, fitted: ObservationModel, blended: ObservationModel) => void;
}

/** The exponential weight of the old estimate after one batch. */
export function smoothBatchAlpha(batchSeconds: number, halfLifeSeconds: number): number {
  checkPositive('smoothBatchAlpha', 'batchSeconds', batchSeconds);
  checkPositive('smoothBatchAlpha', 'halfLifeSeconds', halfLifeSeconds);
  return Math.pow(0.5, batchSeconds / halfLifeSeconds);
}

function checkPositive(op: string, name: string, v: number): void {
  if (!(typeof v === 'number' && Number.isFinite(v) && v > 0)) throw new ArgumentError(`${op}: ${name} must be a finite number > 0, got ${String(v)}`);
}

/** θ ← α θ_old + (1 − α) θ_batch, element by element for H, b and Q. */
export function blendObservation(old: ObservationModel, batch: ObservationModel, alpha: number): ObservationModel {
  if (!(Number.isFinite(alpha) && alpha >= 0 && alpha <= 1)) throw new ArgumentError(`blendObservation: alpha must be in [0, 1], got ${alpha}`);
  const mix = (a: Float64Array, c: Float64Array, name: string) => {
    if (a.length !== c.length) throw new ShapeError(`blendObservation: ${name} has ${a.length} values in the old model, ${c.length} in the batch`);
    return a.map((v, i) => alpha * v + (1 - alpha) * c[i]!);
  };
  return { H: mix(old.H, batch.H, 'H'), b: mix(old.b, batch.b, 'b'), Q: mix(old.Q, batch.Q, 'Q') };
}

/** Least-squares fit of counts (N, F) on [1, vx, vy]; Q is the residual covariance / N. */
export function fitObservation(counts: readonly ArrayLike<number>[], velocity: readonly (readonly [number, number])[]): ObservationModel {
  const n = counts.length;
  if (n < D + 2) throw new ArgumentError(`fitObservation: needs at least ${D + 2} bins, got ${n}`);
  if (velocity.length !== n) throw new ShapeError(`fitObservation: ${n} count bins but ${velocity.length} velocities`);
  const f = counts[0]!.length;
  const X = new Float64Array(n * 3);
  const Z = new Float64Array(n * f);
  for (let i = 0; i < n; i++) {
    const c = counts[i]!;
    if (c.length !== f) throw new ShapeError(`fitObservation: bin ${i} has ${c.length} units, bin 0 has ${f}`);
    X[3 * i] = 1; X[3 * i + 1] = velocity[i]![0]; X[3 * i + 2] = velocity[i]![1];
    for (let j = 0; j < f; j++) Z[i * f + j] = c[j]!;
  }
  const B = lstsq({ data: X, rows: n, cols: 3 }, { data: Z, rows: n, cols: f }).data; // (3, F)
  const b = B.slice(0, f);
  const H = new Float64Array(f * D);
  for (let j = 0; j < f; j++) { H[j * D] = B[f + j]!; H[j * D + 1] = B[2 * f + j]!; }
  const R = new Float64Array(n * f);
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) R[i * f + j] = Z[i * f + j]! - b[j]! - H[j * D]! * X[3 * i + 1]! - H[j * D + 1]! * X[3 * i + 2]!;
  const Q = new Float64Array(f * f);
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) {
    const r = R[i * f + j]!;
    if (r !== 0) for (let k = 0; k < f; k++) Q[j * f + k] += r * R[i * f + k]!;
  }
  for (let i = 0; i < f * f; i++) Q[i] /= n;
  return { H, b, Q };
}

/** The observation model with each unit's velocity tuning rotated by `radians` (counter-clockwise). */
export function rotateObservation(m: ObservationModel, radians: number): ObservationModel {
  if (!Number.isFinite(radians)) throw new ArgumentError(`rotateObservation: angle must be finite, got ${radians}`);
  const c = Math.cos(radians), s = Math.sin(radians);
  const H = new Float64Array(m.H.length);
  for (let j = 0; j < H.length / D; j++) {
    const hx = m.H[j * D]!, hy = m.H[j * D + 1]!;
    H[j * D] = c * hx - s * hy; H[j * D + 1] = s * hx + c * hy;
  }
  return { H, b: m.b.slice(), Q: m.Q.slice() };
}

/**
 * A velocity Kalman filter whose observation model can be replaced while it runs. Built from a
 * fitted KalmanFilter it decodes exactly as that filter (same A, W, H, Q, means, dropped units).
 */
export class AdaptiveKalmanDecoder implements LoopDecoder {
  readonly A: Float64Array; // (2, 2) transition of the velocity about its mean
  readonly W: Float64Array; // (2, 2)
  readonly stateMean: Float64Array; // (2)
  /** Units the filter uses (silent units of the calibration stay out). */
  readonly kept: number[];
  private model: ObservationModel;
  private QiH = new Float64Array(0); // (F, 2) Q⁻¹ H over the kept units, zero elsewhere
  private M = new Float64Array(D * D); // Hᵀ Q⁻¹ H
  private s = new Float64Array(D);
  private P = new Float64Array(D * D);

  constructor(A: Float64Array, W: Float64Array, stateMean: Float64Array, model: ObservationModel, kept: number[]) {
    if (A.length !== D * D || W.length !== D * D || stateMean.length !== D) throw new ShapeError(`AdaptiveKalmanDecoder: the state must be 2-D (vx, vy), got A of ${A.length} values`);
    this.A = A; this.W = W; this.stateMean = stateMean; this.kept = kept;
    this.model = model;
    this.setObservation(model);
  }

  /** Takes a fitted velocity KalmanFilter's parameters. */
  static fromKalman(kf: KalmanFilter): AdaptiveKalmanDecoder {
    if (!kf.A || !kf.W || !kf.H || !kf.Q || !kf.neuralMean || !kf.stateMean) throw new ArgumentError('AdaptiveKalmanDecoder.fromKalman: the Kalman filter is not fitted');
    if (kf.A.rows !== D) throw new ShapeError(`AdaptiveKalmanDecoder.fromKalman: the filter's state has ${kf.A.rows} dimensions, a cursor velocity has 2`);
    const f = kf.H.rows;
    const xm = kf.center ? kf.stateMean : new Float64Array(D);
    // z − zm = H (v − xm)  ⇒  b = zm − H xm
    const b = new Float64Array(f);
    for (let j = 0; j < f; j++) b[j] = kf.neuralMean[j]! - kf.H.data[j * D]! * xm[0]! - kf.H.data[j * D + 1]! * xm[1]!;
    const dropped = new Set(kf.droppedUnits);
    const kept = Array.from({ length: f }, (_, j) => j).filter((j) => !dropped.has(j));
    return new AdaptiveKalmanDecoder(kf.A.data.slice(), kf.W.data.slice(), xm.slice(), { H: kf.H.data.slice(), b, Q: kf.Q.data.slice() }, kept);
  }

  get observation(): ObservationModel { return this.model; }

  /** Replaces H, b, Q (only the kept units' entries are used). */
  setObservation(m: ObservationModel): void {
    const f = m.b.length;
    if (m.H.length !== f * D || m.Q.length !== f * f) throw new ShapeError(`AdaptiveKalmanDecoder.setObservation: H has ${m.H.length} values and Q ${m.Q.length} for ${f} units`);
    const k = this.kept.length;
    const Qk = new Float64Array(k * k);
    for (let c = 0; c < k; c++) for (let e = 0; e < k; e++) Qk[c * k + e] = m.Q[this.kept[c]! * f + this.kept[e]!]!;
    const Qi = pinvh({ data: Qk, rows: k, cols: k }).inverse.data;
    const QiH = new Float64Array(f * D);
    for (let c = 0; c < k; c++) for (let e = 0; e < k; e++) {
      const p = Qi[c * k + e]!;
      const j = this.kept[e]!;
      QiH[this.kept[c]! * D] += p * m.H[j * D]!;
      QiH[this.kept[c]! * D + 1] += p * m.H[j * D + 1]!;
    }
    const M = new Float64Array(D * D);
    for (const j of this.kept) for (let a = 0; a < D; a++) for (let c = 0; c < D; c++) M[a * D + c] += m.H[j * D + a]! * QiH[j * D + c]!;
    this.model = m; this.QiH = QiH; this.M = M;
  }

  reset(): void { this.s = new Float64Array(D); this.P = new Float64Array(D * D); }

  step(z: Float64Array): Float64Array {
    const { A, W, M, QiH, P } = this;
    const { H, b } = this.model;
    if (z.length !== b.length) throw new ShapeError(`AdaptiveKalmanDecoder.step: the model has ${b.length} units, got a bin of ${z.length}`);
    const xm = this.stateMean;
    // predict about the mean: v_m = xm + A (v − xm), P_m = A P Aᵀ + W
    const d0 = this.s[0]! - xm[0]!, d1 = this.s[1]! - xm[1]!;
    const sm = [xm[0]! + A[0]! * d0 + A[1]! * d1, xm[1]! + A[2]! * d0 + A[3]! * d1];
    const AP = [A[0]! * P[0]! + A[1]! * P[2]!, A[0]! * P[1]! + A[1]! * P[3]!, A[2]! * P[0]! + A[3]! * P[2]!, A[2]! * P[1]! + A[3]! * P[3]!];
    const Pm = [W[0]! + AP[0]! * A[0]! + AP[1]! * A[1]!, W[1]! + AP[0]! * A[2]! + AP[1]! * A[3]!, W[2]! + AP[2]! * A[0]! + AP[3]! * A[1]!, W[3]! + AP[2]! * A[2]! + AP[3]! * A[3]!];
    // update, information form: P = (I + P_m M)⁻¹ P_m, v = v_m + P Hᵀ Q⁻¹ (z − b − H v_m)
    const T = [1 + Pm[0]! * M[0]! + Pm[1]! * M[2]!, Pm[0]! * M[1]! + Pm[1]! * M[3]!, Pm[2]! * M[0]! + Pm[3]! * M[2]!, 1 + Pm[2]! * M[1]! + Pm[3]! * M[3]!];
    const det = T[0]! * T[3]! - T[1]! * T[2]!;
    const Ti = [T[3]! / det, -T[1]! / det, -T[2]! / det, T[0]! / det];
    P[0] = Ti[0]! * Pm[0]! + Ti[1]! * Pm[2]!; P[1] = Ti[0]! * Pm[1]! + Ti[1]! * Pm[3]!;
    P[2] = Ti[2]! * Pm[0]! + Ti[3]! * Pm[2]!; P[3] = Ti[2]! * Pm[1]! + Ti[3]! * Pm[3]!;
    const sym = 0.5 * (P[1]! + P[2]!); P[1] = sym; P[2] = sym;
    let g0 = 0, g1 = 0;
    for (const j of this.kept) {
      const r = z[j]! - b[j]! - H[j * D]! * sm[0]! - H[j * D + 1]! * sm[1]!;
      g0 += QiH[j * D]! * r; g1 += QiH[j * D + 1]! * r;
    }
    this.s = new Float64Array([sm[0]! + P[0]! * g0 + P[1]! * g1, sm[1]! + P[2]! * g0 + P[3]! * g1]);
    return this.s.slice();
  }
}

/** One batch period of a SmoothBatch session: the trials that ended in it, and the α applied after it. */
export interface BatchRecord {
  /** Simulated seconds at the batch's end. */
  endSeconds: number;
  trials: number;
  successRate: number;
  /** Mean seconds to acquire over the batch's successful trials (NaN if none). */
  meanAcquisitionTime: number;
  /** Bins the batch refit used. */
  bins: number;
}

export interface SmoothBatchResult {
  batches: BatchRecord[];
  trials: TrialRecord[];
  metrics: SessionMetrics;
  alpha: number;
}

/**
 * Runs closed-loop control with SmoothBatch adaptation: every batchSeconds the decoder's
 * observation model is refitted on that batch's counts and intention-corrected velocities and
 * blended into the current one. The env must hold enough trials for durationSeconds; the run
 * stops at durationSeconds or when the episode is done.
 */
export function runSmoothBatch(env: CenterOutEnv, decoder: AdaptiveKalmanDecoder, seed: number, opts: SmoothBatchOptions = {}): SmoothBatchResult {
  const op = 'runSmoothBatch';
  const batchSeconds = opts.batchSeconds ?? 60;
  const halfLife = opts.halfLifeSeconds ?? 60;
  const duration = opts.durationSeconds ?? 600;
  checkPositive(op, 'batchSeconds', batchSeconds);
  checkPositive(op, 'halfLifeSeconds', halfLife);
  checkPositive(op, 'durationSeconds', duration);
  const batchBins = Math.round(batchSeconds / env.dt);
  if (batchBins < 10) throw new ArgumentError(`${op}: batchSeconds ${batchSeconds} is ${batchBins} bins of ${env.dt} s; a batch refit needs at least 10`);
  const totalBins = Math.round(duration / env.dt);
  if (totalBins > 1e7) throw new ArgumentError(`${op}: durationSeconds ${duration} is ${totalBins} bins; at most 1e7`);
  const alpha = smoothBatchAlpha(batchSeconds, halfLife);
  const empty = (): SessionLog => ({ counts: [], decoded: [], intended: [], position: [], target: [], inTarget: [] });
  let log = empty();
  let batchTrials: TrialRecord[] = [];
  const trials: TrialRecord[] = [];
  const batches: BatchRecord[] = [];
  let obs: Observation = env.reset(seed);
  decoder.reset();
  for (let bin = 1; bin <= totalBins; bin++) {
    const intended: [number, number] = [env.currentIntention[0], env.currentIntention[1]];
    const v = decoder.step(obs.counts);
    recordStep(log, obs, intended, [v[0]!, v[1]!]);
    const r = env.step(v);
    if (r.info.trialEnded) {
      trials.push(r.info.trialEnded);
      batchTrials.push(r.info.trialEnded);
      decoder.reset();
    }
    obs = r.observation;
    const last = r.done || bin === totalBins;
    if (bin % batchBins === 0 || last) {
      const ok = batchTrials.filter((t) => t.success);
      batches.push({
        endSeconds: bin * env.dt, trials: batchTrials.length, bins: log.counts.length,
        successRate: batchTrials.length ? ok.length / batchTrials.length : 0,
        meanAcquisitionTime: ok.length ? ok.reduce((a, t) => a + t.acquisitionTime, 0) / ok.length : NaN,
      });
      if (!last) {
        const fitted = fitObservation(log.counts, refitIntentions(log));
        const blended = blendObservation(decoder.observation, fitted, alpha);
        decoder.setObservation(blended);
        opts.onBatch?.(log, fitted, blended);
      }
      log = empty();
      batchTrials = [];
    }
    if (r.done) break;
  }
  return { batches, trials, metrics: summarise(trials, env.nTargets, env.targetRadius), alpha };
}
