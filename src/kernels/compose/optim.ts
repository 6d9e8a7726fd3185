// Optimizer steps from the core, in the parameter dtype (torch.optim.SGD and Adam, see Backend).

import type { BinaryOp, CoreBackend } from '../backend.js';
import type { DType, Heap } from '../heap.js';
import { withScratch, type Scratch } from './scratch.js';

function flat(b: CoreBackend, dt: DType, n: number) {
  return (op: BinaryOp, a: number, c: number, dst: number): void => b.binary(op, dt, dt, [n], { off: a, strides: [1] }, { off: c, strides: [1] }, dst);
}

/** d = ±g + wd·p, in a new block. */
function direction(b: CoreBackend, s: Scratch, dt: DType, n: number, p: number, g: number, weightDecay: number, maximize: boolean): number {
  const d = s.take(n);
  b.unary(maximize ? 'neg' : 'mulScalar', dt, g, d, n, 1);
  if (weightDecay !== 0) {
    const t = s.take(n);
    b.unary('mulScalar', dt, p, t, n, weightDecay);
    flat(b, dt, n)('add', d, t, d);
  }
  return d;
}

export function sgdStep(
  b: CoreBackend, h: Heap, dt: DType, n: number, p: number, g: number, buf: number, lr: number, momentum: number, dampening: number, weightDecay: number,
  nesterov: boolean, maximize: boolean, first: boolean,
): void {
  if (n === 0) return;
  const bin = flat(b, dt, n);
  withScratch(h, dt, (s) => {
    const d = direction(b, s, dt, n, p, g, weightDecay, maximize);
    if (buf >= 0) {
      const t = s.take(n);
      if (first) b.unary('mulScalar', dt, d, buf, n, 1);
      else {
        b.unary('mulScalar', dt, buf, buf, n, momentum);
        b.unary('mulScalar', dt, d, t, n, 1 - dampening);
        bin('add', buf, t, buf);
      }
      if (nesterov) {
        b.unary('mulScalar', dt, buf, t, n, momentum);
        bin('add', d, t, d);
      } else b.unary('mulScalar', dt, buf, d, n, 1);
    }
    b.unary('mulScalar', dt, d, d, n, lr);
    bin('sub', p, d, p);
  });
}

export function adamStep(
  b: CoreBackend, h: Heap, dt: DType, n: number, p: number, g: number, m: number, v: number, vmax: number, lr: number, beta1: number, beta2: number, eps: number,
  weightDecay: number, step: number, maximize: boolean,
): void {
  if (n === 0) return;
  const bin = flat(b, dt, n);
  const bc1 = 1 - beta1 ** step;
  const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
  withScratch(h, dt, (s) => {
    const d = direction(b, s, dt, n, p, g, weightDecay, maximize);
    const t = s.take(n);
    b.unary('mulScalar', dt, m, m, n, beta1);
    b.unary('mulScalar', dt, d, t, n, 1 - beta1);
    bin('add', m, t, m);
    b.unary('mulScalar', dt, v, v, n, beta2);
    b.unary('square', dt, d, t, n);
    b.unary('mulScalar', dt, t, t, n, 1 - beta2);
    bin('add', v, t, v);
    let sq = v;
    if (vmax >= 0) {
      bin('maximum', vmax, v, vmax);
      sq = vmax;
    }
    // p −= lr/bc1 · m / (√s/√bc2 + eps)
    b.unary('sqrt', dt, sq, t, n);
    b.unary('divScalar', dt, t, t, n, bc2Sqrt);
    b.unary('addScalar', dt, t, t, n, eps);
    bin('div', m, t, t);
    b.unary('mulScalar', dt, t, t, n, lr / bc1);
    bin('sub', p, t, p);
  });
}
