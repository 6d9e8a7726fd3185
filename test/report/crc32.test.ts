// CRC-32 has one implementation (report/crc32.ts): PNG chunks and io/compress (gzip, zip) share it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { crc32 } from '../../src/report/crc32.js';
import { crc32 as ioCrc32 } from '../../src/io/compress/index.js';
import { encodePng } from '../../src/report/png.js';
import { sourceFiles } from '../architecture/imports.js';

test('crc32: check value of "123456789" is 0xcbf43926, incremental continuation matches one pass, io/compress re-exports the same function', () => {
  const b = new TextEncoder().encode('123456789');
  assert.equal(crc32(b), 0xcbf43926);
  assert.equal(crc32(b.subarray(4), crc32(b.subarray(0, 4))), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
  assert.equal(ioCrc32, crc32);
});

test('crc32: every PNG chunk carries the CRC of its type and data (IEND = 0xae426082)', () => {
  const png = encodePng(3, 2, new Uint8Array([0, 50, 100, 150, 200, 250]), 1);
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const types: string[] = [];
  for (let p = 8; p < png.length;) {
    const len = dv.getUint32(p);
    types.push(String.fromCharCode(...png.subarray(p + 4, p + 8)));
    assert.equal(dv.getUint32(p + 8 + len), crc32(png.subarray(p + 4, p + 8 + len)));
    p += 12 + len;
  }
  assert.deepEqual(types, ['IHDR', 'IDAT', 'IEND']);
  assert.equal(dv.getUint32(png.length - 4), 0xae426082);
});

test('crc32: the reflected polynomial 0xedb88320 appears in one source file only', () => {
  const holders = sourceFiles('src').filter((f) => /0xedb88320/i.test(readFileSync(f, 'utf8')));
  assert.deepEqual(holders, ['src/report/crc32.ts']);
});
