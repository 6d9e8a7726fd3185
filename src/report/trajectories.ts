// Cursor trajectories of a centre-out session as an SVG: the target circles, and each trial's
// path from its start to the acquiring entry (grey when the trial failed). Square data
// coordinates, y up.

import { esc } from './svg.js';

type Pt = readonly [number, number];

export interface TrajectoryOptions {
  title: string;
  targets: readonly Pt[];
  targetRadius: number;
  trials: readonly { path: readonly Pt[]; success: boolean }[];
  /** Half-width of the square shown, in task units (default: the farthest target + 2 radii). */
  extent?: number;
  size?: number;
}

export function trajectoriesSvg(o: TrajectoryOptions): string {
  const size = o.size ?? 300, pad = 8;
  const ext = o.extent ?? Math.max(1, ...o.targets.map(([x, y]) => Math.hypot(x, y))) + 2 * o.targetRadius;
  const sx = (x: number) => pad + ((x + ext) / (2 * ext)) * (size - 2 * pad);
  const sy = (y: number) => pad + ((ext - y) / (2 * ext)) * (size - 2 * pad);
  const r = (o.targetRadius / (2 * ext)) * (size - 2 * pad);
  const circles = o.targets.map(([x, y]) => `<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="${r.toFixed(1)}" fill="#dfe9f5" stroke="#7a9cc6"/>`).join('');
  const paths = o.trials.map((t) => {
    if (t.path.length < 2) return '';
    const d = t.path.map(([x, y], i) => `${i ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
    return `<path d="${d}" fill="none" stroke="${t.success ? '#c0392b' : '#999'}" stroke-width="1" opacity="0.7"/>`;
  }).join('');
  return `<figure><svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}"><rect width="${size}" height="${size}" fill="#fafafa" stroke="#ccc"/>${circles}${paths}</svg><figcaption>${esc(o.title)}</figcaption></figure>`;
}
