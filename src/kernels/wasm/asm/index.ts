// Entry point of the wasm kernel module: every exported kernel.
export { sgemm, KC, NC, MC } from './gemm';
export { im2col, col2im, maxPool2d, maxPool2dBackward, avgPool2d, avgPool2dBackward } from './window';
export { convDirect, convDirectWeightGrad } from './conv_direct';
export { allFinite, fill32, unary, binary, copy, reduceSum, reduceMax, softmax, compare, where } from './elementwise';
export { batchNormStats, batchNormApply, batchNormBackward } from './norm';
export { sgdStep, adamStep } from './optim';
export { lstmCell, lstmCellBackward, gruCell, gruCellBackward, rnnSequence } from './rnn_cell';
export { fftConvSpectrum, fftConv } from './conv_fft';
export { conv3d, conv3dRows, conv3dBackwardInput, conv3dWeightGrad } from './conv3d';
