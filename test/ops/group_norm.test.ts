// groupNorm runs on the fused batch-norm kernels: one tape node, no composed intermediates kept
// for backward, and values against a float64 reference on a larger input than the goldens use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as D from '../../src/index.js';

test('groupNorm is one tape node over (x, weight, bias) and keeps only O(N·C) besides its output', () => {
  const x = D.randn([2, 8, 16, 16, 16], { requiresGrad: true });
  const w = D.randn([8], { requiresGrad: true });
  const b = D.randn([8], { requiresGrad: true });
  D.groupNorm(x, 4, w, b).dispose(); // the first call sets up the kernels' scratch
  const before = D.memoryStats().bytesInUse;
  const y = D.groupNorm(x, 4, w, b);
  const kept = D.memoryStats().bytesInUse - before;
  assert.equal(y.gradFn?.name, 'groupNorm');
  assert.deepEqual(y.gradFn!.inputs, [x, w, b]);
  // the composed version held x − μ, its product with rsqrt(var + eps) and the affine products
  assert.ok(kept < x.numel * 4 + 4096, `kept ${kept} bytes for a ${x.numel * 4}-byte output`);
  y.dispose();
});

test('groupNorm values and gradients match a float64 reference (2 × 6 × 500, 3 groups)', () => {
  const N = 2, C = 6, S = 500, G = 3, Cg = 2, eps = 1e-5;
  const xv = Float64Array.from({ length: N * C * S }, (_, i) => Math.sin(i * 0.7) * (1 + (i % 13)) + 0.3 * (i % 5));
  const wv = [0.5, -1, 2, 1.5, 0.25, -0.75], bv = [0.1, 0.2, -0.3, 0, 1, -1];
  const gv = Float64Array.from({ length: N * C * S }, (_, i) => Math.cos(i * 0.3));
  const x = D.tensor(xv, { dtype: 'float64', requiresGrad: true });
  const w = D.tensor(wv, { dtype: 'float64', requiresGrad: true });
  const b = D.tensor(bv, { dtype: 'float64', requiresGrad: true });
  const y = D.groupNorm(x.reshape(N, C, S), G, w, b, eps);
  y.backward(D.tensor(gv, { dtype: 'float64' }).reshape(N, C, S));
  const yv = y.dataSync(), dx = x.grad!.dataSync(), dw = w.grad!.dataSync(), db = b.grad!.dataSync();
  const wantDw = new Float64Array(C), wantDb = new Float64Array(C);
  const L = Cg * S;
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < G; g++) {
      const o = (n * C + g * Cg) * S;
      let m = 0;
      for (let i = 0; i < L; i++) m += xv[o + i]!;
      m /= L;
      let v = 0;
      for (let i = 0; i < L; i++) v += (xv[o + i]! - m) ** 2;
      const is = 1 / Math.sqrt(v / L + eps);
      let sdh = 0, sdhx = 0;
      for (let i = 0; i < L; i++) {
        const c = g * Cg + Math.floor(i / S);
        const xh = (xv[o + i]! - m) * is;
        const dh = gv[o + i]! * wv[c]!;
        sdh += dh;
        sdhx += dh * xh;
        wantDw[c] += gv[o + i]! * xh;
        wantDb[c] += gv[o + i]!;
        assert.ok(Math.abs(yv[o + i]! - (xh * wv[c]! + bv[c]!)) < 1e-12, `y[${o + i}]`);
      }
      for (let i = 0; i < L; i++) {
        const c = g * Cg + Math.floor(i / S);
        const xh = (xv[o + i]! - m) * is;
        const want = is * (gv[o + i]! * wv[c]! - sdh / L - xh * sdhx / L);
        assert.ok(Math.abs(dx[o + i]! - want) < 1e-11, `dx[${o + i}] = ${dx[o + i]}, want ${want}`);
      }
    }
  }
  for (let c = 0; c < C; c++) {
    assert.ok(Math.abs(dw[c]! - wantDw[c]!) < 1e-10, `dw[${c}]`);
    assert.ok(Math.abs(db[c]! - wantDb[c]!) < 1e-10, `db[${c}]`);
  }
  assert.throws(() => D.groupNorm(x.reshape(N, C, S), G, w, b, Number.NaN), D.ArgumentError);
});

test('groupNorm forward reads nothing back to the host: statistics, weight and bias are expanded to (n, c) on the backend', async () => {
  const { Tensor } = await import('../../src/tensor/tensor.js');
  const x = D.randn([3, 6, 5, 4], { requiresGrad: true });
  const w = D.randn([6], { requiresGrad: true });
  const b = D.randn([6], { requiresGrad: true });
  const proto = Tensor.prototype as unknown as { dataSync: (...a: unknown[]) => unknown; item: (...a: unknown[]) => unknown };
  const { dataSync, item } = proto;
  const fromFn = Tensor.fromFn;
  let reads = 0;
  proto.dataSync = function (this: unknown, ...a: unknown[]) { reads++; return dataSync.apply(this, a); };
  proto.item = function (this: unknown, ...a: unknown[]) { reads++; return item.apply(this, a); };
  (Tensor as unknown as { fromFn: unknown }).fromFn = function (...a: Parameters<typeof fromFn>) { reads++; return fromFn.apply(Tensor, a); };
  let y: D.Tensor;
  try {
    y = D.groupNorm(x, 3, w, b);
  } finally {
    proto.dataSync = dataSync;
    proto.item = item;
    (Tensor as unknown as { fromFn: unknown }).fromFn = fromFn;
  }
  assert.equal(reads, 0, `${reads} host reads or host-built tensors in the forward`);
  // and the values: x̂ per (n, group of 2 channels) times w[c] plus b[c]
  const xv = x.dataSync(), yv = y.dataSync(), wv = w.dataSync(), bv = b.dataSync();
  for (let n = 0; n < 3; n++) {
    for (let g = 0; g < 3; g++) {
      const o = n * 120 + g * 40;
      let m = 0;
      for (let i = 0; i < 40; i++) m += xv[o + i]!;
      m /= 40;
      let v = 0;
      for (let i = 0; i < 40; i++) v += (xv[o + i]! - m) ** 2;
      const is = 1 / Math.sqrt(v / 40 + 1e-5);
      for (let i = 0; i < 40; i++) {
        const c = 2 * g + Math.floor(i / 20);
        const want = (xv[o + i]! - m) * is * wv[c]! + bv[c]!;
        assert.ok(Math.abs(yv[o + i]! - want) <= 2e-5 * (1 + Math.abs(want)), `y[${n}, ${c}, ${i % 20}] ${yv[o + i]} vs ${want}`);
      }
    }
  }
});
