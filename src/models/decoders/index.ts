// The deep spike-decoder networks (nn Modules); their fit/predict estimators are in decode/estimators.
export { RecurrentDecoderNet, DenseDecoderNet, type RecurrentCell } from './neural_net.js';
