// Training a volumetric segmenter (models/meshnet, models/unet3d) on random patches with the
// one training loop (trainLoop), Adam (half-cosine decay over the time budget), and cross-entropy
// plus an optional soft Dice loss, keeping the checkpoint that scores best on a validation volume.
//
// Patches come from sources: a labelled image normalised as the segmenter will normalise its
// inputs (neuro/intensity; e.g. the MNI152 template with tissue labels from its probability
// maps), with intensity augmentation (bias field, noise, gamma), or label maps from which whole
// images are synthesised (SynthSeg-style, neuro/synth_t1) and normalised like a real scan. Patch
// corners come from data/patches (centred on a voxel of a tissue class drawn uniformly from the
// non-background classes); each patch is then flipped along random axes and its axes randomly
// permuted, so the model does not learn one scan orientation. Patches are Fortran order
// [p, p, p]; the model sees them as (p, p, p) C-order, i.e. with the axes reversed, and the
// labels are laid out the same way.

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
import { WeightAverage } from '../optim/weight_average.js';
import { asegToTissue } from '../neuro/tissue.js';
import { applyBias, synthesizeImage, type SynthOptions } from '../neuro/synth_t1.js';
import { extractPatch, randomPatches, type Vec3 } from '../data/patches.js';
import { trainLoop, type HistoryRow } from './trainer.js';

export type Shape3 = [number, number, number];

/** One training patch: image in [0, 1] and class labels, Fortran order, p³ voxels. */
export interface Patch { image: Float32Array; labels: Uint8Array }

export interface PatchSource {
  readonly name: string;
  draw(gen: Generator, size: number): Patch;
}

function checkVolume(shape: Shape3, n: number, size: number, what: string): void {
  if (shape.some((s) => !Number.isInteger(s) || s < size)) throw new ShapeError(`seg_train: ${what} shape [${shape.join(', ')}] is smaller than the ${size}³ patch`);
  if (shape[0] * shape[1] * shape[2] !== n) throw new ShapeError(`seg_train: ${what} has ${n} voxels for shape [${shape.join(', ')}]`);
}

/** `count` patch corners centred on voxels of classes 1..K−1 drawn uniformly (data/patches). */
function foregroundStarts(labels: Uint8Array, shape: Shape3, p: number, count: number, classes: number, gen: Generator, what: string): Vec3[] {
  const fg = Array.from({ length: classes - 1 }, (_, c) => c + 1);
  try {
    return randomPatches(shape, p, count, { labels, balance: 'label', classes: fg, seed: gen.int(0, 2 ** 31) });
  } catch (e) {
    if (e instanceof ArgumentError) throw new ArgumentError(`seg_train: ${what} has no foreground voxel (${e.message})`);
    throw e;
  }
}

/** Intensity augmentation of a [0, 1] patch: bias field, noise, gamma (none with `strength` 0). */
function augmentIntensity(img: Float32Array, p: number, gen: Generator, strength: number): void {
  if (strength <= 0) return;
  applyBias(img, [p, p, p], gen, 0.15 * strength * gen.random());
  const noise = 0.03 * strength * gen.random();
  const g = Math.exp(0.12 * strength * gen.normal());
  for (let i = 0; i < img.length; i++) {
    const v = img[i]! > 0 ? img[i]! + noise * gen.normal() : 0;
    img[i] = Math.min(1, Math.max(0, v)) ** g;
  }
}

/** Patches of one labelled image (normalised to [0, 1], tissue labels 0..classes−1). */
export function imageSource(name: string, image: Float32Array, labels: Uint8Array, shape: Shape3, classes: number, augment = 1): PatchSource {
  if (image.length !== labels.length) throw new ShapeError(`seg_train: ${name} has ${image.length} voxels but ${labels.length} labels`);
  let starts: Vec3[] = [];
  return {
    name,
    draw(gen, p) {
      checkVolume(shape, image.length, p, name);
      if (starts.length === 0) starts = foregroundStarts(labels, shape, p, 32, classes, gen, name);
      const s = starts.pop()!;
      const img = extractPatch(image, shape, s, p);
      augmentIntensity(img, p, gen, augment);
      return { image: img, labels: extractPatch(labels, shape, s, p) };
    },
  };
}

/**
 * Synthetic patches from FreeSurfer label maps: a whole random-contrast image of one map at a time
 * (neuro/synth_t1, normalised over the whole volume as a real scan is), `perVolume` patches from
 * each before the next is synthesised.
 */
export function synthSource(name: string, maps: { labels: ArrayLike<number>; shape: Shape3 }[], opts: SynthOptions = {}, perVolume = 6): PatchSource {
  if (maps.length === 0) throw new ArgumentError(`seg_train: ${name} has no label maps`);
  if (!Number.isInteger(perVolume) || perVolume < 1) throw new ArgumentError(`seg_train: ${name}: perVolume must be a positive integer, got ${perVolume}`);
  const prepared = maps.map((m) => {
    const raw = Int32Array.from(m.labels as ArrayLike<number>);
    return { raw, tissue: asegToTissue(raw), shape: m.shape };
  });
  let image: Float32Array | null = null, map = prepared[0]!, starts: Vec3[] = [];
  return {
    name,
    draw(gen, p) {
      if (!image || starts.length === 0) {
        map = prepared[gen.int(0, prepared.length)]!;
        checkVolume(map.shape, map.raw.length, p, name);
        image = synthesizeImage(map.raw, map.shape, gen, opts);
        starts = foregroundStarts(map.tissue, map.shape, p, perVolume, 4, gen, name);
      }
      const s = starts.pop()!;
      return { image: extractPatch(image, map.shape, s, p), labels: extractPatch(map.tissue, map.shape, s, p) };
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
  /** Adam's learning rate; with `minutes`, it decays along a half cosine to `lr` × `lrFloor` (default 0.05) at the deadline. */
  lr?: number;
  lrFloor?: number;
  diceWeight?: number;
  seed?: number;
  /** Draw weights of the sources (default equal). */
  weights?: number[];
  /**
   * Checkpoint selection: every `every` epochs (and after the last) `score` rates the model (in
   * eval mode; higher is better, e.g. mean Dice on a held-out volume); the model ends with the
   * weights that scored best.
   */
  validate?: { every: number; score: (model: Module) => number };
  /**
   * Weight averaging (SWA, optim's WeightAverage): from this fraction of the run on (of `minutes`
   * when set, else of `epochs`), each epoch's weights join an equal-weight average. Validations
   * from then on score the averaged weights (training continues from the raw ones), so the model
   * ends with the average unless an earlier raw checkpoint scored better; without `validate` it
   * ends with the average.
   */
  average?: { start: number };
  onEpoch?: (row: SegHistoryRow) => void;
}

export interface SegHistoryRow extends HistoryRow {
  /** The validation score after this epoch, when one was taken. */
  score?: number;
}

function snapshot(model: Module): Record<string, Tensor> {
  const sd = model.stateDict();
  return Object.fromEntries(Object.entries(sd).map(([k, t]) => [k, tensor(t.dataSync().slice(), { shape: [...t.shape], dtype: t.dtype })]));
}

/** Trains `model` on patches of `sources`; returns the history (one row per epoch), seconds, and the chosen epoch. */
export function trainSegmenter(model: Module & { outChannels: number }, sources: PatchSource[], o: SegTrainOptions = {}): { history: SegHistoryRow[]; seconds: number; patches: number; bestEpoch: number; bestScore: number | null; averaged: number } {
  const p = o.patch ?? 48, B = o.batchSize ?? 1, steps = o.stepsPerEpoch ?? 20;
  if (!Number.isInteger(p) || p < 2) throw new ArgumentError(`trainSegmenter: patch must be an integer ≥ 2, got ${p}`);
  if (sources.length === 0) throw new ArgumentError('trainSegmenter: no patch sources');
  const w = o.weights ?? sources.map(() => 1);
  if (w.length !== sources.length || w.some((x) => !(x >= 0)) || !(w.reduce((a, b) => a + b, 0) > 0)) throw new ArgumentError(`trainSegmenter: weights [${w.join(', ')}] must be ${sources.length} non-negative numbers, not all 0`);
  if (o.average && !(o.average.start >= 0 && o.average.start < 1)) throw new ArgumentError(`trainSegmenter: average.start must be in [0, 1), got ${o.average.start}`);
  const avg = o.average ? new WeightAverage() : null;
  const every = o.validate?.every ?? 0;
  if (o.validate && !(Number.isInteger(every) && every >= 1)) throw new ArgumentError(`trainSegmenter: validate.every must be a positive integer, got ${every}`);
  const total = w.reduce((a, b) => a + b, 0);
  const gen = new Generator(o.seed ?? 0);
  const pick = () => {
    let r = gen.random() * total;
    for (let i = 0; i < w.length; i++) if ((r -= w[i]!) < 0) return sources[i]!;
    return sources[sources.length - 1]!;
  };
  const lr0 = o.lr ?? 3e-3, floor = o.lrFloor ?? 0.05;
  const opt = new Adam(model.parameters(), { lr: lr0 });
  const dw = o.diceWeight ?? 1;
  const t0 = performance.now();
  const deadline = o.minutes === undefined ? Infinity : t0 + o.minutes * 60_000;
  const history: SegHistoryRow[] = [];
  let patches = 0, best: { epoch: number; score: number; state: Record<string, Tensor> } | null = null;
  function* batches(): Iterable<[Tensor, Tensor]> {
    for (let s = 0; s < steps; s++) {
      const x = new Float32Array(B * p ** 3);
      const y = new Int32Array(B * p ** 3);
      for (let b = 0; b < B; b++) {
        const pt = flipPermute(pick().draw(gen, p), p, gen);
        x.set(pt.image, b * p ** 3);
        y.set(pt.labels, b * p ** 3);
      }
      patches += B;
      yield [tensor(x, { shape: [B, 1, p, p, p] }), tensor(y, { shape: [B, p, p, p] })];
    }
  }
  const validate = (row: SegHistoryRow) => {
    model.eval();
    // once averaging has begun, the average is the candidate; the raw weights are put back after
    const raw = avg && avg.count > 0 ? snapshot(model) : null;
    try {
      if (raw) avg!.copyTo(model);
      const score = o.validate!.score(model);
      row.score = score;
      if (!best || score > best.score) {
        if (best) for (const t of Object.values(best.state)) t.dispose();
        best = { epoch: row.epoch, score, state: raw ? avg!.stateDict() : snapshot(model) };
      }
    } finally {
      if (raw) {
        model.loadStateDict(raw);
        for (const t of Object.values(raw)) t.dispose();
      }
    }
  };
  const maxEpochs = o.epochs ?? 1000;
  for (let e = 1; e <= maxEpochs && performance.now() < deadline; e++) {
    if (Number.isFinite(deadline)) {
      const f = Math.min(1, (performance.now() - t0) / (deadline - t0));
      for (const g of opt.paramGroups) g.lr = lr0 * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * f)));
    }
    const r = trainLoop(model, batches, { epochs: 1, optimizer: opt, accuracy: false, lossFn: (a, b) => segmentationLoss(a, b, dw) });
    const row: SegHistoryRow = { ...r.history[0]!, epoch: e };
    const now = performance.now();
    const last = e === maxEpochs || now >= deadline;
    // the run's fraction done: of its time or of its epochs, whichever limit is nearer
    const progress = Math.max(Number.isFinite(deadline) ? (now - t0) / (deadline - t0) : 0, e / maxEpochs);
    if (avg && progress >= o.average!.start) avg.update(model);
    if (o.validate && (e % every === 0 || last)) validate(row);
    history.push(row);
    o.onEpoch?.(row);
  }
  model.eval();
  const chosen = best as { epoch: number; score: number; state: Record<string, Tensor> } | null;
  if (chosen) {
    model.loadStateDict(chosen.state);
    for (const t of Object.values(chosen.state)) t.dispose();
  } else if (avg && avg.count > 0) avg.copyTo(model);
  return { history, seconds: (performance.now() - t0) / 1000, patches, bestEpoch: chosen ? chosen.epoch : history.length, bestScore: chosen ? chosen.score : null, averaged: avg?.count ?? 0 };
}
