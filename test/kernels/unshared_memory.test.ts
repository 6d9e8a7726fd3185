// The wasm kernels over a plain (non-shared) WebAssembly.Memory, as in a browser page served
// without COOP/COEP headers: the modules import a shared memory, and linking them to a plain
// one used to fail with "LinkError: ... mismatch in shared state of memory".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as D from '../../src/index.js';
import { Heap } from '../../src/kernels/heap.js';
import { jsBackend } from '../../src/kernels/js/index.js';
import { wasmBackend } from '../../src/kernels/wasm/index.js';
import { supportedBuilds, unshareMemoryImport } from '../../src/kernels/wasm/loader.js';
import { trainFixture } from '../browser/fixture.js';

for (const build of supportedBuilds()) {
  test(`wasm-${build} runs over a non-shared memory and matches the JS reference`, () => {
    const h = new Heap({ shared: false });
    assert.equal(h.shared, false);
    // one thread asked for: more would (rightly) warn that the memory is not shared
    const threads = D.getNumThreads();
    D.setNumThreads(1);
    const b = wasmBackend(h, build);
    D.setNumThreads(threads);
    assert.ok(b, 'no wasm backend');
    assert.equal(b.threads, 1);
    const js = jsBackend(h);
    // C = A·B, (37, 53) · (53, 29), through both backends on the same heap
    const [M, K, N] = [37, 53, 29];
    const a = h.alloc(M * K * 4) / 4;
    const bb = h.alloc(K * N * 4) / 4;
    const c1 = h.alloc(M * N * 4) / 4;
    const c2 = h.alloc(M * N * 4) / 4;
    for (let i = 0; i < M * K; i++) h.f32[a + i] = Math.sin(i);
    for (let i = 0; i < K * N; i++) h.f32[bb + i] = Math.cos(i * 0.7);
    const ref = (off: number, sr: number) => ({ off, sb: 0, sr, sc: 1 });
    b.matmul('float32', 1, M, N, K, ref(a, K), ref(bb, N), ref(c1, N), 0);
    js.matmul('float32', 1, M, N, K, ref(a, K), ref(bb, N), ref(c2, N), 0);
    for (let i = 0; i < M * N; i++) assert.ok(Math.abs(h.f32[c1 + i]! - h.f32[c2 + i]!) <= 1e-5 * (1 + Math.abs(h.f32[c2 + i]!)), `C[${i}]`);
  });
}

test('unshareMemoryImport clears only the shared flag of the memory import', () => {
  // (module (import "env" "memory" (memory 1 2 shared)))
  const shared = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 2, 16, 1, 3, 101, 110, 118, 6, 109, 101, 109, 111, 114, 121, 2, 3, 1, 2]);
  const plain = unshareMemoryImport(shared);
  assert.deepEqual([...plain], [...shared.slice(0, -3), 1, 1, 2]);
  assert.equal(shared[shared.length - 3], 3, 'the input was modified');
  new WebAssembly.Instance(new WebAssembly.Module(plain), { env: { memory: new WebAssembly.Memory({ initial: 1, maximum: 2 }) } });
  assert.throws(() => unshareMemoryImport(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])), /imports no memory/);
});

test('a page without cross-origin isolation trains on one thread over plain memory, with the same losses', async () => {
  const child = fileURLToPath(new URL('./unshared_child.js', import.meta.url));
  const r = spawnSync(process.execPath, [child], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Awaited<ReturnType<typeof trainFixture>> & { defaultThreads: number };
  assert.equal(out.sharedMemory, false);
  assert.match(out.backend, /^wasm-/);
  assert.equal(out.defaultThreads, 1);
  assert.equal(out.threads, 1);
  assert.equal(out.workerTasks, 0);
  // asking for 4 threads without shared memory says why it runs one
  assert.match(r.stderr, /not shared.*Cross-Origin-Opener-Policy.*one thread/);
  const here = await trainFixture(D, 2);
  assert.equal(here.sharedMemory, true);
  assert.equal(out.backend, here.backend);
  // the same kernels in the same order: identical losses, and they fall
  assert.deepEqual(out.losses, here.losses);
  assert.ok(out.losses.at(-1)! < 0.8 * out.losses[0]!, `losses ${out.losses}`);
});
