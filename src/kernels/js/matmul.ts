// Reference batched GEMM. Operands are packed into k-contiguous float64 panels, then a 4x4
// register tile runs down k: 8 loads per 16 multiply-adds, which is what plain JS can do well.

import type { MatRef } from '../backend.js';
import type { Heap, DType } from '../heap.js';

let scratchA: Float64Array = new Float64Array(1024);
let scratchB: Float64Array = new Float64Array(1024);

function grow(buf: Float64Array, n: number): Float64Array {
  return buf.length >= n ? buf : new Float64Array(Math.max(n, buf.length * 2));
}

export function matmul(
  h: Heap, dt: DType, batch: number, M: number, N: number, K: number, a: MatRef, b: MatRef, out: MatRef, beta: 0 | 1,
): void {
  const V = h.view(dt);
  scratchA = grow(scratchA, M * K);
  scratchB = grow(scratchB, N * K);
  const Ap = scratchA;
  const Bp = scratchB;
  for (let bi = 0; bi < batch; bi++) {
    // pack A as (M, K) and B transposed as (N, K): both k-contiguous
    const ao = a.off + bi * a.sb;
    for (let i = 0; i < M; i++) {
      const r = ao + i * a.sr;
      const p = i * K;
      for (let k = 0; k < K; k++) Ap[p + k] = V[r + k * a.sc]!;
    }
    const bo = b.off + bi * b.sb;
    for (let k = 0; k < K; k++) {
      const r = bo + k * b.sr;
      for (let j = 0; j < N; j++) Bp[j * K + k] = V[r + j * b.sc]!;
    }
    const oo = out.off + bi * out.sb;
    const accumulate = beta === 1 || (out.sb === 0 && bi > 0);
    const osr = out.sr;
    const osc = out.sc;
    const M4 = M - (M % 4);
    const N4 = N - (N % 4);
    for (let i = 0; i < M4; i += 4) {
      const p0 = i * K, p1 = p0 + K, p2 = p1 + K, p3 = p2 + K;
      for (let j = 0; j < N4; j += 4) {
        const q0 = j * K, q1 = q0 + K, q2 = q1 + K, q3 = q2 + K;
        let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (let k = 0; k < K; k++) {
          const a0 = Ap[p0 + k]!, a1 = Ap[p1 + k]!, a2 = Ap[p2 + k]!, a3 = Ap[p3 + k]!;
          const b0 = Bp[q0 + k]!, b1 = Bp[q1 + k]!, b2 = Bp[q2 + k]!, b3 = Bp[q3 + k]!;
          c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
          c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
          c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
          c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        }
        const o0 = oo + i * osr + j * osc, o1 = o0 + osr, o2 = o1 + osr, o3 = o2 + osr;
        if (accumulate) {
          V[o0] += c00; V[o0 + osc] += c01; V[o0 + 2 * osc] += c02; V[o0 + 3 * osc] += c03;
          V[o1] += c10; V[o1 + osc] += c11; V[o1 + 2 * osc] += c12; V[o1 + 3 * osc] += c13;
          V[o2] += c20; V[o2 + osc] += c21; V[o2 + 2 * osc] += c22; V[o2 + 3 * osc] += c23;
          V[o3] += c30; V[o3 + osc] += c31; V[o3 + 2 * osc] += c32; V[o3 + 3 * osc] += c33;
        } else {
          V[o0] = c00; V[o0 + osc] = c01; V[o0 + 2 * osc] = c02; V[o0 + 3 * osc] = c03;
          V[o1] = c10; V[o1 + osc] = c11; V[o1 + 2 * osc] = c12; V[o1 + 3 * osc] = c13;
          V[o2] = c20; V[o2 + osc] = c21; V[o2 + 2 * osc] = c22; V[o2 + 3 * osc] = c23;
          V[o3] = c30; V[o3 + osc] = c31; V[o3 + 2 * osc] = c32; V[o3 + 3 * osc] = c33;
        }
      }
      if (N4 < N) edge(V, Ap, Bp, K, i, i + 4, N4, N, oo, osr, osc, accumulate);
    }
    if (M4 < M) edge(V, Ap, Bp, K, M4, M, 0, N, oo, osr, osc, accumulate);
  }
}

function edge(
  V: Float32Array | Float64Array | Int32Array, Ap: Float64Array, Bp: Float64Array, K: number,
  i0: number, i1: number, j0: number, j1: number, oo: number, osr: number, osc: number, accumulate: boolean,
): void {
  for (let i = i0; i < i1; i++) {
    const p = i * K;
    for (let j = j0; j < j1; j++) {
      const q = j * K;
      let c = 0;
      for (let k = 0; k < K; k++) c += Ap[p + k]! * Bp[q + k]!;
      const o = oo + i * osr + j * osc;
      if (accumulate) V[o] += c;
      else V[o] = c;
    }
  }
}
