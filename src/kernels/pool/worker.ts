// A kernel worker: instantiates the wasm kernels over the shared heap and takes tasks from each
// dispatch's queue until it is empty. It spins on the generation counter for up to SPIN_MS after
// its last task (dispatch costs ~1 µs that way), then sleeps in Atomics.wait so idle workers do
// not steal the cores. The spin is long enough to bridge the gaps between the ops of a forward
// pass: waking a sleeping worker took 100-500 µs on a shared 2-vCPU machine, more than a
// batch-1 GEMM's share (OpenMP runtimes spin in the same way before sleeping). A worker that
// wakes late finds the queue emptied by the others and signs off at once.
// Spinning only pays while the worker has a core to itself. Where the cores are oversubscribed
// (other processes; and Linux's autogroup scheduling makes the threads of one session share one
// weight, so a spinning worker takes its time from the caller), the spin is interrupted by the
// scheduler: a gap in the clock between two reads. The worker then sleeps at once, and spins
// half as long next time (down to MIN_SPIN_MS); each spin that ends in a task undisturbed
// doubles it back up to SPIN_MS.
// worker_entry.ts starts it in a Node worker thread or a browser Web Worker.

import { runTask, ASSIGNED, CLAIMED, COUNT, DONE, FAILED, GEN, NEXT, PENDING, QUEUE_AT, READY, SCRATCH, TASK_INTS, threadBase, type TaskKernels } from './protocol.js';

export interface Init {
  dendriteKernelWorker: true;
  memory: WebAssembly.Memory;
  module: WebAssembly.Module;
  control: number; // byte offset of the control block
  ints: number;
  index: number; // this worker's thread index (the caller is 0)
}

const SPIN_MS = 2;
const MIN_SPIN_MS = 0.05;
// a gap this long between two clock reads (normally ~2 µs apart) means the thread was descheduled
const PREEMPTED_MS = 0.2;

export function workerMain(init: Init): void {
  const inst = new WebAssembly.Instance(init.module, { env: { memory: init.memory, abort: () => { throw new Error('wasm kernel abort'); } } });
  const e = inst.exports as unknown as TaskKernels;
  const ctl = new Int32Array(init.memory.buffer, init.control, init.ints);
  const base = threadBase(init.index);
  let gen = Atomics.load(ctl, GEN);
  Atomics.store(ctl, base + READY, 1);
  let spinMs = SPIN_MS;
  for (;;) {
    const t0 = performance.now();
    let last = t0;
    let spins = 0;
    let preempted = false;
    // the clock is read every 1024 spins: a load and compare cost ~1 ns, performance.now() ~30
    while (Atomics.load(ctl, GEN) === gen) {
      if ((++spins & 1023) !== 0) continue;
      const now = performance.now();
      if (now - last > PREEMPTED_MS) {
        preempted = true;
        break;
      }
      if (now - t0 >= spinMs) break;
      last = now;
    }
    if (preempted) spinMs = Math.max(MIN_SPIN_MS, spinMs / 2);
    else if (Atomics.load(ctl, GEN) !== gen) spinMs = Math.min(SPIN_MS, spinMs * 2);
    if (Atomics.load(ctl, GEN) === gen) Atomics.wait(ctl, GEN, gen);
    const next = Atomics.load(ctl, GEN);
    // A wake-up with no new generation is late or spurious: the caller's notify for a
    // generation this worker already ran (it saw the counter while spinning, before the
    // notify). Joining it again would sign off twice and leave the caller waiting forever.
    if (next === gen) continue;
    gen = next;
    if (gen < 0) return;
    if (Atomics.load(ctl, base + ASSIGNED) !== gen) continue;
    // join this generation (-gen → gen); the caller may have closed it to this worker already
    if (Atomics.compareExchange(ctl, base + CLAIMED, -gen, gen) !== -gen) continue;
    const n = Atomics.load(ctl, COUNT);
    const q = ctl[QUEUE_AT]!;
    const scratch = ctl[base + SCRATCH]!;
    try {
      for (let i = Atomics.add(ctl, NEXT, 1); i < n; i = Atomics.add(ctl, NEXT, 1)) {
        const t = q + i * TASK_INTS;
        runTask(e, ctl[t]!, ctl, t + 1, scratch);
        Atomics.add(ctl, base + DONE, 1);
      }
    } catch {
      // a trapped kernel must not leave the caller waiting: flag it, then sign off as usual
      Atomics.store(ctl, base + FAILED, 1);
    }
    if (Atomics.sub(ctl, PENDING, 1) === 1) Atomics.notify(ctl, PENDING);
  }
}
