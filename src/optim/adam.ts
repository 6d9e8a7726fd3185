// Adam, as torch.optim.Adam (PyTorch 1.13), L2 weight decay added to the gradient.
//
//   g = grad (negated if maximize) + weightDecay * p
//   m = beta1 * m + (1 - beta1) * g
//   v = beta2 * v + (1 - beta2) * g²            (amsgrad: vmax = max(vmax, v), used below)
//   p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

import type { Tensor } from '../tensor/tensor.js';
import { backend } from '../kernels/registry.js';
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

/** Tensors a fused kernel can update in one pass: contiguous and of the parameter's dtype. */
export function fusable(p: Tensor, ...ts: (Tensor | undefined)[]): boolean {
  return p.isContiguous() && ts.every((t) => t === undefined || (t.isContiguous() && t.dtype === p.dtype));
}

/**
 * The Adam moment update and parameter step shared by Adam and AdamW: `l2` is the L2 weight
 * decay added to the gradient (Adam's weightDecay; 0 for AdamW, which decays p itself).
 * Creates the state on first use; runs as one fused backend pass when the tensors allow.
 */
export function adamStep(opt: { zeros(p: Tensor): Tensor }, p: Tensor, rawGrad: Tensor, state: ParamState, g: ParamGroup<AdamOptions>, l2 = 0, maximize = false): void {
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
  let vm = state['maxExpAvgSq'] as Tensor | undefined;
  if (g.amsgrad && vm === undefined) state['maxExpAvgSq'] = vm = opt.zeros(p);
  if (fusable(p, rawGrad, expAvg, expAvgSq, g.amsgrad ? vm : undefined)) {
    backend().adamStep(p.dtype, p.numel, p.offset, rawGrad.offset, expAvg.offset, expAvgSq.offset, g.amsgrad ? vm!.offset : -1, g.lr, beta1, beta2, g.eps, l2, step, maximize);
    for (const t of [p, expAvg, expAvgSq, vm]) t?.bumpVersion();
    return;
  }
  let grad = maximize ? rawGrad.neg() : rawGrad;
  if (l2 !== 0) grad = grad.add(p, l2);
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
    adamStep({ zeros: (t) => this.zerosState(t) }, p, grad, state, g, g.weightDecay, g.maximize);
  }
}
