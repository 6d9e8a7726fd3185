// Reference optimizer updates: one pass over the parameters, in place, in the parameter dtype.

import type { Heap, DType } from '../heap.js';

export function sgdStep(
  h: Heap, dt: DType, n: number, p: number, g: number, buf: number, lr: number, momentum: number, dampening: number, weightDecay: number,
  nesterov: boolean, maximize: boolean, first: boolean,
): void {
  const V = h.view(dt);
  for (let i = 0; i < n; i++) {
    let d = maximize ? -V[g + i]! : V[g + i]!;
    if (weightDecay !== 0) d += weightDecay * V[p + i]!;
    if (buf >= 0) {
      const b = first ? d : momentum * V[buf + i]! + (1 - dampening) * d;
      V[buf + i] = b;
      d = nesterov ? d + momentum * V[buf + i]! : V[buf + i]!;
    }
    V[p + i] = V[p + i]! - lr * d;
  }
}

export function adamStep(
  h: Heap, dt: DType, n: number, p: number, g: number, m: number, v: number, vmax: number, lr: number, beta1: number, beta2: number, eps: number,
  weightDecay: number, step: number, maximize: boolean,
): void {
  const V = h.view(dt);
  const bc1 = 1 - beta1 ** step;
  const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
  const stepSize = lr / bc1;
  for (let i = 0; i < n; i++) {
    let d = maximize ? -V[g + i]! : V[g + i]!;
    if (weightDecay !== 0) d += weightDecay * V[p + i]!;
    V[m + i] = beta1 * V[m + i]! + (1 - beta1) * d;
    V[v + i] = beta2 * V[v + i]! + (1 - beta2) * d * d;
    let s = V[v + i]!;
    if (vmax >= 0) {
      V[vmax + i] = Math.max(V[vmax + i]!, s);
      s = V[vmax + i]!;
    }
    V[p + i] = V[p + i]! - stepSize * (V[m + i]! / (Math.sqrt(s) / bc2Sqrt + eps));
  }
}
