// Signal processing on plain Float64Arrays (one per channel), matching scipy.signal and MNE.
export { fft, ifft, rfft, irfft, fftInPlace, nextFastLen, type Complex } from './fft.js';
export { getWindow, linspace, i0, type WindowSpec } from './windows.js';
export { firwin, sinc, kaiserAtten, kaiserBeta, type FirwinOptions } from './firwin.js';
export { createFilter, firwinDesign, roundHalfEven, LENGTH_FACTORS, type CreateFilterOptions, type FirWindow, type FirPhase } from './create_filter.js';
export { filterData, firFilterZeroPhase, smartPad, overlapAddFftLength, type FilterDataOptions, type PadMode } from './filter_data.js';
export { notchFilter, type NotchFilterOptions } from './notch.js';
export { butter, buttap, bilinearZpk, zpk2sos, zpk2tf, type Sos, type Zpk, type Cx, type BType, type ButterOptions } from './butter.js';
export { sosfilt, sosfiltZi, sosfiltfilt, extendEdges, type SosState, type PadType, type SosfiltfiltOptions } from './sosfilt.js';
export { resamplePoly, upfirdn, resample, type ResamplePolyOptions, type ResampleOptions } from './resample.js';
export { welch, medianBias, type WelchOptions } from './welch.js';
export { hilbert, envelope } from './hilbert.js';
export { exponentialMovingStandardize, ExponentialMovingStandardizer, type EmsOptions } from './standardize.js';
export { bandPowers, lineLength, populationVariance } from './band_power.js';
