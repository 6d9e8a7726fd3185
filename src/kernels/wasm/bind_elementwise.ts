// The wasm bindings of the elementwise, copy, reduction and softmax primitives (float32).

import type { Backend, BinaryOp, Strided, UnaryOp } from '../backend.js';
import { f32bits, task } from '../pool/protocol.js';
import { MAX_DIMS, type WasmContext } from './context.js';
import { ELEMENTWISE_MIN, ranges, splitParts, TASK_MIN_ELEMENTS } from './threads.js';

// op codes shared with src/kernels/wasm/asm/elementwise.ts
const UNARY: Partial<Record<UnaryOp, number>> = {
  neg: 0, relu: 1, abs: 2, sqrt: 3, square: 4, addScalar: 5, mulScalar: 6, exp: 7, log: 8, tanh: 9,
  sigmoid: 10, reciprocal: 11, rsqrt: 12, divScalar: 13, clamp: 14, leakyRelu: 15, elu: 16,
};
const BINARY: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, reluBackward: 6, eluBackward: 7 };
const COMPARE: Partial<Record<BinaryOp, number>> = { eq: 0, ne: 1, lt: 2, le: 3, gt: 4, ge: 5 };

type OpFirst = Pick<Backend, 'unary' | 'binary' | 'reduce' | 'argReduce'>;
type Layout = Pick<Backend, 'where' | 'copy' | 'softmax'>;

/** fill, for float32 and int32 data (the kernel writes 32-bit patterns); other dtypes go to `js`. */
export function fill(c: WasmContext, js: Backend): Backend['fill'] {
  const { k, pool, T } = c;
  return (dt, dst, n, value) => {
    if (dt !== 'float32' && dt !== 'int32') return js.fill(dt, dst, n, value);
    const bits = dt === 'float32' ? f32bits(value) : value | 0;
    if (T === 1 || n < ELEMENTWISE_MIN) return k.fill32(dst * 4, n, bits);
    pool.run(ranges(n, splitParts(Math.ceil(n / 4), 4, T, TASK_MIN_ELEMENTS), 4).map(([s0, e0]) => task('fill32', (dst + s0) * 4, e0 - s0, bits)));
  };
}

/** Bindings for float32 data (float32Only routes other dtypes); what the kernels do not cover goes to `js`. */
export function elementwise(c: WasmContext, js: Backend): { opFirst: OpFirst; layout: Layout } {
  const { h, k, pool, T, meta, metaT } = c;

  /** Splits the outermost (collapsed) dim of the `dims` block written in meta; each task gets its own copy. */
  const splitRows = (n: number, rows: number, total: number): { r0: number; r1: number; m: number; dims: number[] }[] => {
    const v = h.i32;
    const m0 = meta / 4;
    const dims = Array.from({ length: 3 * n }, (_, i) => v[m0 + i]!);
    return ranges(rows, splitParts(rows, total / rows, T, TASK_MIN_ELEMENTS), 1).map(([r0, r1], t) => {
      const o = metaT[t]! / 4;
      for (let i = 0; i < 3 * n; i++) v[o + i] = dims[i]!;
      v[o] = r1 - r0;
      return { r0, r1, m: metaT[t]!, dims };
    });
  };

  const opFirst: OpFirst = {
    unary(op, dt, src, dst, n, p0 = 0, p1 = 0) {
      const code = UNARY[op];
      if (code === undefined) return js.unary(op, dt, src, dst, n, p0, p1);
      if (T === 1 || n < ELEMENTWISE_MIN) return k.unary(code, src * 4, dst * 4, n, p0, p1);
      pool.run(ranges(n, splitParts(Math.ceil(n / 4), 4, T, TASK_MIN_ELEMENTS), 4).map(([s0, e0]) => task('unary', code, (src + s0) * 4, (dst + s0) * 4, e0 - s0, p0, p1)));
    },
    binary(op, dt, outDt, shape, a: Strided, b: Strided, dst, p0) {
      const cmp = COMPARE[op];
      if (cmp !== undefined && outDt === 'int32' && shape.length <= MAX_DIMS) {
        const n = c.writeStrided(shape, a.strides, b.strides);
        return k.compare(cmp, n, meta, a.off * 4, b.off * 4, dst * 4);
      }
      const code = BINARY[op];
      if (outDt !== 'float32' || code === undefined || shape.length > MAX_DIMS) return js.binary(op, dt, outDt, shape, a, b, dst, p0);
      const n = c.writeStrided(shape, a.strides, b.strides);
      const total = shape.reduce((x, y) => x * y, 1);
      if (T === 1 || total < ELEMENTWISE_MIN || n === 0) return k.binary(code, n, meta, a.off * 4, b.off * 4, dst * 4, p0 ?? 0);
      const rows = h.i32[meta / 4]!;
      const inner = total / rows;
      pool.run(splitRows(n, rows, total).map(({ r0, m, dims }) => task('binary', code, n, m, (a.off + r0 * dims[n]!) * 4, (b.off + r0 * dims[2 * n]!) * 4, (dst + r0 * inner) * 4, p0 ?? 0)));
    },
    reduce(op, dt, src, outer, n, inner, dst) {
      if (op === 'prod') return js.reduce(op, dt, src, outer, n, inner, dst);
      if (op === 'sum') {
        // rows of the outer dim are independent sums (a conv bias gradient: one per (image, channel))
        const total = outer * n * inner;
        if (T === 1 || outer < 2 || total < ELEMENTWISE_MIN) return k.reduceSum(src * 4, outer, n, inner, dst * 4);
        pool.run(ranges(outer, splitParts(outer, n * inner, T, TASK_MIN_ELEMENTS), 1).map(([o0, o1]) => task('reduceSum', (src + o0 * n * inner) * 4, o1 - o0, n, inner, (dst + o0 * inner) * 4)));
      }
      else k.reduceMax(op === 'max' ? 1 : 0, src * 4, outer, n, inner, dst * 4, -1);
    },
    argReduce(op, _dt, src, outer, n, inner, dstVal, dstIdx) {
      k.reduceMax(op === 'max' ? 1 : 0, src * 4, outer, n, inner, dstVal * 4, dstIdx * 4);
    },
  };
  const layout: Layout = {
    where(dt, shape, cond, a, b, dst) {
      if (shape.length > MAX_DIMS) return js.where(dt, shape, cond, a, b, dst);
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
      if (dstDt !== 'float32' || shape.length > MAX_DIMS) return js.copy(srcDt, dstDt, shape, src, dst);
      const n = c.writeStrided(shape, src.strides, dst.strides);
      const total = shape.reduce((x, y) => x * y, 1);
      if (T === 1 || total < ELEMENTWISE_MIN || n === 0) return k.copy(n, meta, src.off * 4, dst.off * 4);
      // split the outermost (collapsed) dim, as binary does (e.g. a conv bias broadcast over the batch)
      const rows = h.i32[meta / 4]!;
      if (rows < 2) return k.copy(n, meta, src.off * 4, dst.off * 4);
      pool.run(splitRows(n, rows, total).map(({ r0, m, dims }) => task('copy', n, m, (src.off + r0 * dims[n]!) * 4, (dst.off + r0 * dims[2 * n]!) * 4)));
    },
    softmax(_dt, src, outer, n, inner, dst, log) {
      k.softmax(src * 4, outer, n, inner, dst * 4, log ? 1 : 0);
    },
  };
  return { opFirst, layout };
}
