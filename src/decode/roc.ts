// Receiver operating characteristic of a binary anomaly score, as sklearn.metrics.roc_curve
// (drop_intermediate=False) and roc_auc_score: one point per distinct score, tied scores move
// the curve diagonally, so the area counts a tied positive/negative pair as one half.

import { ArgumentError, ShapeError } from '../errors.js';

export interface RocCurve {
  fpr: Float64Array;
  tpr: Float64Array;
  /** Decreasing thresholds; the first is +Infinity (no sample flagged). */
  thresholds: Float64Array;
}

function check(yTrue: ArrayLike<number | boolean>, score: ArrayLike<number>, op: string): { pos: number; neg: number } {
  if (yTrue.length !== score.length) throw new ShapeError(`${op}: ${yTrue.length} labels but ${score.length} scores`);
  let pos = 0;
  for (let i = 0; i < score.length; i++) {
    if (!Number.isFinite(score[i]!)) throw new ArgumentError(`${op}: score[${i}] is ${score[i]}; scores must be finite`);
    const y = Number(yTrue[i]!);
    if (y !== 0 && y !== 1) throw new ArgumentError(`${op}: label[${i}] is ${String(yTrue[i])}; labels must be 0/1 or booleans`);
    pos += y;
  }
  const neg = score.length - pos;
  if (pos === 0 || neg === 0) throw new ArgumentError(`${op}: needs both classes, got ${pos} positives and ${neg} negatives`);
  return { pos, neg };
}

/** The ROC curve of `score` for the positives of `yTrue` (1/true = anomalous, higher score = more anomalous). */
export function rocCurve(yTrue: ArrayLike<number | boolean>, score: ArrayLike<number>): RocCurve {
  const { pos, neg } = check(yTrue, score, 'rocCurve');
  const order = Array.from({ length: score.length }, (_, i) => i).sort((a, b) => score[b]! - score[a]!);
  const fpr = [0];
  const tpr = [0];
  const thr = [Infinity];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    if (Number(yTrue[i]!) === 1) tp++;
    else fp++;
    const next = order[k + 1];
    if (next === undefined || score[next]! !== score[i]!) {
      fpr.push(fp / neg);
      tpr.push(tp / pos);
      thr.push(score[i]!);
    }
  }
  return { fpr: Float64Array.from(fpr), tpr: Float64Array.from(tpr), thresholds: Float64Array.from(thr) };
}

/** Area under the ROC curve (trapezoids), as sklearn's roc_auc_score. */
export function rocAucScore(yTrue: ArrayLike<number | boolean>, score: ArrayLike<number>): number {
  const { fpr, tpr } = rocCurve(yTrue, score);
  let a = 0;
  for (let i = 1; i < fpr.length; i++) a += (fpr[i]! - fpr[i - 1]!) * (tpr[i]! + tpr[i - 1]!) / 2;
  return a;
}
