// The wasm vector exp, tanh, sigmoid, ELU and log against the JS reference (float64 Math, rounded)
// over ±120, a fine grid near 0, and the edges: overflow to +inf, underflow to 0, NaN, ±0,
// the 0.4 switch-over of the tanh/expm1 series. Tolerance: 5e-7 relative (measured ≤ 1.8e-7).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setBackend, tensor, exp, log, tanh, sigmoid, elu, type Tensor } from '../../src/index.js';

const xs: number[] = [];
for (let i = 0; i < 4000; i++) xs.push((i / 4000 - 0.5) * 240);
for (let i = 0; i < 4000; i++) xs.push((i / 4000 - 0.5) * 2);
for (let i = 0; i < 400; i++) xs.push((i / 400 - 0.5) * 1e-3);
xs.push(0, -0, NaN, Infinity, -Infinity, 88.7, 88.73, 89, -87.3, -87.4, -103, 1e-30, -1e-30, 0.4, -0.4, 0.39999, 20, -20);
const x = Float32Array.from(xs);

/** f over the inputs on the reference backend and on wasm. */
function onBoth(f: (t: Tensor) => Tensor, input: Float32Array): { js: Float32Array; wasm: Float32Array } {
  try {
    setBackend('js');
    const js = Float32Array.from(f(tensor(input)).dataSync());
    setBackend('wasm');
    return { js, wasm: Float32Array.from(f(tensor(input)).dataSync()) };
  } finally {
    setBackend('wasm');
  }
}

for (const [name, f] of [['exp', exp], ['tanh', tanh], ['sigmoid', sigmoid], ['elu', (t: Tensor) => elu(t)]] as const) {
  test(`wasm ${name} is within 5e-7 of the reference over the float32 range`, () => {
    const res = onBoth(f, x);
    for (let i = 0; i < x.length; i++) {
      const a = res.js[i]!, w = res.wasm[i]!;
      if (Number.isNaN(a) || Number.isNaN(w)) {
        assert.ok(Number.isNaN(a) && Number.isNaN(w), `${name}(${x[i]}): js ${a}, wasm ${w}`);
        continue;
      }
      if (a === w) continue;
      // below float32's normal range the reference keeps denormals, the kernel flushes to 0
      if (Math.abs(a) < 1.2e-38 && w === 0) continue;
      assert.ok(Math.abs(a - w) <= 5e-7 * Math.abs(a), `${name}(${x[i]}): js ${a}, wasm ${w}`);
    }
  });
}

test('wasm log is within 2 ulp of the reference from subnormals to the float32 maximum, and keeps its edge values', () => {
  const v: number[] = [];
  for (let i = 0; i < 20000; i++) v.push(Math.exp((i / 20000 - 0.5) * 176));
  for (let i = 0; i < 4000; i++) v.push(0.5 + i / 2000); // around 1 and the √½ switch-over
  v.push(0, -0, -1, -1e-30, NaN, Infinity, -Infinity, 1e-40, 1.17549435e-38, 3.4028234e38, 0.70710677, 0.70710678, 1, 1.0000001, 0.99999994);
  const a32 = Float32Array.from(v);
  const res = onBoth(log, a32);
  for (let i = 0; i < a32.length; i++) {
    const r = res.js[i]!, w = res.wasm[i]!;
    if (Number.isNaN(r) || !Number.isFinite(r) || r === 0) {
      assert.ok(Object.is(r, w), `log(${a32[i]}): js ${r}, wasm ${w}`);
      continue;
    }
    const ulp = Math.abs(Math.fround(Math.abs(r) * (1 + 2 ** -23)) - Math.abs(r));
    assert.ok(Math.abs(r - w) <= 2 * ulp, `log(${a32[i]}): js ${r}, wasm ${w}`);
  }
});
