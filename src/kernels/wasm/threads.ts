// How many threads the wasm kernels use, and how work splits over them.

import { ArgumentError } from '../../errors.js';
import { canShareMemory } from '../heap.js';
import { MAX_TASKS } from '../pool/protocol.js';

let numThreads = defaultThreads();

function defaultThreads(): number {
  const p = (globalThis as { process?: { env?: Record<string, string | undefined>; getBuiltinModule?: (id: string) => unknown } }).process;
  const env = Number(p?.env?.['DENDRITE_NUM_THREADS']);
  if (Number.isInteger(env) && env >= 1) return env;
  // without shared memory (a page without cross-origin isolation) workers cannot help
  if (!canShareMemory()) return 1;
  const os = p?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return Math.max(1, Math.min(os?.availableParallelism?.() ?? nav?.hardwareConcurrency ?? 1, 8));
}

/** Threads the wasm kernels use (torch.set_num_threads); the active backend follows from the next op. */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new ArgumentError(`setNumThreads: expected a positive integer, got ${n}`);
  numThreads = n;
}
export function getNumThreads(): number {
  return numThreads;
}

// Below this many multiply-adds a kernel runs on the calling thread: a dispatch costs µs.
export const PARALLEL_MIN_FLOPS = 1 << 19;
// Memory-bound kernels split from this many elements.
export const ELEMENTWISE_MIN = 1 << 16;
// The least work one task of a split gets: a GEMM share of 2^17 multiply-adds takes ~5 µs,
// an elementwise share of 2^14 elements a few µs; below that a task's dispatch shows.
export const TASK_MIN_FLOPS = 1 << 17;
export const TASK_MIN_ELEMENTS = 1 << 14;

// Tasks per thread at most: the threads take them from a queue, so one that starts late or runs
// slower (another process on its core, a sibling hyperthread busy) takes fewer, and the others
// wait at most one task's time at the end instead of a whole share.
export const TASKS_PER_THREAD = 4;
/** The most tasks one split makes for T threads. */
export const maxParts = (T: number): number => Math.min(MAX_TASKS, TASKS_PER_THREAD * T);

/**
 * How many tasks to split `units` (each of `work` multiply-adds or elements) into over T threads:
 * at least T where there are units for it, up to maxParts(T), and none below `minWork`.
 * The result depends on T only through these bounds, never on timing.
 */
export function splitParts(units: number, work: number, T: number, minWork: number): number {
  const byWork = Math.floor((units * work) / minWork);
  return Math.max(1, Math.min(units, maxParts(T), Math.max(T, byWork)));
}

/** Splits [0, n) into `parts` ranges aligned to `align`; empty ranges are dropped. */
export function ranges(n: number, parts: number, align: number): [number, number][] {
  const out: [number, number][] = [];
  const units = Math.ceil(n / align);
  for (let i = 0; i < parts; i++) {
    const a = Math.min(n, Math.floor((units * i) / parts) * align);
    const b = Math.min(n, Math.floor((units * (i + 1)) / parts) * align);
    if (b > a) out.push([a, b]);
  }
  return out;
}
