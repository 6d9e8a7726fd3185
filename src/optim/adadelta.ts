// Adadelta, as torch.optim.Adadelta (PyTorch 1.13).
//
//   g = grad (negated if maximize) + weightDecay * p
//   s = rho * s + (1 - rho) * g²
//   delta = sqrt(a + eps) / sqrt(s + eps) * g
//   a = rho * a + (1 - rho) * delta²
//   p -= lr * delta

import type { Tensor } from '../tensor/tensor.js';
import { check, Optimizer, type ParamGroup, type ParamsArg, type ParamState } from './optimizer.js';

export interface AdadeltaOptions {
  lr: number;
  rho: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

export class Adadelta extends Optimizer<AdadeltaOptions> {
  constructor(params: ParamsArg<AdadeltaOptions>, opts: Partial<AdadeltaOptions> = {}) {
    super('Adadelta', params, { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false, ...opts });
  }

  protected validate(g: ParamGroup<AdadeltaOptions>): void {
    check('Adadelta', g.lr >= 0, 'learning rate', g.lr);
    check('Adadelta', g.rho >= 0 && g.rho <= 1, 'rho value', g.rho);
    check('Adadelta', g.eps >= 0, 'epsilon value', g.eps);
    check('Adadelta', g.weightDecay >= 0, 'weightDecay value', g.weightDecay);
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<AdadeltaOptions>): void {
    if (state['step'] === undefined) {
      state['step'] = 0;
      state['squareAvg'] = this.zerosState(p);
      state['accDelta'] = this.zerosState(p);
    }
    state['step'] = (state['step'] as number) + 1;
    const squareAvg = state['squareAvg'] as Tensor;
    const accDelta = state['accDelta'] as Tensor;
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(p, g.weightDecay);
    squareAvg.mul_(g.rho).addcmul_(d, d, 1 - g.rho);
    const std = squareAvg.add(g.eps).sqrt();
    const delta = accDelta.add(g.eps).sqrt().div_(std).mul_(d);
    accDelta.mul_(g.rho).addcmul_(delta, delta, 1 - g.rho);
    p.add_(delta, -g.lr);
  }
}
