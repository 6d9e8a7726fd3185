// A self-contained HTML report of a decoding run: the results table, per-fold confusion
// matrices and learning curves as inline SVG (no scripts, no external assets).

export interface ReportFold {
  name: string;
  model: string;
  accuracy: number;
  balancedAccuracy?: number;
  kappa?: number;
  chance: number;
  /** confusion[true][pred] */
  confusion: number[][];
  classNames: string[];
  /** Per-epoch training curves (deep models). */
  curves?: { epoch: number; trainLoss: number; trainAccuracy: number; validLoss: number | null; validAccuracy: number | null }[];
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function confusionSvg(m: number[][], names: string[]): string {
  const n = m.length;
  const cell = 48;
  const pad = 90;
  const max = Math.max(1, ...m.flat());
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = m[i]![j]!;
      const shade = Math.round(255 - (200 * v) / max);
      parts.push(`<rect x="${pad + j * cell}" y="${pad + i * cell}" width="${cell}" height="${cell}" fill="rgb(${shade},${shade},255)" stroke="#fff"/>`);
      parts.push(`<text x="${pad + j * cell + cell / 2}" y="${pad + i * cell + cell / 2 + 5}" text-anchor="middle" font-size="14">${v}</text>`);
    }
    parts.push(`<text x="${pad - 6}" y="${pad + i * cell + cell / 2 + 5}" text-anchor="end" font-size="12">${esc(names[i] ?? String(i))}</text>`);
    parts.push(`<text x="${pad + i * cell + cell / 2}" y="${pad - 8}" text-anchor="middle" font-size="12">${esc(names[i] ?? String(i))}</text>`);
  }
  parts.push(`<text x="${pad + (n * cell) / 2}" y="20" text-anchor="middle" font-size="12">predicted</text>`);
  parts.push(`<text x="14" y="${pad + (n * cell) / 2}" font-size="12" transform="rotate(-90 14 ${pad + (n * cell) / 2})" text-anchor="middle">true</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${pad + n * cell + 10}" height="${pad + n * cell + 10}">${parts.join('')}</svg>`;
}

function curveSvg(curves: NonNullable<ReportFold['curves']>): string {
  const W = 420, H = 180, L = 40, B = 24;
  const xs = curves.map((c) => c.epoch);
  const x = (e: number) => L + ((e - Math.min(...xs)) / Math.max(1, Math.max(...xs) - Math.min(...xs))) * (W - L - 10);
  const series: [string, string, (c: (typeof curves)[number]) => number | null, number][] = [
    ['train loss', '#d33', (c) => c.trainLoss, Math.max(...curves.map((c) => c.trainLoss), ...curves.map((c) => c.validLoss ?? 0), 1e-9)],
    ['train acc', '#33d', (c) => c.trainAccuracy, 1],
    ['valid acc', '#3a3', (c) => c.validAccuracy, 1],
  ];
  const paths = series.map(([name, color, f, max]) => {
    const pts = curves.map((c) => [x(c.epoch), f(c)] as const).filter(([, v]) => v !== null).map(([px, v]) => `${px.toFixed(1)},${(H - B - ((v as number) / max) * (H - B - 10)).toFixed(1)}`);
    return pts.length ? `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${pts.join(' ')}"><title>${name}</title></polyline>` : '';
  });
  const legend = series.map(([name, color], i) => `<text x="${L + 10 + i * 110}" y="${H - 4}" fill="${color}" font-size="11">${name}</text>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect x="${L}" y="0" width="${W - L}" height="${H - B}" fill="#fafafa" stroke="#ccc"/>${paths.join('')}${legend}</svg>`;
}

export function htmlReport(title: string, folds: readonly ReportFold[], notes: readonly string[] = []): string {
  const rows = folds.map((f) => `<tr><td>${esc(f.name)}</td><td>${esc(f.model)}</td><td>${(100 * f.accuracy).toFixed(1)} %</td><td>${f.balancedAccuracy === undefined ? '' : `${(100 * f.balancedAccuracy).toFixed(1)} %`}</td><td>${f.kappa === undefined ? '' : f.kappa.toFixed(3)}</td><td>${(100 * f.chance).toFixed(1)} %</td></tr>`).join('');
  const details = folds.map((f) => `<section><h3>${esc(f.name)} — ${esc(f.model)}</h3><div class="row">${confusionSvg(f.confusion, f.classNames)}${f.curves?.length ? curveSvg(f.curves) : ''}</div></section>`).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title><style>
body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}
td:first-child,td:nth-child(2){text-align:left}.row{display:flex;gap:2em;align-items:flex-start}</style></head><body>
<h1>${esc(title)}</h1><table><tr><th>fold</th><th>model</th><th>accuracy</th><th>balanced</th><th>kappa</th><th>chance</th></tr>${rows}</table>
${notes.map((n) => `<p>${esc(n)}</p>`).join('')}${details}</body></html>`;
}
