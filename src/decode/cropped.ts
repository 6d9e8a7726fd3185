// Cropped decoding (Schirrmeister et al. 2017; Braindecode's CroppedLoss and
// trial_preds_from_window_preds): a dense model predicts every crop position of a window; the
// loss averages those predictions over time; at test time the predictions of all windows of a
// trial are joined without overlap and averaged into one trial prediction.
// preds: (B, K, P)  B=windows, K=classes, P=predictions per window (one per crop position)

import { ArgumentError, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { mean } from '../ops/reduce.js';
import { crossEntropy } from '../ops/loss.js';
import { fmtShape } from '../tensor/shape.js';
import type { Module } from '../nn/module.js';
import type { WindowSpec } from '../neuro/windows.js';
import type { ConcatWindows } from './eeg_pipeline.js';
import { predict } from './trainer.js';

/** Braindecode's CroppedLoss: `lossFn` on the predictions averaged over time (2-D preds pass through). */
export function croppedLoss(preds: Tensor, target: Tensor, lossFn: (logits: Tensor, target: Tensor) => Tensor = crossEntropy): Tensor {
  if (preds.ndim === 2) return lossFn(preds, target);
  if (preds.ndim !== 3) throw new ShapeError(`croppedLoss: preds must be (B, K, P) or (B, K), got ${fmtShape(preds.shape)}`);
  return lossFn(mean(preds, 2), target);
}

export interface TrialPreds {
  /** Per trial: the (K, Pt) predictions of all its windows joined without overlap. */
  preds: Float64Array[];
  /** Per trial: the mean over time, (K,). */
  mean: Float64Array[];
  targets: number[];
}

/**
 * Joins window predictions into trial predictions, as Braindecode's
 * trial_preds_from_window_preds: a window with iWindowInTrial 0 starts a trial; each later
 * window contributes only the predictions for samples after the previous window's stop.
 * preds: (N, K, P) row-major, windows: the N windows in the same order.
 */
export function trialPredsFromWindowPreds(preds: Float64Array, shape: readonly [number, number, number], windows: readonly WindowSpec[]): TrialPreds {
  const [N, K, P] = shape;
  if (preds.length !== N * K * P) throw new ShapeError(`trialPredsFromWindowPreds: ${preds.length} values do not fill (${N}, ${K}, ${P})`);
  if (windows.length !== N) throw new ShapeError(`trialPredsFromWindowPreds: ${N} windows of predictions but ${windows.length} window specs`);
  const out: TrialPreds = { preds: [], mean: [], targets: [] };
  let cols: number[][] = []; // per class, the joined time series of the current trial
  let lastStop = 0;
  const flush = (): void => {
    if (cols.length === 0) return;
    const T = cols[0]!.length;
    const joined = new Float64Array(K * T);
    const m = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      joined.set(cols[k]!, k * T);
      m[k] = cols[k]!.reduce((a, v) => a + v, 0) / T;
    }
    out.preds.push(joined);
    out.mean.push(m);
  };
  for (let i = 0; i < N; i++) {
    const w = windows[i]!;
    let from = 0;
    if (w.iWindowInTrial === 0) {
      flush();
      cols = Array.from({ length: K }, () => []);
      out.targets.push(w.target);
    } else {
      if (cols.length === 0) throw new ArgumentError(`trialPredsFromWindowPreds: window ${i} continues a trial that never started (iWindowInTrial ${w.iWindowInTrial})`);
      const fresh = w.stop - lastStop; // samples not covered by the previous window
      if (fresh < 0 || fresh > P) throw new ArgumentError(`trialPredsFromWindowPreds: window ${i} adds ${fresh} samples; a window holds ${P} predictions (is the stride larger than the predictions per window?)`);
      from = P - fresh;
    }
    for (let k = 0; k < K; k++) {
      const row = cols[k]!;
      const base = (i * K + k) * P;
      for (let p = from; p < P; p++) row.push(preds[base + p]!);
    }
    lastStop = w.stop;
  }
  flush();
  return out;
}

/** Dense predictions (N, K, P) of `model` over all windows of `ds`, in order (eval mode, no tape). */
export function predictWindows(model: Module, ds: ConcatWindows, batchSize = 64): { preds: Float64Array; shape: [number, number, number] } {
  const p = predict(model, ds, { batchSize });
  const [, K = 0, P = p.shape.length > 1 ? 1 : 0] = p.shape;
  return { preds: Float64Array.from(p.output), shape: [ds.length, K, P] };
}

/** Trial-wise predictions of a dense model: mean logits over each trial's crops, then argmax. */
export function predictTrialsCropped(model: Module, ds: ConcatWindows, batchSize = 64): { pred: number[]; target: number[]; logits: Float64Array[] } {
  const { preds, shape } = predictWindows(model, ds, batchSize);
  const windows = ds.parts.flatMap((p) => p.windows);
  const t = trialPredsFromWindowPreds(preds, shape, windows);
  const pred = t.mean.map((m) => m.reduce((bi, v, k) => (v > m[bi]! ? k : bi), 0));
  return { pred, target: t.targets, logits: t.mean };
}
