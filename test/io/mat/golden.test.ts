// readMat against scipy.io.loadmat: crafted files (test/golden/mat/files, every class, both byte
// orders, compressed and not) and the shared data sets' MAT-files (summaries).
// Regenerate with: /usr/bin/python3 scripts/golden/mat_reference.py
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readMat, readMatHeader } from '../../../src/io/mat/index.js';
import { dataPath, skipMissing } from '../../helpers/data.js';
import { compareValue } from './compare.js';

const GOLDEN = resolve('test/golden/mat');

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(dir, f));
}

function check(bytes: Uint8Array, exp: any, source: string): void {
  const vars = readMat(bytes, source);
  assert.deepEqual(Object.keys(vars), exp.order, `${source}: variable names in file order`);
  for (const [name, desc] of Object.entries(exp.variables)) compareValue(vars[name]!, desc, `'${name}'`);
}

for (const path of jsonFiles(join(GOLDEN, 'expected'))) {
  const exp = JSON.parse(readFileSync(path, 'utf8'));
  test(`crafted ${exp.file} matches scipy.io.loadmat`, () => {
    const bytes = new Uint8Array(readFileSync(join(GOLDEN, exp.file)));
    check(bytes, exp, exp.file);
    // Also from an unaligned view into a larger buffer, and from an ArrayBuffer.
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    check(padded.subarray(3), exp, exp.file);
    const again = readMat(bytes.slice().buffer, exp.file);
    assert.deepEqual(Object.keys(again), exp.order);
  });
}

test('big- and little-endian custom files hold the same values', () => {
  const le = readMat(new Uint8Array(readFileSync(join(GOLDEN, 'files/custom_le.mat'))));
  const be = readMat(new Uint8Array(readFileSync(join(GOLDEN, 'files/custom_be.mat'))));
  assert.deepEqual(be, le);
  assert.equal(readMatHeader(readFileSync(join(GOLDEN, 'files/custom_be.mat'))).endian, '>');
  assert.equal(readMatHeader(readFileSync(join(GOLDEN, 'files/custom_le.mat'))).endian, '<');
});

test('compressed and uncompressed scipy files hold the same values', () => {
  const a = readMat(new Uint8Array(readFileSync(join(GOLDEN, 'files/scipy_v5.mat'))));
  const b = readMat(new Uint8Array(readFileSync(join(GOLDEN, 'files/scipy_v7z.mat'))));
  assert.deepEqual(b, a);
});

for (const path of jsonFiles(join(GOLDEN, 'shared'))) {
  const exp = JSON.parse(readFileSync(path, 'utf8'));
  test(`shared ${exp.file} matches scipy.io.loadmat`, (t) => {
    const file = dataPath(exp.file);
    if (skipMissing(t, file)) return;
    const bytes = new Uint8Array(readFileSync(file));
    assert.equal(bytes.length, exp.bytes, `${exp.file}: size`);
    const h = readMatHeader(bytes, exp.file);
    assert.match(h.text, /^MATLAB 5\.0 MAT-file/);
    check(bytes, exp, exp.file);
  });
}
