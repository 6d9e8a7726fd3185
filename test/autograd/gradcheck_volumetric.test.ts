// Float64 gradchecks (tape gradients vs central differences) for the volumetric and
// per-sample normalisation ops: 3-D pooling, interpolate, group norm, and the layers built on them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as D from '../../src/index.js';
import { Generator, gradcheck, type Tensor } from '../../src/index.js';

const gen = new Generator(4321);

const rn = (...shape: number[]): Tensor => D.randn(shape, { dtype: 'float64', generator: gen, requiresGrad: true });

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

function gc(name: string, fn: (...xs: Tensor[]) => Tensor, inputs: () => Tensor[]): void {
  test(name, () => {
    assert.equal(gradcheck(fn, inputs()), true);
  });
}

gc('maxPool3d k2', (x) => D.maxPool3d(x, 2), () => [distinct(1, 2, 4, 4, 4)]);
gc('maxPool3d k3 s2 p1 ceil', (x) => D.maxPool3d(x, 3, { stride: 2, padding: 1, ceilMode: true }), () => [distinct(1, 1, 5, 4, 5)]);
gc('maxPool3d dilation 2', (x) => D.maxPool3d(x, [2, 2, 1], { dilation: 2 }), () => [distinct(1, 1, 5, 5, 3)]);
gc('avgPool3d k2', (x) => D.avgPool3d(x, 2), () => [rn(1, 2, 4, 4, 4)]);
gc('avgPool3d k3 s2 p1 exclude pad', (x) => D.avgPool3d(x, 3, { stride: 2, padding: 1, countIncludePad: false }), () => [rn(1, 1, 5, 4, 5)]);
gc('interpolate nearest 3-D', (x) => D.interpolate(x, { scaleFactor: 2 }), () => [rn(1, 1, 2, 3, 2)]);
gc('interpolate linear 1-D', (x) => D.interpolate(x, { size: 7, mode: 'linear' }), () => [rn(2, 2, 4)]);
gc('interpolate bilinear align', (x) => D.interpolate(x, { size: [5, 4], mode: 'bilinear', alignCorners: true }), () => [rn(1, 2, 3, 3)]);
gc('interpolate trilinear', (x) => D.interpolate(x, { size: [3, 5, 4], mode: 'trilinear' }), () => [rn(1, 1, 2, 3, 3)]);
gc('groupNorm with affine', (x, w, b) => D.groupNorm(x, 2, w, b), () => [rn(2, 4, 3, 2), rn(4), rn(4)]);
gc('groupNorm 3-D, one group', (x) => D.groupNorm(x, 1), () => [rn(2, 3, 2, 2, 2)]);
gc('convTranspose1d stride 2, output padding', (x, w, b) => D.convTranspose1d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }), () => [rn(1, 2, 4), rn(2, 3, 3), rn(3)]);
gc('convTranspose2d groups, dilation', (x, w) => D.convTranspose2d(x, w, null, { groups: 2, dilation: 2, stride: [2, 1] }), () => [rn(1, 4, 3, 3), rn(4, 1, 2, 2)]);
gc('convTranspose3d stride 2', (x, w, b) => D.convTranspose3d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }), () => [rn(1, 2, 2, 2, 2), rn(2, 1, 3, 3, 3), rn(1)]);
gc('convTranspose1d outputPadding ≥ stride (dilation 3)', (x, w, b) => D.convTranspose1d(x, w, b, { dilation: 3, outputPadding: 2 }), () => [rn(2, 2, 4), rn(2, 3, 2), rn(3)]);
gc('convTranspose2d outputPadding ≥ stride, groups 2', (x, w) => D.convTranspose2d(x, w, null, { stride: [1, 2], dilation: [2, 3], outputPadding: [1, 2], groups: 2, padding: [1, 0] }), () => [rn(2, 4, 3, 3), rn(4, 2, 2, 2)]);
gc('convTranspose3d dilation 2, groups 2, batch 2, outputPadding ≥ stride', (x, w, b) => D.convTranspose3d(x, w, b, { dilation: 2, groups: 2, outputPadding: [1, 0, 1], padding: [0, 1, 0] }), () => [rn(2, 4, 2, 3, 2), rn(4, 1, 2, 2, 2), rn(2)]);
