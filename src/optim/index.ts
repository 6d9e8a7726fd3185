// torch.optim: optimizers, learning-rate schedulers and gradient clipping.
export {
  Optimizer,
  type HyperParams,
  type ParamGroup,
  type ParamGroupInput,
  type ParamsArg,
  type ParamState,
  type OptimizerStateDict,
} from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, type AdamOptions } from './adam.js';
export { AdamW, type AdamWOptions } from './adamw.js';
export { Adadelta, type AdadeltaOptions } from './adadelta.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export {
  LRScheduler,
  LambdaLR,
  StepLR,
  MultiStepLR,
  ExponentialLR,
  CosineAnnealingLR,
  ReduceLROnPlateau,
  type ReduceLROnPlateauOptions,
  type AnyOptimizer,
} from './lr_scheduler.js';
export { clipGradNorm, clipGradNormDevice, clipGradValue, type ClipGradNormOptions } from './clip_grad.js';
export { WeightAverage } from './weight_average.js';
