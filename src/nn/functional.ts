// F: the functional forms of the layers, as torch.nn.functional.
export { linear } from '../ops/matmul.js';
export { conv1d, conv2d } from '../ops/conv.js';
export { conv3d } from '../ops/conv3d.js';
export {
  maxPool1d, maxPool2d, avgPool1d, avgPool2d, adaptiveAvgPool1d, adaptiveAvgPool2d,
  adaptiveMaxPool1d, adaptiveMaxPool2d, adaptiveMaxPool1dWithIndices, adaptiveMaxPool2dWithIndices,
} from '../ops/pool.js';
export { relu, elu, leakyRelu, sigmoid, tanh, softplus } from '../ops/elementwise.js';
export { softmax, logSoftmax } from '../ops/activation.js';
export { batchNorm, dropout, layerNorm } from '../ops/norm.js';
export { groupNorm } from '../ops/group_norm.js';
export { maxPool3d, avgPool3d } from '../ops/pool3d.js';
export { interpolate } from '../ops/interpolate.js';
export { convTranspose1d, convTranspose2d, convTranspose3d } from '../ops/conv_transpose.js';
export { pad } from '../ops/movement.js';
export { crossEntropy, nllLoss, mseLoss, l1Loss, binaryCrossEntropyWithLogits, poissonNllLoss } from '../ops/loss.js';
