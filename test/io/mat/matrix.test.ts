// matMatrix: a MAT variable as a row-major float64 matrix (the spike loaders' and decode spikes'
// one conversion), on scipy-written variables: numeric classes, logical and sparse convert,
// trailing singleton dims are squeezed, and complex, text, cell, 3-d, empty and missing
// variables are refused with a typed error naming the variable and the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ArgumentError, FormatError, IndexError } from '../../../src/errors.js';
import { listMatVars, matMatrix, readMat, toRowMajor, type MatNumeric } from '../../../src/io/mat/index.js';

const file = 'scipy_v7z.mat';
const vars = readMat(new Uint8Array(readFileSync(resolve('test/golden/mat/files', file))), file);

test('matMatrix: numeric, logical and sparse variables become row-major float64 (rows, cols)', () => {
  const d = matMatrix(vars, 'n_float64', file);
  assert.deepEqual([d.rows, d.cols], [2, 3]);
  assert.deepEqual([...d.data], [...toRowMajor(vars['n_float64'] as MatNumeric).data]);
  const u = matMatrix(vars, 'n_uint8', file);
  assert.ok(u.data instanceof Float64Array);
  assert.deepEqual([...u.data], [...(toRowMajor(vars['n_uint8'] as MatNumeric).data as Uint8Array)]);
  const i32 = matMatrix(vars, 'n_int32', file);
  assert.deepEqual([...i32.data], [...(toRowMajor(vars['n_int32'] as MatNumeric).data as Int32Array)]);
  // int64 beyond 2^53 has no exact double: refused (toFloat64's range check), never rounded
  assert.throws(() => matMatrix(vars, 'n_int64', file), (e: Error) => e instanceof IndexError && /int64 value 9223372036854775807 .* does not fit a double exactly/.test(e.message));
  const l = matMatrix(vars, 'logi', file);
  assert.deepEqual([l.rows, l.cols], [2, 3]);
  assert.ok(l.data.every((x) => x === 0 || x === 1));
  // sparse: the dense row-major expansion (scipy: sp.toarray())
  const sp = matMatrix(vars, 'sp', file);
  assert.deepEqual([sp.rows, sp.cols], [3, 4]);
  const s = vars['sp']!;
  assert.ok(s.class === 'sparse');
  let nz = 0;
  for (let j = 0; j < 4; j++) {
    for (let k: number = s.jc[j]!; k < s.jc[j + 1]!; k++) {
      assert.equal(sp.data[s.ir[k]! * 4 + j], s.data[k]);
      nz++;
    }
  }
  assert.equal(sp.data.filter((x) => x !== 0).length, nz);
});

test('matMatrix: trailing and leading singleton dims are squeezed; a real 3-d array is refused', () => {
  const base = vars['randn'] as MatNumeric; // 7×5
  for (const dims of [[7, 5, 1], [1, 7, 5], [7, 1, 5]]) {
    const m = matMatrix({ x: { ...base, dims } as MatNumeric }, 'x', 'squeeze.mat');
    assert.deepEqual([m.rows, m.cols], [7, 5], dims.join('×'));
    // row-major order of (7, 1, 5) is the row-major order of (7, 5)
    assert.deepEqual([...m.data], [...toRowMajor({ ...base, dims } as MatNumeric).data]);
  }
  assert.throws(() => matMatrix(vars, 'cube', file), (e: Error) => e instanceof FormatError && e.message === `mat: variable 'cube' in ${file} is 2×3×4; expected a matrix (rows × columns)`);
});

test('matMatrix: complex (dense and sparse), text, cell, empty and missing variables are typed errors', () => {
  const refused: [string, RegExp][] = [
    ['cplx', /^mat: variable 'cplx' in scipy_v7z\.mat is complex; expected a real matrix$/],
    ['spc', /^mat: variable 'spc' in scipy_v7z\.mat is complex; expected a real matrix$/],
    ['str', /^mat: variable 'str' in scipy_v7z\.mat is a char \(1×11 char\), not a numeric matrix; the file has n_float64 \(2×3 double\), /],
    ['cellnest', /is a cell \(2×2 cell\), not a numeric matrix/],
    ['sarr', /is a struct \(1×3 struct\), not a numeric matrix/],
    ['empty', /^mat: variable 'empty' in scipy_v7z\.mat is empty \(0×3\)$/],
    ['absent', /^mat: variable 'absent': scipy_v7z\.mat has no such variable; it has n_float64 \(2×3 double\), .*big \(20×15 double\)$/],
  ];
  for (const [name, re] of refused) assert.throws(() => matMatrix(vars, name, file), (e: Error) => e instanceof FormatError && re.test(e.message), name);
  // a command whose user named the variable throws its own error class, with its own label
  assert.throws(() => matMatrix(vars, 'spc', file, { label: "decode spikes: --spikes 'spc'", error: ArgumentError }), (e: Error) => e instanceof ArgumentError && e.message === "decode spikes: --spikes 'spc' in scipy_v7z.mat is complex; expected a real matrix");
  assert.equal(listMatVars({}), 'no variables');
});
