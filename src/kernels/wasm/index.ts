// The wasm SIMD backend: the primitives it has fast kernels for run in wasm over the shared
// heap, split over a pool of worker threads; everything else (and every non-float32 dtype)
// runs in the JS reference. The bindings are grouped by what they bind (bind_*.ts); the
// kernels themselves are declared in kernels.ts.

import type { BackendImpl } from '../backend.js';
import type { Heap } from '../heap.js';
import { jsBackend } from '../js/index.js';
import { ThreadPool } from '../pool/pool.js';
import { gemmAndWindows, rowConvFft } from './bind_conv.js';
import { conv3dPaths } from './bind_conv3d.js';
import { elementwise, fill } from './bind_elementwise.js';
import { fused } from './bind_fused.js';
import { pooling } from './bind_pool.js';
import { float32Only, float32OnlyOp, wasmContext } from './context.js';
import { loadWasmKernels } from './loader.js';
import { getNumThreads } from './threads.js';

export { getNumThreads, setNumThreads } from './threads.js';

export function wasmBackend(h: Heap, build?: 'simd' | 'relaxed'): BackendImpl | null {
  const k = loadWasmKernels(h.memory, build);
  if (k === null) return null;
  const js = jsBackend(h);
  const pool = ThreadPool.create(h, k, k.module, getNumThreads());
  const c = wasmContext(h, k, pool);
  const { opFirst, layout } = elementwise(c, js);
  return {
    ...js,
    name: `wasm-${k.build}`,
    threads: c.T,
    ready: () => pool.ready(),
    workerTasks: () => pool.workerTasks(),
    fill: fill(c, js),
    ...float32OnlyOp(opFirst, js),
    ...float32Only({ ...layout, ...gemmAndWindows(c), ...pooling(c), ...fused(c), ...conv3dPaths(c) }, js),
    ...rowConvFft(c),
  };
}
