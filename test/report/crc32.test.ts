// CRC-32 has one implementation (report/crc32.ts): PNG chunks and io/compress (gzip, zip) share it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { crc32 as zlibCrc32 } from 'node:zlib';
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
    assert.equal(dv.getUint32(p + 8 + len), zlibCrc32(png.subarray(p + 4, p + 8 + len)), `chunk ${types.at(-1)}`);
    p += 12 + len;
  }
  assert.deepEqual(types, ['IHDR', 'IDAT', 'IEND']);
  assert.equal(dv.getUint32(png.length - 4), 0xae426082);
});

test('crc32: matches zlib on every length 0..4099 and every start offset 0..7 (the 8-bytes-at-a-time loop, its tail, unaligned views)', () => {
  const buf = new Uint8Array(4099 + 8);
  let s = 0x9e3779b9;
  for (let i = 0; i < buf.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    buf[i] = s >>> 24;
  }
  for (let n = 0; n <= 4099; n++) {
    const b = buf.subarray(0, n);
    const want = zlibCrc32(b);
    if (crc32(b) !== want) assert.fail(`length ${n}: ${crc32(b).toString(16)} != zlib ${want.toString(16)}`);
  }
  for (let off = 0; off < 8; off++) {
    for (const n of [15, 16, 17, 31, 64, 1000, 4099]) {
      const b = buf.subarray(off, off + n);
      assert.equal(crc32(b), zlibCrc32(b), `offset ${off} length ${n}`);
      // continuation across a split inside and outside an 8-byte block
      const k = Math.min(n, 11);
      assert.equal(crc32(b.subarray(k), crc32(b.subarray(0, k))), zlibCrc32(b), `offset ${off} length ${n} split at ${k}`);
    }
  }
});

test('crc32: the reflected polynomial 0xedb88320 appears in one source file only', () => {
  const holders = sourceFiles('src').filter((f) => /0xedb88320/i.test(readFileSync(f, 'utf8')));
  assert.deepEqual(holders, ['src/report/crc32.ts']);
});
