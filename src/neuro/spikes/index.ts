// Spike-train analysis (Elephant-like): SpikeTrain, binning, spike history for decoders, firing
// rates, PSTH, interval statistics, correlations and point-process generators.
export { SpikeTrain, alignToEvents, type SpikeTrainOptions } from './spike_train.js';
export { binSpikes, toTimeMajor, unitCounts, binarize, type BinOptions, type BinnedSpikeTrains } from './binning.js';
export { spikesWithHistory, flattenHistory, historyValidRange, type CountMatrix, type HistorySequences } from './history.js';
export {
  instantaneousRate, gaussianKernel, laplacianKernel, exponentialKernel, alphaKernel, rectangularKernel, triangularKernel, epanechnikovKernel,
  type Kernel, type KernelName, type InstantaneousRate, type InstantaneousRateOptions,
} from './rate.js';
export { psth, timeHistogram, type Psth, type PsthOptions } from './psth.js';
export { isi, meanFiringRate, cv, cv2, lv, lvr, fanoFactor } from './statistics.js';
export { crossCorrelationHistogram, cch, correlationCoefficient, type Cch, type CchOptions } from './correlation.js';
export { homogeneousPoisson, gammaProcess, inhomogeneousPoisson } from './generators.js';
