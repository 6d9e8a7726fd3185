// What every wasm binding shares: the kernels, the thread pool, per-thread scratch, the block
// where shapes and window geometry are written for a call, and the float32 dispatch.

import { CONV_DIRECT_MAX_PLANE, type Window2d } from '../backend.js';
import type { DType, Heap } from '../heap.js';
import type { ThreadPool } from '../pool/pool.js';
import type { WasmKernels } from './loader.js';
import { maxParts } from './threads.js';

export const MAX_DIMS = 8;

export interface WasmContext {
  readonly h: Heap;
  readonly k: WasmKernels;
  readonly pool: ThreadPool;
  /** Threads taking tasks, the caller included. */
  readonly T: number;
  /** Per-thread GEMM packing buffers (byte offsets); convDirect keeps its padded image there too. */
  readonly scratch: readonly number[];
  /** The call's shape/stride or geometry block (byte offset). */
  readonly meta: number;
  /** One shape/stride block per task of a split elementwise kernel (each keeps its own counter). */
  readonly metaT: readonly number[];
  /** Writes a window geometry into `meta`; returns its byte offset. */
  writeGeo(g: Window2d): number;
  /**
   * Writes (dims, strides a, strides b) into `meta`, collapsing dims that are contiguous in
   * every operand so most calls run as one flat row; returns the number of dims written.
   */
  writeStrided(shape: readonly number[], a: readonly number[], b: readonly number[]): number;
}

export function wasmContext(h: Heap, k: WasmKernels, pool: ThreadPool): WasmContext {
  const T = pool.threads;
  // held for the backend's lifetime: per-thread GEMM packing buffers, and a small block for shapes/geometry
  const scratchBytes = ((k.MC + k.NC) * k.KC + 32) * 4;
  // convDirect keeps a padded image, a margin, a temp and its tap table in the same per-thread block
  if (scratchBytes < (CONV_DIRECT_MAX_PLANE + 128) * 4) throw new Error('wasm backend: GEMM scratch is smaller than the direct-convolution plane');
  const scratch = Array.from({ length: T }, () => h.alloc(scratchBytes));
  pool.setScratch(scratch);
  const meta = h.alloc(5 * MAX_DIMS * 4);
  const metaT = Array.from({ length: maxParts(T) }, () => h.alloc(4 * MAX_DIMS * 4));
  return {
    h, k, pool, T, scratch, meta, metaT,
    writeGeo(g) {
      h.i32.set([g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.H, g.W, g.OH, g.OW], meta / 4);
      return meta;
    },
    writeStrided(shape, a, b) {
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
    },
  };
}

// the bindings' parameter lists differ; only the dtype is shared (first, or after the op code)
type DtMethod = (dt: DType, ...rest: never[]) => unknown;
type OpDtMethod = (op: never, dt: DType, ...rest: never[]) => unknown;

/**
 * The wasm kernels run float32 alone: each method of `fast` (which may assume float32) runs
 * for float32 data, the same method of `other` (the reference) for every other dtype.
 */
export function float32Only<M extends Record<string, DtMethod>>(fast: M, other: { [K in keyof M]: M[K] }): M {
  const out: Record<string, DtMethod> = {};
  for (const name of Object.keys(fast)) {
    const f = fast[name]!;
    const g = other[name]!;
    out[name] = (dt, ...rest) => (dt === 'float32' ? f(dt, ...rest) : g(dt, ...rest));
  }
  return out as unknown as M;
}

/** float32Only for methods that take an op code before the dtype (unary, binary, reduce). */
export function float32OnlyOp<M extends Record<string, OpDtMethod>>(fast: M, other: { [K in keyof M]: M[K] }): M {
  const out: Record<string, OpDtMethod> = {};
  for (const name of Object.keys(fast)) {
    const f = fast[name]!;
    const g = other[name]!;
    out[name] = (op, dt, ...rest) => (dt === 'float32' ? f(op, dt, ...rest) : g(op, dt, ...rest));
  }
  return out as unknown as M;
}
