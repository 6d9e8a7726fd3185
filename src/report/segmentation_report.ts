// The report of `dendrite segment`: T1 slices with the labels overlaid (PNG), a legend, the
// per-label volumes, timings and settings.

import { ArgumentError, ShapeError } from '../errors.js';
import { base64, encodeRgbPng } from './png.js';
import { htmlPage, settingsTable } from './page.js';
import { esc } from './svg.js';

export type Rgb = [number, number, number];

/**
 * A grey image (height × width, row-major) with `labels` blended in: label 0 stays grey, label k
 * is mixed with colors[k] at `alpha`. Returns height × width × 3 RGB.
 */
export function overlayRgb(gray: Uint8Array, labels: Uint8Array, colors: readonly Rgb[], alpha = 0.45): Uint8Array {
  if (gray.length !== labels.length) throw new ShapeError(`overlayRgb: ${gray.length} grey pixels, ${labels.length} labels`);
  if (!(alpha >= 0 && alpha <= 1)) throw new ArgumentError(`overlayRgb: alpha ${alpha} must be in [0, 1]`);
  const out = new Uint8Array(gray.length * 3);
  for (let p = 0; p < gray.length; p++) {
    const g = gray[p]!, l = labels[p]!;
    const c = l === 0 ? undefined : colors[l];
    if (l !== 0 && c === undefined) throw new ArgumentError(`overlayRgb: label ${l} has no colour (${colors.length} colours)`);
    for (let ch = 0; ch < 3; ch++) out[3 * p + ch] = c ? Math.round((1 - alpha) * g + alpha * c[ch]!) : g;
  }
  return out;
}

/** Distinct colours for `n` classes when a model ships none: class 0 black, the rest spread in hue. */
export function defaultColors(n: number): Rgb[] {
  const out: Rgb[] = [[0, 0, 0]];
  for (let k = 1; k < n; k++) {
    const h = ((k - 1) * 0.618033988749895) % 1, s = 0.75, v = 0.95;
    const i = Math.floor(h * 6), f = h * 6 - i, p = v * (1 - s), q = v * (1 - f * s), t = v * (1 - (1 - f) * s);
    const [r, g, b] = [[v, t, p], [q, v, p], [p, v, t], [p, q, v], [t, p, v], [v, p, q]][i % 6]!;
    out.push([Math.round(r! * 255), Math.round(g! * 255), Math.round(b! * 255)]);
  }
  return out;
}

export interface SliceImage {
  caption: string;
  width: number;
  height: number;
  rgb: Uint8Array;
}

export interface SegmentationReport {
  title: string;
  settings: [string, string][];
  slices: SliceImage[];
  classes: { label: number; name: string; color: Rgb; voxels: number; mm3: number }[];
  timings: [string, number][];
  notes: string[];
}

export function segmentationReportHtml(r: SegmentationReport): string {
  const css = (c: Rgb) => `rgb(${c[0]},${c[1]},${c[2]})`;
  const figures = r.slices.map((s) => `<figure><img class="filter" width="${s.width}" height="${s.height}" alt="${esc(s.caption)}" src="data:image/png;base64,${base64(encodeRgbPng(s.width, s.height, s.rgb))}"><figcaption>${esc(s.caption)}</figcaption></figure>`);
  const rows = r.classes.map((c) => `<tr><td><span style="display:inline-block;width:1em;height:1em;background:${css(c.color)};border:1px solid #999;vertical-align:middle"></span> ${c.label}</td><td style="text-align:left">${esc(c.name)}</td><td>${c.voxels}</td><td>${(c.mm3 / 1000).toFixed(2)}</td></tr>`);
  const total = r.timings.reduce((a, [, s]) => a + s, 0);
  const body = `<h2>Slices</h2><div class="row">${figures.join('')}</div>
<h2>Labels</h2><table><tr><th>label</th><th>class</th><th>voxels</th><th>volume (cm³)</th></tr>${rows.join('')}</table>
<h2>Timings</h2><table><tr><th>step</th><th>seconds</th></tr>${r.timings.map(([k, s]) => `<tr><td>${esc(k)}</td><td>${s.toFixed(2)}</td></tr>`).join('')}<tr><td>total</td><td>${total.toFixed(2)}</td></tr></table>
<h2>Settings</h2>${settingsTable(r.settings)}
${r.notes.map((n) => `<p>${esc(n)}</p>`).join('\n')}
`;
  return htmlPage(r.title, body);
}
