// The report of a classifier's training run (`dendrite train lenet`): settings, per-epoch table,
// learning curves, the test set's confusion matrix and the first layer's filters as images.

import { confusionSvg } from './confusion.js';
import { learningCurveCharts } from './curves.js';
import { htmlPage, settingsTable } from './page.js';
import { weightImages } from './png.js';
import { esc } from './svg.js';

export interface TrainingReportEpoch {
  epoch: number;
  lr: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
}

export interface TrainingReport {
  title: string;
  settings: readonly (readonly [string, string])[];
  epochs: readonly TrainingReportEpoch[];
  /** confusion[true][pred] on the test set after the last epoch. */
  confusion: readonly (readonly number[])[];
  classNames: readonly string[];
  /** First-layer filters: weights (count × h × w) of a one-input-channel convolution. */
  filters?: { name: string; weights: ArrayLike<number>; count: number; h: number; w: number };
  notes?: readonly string[];
}

/** Filters as pixelated images, 12 px per weight, with each one's weight range. */
function filterGallery(f: NonNullable<TrainingReport['filters']>): string {
  const px = 12;
  const figs = weightImages(f.weights, f.count, f.h, f.w).map((im, k) =>
    `<figure><img class="filter" src="${im.uri}" width="${f.w * px}" height="${f.h * px}" alt="${esc(`${f.name} filter ${k}`)}"><figcaption>${k}: ${im.min.toFixed(2)} … ${im.max.toFixed(2)}</figcaption></figure>`);
  return `<section><h2>${esc(f.name)} filters</h2><p>Each ${f.h}×${f.w} filter scaled on its own largest |weight|: mid-grey is 0, white positive, black negative.</p><div class="row filters">${figs.join('')}</div></section>`;
}

export function trainingReportHtml(r: TrainingReport): string {
  const pc = (v: number) => `${(100 * v).toFixed(2)} %`;
  const rows = r.epochs.map((e) => `<tr><td>${e.epoch}</td><td>${e.lr.toExponential(2)}</td><td>${e.trainLoss.toFixed(4)}</td><td>${pc(e.trainAccuracy)}</td><td>${e.testLoss.toFixed(4)}</td><td>${pc(e.testAccuracy)}</td></tr>`).join('');
  const total = r.confusion.reduce((a, row) => a + row.reduce((b, v) => b + v, 0), 0);
  const body = [
    settingsTable(r.settings),
    `<table class="epochs"><tr><th>epoch</th><th>lr</th><th>train loss</th><th>train accuracy</th><th>test loss</th><th>test accuracy</th></tr>${rows}</table>`,
    `<section><h2>Learning curves</h2>${learningCurveCharts(r.epochs.map((e) => ({ epoch: e.epoch, trainLoss: e.trainLoss, trainAccuracy: e.trainAccuracy, heldOutLoss: e.testLoss, heldOutAccuracy: e.testAccuracy })), 'test')}</section>`,
    `<section><h2>Confusion matrix (test set, ${total} images, after the last epoch)</h2>${confusionSvg(r.confusion, r.classNames)}</section>`,
    r.filters ? filterGallery(r.filters) : '',
    ...(r.notes ?? []).map((n) => `<p>${esc(n)}</p>`),
  ];
  return htmlPage(r.title, body.join('\n'));
}
