// The model zoo: LeNet and the Braindecode-style EEG decoders.
export { LeNet } from './lenet.js';
export { ShallowFBCSPNet, type ShallowFBCSPNetOptions } from './shallow_fbcsp.js';
export { Deep4Net, type Deep4NetOptions, type Deep4PoolMode } from './deep4.js';
export { EEGNet, renorm_, type EEGNetOptions } from './eegnet.js';
export { toDensePredictionModel, nPredsPerInput, outputShape, isDenseCapable, type DenseCapable } from './dense.js';
export * from './decoders/index.js';
