// Differential test: the wasm SGEMM (both builds) against the JS reference kernel on random
// shapes, including 1-sized, odd and non-multiple-of-4/8 sizes, transposed operands, strided
// outputs, accumulation (beta = 1) and batch reduction (output batch stride 0).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heap } from '../../src/kernels/heap.js';
import { jsBackend } from '../../src/kernels/js/index.js';
import { wasmBackend } from '../../src/kernels/wasm/index.js';
import { supportedBuilds } from '../../src/kernels/wasm/loader.js';
import { Generator } from '../../src/tensor/random.js';
import type { CoreBackend, MatRef } from '../../src/kernels/backend.js';

const h = heap();
const js = jsBackend(h);
const gen = new Generator(42);

function fillRandom(off: number, n: number): void {
  const v = h.f32;
  for (let i = 0; i < n; i++) v[off + i] = gen.random() * 2 - 1;
}

interface Case { batch: number; M: number; N: number; K: number; ta: boolean; tb: boolean; outT: boolean; beta: 0 | 1; reduceBatch: boolean }

function run(b: CoreBackend, c: Case, aOff: number, bOff: number, init: Float32Array): Float32Array {
  const { batch, M, N, K } = c;
  const A: MatRef = c.ta ? { off: aOff, sb: M * K, sr: 1, sc: M } : { off: aOff, sb: M * K, sr: K, sc: 1 };
  const B: MatRef = c.tb ? { off: bOff, sb: K * N, sr: 1, sc: K } : { off: bOff, sb: K * N, sr: N, sc: 1 };
  const outN = (c.reduceBatch ? 1 : batch) * M * N;
  const o = h.alloc(outN * 4) / 4;
  h.f32.set(init, o);
  const out: MatRef = { off: o, sb: c.reduceBatch ? 0 : M * N, sr: c.outT ? 1 : N, sc: c.outT ? M : 1 };
  b.matmul('float32', batch, M, N, K, A, B, out, c.beta);
  const r = h.f32.slice(o, o + outN);
  h.free(o * 4);
  return r;
}

const sizes = [1, 2, 3, 4, 5, 7, 8, 9, 13, 17, 31, 64, 65, 130];
const pick = () => sizes[Math.floor(gen.random() * sizes.length)]!;

for (const build of supportedBuilds()) {
  test(`wasm-${build} sgemm matches the JS reference on 120 random cases`, () => {
    const wasm = wasmBackend(h, build)!;
    for (let t = 0; t < 120; t++) {
      const c: Case = {
        batch: 1 + Math.floor(gen.random() * 3), M: pick(), N: pick(), K: pick(),
        ta: gen.random() < 0.3, tb: gen.random() < 0.3, outT: gen.random() < 0.2,
        beta: gen.random() < 0.3 ? 1 : 0, reduceBatch: gen.random() < 0.2,
      };
      const aOff = h.alloc(c.batch * c.M * c.K * 4) / 4;
      const bOff = h.alloc(c.batch * c.K * c.N * 4) / 4;
      fillRandom(aOff, c.batch * c.M * c.K);
      fillRandom(bOff, c.batch * c.K * c.N);
      const init = Float32Array.from({ length: (c.reduceBatch ? 1 : c.batch) * c.M * c.N }, () => gen.random());
      const want = run(js, c, aOff, bOff, init);
      const got = run(wasm, c, aOff, bOff, init);
      for (let i = 0; i < want.length; i++) {
        const tol = 1e-5 * (c.K * c.batch) + 1e-5 * Math.abs(want[i]!);
        if (!(Math.abs(got[i]! - want[i]!) <= tol)) assert.fail(`case ${JSON.stringify(c)}: element ${i}: wasm ${got[i]}, js ${want[i]}`);
      }
      h.free(aOff * 4);
      h.free(bOff * 4);
    }
  });

  test(`wasm-${build} sgemm crosses its KC/NC/MC blocking correctly (transposed, packed and in-place B)`, () => {
    const wasm = wasmBackend(h, build)!;
    // transposed B; row-major B packed (M > 16); row-major B read in place (M ≤ 16)
    for (const [M, tb] of [[70, true], [70, false], [13, false]] as const) {
      const c: Case = { batch: 1, M, N: 530, K: 300, ta: false, tb, outT: false, beta: 0, reduceBatch: false };
      const aOff = h.alloc(c.M * c.K * 4) / 4;
      const bOff = h.alloc(c.K * c.N * 4) / 4;
      fillRandom(aOff, c.M * c.K);
      fillRandom(bOff, c.K * c.N);
      const init = new Float32Array(c.M * c.N);
      const want = run(js, c, aOff, bOff, init);
      const got = run(wasm, c, aOff, bOff, init);
      let maxErr = 0;
      for (let i = 0; i < want.length; i++) maxErr = Math.max(maxErr, Math.abs(got[i]! - want[i]!));
      assert.ok(maxErr < 1e-4, `M ${M}, transposed B ${tb}: max error ${maxErr}`);
      h.free(aOff * 4);
      h.free(bOff * 4);
    }
  });
}

test('both wasm builds are available in Node 20', () => {
  assert.deepEqual(supportedBuilds().sort(), ['relaxed', 'simd']);
});
