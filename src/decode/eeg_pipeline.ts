// The EEG decoding pipeline behind `dendrite decode eeg`: band-pass, scale to µV, exponential
// moving standardisation (causal, per run, so no test statistics leak into training), trial
// windows around the mapped events, a deep model trained with fit() (or any classifier), and
// the test metrics.
// x: (B, C, T)  B=trials, C=EEG channels, T=window samples

import { ArgumentError, ShapeError } from '../errors.js';
import { manualSeed } from '../tensor/random.js';
import { Tensor, fromValues } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';
import type { Dataset } from '../data/dataset.js';
import type { Raw } from '../neuro/raw.js';
import { WindowsDataset } from '../neuro/windows.js';

// Trial windowing lives with the other windowing in neuro/windows.ts.
export { trialWindows, type TrialWindowing } from '../neuro/windows.js';
import { exponentialMovingStandardize } from '../signal/index.js';
import { fit, predictProba, type FitOptions, type HistoryRow } from './trainer.js';

export interface PreprocessOptions {
  /** Band-pass edges in Hz (null: none). */
  band?: readonly [number, number] | null;
  /** Multiply by this before standardising (1e6: volts → µV, as Braindecode's recipes). */
  scale?: number;
  /** Exponential moving standardisation factor (null: off). */
  emsFactor?: number | null;
}

/** Band-pass, scale and standardise every EEG channel of a run (a new Raw). */
export function preprocess(raw: Raw, o: PreprocessOptions = {}): Raw {
  let r = raw.pick('eeg');
  if (o.band) r = r.filter(o.band[0], o.band[1]);
  const scale = o.scale ?? 1e6;
  r = r.applyFunction((x) => x.map((v) => v * scale), 'all');
  if (o.emsFactor !== null) {
    const std = exponentialMovingStandardize(r.data, { factorNew: o.emsFactor ?? 1e-3, initBlockSize: 1000 });
    r = r.applyFunction((_, c) => std[c]!, 'all');
  }
  return r;
}

/** Concatenates window datasets of several runs (all with the same channels). */
export class ConcatWindows implements Dataset<[Tensor, Tensor]> {
  readonly parts: WindowsDataset[];
  constructor(parts: WindowsDataset[]) {
    if (parts.length === 0) throw new ArgumentError('decode: no recordings');
    const names = parts[0]!.raw.info.chNames.join(',');
    for (const p of parts) {
      if (p.raw.info.chNames.join(',') !== names) {
        throw new ShapeError(`decode: runs have different channel sets (${p.raw.info.chNames.length} channels: ${p.raw.info.chNames.slice(0, 4).join(', ')}… vs ${parts[0]!.raw.info.chNames.slice(0, 4).join(', ')}…)`);
      }
    }
    this.parts = parts;
  }
  get length(): number {
    return this.parts.reduce((a, p) => a + p.length, 0);
  }
  private locate(i: number): [WindowsDataset, number] {
    for (const p of this.parts) {
      if (i < p.length) return [p, i];
      i -= p.length;
    }
    throw new ArgumentError(`decode: window index out of range`);
  }
  get(i: number): [Tensor, Tensor] {
    const [p, j] = this.locate(i);
    return p.get(j);
  }
  /** x: (B, C, W) float32 written straight into the batch tensor, y: (B,) int32. */
  getBatch(indices: Int32Array): [Tensor, Tensor] {
    const first = this.locate(indices[0] ?? 0);
    const C = first[0].nChannels;
    const W = first[0].windows[first[1]]!.stop - first[0].windows[first[1]]!.start;
    const labels = new Int32Array(indices.length);
    const x = Tensor.fromFn([indices.length, C, W], 'float32', (v) => {
      indices.forEach((i, b) => {
        const [p, j] = this.locate(i);
        labels[b] = p.fill(j, v, b * C * W);
      });
    });
    return [x, fromValues(labels, [indices.length], 'int32')];
  }
  labels(): Int32Array {
    return Int32Array.from(this.parts.flatMap((p) => p.windows.map((w) => w.target)));
  }
}


export interface DeepDecodeResult {
  history: HistoryRow[];
  testPred: number[];
  testTarget: number[];
  testAccuracy: number;
  trainSeconds: number;
}

/** Trains `model` on the train windows and predicts the test windows. */
export function decodeDeep(model: Module, train: ConcatWindows, test: ConcatWindows, o: FitOptions = {}): DeepDecodeResult {
  manualSeed(o.seed ?? 0);
  const t0 = performance.now();
  const { history } = fit(model, train, null, o);
  const trainSeconds = (performance.now() - t0) / 1000;
  const { proba, classes, targets } = predictProba(model, test);
  const pred: number[] = [];
  for (let i = 0; i < targets.length; i++) {
    let bi = 0;
    for (let c = 1; c < classes; c++) if (proba[i * classes + c]! > proba[i * classes + bi]!) bi = c;
    pred.push(bi);
  }
  const target = [...targets];
  const acc = pred.filter((p, i) => p === target[i]).length / Math.max(1, pred.length);
  return { history, testPred: pred, testTarget: target, testAccuracy: acc, trainSeconds };
}
