// Reference batch-normalisation kernels over contiguous (N, C, L) blocks, float64 accumulation.

import type { Heap, DType } from '../heap.js';

export function batchNormStats(h: Heap, dt: DType, x: number, N: number, C: number, L: number, eps: number, mean: number, invstd: number): void {
  const V = h.view(dt);
  const M = N * L;
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let n = 0; n < N; n++) {
      const o = x + (n * C + c) * L;
      for (let i = 0; i < L; i++) s += V[o + i]!;
    }
    const mu = s / M;
    let q = 0;
    for (let n = 0; n < N; n++) {
      const o = x + (n * C + c) * L;
      for (let i = 0; i < L; i++) {
        const d = V[o + i]! - mu;
        q += d * d;
      }
    }
    V[mean + c] = mu;
    V[invstd + c] = 1 / Math.sqrt(q / M + eps);
  }
}

export function batchNormApply(h: Heap, dt: DType, x: number, N: number, C: number, L: number, mean: number, invstd: number, w: number, b: number, y: number): void {
  const V = h.view(dt);
  for (let c = 0; c < C; c++) {
    const scale = V[invstd + c]! * (w >= 0 ? V[w + c]! : 1);
    const shift = (b >= 0 ? V[b + c]! : 0) - V[mean + c]! * scale;
    for (let n = 0; n < N; n++) {
      const o = (n * C + c) * L;
      for (let i = 0; i < L; i++) V[y + o + i] = V[x + o + i]! * scale + shift;
    }
  }
}

export function batchNormBackward(
  h: Heap, dt: DType, x: number, dy: number, N: number, C: number, L: number, mean: number, invstd: number, w: number, dx: number, dw: number, db: number,
): void {
  const V = h.view(dt);
  const M = N * L;
  for (let c = 0; c < C; c++) {
    const mu = V[mean + c]!;
    const is = V[invstd + c]!;
    let sdy = 0;
    let sdyx = 0;
    for (let n = 0; n < N; n++) {
      const o = (n * C + c) * L;
      for (let i = 0; i < L; i++) {
        const g = V[dy + o + i]!;
        sdy += g;
        sdyx += g * (V[x + o + i]! - mu) * is;
      }
    }
    if (dw >= 0) V[dw + c] = sdyx;
    if (db >= 0) V[db + c] = sdy;
    if (dx < 0) continue;
    // dx = w·invstd/M · (M·dy − Σdy − x̂·Σ(dy·x̂))
    const k = (w >= 0 ? V[w + c]! : 1) * is / M;
    for (let n = 0; n < N; n++) {
      const o = (n * C + c) * L;
      for (let i = 0; i < L; i++) {
        const xh = (V[x + o + i]! - mu) * is;
        V[dx + o + i] = k * (M * V[dy + o + i]! - sdy - xh * sdyx);
      }
    }
  }
}
