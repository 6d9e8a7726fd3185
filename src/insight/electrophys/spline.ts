// Interpolating cubic spline with not-a-knot ends: what FITPACK's UnivariateSpline(x, y, s=0)
// builds (interior knots x[2 … n-3]), used by Brain-Score's orientation-bandwidth estimate.
// Outside [x0, xn-1] it continues the end polynomials, as UnivariateSpline's default ext=0.

import { ArgumentError } from '../../errors.js';

export interface CubicSpline {
  (t: number): number;
}

function solveDense(a: Float64Array, b: Float64Array, n: number): Float64Array {
  // Gaussian elimination with partial pivoting; n is tens, so dense is fine.
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]!) > Math.abs(a[p * n + c]!)) p = r;
    if (p !== c) {
      for (let k = 0; k < n; k++) { const t = a[c * n + k]!; a[c * n + k] = a[p * n + k]!; a[p * n + k] = t; }
      const t = b[c]!; b[c] = b[p]!; b[p] = t;
    }
    const d = a[c * n + c]!;
    for (let r = c + 1; r < n; r++) {
      const f = a[r * n + c]! / d;
      if (f === 0) continue;
      for (let k = c; k < n; k++) a[r * n + k]! -= f * a[c * n + k]!;
      b[r]! -= f * b[c]!;
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let k = r + 1; k < n; k++) s -= a[r * n + k]! * x[k]!;
    x[r] = s / a[r * n + r]!;
  }
  return x;
}

export function notAKnotSpline(x: ArrayLike<number>, y: ArrayLike<number>): CubicSpline {
  const n = x.length;
  if (n < 4 || y.length !== n) throw new ArgumentError(`notAKnotSpline: ${n} knots and ${y.length} values; need ≥ 4 of each, equal`);
  const h = new Float64Array(n - 1);
  for (let i = 0; i < n - 1; i++) {
    h[i] = x[i + 1]! - x[i]!;
    if (!(h[i]! > 0)) throw new ArgumentError(`notAKnotSpline: x must increase strictly (x[${i}]=${x[i]}, x[${i + 1}]=${x[i + 1]})`);
  }
  // Unknowns: second derivatives M at the knots.
  const a = new Float64Array(n * n), b = new Float64Array(n);
  a[0] = h[1]!; a[1] = -(h[0]! + h[1]!); a[2] = h[0]!; // third derivative continuous at x1
  for (let i = 1; i < n - 1; i++) {
    a[i * n + i - 1] = h[i - 1]!; a[i * n + i] = 2 * (h[i - 1]! + h[i]!); a[i * n + i + 1] = h[i]!;
    b[i] = 6 * ((y[i + 1]! - y[i]!) / h[i]! - (y[i]! - y[i - 1]!) / h[i - 1]!);
  }
  const l = n - 1;
  a[l * n + l - 2] = h[l - 1]!; a[l * n + l - 1] = -(h[l - 2]! + h[l - 1]!); a[l * n + l] = h[l - 2]!; // ... and at xn-2
  const m = solveDense(a, b, n);
  return (t: number): number => {
    let i = 0;
    if (t >= x[n - 2]!) i = n - 2;
    else if (t > x[0]!) { let lo = 0, hi = n - 2; while (lo < hi) { const md = (lo + hi + 1) >> 1; if (x[md]! <= t) lo = md; else hi = md - 1; } i = lo; }
    const hi = h[i]!, u = x[i + 1]! - t, v = t - x[i]!;
    return (m[i]! * u * u * u + m[i + 1]! * v * v * v) / (6 * hi) + (y[i]! / hi - (m[i]! * hi) / 6) * u + (y[i + 1]! / hi - (m[i + 1]! * hi) / 6) * v;
  };
}
