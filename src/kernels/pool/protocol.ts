// The control block shared by the calling thread and the workers, inside the tensor heap:
// i32 [0] generation (bumped per dispatch; -1 tells workers to exit), [1] pending workers,
// then one 33-slot block per thread: [kernel id, arg0, ..., arg26, tasks done, claimed, failed,
// assigned generation, ready]. A worker runs its block only when `assigned` equals the new generation, so
// a worker that starts late (or failed to start) is never waited for; and only after winning
// `claimed` (−gen → gen, a token naming the generation, so a worker still acting on an older
// generation cannot take a newer task) — the caller, done with its own share, claims the tasks
// no worker has begun and runs them itself, so a worker descheduled by other load costs nothing.

import { TASKS, TASK_FLOATS, type KernelExports, type KernelFn, type TaskName } from '../wasm/kernels.js';

export const GEN = 0;
export const PENDING = 1;
export const SLOTS = 33;
export const taskBase = (thread: number): number => 2 + thread * SLOTS;
/** Tasks this worker has run (counted by the worker), so a caller can tell that threads work. */
export const DONE = SLOTS - 5;
export const CLAIMED = SLOTS - 4;
export const FAILED = SLOTS - 3;
export const ASSIGNED = SLOTS - 2;
export const READY = SLOTS - 1;
export const controlInts = (threads: number): number => 2 + threads * SLOTS;
// every task's arguments fit the slots before `tasks done`
if (TASK_FLOATS.some((f) => f.length > DONE - 1)) throw new Error('kernel pool: a task kernel has more arguments than its slots hold');

/** No task in this slot. Task ids are positions in TASKS (wasm/kernels.ts). */
export const K_NONE = -1;

/** The id of a task kernel. */
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

/** Runs task `k` with integer args on a wasm kernel instance (shared by main thread and workers). */
export function runTask(e: TaskKernels, k: number, a: Int32Array, o: number): void {
  const name = TASKS[k];
  if (name === undefined) return;
  const floats = TASK_FLOATS[k]!;
  const args = new Array<number>(floats.length);
  for (let i = 0; i < floats.length; i++) args[i] = floats[i] ? bitsf32(a[o + i]!) : a[o + i]!;
  (e[name] as (...x: number[]) => void)(...args);
}

/** The task kernels of a module instance. */
export type TaskKernels = Pick<KernelExports, TaskName>;
