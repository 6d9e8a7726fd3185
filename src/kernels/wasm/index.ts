// The wasm SIMD backend: the primitives it has fast kernels for run in wasm over the shared
// heap; everything else (and every non-float32 dtype) falls through to the JS reference.

import type { Backend } from '../backend.js';
import type { Heap } from '../heap.js';
import { jsBackend } from '../js/index.js';
import { loadWasmKernels } from './loader.js';

export function wasmBackend(h: Heap, build?: 'simd' | 'relaxed'): Backend | null {
  const k = loadWasmKernels(h.memory, build);
  if (k === null) return null;
  const js = jsBackend(h);
  // GEMM packing buffers, held for the backend's lifetime
  const scratch = h.alloc(((k.MC + k.NC) * k.KC + 32) * 4);
  return {
    ...js,
    name: `wasm-${k.build}`,
    matmul(dt, batch, M, N, K, a, b, out, beta) {
      if (dt !== 'float32') return js.matmul(dt, batch, M, N, K, a, b, out, beta);
      k.sgemm(batch, M, N, K, a.off * 4, a.sb, a.sr, a.sc, b.off * 4, b.sb, b.sr, b.sc, out.off * 4, out.sb, out.sr, out.sc, beta, scratch);
    },
  };
}
