// Histograms as inline SVG: several distributions over the same bins, each as the fraction of its
// values per bin (so samples of different sizes compare), drawn as outlined steps over filled
// bars for the first (reference) series. Values outside the bins are clipped into the end bins,
// as Brain-Score does before its KS similarity.

import { ArgumentError } from '../errors.js';
import { esc, niceTicks, tickLabel } from './svg.js';

export interface HistogramSeries {
  name: string;
  color: string;
  values: readonly number[];
}

export interface HistogramOptions {
  /** Bin edges, ascending. */
  edges: readonly number[];
  series: readonly HistogramSeries[];
  xLabel: string;
  /** Default 'fraction of units'. */
  yLabel?: string;
  width?: number;
  height?: number;
  /** A vertical marker line (e.g. F1/F0 = 1). */
  marker?: number;
}

/** Fraction of the finite values in each bin (clipped into range; last bin closed). */
export function binFractions(values: readonly number[], edges: readonly number[]): number[] {
  const nb = edges.length - 1;
  if (nb < 1) throw new ArgumentError(`binFractions: ${edges.length} edges; need at least 2`);
  for (let i = 0; i < nb; i++) if (!(edges[i + 1]! > edges[i]!)) throw new ArgumentError(`binFractions: edges must increase (edge ${i + 1} = ${edges[i + 1]} after ${edges[i]})`);
  const c = new Array<number>(nb).fill(0);
  let n = 0;
  for (const v0 of values) {
    if (!Number.isFinite(v0)) continue;
    const v = Math.min(edges[nb]!, Math.max(edges[0]!, v0));
    let b = 0;
    while (b < nb - 1 && v >= edges[b + 1]!) b++;
    c[b]!++; n++;
  }
  return n ? c.map((v) => v / n) : c;
}

export function histogramSvg(o: HistogramOptions): string {
  const W = o.width ?? 420, H = o.height ?? 260, L = 48, R = 12, T = 14, B = 42;
  const e = o.edges, lo = e[0]!, hi = e[e.length - 1]!;
  const fr = o.series.map((s) => binFractions(s.values, e));
  const top = Math.max(0.05, ...fr.flat());
  const yt = niceTicks(0, top, 4), ymax = yt[yt.length - 1]!;
  const X = (v: number) => L + ((v - lo) / (hi - lo)) * (W - L - R);
  const Y = (v: number) => H - B - (v / ymax) * (H - T - B);
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-size="11">`];
  parts.push(`<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#444"/><line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="#444"/>`);
  const ystep = yt.length > 1 ? yt[1]! - yt[0]! : 1;
  for (const t of yt) parts.push(`<text x="${L - 4}" y="${Y(t) + 4}" text-anchor="end">${tickLabel(t, ystep)}</text><line x1="${L - 3}" y1="${Y(t)}" x2="${L}" y2="${Y(t)}" stroke="#444"/>`);
  const xt = niceTicks(lo, hi, 5), xstep = xt.length > 1 ? xt[1]! - xt[0]! : 1;
  for (const t of xt) if (t >= lo && t <= hi) parts.push(`<text x="${X(t)}" y="${H - B + 14}" text-anchor="middle">${tickLabel(t, xstep)}</text>`);
  parts.push(`<text x="${(L + W - R) / 2}" y="${H - 6}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  parts.push(`<text transform="translate(12 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel ?? 'fraction of units')}</text>`);
  fr.forEach((f, si) => {
    const s = o.series[si]!;
    if (si === 0) {
      f.forEach((v, b) => parts.push(`<rect x="${X(e[b]!)}" y="${Y(v)}" width="${X(e[b + 1]!) - X(e[b]!)}" height="${H - B - Y(v)}" fill="${s.color}" fill-opacity="0.35"/>`));
    } else {
      let d = `M${X(lo)} ${Y(0)}`;
      f.forEach((v, b) => { d += ` L${X(e[b]!)} ${Y(v)} L${X(e[b + 1]!)} ${Y(v)}`; });
      d += ` L${X(hi)} ${Y(0)}`;
      parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    }
    parts.push(`<rect x="${W - R - 150}" y="${T + 4 + 14 * si}" width="10" height="10" fill="${s.color}"/><text x="${W - R - 136}" y="${T + 13 + 14 * si}">${esc(s.name)} (n=${s.values.filter(Number.isFinite).length})</text>`);
  });
  if (o.marker !== undefined && o.marker > lo && o.marker < hi) parts.push(`<line x1="${X(o.marker)}" y1="${T}" x2="${X(o.marker)}" y2="${H - B}" stroke="#888" stroke-dasharray="4 3"/>`);
  parts.push('</svg>');
  return parts.join('');
}
