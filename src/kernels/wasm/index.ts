// The wasm SIMD backend: the primitives it has fast kernels for run in wasm over the shared
// heap; everything else (and every non-float32 dtype) falls through to the JS reference.

import { CONV_DIRECT_MAX_PLANE, convDirectSuits, type BackendImpl, type BinaryOp, type MatRef, type Strided, type UnaryOp, type Window2d } from '../backend.js';
import { ArgumentError } from '../../errors.js';
import { canShareMemory, type Heap } from '../heap.js';
import { jsBackend } from '../js/index.js';
import { loadWasmKernels } from './loader.js';
import { ThreadPool } from '../pool/pool.js';
import { K_AVGPOOL, K_AVGPOOL_BW, K_BINARY, K_COL2IM, K_BN_APPLY, K_BN_BW, K_BN_STATS, K_CONV_DIRECT, K_CONV_DIRECT_WGRAD, K_COPY, K_FFT_CONV, K_FILL, K_IM2COL, K_MAXPOOL, K_MAXPOOL_BW, K_SGEMM, K_UNARY, f32bits } from '../pool/protocol.js';

let numThreads = defaultThreads();

function defaultThreads(): number {
  const p = (globalThis as { process?: { env?: Record<string, string | undefined>; getBuiltinModule?: (id: string) => unknown } }).process;
  const env = Number(p?.env?.['DENDRITE_NUM_THREADS']);
  if (Number.isInteger(env) && env >= 1) return env;
  // without shared memory (a page without cross-origin isolation) workers cannot help
  if (!canShareMemory()) return 1;
  const os = p?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return Math.max(1, Math.min(os?.availableParallelism?.() ?? nav?.hardwareConcurrency ?? 1, 8));
}

/** Threads the wasm kernels use (torch.set_num_threads); the active backend follows from the next op. */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new ArgumentError(`setNumThreads: expected a positive integer, got ${n}`);
  numThreads = n;
}
export function getNumThreads(): number {
  return numThreads;
}

// Below this many multiply-adds a kernel runs on the calling thread: a dispatch costs µs.
const PARALLEL_MIN_FLOPS = 1 << 19;

/** Splits [0, n) into `parts` ranges aligned to `align`; empty ranges are dropped. */
function ranges(n: number, parts: number, align: number): [number, number][] {
  const out: [number, number][] = [];
  const units = Math.ceil(n / align);
  for (let i = 0; i < parts; i++) {
    const a = Math.min(n, Math.floor((units * i) / parts) * align);
    const b = Math.min(n, Math.floor((units * (i + 1)) / parts) * align);
    if (b > a) out.push([a, b]);
  }
  return out;
}

// op codes shared with src/kernels/wasm/asm/elementwise.ts
const UNARY: Partial<Record<UnaryOp, number>> = {
  neg: 0, relu: 1, abs: 2, sqrt: 3, square: 4, addScalar: 5, mulScalar: 6, exp: 7, log: 8, tanh: 9,
  sigmoid: 10, reciprocal: 11, rsqrt: 12, divScalar: 13, clamp: 14, leakyRelu: 15, elu: 16,
};
const BINARY: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, reluBackward: 6, eluBackward: 7 };
const COMPARE: Partial<Record<BinaryOp, number>> = { eq: 0, ne: 1, lt: 2, le: 3, gt: 4, ge: 5 };
const MAX_DIMS = 8;

// FFT row convolution (asm/conv_fft.ts): block length n, L = n − kh + 1 outputs per block.
const FFT_MAX = 1024;

/** Floats of the spectrum block: twiddles, bit-reversal table, 16 per (output group, bin, channel). */
function spectrumFloats(O: number, W: number, n: number): number {
  return 2 * n + Math.ceil(O / 8) * (n / 2 + 1) * W * 16;
}

/** Floats of the spectra (xs) and transform blocks (zb, also the forward's rows) of `pairs` block pairs. */
function fftScratch(pairs: number, W: number, n: number): { xs: number; zb: number } {
  return { xs: (n / 2 + 1) * pairs * W * 4, zb: Math.max(2 * pairs * n * 8, n * Math.ceil(W / 8) * 8) };
}

/**
 * The block length with the least estimated time on T threads, or 0 where the direct product
 * is estimated to be as fast. Costs count SIMD instructions: the GEMM's 4×8 tile issues about
 * 1.75 per 4-lane multiply-add and splits over every thread; a complex channel term of two
 * blocks 28 and a radix-2 butterfly 16, split over images, or over block pairs within an image
 * when there are fewer images than threads. The weight's spectrum counts only when it is made
 * for this call (a weight that needs its gradient); a kept one is free.
 */
function fftLength(N: number, O: number, H: number, W: number, kh: number, T: number, spectrumPerCall: boolean): number {
  const OH = H - kh + 1;
  if (kh < 8 || OH < 1) return 0;
  const direct = (N * O * W * kh * OH * 1.75) / 4 / T;
  const G = Math.ceil(W / 8);
  const OG = Math.ceil(O / 8);
  let best = 0;
  let bestTime = Infinity;
  for (let n = 16; n <= FFT_MAX; n *= 2) {
    if (n < 2 * kh) continue;
    const B = Math.ceil(OH / (n - kh + 1));
    const BP = Math.ceil(B / 2);
    const perImage = OG * (n / 2 + 1) * BP * W * 28 + (n / 2) * Math.log2(n) * 16 * (B * G + 2 * BP * OG) + 2 * O * OH;
    const spectrum = spectrumPerCall ? OG * W * (n / 2) * Math.log2(n) * 16 : 0;
    const time = (N * perImage) / Math.min(T, Math.max(N, BP)) + spectrum;
    if (time < bestTime) {
      bestTime = time;
      best = n;
    }
    if (n >= 2 * (OH + kh)) break;
  }
  return best > 0 && bestTime < 0.7 * direct ? best : 0;
}

export function wasmBackend(h: Heap, build?: 'simd' | 'relaxed'): BackendImpl | null {
  const k = loadWasmKernels(h.memory, build);
  if (k === null) return null;
  const js = jsBackend(h);
  const pool = ThreadPool.create(h, k as never, k.module, numThreads);
  const T = pool.threads;
  // held for the backend's lifetime: per-thread GEMM packing buffers, and a small block for shapes/geometry
  const scratchBytes = ((k.MC + k.NC) * k.KC + 32) * 4;
  const scratch = Array.from({ length: T }, () => h.alloc(scratchBytes));
  // convDirect keeps a padded image, a margin, a temp and its tap table in the same per-thread block
  if (scratchBytes < (CONV_DIRECT_MAX_PLANE + 128) * 4) throw new Error('wasm backend: GEMM scratch is smaller than the direct-convolution plane');
  // images per partial weight gradient: fixed, so every thread count sums in the same order
  const CONV_WGRAD_CHUNK = 8;
  const meta = h.alloc(5 * MAX_DIMS * 4);
  // one shape/stride block per thread for split elementwise kernels (each keeps its own counter)
  const metaT = Array.from({ length: T }, () => h.alloc(4 * MAX_DIMS * 4));
  const ELEMENTWISE_MIN = 1 << 16;
  // batch norm splits its channels across threads from 2^17 elements (two passes over each)
  const bnSplit = (N: number, C: number, L: number): boolean => T > 1 && C > 1 && N * C * L >= 1 << 17;

  /** SGEMM split over batch (when outputs are separate), else over rows, else over columns. */
  const sgemm = (batch: number, M: number, N: number, K: number, a: MatRef, b: MatRef, o: MatRef, beta: number): void => {
    const args = (bt: number, m: number, n: number, ao: number, bo: number, oo: number, t: number) =>
      [K_SGEMM, bt, m, n, K, ao * 4, a.sb, a.sr, a.sc, bo * 4, b.sb, b.sr, b.sc, oo * 4, o.sb, o.sr, o.sc, beta, scratch[t]!];
    if (T === 1 || batch * M * N * K < PARALLEL_MIN_FLOPS) {
      k.sgemm(batch, M, N, K, a.off * 4, a.sb, a.sr, a.sc, b.off * 4, b.sb, b.sr, b.sc, o.off * 4, o.sb, o.sr, o.sc, beta, scratch[0]!);
      return;
    }
    let tasks: number[][];
    if (o.sb !== 0 && batch >= T) {
      tasks = ranges(batch, T, 1).map(([s, e], t) => args(e - s, M, N, a.off + s * a.sb, b.off + s * b.sb, o.off + s * o.sb, t));
    } else if (M >= 4 * T && M >= N) {
      tasks = ranges(M, T, 4).map(([s, e], t) => args(batch, e - s, N, a.off + s * a.sr, b.off, o.off + s * o.sr, t));
    } else {
      tasks = ranges(N, T, 8).map(([s, e], t) => args(batch, M, e - s, a.off, b.off + s * b.sc, o.off + s * o.sc, t));
    }
    pool.run(tasks);
  };

  const writeGeo = (g: Window2d): number => {
    h.i32.set([g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.H, g.W, g.OH, g.OW], meta / 4);
    return meta;
  };
  // collapse dims that are contiguous in every operand, so most calls run as one flat row
  const writeStrided = (shape: readonly number[], a: readonly number[], b: readonly number[]): number => {
    const dims: [number, number, number][] = [];
    for (let d = 0; d < shape.length; d++) {
      if (shape[d] === 1) continue;
      const prev = dims[dims.length - 1];
      if (prev && prev[1] === a[d]! * shape[d]! && prev[2] === b[d]! * shape[d]!) {
        prev[0] *= shape[d]!;
        prev[1] = a[d]!;
        prev[2] = b[d]!;
      } else dims.push([shape[d]!, a[d]!, b[d]!]);
    }
    const n = dims.length;
    const v = h.i32;
    const o = meta / 4;
    dims.forEach(([s, sa, sb], i) => {
      v[o + i] = s;
      v[o + n + i] = sa;
      v[o + 2 * n + i] = sb;
    });
    return n;
  };

  return {
    ...js,
    name: `wasm-${k.build}`,
    threads: T,
    ready: () => pool.ready(),
    workerTasks: () => pool.workerTasks(),
    fill(dt, dst, n, value) {
      if (dt !== 'float32' && dt !== 'int32') return js.fill(dt, dst, n, value);
      const bits = dt === 'float32' ? f32bits(value) : value | 0;
      if (T === 1 || n < ELEMENTWISE_MIN) return k.fill32(dst * 4, n, bits);
      pool.run(ranges(n, T, 4).map(([s0, e0]) => [K_FILL, (dst + s0) * 4, e0 - s0, bits]));
    },
    matmul(dt, batch, M, N, K, a, b, out, beta) {
      if (dt !== 'float32') return js.matmul(dt, batch, M, N, K, a, b, out, beta);
      sgemm(batch, M, N, K, a, b, out, beta);
    },
    im2col(dt, x, N, C, g, dst, cols) {
      if (dt !== 'float32') return js.im2col(dt, x, N, C, g, dst, cols);
      const geo = writeGeo(g);
      const per = C * g.kh * g.kw * g.OH * g.OW;
      const rs = cols?.row ?? g.OH * g.OW;
      const is = cols?.image ?? per;
      if (T === 1 || N < 2 || N * per < PARALLEL_MIN_FLOPS) return k.im2col(x * 4, N, C, geo, dst * 4, rs, is);
      pool.run(ranges(N, T, 1).map(([s, e]) => [K_IM2COL, (x + s * C * g.H * g.W) * 4, e - s, C, geo, (dst + s * is) * 4, rs, is]));
    },
    col2im(dt, col, N, C, g, dst, cols) {
      if (dt !== 'float32') return js.col2im(dt, col, N, C, g, dst, cols);
      const geo = writeGeo(g);
      const per = C * g.kh * g.kw * g.OH * g.OW;
      const rs = cols?.row ?? g.OH * g.OW;
      const is = cols?.image ?? per;
      if (T === 1 || N < 2 || N * per < PARALLEL_MIN_FLOPS) return k.col2im(col * 4, N, C, geo, dst * 4, rs, is);
      pool.run(ranges(N, T, 1).map(([s, e]) => [K_COL2IM, (col + s * is) * 4, e - s, C, geo, (dst + s * C * g.H * g.W) * 4, rs, is]));
    },
    convDirect(dt, x, N, C, O, g, w, bias, y) {
      if (dt !== 'float32') return js.convDirect(dt, x, N, C, O, g, w, bias, y);
      if (!convDirectSuits(C, g)) return false;
      const geo = writeGeo(g);
      const b = bias < 0 ? 0 : bias * 4;
      const has = bias < 0 ? 0 : 1;
      const flops = N * O * C * g.kh * g.kw * g.OH * g.OW;
      if (T === 1 || N < 2 || flops < PARALLEL_MIN_FLOPS) k.convDirect(x * 4, N, C, O, geo, w * 4, b, has, y * 4, scratch[0]!);
      else pool.run(ranges(N, T, 1).map(([s0, e0], t) => [K_CONV_DIRECT, (x + s0 * C * g.H * g.W) * 4, e0 - s0, C, O, geo, w * 4, b, has, (y + s0 * O * g.OH * g.OW) * 4, scratch[t]!]));
      return true;
    },
    convDirectWeightGrad(dt, x, dy, N, C, O, g, dw) {
      if (dt !== 'float32') return js.convDirectWeightGrad(dt, x, dy, N, C, O, g, dw);
      const geo = writeGeo(g);
      const chunks = Math.ceil(N / CONV_WGRAD_CHUNK);
      if (chunks === 1) return k.convDirectWeightGrad(x * 4, dy * 4, N, C, O, geo, dw * 4, CONV_WGRAD_CHUNK, scratch[0]!);
      const S = O * C * g.kh * g.kw;
      const part = h.alloc(chunks * S * 4);
      try {
        const flops = N * O * C * g.kh * g.kw * g.OH * g.OW;
        const parts = T === 1 || flops < PARALLEL_MIN_FLOPS ? 1 : T;
        const inImage = C * g.H * g.W;
        const outImage = O * g.OH * g.OW;
        const tasks = ranges(chunks, parts, 1).map(([c0, c1], t) => {
          const n0 = c0 * CONV_WGRAD_CHUNK;
          const n1 = Math.min(N, c1 * CONV_WGRAD_CHUNK);
          return [K_CONV_DIRECT_WGRAD, (x + n0 * inImage) * 4, (dy + n0 * outImage) * 4, n1 - n0, C, O, geo, part + c0 * S * 4, CONV_WGRAD_CHUNK, scratch[t]!];
        });
        if (tasks.length === 1) k.convDirectWeightGrad(x * 4, dy * 4, N, C, O, geo, part, CONV_WGRAD_CHUNK, scratch[0]!);
        else pool.run(tasks);
        // the partial sums, added in chunk order
        const f = h.f32;
        const p0 = part / 4;
        for (let i = 0; i < S; i++) {
          let v = f[p0 + i]!;
          for (let c = 1; c < chunks; c++) v = Math.fround(v + f[p0 + c * S + i]!);
          f[dw + i] = v;
        }
      } finally {
        h.free(part);
      }
    },
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
          pool.run(split.map(([s0, e0], t) => [K_FFT_CONV, (x + s0 * H * W) * 4, e0 - s0, H, W, O, kh, n, OH, 0, BP, spec * 4, b, has, (y + s0 * O * OH) * 4, blks[t]!, blks[t]! + xs * 4]));
        } else {
          for (let i = 0; i < N; i++) {
            pool.run(split.map(([p0, p1], t) => [K_FFT_CONV, (x + i * H * W) * 4, 1, H, W, O, kh, n, OH, p0, p1, spec * 4, b, has, (y + i * O * OH) * 4, blks[t]!, blks[t]! + xs * 4]));
          }
        }
      } finally {
        for (const p of blks) h.free(p);
      }
      return true;
    },
    maxPool2d(dt, x, planes, g, dst, idx) {
      if (dt !== 'float32') return js.maxPool2d(dt, x, planes, g, dst, idx);
      const geo = writeGeo(g);
      const L = g.OH * g.OW;
      // memory-bound: threaded by the elements read, like the elementwise kernels
      if (T === 1 || planes < 2 || planes * g.H * g.W < ELEMENTWISE_MIN) return k.maxPool2d(x * 4, planes, geo, dst * 4, idx * 4);
      pool.run(ranges(planes, T, 1).map(([s, e]) => [K_MAXPOOL, (x + s * g.H * g.W) * 4, e - s, geo, (dst + s * L) * 4, (idx + s * L) * 4]));
    },
    maxPool2dBackward(dt, dy, idx, planes, g, dx) {
      if (dt !== 'float32') return js.maxPool2dBackward(dt, dy, idx, planes, g, dx);
      const L = g.OH * g.OW;
      const HW = g.H * g.W;
      if (T === 1 || planes < 2 || planes * (L + HW) < ELEMENTWISE_MIN) return k.maxPool2dBackward(dy * 4, idx * 4, planes, HW, L, dx * 4);
      pool.run(ranges(planes, T, 1).map(([s, e]) => [K_MAXPOOL_BW, (dy + s * L) * 4, (idx + s * L) * 4, e - s, HW, L, (dx + s * HW) * 4]));
    },
    avgPool2d(dt, x, planes, g, cip, dst) {
      if (dt !== 'float32') return js.avgPool2d(dt, x, planes, g, cip, dst);
      const geo = writeGeo(g);
      const L = g.OH * g.OW;
      if (T === 1 || planes < 2 || planes * L * g.kh * g.kw < PARALLEL_MIN_FLOPS) return k.avgPool2d(x * 4, planes, geo, cip ? 1 : 0, dst * 4);
      pool.run(ranges(planes, T, 1).map(([s, e]) => [K_AVGPOOL, (x + s * g.H * g.W) * 4, e - s, geo, cip ? 1 : 0, (dst + s * L) * 4]));
    },
    avgPool2dBackward(dt, dy, planes, g, cip, dx) {
      if (dt !== 'float32') return js.avgPool2dBackward(dt, dy, planes, g, cip, dx);
      const geo = writeGeo(g);
      const L = g.OH * g.OW;
      if (T === 1 || planes < 2 || planes * L * g.kh * g.kw < PARALLEL_MIN_FLOPS) return k.avgPool2dBackward(dy * 4, planes, geo, cip ? 1 : 0, dx * 4);
      pool.run(ranges(planes, T, 1).map(([s, e]) => [K_AVGPOOL_BW, (dy + s * L) * 4, e - s, geo, cip ? 1 : 0, (dx + s * g.H * g.W) * 4]));
    },
    unary(op, dt, src, dst, n, p0 = 0, p1 = 0) {
      const code = UNARY[op];
      if (dt !== 'float32' || code === undefined) return js.unary(op, dt, src, dst, n, p0, p1);
      if (T === 1 || n < ELEMENTWISE_MIN) return k.unary(code, src * 4, dst * 4, n, p0, p1);
      pool.run(ranges(n, T, 4).map(([s0, e0]) => [K_UNARY, code, (src + s0) * 4, (dst + s0) * 4, e0 - s0, f32bits(p0), f32bits(p1)]));
    },
    binary(op, dt, outDt, shape, a: Strided, b: Strided, dst, p0) {
      const cmp = COMPARE[op];
      if (cmp !== undefined && dt === 'float32' && outDt === 'int32' && shape.length <= MAX_DIMS) {
        const n = writeStrided(shape, a.strides, b.strides);
        return k.compare(cmp, n, meta, a.off * 4, b.off * 4, dst * 4);
      }
      const code = BINARY[op];
      if (dt !== 'float32' || outDt !== 'float32' || code === undefined || shape.length > MAX_DIMS) {
        return js.binary(op, dt, outDt, shape, a, b, dst, p0);
      }
      const n = writeStrided(shape, a.strides, b.strides);
      const total = shape.reduce((x, y) => x * y, 1);
      if (T === 1 || total < ELEMENTWISE_MIN || n === 0) return k.binary(code, n, meta, a.off * 4, b.off * 4, dst * 4, p0 ?? 0);
      // split the outermost (collapsed) dim; each thread gets its own copy of the block
      const v = h.i32;
      const m0 = meta / 4;
      const dims = Array.from({ length: 3 * n }, (_, i) => v[m0 + i]!);
      const rows = dims[0]!;
      const inner = total / rows;
      const tasks = ranges(rows, T, 1).map(([r0, r1], t) => {
        const o = metaT[t]! / 4;
        for (let i = 0; i < 3 * n; i++) v[o + i] = dims[i]!;
        v[o] = r1 - r0;
        return [K_BINARY, code, n, metaT[t]!, (a.off + r0 * dims[n]!) * 4, (b.off + r0 * dims[2 * n]!) * 4, (dst + r0 * inner) * 4, f32bits(p0 ?? 0)];
      });
      pool.run(tasks);
    },
    where(dt, shape, cond, a, b, dst) {
      if (dt !== 'float32' || shape.length > MAX_DIMS) return js.where(dt, shape, cond, a, b, dst);
      // three operands: collapse nothing, skip size-1 dims
      const dims = shape.map((s, d) => [s, cond.strides[d]!, a.strides[d]!, b.strides[d]!] as const).filter(([s]) => s !== 1);
      const n = dims.length;
      const v = h.i32;
      const o = meta / 4;
      dims.forEach(([s, sc, sa, sb], i) => {
        v[o + i] = s;
        v[o + n + i] = sc;
        v[o + 2 * n + i] = sa;
        v[o + 3 * n + i] = sb;
      });
      k.where(n, meta, cond.off * 4, a.off * 4, b.off * 4, dst * 4);
    },
    copy(srcDt, dstDt, shape, src, dst) {
      if (srcDt !== 'float32' || dstDt !== 'float32' || shape.length > MAX_DIMS) return js.copy(srcDt, dstDt, shape, src, dst);
      const n = writeStrided(shape, src.strides, dst.strides);
      const total = shape.reduce((x, y) => x * y, 1);
      if (T === 1 || total < ELEMENTWISE_MIN || n === 0) return k.copy(n, meta, src.off * 4, dst.off * 4);
      // split the outermost (collapsed) dim, as binary does (e.g. a conv bias broadcast over the batch)
      const v = h.i32;
      const m0 = meta / 4;
      const dims = Array.from({ length: 3 * n }, (_, i) => v[m0 + i]!);
      const rows = dims[0]!;
      if (rows < 2) return k.copy(n, meta, src.off * 4, dst.off * 4);
      pool.run(ranges(rows, T, 1).map(([r0, r1], t) => {
        const o = metaT[t]! / 4;
        for (let i = 0; i < 3 * n; i++) v[o + i] = dims[i]!;
        v[o] = r1 - r0;
        return [K_COPY, n, metaT[t]!, (src.off + r0 * dims[n]!) * 4, (dst.off + r0 * dims[2 * n]!) * 4];
      }));
    },
    batchNormStats(dt, x, N, C, L, eps, mean, invstd) {
      if (dt !== 'float32') return js.batchNormStats(dt, x, N, C, L, eps, mean, invstd);
      if (!bnSplit(N, C, L)) return k.batchNormStats(x * 4, N, C, L, eps, mean * 4, invstd * 4, 0, C);
      pool.run(ranges(C, T, 1).map(([c0, c1]) => [K_BN_STATS, x * 4, N, C, L, f32bits(eps), mean * 4, invstd * 4, c0, c1]));
    },
    batchNormApply(dt, x, N, C, L, mean, invstd, w, b, y) {
      if (dt !== 'float32') return js.batchNormApply(dt, x, N, C, L, mean, invstd, w, b, y);
      const wp = w < 0 ? -1 : w * 4, bp = b < 0 ? -1 : b * 4;
      if (!bnSplit(N, C, L)) return k.batchNormApply(x * 4, N, C, L, mean * 4, invstd * 4, wp, bp, y * 4, 0, C);
      pool.run(ranges(C, T, 1).map(([c0, c1]) => [K_BN_APPLY, x * 4, N, C, L, mean * 4, invstd * 4, wp, bp, y * 4, c0, c1]));
    },
    batchNormBackward(dt, x, dy, N, C, L, mean, invstd, w, dx, dw, db) {
      if (dt !== 'float32') return js.batchNormBackward(dt, x, dy, N, C, L, mean, invstd, w, dx, dw, db);
      const p = (o: number) => (o < 0 ? -1 : o * 4);
      if (!bnSplit(N, C, L)) return k.batchNormBackward(x * 4, dy * 4, N, C, L, mean * 4, invstd * 4, p(w), p(dx), p(dw), p(db), 0, C);
      pool.run(ranges(C, T, 1).map(([c0, c1]) => [K_BN_BW, x * 4, dy * 4, N, C, L, mean * 4, invstd * 4, p(w), p(dx), p(dw), p(db), c0, c1]));
    },
    sgdStep(dt, n, p, g, buf, lr, momentum, dampening, weightDecay, nesterov, maximize, first) {
      if (dt !== 'float32') return js.sgdStep(dt, n, p, g, buf, lr, momentum, dampening, weightDecay, nesterov, maximize, first);
      k.sgdStep(n, p * 4, g * 4, buf < 0 ? -1 : buf * 4, lr, momentum, dampening, weightDecay, nesterov ? 1 : 0, maximize ? 1 : 0, first ? 1 : 0);
    },
    adamStep(dt, n, p, g, m, v, vmax, lr, beta1, beta2, eps, weightDecay, step, maximize) {
      if (dt !== 'float32') return js.adamStep(dt, n, p, g, m, v, vmax, lr, beta1, beta2, eps, weightDecay, step, maximize);
      k.adamStep(n, p * 4, g * 4, m * 4, v * 4, vmax < 0 ? -1 : vmax * 4, lr, beta1, beta2, eps, weightDecay, step, maximize ? 1 : 0);
    },
    lstmCell(dt, B, H, gates, c, cRow, out, act) {
      if (dt !== 'float32') return js.lstmCell(dt, B, H, gates, c, cRow, out, act);
      k.lstmCell(B, H, gates * 4, c * 4, cRow, out * 4, act * 4);
    },
    lstmCellBackward(dt, B, H, act, c, cRow, dout, dgates, dc) {
      if (dt !== 'float32') return js.lstmCellBackward(dt, B, H, act, c, cRow, dout, dgates, dc);
      k.lstmCellBackward(B, H, act * 4, c * 4, cRow, dout * 4, dgates * 4, dc * 4);
    },
    gruCell(dt, B, H, gi, gh, hp, hRow, out, act) {
      if (dt !== 'float32') return js.gruCell(dt, B, H, gi, gh, hp, hRow, out, act);
      k.gruCell(B, H, gi * 4, gh * 4, hp * 4, hRow, out * 4, act * 4);
    },
    rnnSequence(dt, mode, T, B, H, reverse, gi, whh, bhh, h0, c, out) {
      if (dt !== 'float32') return js.rnnSequence(dt, mode, T, B, H, reverse, gi, whh, bhh, h0, c, out);
      const G = mode === 2 ? 4 : mode === 3 ? 3 : 1;
      const gh = h.alloc(B * G * H * 4);
      try {
        k.rnnSequence(mode, T, B, H, reverse ? 1 : 0, gi * 4, whh * 4, bhh * 4, h0 * 4, c * 4, out * 4, gh);
      } finally {
        h.free(gh);
      }
    },
    gruCellBackward(dt, B, H, act, hp, hRow, dout, dgi, dgh, dh) {
      if (dt !== 'float32') return js.gruCellBackward(dt, B, H, act, hp, hRow, dout, dgi, dgh, dh);
      k.gruCellBackward(B, H, act * 4, hp * 4, hRow, dout * 4, dgi * 4, dgh * 4, dh * 4);
    },
    reduce(op, dt, src, outer, n, inner, dst) {
      if (dt !== 'float32' || op === 'prod') return js.reduce(op, dt, src, outer, n, inner, dst);
      if (op === 'sum') k.reduceSum(src * 4, outer, n, inner, dst * 4);
      else k.reduceMax(op === 'max' ? 1 : 0, src * 4, outer, n, inner, dst * 4, -1);
    },
    argReduce(op, dt, src, outer, n, inner, dstVal, dstIdx) {
      if (dt !== 'float32') return js.argReduce(op, dt, src, outer, n, inner, dstVal, dstIdx);
      k.reduceMax(op === 'max' ? 1 : 0, src * 4, outer, n, inner, dstVal * 4, dstIdx * 4);
    },
    softmax(dt, src, outer, n, inner, dst, log) {
      if (dt !== 'float32') return js.softmax(dt, src, outer, n, inner, dst, log);
      k.softmax(src * 4, outer, n, inner, dst * 4, log ? 1 : 0);
    },
  };
}
