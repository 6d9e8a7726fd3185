// Kalman filter decoder, as Neural_Decoding's KalmanFilterDecoder (Glaser et al. 2020, after
// Wu et al. 2003): the state is the kinematics, the observation the neural activity of one bin.
//   x_t = A x_{t-1} + w,  w ~ N(0, W)      state transition, fitted on the training kinematics
//   z_t = H x_t + q,      q ~ N(0, Q)      observation model, kinematics → neural
// A, H by least squares without intercept; W = residual covariance / (N − 1) / C,
// Q = residual covariance / N. C > 1 shrinks W, i.e. trusts the dynamics more than each new bin.
// Real recordings hold units that are silent in the training bins and units that duplicate
// others, which make Q singular (Neural_Decoding's inverse then fails or returns noise). By
// default silent units are dropped and a rank-deficient Q is pseudo-inverted: for units that
// are exact linear combinations of others this gives the same estimates as Neural_Decoding with
// np.linalg.pinv in place of inv, and as the filter fitted on the independent units alone.
//   X: (N, F)  N=time bins, F=neurons      Y: (N, D)  D=kinematic dimensions (the state)

import { ArgumentError, ShapeError } from '../../errors.js';
import { inv, pinvh, solveSPD, transpose } from '../../linalg/dense.js';
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
  /**
   * Drop units whose training values are all equal (zero variance: silent units), default true.
   * Their H rows, Q rows and columns are zero and they are ignored when filtering.
   */
  dropSilent?: boolean;
  /**
   * What a rank-deficient neural noise covariance Q (collinear or duplicated units, fewer bins
   * than units) gets: 'pinv' (default) filters with its pseudo-inverse (eigenvalues at or below
   * F · eps · λ_max count as zero); 'error' refuses it with an ArgumentError.
   */
  rankDeficient?: 'pinv' | 'error';
}

export interface KalmanPredictOptions {
  /**
   * State at the first bin, in kinematic units (D values). Default: the training kinematics
   * mean, so no test labels are needed. Neural_Decoding passes the first test kinematics row
   * (pass `Y.data.subarray(0, D)` to reproduce it).
   */
  initialState?: ArrayLike<number>;
}

/** A fitted filter's arrays (all float64, row-major): what saving and rebuilding it exactly needs. */
export interface KalmanFitted {
  A: Matrix;
  W: Matrix;
  H: Matrix;
  Q: Matrix;
  stateMean: Float64Array;
  neuralMean: Float64Array;
  /** (D) kinematic offset of the internal state (the state mean when centred, else zeros). */
  offset: Float64Array;
  /** (F, D) Q⁻¹ H and (D, D) Hᵀ Q⁻¹ H, as fitting computed them (pseudo-inverse included). */
  QiH: Float64Array;
  M: Float64Array;
  droppedUnits: number[];
  observationRank: number;
  pseudoInverse: boolean;
}

export class KalmanFilter implements Regressor {
  readonly C: number;
  readonly center: boolean;
  readonly dropSilent: boolean;
  readonly rankDeficient: 'pinv' | 'error';
  /** Units (input columns) dropped as silent (zero variance in the training bins), ascending. */
  droppedUnits: number[] = [];
  /** Pairs [unit, earlier unit] whose training columns are identical (kept; the pseudo-inverse handles them). */
  duplicateUnits: [number, number][] = [];
  /** Rank of Q over the kept units; below their count, Q was pseudo-inverted. */
  observationRank = 0;
  /** Whether Q was rank-deficient and its pseudo-inverse used. */
  pseudoInverse = false;
  /** (D, D) state transition. */
  A: Matrix | null = null;
  /** (D, D) transition noise covariance (already divided by C). */
  W: Matrix | null = null;
  /** (F, D) observation matrix (zero rows for dropped units). */
  H: Matrix | null = null;
  /** (F, F) observation noise covariance (zero rows and columns for dropped units). */
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
    this.dropSilent = opts.dropSilent ?? true;
    this.rankDeficient = opts.rankDeficient ?? 'pinv';
    if (this.rankDeficient !== 'pinv' && this.rankDeficient !== 'error') throw new ArgumentError(`KalmanFilter: rankDeficient must be 'pinv' or 'error', got ${String(this.rankDeficient)}`);
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
    const dropped = this.dropSilent ? silentColumns(X.data, n, f) : [];
    if (dropped.length === f) throw new ArgumentError(`${op}: all ${f} units are silent (constant) in the ${n} training bins; nothing to decode from`);
    const isDropped = new Uint8Array(f);
    for (const j of dropped) isDropped[j] = 1;
    const kept = Array.from({ length: f }, (_, j) => j).filter((j) => !isDropped[j]);
    const k = kept.length;
    const Z = new Float64Array(n * k); // the kept units, centred when asked
    const S = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) Z[i * k + c] = X.data[i * f + kept[c]!]! - zm[kept[c]!]!;
    for (let i = 0; i < n * d; i++) S[i] = Y.data[i]! - off[i % d]!;

    // transition: S[1:] ≈ S[:-1] Aᵀ
    const S1 = S.subarray(0, (n - 1) * d);
    const S2 = S.subarray(d);
    const AtM = lstsq({ data: S1, rows: n - 1, cols: d }, { data: S2, rows: n - 1, cols: d }); // (D, D) = Aᵀ
    const At = AtM.data;
    const A = transpose(AtM).data;
    const W = residualCov(S1, S2, At, n - 1, d, d, (n - 1) * this.C);
    // observation: Z ≈ S Hᵀ
    const Ht = lstsq({ data: S, rows: n, cols: d }, { data: Z, rows: n, cols: k }).data; // (D, K) = Hᵀ
    const Hk = new Float64Array(k * d);
    for (let a = 0; a < d; a++) for (let j = 0; j < k; j++) Hk[j * d + a] = Ht[a * k + j]!;
    const Qk = residualCov(S, Z, Ht, n, d, k, n);

    // Q⁻¹ H: Cholesky when Q has full rank (the eigendecomposition only decides that), else pinv
    const QkM = { data: Qk, rows: k, cols: k };
    const ph = pinvh(QkM);
    let QiHk: Float64Array | null = null;
    if (ph.rank === k) {
      try {
        QiHk = solveSPD(QkM, { data: Hk, rows: k, cols: d }).data;
      } catch (e) {
        if (!(e instanceof ArgumentError)) throw e; // a pivot lost to rounding: the pseudo-inverse below
      }
    }
    const pseudo = QiHk === null;
    if (pseudo) {
      if (this.rankDeficient === 'error') throw new ArgumentError(`${op}: the neural noise covariance Q has rank ${ph.rank} for ${k} units (duplicated or collinear units, or fewer training bins than units); drop them or use rankDeficient 'pinv'`);
      QiHk = new Float64Array(k * d);
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
        const p = ph.inverse.data[i * k + j]!;
        if (p !== 0) for (let a = 0; a < d; a++) QiHk[i * d + a] += p * Hk[j * d + a]!;
      }
    }
    const M = new Float64Array(d * d);
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += Hk[j * d + a]! * QiHk![j * d + b]!;
      M[a * d + b] = s;
    }
    // back to all F units: dropped units get zero rows (and are ignored by the filter)
    const H = new Float64Array(f * d);
    const QiH = new Float64Array(f * d);
    const Q = new Float64Array(f * f);
    for (let c = 0; c < k; c++) {
      const j = kept[c]!;
      H.set(Hk.subarray(c * d, (c + 1) * d), j * d);
      QiH.set(QiHk!.subarray(c * d, (c + 1) * d), j * d);
      for (let e = 0; e < k; e++) Q[j * f + kept[e]!] = Qk[c * k + e]!;
    }
    this.droppedUnits = dropped;
    this.duplicateUnits = duplicateColumns(X.data, n, f, isDropped);
    this.observationRank = ph.rank;
    this.pseudoInverse = pseudo;
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

  /** The fitted arrays (copies), for saving; rebuild with KalmanFilter.fromFitted. */
  fitted(): KalmanFitted {
    if (!this.A || !this.QiH || !this.M || !this.offset) throw notFitted('KalmanFilter.fitted');
    const m = (x: Matrix): Matrix => ({ data: x.data.slice(), rows: x.rows, cols: x.cols });
    return {
      A: m(this.A), W: m(this.W!), H: m(this.H!), Q: m(this.Q!), stateMean: this.stateMean!.slice(), neuralMean: this.neuralMean!.slice(),
      offset: this.offset.slice(), QiH: this.QiH.slice(), M: this.M.slice(), droppedUnits: [...this.droppedUnits], observationRank: this.observationRank, pseudoInverse: this.pseudoInverse,
    };
  }

  /** A fitted filter from saved arrays (shapes checked: a mismatch is a ShapeError); it filters exactly as the one saved. */
  static fromFitted(f: KalmanFitted, opts: KalmanFilterOptions = {}): KalmanFilter {
    const d = f.A.rows;
    const n = f.H.rows;
    const want: [string, number, number][] = [
      ['A', f.A.data.length, d * d], ['W', f.W.data.length, d * d], ['H', f.H.data.length, n * d], ['Q', f.Q.data.length, n * n],
      ['stateMean', f.stateMean.length, d], ['neuralMean', f.neuralMean.length, n], ['offset', f.offset.length, d], ['QiH', f.QiH.length, n * d], ['M', f.M.length, d * d],
    ];
    for (const [k, got, exp] of want) if (got !== exp) throw new ShapeError(`KalmanFilter.fromFitted: '${k}' has ${got} values, expected ${exp} for ${d} states and ${n} units`);
    if (f.A.cols !== d || f.H.cols !== d || d < 1 || n < 1) throw new ShapeError(`KalmanFilter.fromFitted: A is ${f.A.rows}×${f.A.cols} and H ${f.H.rows}×${f.H.cols}; expected D×D and F×D`);
    const k = new KalmanFilter(opts);
    const g = f;
    k.A = g.A; k.W = g.W; k.H = g.H; k.Q = g.Q;
    k.stateMean = g.stateMean; k.neuralMean = g.neuralMean; k.offset = g.offset; k.QiH = g.QiH; k.M = g.M;
    k.droppedUnits = [...g.droppedUnits]; k.observationRank = g.observationRank; k.pseudoInverse = g.pseudoInverse;
    k.reset();
    return k;
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
    const Ti = inv({ data: T, rows: d, cols: d }).data;
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

/** Columns of a row-major (n, f) buffer whose values are all equal. */
function silentColumns(x: Float64Array, n: number, f: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < f; j++) {
    const v = x[j]!;
    let i = 1;
    while (i < n && x[i * f + j] === v) i++;
    if (i === n) out.push(j);
  }
  return out;
}

/** [column, first earlier identical column] for each repeated column (skipping `skip`ped ones). */
function duplicateColumns(x: Float64Array, n: number, f: number, skip: Uint8Array): [number, number][] {
  const out: [number, number][] = [];
  const firstOf = new Map<string, number[]>(); // a cheap key (sum, sum of squares) → candidates
  for (let j = 0; j < f; j++) {
    if (skip[j]) continue;
    let s = 0, q = 0;
    for (let i = 0; i < n; i++) { const v = x[i * f + j]!; s += v; q += v * v * ((i % 7) + 1); }
    const key = `${s}:${q}`;
    const cands = firstOf.get(key) ?? [];
    const same = cands.find((c) => { for (let i = 0; i < n; i++) if (x[i * f + c] !== x[i * f + j]) return false; return true; });
    if (same !== undefined) out.push([j, same]);
    else firstOf.set(key, [...cands, j]);
  }
  return out;
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
