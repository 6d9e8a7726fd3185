import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { gzipSync, zlibSync } from 'fflate';
import { FormatError } from '../../../src/errors.js';
import { adler32, crc32, gunzip, Inflater, unzlib } from '../../../src/io/compress/index.js';

/** Deterministic bytes that compress somewhat (runs and noise). */
function sample(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s >>> 24) < 96 ? (s >>> 16) & 0xff : i & 0x0f;
  }
  return out;
}

const flip = (b: Uint8Array, at: number, mask = 1): Uint8Array => {
  const c = b.slice();
  c[at] = c[at]! ^ mask;
  return c;
};

const throwsFormat = (f: () => unknown, re: RegExp): void => {
  assert.throws(f, (e: unknown) => e instanceof FormatError && re.test((e as Error).message) && (e as Error).message.startsWith('lbl.gz: '), String(re));
};

test('crc32 and adler32 match zlib (known vectors and random data)', () => {
  const nine = new TextEncoder().encode('123456789');
  assert.equal(crc32(nine), 0xcbf43926);
  assert.equal(adler32(new TextEncoder().encode('Wikipedia')), 0x11e60398);
  for (const n of [0, 1, 5551, 5552, 5553, 100_000]) {
    const d = sample(n, n + 7);
    assert.equal(crc32(d), zlib.crc32(d), `crc32 n=${n}`);
    assert.equal(crc32(d.subarray(n >> 1), crc32(d.subarray(0, n >> 1))), zlib.crc32(d), `crc32 continued n=${n}`);
    // zlib's own Adler-32 is the trailer of a zlib stream
    const z = zlib.deflateSync(d);
    assert.equal(adler32(d), new DataView(z.buffer, z.byteOffset, z.length).getUint32(z.length - 4, false), `adler32 n=${n}`);
    assert.equal(adler32(d.subarray(n >> 1), adler32(d.subarray(0, n >> 1))), adler32(d), `adler32 continued n=${n}`);
  }
  // a long run of 0xff exercises the modulo reduction
  const ff = new Uint8Array(70_000).fill(0xff);
  const z = zlib.deflateSync(ff);
  assert.equal(adler32(ff), new DataView(z.buffer, z.byteOffset, z.length).getUint32(z.length - 4, false));
});

test('gunzip/unzlib round-trip streams from fflate and zlib (sizes, levels, header fields, members, padding)', () => {
  for (const n of [0, 1, 100, 8191, 8192, 8193, 300_000]) {
    const d = sample(n, n);
    for (const gz of [gzipSync(d), gzipSync(d, { level: 0 }), zlib.gzipSync(d, { level: 9 }), gzipSync(d, { filename: 'name.nii', mtime: 0 })]) {
      assert.deepEqual(gunzip(gz, 'lbl.gz'), d, `gzip n=${n}`);
    }
    for (const z of [zlibSync(d), zlib.deflateSync(d, { level: 1 })]) assert.deepEqual(unzlib(z, 'lbl.gz'), d, `zlib n=${n}`);
  }
  // two members (as `cat a.gz b.gz`), then zero padding: both members, each checked
  const a = sample(20_000, 3), b = sample(9_000, 4);
  const two = Uint8Array.from([...gzipSync(a), ...zlib.gzipSync(b), 0, 0, 0, 0]);
  const inf = new Inflater(two, 'gzip', 'lbl.gz');
  assert.deepEqual(inf.readAll(), Uint8Array.from([...a, ...b]));
  assert.equal(inf.members, 2);
  assert.equal(inf.consumed, two.length);
  // a header with FEXTRA, FNAME, FCOMMENT and FHCRC
  const body = zlib.deflateRawSync(a);
  const crc = crc32(a);
  const hdr = [0x1f, 0x8b, 8, 4 | 8 | 16 | 2, 0, 0, 0, 0, 0, 3, 3, 0, 1, 2, 3, ...new TextEncoder().encode('f.nii'), 0, 0x63, 0, 0xaa, 0xbb];
  const trailer = [crc & 0xff, (crc >>> 8) & 0xff, (crc >>> 16) & 0xff, crc >>> 24, a.length & 0xff, (a.length >>> 8) & 0xff, a.length >>> 16, 0];
  assert.deepEqual(gunzip(Uint8Array.from([...hdr, ...body, ...trailer]), 'lbl.gz'), a);
  // bytes after a zlib stream are ignored, as by zlib.decompress (scipy's reader)
  assert.deepEqual(unzlib(Uint8Array.from([...zlibSync(a), 1, 2, 3]), 'lbl.gz'), a);
});

test('checksums and sizes are verified: a mismatch is a FormatError naming the stream', () => {
  const d = sample(50_000, 9);
  const gz = gzipSync(d);
  const n = gz.length;
  throwsFormat(() => gunzip(flip(gz, n - 8), 'lbl.gz'), /gzip: CRC32 mismatch/);
  throwsFormat(() => gunzip(flip(gz, n - 1, 0x80), 'lbl.gz'), /gzip: ISIZE mismatch.*50000/);
  throwsFormat(() => gunzip(gz.subarray(0, n - 3), 'lbl.gz'), /truncated.*trailer/);
  throwsFormat(() => gunzip(gz.subarray(0, n >> 1), 'lbl.gz'), /truncated/);
  throwsFormat(() => gunzip(Uint8Array.from([...gz, 0, 7]), 'lbl.gz'), /trailing data/);
  throwsFormat(() => gunzip(flip(gz, 2), 'lbl.gz'), /compression method/);
  const z = zlibSync(d);
  throwsFormat(() => unzlib(flip(z, z.length - 1), 'lbl.gz'), /zlib: Adler-32 mismatch/);
  throwsFormat(() => unzlib(z.subarray(0, z.length - 2), 'lbl.gz'), /truncated.*Adler-32/);
  throwsFormat(() => unzlib(flip(z, 1), 'lbl.gz'), /header check/);
  // Corrupting the deflate data: every outcome is an error, never different bytes
  let errors = 0;
  for (let i = 0; i < 400; i++) {
    const at = 10 + ((i * 7919) % (n - 18));
    const bad = flip(gz, at, 1 << (i % 8));
    try {
      const out = gunzip(bad, 'lbl.gz');
      assert.deepEqual(out, d, `flip at ${at} decoded to different bytes`);
    } catch (e) {
      assert.ok(e instanceof FormatError, `flip at ${at}: ${(e as Error).name}`);
      errors++;
    }
  }
  assert.ok(errors > 350, `${errors} of 400 flips detected`);
});

test('Inflater stops where asked and finds the trailer after the exact end of the deflate data', () => {
  const d = sample(2_000_000, 5);
  const gz = zlib.gzipSync(d, { level: 1 });
  const inf = new Inflater(gz, 'gzip', 'lbl.gz');
  assert.ok(inf.fill(1000) >= 1000);
  assert.ok(!inf.ended);
  assert.ok(inf.consumed < gz.length / 10, `consumed ${inf.consumed} of ${gz.length}`);
  assert.deepEqual(inf.output.subarray(0, 1000), d.subarray(0, 1000));
  assert.equal(inf.readTo(1500), false);
  assert.ok(inf.length < 1500 + 8192 * 1032);
  assert.equal(inf.readTo(Infinity), true);
  assert.deepEqual(inf.output, d);
  throwsFormat(() => new Inflater(gz, 'gzip', 'lbl.gz').readAll(1_000_000), /more than 1000000 bytes/);
  // The end of the deflate data at every bit position within its last byte: stored, fixed and
  // dynamic blocks of many lengths; the trailer is found only if the end is located exactly.
  for (let n = 0; n < 300; n += 7) {
    for (const level of [0, 1, 9]) {
      const x = sample(n, n * 3 + level);
      assert.deepEqual(gunzip(zlib.gzipSync(x, { level }), 'lbl.gz'), x, `n=${n} level=${level}`);
    }
  }
});
