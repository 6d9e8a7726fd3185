export { Annotations } from './annotations.js';
export { Raw, type RawInfo, type Picks } from './raw.js';
export { eventsFromAnnotations, eventSpanStart, type Event, type EventsFromAnnotations } from './events.js';
export { Epochs, type EpochsOptions } from './epochs.js';
export { WindowsDataset, trialWindows, createWindowsFromEvents, createFixedLengthWindows, type WindowSpec, type TrialWindowing, type TrialWindowOptions, type FixedWindowOptions } from './windows.js';
export { SpikeTrain, alignToEvents, binSpikes, toTimeMajor, unitCounts, binarize, spikesWithHistory, flattenHistory, historyValidRange, instantaneousRate, gaussianKernel, laplacianKernel, exponentialKernel, alphaKernel, rectangularKernel, triangularKernel, epanechnikovKernel, psth, timeHistogram, isi, meanFiringRate, cv, cv2, lv, lvr, fanoFactor, crossCorrelationHistogram, cch, correlationCoefficient, homogeneousPoisson, gammaProcess, inhomogeneousPoisson, type SpikeTrainOptions, type BinOptions, type BinnedSpikeTrains, type CountMatrix, type HistorySequences, type Kernel, type KernelName, type InstantaneousRate, type InstantaneousRateOptions, type Psth, type PsthOptions, type Cch, type CchOptions } from './spikes/index.js';
export { standardMontage, standardizeEegbciName, montagePositions, headTransform, HEAD_SIZE_DEFAULT, type Montage, type MontageKind, type MontageMatchOptions, type Vec3 } from './montage.js';
export { conform, unconform, conformedAffine, axisCodes, getscale, type Volume, type VolumeData, type Conformed, type ConformOptions } from './conform.js';
export { dicePerLabel, meanDice, hausdorff95, segmentationMetrics, type SurfaceOptions } from './seg_metrics.js';
