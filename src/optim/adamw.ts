// AdamW, as torch.optim.AdamW (PyTorch 1.13): Adam with decoupled weight decay,
//   p *= 1 - lr * weightDecay, then the Adam step on the raw gradient.

import type { Tensor } from '../tensor/tensor.js';
import { adamStep, checkAdam, type AdamOptions } from './adam.js';
import { Optimizer, type ParamGroup, type ParamsArg, type ParamState } from './optimizer.js';

export type AdamWOptions = AdamOptions;

export class AdamW extends Optimizer<AdamWOptions> {
  constructor(params: ParamsArg<AdamWOptions>, opts: Partial<AdamWOptions> = {}) {
    super('AdamW', params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false, ...opts });
  }

  protected validate(g: ParamGroup<AdamWOptions>): void {
    checkAdam('AdamW', g);
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<AdamWOptions>): void {
    if (g.weightDecay !== 0) p.mul_(1 - g.lr * g.weightDecay);
    adamStep({ zeros: (t) => this.zerosState(t) }, p, grad, state, g, 0, g.maximize);
  }
}
