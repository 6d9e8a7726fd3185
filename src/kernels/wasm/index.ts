// The wasm SIMD backend: the primitives it has fast kernels for run in wasm over the shared
// heap; everything else (and every non-float32 dtype) falls through to the JS reference.

import type { Backend, BinaryOp, Strided, UnaryOp, Window2d } from '../backend.js';
import type { Heap } from '../heap.js';
import { jsBackend } from '../js/index.js';
import { loadWasmKernels } from './loader.js';

// op codes shared with src/kernels/wasm/asm/elementwise.ts
const UNARY: Partial<Record<UnaryOp, number>> = {
  neg: 0, relu: 1, abs: 2, sqrt: 3, square: 4, addScalar: 5, mulScalar: 6, exp: 7, log: 8, tanh: 9,
  sigmoid: 10, reciprocal: 11, rsqrt: 12, divScalar: 13, clamp: 14, leakyRelu: 15, elu: 16,
};
const BINARY: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, reluBackward: 6 };
const MAX_DIMS = 8;

export function wasmBackend(h: Heap, build?: 'simd' | 'relaxed'): Backend | null {
  const k = loadWasmKernels(h.memory, build);
  if (k === null) return null;
  const js = jsBackend(h);
  // held for the backend's lifetime: GEMM packing buffers, and a small block for shapes/geometry
  const scratch = h.alloc(((k.MC + k.NC) * k.KC + 32) * 4);
  const meta = h.alloc(4 * MAX_DIMS * 4);

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
    matmul(dt, batch, M, N, K, a, b, out, beta) {
      if (dt !== 'float32') return js.matmul(dt, batch, M, N, K, a, b, out, beta);
      k.sgemm(batch, M, N, K, a.off * 4, a.sb, a.sr, a.sc, b.off * 4, b.sb, b.sr, b.sc, out.off * 4, out.sb, out.sr, out.sc, beta, scratch);
    },
    im2col(dt, x, N, C, g, dst) {
      if (dt !== 'float32') return js.im2col(dt, x, N, C, g, dst);
      k.im2col(x * 4, N, C, writeGeo(g), dst * 4);
    },
    col2im(dt, col, N, C, g, dst) {
      if (dt !== 'float32') return js.col2im(dt, col, N, C, g, dst);
      k.col2im(col * 4, N, C, writeGeo(g), dst * 4);
    },
    maxPool2d(dt, x, planes, g, dst, idx) {
      if (dt !== 'float32') return js.maxPool2d(dt, x, planes, g, dst, idx);
      k.maxPool2d(x * 4, planes, writeGeo(g), dst * 4, idx * 4);
    },
    maxPool2dBackward(dt, dy, idx, planes, g, dx) {
      if (dt !== 'float32') return js.maxPool2dBackward(dt, dy, idx, planes, g, dx);
      k.maxPool2dBackward(dy * 4, idx * 4, planes, g.H * g.W, g.OH * g.OW, dx * 4);
    },
    unary(op, dt, src, dst, n, p0 = 0, p1 = 0) {
      const code = UNARY[op];
      if (dt !== 'float32' || code === undefined) return js.unary(op, dt, src, dst, n, p0, p1);
      k.unary(code, src * 4, dst * 4, n, p0, p1);
    },
    binary(op, dt, outDt, shape, a: Strided, b: Strided, dst, p0) {
      const code = BINARY[op];
      if (dt !== 'float32' || outDt !== 'float32' || code === undefined || shape.length > MAX_DIMS) {
        return js.binary(op, dt, outDt, shape, a, b, dst, p0);
      }
      const n = writeStrided(shape, a.strides, b.strides);
      k.binary(code, n, meta, a.off * 4, b.off * 4, dst * 4);
    },
    copy(srcDt, dstDt, shape, src, dst) {
      if (srcDt !== 'float32' || dstDt !== 'float32' || shape.length > MAX_DIMS) return js.copy(srcDt, dstDt, shape, src, dst);
      const n = writeStrided(shape, src.strides, dst.strides);
      k.copy(n, meta, src.off * 4, dst.off * 4);
    },
    reduce(op, dt, src, outer, n, inner, dst) {
      if (dt !== 'float32' || op !== 'sum') return js.reduce(op, dt, src, outer, n, inner, dst);
      k.reduceSum(src * 4, outer, n, inner, dst * 4);
    },
  };
}
