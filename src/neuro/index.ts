export { Annotations } from './annotations.js';
export { Raw, type RawInfo, type Picks } from './raw.js';
export { eventsFromAnnotations, type Event, type EventsFromAnnotations } from './events.js';
export { Epochs, type EpochsOptions } from './epochs.js';
export { WindowsDataset, createWindowsFromEvents, createFixedLengthWindows, type WindowSpec, type TrialWindowOptions, type FixedWindowOptions } from './windows.js';
export { SpikeTrain, alignToEvents, binSpikes, toTimeMajor, unitCounts, binarize, spikesWithHistory, flattenHistory, historyValidRange, instantaneousRate, gaussianKernel, laplacianKernel, exponentialKernel, alphaKernel, rectangularKernel, triangularKernel, epanechnikovKernel, psth, timeHistogram, isi, meanFiringRate, cv, cv2, lv, lvr, fanoFactor, crossCorrelationHistogram, cch, correlationCoefficient, homogeneousPoisson, gammaProcess, inhomogeneousPoisson, type SpikeTrainOptions, type BinOptions, type BinnedSpikeTrains, type CountMatrix, type HistorySequences, type Kernel, type KernelName, type InstantaneousRate, type InstantaneousRateOptions, type Psth, type PsthOptions, type Cch, type CchOptions } from './spikes/index.js';
