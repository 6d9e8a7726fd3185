// Malformed input: every failure is a FormatError naming the file and the element.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FormatError } from '../../../src/errors.js';
import { readMat } from '../../../src/io/mat/index.js';

const FILES = resolve('test/golden/mat/files');
const load = (name: string): Uint8Array => new Uint8Array(readFileSync(resolve(FILES, name)));

function throwsFormat(fn: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof FormatError, `expected FormatError, got ${String(err)}`);
    for (const p of patterns) assert.match(err.message, p);
    return true;
  });
}

test('truncated files name the variable and the byte offset', () => {
  const bytes = load('scipy_v5.mat');
  // Cut inside the last variable ('big', 300 doubles).
  throwsFormat(() => readMat(bytes.subarray(0, bytes.length - 100), 'cut.mat'), /^cut\.mat: /, /variable 'big'/, /truncated element/, /at byte \d+/);
  // Cut inside a tag.
  throwsFormat(() => readMat(bytes.subarray(0, 128 + 5), 'cut.mat'), /cut\.mat: element 1 at byte 128: truncated element tag/);
  // A sub-element whose byte count runs past its matrix: grow 'dbl''s real-part count.
  const le = load('custom_le.mat');
  const v = new DataView(le.buffer, le.byteOffset);
  assert.equal(v.getUint32(176, true), 9); // miDOUBLE tag of 'dbl'
  v.setUint32(180, 4096, true);
  throwsFormat(() => readMat(le, 'grown.mat'), /grown\.mat: variable 'dbl' at byte 176: truncated element/);
});

test('unknown data type tags', () => {
  const bytes = load('custom_le.mat');
  const v = new DataView(bytes.buffer, bytes.byteOffset);
  assert.equal(v.getUint32(176, true), 9);
  v.setUint32(176, 99, true);
  throwsFormat(() => readMat(bytes, 'tag.mat'), /tag\.mat: variable 'dbl' at byte 176: unknown data type 99/);
  const top = load('custom_le.mat');
  new DataView(top.buffer, top.byteOffset).setUint32(128, 99, true);
  throwsFormat(() => readMat(top, 'top.mat'), /top\.mat: element 1 at byte 128: unknown data type 99/);
  // A known type where a matrix must be.
  const wrong = load('custom_be.mat');
  new DataView(wrong.buffer, wrong.byteOffset).setUint32(128, 9, false);
  throwsFormat(() => readMat(wrong, 'be.mat'), /be\.mat: element 1 at byte 128: expected miMATRIX or miCOMPRESSED at top level, got miDOUBLE/);
  // An unknown array class.
  const cls = load('custom_le.mat');
  assert.equal(cls[144], 6); // mxDOUBLE_CLASS of 'dbl'
  cls[144] = 42;
  throwsFormat(() => readMat(cls, 'cls.mat'), /cls\.mat: variable 'dbl' at byte 136: unknown array class 42/);
});

test('corrupt compressed streams', () => {
  const bytes = load('scipy_v7z.mat');
  const v = new DataView(bytes.buffer, bytes.byteOffset);
  assert.equal(v.getUint32(128, true), 15); // miCOMPRESSED
  const n = v.getUint32(132, true);
  const bad = bytes.slice();
  bad.fill(0xff, 128 + 8 + 2, 128 + 8 + Math.min(n, 20));
  throwsFormat(() => readMat(bad, 'z.mat'), /^z\.mat: element 1 .*at byte 128/, /miCOMPRESSED/);
  // The zlib header itself.
  const hdr = bytes.slice();
  hdr[136] = 0x00;
  throwsFormat(() => readMat(hdr, 'z.mat'), /z\.mat: element 1 \(miCOMPRESSED, \d+ bytes\) at byte 128: zlib: bad header byte CMF 0x0/);
  // A stream cut short (its element ends early).
  const cut = bytes.slice();
  new DataView(cut.buffer).setUint32(132, Math.floor(n / 2), true);
  throwsFormat(() => readMat(cut, 'z.mat'), /z\.mat: element 1/, /miCOMPRESSED/);
});

test('a compressed element is checked against its Adler-32', () => {
  const bytes = load('scipy_v7z.mat');
  const v = new DataView(bytes.buffer, bytes.byteOffset);
  const n = v.getUint32(132, true);
  const end = 128 + 8 + n; // the element's last 4 bytes are the big-endian Adler-32
  for (const at of [end - 1, end - 4]) {
    const bad = bytes.slice();
    bad[at] = bad[at]! ^ 0x01;
    throwsFormat(() => readMat(bad, 'z.mat'), /^z\.mat: element 1 .*\(miCOMPRESSED, \d+ bytes\) at byte 128: zlib: Adler-32 mismatch: trailer says 0x[0-9a-f]{8}, the data inflate to 0x[0-9a-f]{8}/);
  }
});

test('corrupt compressed streams never decode to different values', () => {
  // Single-bit flips spread over every compressed element of scipy's v7 file: each one is either
  // a FormatError or, where deflate ignores the bit, the same values.
  const bytes = load('scipy_v7z.mat');
  const v = new DataView(bytes.buffer, bytes.byteOffset);
  const ref = readMat(bytes, 'z.mat');
  const spans: [number, number][] = [];
  for (let p = 128; p < bytes.length; p += 8 + v.getUint32(p + 4, true)) {
    assert.equal(v.getUint32(p, true), 15); // miCOMPRESSED
    spans.push([p + 8 + 2, p + 8 + v.getUint32(p + 4, true)]); // after the zlib header
  }
  let errors = 0, tries = 0;
  for (const [from, to] of spans) {
    for (let i = 0; i < 40; i++, tries++) {
      const at = from + Math.floor(((i + 0.5) / 40) * (to - from));
      const bad = bytes.slice();
      bad[at] = bad[at]! ^ (1 << (i % 8));
      try {
        assert.deepEqual(readMat(bad, 'z.mat'), ref, `flip at byte ${at} decoded to different values`);
      } catch (err) {
        if (!(err instanceof FormatError)) throw err;
        errors++;
      }
    }
  }
  assert.ok(errors >= tries - tries / 20, `${errors} of ${tries} flips detected`);
});

test('not a MAT-file, and v7.3 (HDF5) files', () => {
  throwsFormat(() => readMat(new TextEncoder().encode('hello'), 'tiny.txt'), /tiny\.txt: not a MAT-file: 5 bytes/);
  throwsFormat(() => readMat(new TextEncoder().encode('x'.repeat(300)), 'text.txt'), /text\.txt: not a Level 5 MAT-file: endian indicator/);
  throwsFormat(() => readMat(new Uint8Array(0)), /<bytes>: not a MAT-file/);
  const h5 = new Uint8Array(1024);
  h5.set(new TextEncoder().encode('MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Mon Jan  1 00:00:00 2024 HDF5 schema 1.00 .'));
  throwsFormat(() => readMat(h5, 'v73.mat'), /v73\.mat: MAT-file v7\.3 \(an HDF5 file\)/, /HDF5 reader/);
  const sig = new Uint8Array(1024);
  sig.set([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a], 512);
  throwsFormat(() => readMat(sig, 'h5.mat'), /h5\.mat: MAT-file v7\.3/);
  const ver = load('custom_le.mat');
  ver[124] = 0x00;
  ver[125] = 0x02;
  throwsFormat(() => readMat(ver, 'ver.mat'), /ver\.mat: unsupported MAT-file version 0x200/);
});

test('random corruption throws only FormatError', () => {
  // Deterministic LCG; flips bytes and cuts files. Any other exception type is a bug.
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  for (const name of ['scipy_v5.mat', 'scipy_v7z.mat', 'custom_le.mat', 'custom_be.mat']) {
    const orig = load(name);
    for (let k = 0; k < 300; k++) {
      let b = orig.slice();
      const flips = 1 + rand(4);
      for (let f = 0; f < flips; f++) b[128 + rand(b.length - 128)] = rand(256);
      if (k % 5 === 0) b = b.subarray(0, 128 + rand(b.length - 128));
      try {
        readMat(b, name);
      } catch (err) {
        assert.ok(err instanceof FormatError, `${name} mutation ${k}: ${String(err)}`);
        assert.ok(err.message.startsWith(`${name}: `), err.message);
      }
    }
  }
});
