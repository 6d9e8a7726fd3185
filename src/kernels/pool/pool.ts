// The thread pool: (threads − 1) workers plus the calling thread, over the shared heap.
// A dispatch writes one task per thread into the control block, bumps the generation counter
// and wakes the workers; the caller runs task 0 itself, then waits for the rest. Node only
// for now (worker_threads); elsewhere, or without SharedArrayBuffer, it runs one thread.

import type { Heap } from '../heap.js';
import { ASSIGNED, CLAIMED, controlInts, FAILED, GEN, K_NONE, PENDING, READY, runTask, taskBase, type TaskKernels } from './protocol.js';

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
  on(ev: 'error', f: (e: Error) => void): void;
}
type WorkerCtor = new (url: URL, opts: { workerData: unknown }) => NodeWorker;

export class ThreadPool {
  readonly threads: number;
  private readonly ctl: Int32Array;
  private readonly workers: NodeWorker[] = [];

  private constructor(heap: Heap, private readonly main: TaskKernels, module: WebAssembly.Module, threads: number, W: WorkerCtor | null) {
    const ints = controlInts(threads);
    const off = heap.alloc(ints * 4);
    this.ctl = new Int32Array(heap.memory.buffer, off, ints);
    this.ctl.fill(0);
    this.threads = W ? threads : 1;
    if (W) {
      for (let i = 1; i < threads; i++) {
        const w = new W(new URL('./worker.js', import.meta.url), {
          workerData: { dendriteKernelWorker: true, memory: heap.memory, module, control: off, ints, index: i },
        });
        w.unref(); // idle workers never keep the process alive
        w.on('error', (e) => process.stderr.write(`dendrite kernel worker ${i}: ${e.message}\n`));
        this.workers.push(w);
      }
    }
  }

  /** A pool of `threads` (≥ 1); falls back to 1 where workers or shared memory are missing. */
  static create(heap: Heap, main: TaskKernels, module: WebAssembly.Module, threads: number): ThreadPool {
    const shared = typeof SharedArrayBuffer !== 'undefined' && heap.memory.buffer instanceof SharedArrayBuffer;
    const wt = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:worker_threads') as
      | { Worker: WorkerCtor }
      | undefined;
    return new ThreadPool(heap, main, module, threads, threads > 1 && shared && wt ? wt.Worker : null);
  }

  /**
   * Runs tasks[i] on thread i (tasks[0] on the caller). Each task is [kernel id, ...int args];
   * missing tasks leave their thread idle. Returns when all have finished.
   */
  run(tasks: (readonly number[] | null)[]): void {
    const c = this.ctl;
    if (this.workers.length === 0) {
      for (const t of tasks) if (t) runTask(this.main, t[0]!, Int32Array.from(t), 1);
      return;
    }
    const gen = Atomics.load(c, GEN) + 1;
    const leftover: (readonly number[])[] = [];
    let assigned = 0;
    for (let i = 1; i < this.threads; i++) {
      const b = taskBase(i);
      const t = tasks[i] ?? null;
      if (Atomics.load(c, b + READY) !== 1) {
        // not started (yet): the caller takes its task
        if (t) leftover.push(t);
        continue;
      }
      if (t) {
        if (t.length > CLAIMED) throw new Error('ThreadPool: too many task arguments');
        c.set(t, b);
      } else c[b] = K_NONE;
      // the claim token names the generation: a worker still on an older one cannot take it
      c[b + CLAIMED] = -gen;
      c[b + ASSIGNED] = gen;
      assigned++;
    }
    for (let i = this.threads; i < tasks.length; i++) if (tasks[i]) leftover.push(tasks[i]!);
    Atomics.store(c, PENDING, assigned);
    Atomics.store(c, GEN, gen);
    Atomics.notify(c, GEN);
    const t0 = tasks[0];
    const b0 = taskBase(0);
    // a trap in the caller's share is rethrown only after every worker has signed off, so the
    // next dispatch never meets a worker still busy with this one
    let error: unknown = null;
    try {
      for (const t of t0 ? [t0, ...leftover] : leftover) {
        c.set(t, b0);
        runTask(this.main, t[0]!, c, b0 + 1);
      }
    } catch (e) {
      error = e;
    }
    // tasks no worker has begun yet (descheduled, or still waking): the caller runs them
    for (let i = 1; i < this.threads; i++) {
      const b = taskBase(i);
      if (c[b + ASSIGNED] !== gen || Atomics.compareExchange(c, b + CLAIMED, -gen, gen) !== -gen) continue;
      try {
        if (error === null && c[b] !== K_NONE) runTask(this.main, c[b]!, c, b + 1);
      } catch (e) {
        error = e;
      }
      Atomics.sub(c, PENDING, 1);
    }
    // brief spin, then sleep until the last worker signals
    let spins = 0;
    for (;;) {
      const p = Atomics.load(c, PENDING);
      if (p === 0) break;
      if (spins++ < 100000) continue;
      Atomics.wait(c, PENDING, p, 10);
    }
    for (let i = 1; i < this.threads; i++) {
      if (Atomics.load(c, taskBase(i) + FAILED) === 1) {
        Atomics.store(c, taskBase(i) + FAILED, 0);
        error ??= new Error(`dendrite kernel worker ${i}: kernel ${tasks[i]?.[0]} trapped`);
      }
    }
    if (error !== null) throw error;
  }

  /** Stops the workers. */
  close(): void {
    Atomics.store(this.ctl, GEN, -1);
    Atomics.notify(this.ctl, GEN);
    for (const w of this.workers) void w.terminate();
    this.workers.length = 0;
  }
}
