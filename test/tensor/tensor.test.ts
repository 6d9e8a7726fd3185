// Tensor basics: creation, seeded randomness, views and storage sharing, contiguity,
// broadcasting, dtype promotion, tidy/dispose, and typed errors for bad input.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as D from '../../src/index.js';
import { DTypeError, Generator, heap, IndexError, manualSeed, noGrad, ShapeError, tidy, type Tensor } from '../../src/index.js';

const vals = (t: Tensor): number[] => [...t.dataSync()];
function close(a: number[], b: number[], tol = 1e-6): void {
  assert.equal(a.length, b.length, `length ${a.length} vs ${b.length}`);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) <= tol, `index ${i}: ${v} vs ${b[i]}`));
}
/** Asserts `f` throws `cls` and that the message contains every fragment. */
function throwsWith(f: () => unknown, cls: new (...a: never[]) => Error, ...fragments: string[]): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    for (const f of fragments) assert.ok(e.message.includes(f), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(f)}`);
    return true;
  });
}

// ---- creation -----------------------------------------------------------------------------------

test('tensor from nested arrays infers shape; float32 by default', () => {
  const t = D.tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(t.shape, [2, 3]);
  assert.equal(t.dtype, 'float32');
  assert.deepEqual(t.tolist(), [[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(D.tensor([[[1], [2]]]).shape, [1, 2, 1]);
  const s = D.tensor(2.5);
  assert.deepEqual(s.shape, []);
  assert.equal(s.item(), 2.5);
  assert.deepEqual(D.tensor([]).shape, [0]);
  assert.deepEqual(D.tensor([[]]).shape, [1, 0]);
  assert.deepEqual(vals(D.tensor([true, false, true])), [1, 0, 1]);
  assert.equal(D.tensor([1, 2], { dtype: 'float64' }).dtype, 'float64');
  const i = D.tensor([1.7, -1.7], { dtype: 'int32' });
  assert.deepEqual(vals(i), [1, -1]); // truncates toward zero
});

test('tensor from typed arrays takes their dtype and an optional shape', () => {
  const f64 = D.tensor(new Float64Array([1, 2, 3, 4]), { shape: [2, 2] });
  assert.equal(f64.dtype, 'float64');
  assert.deepEqual(f64.shape, [2, 2]);
  assert.equal(D.tensor(new Int32Array([1, 2])).dtype, 'int32');
  assert.equal(D.tensor(new Float32Array([1, 2])).dtype, 'float32');
  const cast = D.tensor(new Float64Array([0.1]), { dtype: 'float32' });
  assert.equal(cast.dataSync()[0], Math.fround(0.1));
  assert.deepEqual(D.tensor(new Float32Array(6), { shape: [1, 2, 3] }).shape, [1, 2, 3]);
});

test('the source array is copied, not aliased', () => {
  const src = new Float32Array([1, 2, 3]);
  const t = D.tensor(src);
  src[0] = 99;
  assert.deepEqual(vals(t), [1, 2, 3]);
  const out = t.dataSync();
  out[1] = 42;
  assert.deepEqual(vals(t), [1, 2, 3]);
});

test('zeros, ones, full, zerosLike, onesLike, fullLike', () => {
  assert.deepEqual(vals(D.zeros([2, 2])), [0, 0, 0, 0]);
  assert.deepEqual(vals(D.ones([3])), [1, 1, 1]);
  const f = D.full([2, 1], 7, { dtype: 'int32' });
  assert.equal(f.dtype, 'int32');
  assert.deepEqual(vals(f), [7, 7]);
  const base = D.tensor([[1, 2]], { dtype: 'float64' });
  assert.equal(D.zerosLike(base).dtype, 'float64');
  assert.deepEqual(D.onesLike(base).shape, [1, 2]);
  assert.deepEqual(vals(D.fullLike(base, -3)), [-3, -3]);
  assert.deepEqual(D.zeros([0, 3]).shape, [0, 3]);
  assert.deepEqual(D.zeros([]).shape, []);
  assert.equal(D.ones([2], { requiresGrad: true }).requiresGrad, true);
});

test('arange: int32 for integer arguments, float32 otherwise, negative steps', () => {
  const a = D.arange(5);
  assert.equal(a.dtype, 'int32');
  assert.deepEqual(vals(a), [0, 1, 2, 3, 4]);
  assert.deepEqual(vals(D.arange(2, 8, 3)), [2, 5]);
  assert.deepEqual(vals(D.arange(5, 0, -2)), [5, 3, 1]);
  const f = D.arange(0, 1, 0.25);
  assert.equal(f.dtype, 'float32');
  assert.deepEqual(vals(f), [0, 0.25, 0.5, 0.75]);
  assert.deepEqual(D.arange(3, 3).shape, [0]);
  assert.throws(() => D.arange(0, 1, 0), D.ArgumentError);
});

test('linspace includes both ends; eye', () => {
  close(vals(D.linspace(0, 1, 5)), [0, 0.25, 0.5, 0.75, 1]);
  close(vals(D.linspace(-1, 1, 4, { dtype: 'float64' })), [-1, -1 / 3, 1 / 3, 1], 1e-15);
  assert.deepEqual(vals(D.linspace(2, 3, 1)), [2]);
  assert.deepEqual(D.linspace(0, 1, 0).shape, [0]);
  assert.deepEqual(D.eye(3).tolist(), [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  assert.deepEqual(D.eye(2, 3).tolist(), [[1, 0, 0], [0, 1, 0]]);
});

test('manualSeed makes rand, randn and randint reproducible', () => {
  manualSeed(42);
  const a = [vals(D.rand([5])), vals(D.randn([7])), vals(D.randint(-3, 4, [20]))];
  manualSeed(42);
  const b = [vals(D.rand([5])), vals(D.randn([7])), vals(D.randint(-3, 4, [20]))];
  assert.deepEqual(a, b);
  manualSeed(43);
  assert.notDeepEqual(vals(D.rand([5])), a[0]);
  // ranges
  for (const v of a[0]!) assert.ok(v >= 0 && v < 1);
  for (const v of a[2]!) assert.ok(Number.isInteger(v) && v >= -3 && v < 4);
  assert.equal(D.randint(0, 2, [3]).dtype, 'int32');
  // an odd count of normals leaves a spare; manualSeed must drop it
  manualSeed(1);
  D.randn([1]);
  manualSeed(1);
  const r1 = vals(D.randn([3]));
  manualSeed(1);
  assert.deepEqual(vals(D.randn([3])), r1);
});

test('a Generator is independent of the global seed', () => {
  const g1 = new Generator(7);
  const x = vals(D.randn([6], { generator: g1 }));
  manualSeed(999);
  D.rand([10]);
  const g2 = new Generator(7);
  assert.deepEqual(vals(D.randn([6], { generator: g2 })), x);
  assert.deepEqual(vals(D.randperm(5, { generator: new Generator(3) })).sort(), [0, 1, 2, 3, 4]);
});

test('randn has roughly zero mean and unit variance', () => {
  const x = D.randn([4000], { generator: new Generator(5), dtype: 'float64' });
  assert.ok(Math.abs(D.mean(x).item()) < 0.06);
  assert.ok(Math.abs(D.variance(x).item() - 1) < 0.08);
});

// ---- views ------------------------------------------------------------------------------------

/** Writes through `view` and checks the change shows in `base`. */
function writesThrough(base: Tensor, view: Tensor, value: number, flatIndexInBase: number): void {
  noGrad(() => view.fill_(value));
  assert.equal(base.dataSync()[flatIndexInBase], value);
}

test('reshape of a contiguous tensor, permute, transpose, slice, expand and flip are views', () => {
  const x = D.arange(12, undefined, 1, { dtype: 'float32' });
  const r = D.reshape(x, [3, 4]);
  assert.equal(r.storage, x.storage);
  assert.equal(r.offset, x.offset);
  const p = D.permute(r, [1, 0]);
  assert.equal(p.storage, x.storage);
  assert.deepEqual(p.shape, [4, 3]);
  assert.deepEqual(p.strides, [1, 4]);
  assert.equal(p.isContiguous(), false);
  assert.deepEqual(p.tolist(), [[0, 4, 8], [1, 5, 9], [2, 6, 10], [3, 7, 11]]);
  const t = D.transpose(r, 0, 1);
  assert.equal(t.storage, x.storage);
  assert.deepEqual(t.strides, [1, 4]);
  const s = D.slice(r, 1, 1, 4, 2); // columns 1 and 3
  assert.equal(s.storage, x.storage);
  assert.deepEqual(s.tolist(), [[1, 3], [5, 7], [9, 11]]);
  const e = D.expand(D.slice(r, 0, 0, 1), [5, 4]);
  assert.equal(e.storage, x.storage);
  assert.deepEqual(e.strides, [0, 1]);
  assert.deepEqual(vals(D.select(e, 0, 4)), [0, 1, 2, 3]);
  const f = D.flip(r, [1]);
  assert.equal(f.storage, x.storage);
  assert.deepEqual((f.tolist() as number[][])[0], [3, 2, 1, 0]);
  // writes through views land in the base
  writesThrough(x, s, -1, 5); // s[1][0] is x[5]
  writesThrough(x, D.select(p, 0, 2), -2, 6); // column 2 of r holds x[2], x[6], x[10]
  assert.deepEqual(vals(D.reshape(x, [3, 4]).select(1, 2)), [-2, -2, -2]);
  const u = D.unsqueeze(D.squeeze(D.reshape(x, [1, 12]), 0), 1);
  assert.equal(u.storage, x.storage);
  assert.deepEqual(u.shape, [12, 1]);
  assert.equal(x.detach().storage, x.storage);
});

test('contiguous copies a non-contiguous view, and is a no-op on a contiguous one', () => {
  const x = D.tensor([[1, 2, 3], [4, 5, 6]]);
  assert.equal(D.contiguous(x), x);
  const t = D.transpose(x, 0, 1);
  const c = D.contiguous(t);
  assert.notEqual(c.storage, x.storage);
  assert.equal(c.isContiguous(), true);
  assert.deepEqual(c.strides, [2, 1]);
  assert.deepEqual(c.tolist(), [[1, 4], [2, 5], [3, 6]]);
  // reshape of a non-contiguous view copies; view refuses
  const r = D.reshape(t, [6]);
  assert.notEqual(r.storage, x.storage);
  assert.deepEqual(vals(r), [1, 4, 2, 5, 3, 6]);
  throwsWith(() => D.view(t, [6]), ShapeError, 'view', '(3, 2)');
  // clone never aliases
  const k = D.clone(x);
  assert.notEqual(k.storage, x.storage);
  noGrad(() => k.fill_(0));
  assert.deepEqual(vals(x), [1, 2, 3, 4, 5, 6]);
  // dataSync of a strided view reads in logical order
  assert.deepEqual(vals(D.slice(D.flip(x, [1]), 0, 1)), [6, 5, 4]);
});

// ---- broadcasting and dtype promotion ---------------------------------------------------------------

test('broadcasting follows NumPy rules', () => {
  const a = D.tensor([[1], [2], [3]]); // (3, 1)
  const b = D.tensor([10, 20, 30, 40]); // (4,)
  const s = D.add(a, b);
  assert.deepEqual(s.shape, [3, 4]);
  assert.deepEqual(s.tolist(), [[11, 21, 31, 41], [12, 22, 32, 42], [13, 23, 33, 43]]);
  assert.deepEqual(D.mul(D.ones([2, 1, 3]), D.ones([4, 1])).shape, [2, 4, 3]);
  assert.deepEqual(D.sub(D.tensor(5), D.ones([2, 2])).tolist(), [[4, 4], [4, 4]]);
  assert.deepEqual(D.where(D.tensor([[1], [0]], { dtype: 'int32' }), D.tensor([1, 2, 3]), 0).tolist(), [[1, 2, 3], [0, 0, 0]]);
  throwsWith(() => D.add(D.zeros([2, 3]), D.zeros([4])), ShapeError, 'add', '(2, 3)', '(4,)');
  throwsWith(() => D.mul(D.zeros([2, 3]), D.zeros([3, 2])), ShapeError, 'mul', '(2, 3)', '(3, 2)');
});

test('dtype promotion: int32 with float32 gives float32; float64 wins', () => {
  const i = D.tensor([1, 2], { dtype: 'int32' });
  const f = D.tensor([0.5, 0.25]);
  const d = D.tensor([0.5, 0.25], { dtype: 'float64' });
  assert.equal(D.add(i, f).dtype, 'float32');
  assert.equal(D.mul(f, i).dtype, 'float32');
  assert.equal(D.add(i, i).dtype, 'int32');
  assert.equal(D.add(f, d).dtype, 'float64');
  assert.equal(D.add(i, d).dtype, 'float64');
  assert.deepEqual(vals(D.add(i, f)), [1.5, 2.25]);
  // Python-number operands: an int keeps int32, a float makes float32
  assert.equal(D.mul(i, 2).dtype, 'int32');
  assert.equal(D.add(i, 1.5).dtype, 'float32');
  assert.deepEqual(vals(D.add(i, 1.5)), [2.5, 3.5]);
  assert.equal(D.add(d, 1).dtype, 'float64');
});

test('int32 / int32 is true division in float32', () => {
  const q = D.div(D.tensor([7, -7, 1], { dtype: 'int32' }), D.tensor([2, 2, 4], { dtype: 'int32' }));
  assert.equal(q.dtype, 'float32');
  assert.deepEqual(vals(q), [3.5, -3.5, 0.25]);
  assert.deepEqual(vals(D.div(D.tensor([3], { dtype: 'int32' }), 2)), [1.5]);
  assert.equal(D.div(3, D.tensor([2], { dtype: 'int32' })).dtype, 'float32');
});

test('comparisons give int32 0/1', () => {
  const a = D.tensor([1, 2, 3]);
  const b = D.tensor([3, 2, 1], { dtype: 'int32' });
  for (const [f, want] of [
    [D.eq, [0, 1, 0]], [D.ne, [1, 0, 1]], [D.lt, [1, 0, 0]], [D.le, [1, 1, 0]], [D.gt, [0, 0, 1]], [D.ge, [0, 1, 1]],
  ] as const) {
    const r = f(a, b);
    assert.equal(r.dtype, 'int32');
    assert.deepEqual(vals(r), want);
  }
  assert.deepEqual(vals(D.gt(D.tensor([0.5, 2]), 1)), [0, 1]);
  assert.equal(D.gt(a, 0).requiresGrad, false);
});

test('float-only ops on int32 return float32; reductions keep int32', () => {
  const i = D.tensor([1, 2], { dtype: 'int32' });
  assert.equal(D.exp(i).dtype, 'float32');
  assert.equal(D.neg(i).dtype, 'int32');
  assert.equal(D.sum(i).dtype, 'int32');
  assert.equal(D.sum(i).item(), 3);
  throwsWith(() => D.mean(i), DTypeError, 'mean', 'int32');
  assert.equal(D.tensor([1.5]).to('int32').dtype, 'int32');
  assert.equal(i.double().dtype, 'float64');
  assert.deepEqual(vals(D.tensor([3, -4], { dtype: 'int32' }).float()), [3, -4]);
});

// ---- tidy / dispose ------------------------------------------------------------------------------------

test('tidy disposes intermediates and keeps the returned tensor', () => {
  const x = D.randn([64, 64]);
  const start = heap().bytesInUse;
  let inner: Tensor[] = [];
  const y = tidy(() => {
    const a = D.mul(x, 2);
    const b = D.exp(a);
    const c = D.transpose(b, 0, 1); // a view: shares b's storage
    inner = [a, b, c];
    return D.sum(D.matmul(c, a), 1);
  });
  assert.deepEqual(y.shape, [64]);
  assert.equal(y.isDisposed, false);
  for (const t of inner) assert.equal(t.isDisposed, true);
  assert.equal(x.isDisposed, false);
  const yBytes = heap().bytesInUse - start;
  assert.ok(yBytes > 0 && yBytes <= 64 * 4 * 2, `only y should remain, but ${yBytes} bytes are held`);
  y.dispose();
  assert.equal(heap().bytesInUse, start);
  assert.throws(() => y.dataSync(), /disposed/);
});

test('tidy returns arrays/objects of tensors, nests, and honours keep()', () => {
  const start = heap().bytesInUse;
  let kept: Tensor | null = null;
  const out = tidy(() => {
    const a = D.ones([100]);
    const inner = tidy(() => {
      const t = D.mul(a, 3);
      return { t, list: [D.add(t, 1)] };
    });
    kept = D.keep(D.mul(a, 5));
    D.exp(a); // dropped
    return [inner.t, inner.list[0]!];
  });
  assert.equal(out.length, 2);
  assert.deepEqual(vals(out[0]!).slice(0, 2), [3, 3]);
  assert.deepEqual(vals(out[1]!).slice(0, 2), [4, 4]);
  assert.equal(kept!.isDisposed, false);
  for (const t of [...out, kept!]) t.dispose();
  assert.equal(heap().bytesInUse, start);
});

test('tidy disposes on the way out of an exception-free scope only its own tensors', () => {
  const outside = D.ones([10]);
  tidy(() => {
    D.add(outside, 1);
    return null;
  });
  assert.equal(outside.isDisposed, false);
});

test('a view keeps its storage alive after the base is disposed', () => {
  const start = heap().bytesInUse;
  const x = D.arange(8, undefined, 1, { dtype: 'float32' });
  const v = D.slice(x, 0, 2, 5);
  x.dispose();
  assert.deepEqual(vals(v), [2, 3, 4]);
  v.dispose();
  assert.equal(heap().bytesInUse, start);
});

// ---- typed errors -------------------------------------------------------------------------------------------

test('ShapeError: mismatched shapes name the op and the shapes', () => {
  throwsWith(() => D.matmul(D.zeros([2, 3]), D.zeros([4, 5])), ShapeError, 'matmul', '(2, 3)', '(4, 5)');
  throwsWith(() => D.reshape(D.zeros([2, 3]), [4, 2]), ShapeError, 'reshape', '(4, 2)', '(2, 3)');
  throwsWith(() => D.cat([D.zeros([2, 3]), D.zeros([2, 4])], 0), ShapeError, 'cat', '(2, 4)', '(2, 3)');
  throwsWith(() => D.stack([D.zeros([2]), D.zeros([3])]), ShapeError, 'stack', '(3,)', '(2,)');
  throwsWith(() => D.expand(D.zeros([2, 3]), [4, 3]), ShapeError, 'expand', '(2, 3)', '(4, 3)');
  throwsWith(() => D.conv2d(D.zeros([1, 3, 5, 5]), D.zeros([2, 2, 3, 3])), ShapeError, 'conv2d', '(2, 2, 3, 3)', '(1, 3, 5, 5)');
  throwsWith(() => D.mseLoss(D.zeros([2, 3]), D.zeros([3, 2])), ShapeError, 'mseLoss', '(2, 3)', '(3, 2)');
  throwsWith(() => D.tensor([1, 2, 3], { shape: [2, 2] }), ShapeError, 'tensor', '(2, 2)');
  throwsWith(() => D.tensor([1, 2]).item(), ShapeError, 'item', '(2,)');
});

test('ShapeError: negative or fractional sizes', () => {
  throwsWith(() => D.zeros([2, -1]), ShapeError, 'zeros', '(2, -1)');
  throwsWith(() => D.ones([1.5]), ShapeError, 'ones', '1.5');
  throwsWith(() => D.full([-3], 1), ShapeError, 'full', '-3');
  throwsWith(() => D.randn([-2]), ShapeError, 'randn', '-2');
  throwsWith(() => D.rand([3, -1]), ShapeError, 'rand', '(3, -1)');
  throwsWith(() => D.empty([-1]), ShapeError, 'empty');
  throwsWith(() => D.reshape(D.zeros([6]), [-2, -3]), ShapeError, 'reshape', '-2');
});

test('ShapeError: ragged nested arrays', () => {
  throwsWith(() => D.tensor([[1, 2], [3]]), ShapeError, 'tensor', 'ragged');
  throwsWith(() => D.tensor([1, [2]] as never), ShapeError, 'tensor', 'ragged');
  throwsWith(() => D.tensor([[1, 2], 3] as never), ShapeError, 'tensor', 'ragged');
});

test('IndexError: out-of-range dims and indices', () => {
  const x = D.zeros([2, 3]);
  throwsWith(() => D.sum(x, 2), IndexError, 'sum', 'dim 2', '2-d');
  throwsWith(() => D.softmax(x, -3), IndexError, 'softmax', 'dim -3');
  throwsWith(() => D.transpose(x, 0, 5), IndexError, 'transpose', 'dim 5');
  throwsWith(() => D.unsqueeze(x, 4), IndexError, 'unsqueeze', 'dim 4');
  throwsWith(() => D.permute(x, [0, 0]), IndexError, 'permute');
  throwsWith(() => D.select(x, 1, 3), IndexError, 'select', 'index 3', 'size 3');
  throwsWith(() => D.narrow(x, 1, 2, 2), IndexError, 'narrow');
  throwsWith(() => D.gather(x, 1, D.tensor([[5]], { dtype: 'int32' })), IndexError, 'gather', 'index 5', 'size 3');
  throwsWith(() => D.indexSelect(x, 0, D.tensor([2], { dtype: 'int32' })), IndexError, 'indexSelect', 'index 2', 'size 2');
  throwsWith(() => D.crossEntropy(D.zeros([2, 3]), D.tensor([0, 3], { dtype: 'int32' })), IndexError, 'target 3', '3 classes');
});

test('DTypeError: requiresGrad on int32, float ops on ints, mismatched dtypes', () => {
  const i = D.tensor([1, 2], { dtype: 'int32' });
  throwsWith(() => {
    i.requiresGrad = true;
  }, DTypeError, 'requiresGrad', 'int32');
  throwsWith(() => D.tensor([1], { dtype: 'int32', requiresGrad: true }), DTypeError, 'requiresGrad', 'int32');
  throwsWith(() => D.zeros([2], { dtype: 'int32', requiresGrad: true }), DTypeError, 'int32');
  throwsWith(() => D.matmul(D.zeros([2, 2]), D.zeros([2, 2], { dtype: 'float64' })), DTypeError, 'matmul', 'float32', 'float64');
  throwsWith(() => D.cat([D.zeros([1]), D.zeros([1], { dtype: 'int32' })]), DTypeError, 'cat', 'int32');
  throwsWith(() => D.gather(D.zeros([2]), 0, D.zeros([1])), DTypeError, 'gather', 'float32');
  throwsWith(() => D.softmax(i, 0), DTypeError, 'softmax', 'int32');
});

test('DTypeError: a dtype the heap does not store is refused by every entry point, and the heap stays intact', () => {
  // plain JS callers can pass any string; an unknown dtype used to size a block as NaN bytes
  const bad = 'float16' as unknown as D.DType;
  const before = heap().bytesInUse;
  const entries: [string, () => unknown][] = [
    ['tensor', () => D.tensor([1, 2], { dtype: bad })],
    ['tensor', () => D.tensor(new Float32Array([1, 2]), { dtype: bad })],
    ['zeros', () => D.zeros([2], { dtype: bad })],
    ['ones', () => D.ones([2], { dtype: bad })],
    ['full', () => D.full([2], 3, { dtype: bad })],
    ['empty', () => D.empty([2], { dtype: bad })],
    ['arange', () => D.arange(4, undefined, 1, { dtype: bad })],
    ['linspace', () => D.linspace(0, 1, 3, { dtype: bad })],
    ['rand', () => D.rand([2], { dtype: bad })],
    ['randn', () => D.randn([2], { dtype: bad })],
    ['randint', () => D.randint(0, 3, [2], { dtype: bad })],
    ['randperm', () => D.randperm(3, { dtype: bad })],
    ['to', () => D.ones([2]).to(bad)],
    ['to', () => D.ones([2]).to(undefined as unknown as D.DType)],
  ];
  for (const [op, f] of entries) throwsWith(f, DTypeError, `${op}:`, 'unknown dtype');
  throwsWith(() => D.zeros([2], { dtype: 'bfloat16' as unknown as D.DType }), DTypeError, "'bfloat16'");
  // the refused tensors took no memory (the ones() inputs of the casts are freed with them or later)
  assert.ok(heap().bytesInUse - before <= 2 * 64, `heap grew by ${heap().bytesInUse - before} bytes`);
  // later ops still work and give the right values
  const x = D.tensor([[1, 2], [3, 4]]);
  close(vals(D.matmul(x, x)), [7, 10, 15, 22]);
  assert.deepEqual(vals(D.arange(3).to('float64')), [0, 1, 2]);
});
