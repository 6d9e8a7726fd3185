// The anomaly-detection report page: the results table, ROC curves per anomaly scorer and
// contrast, score distributions per recording set, example segments with their scores, and the
// classifiers' confusion matrices. Plain data in, one self-contained HTML page out.

import { confusionSvg } from './confusion.js';
import { histogramSvg } from './histogram.js';
import { htmlPage, settingsTable } from './page.js';
import { esc, lineChart } from './svg.js';

export interface AnomalyRocCurve {
  contrast: string;
  fpr: ArrayLike<number>;
  tpr: ArrayLike<number>;
  auc: number;
}

export interface AnomalyReport {
  title: string;
  settings: readonly (readonly [string, string])[];
  /** Results table: header cells and rows of cells. */
  table: { headers: readonly string[]; rows: readonly (readonly string[])[] };
  /** Per anomaly scorer: its ROC curves (one per contrast). */
  rocs: readonly { model: string; curves: readonly AnomalyRocCurve[] }[];
  /** Per anomaly scorer: log10 scores of every segment of each set. */
  distributions: readonly { model: string; sets: readonly { name: string; values: readonly number[] }[] }[];
  /** Example segments: a stretch of the signal and a caption (its scores). */
  examples: readonly { title: string; sfreq: number; values: ArrayLike<number>; caption: string }[];
  confusions: readonly { model: string; classes: readonly string[]; matrix: readonly (readonly number[])[] }[];
  notes: readonly string[];
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

export function anomalyReportHtml(r: AnomalyReport): string {
  const table = `<table><tr>${r.table.headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>${r.table.rows.map((row) => `<tr>${row.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</table>`;
  const rocs = r.rocs.map(({ model, curves }) => `<figure>${lineChart({
    series: [
      ...curves.map((c, i) => ({ name: `${c.contrast} (AUROC ${c.auc.toFixed(3)})`, color: COLORS[i % COLORS.length]!, points: Array.from(c.fpr, (x, k) => [x, c.tpr[k]!] as const) })),
      { name: 'chance', color: '#bbb', points: [[0, 0], [1, 1]] as const },
    ],
    xLabel: 'false positive rate', yLabel: 'true positive rate', yRange: [0, 1], markersUpTo: 0, width: 420, height: 320,
  })}<figcaption>${esc(model)}</figcaption></figure>`).join('');
  const dists = r.distributions.map(({ model, sets }) => {
    const all = sets.flatMap((s) => s.values).filter(Number.isFinite);
    const lo = Math.min(...all), hi = Math.max(...all);
    const nb = 30;
    const span = hi > lo ? hi - lo : 1;
    const edges = Array.from({ length: nb + 1 }, (_, i) => lo + (span * i) / nb);
    return `<figure>${histogramSvg({ edges, series: sets.map((s, i) => ({ name: s.name, color: COLORS[i % COLORS.length]!, values: s.values })), xLabel: `log10 anomaly score (${model})`, yLabel: 'fraction of segments', width: 460, height: 280 })}<figcaption>${esc(model)}</figcaption></figure>`;
  }).join('');
  const examples = r.examples.map((e) => `<figure>${lineChart({
    series: [{ name: e.title, color: '#333', points: Array.from(e.values, (v, i) => [i / e.sfreq, v] as const) }],
    xLabel: 'time (s)', yLabel: 'amplitude (A/D units)', markersUpTo: 0, width: 460, height: 200,
  })}<figcaption>${esc(e.caption)}</figcaption></figure>`).join('');
  const conf = r.confusions.map((c) => `<figure>${confusionSvg(c.matrix, c.classes)}<figcaption>${esc(c.model)} (rows: true, columns: predicted; out-of-fold, all folds)</figcaption></figure>`).join('');
  const body = `${settingsTable(r.settings)}
<h2>Results</h2>${table}
${r.notes.map((n) => `<p>${esc(n)}</p>`).join('\n')}
${rocs ? `<h2>ROC curves</h2><p>Out-of-fold scores of all folds pooled (the table's AUROCs are means of per-fold AUROCs).</p><div class="row">${rocs}</div>` : ''}
${dists ? `<h2>Score distributions per set</h2><div class="row">${dists}</div>` : ''}
${examples ? `<h2>Example segments</h2><div class="row">${examples}</div>` : ''}
${conf ? `<h2>Confusion matrices</h2><div class="row">${conf}</div>` : ''}`;
  return htmlPage(r.title, body);
}
