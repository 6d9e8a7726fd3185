// Kalman filter decoder, as Neural_Decoding's KalmanFilterDecoder (Glaser et al. 2020, after
// Wu et al. 2003): the state is the kinematics, the observation the neural activity of one bin.
//   x_t = A x_{t-1} + w,  w ~ N(0, W)      state transition, fitted on the training kinematics
//   z_t = H x_t + q,      q ~ N(0, Q)      observation model, kinematics → neural
// A, H by least squares without intercept; W = residual covariance / (N − 1) / C,
// Q = residual covariance / N. C > 1 shrinks W, i.e. trusts the dynamics more than each new bin.
//   X: (N, F)  N=time bins, F=neurons      Y: (N, D)  D=kinematic dimensions (the state)

import { ArgumentError, ShapeError } from '../../errors.js';
import { inv, solveSPD } from '../../linalg/dense.js';
import { checkFeatures, checkMatrix, checkSameRows, colMeans, notFitted } from './check.js';
import { lstsq } from '../../linalg/lstsq.js';
import type { Matrix, Regressor } from './types.js';

export interface KalmanFilterOptions {
  /** Divides the transition noise W (default 1, as Neural_Decoding). */
  C?: number;
  /**
   * Subtract the training means of the neural data and the kinematics before fitting, and
   * add the kinematic mean back to every estimate (default false). Neural_Decoding's class has
   * no intercept; its example notebooks zero-centre both sides by hand, which this does.
   */
  center?: boolean;
}

export interface KalmanPredictOptions {
  /**
   * State at the first bin, in kinematic units (D values). Default: the training kinematics
   * mean, so no test labels are needed. Neural_Decoding passes the first test kinematics row
   * (pass `Y.data.subarray(0, D)` to reproduce it).
   */
  initialState?: ArrayLike<number>;
}

export class KalmanFilter implements Regressor {
  readonly C: number;
  readonly center: boolean;
  /** (D, D) state transition. */
  A: Matrix | null = null;
  /** (D, D) transition noise covariance (already divided by C). */
  W: Matrix | null = null;
  /** (F, D) observation matrix. */
  H: Matrix | null = null;
  /** (F, F) observation noise covariance. */
  Q: Matrix | null = null;
  /** (D) training kinematics mean: the default initial state. */
  stateMean: Float64Array | null = null;
  /** (F) subtracted from each neural bin (zeros unless center). */
  neuralMean: Float64Array | null = null;

  // Information-form constants: only D×D systems per bin instead of Neural_Decoding's F×F
  // inverse (Woodbury: P_m Hᵀ (H P_m Hᵀ + Q)⁻¹ = (I + P_m M)⁻¹ P_m Hᵀ Q⁻¹, M = Hᵀ Q⁻¹ H).
  private QiH: Float64Array | null = null; // (F, D) Q⁻¹ H
  private M: Float64Array | null = null; // (D, D)
  private offset: Float64Array | null = null; // (D) kinematic offset of the internal state
  private s: Float64Array | null = null; // (D) current state, internal (centred) coordinates
  private P: Float64Array | null = null; // (D, D) its error covariance

  constructor(opts: KalmanFilterOptions = {}) {
    this.C = opts.C ?? 1;
    if (!(Number.isFinite(this.C) && this.C > 0)) throw new ArgumentError(`KalmanFilter: C must be a finite number > 0, got ${this.C}`);
    this.center = opts.center ?? false;
  }

  /** X: (N, F) neural data, Y: (N, D) kinematics, N >= 2 consecutive bins. */
  fit(X: Matrix, Y: Matrix): this {
    const op = 'KalmanFilter.fit';
    checkMatrix(X, op, 'X');
    checkMatrix(Y, op, 'Y');
    checkSameRows(X.rows, Y.rows, op);
    const { rows: n, cols: f } = X;
    const d = Y.cols;
    if (n < 2) throw new ArgumentError(`${op}: needs at least 2 time bins to fit the transition, got ${n}`);
    if (d === 0) throw new ShapeError(`${op}: Y has no columns`);
    const zm = this.center ? colMeans(X.data, n, f) : new Float64Array(f);
    const xm = colMeans(Y.data, n, d);
    const off = this.center ? xm : new Float64Array(d);
    const Z = new Float64Array(n * f);
    const S = new Float64Array(n * d);
    for (let i = 0; i < n * f; i++) Z[i] = X.data[i]! - zm[i % f]!;
    for (let i = 0; i < n * d; i++) S[i] = Y.data[i]! - off[i % d]!;

    // transition: S[1:] ≈ S[:-1] Aᵀ
    const S1 = S.subarray(0, (n - 1) * d);
    const S2 = S.subarray(d);
    const At = lstsq(S1, n - 1, d, S2, d); // (D, D) = Aᵀ
    const A = transposeSq(At, d);
    const W = residualCov(S1, S2, At, n - 1, d, d, (n - 1) * this.C);
    // observation: Z ≈ S Hᵀ
    const Ht = lstsq(S, n, d, Z, f); // (D, F) = Hᵀ
    const H = new Float64Array(f * d);
    for (let a = 0; a < d; a++) for (let j = 0; j < f; j++) H[j * d + a] = Ht[a * f + j]!;
    const Q = residualCov(S, Z, Ht, n, d, f, n);

    let QiH: Float64Array;
    try {
      QiH = solveSPD(Q, H, f, d);
    } catch (e) {
      if (!(e instanceof ArgumentError)) throw e;
      throw new ArgumentError(`${op}: the neural noise covariance Q (${f}×${f}) is not positive definite — a neuron silent (or exactly predicted by the kinematics) in the training data? Drop such neurons.`);
    }
    const M = new Float64Array(d * d);
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
      let s = 0;
      for (let j = 0; j < f; j++) s += H[j * d + a]! * QiH[j * d + b]!;
      M[a * d + b] = s;
    }
    this.A = { data: A, rows: d, cols: d };
    this.W = { data: W, rows: d, cols: d };
    this.H = { data: H, rows: f, cols: d };
    this.Q = { data: Q, rows: f, cols: f };
    this.stateMean = xm;
    this.neuralMean = zm;
    this.offset = off;
    this.QiH = QiH;
    this.M = M;
    this.reset();
    return this;
  }

  /**
   * Runs the filter over X (N, F) and returns the state estimates (N, D). As Neural_Decoding:
   * row 0 is the initial state itself (with error covariance 0) and neural row 0 is not used;
   * row t ≥ 1 is the estimate after predicting from row t − 1 and updating with neural row t.
   * Leaves the streaming state (step) at the last bin.
   */
  predict(X: Matrix, opts: KalmanPredictOptions = {}): Matrix {
    const op = 'KalmanFilter.predict';
    if (!this.A) throw notFitted(op);
    checkMatrix(X, op, 'X');
    checkFeatures(X.cols, this.H!.rows, op);
    const { rows: n, cols: f } = X;
    const d = this.A.rows;
    const out = new Float64Array(n * d);
    if (n === 0) return { data: out, rows: 0, cols: d };
    this.reset(opts.initialState);
    out.set(this.state, 0);
    for (let t = 1; t < n; t++) out.set(this.update(X.data.subarray(t * f, (t + 1) * f)), t * d);
    return { data: out, rows: n, cols: d };
  }

  /** Restart the streaming filter from a state (default: the training kinematics mean), covariance 0. */
  reset(initialState?: ArrayLike<number>): void {
    if (!this.A || !this.stateMean || !this.offset) throw notFitted('KalmanFilter.reset');
    const d = this.A.rows;
    const x0 = initialState ?? this.stateMean;
    if (x0.length !== d) throw new ShapeError(`KalmanFilter.reset: initial state has ${x0.length} values, the state has ${d}`);
    const s = new Float64Array(d);
    for (let a = 0; a < d; a++) {
      if (!Number.isFinite(x0[a]!)) throw new ArgumentError(`KalmanFilter.reset: initial state[${a}] is ${x0[a]}; values must be finite`);
      s[a] = x0[a]! - this.offset[a]!;
    }
    this.s = s;
    this.P = new Float64Array(d * d);
  }

  /**
   * One closed-loop step: a bin of neural data (F values) in, the updated state estimate (D)
   * out. Call reset() first to choose the starting state (fit resets to the training mean).
   */
  step(neuralRow: ArrayLike<number>): Float64Array {
    const op = 'KalmanFilter.step';
    if (!this.H) throw notFitted(op);
    const f = this.H.rows;
    if (neuralRow.length !== f) throw new ShapeError(`${op}: fitted on ${f} neurons, got a bin of ${neuralRow.length}`);
    for (let j = 0; j < f; j++) if (!Number.isFinite(neuralRow[j]!)) throw new ArgumentError(`${op}: neural value [${j}] is ${neuralRow[j]}; values must be finite`);
    return this.update(neuralRow);
  }

  /** Current state estimate (D), in kinematic units. */
  get state(): Float64Array {
    if (!this.s || !this.offset) throw notFitted('KalmanFilter.state');
    return this.s.map((v, a) => v + this.offset![a]!);
  }

  private update(z: ArrayLike<number>): Float64Array {
    const A = this.A!.data;
    const W = this.W!.data;
    const QiH = this.QiH!;
    const M = this.M!;
    const zm = this.neuralMean!;
    const d = this.A!.rows;
    const f = this.H!.rows;
    const s = this.s!;
    const P = this.P!;
    // predict: s_m = A s, P_m = A P Aᵀ + W
    const sm = new Float64Array(d);
    for (let a = 0; a < d; a++) { let v = 0; for (let b = 0; b < d; b++) v += A[a * d + b]! * s[b]!; sm[a] = v; }
    const AP = new Float64Array(d * d);
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) { let v = 0; for (let c = 0; c < d; c++) v += A[a * d + c]! * P[c * d + b]!; AP[a * d + b] = v; }
    const Pm = new Float64Array(d * d);
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) { let v = W[a * d + b]!; for (let c = 0; c < d; c++) v += AP[a * d + c]! * A[b * d + c]!; Pm[a * d + b] = v; }
    // update: P = (I + P_m M)⁻¹ P_m,  s = s_m + P Hᵀ Q⁻¹ (z − H s_m) = s_m + P (Hᵀ Q⁻¹ z − M s_m)
    const T = new Float64Array(d * d);
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) { let v = a === b ? 1 : 0; for (let c = 0; c < d; c++) v += Pm[a * d + c]! * M[c * d + b]!; T[a * d + b] = v; }
    const Ti = inv(T, d);
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) { let v = 0; for (let c = 0; c < d; c++) v += Ti[a * d + c]! * Pm[c * d + b]!; P[a * d + b] = v; }
    for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) { const v = 0.5 * (P[a * d + b]! + P[b * d + a]!); P[a * d + b] = v; P[b * d + a] = v; }
    const g = new Float64Array(d);
    for (let j = 0; j < f; j++) {
      const zj = z[j]! - zm[j]!;
      if (zj !== 0) for (let a = 0; a < d; a++) g[a] += QiH[j * d + a]! * zj;
    }
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) g[a] -= M[a * d + b]! * sm[b]!;
    for (let a = 0; a < d; a++) { let v = sm[a]!; for (let b = 0; b < d; b++) v += P[a * d + b]! * g[b]!; s[a] = v; }
    return this.state;
  }
}

function transposeSq(a: Float64Array, d: number): Float64Array {
  const t = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) t[j * d + i] = a[i * d + j]!;
  return t;
}

/** (R, R) = (B − A C)ᵀ (B − A C) / div for A (n, p), C (p, r), B (n, r). */
function residualCov(A: Float64Array, B: Float64Array, C: Float64Array, n: number, p: number, r: number, div: number): Float64Array {
  const E = new Float64Array(r);
  const out = new Float64Array(r * r);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < r; c++) {
      let v = B[i * r + c]!;
      for (let k = 0; k < p; k++) v -= A[i * p + k]! * C[k * r + c]!;
      E[c] = v;
    }
    for (let a = 0; a < r; a++) {
      const ea = E[a]!;
      if (ea === 0) continue;
      for (let b = 0; b <= a; b++) out[a * r + b] += ea * E[b]!;
    }
  }
  for (let a = 0; a < r; a++) for (let b = 0; b <= a; b++) { out[a * r + b] /= div; out[b * r + a] = out[a * r + b]!; }
  return out;
}
