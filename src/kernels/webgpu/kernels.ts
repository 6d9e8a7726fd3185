/// <reference types="@webgpu/types" />
// The webgpu backend's kernel calls: each fills one parameter slot and records one dispatch (two
// for the batch-norm backward) into the memory's command stream. Pipelines are compiled on first
// use. Everything is float32 or int32 (Tensor.empty refuses float64 in this memory).

import { DTypeError, ShapeError } from '../../errors.js';
import type { BackendImpl, BinaryOp, ColStrides, MatRef, ReduceOp, Strided, UnaryOp, Window2d } from '../backend.js';
import type { DType } from '../heap.js';
import type { GpuMemory } from './memory.js';
import { lower, MAX_DIMS } from './wgsl_common.js';
import * as E from './wgsl_elementwise.js';
import * as R from './wgsl_reduce.js';
import * as Wn from './wgsl_window.js';
import * as Fu from './wgsl_fused.js';
import { matmulShader } from './wgsl_matmul.js';
import { webgpuConv } from './conv.js';

const SOURCES: Record<string, () => string> = {
  copy: () => E.COPY, fill: () => E.FILL, unary: () => E.UNARY, binary: () => E.BINARY, where: () => E.WHERE,
  reduceThread: () => R.REDUCE_THREAD, reduceGroup: () => R.REDUCE_GROUP, argReduce: () => R.ARG_REDUCE,
  softmax: () => R.SOFTMAX, gather: () => R.GATHER, indexSelect: () => R.INDEX_SELECT, scatterAdd: () => R.SCATTER_ADD,
  im2col: () => Wn.IM2COL, col2im: () => Wn.COL2IM, maxPool: () => Wn.MAX_POOL, maxPoolBackward: () => Wn.MAX_POOL_BACKWARD,
  avgPool: () => Wn.AVG_POOL, avgPoolBackward: () => Wn.AVG_POOL_BACKWARD,
  adaptiveAvgPool: () => Wn.ADAPTIVE_AVG_POOL, adaptiveAvgPoolBackward: () => Wn.ADAPTIVE_AVG_POOL_BACKWARD,
  bnStats: () => Fu.BN_STATS, bnApply: () => Fu.BN_APPLY, bnBackwardSums: () => Fu.BN_BACKWARD_SUMS, bnBackwardDx: () => Fu.BN_BACKWARD_DX,
  sgd: () => Fu.SGD, adam: () => Fu.ADAM,
  mm: () => matmulShader(false), mmVec: () => matmulShader(true),
};

// a long reduction (n at least this) gets a workgroup per output instead of a thread
const GROUP_REDUCE_MIN = 64;
const MAX_GROUPS = 65535;

/** Workgroups (x, y) for `n` threads in 256-wide groups (or `n` groups when perThread is 1). */
function grid(n: number, perGroup = 256): [number, number] {
  const g = Math.ceil(n / perGroup);
  if (g <= MAX_GROUPS) return [g, 1];
  const y = Math.ceil(g / MAX_GROUPS);
  return [Math.ceil(g / y), y];
}

/** Refuses every dtype but float32 (a DTypeError naming the op). */
export function f32Only(dt: DType, op: string): void {
  if (dt !== 'float32') throw new DTypeError(`webgpu ${op}: dtype ${dt} is not supported (float32 only)`);
}

function noF64(dt: DType, op: string): void {
  if (dt === 'float64') throw new DTypeError(`webgpu ${op}: float64 has no WGSL type (float32 and int32 only)`);
}

/** The int flag of kernels that take float32 or int32: 1 for int32. */
const isInt = (dt: DType): number => (dt === 'int32' ? 1 : 0);

/** The geometry of an adaptive pool: the window words are unused, only the sizes. */
const adaptiveGeometry = (H: number, W: number, OH: number, OW: number): Window2d => ({ kh: 1, kw: 1, sh: 1, sw: 1, ph: 0, pw: 0, dh: 1, dw: 1, H, W, OH, OW });

/** Words 16-18 of im2col / col2im: channels, then the column strides (packed by default). */
const columnWords = (C: number, g: Window2d, cols: ColStrides | undefined): number[] => [C, cols?.row ?? g.OH * g.OW, cols?.image ?? C * g.kh * g.kw * g.OH * g.OW];

/** Words 16-19 of the average pools: 16-18 unused, 19 countIncludePad. */
const avgWords = (countIncludePad: boolean): number[] => [0, 0, 0, countIncludePad ? 1 : 0];

/**
 * Merges dims that are contiguous in every operand and drops dims of size 1, so a strided op
 * needs few dims; more than MAX_DIMS left is a ShapeError.
 */
export function coalesce(shape: readonly number[], strides: readonly (readonly number[])[], op: string): { shape: number[]; strides: number[][] } {
  const sh: number[] = [];
  const st: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = sh.length - 1;
    if (last >= 0 && strides.every((s, k) => st[k]![last] === s[d]! * n)) {
      sh[last]! *= n;
      strides.forEach((s, k) => (st[k]![last] = s[d]!));
      continue;
    }
    sh.push(n);
    strides.forEach((s, k) => st[k]!.push(s[d]!));
  }
  if (sh.length > MAX_DIMS) throw new ShapeError(`webgpu ${op}: ${shape.length}-d strided shape (${shape.join(', ')}) needs ${sh.length} dims after merging, at most ${MAX_DIMS}`);
  return { shape: sh, strides: st };
}

export function webgpuKernels(mem: GpuMemory): BackendImpl {
  const device = mem.device;
  const layout = device.createPipelineLayout({ bindGroupLayouts: [mem.layout] });
  const pipes = new Map<string, GPUComputePipeline>();
  const pipe = (name: string, source = SOURCES[name]!): GPUComputePipeline => {
    let p = pipes.get(name);
    if (p === undefined) {
      const module = device.createShaderModule({ code: lower(source()), label: name });
      p = device.createComputePipeline({ layout, compute: { module, entryPoint: 'main' }, label: name });
      pipes.set(name, p);
    }
    return p;
  };
  const { pu32: U, pi32: S, pf32: Fl } = mem;
  const run1d = (name: string, n: number): void => {
    const [x, y] = grid(n);
    mem.dispatch(pipe(name), x, y);
  };

  /** Writes shape and operand strides at words 8, 16, 24, 32; returns the element count. */
  function strided(P: number, shape: readonly number[], strides: readonly (readonly number[])[], op: string): number {
    const c = coalesce(shape, strides, op);
    let n = 1;
    for (let d = 0; d < c.shape.length; d++) {
      U[P + 8 + d] = c.shape[d]!;
      n *= c.shape[d]!;
      for (let k = 0; k < c.strides.length; k++) S[P + 16 + 8 * k + d] = c.strides[k]![d]!;
    }
    U[P + 1] = c.shape.length;
    return n;
  }

  /** Fills a fresh slot with `w` (as u32 words) and runs `name` over `n` threads. */
  function runWords(name: string, w: readonly number[], n: number): void {
    U.set(w, mem.paramSlot());
    run1d(name, n);
  }

  /**
   * Runs an optimizer step `name` over `n` threads; its slot: `ints` (n and the buffers' words),
   * then `floats`, then the boolean `flags` as 0 / 1 (see wgsl_fused.ts).
   */
  function runStep(name: string, n: number, ints: readonly number[], floats: readonly number[], flags: readonly boolean[]): void {
    const P = mem.paramSlot();
    S.set(ints, P);
    Fl.set(floats, P + ints.length);
    U.set(flags.map((f) => (f ? 1 : 0)), P + ints.length + floats.length);
    run1d(name, n);
  }

  /**
   * Runs window kernel `name` over `total` threads; its slot: 0 total, 1-3 the operands `abc`,
   * 4-15 the geometry, then `more` from word 16 (see wgsl_window.ts).
   */
  function runWindow(name: string, total: number, g: Window2d, abc: readonly [number, number, number], more: readonly number[] = []): void {
    const P = mem.paramSlot();
    U[P] = total;
    const w = [...abc, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.H, g.W, g.OH, g.OW, ...more];
    for (let k = 0; k < w.length; k++) S[P + 1 + k] = w[k]!;
    run1d(name, total);
  }

  /**
   * gather, indexSelect and scatterAdd share their words: 0 outer, 1 the source's axis length, 2
   * inner, 3 src, 4 index, 5 the destination's axis length, 6 dst, 7 int; a thread per dst element.
   */
  const indexing =
    (name: 'gather' | 'indexSelect' | 'scatterAdd') =>
    (dt: DType, src: number, outer: number, srcLen: number, inner: number, index: number, dstLen: number, dst: number): void => {
      noF64(dt, name);
      runWords(name, [outer, srcLen, inner, src, index, dstLen, dst, isInt(dt)], outer * dstLen * inner);
    };

  const impl: BackendImpl = {
    name: 'webgpu',
    copy(srcDt, dstDt, shape, src: Strided, dst: Strided) {
      noF64(srcDt, 'copy');
      noF64(dstDt, 'copy');
      const P = mem.paramSlot();
      const n = strided(P, shape, [src.strides, dst.strides], 'copy');
      U[P] = n;
      S[P + 2] = src.off;
      S[P + 3] = dst.off;
      U[P + 4] = srcDt === dstDt ? 0 : dstDt === 'int32' ? 1 : 2;
      run1d('copy', n);
    },
    fill(dt, dst, n, value) {
      noF64(dt, 'fill');
      const P = mem.paramSlot();
      U[P] = n;
      U[P + 1] = dst;
      if (dt === 'int32') S[P + 2] = value;
      else Fl[P + 2] = value;
      run1d('fill', n);
    },
    unary(op: UnaryOp, dt, src, dst, n, p0 = 0, p1 = 0) {
      noF64(dt, op);
      const P = mem.paramSlot();
      U[P] = n;
      U[P + 1] = src;
      U[P + 2] = dst;
      U[P + 3] = E.UNARY_CODES[op];
      U[P + 4] = isInt(dt);
      Fl[P + 5] = p0;
      Fl[P + 6] = p1;
      run1d('unary', n);
    },
    binary(op: BinaryOp, dt, outDt, shape, a, b, dst, p0 = 0) {
      noF64(dt, op);
      noF64(outDt, op);
      const P = mem.paramSlot();
      const n = strided(P, shape, [a.strides, b.strides], op);
      U[P] = n;
      S[P + 2] = a.off;
      S[P + 3] = b.off;
      U[P + 4] = dst;
      U[P + 5] = E.BINARY_CODES[op];
      U[P + 6] = isInt(dt);
      U[P + 7] = isInt(outDt);
      Fl[P + 60] = p0;
      run1d('binary', n);
    },
    where(dt, shape, cond, a, b, dst) {
      noF64(dt, 'where');
      const P = mem.paramSlot();
      const n = strided(P, shape, [cond.strides, a.strides, b.strides], 'where');
      U[P] = n;
      S[P + 2] = cond.off;
      S[P + 3] = a.off;
      S[P + 4] = b.off;
      U[P + 5] = dst;
      run1d('where', n);
    },
    reduce(op: ReduceOp, dt, src, outer, n, inner, dst) {
      noF64(dt, 'reduce');
      U.set([outer, n, inner, src, dst, ['sum', 'prod', 'max', 'min'].indexOf(op), isInt(dt)], mem.paramSlot());
      if (n >= GROUP_REDUCE_MIN) {
        const [x, y] = grid(outer * inner, 1);
        mem.dispatch(pipe('reduceGroup'), x, y);
      } else run1d('reduceThread', outer * inner);
    },
    argReduce(op, dt, src, outer, n, inner, dstVal, dstIdx) {
      noF64(dt, 'argReduce');
      runWords('argReduce', [outer, n, inner, src, dstVal, dstIdx, op === 'max' ? 1 : 0, isInt(dt)], outer * inner);
    },
    matmul(dt, batch, M, N, K, a: MatRef, b: MatRef, out: MatRef, beta) {
      f32Only(dt, 'matmul');
      if (batch === 0 || M === 0 || N === 0) return;
      const sumBatch = out.sb === 0 && batch > 1;
      // vec4 fetches and stores where every operand is row-major and 16-byte aligned
      const al = (r: MatRef) => r.sc === 1 && r.off % 4 === 0 && r.sr % 4 === 0 && r.sb % 4 === 0;
      const vec = al(a) && al(b) && al(out) && K % 4 === 0 && N % 4 === 0;
      const p = pipe(vec ? 'mmVec' : 'mm');
      const zs = sumBatch ? 1 : batch;
      for (let z0 = 0; z0 < zs; z0 += MAX_GROUPS) {
        const P = mem.paramSlot();
        const w = [M, N, K, a.off, a.sb, a.sr, a.sc, b.off, b.sb, b.sr, b.sc, out.off, out.sb, out.sr, out.sc, beta, batch, sumBatch ? 1 : 0, z0];
        for (let k = 0; k < w.length; k++) S[P + k] = w[k]!;
        mem.dispatch(p, Math.ceil(N / 64), Math.ceil(M / 64), Math.min(MAX_GROUPS, zs - z0));
      }
    },
    im2col(dt, x, N, C, g, dst, cols?: ColStrides) {
      f32Only(dt, 'im2col');
      runWindow('im2col', N * C * g.kh * g.kw * g.OH * g.OW, g, [x, dst, 0], columnWords(C, g, cols));
    },
    col2im(dt, col, N, C, g, dst, cols?: ColStrides) {
      f32Only(dt, 'col2im');
      runWindow('col2im', N * C * g.H * g.W, g, [col, dst, 0], columnWords(C, g, cols));
    },
    maxPool2d(dt, x, planes, g, dst, idx) {
      f32Only(dt, 'maxPool2d');
      runWindow('maxPool', planes * g.OH * g.OW, g, [x, dst, idx]);
    },
    maxPool2dBackward(dt, dy, idx, planes, g, dx) {
      f32Only(dt, 'maxPool2dBackward');
      runWindow('maxPoolBackward', planes * g.H * g.W, g, [dy, dx, idx]);
    },
    avgPool2d(dt, x, planes, g, countIncludePad, dst) {
      f32Only(dt, 'avgPool2d');
      runWindow('avgPool', planes * g.OH * g.OW, g, [x, dst, 0], avgWords(countIncludePad));
    },
    avgPool2dBackward(dt, dy, planes, g, countIncludePad, dx) {
      f32Only(dt, 'avgPool2dBackward');
      runWindow('avgPoolBackward', planes * g.H * g.W, g, [dy, dx, 0], avgWords(countIncludePad));
    },
    adaptiveAvgPool2d(dt, x, planes, H, W, OH, OW, dst) {
      f32Only(dt, 'adaptiveAvgPool2d');
      runWindow('adaptiveAvgPool', planes * OH * OW, adaptiveGeometry(H, W, OH, OW), [x, dst, 0]);
    },
    adaptiveAvgPool2dBackward(dt, dy, planes, H, W, OH, OW, dx) {
      f32Only(dt, 'adaptiveAvgPool2dBackward');
      runWindow('adaptiveAvgPoolBackward', planes * H * W, adaptiveGeometry(H, W, OH, OW), [dy, dx, 0]);
    },
    gather: indexing('gather'),
    indexSelect: indexing('indexSelect'),
    scatterAdd: indexing('scatterAdd'),
    softmax(dt, src, outer, n, inner, dst, log) {
      f32Only(dt, 'softmax');
      runWords('softmax', [outer, n, inner, src, dst, log ? 1 : 0], outer * inner);
    },
    batchNormStats(dt, x, N, C, L, eps, mean, invstd) {
      f32Only(dt, 'batchNormStats');
      const P = mem.paramSlot();
      const w = [N, C, L, x, mean, invstd];
      U.set(w, P);
      Fl[P + 6] = eps;
      mem.dispatch(pipe('bnStats'), C);
    },
    batchNormApply(dt, x, N, C, L, mean, invstd, w, b, y) {
      f32Only(dt, 'batchNormApply');
      runWords('bnApply', [N * C * L, C, L, x, mean, invstd, w, b, y], N * C * L);
    },
    batchNormBackward(dt, x, dy, N, C, L, mean, invstd, w, dx, dw, db) {
      f32Only(dt, 'batchNormBackward');
      // per-channel Σdy and Σdy·x̂ for the dx pass; freed at once (later writes queue after)
      const sums = mem.alloc(2 * C * 4) / 4;
      try {
        let P = mem.paramSlot();
        const a = [N, C, L, x, dy, mean, invstd, dw, db, sums];
        for (let k = 0; k < a.length; k++) S[P + k] = a[k]!;
        mem.dispatch(pipe('bnBackwardSums'), C);
        if (dx >= 0) {
          P = mem.paramSlot();
          const b = [N * C * L, C, L, x, dy, mean, invstd, w, dx, sums, N * L];
          for (let k = 0; k < b.length; k++) S[P + k] = b[k]!;
          run1d('bnBackwardDx', N * C * L);
        }
      } finally {
        mem.free(sums * 4);
      }
    },
    sgdStep(dt, n, p, g, buf, lr, momentum, dampening, weightDecay, nesterov, maximize, first) {
      f32Only(dt, 'sgdStep');
      runStep('sgd', n, [n, p, g, buf], [lr, momentum, dampening, weightDecay], [nesterov, maximize, first]);
    },
    adamStep(dt, n, p, g, m, v, vmax, lr, beta1, beta2, eps, weightDecay, step, maximize) {
      f32Only(dt, 'adamStep');
      // the bias corrections are folded into the step size and the denominator's scale
      runStep('adam', n, [n, p, g, m, v, vmax], [lr / (1 - beta1 ** step), beta1, beta2, eps, weightDecay, Math.sqrt(1 - beta2 ** step)], [maximize]);
    },
  };
  // convolution as implicit GEMM (no columns): ops/conv takes it for every 2-D convolution
  Object.assign(impl, webgpuConv(mem, pipe, impl));
  return impl;
}
