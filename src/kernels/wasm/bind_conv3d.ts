// The wasm bindings of the 3-D convolution (float32; other dtypes go to the reference): one group at a time, split over the
// pool's threads by images where there are enough of them, else by output positions (forward,
// weight gradient) or input channels (input gradient, whose folds must not overlap). Each
// thread unfolds bounded blocks of positions into its own column buffer.

import type { FusedKernels, Window3d } from '../backend.js';
import { task } from '../pool/protocol.js';
import type { WasmContext } from './context.js';
import { PARALLEL_MIN_FLOPS, ranges } from './threads.js';

// Columns per block: about this many floats (512 KiB), at least 8 positions.
const COL_FLOATS = 1 << 17;

type Conv3dPaths = Pick<FusedKernels, 'conv3d' | 'conv3dBackwardInput' | 'conv3dWeightGrad'>;

export function conv3dPaths(c: WasmContext): Conv3dPaths {
  const { h, k, pool, T, scratch } = c;
  const writeGeo = (g: Window3d): number => {
    h.i32.set([g.kd, g.kh, g.kw, g.sd, g.sh, g.sw, g.pd, g.ph, g.pw, g.dd, g.dh, g.dw, g.D, g.H, g.W, g.OD, g.OH, g.OW], c.meta / 4);
    return c.meta;
  };
  /** Shape of one group's product and the block size. */
  const plan = (N: number, C: number, O: number, groups: number, g: Window3d) => {
    const Cg = C / groups;
    const Og = O / groups;
    const K = Cg * g.kd * g.kh * g.kw;
    const L = g.OD * g.OH * g.OW;
    const DHW = g.D * g.H * g.W;
    const tile = Math.min(Math.max(8, Math.floor(COL_FLOATS / K / 8) * 8), Math.ceil(L / 8) * 8);
    const parts = T === 1 || N * Og * K * L < PARALLEL_MIN_FLOPS ? 1 : T;
    return { Cg, Og, K, L, DHW, tile, parts };
  };
  /** Runs f with `n` column buffers of `floats` each (byte offsets), freed after. */
  const withCols = <R>(n: number, floats: number, f: (cols: number[]) => R): R => {
    const cols = Array.from({ length: n }, () => h.alloc(floats * 4));
    try {
      return f(cols);
    } finally {
      for (const p of cols) h.free(p);
    }
  };

  return {
    conv3d(_dt, x, N, C, O, groups, g, w, bias, y) {
      const { Cg, Og, K, L, DHW, tile, parts } = plan(N, C, O, groups, g);
      const geo = writeGeo(g);
      const has = bias < 0 ? 0 : 1;
      if (g.sw === 1) {
        // rows of output: each thread packs the input rows of its own output rows
        const Wp = Math.ceil(g.OW / 8) * 8 + (g.kw - 1) * g.dw;
        const rows = g.OD * g.OH;
        withCols(parts, Cg * g.kd * g.kh * Wp + Math.ceil(K / 8) * 8 + 8, (packs) => {
          for (let gi = 0; gi < groups; gi++) {
            const xo = (x + gi * Cg * DHW) * 4;
            const yo = (y + gi * Og * L) * 4;
            const wo = (w + gi * Og * K) * 4;
            const bo = has ? (bias + gi * Og) * 4 : 0;
            if (parts === 1) {
              k.conv3dRows(xo, N, C * DHW, Cg, Og, geo, wo, bo, has, yo, O * L, 0, rows, packs[0]!);
            } else if (N >= parts) {
              pool.run(ranges(N, parts, 1).map(([n0, n1], t) => task('conv3dRows', xo + n0 * C * DHW * 4, n1 - n0, C * DHW, Cg, Og, geo, wo, bo, has, yo + n0 * O * L * 4, O * L, 0, rows, packs[t]!)));
            } else {
              for (let n = 0; n < N; n++) {
                pool.run(ranges(rows, parts, 1).map(([r0, r1], t) => task('conv3dRows', xo + n * C * DHW * 4, 1, C * DHW, Cg, Og, geo, wo, bo, has, yo + n * O * L * 4, O * L, r0, r1, packs[t]!)));
              }
            }
          }
        });
        return;
      }
      withCols(parts, K * tile, (cols) => {
        for (let gi = 0; gi < groups; gi++) {
          const xo = (x + gi * Cg * DHW) * 4;
          const yo = (y + gi * Og * L) * 4;
          const wo = (w + gi * Og * K) * 4;
          const bo = has ? (bias + gi * Og) * 4 : 0;
          if (parts === 1) {
            k.conv3d(xo, N, C * DHW, Cg, Og, geo, wo, bo, has, yo, O * L, 0, L, cols[0]!, tile, scratch[0]!);
          } else if (N >= parts) {
            pool.run(ranges(N, parts, 1).map(([n0, n1], t) => task('conv3d', xo + n0 * C * DHW * 4, n1 - n0, C * DHW, Cg, Og, geo, wo, bo, has, yo + n0 * O * L * 4, O * L, 0, L, cols[t]!, tile, scratch[t]!)));
          } else {
            for (let n = 0; n < N; n++) {
              pool.run(ranges(L, parts, 8).map(([p0, p1], t) => task('conv3d', xo + n * C * DHW * 4, 1, C * DHW, Cg, Og, geo, wo, bo, has, yo + n * O * L * 4, O * L, p0, p1, cols[t]!, tile, scratch[t]!)));
            }
          }
        }
      });
    },
    conv3dBackwardInput(_dt, dy, N, C, O, groups, g, w, dx) {
      const { Cg, Og, K, L, DHW, tile, parts } = plan(N, C, O, groups, g);
      const geo = writeGeo(g);
      k.fill32(dx * 4, N * C * DHW, 0);
      withCols(parts, K * tile, (cols) => {
        for (let gi = 0; gi < groups; gi++) {
          const xo = (dx + gi * Cg * DHW) * 4;
          const yo = (dy + gi * Og * L) * 4;
          const wo = (w + gi * Og * K) * 4;
          if (parts === 1) {
            k.conv3dBackwardInput(yo, N, O * L, Cg, Og, geo, wo, xo, C * DHW, 0, Cg, cols[0]!, tile, scratch[0]!);
          } else if (N >= parts) {
            pool.run(ranges(N, parts, 1).map(([n0, n1], t) => task('conv3dBackwardInput', yo + n0 * O * L * 4, n1 - n0, O * L, Cg, Og, geo, wo, xo + n0 * C * DHW * 4, C * DHW, 0, Cg, cols[t]!, tile, scratch[t]!)));
          } else {
            // disjoint channel ranges; a single channel runs on one thread
            pool.run(ranges(Cg, parts, 1).map(([c0, c1], t) => task('conv3dBackwardInput', yo, N, O * L, Cg, Og, geo, wo, xo, C * DHW, c0, c1, cols[t]!, tile, scratch[t]!)));
          }
        }
      });
    },
    conv3dWeightGrad(_dt, x, dy, N, C, O, groups, g, dw) {
      const { Cg, Og, K, L, DHW, tile, parts } = plan(N, C, O, groups, g);
      const geo = writeGeo(g);
      const S = Og * K;
      withCols(parts, K * tile, (cols) => withCols(1, parts * S, ([part]) => {
        for (let gi = 0; gi < groups; gi++) {
          const xo = (x + gi * Cg * DHW) * 4;
          const yo = (dy + gi * Og * L) * 4;
          const out = (dw + gi * S) * 4;
          if (parts === 1) {
            k.fill32(out, S, 0);
            k.conv3dWeightGrad(xo, yo, N, C * DHW, O * L, Cg, Og, geo, out, 0, L, cols[0]!, tile, scratch[0]!);
            continue;
          }
          k.fill32(part!, parts * S, 0);
          const tasks = N >= parts
            ? ranges(N, parts, 1).map(([n0, n1], t) => task('conv3dWeightGrad', xo + n0 * C * DHW * 4, yo + n0 * O * L * 4, n1 - n0, C * DHW, O * L, Cg, Og, geo, part! + t * S * 4, 0, L, cols[t]!, tile, scratch[t]!))
            : ranges(L, parts, 8).map(([p0, p1], t) => task('conv3dWeightGrad', xo, yo, N, C * DHW, O * L, Cg, Og, geo, part! + t * S * 4, p0, p1, cols[t]!, tile, scratch[t]!));
          pool.run(tasks);
          // the partial sums, added in thread order
          const f = h.f32;
          const p0 = part! / 4;
          const o0 = out / 4;
          for (let i = 0; i < S; i++) {
            let v = f[p0 + i]!;
            for (let q = 1; q < tasks.length; q++) v = Math.fround(v + f[p0 + q * S + i]!);
            f[o0 + i] = v;
          }
        }
      }));
    },
  };
}
