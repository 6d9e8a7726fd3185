// Helpers: row-major copies, indexing, sparse expansion, int64 range checks, struct/cell access.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ArgumentError, DTypeError, IndexError } from '../../../src/errors.js';
import {
  at,
  cellAt,
  charText,
  colMajorIndex,
  field,
  readMat,
  readMatHeader,
  sparseToDense,
  toFloat64,
  toRowMajor,
  type MatValue,
} from '../../../src/io/mat/index.js';
import { dataPath, skipMissing } from '../../helpers/data.js';

const vars = readMat(new Uint8Array(readFileSync(resolve('test/golden/mat/files/scipy_v7z.mat'))), 'scipy_v7z.mat');
const custom = readMat(new Uint8Array(readFileSync(resolve('test/golden/mat/files/custom_be.mat'))), 'custom_be.mat');

function get<C extends MatValue['class']>(v: MatValue | undefined, cls: C): Extract<MatValue, { class: C }> {
  assert.ok(v && v.class === cls, `expected ${cls}, got ${v?.class}`);
  return v as Extract<MatValue, { class: C }>;
}

test('toRowMajor and at agree with numpy C order', () => {
  // cube = np.arange(24).reshape(2, 3, 4) in numpy.
  const cube = get(vars['cube'], 'double');
  assert.deepEqual(cube.dims, [2, 3, 4]);
  assert.deepEqual([...toRowMajor(cube).data], Array.from({ length: 24 }, (_, i) => i));
  assert.equal(at(cube, 1, 2, 3), 23);
  assert.equal(at(cube, 1, 0, 2), 14);
  assert.equal(colMajorIndex([2, 3, 4], [1, 2, 3]), 23);
  assert.equal(colMajorIndex([2, 3], [1]), 1);
  assert.throws(() => colMajorIndex([2, 3], [2, 0]), IndexError);
  // big = np.arange(300).reshape(20, 15) / 7
  const big = toRowMajor(get(vars['big'], 'double'));
  assert.deepEqual(big.shape, [20, 15]);
  big.data.forEach((x, i) => assert.equal(x, i / 7));
  const c = toRowMajor(get(vars['cplx'], 'double'));
  assert.deepEqual([...c.data], [1, -3.5, 0, 1e300]);
  assert.deepEqual([...c.imag!], [2, -0.25, 0, -1e-300]);
  const i16 = toRowMajor(get(vars['n_int16'], 'int16'));
  assert.ok(i16.data instanceof Int16Array);
  assert.deepEqual([...i16.data], [0, 1, 32767, -32768, 2, 32766]);
});

test('int64 values are exact BigInts; toFloat64 checks the range', () => {
  const i64 = get(custom['i64'], 'int64');
  assert.ok(i64.data instanceof BigInt64Array);
  assert.deepEqual([...i64.data], [-(2n ** 63n), 2n ** 53n + 1n, 2n ** 63n - 1n]);
  assert.throws(() => toFloat64(i64.data), IndexError);
  assert.deepEqual([...toFloat64(new BigInt64Array([-5n, 2n ** 53n - 1n]))], [-5, 2 ** 53 - 1]);
  assert.deepEqual([...toFloat64(get(custom['u8asdbl'], 'double').data)], [0, 7, 200, 255]);
  const u64 = get(custom['u64'], 'uint64');
  assert.deepEqual([...u64.data], [0n, 2n ** 64n - 1n]);
});

test('sparse, struct, cell and char helpers', () => {
  const sp = get(vars['sp'], 'sparse');
  const dense = sparseToDense(sp);
  assert.deepEqual(toRowMajor({ class: 'double', dims: dense.dims, data: dense.data, storage: 'double' }).data, new Float64Array([0, 1.5, 0, 0, 2, 0, 0, -3, 0, 0, 0, 4.25]));
  const spc = sparseToDense(get(vars['spc'], 'sparse'));
  assert.equal(spc.imag![1], -4); // (1, 0) = 2 * (1 - 2i)
  const scal = vars['scal']!;
  assert.equal(at(get(field(scal, 'alpha'), 'double'), 0), 1.25);
  assert.equal(get(field(field(scal, 'gamma'), 'deep'), 'char').text, 'nested');
  assert.throws(() => field(scal, 'nope'), ArgumentError);
  assert.throws(() => field(vars['str']!, 'x'), DTypeError);
  const sarr = get(vars['sarr'], 'struct');
  assert.deepEqual(sarr.dims, [1, 3]);
  assert.equal(get(field(sarr, 'name', 2), 'char').text, 'el2');
  assert.throws(() => field(sarr, 'name', 3), IndexError);
  const cell = vars['cellnest']!;
  assert.equal(get(cellAt(cell, 1, 0), 'char').text, 'two');
  assert.equal(get(cellAt(cellAt(cellAt(cell, 0, 1), 0, 1), 0), 'char').text, 'deep');
  assert.deepEqual(get(vars['charmat'], 'char').text, ['abc', 'de ', 'xyz']);
  assert.equal(get(vars['uni'], 'char').text, 'h\u00e9llo \u2713 \u03a9');
  assert.deepEqual(get(custom['c3d'], 'char').text, ['ab', 'cd']);
  assert.deepEqual(charText([3, 0], new Uint16Array(0)), ['', '', '']);
  const obj = get(vars['obj'], 'object');
  assert.equal(obj.className, 'myclass');
  assert.equal(get(field(obj, 'y'), 'char').text, 'why');
  assert.deepEqual(get(custom['nofields'], 'struct').elements, [{}]);
  const h = readMatHeader(readFileSync(resolve('test/golden/mat/files/scipy_v5.mat')));
  assert.equal(h.version, 0x0100);
  assert.match(h.text, /^MATLAB 5\.0 MAT-file, written by dendrite/);
});

test('shared spike data sets read as their README describes', (t) => {
  const reach = dataPath('spikes/centuri-hatsopoulos-reach/Dataset1.mat');
  const chewie = dataPath('spikes/kordinglab-dad/chewie_demo.mat');
  if (skipMissing(t, reach, chewie)) return;
  const d = readMat(new Uint8Array(readFileSync(reach)), reach);
  const dir = get(d['direction'], 'double');
  assert.deepEqual(dir.dims, [158, 1]);
  assert.equal(dir.storage, 'uint8');
  const counts = new Array<number>(8).fill(0);
  for (const x of dir.data) counts[x - 1]!++;
  assert.deepEqual(counts, [14, 12, 22, 20, 25, 24, 24, 17]);
  assert.deepEqual(get(d['R'], 'double').dims, [143, 158]);
  const c = readMat(new Uint8Array(readFileSync(chewie)), chewie);
  assert.deepEqual(Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v.dims])), {
    Tte: [1818, 1], Ttr: [1200, 1], Xte: [1818, 2], Xtr: [1200, 2], Yte: [1818, 71], Ytr: [1200, 71],
  });
  assert.equal(get(c['Ytr'], 'double').storage, 'uint8');
});
