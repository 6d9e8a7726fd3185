// allFinite on every backend here (the JS reference, the wasm builds, the composition from the
// core): finite values up to float32's largest never count as non-finite (a sum of them would
// overflow), one ±Infinity or NaN anywhere does, in float32 and float64.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registerBackend, setBackend, backend, tensor } from '../../src/index.js';
import { backendNames } from '../../src/kernels/registry.js';
import { heap } from '../../src/kernels/heap.js';
import { jsBackend } from '../../src/kernels/js/index.js';
import { coreOnly } from '../../src/kernels/compose/index.js';
import { supportedBuilds } from '../../src/kernels/wasm/loader.js';

registerBackend('js-core-finite', () => coreOnly(jsBackend(heap()), 'js-core-finite'));
const names = ['js', 'js-core-finite', ...backendNames().filter((n) => n.startsWith('wasm-') && supportedBuilds().includes(n.slice(5) as 'simd' | 'relaxed'))];

for (const name of names) {
  test(`allFinite on ${name}: 3e38s are finite; one inf, -inf or NaN at any position (vector body or tail) is not`, () => {
    setBackend(name);
    try {
      for (const dtype of ['float32', 'float64'] as const) {
        for (const n of [1, 7, 37]) {
          const big = Array.from({ length: n }, (_, i): number => (i % 2 ? -3e38 : 3.4e38));
          const t = tensor(big, { dtype });
          assert.equal(backend().allFinite(dtype, t.offset, n), true, `${dtype} n=${n} near the float32 maximum`);
          t.dispose();
          for (const bad of [Infinity, -Infinity, NaN]) {
            for (const at of [0, Math.floor(n / 2), n - 1]) {
              const v = big.slice();
              v[at] = bad;
              const u = tensor(v, { dtype });
              assert.equal(backend().allFinite(dtype, u.offset, n), false, `${dtype} n=${n} ${bad} at ${at}`);
              // the elements before the bad one alone are all finite
              assert.equal(backend().allFinite(dtype, u.offset, at), true, `${dtype} first ${at}`);
              u.dispose();
            }
          }
        }
      }
      const ints = tensor([1, 2, 3], { dtype: 'int32' });
      assert.equal(backend().allFinite('int32', ints.offset, 3), true);
    } finally {
      setBackend('js');
    }
  });
}
