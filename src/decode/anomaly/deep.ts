// The deep models of the Bonn pipeline, over per-window log power spectra:
//   windows: each segment is cut into non-overlapping windows of 256 samples (1.47 s at
//     173.61 Hz; 16 per segment), windows taken after the segment-wise split, so no segment
//     straddles train and test. Each window: mean removed, periodic Hann taper, |rfft|², the
//     bins 0.5-60 Hz (88 at 256 samples), log(P + 1e-6).
//   normalisation: every bin z-scored with the mean and std over the training windows of the
//     fold (the healthy ones for the autoencoder) — not per segment: a per-segment z-scored
//     waveform loses the amplitude and spectral level that set N+F apart, and a raw-waveform
//     autoencoder on it reconstructed the smoother intracranial windows *better* than healthy
//     ones (AUROC 0.07 on one fold, PyTorch prototype).
//   autoencoder: trained on healthy (Z+O) training windows only (MSE); the segment's score is
//     the mean over bins of the squared window-averaged residual, mean_f (mean_w (x̂ − x))²:
//     averaging the residual over a segment's 16 windows cancels the periodogram's own
//     scatter and keeps the systematic misfit of a spectrum off the healthy manifold.
//   classifier: trained on all training windows with the segment's class (cross-entropy);
//     a segment's class probabilities are the mean of its windows' softmax outputs.
// Both train through the one training loop (trainLoop) with Adam and seeded shuffling.

import { ArgumentError } from '../../errors.js';
import { fromValues, type Tensor } from '../../tensor/tensor.js';
import { Generator, manualSeed } from '../../tensor/random.js';
import { crossEntropy, mseLoss } from '../../ops/loss.js';
import { softmax } from '../../ops/activation.js';
import type { Module } from '../../nn/module.js';
import { TensorDataset } from '../../data/dataset.js';
import { DataLoader } from '../../data/dataloader.js';
import { Adam } from '../../optim/adam.js';
import { CosineAnnealingLR } from '../../optim/lr_scheduler.js';
import { rfft } from '../../signal/fft.js';
import { getWindow } from '../../signal/windows.js';
import { anomalyModels, type AnomalyModelSpec } from '../../models/registry.js';
import type { Matrix } from '../../linalg/matrix.js';
import type { Fold } from '../cross_validation.js';
import { predict, trainLoop, type HistoryRow } from '../trainer.js';
import { checkFolds, HEALTHY_SETS } from './evaluate.js';

export interface SpectraOptions {
  /** Window length in samples (default 256). */
  window?: number;
  /** Frequency range kept, Hz (default [0.5, 60]). */
  band?: readonly [number, number];
}

/** Per-window log spectra of every segment: data (N, W, F) row-major, W windows, F bins (a multiple of 4). */
export interface WindowSpectra {
  data: Float32Array;
  segments: number;
  windows: number;
  bins: number;
  /** Bin frequencies (Hz). */
  freqs: Float64Array;
}

export function windowSpectra(segments: readonly ArrayLike<number>[], sfreq: number, o: SpectraOptions = {}): WindowSpectra {
  const W = o.window ?? 256;
  const [lo, hi] = o.band ?? [0.5, 60];
  if (!Number.isInteger(W) || W < 8) throw new ArgumentError(`windowSpectra: window must be an integer >= 8 samples, got ${W}`);
  if (segments.length === 0) throw new ArgumentError('windowSpectra: no segments');
  const n = segments[0]!.length;
  const nw = Math.floor(n / W);
  if (nw < 1) throw new ArgumentError(`windowSpectra: segments of ${n} samples hold no window of ${W}`);
  const taper = getWindow('hann', W);
  const keep: number[] = [];
  for (let k = 0; k <= W / 2; k++) { const f = (k * sfreq) / W; if (f >= lo && f <= hi) keep.push(k); }
  const F = keep.length - (keep.length % 4);
  if (F < 4) throw new ArgumentError(`windowSpectra: the band [${lo}, ${hi}] Hz holds ${keep.length} bins at ${W} samples / ${sfreq} Hz`);
  const out = new Float32Array(segments.length * nw * F);
  const buf = new Float64Array(W);
  segments.forEach((x, s) => {
    if (x.length !== n) throw new ArgumentError(`windowSpectra: segment ${s} has ${x.length} samples, segment 0 ${n}`);
    for (let w = 0; w < nw; w++) {
      let m = 0;
      for (let t = 0; t < W; t++) m += x[w * W + t]!;
      m /= W;
      for (let t = 0; t < W; t++) buf[t] = (x[w * W + t]! - m) * taper[t]!;
      const { re, im } = rfft(buf);
      const base = (s * nw + w) * F;
      for (let j = 0; j < F; j++) out[base + j] = Math.log(re[keep[j]!]! ** 2 + im[keep[j]!]! ** 2 + 1e-6);
    }
  });
  return { data: out, segments: segments.length, windows: nw, bins: F, freqs: Float64Array.from(keep.slice(0, F), (k) => (k * sfreq) / W) };
}

/** Per-bin mean and std over the windows of `segs`. */
function binStats(S: WindowSpectra, segs: readonly number[]): { mean: Float64Array; std: Float64Array } {
  const F = S.bins;
  const mean = new Float64Array(F);
  const sq = new Float64Array(F);
  let cnt = 0;
  for (const s of segs) for (let w = 0; w < S.windows; w++) {
    const b = (s * S.windows + w) * F;
    for (let j = 0; j < F; j++) { mean[j] += S.data[b + j]!; }
    cnt++;
  }
  for (let j = 0; j < F; j++) mean[j] /= cnt;
  for (const s of segs) for (let w = 0; w < S.windows; w++) {
    const b = (s * S.windows + w) * F;
    for (let j = 0; j < F; j++) sq[j] += (S.data[b + j]! - mean[j]!) ** 2;
  }
  return { mean, std: sq.map((v) => (v > 0 ? Math.sqrt(v / cnt) : 1)) };
}

/** The windows of `segs`, z-scored per bin, as a (n·W, 1, F) tensor. */
function windowsTensor(S: WindowSpectra, segs: readonly number[], st: { mean: Float64Array; std: Float64Array }): Tensor {
  const F = S.bins;
  const out = new Float32Array(segs.length * S.windows * F);
  segs.forEach((s, r) => {
    for (let w = 0; w < S.windows; w++) {
      const src = (s * S.windows + w) * F;
      const dst = (r * S.windows + w) * F;
      for (let j = 0; j < F; j++) out[dst + j] = (S.data[src + j]! - st.mean[j]!) / st.std[j]!;
    }
  });
  return fromValues(out, [segs.length * S.windows, 1, F], 'float32');
}

export interface DeepOptions {
  /** Registered model name (models/registry.ts anomalyModels). */
  model: string;
  epochs?: number;
  seed?: number;
  lr?: number;
  /** Called after every epoch of every fold. */
  onEpoch?: (fold: number, row: HistoryRow) => void;
}

export interface DeepFoldInfo {
  history: HistoryRow[];
  seconds: number;
  trainWindows: number;
}

function spec(name: string): AnomalyModelSpec {
  const s = anomalyModels.get(name);
  if (!s) throw new ArgumentError(`anomaly: unknown model '${name}' (registered: ${[...anomalyModels.keys()].join(', ')})`);
  return s;
}

function train(model: Module, sp: AnomalyModelSpec, x: Tensor, y: Tensor, o: DeepOptions, fold: number): HistoryRow[] {
  const gen = new Generator((o.seed ?? 0) * 7919 + fold);
  const opt = new Adam(model.parameters(), { lr: o.lr ?? sp.lr, weightDecay: sp.weightDecay });
  const ae = sp.kind === 'autoencoder';
  const epochs = o.epochs ?? sp.epochs;
  const { history } = trainLoop(model, () => new DataLoader(new TensorDataset(x, y), { batchSize: sp.batchSize, shuffle: true, generator: gen }) as Iterable<[Tensor, Tensor]>, {
    epochs, optimizer: opt,
    // annealing to ~0 ends training at a quiet point instead of wherever the last steps of a
    // constant rate left it (the CNN's fold-to-fold spread shrinks)
    ...(sp.schedule === 'cosine' ? { scheduler: new CosineAnnealingLR(opt, Math.max(1, epochs - 1)) } : {}),
    lossFn: ae ? (a, b) => mseLoss(a, b) : (a, b) => crossEntropy(a, b),
    accuracy: !ae,
    ...(o.onEpoch ? { onEpoch: (row: HistoryRow) => o.onEpoch!(fold, row) } : {}),
  });
  return history;
}

/**
 * Out-of-fold segment anomaly scores of the autoencoder `o.model`, trained per fold on the
 * healthy training segments' windows.
 */
export function autoencoderScores(S: WindowSpectra, set: ArrayLike<number>, folds: readonly Fold[], o: DeepOptions): { score: Float64Array; folds: DeepFoldInfo[] } {
  const sp = spec(o.model);
  if (sp.kind !== 'autoencoder') throw new ArgumentError(`autoencoderScores: '${o.model}' is a ${sp.kind}`);
  checkFolds(folds, S.segments, 'autoencoderScores');
  const score = new Float64Array(S.segments);
  const info: DeepFoldInfo[] = [];
  folds.forEach((f, k) => {
    const t0 = performance.now();
    const healthy = Array.from(f.train).filter((i) => HEALTHY_SETS.includes(set[i]!));
    const st = binStats(S, healthy);
    manualSeed((o.seed ?? 0) * 7919 + k);
    const model = sp.make(S.bins, 1);
    const x = windowsTensor(S, healthy, st);
    const history = train(model, sp, x, x, o, k);
    x.dispose();
    const test = Array.from(f.test);
    const xt = windowsTensor(S, test, st);
    const xin = xt.dataSync();
    const rec = predict(model, new TensorDataset(xt)).output;
    xt.dispose();
    const F = S.bins, W = S.windows;
    test.forEach((s, r) => {
      let e = 0;
      for (let j = 0; j < F; j++) {
        let m = 0;
        for (let w = 0; w < W; w++) { const i = (r * W + w) * F + j; m += rec[i]! - xin[i]!; }
        e += (m / W) ** 2;
      }
      score[s] = e / F;
    });
    info.push({ history, seconds: (performance.now() - t0) / 1000, trainWindows: healthy.length * W });
  });
  return { score, folds: info };
}

/** Out-of-fold class probabilities (N, K) of the classifier `o.model`, trained per fold on all training windows. */
export function classifierProba(S: WindowSpectra, label: ArrayLike<number>, folds: readonly Fold[], nClasses: number, o: DeepOptions): { proba: Matrix; folds: DeepFoldInfo[] } {
  const sp = spec(o.model);
  if (sp.kind !== 'classifier') throw new ArgumentError(`classifierProba: '${o.model}' is a ${sp.kind}`);
  checkFolds(folds, S.segments, 'classifierProba');
  const out = new Float64Array(S.segments * nClasses);
  const info: DeepFoldInfo[] = [];
  const W = S.windows;
  folds.forEach((f, k) => {
    const t0 = performance.now();
    const tr = Array.from(f.train);
    const st = binStats(S, tr);
    manualSeed((o.seed ?? 0) * 7919 + k);
    const model = sp.make(S.bins, nClasses);
    const x = windowsTensor(S, tr, st);
    const y = fromValues(Int32Array.from({ length: tr.length * W }, (_, i) => label[tr[Math.floor(i / W)]!]!), [tr.length * W], 'int32');
    const history = train(model, sp, x, y, o, k);
    x.dispose();
    y.dispose();
    const test = Array.from(f.test);
    const xt = windowsTensor(S, test, st);
    const p = predict(model, new TensorDataset(xt), { map: (z) => softmax(z, 1) }).output;
    xt.dispose();
    test.forEach((s, r) => {
      for (let c = 0; c < nClasses; c++) {
        let m = 0;
        for (let w = 0; w < W; w++) m += p[(r * W + w) * nClasses + c]!;
        out[s * nClasses + c] = m / W;
      }
    });
    info.push({ history, seconds: (performance.now() - t0) / 1000, trainWindows: tr.length * W });
  });
  return { proba: { data: out, rows: S.segments, cols: nClasses }, folds: info };
}
