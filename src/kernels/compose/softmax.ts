// (log-)softmax from the core: max, shift, exp, sum, then divide (or subtract the log-sum).

import type { CoreBackend } from '../backend.js';
import type { DType, Heap } from '../heap.js';
import { withScratch } from './scratch.js';

export function softmax(b: CoreBackend, h: Heap, dt: DType, src: number, outer: number, n: number, inner: number, dst: number, log: boolean): void {
  if (outer * n * inner === 0) return;
  withScratch(h, dt, (s) => {
    const shape = [outer, n, inner];
    const full = [n * inner, inner, 1];
    const row = [inner, 0, 1];
    const m = s.take(outer * inner);
    const sum = s.take(outer * inner);
    b.reduce('max', dt, src, outer, n, inner, m);
    // a row holding +inf (or only −inf) gives NaN, as the reference does
    b.binary('sub', dt, dt, shape, { off: src, strides: full }, { off: m, strides: row }, dst);
    if (log) {
      const e = s.take(outer * n * inner);
      b.unary('exp', dt, dst, e, outer * n * inner);
      b.reduce('sum', dt, e, outer, n, inner, sum);
      b.unary('log', dt, sum, sum, outer * inner);
      b.binary('sub', dt, dt, shape, { off: dst, strides: full }, { off: sum, strides: row }, dst);
    } else {
      b.unary('exp', dt, dst, dst, outer * n * inner);
      b.reduce('sum', dt, dst, outer, n, inner, sum);
      b.binary('div', dt, dt, shape, { off: dst, strides: full }, { off: sum, strides: row }, dst);
    }
  });
}
