// A self-contained HTML report of a decoding run: the results table, per-fold confusion
// matrices and learning curves (loss and accuracy per epoch, with axes) as inline SVG, no
// scripts, no external assets. The drawing is src/report's.

import { confusionSvg } from './confusion.js';
import { learningCurveCharts } from './curves.js';
import { htmlPage } from './page.js';
import { esc } from './svg.js';

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

export function htmlReport(title: string, folds: readonly ReportFold[], notes: readonly string[] = []): string {
  const rows = folds.map((f) => `<tr><td>${esc(f.name)}</td><td>${esc(f.model)}</td><td>${(100 * f.accuracy).toFixed(1)} %</td><td>${f.balancedAccuracy === undefined ? '' : `${(100 * f.balancedAccuracy).toFixed(1)} %`}</td><td>${f.kappa === undefined ? '' : f.kappa.toFixed(3)}</td><td>${(100 * f.chance).toFixed(1)} %</td></tr>`).join('');
  const details = folds.map((f) => {
    const curves = f.curves?.length
      ? learningCurveCharts(f.curves.map((c) => ({ epoch: c.epoch, trainLoss: c.trainLoss, trainAccuracy: c.trainAccuracy, heldOutLoss: c.validLoss, heldOutAccuracy: c.validAccuracy })))
      : '';
    return `<section><h3>${esc(f.name)} — ${esc(f.model)}</h3><div class="row">${confusionSvg(f.confusion, f.classNames)}${curves}</div></section>`;
  }).join('');
  return htmlPage(title, `<table><tr><th>fold</th><th>model</th><th>accuracy</th><th>balanced</th><th>kappa</th><th>chance</th></tr>${rows}</table>
${notes.map((n) => `<p>${esc(n)}</p>`).join('')}${details}`);
}
