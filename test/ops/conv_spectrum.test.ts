// conv2d keeps the FFT spectrum of a weight that needs no gradient (ops/conv_spectrum.ts). Every
// way the weight can change must show in the next output: each call is compared with the
// reference backend, which has no FFT path and no cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend, conv2d, manualSeed, noGrad, randn, setBackend, tensor, type Tensor } from '../../src/index.js';

const wasmAvailable = (): boolean => {
  try {
    setBackend('wasm');
    return true;
  } catch {
    return false;
  } finally {
    setBackend('js');
  }
};

function check(x: Tensor, w: Tensor, b: Tensor, label: string): void {
  setBackend('wasm');
  const got = noGrad(() => conv2d(x, w, b)).dataSync();
  setBackend('js');
  const want = noGrad(() => conv2d(x, w, b)).dataSync();
  assert.equal(got.length, want.length);
  for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= 1e-4 * (1 + Math.abs(want[i]!)), `${label}[${i}]: ${got[i]} vs ${want[i]}`);
}

test('the FFT spectrum of a weight is reused while unchanged and remade after every change', { skip: wasmAvailable() ? false : 'wasm backend unavailable' }, () => {
  manualSeed(5);
  setBackend('wasm');
  assert.ok((backend().rowConvFftLength?.('float32', 1, 16, 400, 10, 25) ?? 0) > 0, 'this shape takes the FFT path');
  const x = randn([1, 1, 400, 10]);
  const w = randn([16, 1, 25, 10]);
  const b = randn([16]);
  check(x, w, b, 'first call');
  check(x, w, b, 'second call (cached spectrum)');
  noGrad(() => w.mul_(-0.5));
  check(x, w, b, 'after mul_');
  noGrad(() => w.narrow(0, 3, 2).fill_(0.125));
  check(x, w, b, 'after writing a view');
  // another weight, then the first again: each keeps its own spectrum
  const w2 = randn([16, 1, 25, 10]);
  check(x, w2, b, 'a second weight');
  check(x, w, b, 'the first weight again');
  // views of one storage at different offsets are different weights
  const big = randn([32, 1, 25, 10]);
  check(x, big.narrow(0, 0, 16), b, 'first half of a storage');
  check(x, big.narrow(0, 16, 16), b, 'second half of the same storage');
  // a weight that needs gradients gets a spectrum per call (and the tape's gradients)
  const wg = tensor(w.dataSync(), { shape: [16, 1, 25, 10], requiresGrad: true });
  check(x, wg, b, 'weight with requiresGrad');
});

test('non-finite inputs or weights leave the FFT path: NaN and inf stay in the windows that contain them', { skip: wasmAvailable() ? false : 'wasm backend unavailable' }, () => {
  manualSeed(6);
  const x = randn([2, 1, 400, 10]);
  const w = randn([16, 1, 25, 10]);
  const b = randn([16]);
  const same = (label: string, xi: Tensor, wi: Tensor): void => {
    setBackend('wasm');
    const got = noGrad(() => conv2d(xi, wi, b)).dataSync();
    setBackend('js');
    const want = noGrad(() => conv2d(xi, wi, b)).dataSync();
    let nonFinite = 0;
    for (let i = 0; i < got.length; i++) {
      const g = got[i]!, v = want[i]!;
      if (!Number.isFinite(v)) {
        nonFinite++;
        assert.ok(Object.is(g, v) || (Number.isNaN(g) && Number.isNaN(v)), `${label}[${i}]: ${g} vs ${v}`);
      } else assert.ok(Math.abs(g - v) <= 1e-4 * (1 + Math.abs(v)), `${label}[${i}]: ${g} vs ${v}`);
    }
    assert.ok(nonFinite > 0 && nonFinite < got.length / 4, `${label}: ${nonFinite} non-finite outputs, expected a few windows' worth`);
  };
  const xd = x.dataSync();
  xd[137 * 10 + 3] = NaN;
  xd[2 * 4000 / 2 + 300 * 10] = Infinity;
  same('NaN and inf in the input', tensor(xd, { shape: [2, 1, 400, 10] }), w);
  // a non-finite weight poisons only its own output channel in the direct product
  const wd = w.dataSync();
  wd[5 * 250 + 17] = -Infinity;
  same('inf in a weight', x, tensor(wd, { shape: [16, 1, 25, 10] }));
});
