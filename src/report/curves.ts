// Learning curves: loss and accuracy per epoch, one chart each (their scales differ), with axes.

import { lineChart, type Series } from './svg.js';

export interface CurvePoint {
  epoch: number;
  trainLoss: number;
  trainAccuracy?: number | null;
  /** Loss and accuracy on held-out data (validation or test), where measured. */
  heldOutLoss?: number | null;
  heldOutAccuracy?: number | null;
}

const pct = (v: number, step: number) => `${(100 * v).toFixed(step >= 0.01 ? 0 : 1)} %`;

/**
 * The loss chart and, when any accuracy is present, the accuracy chart (0-100 %). `heldOut`
 * names the held-out set in the legends ('valid', 'test').
 */
export function learningCurveCharts(points: readonly CurvePoint[], heldOut = 'valid'): string {
  if (points.length === 0) return '';
  const p = (f: (c: CurvePoint) => number | null | undefined) => points.map((c) => [c.epoch, f(c) ?? null] as const);
  const some = (f: (c: CurvePoint) => number | null | undefined) => points.some((c) => f(c) !== null && f(c) !== undefined);
  const loss: Series[] = [{ name: 'train loss', color: '#d33', points: p((c) => c.trainLoss) }];
  if (some((c) => c.heldOutLoss)) loss.push({ name: `${heldOut} loss`, color: '#e80', points: p((c) => c.heldOutLoss) });
  const acc: Series[] = [];
  if (some((c) => c.trainAccuracy)) acc.push({ name: 'train accuracy', color: '#33d', points: p((c) => c.trainAccuracy) });
  if (some((c) => c.heldOutAccuracy)) acc.push({ name: `${heldOut} accuracy`, color: '#3a3', points: p((c) => c.heldOutAccuracy) });
  const charts = [lineChart({ series: loss, xLabel: 'epoch', yLabel: 'loss', xIntegers: true })];
  if (acc.length) charts.push(lineChart({ series: acc, xLabel: 'epoch', yLabel: 'accuracy', xIntegers: true, yRange: [0, 1], yFormat: pct }));
  return `<div class="row curves">${charts.join('')}</div>`;
}
