// The V1 experiment: do convolution units respond like V1 simple cells (F1/F0 > 1) and pooled
// units like complex cells (F1/F0 < 1)? Networks: LeNet (trained on MNIST; its pooling is
// functional, so the pooled responses are recomputed from the hooked conv outputs exactly as its
// forward does) and a conv → ReLU → max-pool network whose filters were learned by nonlinear
// Hebbian learning on whitened natural-image patches. Each layer's kept units' modulation ratios
// are compared with Ringach 2002's (Brain-Score KS similarity) and conv against pooled units with
// an exact Mann-Whitney U test.

import { relu } from '../../ops/elementwise.js';
import { maxPool2d } from '../../ops/pool.js';
import { Conv2d } from '../../nn/conv.js';
import { Sequential } from '../../nn/container.js';
import { ReLU } from '../../nn/activation.js';
import { MaxPool2d } from '../../nn/pooling.js';
import type { Module } from '../../nn/module.js';
import { tensor } from '../../tensor/creation.js';
import { MNIST_MEAN, MNIST_STD } from '../../datasets/mnist.js';
import { analyseLayer, keptModulationRatios, summariseLayer, type LayerAnalysis, type LayerSummary } from './analysis.js';
import type { GratingGrid } from './gratings.js';
import { bootstrapKsSimilarity, CIRCULAR_VARIANCE_BINS, ks2Statistic, mannWhitneyU, MODULATION_RATIO_BINS, type KsScore, type MannWhitney } from './stats.js';
import { gratingSweep, type SweepOptions } from './sweep.js';

type AnyModule = Module<any[], any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Gratings for LeNet's 28×28 inputs: periods 16, 10, 8, 6 and 4 px; 28 px taken as 1° of visual angle. */
export const LENET_GRID: GratingGrid = { size: 28, sfCyclesPerImage: [1.75, 2.8, 3.5, 28 / 6, 7], orientations: Array.from({ length: 12 }, (_, i) => i * 15), nPhases: 8, degrees: 1 };

export function lenetSweepOptions(): SweepOptions {
  return {
    layers: ['conv1', 'conv2'], mean: MNIST_MEAN, std: MNIST_STD,
    derived: [
      { name: 'pool1', from: 'conv1', fn: (x) => maxPool2d(relu(x), 2) },
      { name: 'pool2', from: 'conv2', fn: (x) => maxPool2d(relu(x), 2) },
    ],
  };
}

/** Gratings for the natural-image network's 32×32 inputs: periods 16, 12, 8, 6 and 4 px. */
export const NATURAL_GRID: GratingGrid = { size: 32, sfCyclesPerImage: [2, 32 / 12, 4, 32 / 6, 8], orientations: Array.from({ length: 12 }, (_, i) => i * 15), nPhases: 8, degrees: 1 };

/** conv (k filters, size×size, weights = the receptive fields) → ReLU → max-pool 2; pool 4 derived. */
export function rfConvNet(rfs: Float64Array, k: number, size: number): Sequential {
  const conv = new Conv2d(1, k, size, { bias: false });
  conv.loadStateDict({ weight: tensor(Float32Array.from(rfs), { shape: [k, 1, size, size] }) });
  return new Sequential(conv, new ReLU(), new MaxPool2d(2));
}

export function rfNetSweepOptions(): SweepOptions {
  return { layers: ['1', '2'], mean: 0.5, derived: [{ name: 'pool4', from: '1', fn: (x) => maxPool2d(x, 4) }] };
}

export interface LayerReport extends LayerSummary {
  /** Brain-Score KS similarity of the kept units' F1/F0 to Ringach's. */
  ksSimilarity: KsScore | null;
  /** ... and of their circular variance (when Ringach's circular variances are given). */
  ksCircularVariance: KsScore | null;
  modulationRatios: number[];
}

export interface ComparisonReport {
  conv: string[];
  pooled: string[];
  test: MannWhitney | null;
  /** Two-sample KS statistic between the two groups' F1/F0. */
  ksStatistic: number | null;
}

export interface NetworkReport {
  network: string;
  layers: LayerReport[];
  comparisons: ComparisonReport[];
  analyses: LayerAnalysis[];
}

/** Sweep, analyse every layer, score against Ringach's modulation ratios, compare conv vs pooled. */
export function measureNetwork(network: string, model: AnyModule, grid: GratingGrid, opts: SweepOptions, ringach: readonly number[], comparisons: readonly [string[], string[]][], nBoot = 1000, ringachCv: readonly number[] | null = null): NetworkReport {
  const layers = gratingSweep(model, grid, opts);
  const analyses = layers.map((l) => analyseLayer(l, grid));
  const rep = analyses.map((a) => {
    const mr = keptModulationRatios(a);
    const cv = a.units.filter((u) => u.responsive).map((u) => u.circularVariance);
    return {
      ...summariseLayer(a), modulationRatios: mr,
      ksSimilarity: mr.length ? bootstrapKsSimilarity(mr, ringach, MODULATION_RATIO_BINS, nBoot, 0) : null,
      ksCircularVariance: cv.length && ringachCv ? bootstrapKsSimilarity(cv, ringachCv, CIRCULAR_VARIANCE_BINS, nBoot, 0) : null,
    };
  });
  const byName = new Map(rep.map((r) => [r.name, r.modulationRatios]));
  const cmp = comparisons.map(([conv, pooled]) => {
    const a = conv.flatMap((n) => byName.get(n) ?? []), b = pooled.flatMap((n) => byName.get(n) ?? []);
    return { conv, pooled, test: a.length && b.length && a.length <= 100 && b.length <= 100 ? mannWhitneyU(a, b) : null, ksStatistic: a.length && b.length ? ks2Statistic(a, b) : null };
  });
  return { network, layers: rep, comparisons: cmp, analyses };
}
