// conv3d against PyTorch (test/golden/conv3d/conv3d.json from scripts/golden/conv3d_reference.py:
// values and the gradients of input, weight and bias) on every backend; the wasm kernel against
// the JS reference on odd shapes and thread splits; float64 gradchecks; nn.Conv3d's defaults;
// typed errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { conv3d, gradcheck, manualSeed, nn, noGrad, randn, tensor, setNumThreads, getNumThreads, type Conv3dOptions, type Tensor } from '../../src/index.js';
import { heap } from '../../src/kernels/heap.js';
import { ArgumentError, DTypeError, ShapeError } from '../../src/errors.js';
import { goldenBackends, onBackend } from '../golden_ops/helpers.js';

interface Arr { shape: number[]; data: number[] }
interface Case {
  name: string; opts: Conv3dOptions; x: Arr; w: Arr; b?: Arr; up: Arr; y: Arr; dx: number[]; dw: number[]; db?: number[];
}
const golden = JSON.parse(readFileSync('test/golden/conv3d/conv3d.json', 'utf8')) as { cases: Case[] };

/** Largest |a − b| / (1 + |b|): float32 sums of up to a few hundred terms stay near 1e-6. */
function maxErr(a: ArrayLike<number>, b: ArrayLike<number>, what: string): number {
  assert.equal(a.length, b.length, `${what}: length`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!));
    if (!(e <= m)) m = Number.isNaN(e) ? Infinity : e;
  }
  return m;
}

/** max |a − b| relative to max |b|: for long float32 sums, whose order differs between kernels. */
function closeScaled(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  let m = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    m = Number.isNaN(d) ? Infinity : Math.max(m, d);
    s = Math.max(s, Math.abs(b[i]!));
  }
  assert.ok(m <= tol * s, `${what}: max error ${m.toExponential(2)} > ${tol} × ${s.toPrecision(3)}`);
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  const e = maxErr(a, b, what);
  assert.ok(e <= tol, `${what}: max relative error ${e.toExponential(2)} > ${tol}`);
}

for (const be of goldenBackends()) {
  for (const c of golden.cases) {
    test(`conv3d ${c.name} equals PyTorch (values, input/weight/bias gradients)${be.suffix}`, () => onBackend(be.name, () => {
      const x = tensor(c.x.data, { shape: c.x.shape, requiresGrad: true });
      const w = tensor(c.w.data, { shape: c.w.shape, requiresGrad: true });
      const b = c.b ? tensor(c.b.data, { shape: c.b.shape, requiresGrad: true }) : null;
      const y = conv3d(x, w, b, c.opts);
      assert.deepEqual(y.shape, c.y.shape);
      close(y.dataSync(), c.y.data, 2e-6, 'output');
      y.backward(tensor(c.up.data, { shape: c.up.shape }));
      close(x.grad!.dataSync(), c.dx, 2e-6, 'input grad');
      close(w.grad!.dataSync(), c.dw, 1e-5, 'weight grad');
      if (b) close(b.grad!.dataSync(), c.db!, 1e-5, 'bias grad');
    }));
  }
}

/** Output and all three gradients on the active backend. */
function runAll(x0: Tensor, w0: Tensor, b0: Tensor | null, up: Tensor, opts: Conv3dOptions): number[][] {
  const x = x0.detach().clone().requiresGrad_();
  const w = w0.detach().clone().requiresGrad_();
  const b = b0 ? b0.detach().clone().requiresGrad_() : null;
  const y = conv3d(x, w, b, opts);
  y.backward(up);
  return [[...y.dataSync()], [...x.grad!.dataSync()], [...w.grad!.dataSync()], b ? [...b.grad!.dataSync()] : []];
}

// shapes that cross the kernel's blocks (K·tile floats), thread splits by image, position and channel
const SHAPES: [string, number, number, number, [number, number, number], [number, number, number], Conv3dOptions][] = [
  ['one image split by positions', 1, 4, 6, [12, 13, 17], [3, 3, 3], { padding: 2, dilation: 2 }],
  ['batch 4 split by images', 4, 3, 5, [9, 8, 11], [3, 1, 2], { padding: [1, 0, 1], stride: [1, 2, 1] }],
  ['wide channels (long columns, small blocks)', 1, 40, 3, [6, 7, 9], [3, 3, 3], { padding: 1, groups: 1 }],
  ['groups 4 stride 3', 2, 8, 4, [10, 11, 13], [2, 3, 3], { groups: 4, stride: 3, padding: [0, 1, 2] }],
  ['same, even kernel, dilation 3', 1, 2, 17, [11, 9, 14], [2, 4, 3], { padding: 'same', dilation: 3 }],
];

for (const [name, N, C, O, dhw, k, opts] of SHAPES) {
  test(`conv3d ${name}: the default backend equals the JS reference at 1 and 2 threads`, () => {
    manualSeed(N * 1000 + C * 10 + O);
    const x = randn([N, C, ...dhw]);
    const w = randn([O, C / (opts.groups ?? 1), ...k]);
    const b = randn([O]);
    const yShape = conv3d(x, w, b, opts).shape;
    const up = randn(yShape);
    const ref = onBackend('js', () => runAll(x, w, b, up, opts));
    const prev = getNumThreads();
    for (const t of [1, 2]) {
      setNumThreads(t);
      try {
        const got = runAll(x, w, b, up, opts);
        ['output', 'input grad', 'weight grad', 'bias grad'].forEach((what, i) => closeScaled(got[i]!, ref[i]!, 1e-6, `${what} (${t} threads)`));
      } finally {
        setNumThreads(prev);
      }
    }
  });
}

test('conv3d passes float64 gradcheck (stride, padding, dilation, groups, bias)', () => {
  manualSeed(3);
  const x = randn([2, 4, 5, 4, 6], { dtype: 'float64', requiresGrad: true });
  const w = randn([4, 2, 2, 3, 2], { dtype: 'float64', requiresGrad: true });
  const b = randn([4], { dtype: 'float64', requiresGrad: true });
  assert.ok(gradcheck((a, c, d) => conv3d(a!, c!, d!, { stride: [1, 2, 1], padding: [1, 1, 0], dilation: [2, 1, 2], groups: 2 }), [x, w, b]));
  const x2 = randn([1, 2, 5, 6, 4], { dtype: 'float64', requiresGrad: true });
  const w2 = randn([3, 2, 3, 2, 3], { dtype: 'float64', requiresGrad: true });
  assert.ok(gradcheck((a, c) => conv3d(a!, c!, null, { padding: 'same', dilation: [1, 2, 1] }), [x2, w2]));
});

test('nn.Conv3d: PyTorch defaults (bias, stride 1, padding 0), kaiming-uniform bounds, shape', () => {
  manualSeed(1);
  const m = new nn.Conv3d(4, 6, [3, 2, 1]);
  assert.deepEqual(m.weight.shape, [6, 4, 3, 2, 1]);
  assert.deepEqual(m.bias!.shape, [6]);
  // fan_in = 4·3·2·1 = 24: weight bound √(6/((1+5)·24)) = 1/√24, bias bound 1/√24
  const bound = 1 / Math.sqrt(24);
  const wv = m.weight.dataSync();
  assert.ok(wv.every((v) => Math.abs(v) <= bound));
  assert.ok(Math.max(...wv.map(Math.abs)) > 0.8 * bound);
  assert.ok(m.bias!.dataSync().every((v) => Math.abs(v) <= bound));
  const y = m.forward(randn([2, 4, 5, 6, 7]));
  assert.deepEqual(y.shape, [2, 6, 3, 5, 7]);
  const nb = new nn.Conv3d(2, 2, 3, { bias: false, padding: 'same', dilation: 2 });
  assert.equal(nb.bias, null);
  assert.deepEqual(nb.forward(randn([1, 2, 4, 5, 6])).shape, [1, 2, 4, 5, 6]);
  assert.deepEqual(m.parameters().length, 2);
});

test('conv3d and nn.Conv3d reject bad shapes and arguments with typed errors naming the op', () => {
  const x = randn([1, 2, 4, 4, 4]);
  const w = randn([3, 2, 3, 3, 3]);
  assert.throws(() => conv3d(randn([2, 4, 4, 4]), w), (e: Error) => e instanceof ShapeError && /conv3d: expected input \(N, C, D, H, W\), got \(2, 4, 4, 4\)/.test(e.message));
  assert.throws(() => conv3d(x, randn([3, 2, 3, 3])), (e: Error) => e instanceof ShapeError && /conv3d: expected weight/.test(e.message));
  assert.throws(() => conv3d(x, randn([3, 1, 3, 3, 3])), (e: Error) => e instanceof ShapeError && /conv3d: weight \(3, 1, 3, 3, 3\) expects 1 input channels/.test(e.message));
  assert.throws(() => conv3d(x, w, randn([2])), (e: Error) => e instanceof ShapeError && /conv3d: bias \(2,\) must be \(3,\)/.test(e.message));
  assert.throws(() => conv3d(x, randn([3, 2, 5, 3, 3])), (e: Error) => e instanceof ShapeError && /smaller than the dilated kernel 5x3x3/.test(e.message));
  assert.throws(() => conv3d(x, w, null, { stride: 0 }), (e: Error) => e instanceof ArgumentError && /conv3d: stride must be/.test(e.message));
  assert.throws(() => conv3d(x, w, null, { dilation: [1, 2] as unknown as [number, number, number] }), (e: Error) => e instanceof ArgumentError && /conv3d: dilation/.test(e.message));
  assert.throws(() => conv3d(x, w, null, { padding: -1 }), (e: Error) => e instanceof ArgumentError && /conv3d: padding must be/.test(e.message));
  assert.throws(() => conv3d(x, w, null, { padding: 'same', stride: 2 }), (e: Error) => e instanceof ArgumentError && /padding='same' needs stride 1/.test(e.message));
  assert.throws(() => conv3d(x, randn([3, 1, 3, 3, 3]), null, { groups: 3 }), (e: Error) => e instanceof ArgumentError && /groups=3 must divide in_channels 2/.test(e.message));
  assert.throws(() => conv3d(x, randn([3, 2, 3, 3, 3], { dtype: 'float64' })), (e: Error) => e instanceof DTypeError && /conv3d/.test(e.message));
  assert.throws(() => new nn.Conv3d(3, 4, 3, { groups: 2 }), (e: Error) => e instanceof ArgumentError && /Conv3d: in_channels 3/.test(e.message));
  assert.throws(() => new nn.Conv3d(2, 4, [3, 0, 3]), (e: Error) => e instanceof ArgumentError && /Conv3d: kernelSize/.test(e.message));
  assert.throws(() => new nn.Conv3d(2, 4, 3, { stride: 1.5 }), (e: Error) => e instanceof ArgumentError && /Conv3d: stride/.test(e.message));
});

test('a dilated 3×3×3 conv3d over a 256³ volume runs in bounded memory (no whole-volume columns) and is right at its corners and centre', () => {
  manualSeed(11);
  const x = randn([1, 1, 256, 256, 256]);
  const w = randn([2, 1, 3, 3, 3]);
  const b = randn([2]);
  const h = heap();
  const before = h.highWater;
  const y = noGrad(() => conv3d(x, w, b, { padding: 'same', dilation: 16 }));
  const grown = h.highWater - before;
  // the output (2 × 64 MiB) and per-thread packs; a 27× im2col would be 1.7 GiB
  assert.ok(grown <= 2 * 4 * 256 ** 3 + (8 << 20), `heap grew ${(grown / 2 ** 20).toFixed(1)} MiB`);
  const xv = x.dataSync();
  const wv = w.dataSync();
  const bv = b.dataSync();
  const yv = y.dataSync();
  const at = (d: number, hh: number, ww: number) => (d * 256 + hh) * 256 + ww;
  for (const [o, d, hh, ww] of [[0, 0, 0, 0], [1, 255, 255, 255], [0, 128, 7, 250], [1, 15, 16, 17]] as const) {
    let s = bv[o]!;
    for (let a = 0; a < 3; a++) for (let c = 0; c < 3; c++) for (let e = 0; e < 3; e++) {
      const id = d + 16 * (a - 1), ih = hh + 16 * (c - 1), iw = ww + 16 * (e - 1);
      if (id >= 0 && id < 256 && ih >= 0 && ih < 256 && iw >= 0 && iw < 256) s += wv[o * 27 + a * 9 + c * 3 + e]! * xv[at(id, ih, iw)]!;
    }
    const got = yv[o * 256 ** 3 + at(d, hh, ww)]!;
    assert.ok(Math.abs(got - s) <= 1e-5 * (1 + Math.abs(s)), `y[${o}, ${d}, ${hh}, ${ww}] = ${got}, expected ${s}`);
  }
  y.dispose();
  x.dispose();
});
