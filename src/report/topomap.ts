// Topographic maps of per-electrode values (spatial filters, CSP patterns) as SVG.
// Projection: MNE's _auto_topomap_coords (mne/channels/layout.py) with the default head sphere
// (0, 0, 0, 0.095 m): each electrode's polar angle from the sphere's top becomes its distance from
// the centre, scaled by its radius / (π/2), azimuth kept — an azimuthal equidistant projection.
// Interpolation: NOT MNE's default Clough-Tocher ('cubic') scheme but the 2-D biharmonic spline
// of Sandwell (1987), Green's function r²(ln r − 1), which EEGLAB's topoplot uses (griddata 'v4');
// it is smooth, passes through every electrode value, and extrapolates to the head disc's rim.

import { ArgumentError, ShapeError } from '../errors.js';
import { esc } from './svg.js';

export type Sphere = readonly [number, number, number, number];
/** MNE's default head sphere: origin and HEAD_SIZE_DEFAULT radius (m). */
export const DEFAULT_SPHERE: Sphere = [0, 0, 0, 0.095];

/** 2-D topomap coordinates (m) of head-frame positions (m), as MNE's _find_topomap_coords. */
export function topomapCoords(positions: readonly (readonly number[])[], sphere: Sphere = DEFAULT_SPHERE): [number, number][] {
  return positions.map((p, i) => {
    if (p.length !== 3 || !p.every(Number.isFinite)) throw new ArgumentError(`topomapCoords: position ${i} is [${p.join(', ')}], expected three finite numbers`);
    const x = p[0]! - sphere[0], y = p[1]! - sphere[1], z = p[2]! - sphere[2];
    const r = Math.hypot(x, y, z);
    const az = Math.atan2(y, x);
    const pol = Math.acos(z / (r > 0 ? r : 1));
    const d = (pol * r) / (Math.PI / 2);
    return [d * Math.cos(az) + sphere[0], d * Math.sin(az) + sphere[1]];
  });
}

const green = (r: number): number => (r > 0 ? r * r * (Math.log(r) - 1) : 0);

/** Solves A x = b in place by Gaussian elimination with partial pivoting (A: n × n row-major). */
function solve(A: Float64Array, b: Float64Array, n: number): Float64Array {
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r * n + c]!) > Math.abs(A[p * n + c]!)) p = r;
    if (Math.abs(A[p * n + c]!) < 1e-300) throw new ArgumentError(`biharmonicSpline: singular system at column ${c} (electrodes at the same 2-D position?)`);
    if (p !== c) {
      for (let k = 0; k < n; k++) [A[c * n + k], A[p * n + k]] = [A[p * n + k]!, A[c * n + k]!];
      [b[c], b[p]] = [b[p]!, b[c]!];
    }
    for (let r = c + 1; r < n; r++) {
      const f = A[r * n + c]! / A[c * n + c]!;
      if (f === 0) continue;
      for (let k = c; k < n; k++) A[r * n + k]! -= f * A[c * n + k]!;
      b[r]! -= f * b[c]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let k = r + 1; k < n; k++) s -= A[r * n + k]! * b[k]!;
    b[r] = s / A[r * n + r]!;
  }
  return b;
}

/**
 * The biharmonic spline through (xy[i], values[i]) (Sandwell 1987; MATLAB griddata 'v4'):
 * f(p) = Σ w_i g(|p − xy_i|), g(r) = r²(ln r − 1), with the weights solving f(xy_i) = values[i].
 */
export function biharmonicSpline(xy: readonly (readonly [number, number])[], values: ArrayLike<number>): (x: number, y: number) => number {
  const n = xy.length;
  if (values.length !== n) throw new ShapeError(`biharmonicSpline: ${values.length} values for ${n} electrodes`);
  // a dense n × n solve: bounded so a stray input cannot ask for gigabytes
  if (n < 3 || n > 2048) throw new ArgumentError(`biharmonicSpline: ${n} electrodes, expected 3 to 2048`);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = green(Math.hypot(xy[i]![0] - xy[j]![0], xy[i]![1] - xy[j]![1]));
  const w = solve(A, Float64Array.from(values), n);
  return (x, y) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += w[i]! * green(Math.hypot(x - xy[i]![0], y - xy[i]![1]));
    return s;
  };
}

/** MNE's default diverging map (matplotlib RdBu_r) at t ∈ [0, 1], a few anchors linearly mixed. */
const RDBU_R: [number, number, number][] = [[5, 48, 97], [33, 102, 172], [67, 147, 195], [146, 197, 222], [209, 229, 240], [247, 247, 247], [253, 219, 199], [244, 165, 130], [214, 96, 77], [178, 24, 43], [103, 0, 31]];
export function rdbu(t: number): string {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0.5)) * (RDBU_R.length - 1);
  const i = Math.min(RDBU_R.length - 2, Math.floor(u)), f = u - i;
  const c = RDBU_R[i]!.map((a, k) => Math.round(a + f * (RDBU_R[i + 1]![k]! - a)));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

export interface TopomapOptions {
  /** Channel names drawn as hover titles on the electrode dots. */
  names?: readonly string[];
  title?: string;
  /** Image side in pixels (default 220). */
  size?: number;
  /** Interpolation grid cells across the head (default 48). */
  resolution?: number;
  sphere?: Sphere;
  /** Colour limits; default symmetric about zero at the largest |value| (MNE's default for signed data). */
  vlim?: readonly [number, number];
}

/**
 * An SVG topomap: biharmonic-spline interpolation of `values` at 2-D `xy` (from topomapCoords)
 * over a disc reaching the outermost electrode, the head circle at the sphere radius, nose and
 * ears as MNE draws them (_make_head_outlines), and electrode dots.
 */
export function topomapSvg(xy: readonly (readonly [number, number])[], values: ArrayLike<number>, opts: TopomapOptions = {}): string {
  if (values.length !== xy.length) throw new ShapeError(`topomapSvg: ${values.length} values for ${xy.length} electrodes`);
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) throw new ArgumentError(`topomapSvg: value ${i}${opts.names?.[i] ? ` (${opts.names[i]})` : ''} is ${values[i]}`);
  const sphere = opts.sphere ?? DEFAULT_SPHERE;
  const size = opts.size ?? 220, res = opts.resolution ?? 48;
  if (!Number.isInteger(size) || size < 16 || size > 4096) throw new ArgumentError(`topomapSvg: size ${size}, expected an integer in [16, 4096]`);
  if (!Number.isInteger(res) || res < 4 || res > 512) throw new ArgumentError(`topomapSvg: resolution ${res}, expected an integer in [4, 512]`);
  if (opts.vlim && !(Number.isFinite(opts.vlim[0]) && Number.isFinite(opts.vlim[1]) && opts.vlim[0] < opts.vlim[1])) throw new ArgumentError(`topomapSvg: vlim [${opts.vlim.join(', ')}], expected finite lo < hi`);
  const [cx, cy, , R] = sphere;
  let reach = R;
  for (const [x, y] of xy) reach = Math.max(reach, Math.hypot(x - cx, y - cy));
  const half = Math.max(reach, R * 1.25) * 1.05; // room for nose and ears
  const px = (x: number): number => ((x - cx + half) / (2 * half)) * size;
  const py = (y: number): number => ((cy + half - y) / (2 * half)) * size;
  let vmax = 0;
  for (let i = 0; i < values.length; i++) vmax = Math.max(vmax, Math.abs(values[i]!));
  const [lo, hi] = opts.vlim ?? [-(vmax || 1), vmax || 1];
  const f = biharmonicSpline(xy, values);
  const cell = (2 * reach) / res;
  const parts: string[] = [];
  for (let r = 0; r < res; r++) {
    for (let c = 0; c < res; c++) {
      const x = cx - reach + (c + 0.5) * cell, y = cy + reach - (r + 0.5) * cell;
      if (Math.hypot(x - cx, y - cy) > reach) continue;
      const w = (cell / (2 * half)) * size;
      parts.push(`<rect x="${px(x - cell / 2).toFixed(2)}" y="${py(y + cell / 2).toFixed(2)}" width="${(w + 0.3).toFixed(2)}" height="${(w + 0.3).toFixed(2)}" fill="${rdbu((f(x, y) - lo) / (hi - lo || 1))}"/>`);
    }
  }
  const s = (v: number): string => ((v / (2 * half)) * size).toFixed(2);
  // nose and ears in units of the head radius, as MNE's _make_head_outlines
  const nose = [[-0.2094, 0.9778], [0, 1.15], [0.2094, 0.9778]].map(([x, y]) => `${px(cx + x! * R).toFixed(2)},${py(cy + y! * R).toFixed(2)}`).join(' ');
  const earX = [0.497, 0.51, 0.518, 0.5299, 0.5419, 0.54, 0.547, 0.532, 0.51, 0.489];
  const earY = [0.0555, 0.0775, 0.0783, 0.0746, 0.0555, -0.0055, -0.0932, -0.1313, -0.1384, -0.1199];
  const ear = (sign: number): string => earX.map((x, i) => `${px(cx + sign * x * 2 * R).toFixed(2)},${py(cy + earY[i]! * 2 * R).toFixed(2)}`).join(' ');
  const dots = xy.map(([x, y], i) => `<circle cx="${px(x).toFixed(2)}" cy="${py(y).toFixed(2)}" r="1.6" fill="#000">${opts.names?.[i] ? `<title>${esc(opts.names[i]!)}: ${values[i]!.toPrecision(4)}</title>` : ''}</circle>`);
  const title = opts.title ? `<text x="${size / 2}" y="12" text-anchor="middle" font-size="11" font-family="sans-serif">${esc(opts.title)}</text>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">${title}<g shape-rendering="crispEdges">${parts.join('')}</g>`
    + `<circle cx="${px(cx).toFixed(2)}" cy="${py(cy).toFixed(2)}" r="${s(R)}" fill="none" stroke="#000" stroke-width="1"/>`
    + `<polyline points="${nose}" fill="none" stroke="#000"/><polyline points="${ear(1)}" fill="none" stroke="#000"/><polyline points="${ear(-1)}" fill="none" stroke="#000"/>`
    + `${dots.join('')}</svg>`;
}
