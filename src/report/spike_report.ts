// A self-contained HTML report of a continuous spike-decoding run: the settings, the metric table
// per output dimension, per output an inline SVG of the true and the predicted trajectory over
// the test bins, and the learning curves of trained networks (no scripts, no external assets).
// The drawing is src/report's.
//   truth, pred: (N, D)  N=test bins, D=output dimensions (kinematics)

import { ShapeError } from '../errors.js';
import { learningCurveCharts } from './curves.js';
import { htmlPage, settingsTable } from './page.js';
import { esc, lineChart } from './svg.js';

/** A row-major (rows, cols) matrix: any of the library's dense matrices fits. */
export interface RowMatrix {
  data: ArrayLike<number>;
  rows: number;
  cols: number;
}

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
  truth: RowMatrix;
  pred: RowMatrix;
  fitSeconds: number;
  /** Median µs to predict one sample. */
  latencyUs: number;
  /** Bins plotted at most (default 500): the first ones. */
  maxBins?: number;
  notes?: readonly string[];
  /** Per-epoch losses of a trained network (training MSE; validation MSE under early stopping). */
  curves?: readonly { epoch: number; trainLoss: number; validLoss?: number | null }[];
}

/** True (dark) and predicted (red) values of output column k over the first n bins, with axes. */
function trajectorySvg(truth: RowMatrix, pred: RowMatrix, k: number, n: number, name: string): string {
  const D = truth.cols;
  const col = (m: RowMatrix) => Array.from({ length: n }, (_, i) => [i, m.data[i * D + k]!] as const);
  return lineChart({
    series: [{ name: 'true', color: '#222', points: col(truth) }, { name: 'predicted', color: '#d33', points: col(pred) }],
    xLabel: 'test bin', yLabel: name, width: 760, height: 236, xIntegers: true, markersUpTo: 1,
  });
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
  const rows = outputs.map((o) => `<tr><td>${esc(o.name)}</td><td>${fmt(o.r2, 3)}</td><td>${fmt(o.pearson, 3)}</td><td>${fmt(o.rmse, 4)}</td></tr>`).join('');
  const plots = outputs.map((o, k) => `<section><h3>${esc(o.name)}: R² ${fmt(o.r2, 3)}, r ${fmt(o.pearson, 3)}</h3>${trajectorySvg(truth, pred, k, n, o.name)}</section>`).join('');
  const curves = r.curves?.length
    ? `<section><h3>Learning curves</h3>${learningCurveCharts(r.curves.map((c) => ({ epoch: c.epoch, trainLoss: c.trainLoss, heldOutLoss: c.validLoss ?? null })))}</section>`
    : '';
  return htmlPage(r.title, `${settingsTable(r.settings)}
<table><tr><th>output</th><th>R²</th><th>Pearson r</th><th>RMSE</th></tr>${rows}</table>
<p>Fit ${fmt(r.fitSeconds, 3)} s; prediction latency ${fmt(r.latencyUs, 1)} µs per bin (median of single-sample calls after warm-up).</p>
${(r.notes ?? []).map((t) => `<p>${esc(t)}</p>`).join('')}${curves}<p>${esc(shown)}</p>${plots}`);
}
