// nn: modules and layers, as torch.nn.
export { Module, type AnyModule, type ForwardHook, type ForwardPreHook, type HookHandle, type IncompatibleKeys } from './module.js';
export { Parameter } from './parameter.js';
export { Linear, Identity } from './linear.js';
export { Conv1d, Conv2d, Conv3d } from './conv.js';
export { MaxPool1d, MaxPool2d, MaxPool3d, AvgPool1d, AvgPool2d, AvgPool3d, AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool1d, AdaptiveMaxPool2d, type MaxPoolOut } from './pooling.js';
export { BatchNorm1d, BatchNorm2d, BatchNorm3d } from './batchnorm.js';
export { GroupNorm, LayerNorm, type NormLayerOptions } from './normalization.js';
export { Upsample } from './upsample.js';
export { ConvTranspose1d, ConvTranspose2d, ConvTranspose3d, type ConvTransposeLayerOptions } from './conv_transpose.js';
export { ReLU, ELU, LeakyReLU, Sigmoid, Tanh, Softplus, Softmax, LogSoftmax } from './activation.js';
export { Sequential, ModuleList, Flatten, Dropout } from './container.js';
export * as init from './init.js';
export * as F from './functional.js';
export { RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell, type RNNOptions, type RNNBaseOptions, type RNNCellOptions, type RNNCellBaseOptions, type RNNNonlinearity } from './rnn.js';
