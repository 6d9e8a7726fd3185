// Dense predictions for cropped decoding (Braindecode's to_dense_prediction_model and
// get_output_shape): a model whose strided pooling is turned into dilation predicts every crop
// position of a long input in one forward pass.

import { ArgumentError } from '../errors.js';
import { noGrad } from '../autograd/grad_mode.js';
import { tidy } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import type { Module } from '../nn/module.js';

/** A model that can switch to dense predictions (ShallowFBCSPNet, Deep4Net). */
export interface DenseCapable extends Module {
  toDense(): this;
  readonly receptiveField: number;
  readonly dense: boolean;
}

export function isDenseCapable(m: Module): m is DenseCapable {
  return typeof (m as unknown as { toDense?: unknown }).toDense === 'function';
}

/** Converts `model` in place to dense predictions and returns it. */
export function toDensePredictionModel<M extends Module>(model: M): M & DenseCapable {
  if (!isDenseCapable(model)) throw new ArgumentError(`toDensePredictionModel: ${model.constructor.name} has no dense form (ShallowFBCSPNet and Deep4Net have)`);
  return model.toDense() as M & DenseCapable;
}

/** Output shape of `model` for a zero input (1, nChans, nTimes), computed in eval mode without gradients. */
export function outputShape(model: Module, nChans: number, nTimes: number): number[] {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => tidy(() => [...model.call(zeros([1, nChans, nTimes])).shape]));
  } finally {
    if (wasTraining) model.train();
  }
}

/** Predictions per input window of the dense model (Braindecode's n_preds_per_input). */
export function nPredsPerInput(model: Module, nChans: number, nTimes: number): number {
  const s = outputShape(model, nChans, nTimes);
  return s.length === 3 ? s[2]! : 1;
}
