// 3-D convolution from the core, for backends (and dtypes) without a conv3d kernel: one output
// depth slice at a time, each kernel depth tap a 2-D im2col of one input depth slice, then one
// GEMM per group. The input is first laid out (N, D, C, H, W) so that every depth slice is a
// contiguous (C, H, W) block that the 2-D im2col unfolds as C one-channel images. Scratch is
// one slice's columns (C·kd·kh·kw × OH·OW) besides the relaid copy.

import type { CoreBackend, Window2d, Window3d } from '../backend.js';
import type { DType, Heap } from '../heap.js';
import { withScratch, type Scratch } from './scratch.js';

interface Plan {
  Cg: number; Og: number; K: number; kk: number; HW: number; OHW: number; L: number; g2: Window2d;
}

function plan(C: number, O: number, groups: number, g: Window3d): Plan {
  const kk = g.kh * g.kw;
  return {
    Cg: C / groups, Og: O / groups, K: (C / groups) * g.kd * kk, kk, HW: g.H * g.W, OHW: g.OH * g.OW, L: g.OD * g.OH * g.OW,
    g2: { kh: g.kh, kw: g.kw, sh: g.sh, sw: g.sw, ph: g.ph, pw: g.pw, dh: g.dh, dw: g.dw, H: g.H, W: g.W, OH: g.OH, OW: g.OW },
  };
}

/** x (N, C, D, H, W) copied as (N, D, C, H, W) into scratch; its element offset. */
function depthMajor(b: CoreBackend, s: Scratch, dt: DType, x: number, N: number, C: number, g: Window3d): number {
  const HW = g.H * g.W;
  const xp = s.take(N * g.D * C * HW);
  b.copy(dt, dt, [N, g.D, C, HW], { off: x, strides: [C * g.D * HW, HW, g.D * HW, 1] }, { off: xp, strides: [g.D * C * HW, C * HW, HW, 1] });
  return xp;
}

/** The columns of output slice od of image n, rows (c, a, i, j) with row stride OH·OW. */
function sliceColumns(b: CoreBackend, dt: DType, xp: number, n: number, od: number, C: number, g: Window3d, p: Plan, col: number): void {
  for (let a = 0; a < g.kd; a++) {
    const id = od * g.sd + a * g.dd - g.pd;
    const rows = col + a * p.kk * p.OHW;
    if (id >= 0 && id < g.D) {
      b.im2col(dt, xp + (n * g.D + id) * C * p.HW, C, 1, p.g2, rows, { row: p.OHW, image: g.kd * p.kk * p.OHW });
    } else {
      for (let c = 0; c < C; c++) b.fill(dt, rows + c * g.kd * p.kk * p.OHW, p.kk * p.OHW, 0);
    }
  }
}

export function conv3d(b: CoreBackend, h: Heap, dt: DType, x: number, N: number, C: number, O: number, groups: number, g: Window3d, w: number, bias: number, y: number): void {
  const p = plan(C, O, groups, g);
  if (bias >= 0) b.copy(dt, dt, [N, O, p.L], { off: bias, strides: [0, 1, 0] }, { off: y, strides: [O * p.L, p.L, 1] });
  withScratch(h, dt, (s) => {
    const xp = depthMajor(b, s, dt, x, N, C, g);
    const col = s.take(C * g.kd * p.kk * p.OHW);
    for (let n = 0; n < N; n++) {
      for (let od = 0; od < g.OD; od++) {
        sliceColumns(b, dt, xp, n, od, C, g, p, col);
        b.matmul(dt, groups, p.Og, p.OHW, p.K, { off: w, sb: p.Og * p.K, sr: p.K, sc: 1 }, { off: col, sb: p.K * p.OHW, sr: p.OHW, sc: 1 },
          { off: y + n * O * p.L + od * p.OHW, sb: p.Og * p.L, sr: p.L, sc: 1 }, bias >= 0 ? 1 : 0);
      }
    }
  });
}

export function conv3dBackwardInput(b: CoreBackend, h: Heap, dt: DType, dy: number, N: number, C: number, O: number, groups: number, g: Window3d, w: number, dx: number): void {
  const p = plan(C, O, groups, g);
  withScratch(h, dt, (s) => {
    const dxp = s.take(N * g.D * C * p.HW);
    b.fill(dt, dxp, N * g.D * C * p.HW, 0);
    const dcol = s.take(C * g.kd * p.kk * p.OHW);
    for (let n = 0; n < N; n++) {
      for (let od = 0; od < g.OD; od++) {
        // dcol (K, OH·OW) = Wᵀ (K, Og) · dy slice (Og, OH·OW), per group
        b.matmul(dt, groups, p.K, p.OHW, p.Og, { off: w, sb: p.Og * p.K, sr: 1, sc: p.K },
          { off: dy + n * O * p.L + od * p.OHW, sb: p.Og * p.L, sr: p.L, sc: 1 }, { off: dcol, sb: p.K * p.OHW, sr: p.OHW, sc: 1 }, 0);
        for (let a = 0; a < g.kd; a++) {
          const id = od * g.sd + a * g.dd - g.pd;
          if (id < 0 || id >= g.D) continue;
          b.col2im(dt, dcol + a * p.kk * p.OHW, C, 1, p.g2, dxp + (n * g.D + id) * C * p.HW, { row: p.OHW, image: g.kd * p.kk * p.OHW });
        }
      }
    }
    b.copy(dt, dt, [N, C, g.D, p.HW], { off: dxp, strides: [g.D * C * p.HW, p.HW, C * p.HW, 1] }, { off: dx, strides: [C * g.D * p.HW, g.D * p.HW, p.HW, 1] });
  });
}

export function conv3dWeightGrad(b: CoreBackend, h: Heap, dt: DType, x: number, dy: number, N: number, C: number, O: number, groups: number, g: Window3d, dw: number): void {
  const p = plan(C, O, groups, g);
  b.fill(dt, dw, O * p.K, 0);
  withScratch(h, dt, (s) => {
    const xp = depthMajor(b, s, dt, x, N, C, g);
    const col = s.take(C * g.kd * p.kk * p.OHW);
    for (let n = 0; n < N; n++) {
      for (let od = 0; od < g.OD; od++) {
        sliceColumns(b, dt, xp, n, od, C, g, p, col);
        // dW (Og, K) += dy slice (Og, OH·OW) · colᵀ (OH·OW, K), per group
        b.matmul(dt, groups, p.Og, p.K, p.OHW, { off: dy + n * O * p.L + od * p.OHW, sb: p.Og * p.L, sr: p.L, sc: 1 },
          { off: col, sb: p.K * p.OHW, sr: 1, sc: p.OHW }, { off: dw, sb: p.Og * p.K, sr: p.K, sc: 1 }, 1);
      }
    }
  });
}
