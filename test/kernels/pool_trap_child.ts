// Child process of pool_wake.test.ts: a kernel that traps, on a worker or on the caller, makes
// ThreadPool.run throw once every thread has signed off — and the pool keeps working after it.
import { Heap } from '../../src/kernels/heap.js';
import { loadWasmKernels } from '../../src/kernels/wasm/loader.js';
import { ThreadPool } from '../../src/kernels/pool/pool.js';
import { READY, task, threadBase } from '../../src/kernels/pool/protocol.js';

const heap = new Heap({ shared: true });
const k = loadWasmKernels(heap.memory)!;
const pool = ThreadPool.create(heap, k, k.module, 2);
const ctl = (pool as unknown as { ctl: Int32Array }).ctl;
while (Atomics.load(ctl, threadBase(1) + READY) !== 1) Atomics.wait(ctl, threadBase(1) + READY, 0, 5);
const bad = task('unary', 0, 0x7ffffff0, 0x7ffffff0, 64, 0, 0); // reads far past the memory: a trap
const src = heap.alloc(64 * 4), dst = heap.alloc(64 * 4);
const good = task('unary', 0, src, dst, 64, 0, 0);
const outcomes: string[] = [];
for (const tasks of [[good, bad], [bad, good], [bad, bad]]) {
  try {
    pool.run(tasks);
    outcomes.push('no error');
  } catch (e) {
    outcomes.push((e as Error).message.includes('trapped') ? 'worker trap' : 'caller trap');
  }
  for (let i = 0; i < 2000; i++) pool.run([good, good]); // still dispatching, no hang
}
pool.close();
console.log(JSON.stringify(outcomes));
