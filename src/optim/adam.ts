// Adam, as torch.optim.Adam (PyTorch 1.13), L2 weight decay added to the gradient.
//
//   g = grad (negated if maximize) + weightDecay * p
//   m = beta1 * m + (1 - beta1) * g
//   v = beta2 * v + (1 - beta2) * g²            (amsgrad: vmax = max(vmax, v), used below)
//   p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

import type { Tensor } from '../tensor/tensor.js';
import { check, Optimizer, type ParamGroup, type ParamsArg, type ParamState } from './optimizer.js';

export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

/** Checks Adam-family hyperparameters (shared with AdamW). */
export function checkAdam(name: string, g: ParamGroup<AdamOptions>): void {
  check(name, g.lr >= 0, 'learning rate', g.lr);
  check(name, g.eps >= 0, 'epsilon value', g.eps);
  check(name, Array.isArray(g.betas) && g.betas.length === 2, 'betas', g.betas);
  check(name, g.betas[0] >= 0 && g.betas[0] < 1, 'beta parameter at index 0:', g.betas[0]);
  check(name, g.betas[1] >= 0 && g.betas[1] < 1, 'beta parameter at index 1:', g.betas[1]);
  check(name, g.weightDecay >= 0, 'weightDecay value', g.weightDecay);
}

/**
 * The Adam moment update and parameter step shared by Adam and AdamW (`g` already has any
 * L2 term). Creates the state on first use.
 */
export function adamStep(opt: { zeros(p: Tensor): Tensor }, p: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<AdamOptions>): void {
  if (state['step'] === undefined) {
    state['step'] = 0;
    state['expAvg'] = opt.zeros(p);
    state['expAvgSq'] = opt.zeros(p);
    if (g.amsgrad) state['maxExpAvgSq'] = opt.zeros(p);
  }
  const [beta1, beta2] = g.betas;
  const step = (state['step'] as number) + 1;
  state['step'] = step;
  const expAvg = state['expAvg'] as Tensor;
  const expAvgSq = state['expAvgSq'] as Tensor;
  expAvg.mul_(beta1).add_(grad, 1 - beta1);
  expAvgSq.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
  const bc1 = 1 - beta1 ** step;
  const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
  let v = expAvgSq;
  if (g.amsgrad) {
    // a group can turn amsgrad on after some steps (e.g. via loadStateDict)
    let vmax = state['maxExpAvgSq'] as Tensor | undefined;
    if (vmax === undefined) state['maxExpAvgSq'] = vmax = opt.zeros(p);
    vmax.copy_(vmax.maximum(expAvgSq));
    v = vmax;
  }
  const denom = v.sqrt().div_(bc2Sqrt).add_(g.eps);
  p.addcdiv_(expAvg, denom, -g.lr / bc1);
}

export class Adam extends Optimizer<AdamOptions> {
  constructor(params: ParamsArg<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super('Adam', params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, ...opts });
  }

  protected validate(g: ParamGroup<AdamOptions>): void {
    checkAdam('Adam', g);
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<AdamOptions>): void {
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(p, g.weightDecay);
    adamStep({ zeros: (t) => this.zerosState(t) }, p, d, state, g);
  }
}
