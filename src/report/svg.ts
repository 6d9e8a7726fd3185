// SVG building blocks for reports: escaping, axis ticks and a line chart with axes, tick labels
// and axis titles. Every series is drawn even when it has a single point (a marker, not a line).

export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Evenly spaced "nice" tick values (steps of 1, 2 or 5 × 10^k) covering [lo, hi], about `n` of them. */
export function niceTicks(lo: number, hi: number, n = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) {
    const d = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= d;
    hi += d;
  }
  const raw = (hi - lo) / Math.max(1, n);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  const ticks: number[] = [];
  for (let k = first; k <= last; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/** A tick label: as many decimals as the tick step needs, an exponent for extreme magnitudes. */
export function tickLabel(v: number, step: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(1);
  const decimals = step > 0 ? Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9))) : 2;
  return v.toFixed(decimals);
}

export interface Series {
  name: string;
  color: string;
  /** [x, y] pairs; a null or non-finite y leaves a gap. */
  points: readonly (readonly [number, number | null])[];
}

export interface LineChartOptions {
  series: readonly Series[];
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  /** Fixed y range (e.g. [0, 1] for accuracies); by default the data's range, widened to ticks. */
  yRange?: readonly [number, number];
  /** Only whole-number x ticks (epochs, bins). */
  xIntegers?: boolean;
  /** Draw a marker at every point when a series has at most this many (default 60). */
  markersUpTo?: number;
  /** Format of y tick labels (default: tickLabel). */
  yFormat?: (v: number, step: number) => string;
}

type Pt = readonly [number, number];

/** A line chart with x and y axes (ticks, tick labels, titles), a legend and one polyline per series. */
export function lineChart(o: LineChartOptions): string {
  const W = o.width ?? 440, H = o.height ?? 220;
  const L = 58, R = 12, T = 26, B = 40;
  const pw = W - L - R, ph = H - T - B;
  const finite: Pt[][] = o.series.map((s) => s.points.filter((p): p is Pt => p[1] !== null && Number.isFinite(p[0]) && Number.isFinite(p[1])));
  const all = finite.flat();
  let [x0, x1] = all.length ? [Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0]))] : [0, 1];
  if (x0 === x1) [x0, x1] = o.xIntegers ? [x0 - 1, x1 + 1] : [x0 - 0.5, x1 + 0.5];
  let xt = niceTicks(x0, x1, 6);
  if (o.xIntegers) xt = xt.filter((v) => Number.isInteger(v));
  let y0: number, y1: number, yt: number[];
  if (o.yRange) {
    [y0, y1] = o.yRange;
    yt = niceTicks(y0, y1, 5).filter((v) => v >= y0 - 1e-12 && v <= y1 + 1e-12);
  } else {
    const ys = all.map((p) => p[1]);
    yt = niceTicks(ys.length ? Math.min(...ys) : 0, ys.length ? Math.max(...ys) : 1, 5);
    [y0, y1] = [yt[0]!, yt[yt.length - 1]!];
  }
  if (y0 === y1) [y0, y1] = [y0 - 1, y1 + 1];
  const xs = (x: number) => L + ((x - x0) / (x1 - x0)) * pw;
  const ys = (y: number) => T + (1 - (y - y0) / (y1 - y0)) * ph;
  const xStep = xt.length > 1 ? xt[1]! - xt[0]! : 1;
  const yStep = yt.length > 1 ? yt[1]! - yt[0]! : 1;
  const yFmt = o.yFormat ?? tickLabel;
  const f = (v: number) => v.toFixed(1);
  const parts: string[] = [`<rect x="${L}" y="${T}" width="${pw}" height="${ph}" fill="#fafafa" stroke="#bbb"/>`];
  parts.push('<g class="y-axis" font-size="11" text-anchor="end">');
  for (const v of yt) {
    const y = f(ys(v));
    parts.push(`<line x1="${L - 4}" x2="${L + pw}" y1="${y}" y2="${y}" stroke="#e2e2e2"/><text x="${L - 6}" y="${f(ys(v) + 4)}">${esc(yFmt(v, yStep))}</text>`);
  }
  parts.push('</g><g class="x-axis" font-size="11" text-anchor="middle">');
  for (const v of xt) {
    if (v < x0 - 1e-9 || v > x1 + 1e-9) continue;
    const x = f(xs(v));
    parts.push(`<line x1="${x}" x2="${x}" y1="${T + ph}" y2="${T + ph + 4}" stroke="#888"/><text x="${x}" y="${T + ph + 16}">${esc(tickLabel(v, xStep))}</text>`);
  }
  parts.push('</g>');
  parts.push(`<text class="x-label" x="${L + pw / 2}" y="${H - 6}" text-anchor="middle" font-size="12">${esc(o.xLabel)}</text>`);
  parts.push(`<text class="y-label" x="14" y="${T + ph / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 14 ${T + ph / 2})">${esc(o.yLabel)}</text>`);
  const markersUpTo = o.markersUpTo ?? 60;
  o.series.forEach((s, i) => {
    const pts = finite[i]!;
    if (pts.length === 0) return;
    const coords = pts.map(([x, y]) => `${f(xs(x))},${f(ys(y))}`);
    const g = [`<g class="series" data-name="${esc(s.name)}"><title>${esc(s.name)}</title>`];
    if (pts.length > 1) g.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1.5" points="${coords.join(' ')}"/>`);
    if (pts.length <= markersUpTo) for (const [x, y] of pts) g.push(`<circle cx="${f(xs(x))}" cy="${f(ys(y))}" r="3" fill="${s.color}"/>`);
    g.push('</g>');
    parts.push(g.join(''));
  });
  let lx = L;
  for (const s of o.series) {
    parts.push(`<text x="${lx}" y="${T - 9}" font-size="11" fill="${s.color}">— ${esc(s.name)}</text>`);
    lx += 14 + 6.5 * (s.name.length + 2);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="${esc(`${o.yLabel} by ${o.xLabel}`)}">${parts.join('')}</svg>`;
}
