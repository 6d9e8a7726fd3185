// The kernel table (src/kernels/wasm/kernels.ts) against the compiled module: every export is
// declared, every declared kernel exported with as many parameters as the table lists, and
// every task round-trips its float arguments through the pool's integer slots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Heap } from '../../src/kernels/heap.js';
import { loadWasmKernels, supportedBuilds } from '../../src/kernels/wasm/loader.js';
import { CONSTANTS, KERNELS, TASKS } from '../../src/kernels/wasm/kernels.js';
import { task, runTask, type TaskKernels } from '../../src/kernels/pool/protocol.js';

for (const build of supportedBuilds()) {
  test(`wasm-${build}: the module's exports are the table's kernels, with the table's parameter counts`, () => {
    const k = loadWasmKernels(new Heap({ shared: false }).memory, build)!;
    const exported = WebAssembly.Module.exports(k.module).map((e) => e.name).sort();
    assert.deepEqual(exported, [...Object.keys(KERNELS), ...CONSTANTS].sort());
    for (const [name, spec] of Object.entries(KERNELS)) {
      assert.equal((k as unknown as Record<string, (...a: number[]) => unknown>)[name]!.length, spec.args.length, name);
    }
  });
}

test('a task carries its arguments to the kernel, float ones exactly', () => {
  const calls: [string, number[]][] = [];
  const spy = new Proxy({}, { get: (_t, name) => (...a: number[]) => calls.push([String(name), a]) }) as TaskKernels;
  const t = task('unary', 3, 64, 128, 5, 0.1, -2.5e-7);
  runTask(spy, t[0]!, Int32Array.from(t), 1);
  const f = (v: number) => Math.fround(v);
  assert.deepEqual(calls, [['unary', [3, 64, 128, 5, f(0.1), f(-2.5e-7)]]]);
  const b = task('batchNormStats', 1, 2, 3, 4, 1e-5, 6, 7, 8, 9);
  runTask(spy, b[0]!, Int32Array.from(b), 1);
  assert.deepEqual(calls[1], ['batchNormStats', [1, 2, 3, 4, f(1e-5), 6, 7, 8, 9]]);
  assert.ok(TASKS.every((name) => 'task' in KERNELS[name]));
});
