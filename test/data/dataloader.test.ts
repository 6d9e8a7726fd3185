import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataPath, skipMissing } from '../helpers/data.js';
import { DataLoader, TensorDataset, Generator, arange, tensor, ShapeError, ArgumentError, IndexError } from '../../src/index.js';
import { loadMnist } from '../../src/node/mnist.js';

const rows = (b: ReturnType<TensorDataset['get']>) => [...b[0]!.dataSync()];

test('DataLoader batches in order, with a short last batch unless dropLast', () => {
  const ds = new TensorDataset(arange(10), arange(10).mul(2));
  const batches = [...new DataLoader(ds, { batchSize: 4 })];
  assert.equal(batches.length, 3);
  assert.deepEqual(batches.map(rows), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  assert.deepEqual([...batches[1]![1]!.dataSync()], [8, 10, 12, 14]);
  const dl = new DataLoader(ds, { batchSize: 4, dropLast: true });
  assert.equal(dl.length, 2);
  assert.equal([...dl].length, 2);
});

test('DataLoader shuffles reproducibly with a seeded generator and covers every example', () => {
  const ds = new TensorDataset(arange(20));
  const a = [...new DataLoader(ds, { batchSize: 5, shuffle: true, generator: new Generator(7) })].flatMap(rows);
  const b = [...new DataLoader(ds, { batchSize: 5, shuffle: true, generator: new Generator(7) })].flatMap(rows);
  const c = [...new DataLoader(ds, { batchSize: 5, shuffle: true, generator: new Generator(8) })].flatMap(rows);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.deepEqual([...a].sort((x, y) => x - y), [...Array(20).keys()]);
});

test('default collate stacks examples from datasets without getBatch', () => {
  const plain = { length: 3, get: (i: number) => [tensor([i, i]), tensor(i, { dtype: 'int32' })] };
  const [x, y] = [...new DataLoader(plain, { batchSize: 3 })][0]!;
  assert.deepEqual(x!.shape, [3, 2]);
  assert.deepEqual([...y!.dataSync()], [0, 1, 2]);
});

test('bad datasets and options give typed errors', () => {
  assert.throws(() => new TensorDataset(arange(3), arange(4)), ShapeError);
  assert.throws(() => new DataLoader(new TensorDataset(arange(3)), { batchSize: 0 }), ArgumentError);
  assert.throws(() => new TensorDataset(arange(3)).get(3), IndexError);
});

test('MNIST batches are normalised float32 images with int32 labels', (t) => {
  const root = dataPath('mnist');
  if (skipMissing(t, root)) return;
  const ds = loadMnist({ root, train: false });
  assert.equal(ds.length, 10000);
  const [x, y] = ds.getBatch(Int32Array.of(0, 1, 2));
  assert.deepEqual(x.shape, [3, 1, 28, 28]);
  assert.deepEqual([...y.dataSync()], [7, 2, 1]); // the first test digits
  const v = x.dataSync();
  assert.ok(Math.abs(Math.min(...v) - -0.1307 / 0.3081) < 1e-5);
  // the package copy (default source) holds the same test labels
  const pkg = loadMnist({ train: false });
  assert.deepEqual([...pkg.getBatch(Int32Array.of(0, 1, 2))[1].dataSync()], [7, 2, 1]);
});

test('MNIST shift augmentation translates each digit by at most 2 px, zero-filled', (t) => {
  const root = dataPath('mnist');
  if (skipMissing(t, root)) return;
  const plain = loadMnist({ root, train: false, normalize: false });
  const shifted = loadMnist({ root, train: false, normalize: false, maxShift: 2, generator: new Generator(5) });
  const idx = Int32Array.from({ length: 16 }, (_, i) => i);
  const a = plain.getBatch(idx)[0].dataSync() as Float32Array;
  const b = shifted.getBatch(idx)[0].dataSync() as Float32Array;
  const translate = (img: Float32Array, dy: number, dx: number) =>
    Float32Array.from({ length: 784 }, (_, k) => {
      const r = Math.floor(k / 28) - dy, c = (k % 28) - dx;
      return r >= 0 && r < 28 && c >= 0 && c < 28 ? img[r * 28 + c]! : 0;
    });
  let moved = 0;
  for (let i = 0; i < 16; i++) {
    const orig = a.subarray(i * 784, (i + 1) * 784);
    const got = b.subarray(i * 784, (i + 1) * 784);
    const offsets: [number, number][] = [];
    for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) offsets.push([dy, dx]);
    const match = offsets.find(([dy, dx]) => translate(orig, dy, dx).every((v, k) => v === got[k]));
    assert.ok(match, `image ${i} is not a ≤ 2 px translation of the original`);
    if (match[0] !== 0 || match[1] !== 0) moved++;
  }
  assert.ok(moved >= 10, `only ${moved} of 16 images moved`);
});
