// RMSprop, as torch.optim.RMSprop (PyTorch 1.13).
//
//   g = grad (negated if maximize) + weightDecay * p
//   s = alpha * s + (1 - alpha) * g²
//   avg = sqrt(s - gAvg²) + eps, gAvg = alpha * gAvg + (1 - alpha) * g   (centered)
//       = sqrt(s) + eps                                                  (otherwise)
//   momentum > 0:  b = momentum * b + g / avg;  p -= lr * b
//   otherwise:     p -= lr * g / avg

import type { Tensor } from '../tensor/tensor.js';
import { check, Optimizer, type ParamGroup, type ParamsArg, type ParamState } from './optimizer.js';

export interface RMSpropOptions {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsArg<RMSpropOptions>, opts: Partial<RMSpropOptions> = {}) {
    super('RMSprop', params, { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false, ...opts });
  }

  protected validate(g: ParamGroup<RMSpropOptions>): void {
    check('RMSprop', g.lr >= 0, 'learning rate', g.lr);
    check('RMSprop', g.eps >= 0, 'epsilon value', g.eps);
    check('RMSprop', g.momentum >= 0, 'momentum value', g.momentum);
    check('RMSprop', g.weightDecay >= 0, 'weightDecay value', g.weightDecay);
    check('RMSprop', g.alpha >= 0, 'alpha value', g.alpha);
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<RMSpropOptions>): void {
    if (state['step'] === undefined) {
      state['step'] = 0;
      state['squareAvg'] = this.zerosState(p);
    }
    if (g.momentum > 0 && state['momentumBuffer'] === undefined) state['momentumBuffer'] = this.zerosState(p);
    if (g.centered && state['gradAvg'] === undefined) state['gradAvg'] = this.zerosState(p);
    state['step'] = (state['step'] as number) + 1;
    const squareAvg = state['squareAvg'] as Tensor;
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(p, g.weightDecay);
    squareAvg.mul_(g.alpha).addcmul_(d, d, 1 - g.alpha);
    let avg: Tensor;
    if (g.centered) {
      const gradAvg = state['gradAvg'] as Tensor;
      gradAvg.mul_(g.alpha).add_(d, 1 - g.alpha);
      avg = squareAvg.sub(gradAvg.mul(gradAvg)).sqrt();
    } else {
      avg = squareAvg.sqrt();
    }
    avg.add_(g.eps);
    if (g.momentum > 0) {
      const buf = state['momentumBuffer'] as Tensor;
      buf.mul_(g.momentum).addcdiv_(d, avg);
      p.add_(buf, -g.lr);
    } else {
      p.addcdiv_(d, avg, -g.lr);
    }
  }
}
