// Reference reductions over the middle axis of a contiguous (outer, n, inner) block.

import type { ReduceOp } from '../backend.js';
import type { Heap, DType } from '../heap.js';

export function reduce(h: Heap, op: ReduceOp, dt: DType, src: number, outer: number, n: number, inner: number, dst: number): void {
  const A = h.view(dt);
  const D = A;
  for (let o = 0; o < outer; o++) {
    const base = src + o * n * inner;
    const out = dst + o * inner;
    if (op === 'sum') {
      if (inner === 1) {
        let s = 0;
        for (let k = 0; k < n; k++) s += A[base + k]!;
        D[out] = s;
      } else {
        // accumulate in a float64 scratch row so float32 sums keep their precision
        const acc = new Float64Array(inner);
        for (let k = 0; k < n; k++) {
          const row = base + k * inner;
          for (let i = 0; i < inner; i++) acc[i]! += A[row + i]!;
        }
        for (let i = 0; i < inner; i++) D[out + i] = acc[i]!;
      }
    } else if (op === 'prod') {
      for (let i = 0; i < inner; i++) {
        let p = 1;
        for (let k = 0; k < n; k++) p *= A[base + k * inner + i]!;
        D[out + i] = p;
      }
    } else {
      const isMax = op === 'max';
      for (let i = 0; i < inner; i++) {
        let best = A[base + i]!;
        for (let k = 1; k < n && best === best; k++) {
          const v = A[base + k * inner + i]!;
          // NaN propagates, as in PyTorch
          if (v !== v || (isMax ? v > best : v < best)) best = v;
        }
        D[out + i] = best;
      }
    }
  }
}

export function argReduce(
  h: Heap, op: 'max' | 'min', dt: DType, src: number, outer: number, n: number, inner: number, dstVal: number, dstIdx: number,
): void {
  const A = h.view(dt);
  const I = h.i32;
  const isMax = op === 'max';
  for (let o = 0; o < outer; o++) {
    const base = src + o * n * inner;
    for (let i = 0; i < inner; i++) {
      let best = A[base + i]!;
      let bi = 0;
      for (let k = 1; k < n && best === best; k++) {
        const v = A[base + k * inner + i]!;
        if (v !== v || (isMax ? v > best : v < best)) {
          best = v;
          bi = k;
        }
      }
      A[dstVal + o * inner + i] = best;
      I[dstIdx + o * inner + i] = bi;
    }
  }
}

export function softmax(h: Heap, dt: DType, src: number, outer: number, n: number, inner: number, dst: number, log: boolean): void {
  const A = h.view(dt);
  for (let o = 0; o < outer; o++) {
    const base = src + o * n * inner;
    const ob = dst + o * n * inner;
    for (let i = 0; i < inner; i++) {
      let m = -Infinity;
      for (let k = 0; k < n; k++) m = Math.max(m, A[base + k * inner + i]!);
      if (m === -Infinity) m = 0; // a row of -inf gives NaN as in PyTorch via exp(-inf - 0)/0
      let s = 0;
      for (let k = 0; k < n; k++) s += Math.exp(A[base + k * inner + i]! - m);
      if (log) {
        const ls = Math.log(s) + m;
        for (let k = 0; k < n; k++) A[ob + k * inner + i] = A[base + k * inner + i]! - ls;
      } else {
        const r = 1 / s;
        for (let k = 0; k < n; k++) A[ob + k * inner + i] = Math.exp(A[base + k * inner + i]! - m) * r;
      }
    }
  }
}

export function gather(h: Heap, dt: DType, src: number, outer: number, n: number, inner: number, index: number, m: number, dst: number): void {
  const A = h.view(dt);
  const I = h.i32;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      for (let i = 0; i < inner; i++) {
        const q = (o * m + j) * inner + i;
        A[dst + q] = A[src + (o * n + I[index + q]!) * inner + i]!;
      }
    }
  }
}

/** Whole rows of `inner` elements, one memmove each (batches of examples from a dataset tensor). */
export function indexSelect(h: Heap, dt: DType, src: number, outer: number, n: number, inner: number, index: number, m: number, dst: number): void {
  const A = h.view(dt);
  const I = h.i32;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const from = src + (o * n + I[index + j]!) * inner;
      A.copyWithin(dst + (o * m + j) * inner, from, from + inner);
    }
  }
}

export function scatterAdd(h: Heap, dt: DType, src: number, outer: number, m: number, inner: number, index: number, n: number, dst: number): void {
  const A = h.view(dt);
  const I = h.i32;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      for (let i = 0; i < inner; i++) {
        const q = (o * m + j) * inner + i;
        A[dst + (o * n + I[index + q]!) * inner + i]! += A[src + q]!;
      }
    }
  }
}
