// Adagrad, as torch.optim.Adagrad (PyTorch 1.13), dense gradients.
//
//   g = grad (negated if maximize) + weightDecay * p
//   clr = lr / (1 + (t - 1) * lrDecay)
//   s += g²;  p -= clr * g / (sqrt(s) + eps)

import type { Tensor } from '../tensor/tensor.js';
import { check, Optimizer, type ParamGroup, type ParamsArg, type ParamState } from './optimizer.js';

export interface AdagradOptions {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: ParamsArg<AdagradOptions>, opts: Partial<AdagradOptions> = {}) {
    super('Adagrad', params, { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false, ...opts });
  }

  protected validate(g: ParamGroup<AdagradOptions>): void {
    check('Adagrad', g.lr >= 0, 'learning rate', g.lr);
    check('Adagrad', g.lrDecay >= 0, 'lrDecay value', g.lrDecay);
    check('Adagrad', g.weightDecay >= 0, 'weightDecay value', g.weightDecay);
    check('Adagrad', g.initialAccumulatorValue >= 0, 'initialAccumulatorValue value', g.initialAccumulatorValue);
    check('Adagrad', g.eps >= 0, 'epsilon value', g.eps);
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<AdagradOptions>): void {
    if (state['step'] === undefined) {
      state['step'] = 0;
      const s = this.zerosState(p);
      if (g.initialAccumulatorValue !== 0) s.fill_(g.initialAccumulatorValue);
      state['sum'] = s;
    }
    const step = (state['step'] as number) + 1;
    state['step'] = step;
    const sum = state['sum'] as Tensor;
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(p, g.weightDecay);
    const clr = g.lr / (1 + (step - 1) * g.lrDecay);
    sum.addcmul_(d, d, 1);
    const std = sum.sqrt().add_(g.eps);
    p.addcdiv_(d, std, -clr);
  }
}
