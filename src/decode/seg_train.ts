// Training a volumetric segmenter (models/meshnet, models/unet3d) on random patches with the
// one training loop (trainLoop), Adam, and cross-entropy plus an optional soft Dice loss.
//
// Patches come from sources: a labelled image (e.g. the MNI152 template with tissue labels from
// its probability maps), with intensity augmentation (bias field, gamma, noise), or label maps
// from which every patch's image is synthesised afresh (SynthSeg-style, neuro/synth_t1). Each
// patch is centred on a voxel of a tissue class drawn uniformly from the non-background classes,
// then flipped along random axes and its axes randomly permuted, so the model does not learn one
// scan orientation. Patches are Fortran order [p, p, p]; the model sees them as (p, p, p)
// C-order, i.e. with the axes reversed, and the labels are laid out the same way.

import { ArgumentError, ShapeError } from '../errors.js';
import { tensor } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { Generator } from '../tensor/random.js';
import { softmax } from '../ops/activation.js';
import { crossEntropy } from '../ops/loss.js';
import { sum } from '../ops/broadcast.js';
import { add, mul, mulScalar, div, addScalar } from '../ops/elementwise.js';
import { mean } from '../ops/reduce.js';
import type { Module } from '../nn/module.js';
import { Adam } from '../optim/adam.js';
import { asegToTissue } from '../neuro/tissue.js';
import { applyBias, rescale, synthesizeImage, type SynthOptions } from '../neuro/synth_t1.js';
import { trainLoop, type HistoryRow } from './trainer.js';

export type Shape3 = [number, number, number];

/** One training patch: image in [0, 1] and class labels, Fortran order, p³ voxels. */
export interface Patch { image: Float32Array; labels: Uint8Array }

export interface PatchSource {
  readonly name: string;
  draw(gen: Generator, size: number): Patch;
}

/** Voxel indices of each class 1..K−1 (the patch centres), built once per volume. */
function classIndex(labels: Uint8Array, classes: number): Int32Array[] {
  const count = new Int32Array(classes);
  for (const l of labels) if (l < classes) count[l]!++;
  const idx = Array.from({ length: classes }, (_, c) => new Int32Array(count[c]!));
  const fill = new Int32Array(classes);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l < classes) idx[l]![fill[l]!++] = i;
  }
  return idx;
}

function centredStart(index: Int32Array[], shape: Shape3, size: number, gen: Generator): Shape3 {
  const present = index.map((a, c) => (c > 0 && a.length > 0 ? c : -1)).filter((c) => c > 0);
  if (present.length === 0) throw new ArgumentError('seg_train: a training volume has no foreground voxel');
  const a = index[present[gen.int(0, present.length)]!]!;
  let v = a[gen.int(0, a.length)]!;
  const c = [0, 0, 0];
  for (let ax = 0; ax < 3; ax++) {
    c[ax] = v % shape[ax]!;
    v = Math.floor(v / shape[ax]!);
  }
  return c.map((x, ax) => Math.min(shape[ax]! - size, Math.max(0, x - Math.floor(size / 2)))) as Shape3;
}

function crop<T extends Float32Array | Uint8Array>(data: T, shape: Shape3, start: Shape3, p: number, make: (n: number) => T): T {
  const out = make(p * p * p);
  let o = 0;
  for (let k = 0; k < p; k++) for (let j = 0; j < p; j++) {
    const base = start[0] + shape[0] * (start[1] + j + shape[1] * (start[2] + k));
    for (let i = 0; i < p; i++) out[o++] = data[base + i]!;
  }
  return out;
}

function checkVolume(shape: Shape3, n: number, size: number, what: string): void {
  if (shape.some((s) => !Number.isInteger(s) || s < size)) throw new ShapeError(`seg_train: ${what} shape [${shape.join(', ')}] is smaller than the ${size}³ patch`);
  if (shape[0] * shape[1] * shape[2] !== n) throw new ShapeError(`seg_train: ${what} has ${n} voxels for shape [${shape.join(', ')}]`);
}

/** Intensity augmentation of a [0, 1] patch: bias field, gamma, noise (none with `strength` 0). */
function augmentIntensity(img: Float32Array, labels: Uint8Array, p: number, gen: Generator, strength: number): void {
  if (strength <= 0) return;
  applyBias(img, [p, p, p], gen, 0.2 * strength);
  const noise = 0.02 * strength * gen.random();
  for (let i = 0; i < img.length; i++) if (labels[i]) img[i] = Math.max(0, img[i]! + noise * gen.normal());
  const g = Math.exp(0.2 * strength * gen.normal());
  for (let i = 0; i < img.length; i++) img[i] = Math.min(1, Math.max(0, img[i]!)) ** g;
}

/** Patches of one labelled image (values in [0, 1], tissue labels 0..classes−1). */
export function imageSource(name: string, image: Float32Array, labels: Uint8Array, shape: Shape3, classes: number, augment = 1): PatchSource {
  if (image.length !== labels.length) throw new ShapeError(`seg_train: ${name} has ${image.length} voxels but ${labels.length} labels`);
  const index = classIndex(labels, classes);
  return {
    name,
    draw(gen, p) {
      checkVolume(shape, image.length, p, name);
      const s = centredStart(index, shape, p, gen);
      const img = crop(image, shape, s, p, (n) => new Float32Array(n));
      const lab = crop(labels, shape, s, p, (n) => new Uint8Array(n));
      augmentIntensity(img, lab, p, gen, augment);
      return { image: img, labels: lab };
    },
  };
}

/** Synthetic patches from FreeSurfer label maps: a fresh random-contrast image for every patch. */
export function synthSource(name: string, maps: { labels: ArrayLike<number>; shape: Shape3 }[], opts: SynthOptions = {}): PatchSource {
  const prepared = maps.map((m) => {
    const raw = Int32Array.from(m.labels as ArrayLike<number>);
    const tissue = asegToTissue(raw);
    return { raw, tissue, shape: m.shape, index: classIndex(tissue, 4) };
  });
  if (prepared.length === 0) throw new ArgumentError(`seg_train: ${name} has no label maps`);
  return {
    name,
    draw(gen, p) {
      const m = prepared[gen.int(0, prepared.length)]!;
      checkVolume(m.shape, m.raw.length, p, name);
      const s = centredStart(m.index, m.shape, p, gen);
      const raw = crop(m.raw as unknown as Float32Array, m.shape, s, p, (n) => new Float32Array(n));
      const image = synthesizeImage(raw, [p, p, p], gen, opts);
      return { image, labels: crop(m.tissue, m.shape, s, p, (n) => new Uint8Array(n)) };
    },
  };
}

/** Random flips and axis permutation of a cubic patch (image and labels alike). */
export function flipPermute(patch: Patch, p: number, gen: Generator): Patch {
  const perm = [0, 1, 2];
  for (let i = 2; i > 0; i--) {
    const j = gen.int(0, i + 1);
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  const flip = [gen.random() < 0.5, gen.random() < 0.5, gen.random() < 0.5];
  const image = new Float32Array(patch.image.length);
  const labels = new Uint8Array(patch.labels.length);
  const c = [0, 0, 0];
  let o = 0;
  for (c[2] = 0; c[2] < p; c[2]++) for (c[1] = 0; c[1] < p; c[1]++) for (c[0] = 0; c[0] < p; c[0]++) {
    // output axis a reads source axis perm[a]
    const src = [0, 0, 0];
    for (let a = 0; a < 3; a++) src[perm[a]!] = flip[a] ? p - 1 - c[a]! : c[a]!;
    const s = src[0]! + p * (src[1]! + p * src[2]!);
    image[o] = patch.image[s]!;
    labels[o++] = patch.labels[s]!;
  }
  return { image, labels };
}

/** Cross-entropy + `diceWeight` × (1 − mean soft Dice over classes) for logits (B, K, ...) and labels (B, ...). */
export function segmentationLoss(logits: Tensor, target: Tensor, diceWeight: number): Tensor {
  const ce = crossEntropy(logits, target);
  if (diceWeight === 0) return ce;
  const K = logits.shape[1]!;
  const t = target.dataSync();
  const oh = new Float32Array(logits.numel);
  const B = logits.shape[0]!, V = t.length / B;
  for (let b = 0; b < B; b++) for (let v = 0; v < V; v++) oh[(b * K + t[b * V + v]!) * V + v] = 1;
  const y = tensor(oh, { shape: logits.shape });
  const p = softmax(logits, 1);
  const dims = [0, ...logits.shape.slice(2).map((_, i) => i + 2)];
  const inter = sum(mul(p, y), dims);
  const denom = add(sum(p, dims), sum(y, dims));
  const dice = div(addScalar(mulScalar(inter, 2), 1), addScalar(denom, 1));
  return addScalar(add(ce, mulScalar(mean(dice), -diceWeight)), diceWeight);
}

export interface SegTrainOptions {
  /** Patch side (default 48). */
  patch?: number;
  batchSize?: number;
  /** Optimiser steps per epoch (default 20). */
  stepsPerEpoch?: number;
  /** Stop after this many epochs (default 1000) or `minutes`, whichever comes first. */
  epochs?: number;
  minutes?: number;
  lr?: number;
  diceWeight?: number;
  seed?: number;
  /** Each patch is multiplied by a factor drawn from [1 − scaleAugment, 1] (default 0.6). */
  scaleAugment?: number;
  /** Draw weights of the sources (default equal). */
  weights?: number[];
  onEpoch?: (row: HistoryRow) => void;
}

/** Trains `model` on patches of `sources`; returns the history (one row per epoch) and seconds. */
export function trainSegmenter(model: Module & { outChannels: number }, sources: PatchSource[], o: SegTrainOptions = {}): { history: HistoryRow[]; seconds: number; patches: number } {
  const p = o.patch ?? 48, B = o.batchSize ?? 1, steps = o.stepsPerEpoch ?? 20;
  if (!Number.isInteger(p) || p < 2) throw new ArgumentError(`trainSegmenter: patch must be an integer ≥ 2, got ${p}`);
  if (sources.length === 0) throw new ArgumentError('trainSegmenter: no patch sources');
  const w = o.weights ?? sources.map(() => 1);
  if (w.length !== sources.length || w.some((x) => !(x >= 0)) || !(w.reduce((a, b) => a + b, 0) > 0)) throw new ArgumentError(`trainSegmenter: weights [${w.join(', ')}] must be ${sources.length} non-negative numbers, not all 0`);
  const total = w.reduce((a, b) => a + b, 0);
  const gen = new Generator(o.seed ?? 0);
  const pick = () => {
    let r = gen.random() * total;
    for (let i = 0; i < w.length; i++) if ((r -= w[i]!) < 0) return sources[i]!;
    return sources[sources.length - 1]!;
  };
  const opt = new Adam(model.parameters(), { lr: o.lr ?? 3e-3 });
  const dw = o.diceWeight ?? 1;
  const t0 = performance.now();
  const deadline = o.minutes === undefined ? Infinity : t0 + o.minutes * 60_000;
  const history: HistoryRow[] = [];
  let patches = 0;
  function* batches(): Iterable<[Tensor, Tensor]> {
    for (let s = 0; s < steps; s++) {
      const x = new Float32Array(B * p ** 3);
      const y = new Int32Array(B * p ** 3);
      for (let b = 0; b < B; b++) {
        const pt = flipPermute(pick().draw(gen, p), p, gen);
        // min-max scaling puts tissue at different levels in different scans (one bright voxel
        // halves them all): a random global scale teaches contrast rather than absolute levels
        const scale = 1 - (o.scaleAugment ?? 0.6) * gen.random();
        for (let v = 0; v < pt.image.length; v++) pt.image[v] = pt.image[v]! * scale;
        x.set(pt.image, b * p ** 3);
        y.set(pt.labels, b * p ** 3);
      }
      patches += B;
      yield [tensor(x, { shape: [B, 1, p, p, p] }), tensor(y, { shape: [B, p, p, p] })];
    }
  }
  const maxEpochs = o.epochs ?? 1000;
  for (let e = 1; e <= maxEpochs && performance.now() < deadline; e++) {
    const r = trainLoop(model, batches, { epochs: 1, optimizer: opt, accuracy: false, lossFn: (a, b) => segmentationLoss(a, b, dw) });
    const row = { ...r.history[0]!, epoch: e };
    history.push(row);
    o.onEpoch?.(row);
  }
  model.eval();
  return { history, seconds: (performance.now() - t0) / 1000, patches };
}

/** Scales a volume to [0, 1] by its min and max, as segmentVolume does (float32). */
export function minMax01(data: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(data as ArrayLike<number>);
  rescale(out);
  return out;
}
