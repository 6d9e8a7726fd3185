// gradcheck: compares the tape's gradients with float64 central differences, as
// torch.autograd.gradcheck. The function's output may have any shape; the check covers the
// full Jacobian (one backward per output element, two evaluations per input element).

import { AutogradError, DTypeError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from './grad_mode.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Return false instead of throwing on a mismatch. */
  raiseException?: boolean;
}

export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], opts: GradcheckOptions = {}): boolean {
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-5;
  const rtol = opts.rtol ?? 1e-3;
  for (const [i, x] of inputs.entries()) {
    if (x.requiresGrad && x.dtype !== 'float64') {
      throw new DTypeError(`gradcheck: input ${i} requires grad but is ${x.dtype}; use float64 inputs (x.double())`);
    }
    if (x.requiresGrad && !x.isContiguous()) throw new AutogradError(`gradcheck: input ${i} must be contiguous`);
  }
  const out0 = noGrad(() => fn(...inputs));
  const nOut = out0.numel;
  const outShape = out0.shape;
  out0.dispose();

  // analytic Jacobian rows: d out[k] / d inputs
  const analytic: Float64Array[][] = inputs.map((x) => (x.requiresGrad ? Array.from({ length: nOut }, () => new Float64Array(x.numel)) : []));
  for (let k = 0; k < nOut; k++) {
    for (const x of inputs) x.grad = null;
    const y = fn(...inputs);
    if (!y.requiresGrad) throw new AutogradError('gradcheck: the output does not require grad');
    const seed = Tensor.fromFn(outShape, y.dtype, (sv) => {
      sv.fill(0);
      sv[k] = 1;
    }, 'gradcheck');
    y.backward(seed);
    inputs.forEach((x, i) => {
      if (!x.requiresGrad) return;
      const g = x.ownedGrad ? x.ownedGrad.dataSync() : new Float64Array(x.numel);
      analytic[i]![k]!.set(g);
    });
  }
  for (const x of inputs) x.grad = null;

  // numeric Jacobian columns, perturbing one input element at a time
  for (const [i, x] of inputs.entries()) {
    if (!x.requiresGrad) continue;
    const xs = x.dataSync();
    for (let j = 0; j < x.numel; j++) {
      // in-place perturbations through the tensor layer (each moves x's version)
      const orig = xs[j]!;
      x.writeSync([orig + eps], j);
      const yp = noGrad(() => fn(...inputs)).dataSync();
      x.writeSync([orig - eps], j);
      const ym = noGrad(() => fn(...inputs)).dataSync();
      x.writeSync([orig], j);
      for (let k = 0; k < nOut; k++) {
        const num = (yp[k]! - ym[k]!) / (2 * eps);
        const ana = analytic[i]![k]![j]!;
        if (!(Math.abs(num - ana) <= atol + rtol * Math.abs(num))) {
          const msg = `gradcheck: Jacobian mismatch for input ${i} element ${j}, output element ${k}: numerical ${num}, analytical ${ana}`;
          if (opts.raiseException === false) return false;
          throw new AutogradError(msg);
        }
      }
    }
  }
  return true;
}
