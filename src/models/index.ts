// The model zoo (nn modules): LeNet, the Braindecode-style EEG nets, the deep spike-decoder nets,
// and the registry that names the EEG nets.
export { LeNet } from './lenet.js';
export { ShallowFBCSPNet, type ShallowFBCSPNetOptions } from './shallow_fbcsp.js';
export { Deep4Net, type Deep4NetOptions, type Deep4PoolMode } from './deep4.js';
export { EEGNet, renorm_, type EEGNetOptions } from './eegnet.js';
export { toDensePredictionModel, nPredsPerInput, outputShape, isDenseCapable, type DenseCapable } from './dense.js';
export * from './decoders/index.js';
export { eegModels, type EegModelSpec, type ModelFactory } from './registry.js';
