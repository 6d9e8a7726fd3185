// Float64 gradchecks for adaptive max pooling (1-D, 2-D, overlapping and widening windows) and
// avg_pool2d with divisorOverride.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as D from '../../src/index.js';
import { Generator, gradcheck, type Tensor } from '../../src/index.js';

const gen = new Generator(977);

/** Distinct values spaced ≥ 0.05 apart in random order: no max ties, so max pooling is differentiable. */
function distinct(...shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const order = D.rand([n], { dtype: 'float64', generator: gen }).dataSync();
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => order[a]! - order[b]!);
  const v = new Float64Array(n);
  idx.forEach((j, r) => { v[j] = 0.05 * r - 0.025 * n; });
  const x = D.tensor(v, { shape, dtype: 'float64' });
  x.requiresGrad = true;
  return x;
}

const rn = (...shape: number[]): Tensor => D.randn(shape, { dtype: 'float64', generator: gen, requiresGrad: true });

function gc(name: string, fn: (...xs: Tensor[]) => Tensor, inputs: () => Tensor[]): void {
  test(name, () => assert.equal(gradcheck(fn, inputs()), true));
}

gc('adaptiveMaxPool2d 7x9 -> 3x4 (overlapping windows)', (x) => D.adaptiveMaxPool2d(x, [3, 4]), () => [distinct(2, 2, 7, 9)]);
gc('adaptiveMaxPool2d 3x5 -> 5x7 (windows repeat inputs)', (x) => D.adaptiveMaxPool2d(x, [5, 7]), () => [distinct(1, 2, 3, 5)]);
gc('adaptiveMaxPool2d (C, H, W) global', (x) => D.adaptiveMaxPool2d(x, 1), () => [distinct(3, 4, 5)]);
gc('adaptiveMaxPool1d 10 -> 3', (x) => D.adaptiveMaxPool1d(x, 3), () => [distinct(2, 3, 10)]);
gc('avgPool2d divisorOverride 5, k3 s2 p1 ceil', (x) => D.avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, divisorOverride: 5 }), () => [rn(1, 2, 6, 7)]);
