// The wasm bindings of the fused kernels: batch normalisation (split by channel from 2^17
// elements), the optimizer steps, the LSTM/GRU cells and the inference sequence (float32).

import type { FusedKernels } from '../backend.js';
import { task } from '../pool/protocol.js';
import type { WasmContext } from './context.js';
import { ELEMENTWISE_MIN, ranges, splitParts, TASK_MIN_ELEMENTS } from './threads.js';

type Fused = Omit<FusedKernels, 'softmax' | 'avgPool2d' | 'avgPool2dBackward' | 'conv3d' | 'conv3dBackwardInput' | 'conv3dWeightGrad'>;

export function fused(c: WasmContext): Fused {
  const { h, k, pool, T } = c;
  // two passes over each channel: worth splitting from 2^17 elements
  const bnSplit = (N: number, C: number, L: number): boolean => T > 1 && C > 1 && N * C * L >= 1 << 17;
  const p = (o: number) => (o < 0 ? -1 : o * 4);
  return {
    allFinite(_dt, src, n) {
      return k.allFinite(src * 4, n) !== 0;
    },
    batchNormStats(_dt, x, N, C, L, eps, mean, invstd) {
      if (!bnSplit(N, C, L)) return k.batchNormStats(x * 4, N, C, L, eps, mean * 4, invstd * 4, 0, C);
      pool.run(ranges(C, T, 1).map(([c0, c1]) => task('batchNormStats', x * 4, N, C, L, eps, mean * 4, invstd * 4, c0, c1)));
    },
    batchNormApply(_dt, x, N, C, L, mean, invstd, w, b, y) {
      if (!bnSplit(N, C, L)) return k.batchNormApply(x * 4, N, C, L, mean * 4, invstd * 4, p(w), p(b), y * 4, 0, C);
      pool.run(ranges(C, T, 1).map(([c0, c1]) => task('batchNormApply', x * 4, N, C, L, mean * 4, invstd * 4, p(w), p(b), y * 4, c0, c1)));
    },
    batchNormBackward(_dt, x, dy, N, C, L, mean, invstd, w, dx, dw, db) {
      if (!bnSplit(N, C, L)) return k.batchNormBackward(x * 4, dy * 4, N, C, L, mean * 4, invstd * 4, p(w), p(dx), p(dw), p(db), 0, C);
      pool.run(ranges(C, T, 1).map(([c0, c1]) => task('batchNormBackward', x * 4, dy * 4, N, C, L, mean * 4, invstd * 4, p(w), p(dx), p(dw), p(db), c0, c1)));
    },
    sgdStep(_dt, n, pp, g, buf, lr, momentum, dampening, weightDecay, nesterov, maximize, first) {
      const flags = [nesterov ? 1 : 0, maximize ? 1 : 0, first ? 1 : 0] as const;
      if (T === 1 || n < ELEMENTWISE_MIN / 2) return k.sgdStep(n, pp * 4, g * 4, p(buf), lr, momentum, dampening, weightDecay, ...flags);
      // elements are independent; ranges of whole vectors keep each element on the same code path
      pool.run(ranges(n, splitParts(Math.ceil(n / 4), 4, T, TASK_MIN_ELEMENTS), 4).map(([s0, e0]) => task('sgdStep', e0 - s0, (pp + s0) * 4, (g + s0) * 4, buf < 0 ? -1 : (buf + s0) * 4, lr, momentum, dampening, weightDecay, ...flags)));
    },
    adamStep(_dt, n, pp, g, m, v, vmax, lr, beta1, beta2, eps, weightDecay, step, maximize) {
      k.adamStep(n, pp * 4, g * 4, m * 4, v * 4, p(vmax), lr, beta1, beta2, eps, weightDecay, step, maximize ? 1 : 0);
    },
    lstmCell(_dt, B, H, gates, cc, cRow, out, act) {
      k.lstmCell(B, H, gates * 4, cc * 4, cRow, out * 4, act * 4);
    },
    lstmCellBackward(_dt, B, H, act, cc, cRow, dout, dgates, dc) {
      k.lstmCellBackward(B, H, act * 4, cc * 4, cRow, dout * 4, dgates * 4, dc * 4);
    },
    gruCell(_dt, B, H, gi, gh, hp, hRow, out, act) {
      k.gruCell(B, H, gi * 4, gh * 4, hp * 4, hRow, out * 4, act * 4);
    },
    gruCellBackward(_dt, B, H, act, hp, hRow, dout, dgi, dgh, dh) {
      k.gruCellBackward(B, H, act * 4, hp * 4, hRow, dout * 4, dgi * 4, dgh * 4, dh * 4);
    },
    rnnSequence(_dt, mode, steps, B, H, reverse, gi, whh, bhh, h0, cc, out) {
      const G = mode === 2 ? 4 : mode === 3 ? 3 : 1;
      const gh = h.alloc(B * G * H * 4);
      try {
        k.rnnSequence(mode, steps, B, H, reverse ? 1 : 0, gi * 4, whh * 4, bhh * 4, h0 * 4, cc * 4, out * 4, gh);
      } finally {
        h.free(gh);
      }
    },
  };
}
