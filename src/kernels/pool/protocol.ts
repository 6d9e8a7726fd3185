// The control block shared by the calling thread and the workers, inside the tensor heap (i32
// slots; the lines written by different threads are 64 bytes apart, so no two threads write one
// cache line): [0] generation (bumped per dispatch; -1 tells workers to exit); then pending
// workers, the next queue index and the queue's length; then one block per thread: [tasks done,
// claimed, failed, assigned generation, ready, scratch]; then the task queue, TASK_INTS per task
// ([kernel id, args...]).
// A dispatch fills the queue, marks the workers it wants with `assigned` = the new generation and
// bumps the generation. Every thread, the caller included, then takes tasks from the queue one at
// a time (an atomic add on the next index) until it is empty, so a thread that starts late or is
// slowed by other load takes fewer tasks instead of holding the others up. A worker joins only
// after winning `claimed` (−gen → gen, a token naming the generation, so a worker still acting on
// an older one cannot join a newer one); the caller, once the queue is empty, takes the tokens
// of the workers that have not joined, so a worker descheduled by other load is never waited for.

import { TASKS, TASK_FLOATS, type KernelExports, type KernelFn, type TaskName } from '../wasm/kernels.js';

export const GEN = 0;
export const PENDING = 16;
export const NEXT = 17;
export const COUNT = 18;
/** The queue's first slot (an i32 index), written once when the pool is made. */
export const QUEUE_AT = 19;
export const LINE = 16;
const HEAD = 2 * LINE;
/** The start of thread `thread`'s block (the caller is thread 0). */
export const threadBase = (thread: number): number => HEAD + thread * LINE;
/** Tasks this thread has run (counted by workers), so a caller can tell that threads work. */
export const DONE = 0;
export const CLAIMED = 1;
export const FAILED = 2;
export const ASSIGNED = 3;
export const READY = 4;
/** The byte offset of this thread's own scratch block (see THREAD_SCRATCH). */
export const SCRATCH = 5;
/** Slots per queued task: the kernel id and its arguments. */
export const TASK_INTS = 32;
/** Tasks one dispatch queues at most; a longer list runs in several dispatches. */
export const MAX_TASKS = 64;
export const queueBase = (threads: number): number => threadBase(threads);
export const controlInts = (threads: number): number => queueBase(threads) + MAX_TASKS * TASK_INTS;
// every task's arguments fit its slots
if (TASK_FLOATS.some((f) => f.length > TASK_INTS - 1)) throw new Error('kernel pool: a task kernel has more arguments than its slots hold');

/**
 * An integer argument that stands for the scratch block of whichever thread runs the task (tasks
 * are taken from a shared queue, so their creator cannot know which thread that will be).
 */
export const THREAD_SCRATCH = -0x5c5c5c5c;

/** The id of a task kernel: its position in TASKS (wasm/kernels.ts). */
export function taskId(name: TaskName): number {
  return TASKS.indexOf(name);
}

// float arguments travel as the bit patterns of float32 values
const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);
export function f32bits(v: number): number {
  f32[0] = v;
  return i32[0]!;
}
function bitsf32(b: number): number {
  i32[0] = b;
  return f32[0]!;
}

/**
 * A task for ThreadPool.run: the kernel's id, then its arguments (float ones as float32 bits).
 */
export function task<K extends TaskName>(name: K, ...args: Parameters<KernelFn<K>>): number[] {
  const id = taskId(name);
  const floats = TASK_FLOATS[id]!;
  const out = [id];
  for (let i = 0; i < args.length; i++) out.push(floats[i] ? f32bits(args[i]!) : args[i]!);
  return out;
}

/**
 * Runs task `k` with integer args a[o...] on a wasm kernel instance (shared by the main thread
 * and the workers); THREAD_SCRATCH arguments become `scratch`, the running thread's own block.
 */
export function runTask(e: TaskKernels, k: number, a: Int32Array, o: number, scratch = 0): void {
  const name = TASKS[k];
  if (name === undefined) return;
  const floats = TASK_FLOATS[k]!;
  const args = new Array<number>(floats.length);
  for (let i = 0; i < floats.length; i++) {
    const v = a[o + i]!;
    args[i] = floats[i] ? bitsf32(v) : v === THREAD_SCRATCH ? scratch : v;
  }
  (e[name] as (...x: number[]) => void)(...args);
}

/** The task kernels of a module instance. */
export type TaskKernels = Pick<KernelExports, TaskName>;
