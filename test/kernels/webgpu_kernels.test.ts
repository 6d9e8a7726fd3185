// Differential suite of the webgpu backend against the JS reference, kernel by kernel at the
// offset seam: the same inputs are placed in each backend's memory, the same call is made with
// each memory's offsets, the outputs compared. Random shapes with sizes 1 and non-multiples of
// the 256-wide workgroups and the 64×64 GEMM tile, broadcasting and transposed strides, every
// axis of reductions, int32. Exact where the kernel only moves or compares values; otherwise a
// relative tolerance at the float32 level (a few ulps; sums scaled by the sum of magnitudes).
// Runs on Mesa's lavapipe where there is no GPU (see webgpu_env.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend, setBackend } from '../../src/kernels/index.js';
import type { Backend } from '../../src/kernels/backend.js';
import { Generator, type Tensor } from '../../src/index.js';
import { fromValues } from '../../src/tensor/tensor.js';
import { DTypeError, DeviceError } from '../../src/errors.js';
import { skipWithoutGpu } from './webgpu_env.js';

type Arr = Float32Array | Int32Array;
interface Buf {
  dt: 'float32' | 'int32';
  data: Arr;
}
/** Compares output k: exact, or |got − want| ≤ rtol·(|want| + scale[k]) (scale: the sum of magnitudes where a sum rounds). */
interface Tol {
  rtol: number;
  scale?: (k: number, i: number) => number;
  atol?: number;
}

const gen = new Generator(17);
const ri = (lo: number, hi: number) => lo + Math.floor(gen.random() * (hi - lo + 1));
const rf = (n: number, lo = -2, hi = 2) => Float32Array.from({ length: n }, () => lo + gen.random() * (hi - lo));
const rint = (n: number, lo: number, hi: number) => Int32Array.from({ length: n }, () => ri(lo, hi));
const F = (data: Float32Array): Buf => ({ dt: 'float32', data });
const Iv = (data: Int32Array): Buf => ({ dt: 'int32', data });
const zerosF = (n: number): Buf => F(new Float32Array(n));
const zerosI = (n: number): Buf => Iv(new Int32Array(n));

async function runOn(name: string, bufs: readonly Buf[], call: (b: Backend, o: number[]) => void): Promise<Arr[]> {
  setBackend(name);
  const ts: Tensor[] = bufs.map((b) => fromValues(b.data, [b.data.length], b.dt));
  try {
    call(backend(), ts.map((t) => t.offset));
    const out: Arr[] = [];
    for (const t of ts) out.push((await t.data()) as Arr);
    return out;
  } finally {
    for (const t of ts) t.dispose();
    setBackend('js');
  }
}

/** Runs `call` on js and webgpu over copies of `bufs`; compares every buffer afterwards (inputs must stay unchanged too). */
async function diff(label: string, bufs: readonly Buf[], call: (b: Backend, o: number[]) => void, tol: Tol | null = null): Promise<void> {
  const want = await runOn('js', bufs, call);
  const got = await runOn('webgpu', bufs, call);
  for (let k = 0; k < bufs.length; k++) {
    const w = want[k]!, g = got[k]!;
    assert.equal(g.length, w.length);
    for (let i = 0; i < w.length; i++) {
      const a = w[i]!, b = g[i]!;
      if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) continue;
      if (tol !== null && Math.abs(a - b) <= (tol.atol ?? 0) + tol.rtol * (Math.abs(a) + (tol.scale?.(k, i) ?? 0))) continue;
      if (tol === null && a === b) continue; // +0 / −0
      assert.fail(`${label}: buffer ${k}[${i}] webgpu ${b}, reference ${a}`);
    }
  }
}

const EPS = 2 ** -23;

test('webgpu: strided copy over random shapes, transposes, broadcasts and casts', async (t) => {
  if (await skipWithoutGpu(t)) return;
  for (let trial = 0; trial < 12; trial++) {
    const nd = ri(1, 5);
    const shape = Array.from({ length: nd }, () => (gen.random() < 0.25 ? 1 : ri(1, 7)));
    const n = shape.reduce((a, b) => a * b, 1);
    // source: a permuted contiguous block, with some dims broadcast (stride 0)
    const perm = [...shape.keys()].sort(() => gen.random() - 0.5);
    const srcStrides = new Array<number>(nd);
    let acc = 1;
    for (let d = nd - 1; d >= 0; d--) {
      const p = perm[d]!;
      srcStrides[p] = gen.random() < 0.2 ? 0 : acc;
      acc *= shape[p]!;
    }
    const dstStrides = new Array<number>(nd);
    acc = 1;
    for (let d = nd - 1; d >= 0; d--) {
      dstStrides[d] = acc;
      acc *= shape[d]!;
    }
    const pad = ri(0, 5);
    for (const [sd, dd] of [['float32', 'float32'], ['float32', 'int32'], ['int32', 'float32'], ['int32', 'int32']] as const) {
      const src = sd === 'float32' ? F(rf(n + pad, -1e3, 1e3)) : Iv(rint(n + pad, -1e6, 1e6));
      const dst = dd === 'float32' ? zerosF(n + pad) : zerosI(n + pad);
      await diff(`copy ${sd}→${dd} ${JSON.stringify(shape)} src strides ${JSON.stringify(srcStrides)}`, [src, dst], (b, o) =>
        b.copy(sd, dd, shape, { off: o[0]! + pad, strides: srcStrides }, { off: o[1]! + 1, strides: dstStrides }));
    }
  }
  // float → int32 is JS's ToInt32: truncation, NaN and ±Infinity to 0, wrap-around past 2^31
  const odd = Float32Array.from([1.9, -1.9, NaN, Infinity, -Infinity, 3e9, -3e9, 2 ** 40 + 2 ** 33, 0.5, -0]);
  await diff('copy float32→int32 edge values', [F(odd), zerosI(odd.length)], (b, o) =>
    b.copy('float32', 'int32', [odd.length], { off: o[0]!, strides: [1] }, { off: o[1]!, strides: [1] }));
});

test('webgpu: fill, edge sizes, float32 and int32', async (t) => {
  if (await skipWithoutGpu(t)) return;
  for (const n of [1, 255, 256, 257, 70_001]) {
    await diff(`fill f32 ${n}`, [zerosF(n + 2)], (b, o) => b.fill('float32', o[0]! + 1, n, -0.3));
    await diff(`fill i32 ${n}`, [zerosI(n + 2)], (b, o) => b.fill('int32', o[0]! + 1, n, -7));
  }
});

const UNARY: readonly [Parameters<Backend['unary']>[0], number, number, number, number?, number?][] = [
  // op, lo, hi, rtol (in ulps of float32), p0, p1. WGSL's own bounds: exp and exp2 3 + 2|x| ulps,
  // log 3 ulps (2^-21 absolute near 1), sin / cos 2^-11 absolute, division 2.5 ulps
  ['neg', -3, 3, 0], ['abs', -3, 3, 0], ['sign', -3, 3, 0], ['relu', -3, 3, 0], ['square', -3, 3, 1], ['floor', -5, 5, 0],
  ['ceil', -5, 5, 0], ['round', -5, 5, 0], ['reciprocal', 0.1, 4, 3], ['sqrt', 0, 9, 3], ['rsqrt', 0.05, 9, 4],
  ['exp', -8, 8, 19], ['log', 0.01, 50, 4], ['sin', -6, 6, 8], ['cos', -6, 6, 8], ['tanh', -12, 12, 32],
  ['sigmoid', -30, 30, 32], ['log1p', -0.9, 5, 8], ['expm1', -3, 3, 16], ['softplus', -30, 30, 32],
  ['elu', -4, 4, 16, 0.7], ['leakyRelu', -4, 4, 1, 0.01], ['clamp', -4, 4, 0, -1, 1.5], ['powScalar', 0.1, 3, 32, 2.5],
  ['powScalar', -3, 3, 0, 2], ['powScalar', -3, 3, 32, 3], ['addScalar', -3, 3, 1, 0.1], ['mulScalar', -3, 3, 1, -1.7],
  ['divScalar', -3, 3, 3, 3], ['rsubScalar', -3, 3, 1, 0.25], ['rdivScalar', 0.2, 3, 3, 2], ['rpowScalar', -3, 3, 32, 1.5],
];
/** Absolute error WGSL allows where the relative bound breaks down (log near 1, sin / cos near a zero). */
const ATOL: Partial<Record<string, number>> = { log: 2 ** -21, log1p: 2 ** -21, softplus: 2 ** -21, sin: 2 ** -11, cos: 2 ** -11 };

test('webgpu: every unary op (float32 on its domain; int32 maps)', async (t) => {
  if (await skipWithoutGpu(t)) return;
  for (const [op, lo, hi, ulps, p0, p1] of UNARY) {
    const n = ri(1, 600);
    const x = rf(n, lo, hi);
    x[0] = lo;
    // x + p0 rounds p0 to float32 first: relative to the operands' size where the sum cancels
    const tol = { rtol: Math.max(ulps, 1) * EPS, atol: ATOL[op] ?? 0, scale: () => (op === 'addScalar' || op === 'rsubScalar' ? Math.max(Math.abs(lo), Math.abs(hi)) + Math.abs(p0 ?? 0) : 0) };
    await diff(`unary ${op}`, [F(x), zerosF(n)], (b, o) => b.unary(op, 'float32', o[0]!, o[1]!, n, p0, p1), tol);
    // in place (src === dst)
    await diff(`unary ${op} in place`, [F(x)], (b, o) => b.unary(op, 'float32', o[0]!, o[0]!, n, p0, p1), tol);
  }
  // NaN passes through clamp and sign; log of a negative is NaN, of 0 −Infinity
  const special = Float32Array.from([NaN, -1, 0, -0, Infinity, -Infinity, 2]);
  for (const op of ['clamp', 'sign', 'log', 'sqrt', 'exp', 'relu', 'abs', 'tanh', 'sigmoid'] as const) {
    await diff(`unary ${op} special values`, [F(special), zerosF(special.length)], (b, o) => b.unary(op, 'float32', o[0]!, o[1]!, special.length, -1, 1), { rtol: 4 * EPS });
  }
  for (const [op, p0] of [['neg', 0], ['abs', 0], ['sign', 0], ['square', 0], ['addScalar', 5], ['mulScalar', -3], ['clamp', -10], ['relu', 0]] as const) {
    const n = ri(1, 300);
    await diff(`unary ${op} int32`, [Iv(rint(n, -1000, 1000)), zerosI(n)], (b, o) => b.unary(op, 'int32', o[0]!, o[1]!, n, p0, 10));
  }
});

/** A broadcasting pair of shapes (each dim either equal or 1 on one side) and its output shape. */
function broadcastPair(): { out: number[]; a: number[]; b: number[] } {
  const nd = ri(1, 4);
  const out = Array.from({ length: nd }, () => ri(1, 9));
  const cut = (s: number[]) => s.map((v) => (gen.random() < 0.3 ? 1 : v));
  return { out, a: cut(out), b: cut(out) };
}

function stridesOf(shape: number[], out: number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = shape[d] === 1 && out[d] !== 1 ? 0 : acc;
    acc *= shape[d]!;
  }
  return s;
}

const numel = (s: number[]) => s.reduce((a, b) => a * b, 1);

test('webgpu: every binary op with broadcasting, float32 and int32, comparisons into int32', async (t) => {
  if (await skipWithoutGpu(t)) return;
  const ops = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'reluBackward', 'eluBackward'] as const;
  for (const op of ops) {
    const { out, a, b } = broadcastPair();
    const n = numel(out);
    const lo = op === 'pow' ? 0.2 : -3;
    const xa = rf(numel(a), lo, 3).map((v) => (op.length === 2 ? Math.round(v) : v));
    const xb = rf(numel(b), lo, 3).map((v) => (op.length === 2 ? Math.round(v) : v));
    const call = (outDt: 'float32' | 'int32') => (bk: Backend, o: number[]) =>
      bk.binary(op, 'float32', outDt, out, { off: o[0]!, strides: stridesOf(a, out) }, { off: o[1]!, strides: stridesOf(b, out) }, o[2]!, 0.6);
    await diff(`binary ${op} ${JSON.stringify([a, b])}`, [F(xa), F(xb), zerosF(n)], call('float32'), { rtol: (op === 'pow' || op === 'eluBackward' ? 16 : 1) * EPS });
    if (['eq', 'ne', 'lt', 'le', 'gt', 'ge'].includes(op)) await diff(`binary ${op} → int32`, [F(xa), F(xb), zerosI(n)], call('int32'));
  }
  for (const op of ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'eq', 'lt', 'ge'] as const) {
    const { out, a, b } = broadcastPair();
    const n = numel(out);
    await diff(`binary ${op} int32`, [Iv(rint(numel(a), -500, 500)), Iv(rint(numel(b), -9, 9)), zerosI(n)], (bk, o) =>
      bk.binary(op, 'int32', 'int32', out, { off: o[0]!, strides: stridesOf(a, out) }, { off: o[1]!, strides: stridesOf(b, out) }, o[2]!));
  }
  // NaN propagates through maximum / minimum; division by zero gives ±Infinity (int32: 0)
  const xs = Float32Array.from([NaN, 1, 2, -1, 0]);
  const ys = Float32Array.from([1, NaN, 0, 0, 0]);
  for (const op of ['maximum', 'minimum', 'div'] as const) {
    await diff(`binary ${op} special values`, [F(xs), F(ys), zerosF(5)], (bk, o) => bk.binary(op, 'float32', 'float32', [5], { off: o[0]!, strides: [1] }, { off: o[1]!, strides: [1] }, o[2]!));
  }
  await diff('binary div int32 by zero', [Iv(Int32Array.from([7, -7, 0])), Iv(Int32Array.from([0, 0, 0])), zerosI(3)], (bk, o) =>
    bk.binary('div', 'int32', 'int32', [3], { off: o[0]!, strides: [1] }, { off: o[1]!, strides: [1] }, o[2]!));
});

test('webgpu: where broadcasts its condition and both branches', async (t) => {
  if (await skipWithoutGpu(t)) return;
  for (let trial = 0; trial < 5; trial++) {
    const { out, a, b } = broadcastPair();
    const c = out.map((v) => (gen.random() < 0.3 ? 1 : v));
    await diff(`where ${JSON.stringify([c, a, b])}`, [Iv(rint(numel(c), 0, 1)), F(rf(numel(a))), F(rf(numel(b))), zerosF(numel(out))], (bk, o) =>
      bk.where('float32', out, { off: o[0]!, strides: stridesOf(c, out) }, { off: o[1]!, strides: stridesOf(a, out) }, { off: o[2]!, strides: stridesOf(b, out) }, o[3]!));
  }
});

test('webgpu: reductions over each axis (short and long), int32, arg-reductions with ties', async (t) => {
  if (await skipWithoutGpu(t)) return;
  for (const dims of [[3, 5, 7], [1, 300, 1], [2, 1000, 3], [70, 65, 1], [1, 1, 1], [4, 9, 130]]) {
    const n = numel(dims);
    const x = rf(n);
    // sums are compared against the sum of magnitudes (float32 accumulation in a different order)
    const abs: number[] = [];
    for (let o = 0; o < dims[0]!; o++) for (let i = 0; i < dims[2]!; i++) {
      let s = 0;
      for (let k = 0; k < dims[1]!; k++) s += Math.abs(x[(o * dims[1]! + k) * dims[2]! + i]!);
      abs.push(s);
    }
    const m = dims[0]! * dims[2]!;
    for (const op of ['sum', 'prod', 'max', 'min'] as const) {
      const xin = op === 'prod' ? x.map((v) => 1 + v / 50) : x;
      await diff(`reduce ${op} ${JSON.stringify(dims)}`, [F(xin), zerosF(m)], (b, o) => b.reduce(op, 'float32', o[0]!, dims[0]!, dims[1]!, dims[2]!, o[1]!),
        op === 'sum' ? { rtol: 4 * EPS, scale: (k, i) => (k === 1 ? Math.log2(dims[1]! + 1) * abs[i]! : 0) } : { rtol: 2 * EPS * dims[1]! });
    }
    const xi = rint(n, -20, 20);
    for (const op of ['sum', 'max', 'min'] as const) {
      await diff(`reduce ${op} int32 ${JSON.stringify(dims)}`, [Iv(xi), zerosI(m)], (b, o) => b.reduce(op, 'int32', o[0]!, dims[0]!, dims[1]!, dims[2]!, o[1]!));
    }
    // small integers as floats: ties, the first index wins
    const xt = Float32Array.from(rint(n, 0, 3));
    for (const op of ['max', 'min'] as const) {
      await diff(`argReduce ${op} ${JSON.stringify(dims)}`, [F(xt), zerosF(m), zerosI(m)], (b, o) => b.argReduce(op, 'float32', o[0]!, dims[0]!, dims[1]!, dims[2]!, o[1]!, o[2]!));
      await diff(`argReduce ${op} int32 ${JSON.stringify(dims)}`, [Iv(xi), zerosI(m), zerosI(m)], (b, o) => b.argReduce(op, 'int32', o[0]!, dims[0]!, dims[1]!, dims[2]!, o[1]!, o[2]!));
    }
  }
  // NaN wins max / min / argmax, as in PyTorch
  const xn = Float32Array.from([1, NaN, 3, 2, 5, 4]);
  for (const op of ['max', 'min'] as const) {
    await diff(`reduce ${op} NaN`, [F(xn), zerosF(2)], (b, o) => b.reduce(op, 'float32', o[0]!, 2, 3, 1, o[1]!));
    await diff(`argReduce ${op} NaN`, [F(xn), zerosF(2), zerosI(2)], (b, o) => b.argReduce(op, 'float32', o[0]!, 2, 3, 1, o[1]!, o[2]!));
  }
});

test('webgpu: matmul — batched, transposed operands, edge sizes, beta accumulate, sum over the batch', async (t) => {
  if (await skipWithoutGpu(t)) return;
  const cases: [number, number, number, number, boolean, boolean, 0 | 1, boolean][] = [
    // batch, M, N, K, transpose A, transpose B, beta, sum over batch (out batch stride 0)
    [1, 1, 1, 1, false, false, 0, false], [1, 64, 64, 64, false, false, 0, false], [2, 65, 63, 17, false, false, 0, false],
    [3, 7, 130, 33, true, false, 1, false], [2, 50, 9, 70, false, true, 0, false], [4, 20, 12, 16, true, true, 0, true],
    [1, 128, 96, 200, false, false, 1, false], [5, 3, 4, 8, false, false, 0, true], [1, 1, 257, 5, false, true, 0, false],
  ];
  for (const [batch, M, N, K, ta, tb, beta, sumBatch] of cases) {
    const a = rf(batch * M * K), b = rf(batch * K * N);
    const outN = (sumBatch ? 1 : batch) * M * N;
    const init = rf(outN);
    const A = ta ? { sb: M * K, sr: 1, sc: M } : { sb: M * K, sr: K, sc: 1 };
    const B = tb ? { sb: K * N, sr: 1, sc: K } : { sb: K * N, sr: N, sc: 1 };
    // bound: Σ|a||b| over k, plus |out| when accumulating
    const bound = (i: number): number => {
      const bi = sumBatch ? -1 : Math.floor(i / (M * N));
      const r = Math.floor((i % (M * N)) / N), c = i % N;
      let s = beta ? Math.abs(init[i]!) : 0;
      for (let q = 0; q < batch; q++) {
        if (bi >= 0 && q !== bi) continue;
        for (let k = 0; k < K; k++) s += Math.abs(a[q * M * K + r * (ta ? 1 : K) + k * (ta ? M : 1)]! * b[q * K * N + k * (tb ? 1 : N) + c * (tb ? K : 1)]!);
      }
      return s;
    };
    await diff(`matmul b${batch} ${M}×${K}@${K}×${N} ta=${ta} tb=${tb} beta=${beta} sum=${sumBatch}`, [F(a), F(b), F(init)], (bk, o) =>
      bk.matmul('float32', batch, M, N, K, { off: o[0]!, ...A }, { off: o[1]!, ...B }, { off: o[2]!, sb: sumBatch ? 0 : M * N, sr: N, sc: 1 }, beta),
      { rtol: 2 * EPS * Math.sqrt(K * batch), scale: (k, i) => (k === 2 ? bound(i) : 0) });
  }
});

const win = (kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, dh: number, dw: number, H: number, W: number) => {
  const OH = Math.floor((H + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
  const OW = Math.floor((W + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
  return { kh, kw, sh, sw, ph, pw, dh, dw, H, W, OH, OW };
};

test('webgpu: im2col / col2im (stride, padding, dilation, batch-folded columns)', async (t) => {
  if (await skipWithoutGpu(t)) return;
  for (const [N, C, g] of [[2, 3, win(3, 3, 1, 1, 1, 1, 1, 1, 7, 9)], [1, 2, win(5, 5, 2, 3, 2, 1, 1, 1, 12, 11)], [3, 1, win(3, 2, 1, 2, 0, 1, 2, 1, 9, 8)]] as const) {
    const L = g.OH * g.OW;
    const rows = C * g.kh * g.kw;
    const x = rf(N * C * g.H * g.W);
    await diff(`im2col ${JSON.stringify(g)}`, [F(x), zerosF(N * rows * L)], (b, o) => b.im2col('float32', o[0]!, N, C, g, o[1]!));
    await diff('im2col batch-folded', [F(x), zerosF(N * rows * L)], (b, o) => b.im2col('float32', o[0]!, N, C, g, o[1]!, { row: N * L, image: L }));
    const cols = rf(N * rows * L);
    const base = rf(N * C * g.H * g.W);
    await diff(`col2im ${JSON.stringify(g)}`, [F(cols), F(base)], (b, o) => b.col2im('float32', o[0]!, N, C, g, o[1]!), { rtol: 2 * EPS, scale: () => 2 * g.kh * g.kw });
    await diff('col2im batch-folded', [F(cols), F(base)], (b, o) => b.col2im('float32', o[0]!, N, C, g, o[1]!, { row: N * L, image: L }), { rtol: 2 * EPS, scale: () => 2 * g.kh * g.kw });
  }
});

test('webgpu: max / average / adaptive pooling and their backwards (overlapping windows, padding)', async (t) => {
  if (await skipWithoutGpu(t)) return;
  for (const g of [win(2, 2, 2, 2, 0, 0, 1, 1, 8, 8), win(3, 3, 2, 2, 1, 1, 1, 1, 9, 7), win(3, 2, 1, 1, 1, 0, 2, 1, 6, 5), win(1, 75, 1, 15, 0, 0, 1, 1, 1, 200)]) {
    const planes = ri(1, 5);
    const x = Float32Array.from(rint(planes * g.H * g.W, -4, 4)); // ties: the first index wins
    const L = g.OH * g.OW;
    await diff(`maxPool2d ${JSON.stringify(g)}`, [F(x), zerosF(planes * L), zerosI(planes * L)], (b, o) => b.maxPool2d('float32', o[0]!, planes, g, o[1]!, o[2]!));
    const idxJs = await runOn('js', [F(x), zerosF(planes * L), zerosI(planes * L)], (b, o) => b.maxPool2d('float32', o[0]!, planes, g, o[1]!, o[2]!));
    const dy = rf(planes * L);
    await diff('maxPool2dBackward', [F(dy), idxJs[2]! instanceof Int32Array ? Iv(idxJs[2] as Int32Array) : zerosI(0), F(rf(planes * g.H * g.W))], (b, o) => b.maxPool2dBackward('float32', o[0]!, o[1]!, planes, g, o[2]!), { rtol: 2 * EPS, scale: () => 2 * g.kh * g.kw });
    if (g.dh === 1 && g.dw === 1 && g.ph * 2 <= g.kh && g.pw * 2 <= g.kw) {
      for (const cip of [true, false]) {
        const xf = rf(planes * g.H * g.W);
        await diff(`avgPool2d cip=${cip} ${JSON.stringify(g)}`, [F(xf), zerosF(planes * L)], (b, o) => b.avgPool2d('float32', o[0]!, planes, g, cip, o[1]!), { rtol: 4 * EPS, scale: () => 2 });
        await diff(`avgPool2dBackward cip=${cip}`, [F(dy), F(rf(planes * g.H * g.W))], (b, o) => b.avgPool2dBackward('float32', o[0]!, planes, g, cip, o[1]!), { rtol: 4 * EPS, scale: () => 4 });
      }
    }
  }
  for (const [H, W, OH, OW] of [[7, 9, 3, 4], [5, 5, 5, 5], [4, 6, 7, 3], [10, 1, 1, 1]] as const) {
    const planes = ri(1, 4);
    await diff(`adaptiveAvgPool2d ${H}×${W}→${OH}×${OW}`, [F(rf(planes * H * W)), zerosF(planes * OH * OW)], (b, o) => b.adaptiveAvgPool2d('float32', o[0]!, planes, H, W, OH, OW, o[1]!), { rtol: 4 * EPS, scale: () => 2 });
    await diff('adaptiveAvgPool2dBackward', [F(rf(planes * OH * OW)), F(rf(planes * H * W))], (b, o) => b.adaptiveAvgPool2dBackward('float32', o[0]!, planes, H, W, OH, OW, o[1]!), { rtol: 4 * EPS, scale: () => 4 });
  }
});

test('webgpu: gather / indexSelect / scatterAdd (repeated indices), float32 and int32', async (t) => {
  if (await skipWithoutGpu(t)) return;
  for (const [outer, n, inner, m] of [[3, 5, 4, 6], [1, 10, 1, 1], [7, 2, 33, 3], [2, 300, 1, 2]] as const) {
    const src = rf(outer * n * inner);
    const idx = rint(outer * m * inner, 0, n - 1);
    await diff(`gather ${[outer, n, inner, m]}`, [F(src), Iv(idx), zerosF(outer * m * inner)], (b, o) => b.gather('float32', o[0]!, outer, n, inner, o[1]!, m, o[2]!));
    await diff('gather int32', [Iv(rint(outer * n * inner, -9, 9)), Iv(idx), zerosI(outer * m * inner)], (b, o) => b.gather('int32', o[0]!, outer, n, inner, o[1]!, m, o[2]!));
    const sel = rint(m, 0, n - 1);
    await diff(`indexSelect ${[outer, n, inner, m]}`, [F(src), Iv(sel), zerosF(outer * m * inner)], (b, o) => b.indexSelect('float32', o[0]!, outer, n, inner, o[1]!, m, o[2]!));
    const vals = rf(outer * m * inner);
    await diff(`scatterAdd ${[outer, n, inner, m]}`, [F(vals), Iv(idx), F(src)], (b, o) => b.scatterAdd('float32', o[0]!, outer, m, inner, o[1]!, n, o[2]!));
    await diff('scatterAdd int32', [Iv(rint(outer * m * inner, -9, 9)), Iv(idx), Iv(rint(outer * n * inner, -9, 9))], (b, o) => b.scatterAdd('int32', o[0]!, outer, m, inner, o[1]!, n, o[2]!));
  }
});

test('webgpu: fused softmax, batch norm (stats, apply, backward), SGD and Adam steps', async (t) => {
  if (await skipWithoutGpu(t)) return;
  for (const [outer, n, inner] of [[5, 10, 1], [2, 7, 9], [1, 1000, 1], [300, 3, 2]] as const) {
    const x = rf(outer * n * inner, -20, 20);
    for (const log of [false, true]) {
      await diff(`softmax log=${log} ${[outer, n, inner]}`, [F(x), zerosF(x.length)], (b, o) => b.softmax('float32', o[0]!, outer, n, inner, o[1]!, log), { rtol: 16 * EPS, scale: () => (log ? 40 : 1e-6) });
    }
  }
  for (const [N, C, L] of [[4, 3, 10], [1, 1, 300], [16, 6, 49], [2, 9, 1]] as const) {
    const x = rf(N * C * L, -3, 5);
    const tol = { rtol: 64 * EPS, scale: () => 1 };
    await diff(`batchNormStats ${[N, C, L]}`, [F(x), zerosF(C), zerosF(C)], (b, o) => b.batchNormStats('float32', o[0]!, N, C, L, 1e-5, o[1]!, o[2]!), tol);
    const st = await runOn('js', [F(x), zerosF(C), zerosF(C)], (b, o) => b.batchNormStats('float32', o[0]!, N, C, L, 1e-5, o[1]!, o[2]!));
    const mean = st[1] as Float32Array, inv = st[2] as Float32Array;
    const w = rf(C), bias = rf(C), dy = rf(N * C * L);
    await diff('batchNormApply', [F(x), F(mean), F(inv), F(w), F(bias), zerosF(x.length)], (b, o) => b.batchNormApply('float32', o[0]!, N, C, L, o[1]!, o[2]!, o[3]!, o[4]!, o[5]!), tol);
    await diff('batchNormApply no affine', [F(x), F(mean), F(inv), zerosF(x.length)], (b, o) => b.batchNormApply('float32', o[0]!, N, C, L, o[1]!, o[2]!, -1, -1, o[3]!), tol);
    await diff('batchNormBackward', [F(x), F(dy), F(mean), F(inv), F(w), zerosF(x.length), zerosF(C), zerosF(C)], (b, o) =>
      b.batchNormBackward('float32', o[0]!, o[1]!, N, C, L, o[2]!, o[3]!, o[4]!, o[5]!, o[6]!, o[7]!), { rtol: 64 * EPS, scale: () => 4 * N * L });
  }
  const n = 1000;
  const p = rf(n), g = rf(n), buf = rf(n);
  for (const [mom, damp, wd, nest, max, first] of [[0, 0, 0, false, false, false], [0.9, 0.1, 1e-2, false, false, true], [0.9, 0, 0, true, true, false]] as const) {
    await diff(`sgdStep μ=${mom} nesterov=${nest}`, [F(p), F(g), F(buf)], (b, o) => b.sgdStep('float32', n, o[0]!, o[1]!, mom > 0 ? o[2]! : -1, 0.05, mom, damp, wd, nest, max, first), { rtol: 4 * EPS, scale: () => 1 });
  }
  const m = rf(n), v = rf(n, 0, 1), vmax = rf(n, 0, 1);
  for (const [amsgrad, wd, step] of [[false, 0, 1], [true, 0.01, 7]] as const) {
    await diff(`adamStep amsgrad=${amsgrad} step ${step}`, [F(p), F(g), F(m), F(v), F(vmax)], (b, o) => b.adamStep('float32', n, o[0]!, o[1]!, o[2]!, o[3]!, amsgrad ? o[4]! : -1, 1e-2, 0.9, 0.999, 1e-8, wd, step, false), { rtol: 16 * EPS, scale: () => 1 });
  }
});

test('webgpu: float64 is refused with a DTypeError; dataSync / item name await t.data(); a heap tensor under webgpu is refused', async (t) => {
  if (await skipWithoutGpu(t)) return;
  const cpu = fromValues([1, 2, 3], [3], 'float32');
  setBackend('webgpu');
  try {
    assert.throws(() => fromValues([1], [1], 'float64'), (e: unknown) => e instanceof DTypeError && /float64/.test(e.message));
    const x = fromValues([1, 2, 3], [3], 'float32');
    assert.throws(() => x.dataSync(), (e: unknown) => e instanceof DeviceError && /await t\.data\(\)/.test(e.message));
    const one = fromValues([5], [1], 'float32');
    assert.throws(() => one.item(), (e: unknown) => e instanceof DeviceError && /item/.test(e.message));
    one.dispose();
    assert.deepEqual([...(await x.data())], [1, 2, 3]);
    assert.throws(() => cpu.ref(), (e: unknown) => e instanceof DeviceError && /wasm heap/.test(e.message));
    x.dispose();
  } finally {
    setBackend('js');
  }
  cpu.dispose();
});
