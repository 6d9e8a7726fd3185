// Child process of pool_wake.test.ts: a 2-thread pool dispatches many generations while a
// second thread keeps notifying the generation counter, as a caller descheduled between its
// store and its notify does. A worker that re-ran its last generation on such a wake-up signed
// off twice and left the caller waiting forever; this process then never exits.
import { Heap } from '../../src/kernels/heap.js';
import { loadWasmKernels } from '../../src/kernels/wasm/loader.js';
import { ThreadPool } from '../../src/kernels/pool/pool.js';
import { READY, task, threadBase } from '../../src/kernels/pool/protocol.js';

const heap = new Heap({ shared: true });
const k = loadWasmKernels(heap.memory)!;
const pool = ThreadPool.create(heap, k as never, k.module, 2);
const ctl = (pool as unknown as { ctl: Int32Array }).ctl;
const wt = process.getBuiltinModule('node:worker_threads') as typeof import('node:worker_threads');
const noisy = new wt.Worker(
  `const { workerData } = require('node:worker_threads');
   const c = new Int32Array(workerData.memory.buffer, workerData.offset, 2);
   for (;;) { if (Atomics.load(c, 0) < 0) break; Atomics.notify(c, 0); }`,
  { eval: true, workerData: { memory: heap.memory, offset: ctl.byteOffset } },
);
// wait until the worker takes tasks (before that the caller runs everything itself)
while (Atomics.load(ctl, threadBase(1) + READY) !== 1) Atomics.wait(ctl, threadBase(1) + READY, 0, 5);
// two tiny tasks per dispatch (one task alone runs on the caller without a dispatch)
const dst = heap.alloc(64);
const tiny = task('fill32', dst, 4, 0);
for (let i = 0; i < 200_000; i++) pool.run([tiny, tiny]);
pool.close();
await noisy.terminate();
console.log('ok');
