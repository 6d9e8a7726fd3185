// Butterworth IIR design as scipy.signal.butter: analog prototype (buttap), frequency
// transform (lp2lp/lp2hp/lp2bp/lp2bs_zpk), bilinear transform with pre-warping, and scipy's
// zpk2sos pairing ('nearest'), so the second-order sections come out in scipy's order.

import { ArgumentError } from '../errors.js';

/** A complex number. */
export type Cx = [number, number];
/** Zeros, poles and gain. */
export interface Zpk { z: Cx[]; p: Cx[]; k: number }
/** Second-order sections: one row [b0, b1, b2, a0, a1, a2] per section (scipy's (n, 6) array). */
export type Sos = Float64Array[];
export type BType = 'lowpass' | 'highpass' | 'bandpass' | 'bandstop';

const add = (a: Cx, b: Cx): Cx => [a[0] + b[0], a[1] + b[1]];
const sub = (a: Cx, b: Cx): Cx => [a[0] - b[0], a[1] - b[1]];
const mul = (a: Cx, b: Cx): Cx => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
const div = (a: Cx, b: Cx): Cx => {
  // Smith's algorithm, as numpy
  const [c, d] = b;
  if (Math.abs(c) >= Math.abs(d)) {
    const r = d / c;
    const den = c + d * r;
    return [(a[0] + a[1] * r) / den, (a[1] - a[0] * r) / den];
  }
  const r = c / d;
  const den = c * r + d;
  return [(a[0] * r + a[1]) / den, (a[1] * r - a[0]) / den];
};
const scale = (a: Cx, s: number): Cx => [a[0] * s, a[1] * s];
const cabs = (a: Cx): number => Math.hypot(a[0], a[1]);
const csqrt = (a: Cx): Cx => {
  const [x, y] = a;
  if (x === 0 && y === 0) return [0, y];
  const t = Math.sqrt((Math.abs(x) + cabs(a)) / 2);
  if (x >= 0) return [t, y / (2 * t)];
  return [Math.abs(y) / (2 * t), y < 0 || Object.is(y, -0) ? -t : t];
};
const prod = (xs: Cx[]): Cx => xs.reduce((acc, v) => mul(acc, v), [1, 0] as Cx);
const isReal = (a: Cx): boolean => a[1] === 0;

/** scipy.signal.buttap(N): analog prototype poles on the unit circle, no zeros. */
export function buttap(n: number): Zpk {
  const p: Cx[] = [];
  for (let m = -n + 1; m < n; m += 2) {
    const a = (Math.PI * m) / (2 * n);
    p.push([-Math.cos(a), -Math.sin(a)]);
  }
  return { z: [], p, k: 1 };
}

function lp2lp({ z, p, k }: Zpk, wo: number): Zpk {
  const degree = p.length - z.length;
  return { z: z.map((v) => scale(v, wo)), p: p.map((v) => scale(v, wo)), k: k * wo ** degree };
}

function lp2hp({ z, p, k }: Zpk, wo: number): Zpk {
  const degree = p.length - z.length;
  const zh = z.map((v) => div([wo, 0], v));
  const ph = p.map((v) => div([wo, 0], v));
  for (let i = 0; i < degree; i++) zh.push([0, 0]);
  const kk = k * div(prod(z.map((v) => scale(v, -1))), prod(p.map((v) => scale(v, -1))))[0];
  return { z: zh, p: ph, k: kk };
}

function lp2bp({ z, p, k }: Zpk, wo: number, bw: number): Zpk {
  const degree = p.length - z.length;
  const w2: Cx = [wo * wo, 0];
  const tr = (v: Cx): [Cx, Cx] => {
    const l = scale(v, bw / 2);
    const r = csqrt(sub(mul(l, l), w2));
    return [add(l, r), sub(l, r)];
  };
  const zt = z.map(tr);
  const pt = p.map(tr);
  const zb = [...zt.map((t) => t[0]), ...zt.map((t) => t[1])];
  for (let i = 0; i < degree; i++) zb.push([0, 0]);
  return { z: zb, p: [...pt.map((t) => t[0]), ...pt.map((t) => t[1])], k: k * bw ** degree };
}

function lp2bs({ z, p, k }: Zpk, wo: number, bw: number): Zpk {
  const degree = p.length - z.length;
  const w2: Cx = [wo * wo, 0];
  const tr = (v: Cx): [Cx, Cx] => {
    const h = div([bw / 2, 0], v);
    const r = csqrt(sub(mul(h, h), w2));
    return [add(h, r), sub(h, r)];
  };
  const zt = z.map(tr);
  const pt = p.map(tr);
  const zb = [...zt.map((t) => t[0]), ...zt.map((t) => t[1])];
  for (let i = 0; i < degree; i++) zb.push([0, wo]);
  for (let i = 0; i < degree; i++) zb.push([0, -wo]);
  const kk = k * div(prod(z.map((v) => scale(v, -1))), prod(p.map((v) => scale(v, -1))))[0];
  return { z: zb, p: [...pt.map((t) => t[0]), ...pt.map((t) => t[1])], k: kk };
}

/** scipy.signal.bilinear_zpk. */
export function bilinearZpk({ z, p, k }: Zpk, fs: number): Zpk {
  const degree = p.length - z.length;
  const fs2: Cx = [2 * fs, 0];
  const zz = z.map((v) => div(add(fs2, v), sub(fs2, v)));
  const pz = p.map((v) => div(add(fs2, v), sub(fs2, v)));
  for (let i = 0; i < degree; i++) zz.push([-1, 0]);
  const kz = k * div(prod(z.map((v) => sub(fs2, v))), prod(p.map((v) => sub(fs2, v))))[0];
  return { z: zz, p: pz, k: kz };
}

// scipy's _cplxreal: one of each conjugate pair (positive imaginary part, averaged with its
// partner), then the real values; sorted by real part, then |imag|.
function cplxreal(zs: Cx[]): Cx[] {
  if (zs.length === 0) return [];
  const tol = 100 * 2.220446049250313e-16;
  const z = [...zs].sort((a, b) => a[0] - b[0] || Math.abs(a[1]) - Math.abs(b[1]));
  const realMask = z.map((v) => Math.abs(v[1]) <= tol * cabs(v));
  const zr = z.filter((_, i) => realMask[i]).map((v) => v[0]);
  const zc = z.filter((_, i) => !realMask[i]);
  const zp = zc.filter((v) => v[1] > 0);
  const zn = zc.filter((v) => v[1] < 0);
  if (zp.length !== zn.length) throw new ArgumentError('zpk2sos: a complex value has no matching conjugate');
  // runs of (approximately) equal real part: sort each by |imag|
  const sameReal = zp.slice(1).map((v, i) => v[0] - zp[i]![0] <= tol * cabs(zp[i]!));
  let i = 0;
  while (i < sameReal.length) {
    if (!sameReal[i]) { i++; continue; }
    let j = i;
    while (j < sameReal.length && sameReal[j]) j++;
    for (const chunk of [zp, zn]) {
      const part = chunk.slice(i, j + 1).sort((a, b) => Math.abs(a[1]) - Math.abs(b[1]));
      chunk.splice(i, part.length, ...part);
    }
    i = j + 1;
  }
  const out: Cx[] = zp.map((v, idx) => [(v[0] + zn[idx]![0]) / 2, (v[1] - zn[idx]![1]) / 2]);
  for (const r of zr) out.push([r, 0]);
  return out;
}

// argsort of |fro - to| (stable), then the first matching real/complex/any
function nearestIdx(fro: Cx[], to: Cx, which: 'real' | 'complex' | 'any'): number {
  const order = fro.map((_, i) => i).sort((a, b) => cabs(sub(fro[a]!, to)) - cabs(sub(fro[b]!, to)) || a - b);
  if (which === 'any') return order[0]!;
  const idx = order.find((i) => isReal(fro[i]!) === (which === 'real'));
  if (idx === undefined) throw new ArgumentError(`zpk2sos: no ${which} zero left to pair`);
  return idx;
}

// numpy.poly on up to two roots, real part when they are a conjugate pair or real
function polyReal(r: Cx[]): number[] {
  let c: Cx[] = [[1, 0]];
  for (const v of r) {
    const next: Cx[] = c.map(() => [0, 0] as Cx).concat([[0, 0]]);
    for (let i = 0; i < c.length; i++) {
      next[i] = add(next[i]!, c[i]!);
      next[i + 1] = add(next[i + 1]!, mul(c[i]!, scale(v, -1)));
    }
    c = next;
  }
  return c.map((v) => v[0]);
}

function singleSos(z: Cx[], p: Cx[]): Float64Array {
  const sos = new Float64Array(6);
  const b = polyReal(z);
  const a = polyReal(p);
  sos.set(b, 3 - b.length);
  sos.set(a, 6 - a.length);
  return sos;
}

/** scipy.signal.zpk2sos(z, p, k, pairing='nearest') for digital filters. */
export function zpk2sos({ z: z0, p: p0, k }: Zpk): Sos {
  if (z0.length === 0 && p0.length === 0) return [new Float64Array([k, 0, 0, 1, 0, 0])];
  let p = [...p0];
  let z = [...z0];
  while (p.length < z.length) p.push([0, 0]);
  while (z.length < p.length) z.push([0, 0]);
  const nSections = (Math.max(p.length, z.length) + 1) >> 1;
  if (p.length % 2 === 1) { p.push([0, 0]); z.push([0, 0]); }
  z = cplxreal(z);
  p = cplxreal(p);
  const idxWorst = (ps: Cx[]): number => {
    let best = 0;
    let bv = Infinity;
    ps.forEach((v, i) => { const d = Math.abs(1 - cabs(v)); if (d < bv) { bv = d; best = i; } });
    return best;
  };
  const take = (arr: Cx[], i: number): Cx => arr.splice(i, 1)[0]!;
  const conj = (v: Cx): Cx => [v[0], -v[1]];
  const sos: Sos = Array.from({ length: nSections }, () => new Float64Array(6));
  for (let si = nSections - 1; si >= 0; si--) {
    const p1 = take(p, idxWorst(p));
    const nRealP = p.filter(isReal).length;
    if (isReal(p1) && nRealP === 0) {
      const z1 = take(z, nearestIdx(z, p1, 'real'));
      sos[si] = singleSos([z1, [0, 0]], [p1, [0, 0]]);
    } else if (p.length + 1 === z.length && !isReal(p1) && nRealP === 1 && z.filter(isReal).length === 1) {
      const z1 = take(z, nearestIdx(z, p1, 'complex'));
      sos[si] = singleSos([z1, conj(z1)], [p1, conj(p1)]);
    } else {
      let p2: Cx;
      if (isReal(p1)) {
        const realIdx = p.map((v, i) => (isReal(v) ? i : -1)).filter((i) => i >= 0);
        p2 = take(p, realIdx[idxWorst(realIdx.map((i) => p[i]!))]!);
      } else p2 = conj(p1);
      if (z.length > 0) {
        const z1 = take(z, nearestIdx(z, p1, 'any'));
        if (!isReal(z1)) sos[si] = singleSos([z1, conj(z1)], [p1, p2]);
        else if (z.length > 0) {
          const z2 = take(z, nearestIdx(z, p1, 'real'));
          sos[si] = singleSos([z1, z2], [p1, p2]);
        } else sos[si] = singleSos([z1], [p1, p2]);
      } else sos[si] = singleSos([], [p1, p2]);
    }
  }
  for (let j = 0; j < 3; j++) sos[0]![j] = sos[0]![j]! * k;
  return sos;
}

/** scipy.signal.zpk2tf: polynomial coefficients b (numerator) and a (denominator). */
export function zpk2tf({ z, p, k }: Zpk): { b: Float64Array; a: Float64Array } {
  return { b: Float64Array.from(polyReal(z), (v) => v * k), a: Float64Array.from(polyReal(p)) };
}

const BTYPES: Record<string, BType> = {
  lowpass: 'lowpass', low: 'lowpass', l: 'lowpass', lp: 'lowpass',
  highpass: 'highpass', high: 'highpass', h: 'highpass', hp: 'highpass',
  bandpass: 'bandpass', band: 'bandpass', pass: 'bandpass', bp: 'bandpass',
  bandstop: 'bandstop', stop: 'bandstop', bs: 'bandstop', bands: 'bandstop',
};

export interface ButterOptions<O extends 'sos' | 'zpk' | 'ba'> {
  /** Sampling frequency; Wn is then in the same units (Hz). Default: Wn relative to Nyquist. */
  fs?: number;
  /** 'ba' (scipy's default), 'sos' (recommended for filtering) or 'zpk'. */
  output?: O;
}

/**
 * scipy.signal.butter(N, Wn, btype, fs=..., output=...): digital Butterworth filter.
 * Wn: one frequency (low/high-pass) or [low, high] (band-pass/stop).
 */
export function butter(order: number, wn: number | readonly [number, number], btype: BType | 'low' | 'high' | 'band' | 'stop', opts: ButterOptions<'sos'> & { output: 'sos' }): Sos;
export function butter(order: number, wn: number | readonly [number, number], btype: BType | 'low' | 'high' | 'band' | 'stop', opts: ButterOptions<'zpk'> & { output: 'zpk' }): Zpk;
export function butter(order: number, wn: number | readonly [number, number], btype?: BType | 'low' | 'high' | 'band' | 'stop', opts?: ButterOptions<'ba'>): { b: Float64Array; a: Float64Array };
export function butter(order: number, wn: number | readonly [number, number], btype: string = 'lowpass',
  opts: ButterOptions<'sos' | 'zpk' | 'ba'> = {}): Sos | Zpk | { b: Float64Array; a: Float64Array } {
  if (!Number.isInteger(order) || order < 0) throw new ArgumentError(`butter: filter order must be a non-negative integer, got ${order}`);
  const bt = BTYPES[btype];
  if (!bt) throw new ArgumentError(`butter: '${btype}' is an invalid band type`);
  let w = typeof wn === 'number' ? [wn] : [...wn];
  if (opts.fs !== undefined) w = w.map((v) => (2 * v) / opts.fs!);
  if (w.some((v) => !(v > 0))) throw new ArgumentError(`butter: critical frequencies must be greater than 0, got ${JSON.stringify(wn)}`);
  if (w.length > 1 && !(w[0]! < w[1]!)) throw new ArgumentError(`butter: Wn[0] must be less than Wn[1], got ${JSON.stringify(wn)}`);
  if (w.some((v) => v >= 1)) {
    throw new ArgumentError(opts.fs !== undefined ? `butter: critical frequencies must be 0 < Wn < fs/2 (fs=${opts.fs} -> fs/2=${opts.fs / 2}), got ${JSON.stringify(wn)}` : `butter: critical frequencies must be 0 < Wn < 1, got ${JSON.stringify(wn)}`);
  }
  const fs = 2.0;
  const warped = w.map((v) => 2 * fs * Math.tan((Math.PI * v) / fs));
  let zpk = buttap(order);
  if (bt === 'lowpass' || bt === 'highpass') {
    if (w.length !== 1) throw new ArgumentError(`butter: a ${bt} filter takes a single critical frequency, got ${JSON.stringify(wn)}`);
    zpk = bt === 'lowpass' ? lp2lp(zpk, warped[0]!) : lp2hp(zpk, warped[0]!);
  } else {
    if (w.length !== 2) throw new ArgumentError(`butter: a ${bt} filter takes [low, high], got ${JSON.stringify(wn)}`);
    const bw = warped[1]! - warped[0]!;
    const wo = Math.sqrt(warped[0]! * warped[1]!);
    zpk = bt === 'bandpass' ? lp2bp(zpk, wo, bw) : lp2bs(zpk, wo, bw);
  }
  zpk = bilinearZpk(zpk, fs);
  const output = opts.output ?? 'ba';
  if (output === 'zpk') return zpk;
  if (output === 'sos') return zpk2sos(zpk);
  if (output === 'ba') return zpk2tf(zpk);
  throw new ArgumentError(`butter: '${String(output)}' is not a valid output form (ba, zpk, sos)`);
}
