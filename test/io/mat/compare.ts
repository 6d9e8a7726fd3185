// Compares a MatValue with the description scripts/golden/mat_reference.py wrote from
// scipy.io.loadmat (see that script's docstring for the format).
import assert from 'node:assert/strict';
import type { MatValue } from '../../../src/io/mat/index.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Desc = any;

/** Relative tolerance of sums, against the sum of |v| (summation order differs from numpy's). */
export const SUM_RTOL = 1e-12;

function decode(x: unknown): number {
  if (x === 'NaN') return NaN;
  if (x === 'Infinity') return Infinity;
  if (x === '-Infinity') return -Infinity;
  return x as number;
}

/** Exact equality (NaN equals NaN; -0 and 0 differ unless `signedZero` is false). */
function sameNumber(a: number, e: number, msg: string, signedZero = true): void {
  if (Number.isNaN(e)) assert.ok(Number.isNaN(a), `${msg}: got ${a}, expected NaN`);
  else assert.ok(signedZero ? Object.is(a, e) : a === e, `${msg}: got ${a}, expected ${e}`);
}

function close(a: number, e: number, scale: number, msg: string): void {
  if (!Number.isFinite(e) || !Number.isFinite(a)) {
    // Overflowing sums: numpy's pairwise order may give inf where a sequential sum gives NaN or
    // vice versa; require only that both are non-finite.
    assert.ok(!Number.isFinite(a), `${msg}: got ${a}, expected ${e}`);
    return;
  }
  assert.ok(Math.abs(a - e) <= SUM_RTOL * scale + 1e-300, `${msg}: got ${a}, expected ${e} (scale ${scale})`);
}

/** Known, deliberate differences from scipy, by path. */
const KNOWN: Record<string, (a: MatValue, e: Desc) => boolean> = {
  // A 0-byte miMATRIX is MATLAB's [] (0x0 double); scipy returns np.array([[]]), shape (1, 0).
  "'cel'{4}": (a, e) => a.class === 'double' && a.dims.join() === '0,0' && e.dims.join() === '1,0',
};

// scipy writes bool sparse matrices with the logical flag but reads every sparse matrix back
// as double; the reader reports the flag (MATLAB's logical sparse). Values still compared.
const LOGICAL_SPARSE = new Set(["'spl'"]);

export function compareValue(a: MatValue, e: Desc, path: string): void {
  if (KNOWN[path]?.(a, e)) return;
  if (LOGICAL_SPARSE.has(path) && a.class === 'sparse') {
    assert.equal(a.logical, true, `${path}: logical`);
    e = { ...e, logical: true };
  }
  if (e.truncated && !e.class) return;
  assert.equal(a.class, e.class, `${path}: class`);
  assert.deepEqual(a.dims, e.dims, `${path}: dims`);
  switch (a.class) {
    case 'logical': {
      if (e.values) assert.deepEqual([...a.data], e.values, `${path}: values`);
      else compareNumeric([...a.data], e, path, false);
      return;
    }
    case 'char':
      assert.deepEqual([...a.data], e.codes, `${path}: codes`);
      assert.deepEqual(a.text, e.text, `${path}: text`);
      return;
    case 'sparse':
      assert.equal(a.logical, e.logical, `${path}: logical`);
      assert.deepEqual([...a.ir], e.ir, `${path}: ir`);
      assert.deepEqual([...a.jc], e.jc, `${path}: jc`);
      assert.deepEqual([...a.data], e.data.map(decode), `${path}: data`);
      if (e.imag) assert.deepEqual([...(a.imag ?? [])], e.imag.map(decode), `${path}: imag`);
      else assert.equal(a.imag, undefined, `${path}: imag`);
      return;
    case 'cell': {
      const n = e.truncated ? e.cells.length : a.cells.length;
      assert.equal(n, e.cells.length, `${path}: number of cells`);
      for (let i = 0; i < n; i++) compareValue(a.cells[i]!, e.cells[i], `${path}{${i + 1}}`);
      return;
    }
    case 'struct':
    case 'object': {
      assert.deepEqual(a.fieldNames, e.fieldNames, `${path}: field names`);
      if (a.class === 'object') assert.equal(a.className, e.className, `${path}: class name`);
      const n = e.truncated ? e.elements.length : a.elements.length;
      assert.equal(n, e.elements.length, `${path}: number of elements`);
      for (let i = 0; i < n; i++) {
        assert.deepEqual(Object.keys(a.elements[i]!), e.fieldNames, `${path}(${i + 1}): keys`);
        for (const f of e.fieldNames as string[]) {
          compareValue(a.elements[i]![f]!, e.elements[i][f], `${path}(${i + 1}).${f}`);
        }
      }
      return;
    }
    case 'function':
    case 'opaque':
      return;
    default: {
      if (e.storage) assert.equal(a.storage, e.storage, `${path}: storage`);
      assert.equal(a.imag !== undefined, e.complex, `${path}: complex`);
      const big = a.class === 'int64' || a.class === 'uint64';
      compareNumeric([...a.data], e, path, big);
      if (e.imag) compareList([...a.imag!], e.imag, `${path}: imag`, big);
      if (e.imagSummary) compareNumeric([...a.imag!], e.imagSummary, `${path} imag`, big);
    }
  }
}

function compareList(a: (number | bigint)[], e: unknown[], msg: string, big: boolean): void {
  assert.equal(a.length, e.length, `${msg}: length`);
  for (let i = 0; i < a.length; i++) {
    if (big) assert.equal(a[i], BigInt(e[i] as string), `${msg}[${i}]`);
    else sameNumber(Number(a[i]), decode(e[i]), `${msg}[${i}]`);
  }
}

function compareNumeric(a: (number | bigint)[], e: Desc, path: string, big: boolean): void {
  if (e.n !== undefined) assert.equal(a.length, e.n, `${path}: n`);
  if (e.values) compareList(a, e.values, `${path}: values`, big);
  if (a.length === 0 || e.sum === undefined) return;
  if (big) {
    const v = a as bigint[];
    let sum = 0n;
    let wsum = 0n;
    let min = v[0]!;
    let max = v[0]!;
    v.forEach((x, i) => {
      sum += x;
      wsum += x * BigInt((i % 13) + 1);
      if (x < min) min = x;
      if (x > max) max = x;
    });
    assert.equal(sum, BigInt(e.sum), `${path}: sum`);
    assert.equal(wsum, BigInt(e.wsum), `${path}: wsum`);
    assert.equal(min, BigInt(e.min), `${path}: min`);
    assert.equal(max, BigInt(e.max), `${path}: max`);
    for (const [i, x] of e.samples as [number, string][]) assert.equal(v[i], BigInt(x), `${path}[${i}]`);
    return;
  }
  const v = a.map(Number);
  let sum = 0;
  let wsum = 0;
  let scale = 0;
  let wscale = 0;
  let min = Infinity;
  let max = -Infinity;
  let nan = false;
  v.forEach((x, i) => {
    sum += x;
    wsum += x * ((i % 13) + 1);
    scale += Math.abs(x);
    wscale += Math.abs(x) * ((i % 13) + 1);
    if (Number.isNaN(x)) nan = true;
    if (x < min) min = x;
    if (x > max) max = x;
  });
  if (nan) min = max = NaN;
  close(sum, decode(e.sum), scale, `${path}: sum`);
  close(wsum, decode(e.wsum), wscale, `${path}: wsum`);
  sameNumber(min, decode(e.min), `${path}: min`, false);
  sameNumber(max, decode(e.max), `${path}: max`, false);
  for (const [i, x] of e.samples as [number, unknown][]) sameNumber(v[i]!, decode(x), `${path}[${i}]`);
}
