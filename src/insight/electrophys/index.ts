// In-silico electrophysiology and the V1 test: gratings, per-unit grating properties as
// Brain-Score computes them, the firing-rate map, distribution comparisons, the Ringach 2002
// database, hook-based sweeps, the experiment's networks, and Hebbian receptive-field learning.

export { checkGrid, cyclesPerDegree, defaultGratingGrid, grating, gratingCount, gratingStack, type GratingGrid } from './gratings.js';
export { circularVariance, f0f1, orientationBandwidth, orthogonalPreferredRatio, unitProperties, type UnitProperties } from './tuning.js';
export { notAKnotSpline, type CubicSpline } from './spline.js';
export { firingRatesAffine, MEDIAN_MAX_RESP, MEDIAN_SPONTANEOUS, RESPONSE_THRESHOLD, SINGLE_MAX_RESP, toRate } from './rates.js';
export { bootstrapKsSimilarity, CIRCULAR_VARIANCE_BINS, histogram, ks2Statistic, ksSimilarity, mannWhitneyU, MODULATION_RATIO_BINS, type KsScore, type MannWhitney } from './stats.js';
export { readRingach2002, ringachCircularVariances, ringachModulationRatios, type RingachCells } from './ringach.js';
export { gratingSweep, type DerivedLayer, type LayerResponses, type SweepOptions } from './sweep.js';
export { analyseLayer, keptModulationRatios, summariseLayer, type LayerAnalysis, type LayerSummary, type UnitResult } from './analysis.js';
export {
  LENET_GRID, lenetSweepOptions, measureNetwork, NATURAL_GRID, rfConvNet, rfNetSweepOptions,
  type ComparisonReport, type LayerReport, type NetworkReport,
} from './experiment.js';
export { samplePatches, whiten, zcaWhitening, type GrayImage, type Whitening, type WhiteningOptions } from '../hebbian/patches.js';
export { hebbianLearn, meanKurtosis, receptiveFields, type HebbianOptions, type HebbianResult } from '../hebbian/learn.js';
export { learnHebbianFilters, type HebbianSummary } from '../hebbian/filters.js';
