// Batch normalisation over contiguous (N, C, L) blocks from the core: per-channel sums are two
// reductions (over L, then over N), and every per-channel factor is a broadcast binary op.

import type { BinaryOp, CoreBackend } from '../backend.js';
import type { DType, Heap } from '../heap.js';
import { withScratch, type Scratch } from './scratch.js';

/** Broadcast helpers over the (N, C, L) shape of one call. */
function ncl(b: CoreBackend, dt: DType, N: number, C: number, L: number) {
  const shape = [N, C, L];
  const full = (off: number) => ({ off, strides: [C * L, L, 1] });
  const chan = (off: number) => ({ off, strides: [0, 1, 0] });
  return {
    /** dst (N, C, L) = a op per-channel or full b. */
    bin(op: BinaryOp, a: number, bOff: number, perChannel: boolean, dst: number): void {
      b.binary(op, dt, dt, shape, full(a), perChannel ? chan(bOff) : full(bOff), dst);
    },
    /** dst (C) = Σ over N and L of src. */
    sumNL(s: Scratch, src: number, dst: number): void {
      const t = s.take(N * C);
      b.reduce('sum', dt, src, N * C, L, 1, t);
      b.reduce('sum', dt, t, 1, N, C, dst);
    },
  };
}

export function batchNormStats(b: CoreBackend, h: Heap, dt: DType, x: number, N: number, C: number, L: number, eps: number, mean: number, invstd: number): void {
  const M = N * L;
  const f = ncl(b, dt, N, C, L);
  withScratch(h, dt, (s) => {
    f.sumNL(s, x, mean);
    b.unary('divScalar', dt, mean, mean, C, M);
    const d = s.take(N * C * L);
    f.bin('sub', x, mean, true, d);
    b.unary('square', dt, d, d, N * C * L);
    f.sumNL(s, d, invstd);
    b.unary('divScalar', dt, invstd, invstd, C, M);
    b.unary('addScalar', dt, invstd, invstd, C, eps);
    b.unary('rsqrt', dt, invstd, invstd, C);
  });
}

export function batchNormApply(b: CoreBackend, h: Heap, dt: DType, x: number, N: number, C: number, L: number, mean: number, invstd: number, w: number, bias: number, y: number): void {
  const f = ncl(b, dt, N, C, L);
  withScratch(h, dt, (s) => {
    let scale = invstd;
    if (w >= 0) {
      scale = s.take(C);
      b.binary('mul', dt, dt, [C], { off: invstd, strides: [1] }, { off: w, strides: [1] }, scale);
    }
    f.bin('sub', x, mean, true, y);
    f.bin('mul', y, scale, true, y);
    if (bias >= 0) f.bin('add', y, bias, true, y);
  });
}

export function batchNormBackward(
  b: CoreBackend, h: Heap, dt: DType, x: number, dy: number, N: number, C: number, L: number, mean: number, invstd: number, w: number, dx: number, dw: number, db: number,
): void {
  const M = N * L;
  const n = N * C * L;
  const f = ncl(b, dt, N, C, L);
  const vec = (off: number) => ({ off, strides: [1] });
  withScratch(h, dt, (s) => {
    // x̂ = (x − mean)·invstd; Σdy and Σ dy·x̂ per channel
    const xh = s.take(n);
    f.bin('sub', x, mean, true, xh);
    f.bin('mul', xh, invstd, true, xh);
    const t = s.take(n);
    const sdy = s.take(C);
    const sdyx = s.take(C);
    f.sumNL(s, dy, sdy);
    f.bin('mul', dy, xh, false, t);
    f.sumNL(s, t, sdyx);
    if (dw >= 0) b.copy(dt, dt, [C], vec(sdyx), vec(dw));
    if (db >= 0) b.copy(dt, dt, [C], vec(sdy), vec(db));
    if (dx < 0) return;
    // dx = w·invstd/M · (M·dy − Σdy − x̂·Σ(dy·x̂))
    const k = s.take(C);
    if (w >= 0) b.binary('mul', dt, dt, [C], vec(invstd), vec(w), k);
    else b.copy(dt, dt, [C], vec(invstd), vec(k));
    b.unary('divScalar', dt, k, k, C, M);
    b.unary('mulScalar', dt, dy, dx, n, M);
    f.bin('sub', dx, sdy, true, dx);
    f.bin('mul', xh, sdyx, true, t);
    f.bin('sub', dx, t, false, dx);
    f.bin('mul', dx, k, true, dx);
  });
}
