// Cascaded second-order-section IIR filtering as scipy.signal: sosfilt (causal, transposed
// direct form II, with optional state so a stream can be filtered chunk by chunk),
// sosfiltZi (steady-state initial conditions) and sosfiltfilt (forward-backward, zero phase,
// with scipy's default odd padding).

import { ArgumentError, ShapeError } from '../errors.js';
import type { Sos } from './butter.js';

function checkSos(sos: Sos, op: string): void {
  if (sos.length === 0) throw new ShapeError(`${op}: sos has no sections`);
  for (const row of sos) {
    if (row.length !== 6) throw new ShapeError(`${op}: sos must have shape (n_sections, 6), got a row of length ${row.length}`);
    if (row[3] !== 1) throw new ArgumentError(`${op}: sos[:, 3] should be all ones, got ${row[3]}`);
  }
}

/** Filter state: one [z0, z1] per section (scipy's zi of shape (n_sections, 2) for one signal). */
export type SosState = Float64Array[];

/**
 * scipy.signal.sosfilt(sos, x, zi=zi). Without `zi` returns y; with `zi` returns {y, zf}, where
 * zf is the state to pass as zi with the next chunk (online filtering).
 */
export function sosfilt(sos: Sos, x: ArrayLike<number>): Float64Array;
export function sosfilt(sos: Sos, x: ArrayLike<number>, zi: SosState): { y: Float64Array; zf: SosState };
export function sosfilt(sos: Sos, x: ArrayLike<number>, zi?: SosState): Float64Array | { y: Float64Array; zf: SosState } {
  checkSos(sos, 'sosfilt');
  const n = sos.length;
  const z = new Float64Array(2 * n);
  if (zi) {
    if (zi.length !== n || zi.some((r) => r.length !== 2)) throw new ShapeError(`sosfilt: zi must have shape (${n}, 2)`);
    for (let s = 0; s < n; s++) { z[2 * s] = zi[s]![0]!; z[2 * s + 1] = zi[s]![1]!; }
  }
  const c = new Float64Array(6 * n);
  for (let s = 0; s < n; s++) c.set(sos[s]!, 6 * s);
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    let xc = x[i]!;
    for (let s = 0; s < n; s++) {
      const o = 6 * s;
      const xn = c[o]! * xc + z[2 * s]!;
      z[2 * s] = c[o + 1]! * xc - c[o + 4]! * xn + z[2 * s + 1]!;
      z[2 * s + 1] = c[o + 2]! * xc - c[o + 5]! * xn;
      xc = xn;
    }
    y[i] = xc;
  }
  if (!zi) return y;
  const zf: SosState = [];
  for (let s = 0; s < n; s++) zf.push(new Float64Array([z[2 * s]!, z[2 * s + 1]!]));
  return { y, zf };
}

// scipy.signal.lfilter_zi for one biquad: solve (I - A^T) zi = b[1:] - a[1:] b[0]
function biquadZi(b: ArrayLike<number>, a: ArrayLike<number>): [number, number] {
  let b0 = b[0]!, b1 = b[1]!, b2 = b[2]!;
  let a1 = a[1]!, a2 = a[2]!;
  const a0 = a[0]!;
  if (a0 !== 1) { b0 /= a0; b1 /= a0; b2 /= a0; a1 /= a0; a2 /= a0; }
  // I - companion(a).T = [[1 + a1, -1], [a2, 1]]
  const m00 = 1 + a1, m01 = -1, m10 = a2, m11 = 1;
  const r0 = b1 - a1 * b0;
  const r1 = b2 - a2 * b0;
  // LU with partial pivoting, as LAPACK gesv
  if (Math.abs(m10) > Math.abs(m00)) {
    const l = m00 / m10;
    const u11 = m01 - l * m11;
    const z1 = (r0 - l * r1) / u11;
    return [(r1 - m11 * z1) / m10, z1];
  }
  const l = m10 / m00;
  const u11 = m11 - l * m01;
  const z1 = (r1 - l * r0) / u11;
  return [(r0 - m01 * z1) / m00, z1];
}

/** scipy.signal.sosfilt_zi: initial state for a step response at steady state (scale by x[0]). */
export function sosfiltZi(sos: Sos): SosState {
  checkSos(sos, 'sosfiltZi');
  const zi: SosState = [];
  let scale = 1;
  for (const row of sos) {
    const b = row.subarray(0, 3);
    const a = row.subarray(3, 6);
    const [z0, z1] = biquadZi(b, a);
    zi.push(new Float64Array([scale * z0, scale * z1]));
    scale *= (b[0]! + b[1]! + b[2]!) / (a[0]! + a[1]! + a[2]!);
  }
  return zi;
}

export type PadType = 'odd' | 'even' | 'constant' | null;

/** scipy's odd/even/constant extension of x by n samples at both ends. */
export function extendEdges(x: ArrayLike<number>, n: number, padtype: Exclude<PadType, null>): Float64Array {
  const len = x.length;
  if (n < 1) return Float64Array.from(x);
  if (n > len - 1) throw new ArgumentError(`extendEdges: the extension length ${n} is too big; it must not exceed x.length - 1 = ${len - 1}`);
  const out = new Float64Array(len + 2 * n);
  for (let i = 0; i < len; i++) out[n + i] = x[i]!;
  const x0 = x[0]!;
  const xe = x[len - 1]!;
  for (let j = 1; j <= n; j++) {
    const l = x[j]!;
    const r = x[len - 1 - j]!;
    if (padtype === 'odd') { out[n - j] = 2 * x0 - l; out[n + len - 1 + j] = 2 * xe - r; }
    else if (padtype === 'even') { out[n - j] = l; out[n + len - 1 + j] = r; }
    else { out[n - j] = x0; out[n + len - 1 + j] = xe; }
  }
  return out;
}

export interface SosfiltfiltOptions {
  /** 'odd' (default), 'even', 'constant' or null (no padding). */
  padtype?: PadType;
  /** Samples of padding at each end; default 3 * (2 * n_sections + 1 - min(#(b2 == 0), #(a2 == 0))). */
  padlen?: number;
}

/** scipy.signal.sosfiltfilt(sos, x, padtype='odd', padlen=None): forward-backward zero-phase filtering. */
export function sosfiltfilt(sos: Sos, x: ArrayLike<number>, opts: SosfiltfiltOptions = {}): Float64Array {
  checkSos(sos, 'sosfiltfilt');
  const padtype = opts.padtype === undefined ? 'odd' : opts.padtype;
  let ntaps = 2 * sos.length + 1;
  ntaps -= Math.min(sos.filter((r) => r[2] === 0).length, sos.filter((r) => r[5] === 0).length);
  const edge = padtype === null ? 0 : opts.padlen ?? 3 * ntaps;
  if (x.length <= edge) throw new ArgumentError(`sosfiltfilt: the length of the input vector x must be greater than padlen, which is ${edge} (got ${x.length})`);
  const ext = padtype !== null && edge > 0 ? extendEdges(x, edge, padtype) : Float64Array.from(x);
  const zi = sosfiltZi(sos);
  const scaled = (v: number): SosState => zi.map((r) => new Float64Array([r[0]! * v, r[1]! * v]));
  const fwd = sosfilt(sos, ext, scaled(ext[0]!)).y;
  fwd.reverse();
  const bwd = sosfilt(sos, fwd, scaled(fwd[0]!)).y;
  bwd.reverse();
  return edge > 0 ? bwd.slice(edge, bwd.length - edge) : bwd;
}
