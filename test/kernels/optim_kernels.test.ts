// The fused optimizer kernels (wasm, both builds) against the JS reference: 5 steps of SGD
// (momentum, nesterov, weight decay, maximize) and Adam/AdamW (amsgrad) on odd-sized tensors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setBackend, tensor, optim, Generator, noGrad, type Tensor } from '../../src/index.js';
import { supportedBuilds } from '../../src/kernels/wasm/loader.js';

type Make = (ps: Tensor[]) => optim.Optimizer;
const makers: [string, Make][] = [
  ['sgd momentum', (ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 })],
  ['sgd nesterov maximize', (ps) => new optim.SGD(ps, { lr: 0.05, momentum: 0.8, nesterov: true, maximize: true })],
  ['sgd plain', (ps) => new optim.SGD(ps, { lr: 0.2 })],
  ['adam amsgrad l2', (ps) => new optim.Adam(ps, { lr: 0.01, weightDecay: 0.1, amsgrad: true })],
  ['adamw', (ps) => new optim.AdamW(ps, { lr: 0.01, betas: [0.8, 0.99] })],
];

function run(backendName: string, make: Make): number[][] {
  setBackend(backendName);
  const gen = new Generator(9);
  const sizes = [1, 3, 7, 33];
  const ps = sizes.map((n) => tensor(Float32Array.from({ length: n }, () => gen.normal()), { requiresGrad: true }));
  const opt = make(ps);
  for (let s = 0; s < 5; s++) {
    ps.forEach((p, i) => {
      p.grad = tensor(Float32Array.from({ length: sizes[i]! }, () => gen.normal()));
    });
    noGrad(() => opt.step());
  }
  return ps.map((p) => [...p.dataSync()]);
}

for (const build of supportedBuilds()) {
  for (const [name, make] of makers) {
    test(`wasm-${build} ${name} matches the JS reference`, () => {
      const want = run('js', make);
      const got = run(`wasm-${build}`, make);
      want.forEach((w, k) => w.forEach((v, i) => {
        if (!(Math.abs(v - got[k]![i]!) <= 1e-6 * (1 + Math.abs(v)))) assert.fail(`param ${k}[${i}]: wasm ${got[k]![i]}, js ${v}`);
      }));
    });
  }
}
