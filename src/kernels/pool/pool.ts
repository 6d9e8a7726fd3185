// The thread pool: (threads − 1) workers plus the calling thread, over the shared heap.
// A dispatch writes its tasks into the control block's queue, bumps the generation counter and
// wakes the workers; the caller takes tasks from the queue as they do, then waits for the
// workers still running one (protocol.ts). Workers are
// Node worker threads or browser Web Workers, started from a script embedded as a string (see
// worker_entry.ts), so a bundled or served copy of dendrite needs no worker file beside it.
// Without shared memory (a page without cross-origin isolation) it runs one thread. Workers
// start asynchronously; until one is ready the caller runs its share, and `ready()` waits.

import type { Heap } from '../heap.js';
import { WORKER_SOURCE } from '../wasm/generated/worker_source.js';
import { Backoff } from './backoff.js';
import { ASSIGNED, CLAIMED, controlInts, COUNT, DONE, FAILED, GEN, LINE, MAX_TASKS, NEXT, PENDING, QUEUE_AT, queueBase, READY, runTask, SCRATCH, TASK_INTS, threadBase, type TaskKernels } from './protocol.js';

interface Init {
  dendriteKernelWorker: true;
  memory: WebAssembly.Memory;
  module: WebAssembly.Module;
  control: number;
  ints: number;
  index: number;
}
interface WorkerHandle {
  terminate(): unknown;
}
/** Starts one worker; `onError` reports a worker that failed to start or crashed. */
type Spawn = (init: Init, onError: (message: string) => void) => WorkerHandle;

interface NodeWorker extends WorkerHandle {
  unref(): void;
  on(ev: 'error', f: (e: Error) => void): void;
}
type NodeWorkerCtor = new (code: string, opts: { eval: true; workerData: unknown; name?: string }) => NodeWorker;
interface WebWorker extends WorkerHandle {
  onerror: ((e: { message?: string; preventDefault(): void }) => void) | null;
  postMessage(m: unknown): void;
}
type WebWorkerCtor = new (url: string, opts?: { name?: string }) => WebWorker;

function nodeSpawn(): Spawn | null {
  const wt = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:worker_threads') as
    | { Worker: NodeWorkerCtor }
    | undefined;
  if (!wt) return null;
  return (init, onError) => {
    const w = new wt.Worker(WORKER_SOURCE, { eval: true, workerData: init, name: `dendrite kernels ${init.index}` });
    w.unref(); // idle workers never keep the process alive
    w.on('error', (e) => onError(e.message));
    return w;
  };
}

function webSpawn(): Spawn | null {
  const g = globalThis as { Worker?: WebWorkerCtor; Blob?: typeof Blob; URL?: typeof URL };
  if (typeof g.Worker !== 'function' || typeof g.Blob !== 'function' || typeof g.URL?.createObjectURL !== 'function') return null;
  let url: string | null = null;
  return (init, onError) => {
    url ??= URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
    const w = new g.Worker!(url, { name: `dendrite kernels ${init.index}` });
    w.onerror = (e) => {
      e.preventDefault();
      onError(e.message ?? 'error');
    };
    w.postMessage(init);
    return w;
  };
}

/** Whether this thread may block in Atomics.wait (a browser's main thread may not). */
function canBlock(c: Int32Array): boolean {
  try {
    Atomics.wait(c, PENDING, -1, 0); // the value differs: returns at once where waiting is allowed
    return true;
  } catch {
    return false;
  }
}

function warn(message: string): void {
  (globalThis as { console?: { warn(m: string): void } }).console?.warn(`dendrite: ${message}`);
}

export class ThreadPool {
  readonly threads: number;
  private readonly ctl: Int32Array;
  private readonly workers: WorkerHandle[] = [];
  private readonly failed: boolean[];
  private readonly blocking: boolean;
  /** Goes to the caller alone while workers keep being descheduled mid-task (backoff.ts). */
  readonly backoff = new Backoff();

  private constructor(heap: Heap, private readonly main: TaskKernels, module: WebAssembly.Module, threads: number, spawn: Spawn | null) {
    const ints = controlInts(threads);
    // on a line of its own: tensor data written next to it would bounce the line the workers spin on
    const block = heap.alloc((ints + 2 * LINE) * 4);
    const off = (Math.ceil(block / (LINE * 4)) + 1) * LINE * 4;
    this.ctl = new Int32Array(heap.memory.buffer, off, ints);
    this.ctl.fill(0);
    this.ctl[QUEUE_AT] = queueBase(threads);
    this.blocking = canBlock(this.ctl);
    this.threads = spawn ? threads : 1;
    this.failed = new Array<boolean>(this.threads).fill(false);
    if (spawn) {
      for (let i = 1; i < threads; i++) {
        const init: Init = { dendriteKernelWorker: true, memory: heap.memory, module, control: off, ints, index: i };
        const onError = (m: string): void => {
          this.failed[i] = true;
          warn(`kernel worker ${i} of ${threads - 1} failed: ${m}; the calling thread runs its share`);
        };
        try {
          this.workers.push(spawn(init, onError));
        } catch (e) {
          // e.g. a page whose Content-Security-Policy refuses blob: workers
          onError((e as Error).message);
        }
      }
    }
  }

  /** A pool of `threads` (≥ 1); falls back to 1 (with a warning) where workers or shared memory are missing. */
  static create(heap: Heap, main: TaskKernels, module: WebAssembly.Module, threads: number): ThreadPool {
    let spawn: Spawn | null = null;
    if (threads > 1) {
      spawn = nodeSpawn() ?? webSpawn();
      if (!heap.shared) {
        spawn = null;
        // expected in a browser page without COOP/COEP headers: say it once per pool
        warn(`${threads} threads asked for, but the tensor memory is not shared (a page needs the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp); running on one thread`);
      } else if (spawn === null) warn(`${threads} threads asked for, but this engine has no workers; running on one thread`);
    }
    return new ThreadPool(heap, main, module, threads, spawn);
  }

  /**
   * Resolves once every worker has started (or failed to, or `timeoutMs` passed) with the number
   * of threads taking tasks, the caller included.
   */
  async ready(timeoutMs = 10_000): Promise<number> {
    const t0 = Date.now();
    for (;;) {
      let up = 1;
      let waiting = 0;
      for (let i = 1; i < this.threads; i++) {
        if (Atomics.load(this.ctl, threadBase(i) + READY) === 1) up++;
        else if (!this.failed[i] && i <= this.workers.length) waiting++;
      }
      if (waiting === 0 || Date.now() - t0 > timeoutMs) return up;
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  /** Tasks the worker threads have run so far (the caller's own share not counted). */
  workerTasks(): number {
    let n = 0;
    for (let i = 1; i < this.threads; i++) n += Atomics.load(this.ctl, threadBase(i) + DONE);
    return n;
  }

  /** Each thread's scratch block (byte offsets), which tasks name as THREAD_SCRATCH. */
  setScratch(offsets: readonly number[]): void {
    for (let i = 0; i < this.threads; i++) this.ctl[threadBase(i) + SCRATCH] = offsets[i] ?? 0;
  }

  /**
   * Runs every task (each [kernel id, ...int args]; nulls are skipped), on whichever thread takes
   * it first, and returns when all have finished. A task must not depend on the thread that
   * runs it, except through THREAD_SCRATCH.
   */
  run(tasks: (readonly number[] | null)[]): void {
    const list = tasks.filter((t): t is readonly number[] => t !== null);
    for (let i = 0; i < list.length; i += MAX_TASKS) this.dispatch(list.slice(i, i + MAX_TASKS));
  }

  private dispatch(tasks: (readonly number[])[]): void {
    const c = this.ctl;
    const scratch = c[threadBase(0) + SCRATCH]!;
    const n = tasks.length;
    if (this.workers.length === 0 || n < 2 || !this.backoff.useWorkers()) {
      for (const t of tasks) runTask(this.main, t[0]!, Int32Array.from(t), 1, scratch);
      return;
    }
    const q = c[QUEUE_AT]!;
    for (let i = 0; i < n; i++) {
      const t = tasks[i]!;
      if (t.length > TASK_INTS) throw new Error('ThreadPool: too many task arguments');
      c.set(t, q + i * TASK_INTS);
    }
    const gen = Atomics.load(c, GEN) + 1;
    // no more workers than tasks beyond the caller's first
    const want = Math.min(this.threads, n);
    let assigned = 0;
    for (let i = 1; i < want; i++) {
      const b = threadBase(i);
      if (Atomics.load(c, b + READY) !== 1) continue; // not started (yet)
      // the claim token names the generation: a worker still on an older one cannot join
      c[b + CLAIMED] = -gen;
      c[b + ASSIGNED] = gen;
      assigned++;
    }
    Atomics.store(c, COUNT, n);
    Atomics.store(c, NEXT, 0);
    Atomics.store(c, PENDING, assigned);
    Atomics.store(c, GEN, gen);
    if (assigned > 0) Atomics.notify(c, GEN);
    // a trap in one of the caller's tasks is rethrown only after every worker has signed off,
    // so the next dispatch never meets a worker still busy with this one
    let error: unknown = null;
    const t0 = performance.now();
    let mine = 0;
    try {
      for (let i = Atomics.add(c, NEXT, 1); i < n; i = Atomics.add(c, NEXT, 1)) {
        const t = q + i * TASK_INTS;
        runTask(this.main, c[t]!, c, t + 1, scratch);
        mine++;
      }
    } catch (e) {
      error = e;
    }
    const t1 = performance.now();
    // the queue is empty: workers that have not joined yet (descheduled, or still waking) are not waited for
    for (let i = 1; i < want; i++) {
      const b = threadBase(i);
      if (c[b + ASSIGNED] !== gen || Atomics.compareExchange(c, b + CLAIMED, -gen, gen) !== -gen) continue;
      Atomics.sub(c, PENDING, 1);
    }
    // brief spin, then sleep until the last worker signals
    let spins = 0;
    for (;;) {
      const p = Atomics.load(c, PENDING);
      if (p === 0) break;
      if (spins++ < 100000 || !this.blocking) continue;
      Atomics.wait(c, PENDING, p, 10);
    }
    if (assigned > 0) this.backoff.record(performance.now() - t1, t1 - t0, mine);
    for (let i = 1; i < this.threads; i++) {
      if (Atomics.load(c, threadBase(i) + FAILED) === 1) {
        Atomics.store(c, threadBase(i) + FAILED, 0);
        error ??= new Error(`dendrite kernel worker ${i}: a task kernel trapped`);
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
