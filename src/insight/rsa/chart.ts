// The RSA model-comparison chart: one bar per model (its similarity to the brain RDM) with a
// ±1 SE whisker, over a grey band from the lower to the upper noise-ceiling bound. Inline SVG.

import { esc, niceTicks, tickLabel } from '../../report/svg.js';
import type { ModelComparison } from './evaluate.js';

export function modelBarChartSvg(cmp: ModelComparison, opts: { width?: number; height?: number } = {}): string {
  const W = opts.width ?? Math.max(360, 70 + 46 * cmp.models.length), H = opts.height ?? 300;
  const L = 52, R = 10, T = 20, B = 110;
  const pw = W - L - R, ph = H - T - B;
  const vals = cmp.models.flatMap((m) => [m.value - m.se, m.value + m.se]).concat([cmp.noiseCeiling.lower, cmp.noiseCeiling.upper, 0]);
  const ticks = niceTicks(Math.min(...vals), Math.max(...vals), 5);
  const y0 = ticks[0]!, y1 = ticks[ticks.length - 1]!;
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : 1;
  const y = (v: number): number => T + ph - ((v - y0) / (y1 - y0 || 1)) * ph;
  const bw = pw / Math.max(1, cmp.models.length);
  const parts: string[] = [];
  parts.push(`<rect x="${L}" y="${y(cmp.noiseCeiling.upper).toFixed(1)}" width="${pw}" height="${Math.max(0, y(cmp.noiseCeiling.lower) - y(cmp.noiseCeiling.upper)).toFixed(1)}" fill="#ddd"><title>noise ceiling ${cmp.noiseCeiling.lower.toFixed(3)} – ${cmp.noiseCeiling.upper.toFixed(3)}</title></rect>`);
  for (const t of ticks) parts.push(`<line x1="${L - 4}" x2="${L}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#333"/><text x="${L - 6}" y="${(y(t) + 4).toFixed(1)}" font-size="11" text-anchor="end">${tickLabel(t, step)}</text>`);
  parts.push(`<line x1="${L}" x2="${L + pw}" y1="${y(0).toFixed(1)}" y2="${y(0).toFixed(1)}" stroke="#333"/><line x1="${L}" x2="${L}" y1="${T}" y2="${T + ph}" stroke="#333"/>`);
  cmp.models.forEach((m, i) => {
    const x = L + i * bw + bw * 0.15, w = bw * 0.7, cx = x + w / 2;
    const top = y(Math.max(0, m.value)), bot = y(Math.min(0, m.value));
    parts.push(`<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${w.toFixed(1)}" height="${Math.max(0.5, bot - top).toFixed(1)}" fill="#3b6ea5"><title>${esc(m.name)}: ${m.value.toFixed(3)} ± ${m.se.toFixed(3)}, p = ${m.p.toFixed(4)}</title></rect>`);
    parts.push(`<line x1="${cx.toFixed(1)}" x2="${cx.toFixed(1)}" y1="${y(m.value + m.se).toFixed(1)}" y2="${y(m.value - m.se).toFixed(1)}" stroke="#111"/>`);
    parts.push(`<text transform="translate(${(cx + 4).toFixed(1)},${T + ph + 8}) rotate(60)" font-size="11">${esc(m.name)}</text>`);
  });
  parts.push(`<text transform="translate(14,${T + ph / 2}) rotate(-90)" font-size="12" text-anchor="middle">${esc(cmp.method)} with brain RDM</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">${parts.join('')}</svg>`;
}
