// Drawing blocks of the insight page: heat maps on a canvas (filters, feature maps, attribution
// maps, RDMs), topomaps on a canvas (biharmonic spline as the static reports use, MNE's RdBu_r
// colours), and uPlot charts for histograms and per-model bars.
import uPlot from 'uplot';
import { viridis } from '../../report/heatmap.js';
import { biharmonicSpline, rdbu } from '../../report/topomap.js';
import { el } from './layout.js';

export type Colormap = 'rdbu' | 'viridis' | 'gray';

const rgbOf = (s: string) => (s.match(/\d+/g) ?? ['0', '0', '0']).map(Number) as [number, number, number];

function colour(cmap: Colormap, t: number): [number, number, number] {
  if (cmap === 'rdbu') return rgbOf(rdbu(t));
  if (cmap === 'viridis') return viridis(t);
  const g = Math.round(255 * Math.min(1, Math.max(0, t)));
  return [g, g, g];
}

/** Colour limits: symmetric about 0 at max |v| for 'rdbu', else [min, max]. */
export function limits(values: ArrayLike<number>, cmap: Colormap): [number, number] {
  let lo = Infinity, hi = -Infinity, abs = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v); hi = Math.max(hi, v); abs = Math.max(abs, Math.abs(v));
  }
  if (cmap === 'rdbu') return abs > 0 ? [-abs, abs] : [-1, 1];
  return hi > lo ? [lo, hi] : [lo - 1, lo + 1];
}

/** A (h, w) row-major array as a canvas `scale` pixels per cell. */
export function heatCanvas(values: ArrayLike<number>, w: number, h: number, opts: { cmap?: Colormap; scale?: number; vlim?: [number, number]; title?: string } = {}): HTMLElement {
  const cmap = opts.cmap ?? 'rdbu';
  const [lo, hi] = opts.vlim ?? limits(values, cmap);
  const c = el('canvas', { width: String(w), height: String(h), class: 'ins-heat' });
  const s = opts.scale ?? 4;
  c.style.width = `${w * s}px`;
  c.style.height = `${h * s}px`;
  c.style.imageRendering = 'pixelated';
  const ctx = c.getContext('2d')!;
  const img = ctx.createImageData(w, h);
  for (let i = 0; i < w * h; i++) {
    const [r, g, b] = colour(cmap, (values[i]! - lo) / (hi - lo));
    img.data.set([r, g, b, 255], 4 * i);
  }
  ctx.putImageData(img, 0, 0);
  return el('figure', { class: 'ins-fig' }, c, opts.title ? el('figcaption', {}, opts.title) : null);
}

/** A topomap: values at 2-D electrode positions, interpolated over the disc they span ('rdbu' symmetric about 0 for signed maps, 'viridis' min to max for magnitudes). */
export function topomapCanvas(xy: readonly (readonly [number, number])[], values: ArrayLike<number>, title: string, size = 200, cmap: Colormap = 'rdbu'): HTMLElement {
  const c = el('canvas', { width: String(size), height: String(size), class: 'ins-topo' });
  const ctx = c.getContext('2d')!;
  const f = biharmonicSpline(xy, values);
  let R = 0;
  for (const [x, y] of xy) R = Math.max(R, Math.hypot(x, y));
  R *= 1.05;
  const [lo, hi] = limits(values, cmap);
  const res = 64, pad = 12, span = size - 2 * pad, cell = span / res;
  for (let j = 0; j < res; j++) {
    for (let i = 0; i < res; i++) {
      const x = -R + (2 * R * (i + 0.5)) / res, y = R - (2 * R * (j + 0.5)) / res;
      if (Math.hypot(x, y) > R) continue;
      const [r, g, b] = colour(cmap, (f(x, y) - lo) / (hi - lo));
      ctx.fillStyle = `rgb(${r},${g},${b})`;
      ctx.fillRect(pad + i * cell, pad + j * cell, cell + 0.5, cell + 0.5);
    }
  }
  const px = (x: number) => pad + ((x + R) / (2 * R)) * span, py = (y: number) => pad + ((R - y) / (2 * R)) * span;
  ctx.strokeStyle = '#1d2430';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.arc(size / 2, size / 2, span / 2, 0, 2 * Math.PI);
  ctx.stroke();
  ctx.beginPath(); // nose
  ctx.moveTo(size / 2 - 8, pad + 1);
  ctx.lineTo(size / 2, pad - 9);
  ctx.lineTo(size / 2 + 8, pad + 1);
  ctx.stroke();
  ctx.fillStyle = '#1d2430';
  for (const [x, y] of xy) ctx.fillRect(px(x) - 1, py(y) - 1, 2, 2);
  return el('figure', { class: 'ins-fig' }, c, el('figcaption', {}, title));
}

/** Histograms over shared bin edges, as fractions of each series, drawn as steps. */
export function histogramPlot(edges: readonly number[], series: { name: string; values: readonly number[]; stroke: string }[], title: string, xLabel: string): HTMLElement {
  const box = el('div', { class: 'ins-plot' });
  const x = [...edges]; // each bin drawn as a step from its left edge; the last value repeats to the right edge
  const ys = series.map((s) => {
    const counts = new Array<number>(edges.length - 1).fill(0);
    let n = 0;
    for (const v of s.values) {
      if (!Number.isFinite(v)) continue;
      let k = edges.findIndex((e, i) => i < edges.length - 1 && v >= e && v < edges[i + 1]!);
      if (k < 0 && v >= edges[edges.length - 1]!) k = edges.length - 2; // the last bin is closed, as the report's
      if (k < 0) continue;
      counts[k]!++;
      n++;
    }
    const frac = counts.map((c) => (n ? c / n : 0));
    return [...frac, frac[frac.length - 1]!];
  });
  new uPlot({
    width: 420, height: 240, title, scales: { x: { time: false } },
    series: [{ label: xLabel }, ...series.map((s) => ({ label: `${s.name} (n=${s.values.length})`, stroke: s.stroke, width: 2, paths: uPlot.paths.stepped!({ align: 1 }) }))],
    axes: [{ label: xLabel }, { label: 'fraction' }],
  }, [x, ...ys], box);
  return box;
}

/** One bar per model (value ± SE), the noise ceiling as two flat lines. */
export function modelBars(names: readonly string[], values: readonly number[], ceiling: { lower: number; upper: number }, title: string): HTMLElement {
  const box = el('div', { class: 'ins-plot' });
  const x = names.map((_, i) => i);
  new uPlot({
    width: Math.max(420, 40 * names.length), height: 260, title, scales: { x: { time: false, range: [-0.6, names.length - 0.4] } },
    series: [{ label: 'model' },
      { label: 'similarity', fill: 'rgba(37,99,235,0.6)', stroke: '#2563eb', paths: uPlot.paths.bars!({ size: [0.7, 60] }) },
      { label: 'ceiling (lower)', stroke: '#98a2b3', dash: [4, 4] }, { label: 'ceiling (upper)', stroke: '#667085', dash: [4, 4] }],
    axes: [{ splits: () => x, values: (_u, ticks) => ticks.map((t) => names[t] ?? ''), rotate: -30, size: 80 } as uPlot.Axis, { label: 'similarity' }],
  }, [x, [...values], x.map(() => ceiling.lower), x.map(() => ceiling.upper)], box);
  return box;
}
