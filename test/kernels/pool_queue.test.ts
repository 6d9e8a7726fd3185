// The pool's task queue: every task of a dispatch runs exactly once, whichever thread takes it,
// also past the queue's length (several dispatches); THREAD_SCRATCH names the running thread's own
// scratch block.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Heap } from '../../src/kernels/heap.js';
import { loadWasmKernels } from '../../src/kernels/wasm/loader.js';
import { ThreadPool } from '../../src/kernels/pool/pool.js';
import { f32bits, MAX_TASKS, task, THREAD_SCRATCH } from '../../src/kernels/pool/protocol.js';

const heap = new Heap({ shared: true });
const k = loadWasmKernels(heap.memory)!;
const pool = ThreadPool.create(heap, k, k.module, 2);

test('pool: each of more tasks than the queue holds runs exactly once', async () => {
  assert.equal(await pool.ready(), 2);
  const n = 2 * MAX_TASKS + 7;
  const len = 256;
  const base = heap.alloc(n * len * 4);
  const before = pool.workerTasks();
  // each task adds 1 to its own block (unary addScalar in place): a task run twice leaves 2
  const tasks = Array.from({ length: n }, (_, i) => task('unary', 5, base + i * len * 4, base + i * len * 4, len, 1, 0));
  for (let round = 0; round < 200 && pool.workerTasks() === before; round++) {
    heap.f32.fill(0, base / 4, base / 4 + n * len);
    pool.run(tasks);
    const f = heap.f32;
    for (let i = 0; i < n * len; i++) if (f[base / 4 + i] !== 1) assert.fail(`element ${i} (task ${Math.floor(i / len)}) is ${f[base / 4 + i]}, not 1`);
  }
  assert.ok(pool.workerTasks() > before, 'the worker never took a task');
});

test('pool: THREAD_SCRATCH is the running thread\'s scratch block', async () => {
  await pool.ready();
  const scratch = [heap.alloc(64), heap.alloc(64)];
  pool.setScratch(scratch);
  const f = heap.f32;
  for (const s of scratch) f.fill(0, s / 4, s / 4 + 16);
  const other = heap.alloc(64);
  f.fill(0, other / 4, other / 4 + 16);
  pool.run(Array.from({ length: 8 }, () => task('fill32', THREAD_SCRATCH, 16, f32bits(7))));
  const filled = scratch.filter((s) => f[s / 4] === 7 && f[s / 4 + 15] === 7);
  assert.ok(filled.length >= 1, 'no thread wrote its scratch block');
  for (const s of scratch) if (!filled.includes(s)) assert.equal(f[s / 4], 0);
  assert.equal(f[other / 4], 0);
  pool.close();
});
