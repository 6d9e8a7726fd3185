// interpolate resamples each axis through its 1 or 2 taps (O(output) work and memory): a long axis
// that an (in × out) matrix could not hold, checked against the taps computed here in float64,
// forward and backward. PyTorch's values are in test/golden_ops/volumetric.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as D from '../../src/index.js';

/** PyTorch's linear source coordinate for output o (float64). */
function src(o: number, inS: number, outS: number, align: boolean): number {
  return align ? (outS > 1 ? (o * (inS - 1)) / (outS - 1) : 0) : Math.max((o + 0.5) * (inS / outS) - 0.5, 0);
}

test('interpolate: a 100 000 → 200 000 linear axis (an (in × out) matrix would hold 2·10^10 weights), values and input gradient', () => {
  const inS = 100_000, outS = 200_000;
  const xs = Float64Array.from({ length: 2 * inS }, (_, i) => Math.sin(i * 0.37) + (i % 11) * 0.1);
  for (const align of [false, true]) {
    const x = D.tensor(xs, { dtype: 'float64', requiresGrad: true });
    const y = D.interpolate(x.reshape(1, 2, inS), { size: outS, mode: 'linear', alignCorners: align });
    assert.deepEqual(y.shape, [1, 2, outS]);
    // upstream gradient g[c, o] = o mod 7 − 3: dx[i] = Σ_o g[o]·weight(o → i)
    const gv = Float64Array.from({ length: 2 * outS }, (_, i) => ((i % outS) % 7) - 3);
    y.backward(D.tensor(gv, { dtype: 'float64' }).reshape(1, 2, outS));
    const yv = y.dataSync();
    const dx = x.grad!.dataSync();
    const want = new Float64Array(2 * outS);
    const wantDx = new Float64Array(2 * inS);
    for (let c = 0; c < 2; c++) {
      for (let o = 0; o < outS; o++) {
        const s = src(o, inS, outS, align);
        const a = Math.min(Math.floor(s), inS - 1), b = Math.min(a + 1, inS - 1), l = s - a;
        want[c * outS + o] = xs[c * inS + a]! * (1 - l) + xs[c * inS + b]! * l;
        wantDx[c * inS + a] += gv[c * outS + o]! * (1 - l);
        wantDx[c * inS + b] += gv[c * outS + o]! * l;
      }
    }
    for (let i = 0; i < want.length; i++) if (Math.abs(yv[i]! - want[i]!) > 1e-12) assert.fail(`align ${align}: y[${i}] = ${yv[i]}, want ${want[i]}`);
    for (let i = 0; i < wantDx.length; i++) if (Math.abs(dx[i]! - wantDx[i]!) > 1e-9) assert.fail(`align ${align}: dx[${i}] = ${dx[i]}, want ${wantDx[i]}`);
  }
});

test('interpolate: nearest on a 256 → 512 axis of a 3-D volume picks rows floor(o/2); trilinear 16³ → 256 × 32 × 24 keeps memory O(output)', () => {
  const x = D.arange(2 * 256, undefined, 1, { dtype: 'float32' }).reshape(1, 1, 2, 1, 256);
  const y = D.interpolate(x, { size: [2, 1, 512], mode: 'nearest' });
  const v = y.dataSync();
  for (let i = 0; i < 1024; i++) assert.equal(v[i], (i >= 512 ? 256 : 0) + Math.floor((i % 512) / 2));
  // without a graph each axis frees its temporaries: what stays is the output (and the input)
  const vol = D.randn([1, 2, 16, 16, 16]);
  const before = D.memoryStats().bytesInUse;
  const z = D.noGrad(() => D.interpolate(vol, { size: [256, 32, 24], mode: 'trilinear' }));
  const outBytes = z.numel * 4;
  const kept = D.memoryStats().bytesInUse - before;
  assert.ok(kept >= outBytes && kept < 1.5 * outBytes, `kept ${kept} bytes for a ${outBytes}-byte output`);
  z.dispose();
});

test('interpolate: an Inf sample stays local (the exact two-tap path) and the finite channel matches the banded path, values and gradient', () => {
  const L = 40;
  const base = Array.from({ length: L }, (_, i) => Math.cos(i * 0.5));
  const withInf = base.map((v, i) => (i === 17 ? Infinity : v));
  for (const mode of ['linear', 'nearest'] as const) {
    const x = D.tensor([...base, ...withInf], { dtype: 'float64', requiresGrad: true });
    const y = D.interpolate(x.reshape(1, 2, L), { size: 3 * L + 1, mode });
    const x0 = D.tensor(base, { dtype: 'float64', requiresGrad: true });
    const y0 = D.interpolate(x0.reshape(1, 1, L), { size: 3 * L + 1, mode });
    const yv = y.dataSync(), y0v = y0.dataSync();
    for (let j = 0; j < y0v.length; j++) assert.ok(Math.abs(yv[j]! - y0v[j]!) < 1e-12, `${mode}: y[0, ${j}]`);
    // channel 1: outputs whose taps do not reach sample 17 are finite
    const m = 3 * L + 1;
    for (let j = 0; j < m; j++) {
      const src = mode === 'nearest' ? Math.floor((j * L) / m) : Math.max((j + 0.5) * (L / m) - 0.5, 0);
      if (Math.floor(src) + 1 < 17 || Math.floor(src) > 17) assert.ok(Number.isFinite(yv[m + j]!), `${mode}: y[1, ${j}] = ${yv[m + j]}`);
    }
    const g = Float64Array.from({ length: 2 * m }, (_, i) => (i % 5) - 2);
    y.backward(D.tensor(g, { dtype: 'float64' }).reshape(1, 2, m));
    y0.backward(D.tensor(g.subarray(0, m), { dtype: 'float64' }).reshape(1, 1, m));
    const gx = x.grad!.dataSync(), gx0 = x0.grad!.dataSync();
    for (let i = 0; i < L; i++) assert.ok(Math.abs(gx[i]! - gx0[i]!) < 1e-12, `${mode}: dx[0, ${i}] ${gx[i]} vs ${gx0[i]}`);
  }
});

test('interpolate: samples near 3e38 (whose sum overflows) still take the banded path; an infinite one takes the per-tap path', () => {
  const xs = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? -3e38 : 3e38) * (0.5 + (i % 5) * 0.1));
  const x = D.tensor(xs, { requiresGrad: true });
  const y = D.interpolate(x.reshape(1, 1, 40), { size: 97, mode: 'linear' });
  assert.equal(y.gradFn?.name, 'interpolate', 'large finite samples were sent to the slow path');
  const v = y.dataSync();
  for (let o = 0; o < 97; o++) {
    const s = src(o, 40, 97, false);
    const i0 = Math.floor(s), i1 = Math.min(i0 + 1, 39), l = s - i0;
    const want = Math.fround(xs[i0]!) * (1 - l) + Math.fround(xs[i1]!) * l;
    assert.ok(Number.isFinite(v[o]!) && Math.abs(v[o]! - want) <= 2e-7 * Math.abs(xs[i0]!) + 2e-7 * Math.abs(xs[i1]!), `y[${o}] = ${v[o]} want ${want}`);
  }
  const xi = xs.slice();
  xi[10] = Infinity;
  const yi = D.interpolate(D.tensor(xi, { requiresGrad: true }).reshape(1, 1, 40), { size: 97, mode: 'linear' });
  assert.notEqual(yi.gradFn?.name, 'interpolate');
  // the infinity stays within the outputs whose taps reach sample 10
  const vi = yi.dataSync();
  assert.ok(Number.isFinite(vi[0]!) && Number.isFinite(vi[96]!));
});
