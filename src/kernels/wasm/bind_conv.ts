// The wasm bindings of the GEMM, im2col/col2im, the direct convolution and the FFT row
// convolution (float32), each split over the pool's threads where the work pays for a dispatch.

import { convDirectSuits, type Backend, type ConvPaths, type MatRef } from '../backend.js';
import { task, THREAD_SCRATCH } from '../pool/protocol.js';
import type { WasmContext } from './context.js';
import { fftLength, fftScratch, spectrumFloats } from './fft_plan.js';
import { PARALLEL_MIN_FLOPS, ranges, splitParts, TASK_MIN_ELEMENTS, TASK_MIN_FLOPS } from './threads.js';

// images per partial weight gradient: fixed, so every thread count sums in the same order
const CONV_WGRAD_CHUNK = 8;

type Gemm = Pick<Backend, 'matmul' | 'im2col' | 'col2im'> & Pick<ConvPaths, 'convDirect' | 'convDirectWeightGrad'>;

export function gemmAndWindows(c: WasmContext): Gemm {
  const { h, k, pool, T, scratch } = c;

  /**
   * SGEMM split over batch (when outputs are separate), else over rows, else over columns, in up
   * to maxParts(T) tasks of at least TASK_MIN_FLOPS. Every output element is summed over K in the
   * same order whichever task holds it, so results do not depend on the split.
   */
  const sgemm = (batch: number, M: number, N: number, K: number, a: MatRef, b: MatRef, o: MatRef, beta: number): void => {
    const args = (bt: number, m: number, n: number, ao: number, bo: number, oo: number) =>
      task('sgemm', bt, m, n, K, ao * 4, a.sb, a.sr, a.sc, bo * 4, b.sb, b.sr, b.sc, oo * 4, o.sb, o.sr, o.sc, beta, THREAD_SCRATCH);
    if (T === 1 || batch * M * N * K < PARALLEL_MIN_FLOPS) {
      k.sgemm(batch, M, N, K, a.off * 4, a.sb, a.sr, a.sc, b.off * 4, b.sb, b.sr, b.sc, o.off * 4, o.sb, o.sr, o.sc, beta, scratch[0]!);
      return;
    }
    let tasks: number[][];
    if (o.sb !== 0 && batch >= T) {
      tasks = ranges(batch, splitParts(batch, M * N * K, T, TASK_MIN_FLOPS), 1).map(([s, e]) => args(e - s, M, N, a.off + s * a.sb, b.off + s * b.sb, o.off + s * o.sb));
    } else if (M >= 4 * T && M >= N) {
      // each task packs all of B: rows come in blocks of at least 32 where there are enough
      const units = Math.ceil(M / 4);
      const parts = Math.min(splitParts(units, 4 * batch * N * K, T, TASK_MIN_FLOPS), Math.max(T, Math.floor(M / 32)));
      tasks = ranges(M, parts, 4).map(([s, e]) => args(batch, e - s, N, a.off + s * a.sr, b.off, o.off + s * o.sr));
    } else {
      // each task packs all of A: columns in blocks of at least 64 where there are enough
      const units = Math.ceil(N / 8);
      const parts = Math.min(splitParts(units, 8 * batch * M * K, T, TASK_MIN_FLOPS), Math.max(T, Math.floor(N / 64)));
      tasks = ranges(N, parts, 8).map(([s, e]) => args(batch, M, e - s, a.off, b.off + s * b.sc, o.off + s * o.sc));
    }
    pool.run(tasks);
  };

  /** Image ranges for a split over N images of `per` elements (or multiply-adds) each. */
  const images = (N: number, per: number, minWork: number): [number, number][] => ranges(N, splitParts(N, per, T, minWork), 1);

  return {
    matmul(_dt, batch, M, N, K, a, b, out, beta) {
      sgemm(batch, M, N, K, a, b, out, beta);
    },
    im2col(_dt, x, N, C, g, dst, cols) {
      const geo = c.writeGeo(g);
      const per = C * g.kh * g.kw * g.OH * g.OW;
      const rs = cols?.row ?? g.OH * g.OW;
      const is = cols?.image ?? per;
      if (T === 1 || N < 2 || N * per < PARALLEL_MIN_FLOPS) return k.im2col(x * 4, N, C, geo, dst * 4, rs, is);
      pool.run(images(N, per, TASK_MIN_ELEMENTS).map(([s, e]) => task('im2col', (x + s * C * g.H * g.W) * 4, e - s, C, geo, (dst + s * is) * 4, rs, is)));
    },
    col2im(_dt, col, N, C, g, dst, cols) {
      const geo = c.writeGeo(g);
      const per = C * g.kh * g.kw * g.OH * g.OW;
      const rs = cols?.row ?? g.OH * g.OW;
      const is = cols?.image ?? per;
      if (T === 1 || N < 2 || N * per < PARALLEL_MIN_FLOPS) return k.col2im(col * 4, N, C, geo, dst * 4, rs, is);
      pool.run(images(N, per, TASK_MIN_ELEMENTS).map(([s, e]) => task('col2im', (col + s * is) * 4, e - s, C, geo, (dst + s * C * g.H * g.W) * 4, rs, is)));
    },
    convDirect(_dt, x, N, C, O, g, w, bias, y) {
      if (!convDirectSuits(C, g)) return false;
      const geo = c.writeGeo(g);
      const b = bias < 0 ? 0 : bias * 4;
      const has = bias < 0 ? 0 : 1;
      const flops = N * O * C * g.kh * g.kw * g.OH * g.OW;
      if (T === 1 || N < 2 || flops < PARALLEL_MIN_FLOPS) k.convDirect(x * 4, N, C, O, geo, w * 4, b, has, y * 4, scratch[0]!);
      else pool.run(images(N, flops / N, TASK_MIN_FLOPS).map(([s0, e0]) => task('convDirect', (x + s0 * C * g.H * g.W) * 4, e0 - s0, C, O, geo, w * 4, b, has, (y + s0 * O * g.OH * g.OW) * 4, THREAD_SCRATCH)));
      return true;
    },
    convDirectWeightGrad(_dt, x, dy, N, C, O, g, dw) {
      const geo = c.writeGeo(g);
      const chunks = Math.ceil(N / CONV_WGRAD_CHUNK);
      if (chunks === 1) return k.convDirectWeightGrad(x * 4, dy * 4, N, C, O, geo, dw * 4, CONV_WGRAD_CHUNK, scratch[0]!);
      const S = O * C * g.kh * g.kw;
      const part = h.alloc(chunks * S * 4);
      try {
        const flops = N * O * C * g.kh * g.kw * g.OH * g.OW;
        const parts = T === 1 || flops < PARALLEL_MIN_FLOPS ? 1 : splitParts(chunks, flops / chunks, T, TASK_MIN_FLOPS);
        const inImage = C * g.H * g.W;
        const outImage = O * g.OH * g.OW;
        const tasks = ranges(chunks, parts, 1).map(([c0, c1]) => {
          const n0 = c0 * CONV_WGRAD_CHUNK;
          const n1 = Math.min(N, c1 * CONV_WGRAD_CHUNK);
          return task('convDirectWeightGrad', (x + n0 * inImage) * 4, (dy + n0 * outImage) * 4, n1 - n0, C, O, geo, part + c0 * S * 4, CONV_WGRAD_CHUNK, THREAD_SCRATCH);
        });
        if (tasks.length === 1) k.convDirectWeightGrad(x * 4, dy * 4, N, C, O, geo, part, CONV_WGRAD_CHUNK, scratch[0]!);
        else pool.run(tasks);
        // the partial sums, added in chunk order
        const f = h.f32;
        const p0 = part / 4;
        for (let i = 0; i < S; i++) {
          let v = f[p0 + i]!;
          for (let q = 1; q < chunks; q++) v = Math.fround(v + f[p0 + q * S + i]!);
          f[dw + i] = v;
        }
      } finally {
        h.free(part);
      }
    },
  };
}

type RowConv = Pick<ConvPaths, 'rowConvFftLength' | 'rowConvSpectrumSize' | 'rowConvSpectrum' | 'rowConvFft'>;

/** The FFT path, float32 only (other dtypes get length 0: the caller takes another path). */
export function rowConvFft(c: WasmContext): RowConv {
  const { h, k, pool, T } = c;
  return {
    rowConvFftLength(dt, N, O, H, W, kh, spectrumPerCall = false) {
      return dt === 'float32' ? fftLength(N, O, H, W, kh, T, spectrumPerCall) : 0;
    },
    rowConvSpectrumSize: spectrumFloats,
    rowConvSpectrum(dt, w, O, kh, W, n, spec) {
      if (dt !== 'float32') throw new Error(`rowConvSpectrum: ${dt} has no FFT path`);
      if (!k.allFinite(w * 4, O * kh * W)) return false;
      const tmp = h.alloc(n * 32);
      try {
        k.fftConvSpectrum(w * 4, O, kh, W, n, spec * 4, tmp);
      } finally {
        h.free(tmp);
      }
      return true;
    },
    rowConvFft(dt, x, N, H, W, O, kh, n, spec, bias, y) {
      if (dt !== 'float32') throw new Error(`rowConvFft: ${dt} has no FFT path`);
      if (!k.allFinite(x * 4, N * H * W)) return false;
      const OH = H - kh + 1;
      const BP = Math.ceil(Math.ceil(OH / (n - kh + 1)) / 2);
      const b = bias < 0 ? 0 : bias * 4;
      const has = bias < 0 ? 0 : 1;
      const parts = T === 1 || N * O * W * kh * OH < PARALLEL_MIN_FLOPS ? 1 : Math.min(T, Math.max(N, BP));
      // whole images per thread where there are enough, else each image's block pairs split
      const split = N >= parts ? ranges(N, parts, 1) : ranges(BP, parts, 1);
      const pairs = N >= parts ? BP : Math.max(...split.map(([s0, e0]) => e0 - s0));
      const { xs, zb } = fftScratch(pairs, W, n);
      const blks = split.map(() => h.alloc((xs + zb) * 4));
      try {
        if (parts === 1) {
          k.fftConv(x * 4, N, H, W, O, kh, n, OH, 0, BP, spec * 4, b, has, y * 4, blks[0]!, blks[0]! + xs * 4);
        } else if (N >= parts) {
          pool.run(split.map(([s0, e0], t) => task('fftConv', (x + s0 * H * W) * 4, e0 - s0, H, W, O, kh, n, OH, 0, BP, spec * 4, b, has, (y + s0 * O * OH) * 4, blks[t]!, blks[t]! + xs * 4)));
        } else {
          for (let i = 0; i < N; i++) {
            pool.run(split.map(([p0, p1], t) => task('fftConv', (x + i * H * W) * 4, 1, H, W, O, kh, n, OH, p0, p1, spec * 4, b, has, (y + i * O * OH) * 4, blks[t]!, blks[t]! + xs * 4)));
          }
        }
      } finally {
        for (const p of blks) h.free(p);
      }
      return true;
    },
  };
}
