// A self-contained HTML report of a continuous spike-decoding run: the settings, the metric table
// per output dimension, and per output an inline SVG of the true and the predicted trajectory over
// the test bins (no scripts, no external assets).
//   truth, pred: (N, D)  N=test bins, D=output dimensions (kinematics)

import { ShapeError } from '../errors.js';
import type { Matrix } from '../models/decoders/types.js';

export interface SpikeReportOutput {
  /** Output dimension name ('x', 'y', or the target column index). */
  name: string;
  r2: number;
  pearson: number;
  rmse: number;
}

export interface SpikeReport {
  title: string;
  /** Setting name and value, in display order. */
  settings: readonly (readonly [string, string])[];
  outputs: readonly SpikeReportOutput[];
  /** Test targets and predictions, (N, D) each, rows in time order. */
  truth: Matrix;
  pred: Matrix;
  fitSeconds: number;
  /** Median µs to predict one sample. */
  latencyUs: number;
  /** Bins plotted at most (default 500): the first ones. */
  maxBins?: number;
  notes?: readonly string[];
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** A short tick label: 3 significant digits, no exponent for ordinary magnitudes. */
function tick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(1) : String(Number(v.toPrecision(3)));
}

/** True (dark) and predicted (red) values of output column k over the first n bins. */
function trajectorySvg(truth: Matrix, pred: Matrix, k: number, n: number, name: string): string {
  const W = 760, H = 236, L = 56, R = 10, T = 24, B = 34;
  const D = truth.cols;
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < n; i++) {
    for (const v of [truth.data[i * D + k]!, pred.data[i * D + k]!]) {
      if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    }
  }
  if (!(lo <= hi)) { lo = -1; hi = 1; }
  if (lo === hi) { lo -= 1; hi += 1; }
  const px = (i: number) => L + (n > 1 ? (i / (n - 1)) * (W - L - R) : 0);
  const py = (v: number) => T + (1 - (v - lo) / (hi - lo)) * (H - T - B);
  const line = (m: Matrix, color: string, label: string) => {
    const pts: string[] = [];
    for (let i = 0; i < n; i++) {
      const v = m.data[i * D + k]!;
      if (Number.isFinite(v)) pts.push(`${px(i).toFixed(1)},${py(v).toFixed(1)}`);
    }
    return `<polyline fill="none" stroke="${color}" stroke-width="1.2" points="${pts.join(' ')}"><title>${label}</title></polyline>`;
  };
  const parts: string[] = [`<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="#fafafa" stroke="#ccc"/>`];
  const yTicks = [lo, hi, ...(lo < 0 && hi > 0 ? [0] : [])];
  for (const v of yTicks) {
    const y = py(v);
    parts.push(`<line x1="${L - 4}" x2="${W - R}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#e4e4e4"/>`);
    parts.push(`<text x="${L - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end" font-size="11">${esc(tick(v))}</text>`);
  }
  for (const i of [0, Math.floor((n - 1) / 2), n - 1]) {
    if (i < 0) continue;
    parts.push(`<text x="${px(i).toFixed(1)}" y="${H - B + 14}" text-anchor="middle" font-size="11">${i}</text>`);
  }
  parts.push(`<text x="${(L + W - R) / 2}" y="${H - 4}" text-anchor="middle" font-size="11">test bin</text>`);
  parts.push(`<text x="14" y="${(T + H - B) / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${(T + H - B) / 2})">${esc(name)}</text>`);
  parts.push(line(truth, '#222', `${name} true`), line(pred, '#d33', `${name} predicted`));
  parts.push(`<text x="${L}" y="${T - 8}" font-size="11" fill="#222">— true</text><text x="${L + 52}" y="${T - 8}" font-size="11" fill="#d33">— predicted</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="${esc(name)}: true and predicted">${parts.join('')}</svg>`;
}

const fmt = (v: number, digits: number) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));

/** The report page as one HTML string. */
export function spikeReportHtml(r: SpikeReport): string {
  const { truth, pred, outputs } = r;
  if (truth.rows !== pred.rows || truth.cols !== pred.cols || truth.cols !== outputs.length) {
    throw new ShapeError(`spikeReportHtml: truth (${truth.rows}, ${truth.cols}), predictions (${pred.rows}, ${pred.cols}) and ${outputs.length} output names do not agree`);
  }
  const maxBins = r.maxBins ?? 500;
  const n = Math.min(truth.rows, maxBins);
  const shown = n < truth.rows
    ? `The plots show the first ${n} of ${truth.rows} test bins.`
    : `The plots show all ${truth.rows} test bins.`;
  const settings = r.settings.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join('');
  const rows = outputs.map((o) => `<tr><td>${esc(o.name)}</td><td>${fmt(o.r2, 3)}</td><td>${fmt(o.pearson, 3)}</td><td>${fmt(o.rmse, 4)}</td></tr>`).join('');
  const plots = outputs.map((o, k) => `<section><h3>${esc(o.name)}: R² ${fmt(o.r2, 3)}, r ${fmt(o.pearson, 3)}</h3>${trajectorySvg(truth, pred, k, n, o.name)}</section>`).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(r.title)}</title><style>
body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}
td:first-child,th:first-child{text-align:left}table.settings td{text-align:left}</style></head><body>
<h1>${esc(r.title)}</h1><table class="settings">${settings}</table>
<table><tr><th>output</th><th>R²</th><th>Pearson r</th><th>RMSE</th></tr>${rows}</table>
<p>Fit ${fmt(r.fitSeconds, 3)} s; prediction latency ${fmt(r.latencyUs, 1)} µs per bin (median of single-sample calls after warm-up).</p>
${(r.notes ?? []).map((t) => `<p>${esc(t)}</p>`).join('')}<p>${esc(shown)}</p>${plots}</body></html>`;
}
