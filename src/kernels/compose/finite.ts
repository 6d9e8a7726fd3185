// allFinite from the core: x·0 is 0 for every finite x and NaN for ±Infinity and NaN, so the
// sum of x·0 is 0 exactly when all are finite, and a sum of zeros never overflows.

import type { CoreBackend } from '../backend.js';
import type { DType, Heap } from '../heap.js';
import { withScratch } from './scratch.js';

export function allFinite(b: CoreBackend, h: Heap, dt: DType, src: number, n: number): boolean {
  if (dt === 'int32' || n === 0) return true;
  return withScratch(h, dt, (s) => {
    const zeros = s.take(n);
    const total = s.take(1);
    b.unary('mulScalar', dt, src, zeros, n, 0);
    b.reduce('sum', dt, zeros, 1, n, 1, total);
    return h.view(dt)[total] === 0;
  });
}
