// Stochastic gradient descent with momentum, as torch.optim.SGD (PyTorch 1.13).
//
//   g = grad (negated if maximize) + weightDecay * p
//   b = g on the first step, else momentum * b + (1 - dampening) * g
//   g = nesterov ? g + momentum * b : b          (when momentum != 0)
//   p -= lr * g

import { ArgumentError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { backend } from '../kernels/registry.js';
import { fusable } from './adam.js';
import { check, Optimizer, type ParamGroup, type ParamsArg, type ParamState } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

export class SGD extends Optimizer<SGDOptions> {
  /** `lr` has no default (as PyTorch's `required`): give it here or in every group. */
  constructor(params: ParamsArg<SGDOptions>, opts: Partial<SGDOptions> = {}) {
    super('SGD', params, { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...opts });
  }

  protected validate(g: ParamGroup<SGDOptions>): void {
    check('SGD', g.lr >= 0, 'learning rate', g.lr);
    check('SGD', g.momentum >= 0, 'momentum value', g.momentum);
    check('SGD', Number.isFinite(g.dampening), 'dampening value', g.dampening);
    check('SGD', g.weightDecay >= 0, 'weightDecay value', g.weightDecay);
    if (g.nesterov && !(g.momentum > 0 && g.dampening === 0)) {
      throw new ArgumentError(`SGD: Nesterov momentum requires a momentum and zero dampening (got momentum ${g.momentum}, dampening ${g.dampening})`);
    }
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<SGDOptions>): void {
    let buf0 = state['momentumBuffer'] as Tensor | undefined;
    if (fusable(p, grad, buf0)) {
      // one fused pass: weight decay, momentum buffer, nesterov and the parameter update
      const first = buf0 === undefined;
      if (g.momentum !== 0 && first) state['momentumBuffer'] = buf0 = this.zerosState(p);
      backend().sgdStep(p.dtype, p.numel, p.offset, grad.offset, g.momentum !== 0 ? buf0!.offset : -1, g.lr, g.momentum, g.dampening, g.weightDecay, g.nesterov, g.maximize, first);
      p.bumpVersion();
      buf0?.bumpVersion();
      return;
    }
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(p, g.weightDecay);
    if (g.momentum !== 0) {
      let buf = state['momentumBuffer'] as Tensor | undefined;
      if (buf === undefined) {
        buf = this.cloneState(d);
        state['momentumBuffer'] = buf;
      } else {
        buf.mul_(g.momentum).add_(d, 1 - g.dampening);
      }
      d = g.nesterov ? d.add(buf, g.momentum) : buf;
    }
    p.add_(d, -g.lr);
  }
}
