// .nii.gz streams: a decompression bomb costs what its image costs, and a stream read to its end
// is checked against its CRC32/ISIZE trailer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as zlib from 'node:zlib';
import { FormatError } from '../../../src/errors.js';
import { readNifti, VERIFY_SLACK } from '../../../src/io/nifti/index.js';
import { dataPath, skipUnlessData } from '../../helpers/data.js';

const ANAT = dataPath('nifti/nibabel/anatomical.nii');
const EPI = dataPath('nifti/nibabel/someones_epi.nii.gz');

const MIB = 1 << 20;

/** gzip's CRC-32 of `crc`'s data followed by `n` MiB of zeros, without hashing them: appending
 *  a MiB of zeros is an affine map over GF(2)^32, composed by squaring. */
function crcAfterZeroMiB(crc: number, n: number): number {
  const zeros = new Uint8Array(MIB);
  type Affine = { cols: number[]; k: number };
  const apply = (f: Affine, v: number): number => {
    let r = f.k;
    for (let j = 0; j < 32; j++) if ((v >>> j) & 1) r ^= f.cols[j]!;
    return r >>> 0;
  };
  const linear = (f: Affine, v: number): number => (apply(f, v) ^ f.k) >>> 0;
  const compose = (g: Affine, f: Affine): Affine => ({ cols: f.cols.map((c) => linear(g, c)), k: apply(g, f.k) });
  const k = zlib.crc32(zeros, 0);
  let step: Affine = { cols: Array.from({ length: 32 }, (_, j) => (zlib.crc32(zeros, (1 << j) >>> 0) ^ k) >>> 0), k };
  let acc: Affine = { cols: Array.from({ length: 32 }, (_, j) => (1 << j) >>> 0), k: 0 };
  for (let m = n; m > 0; m >>= 1) {
    if (m & 1) acc = compose(step, acc);
    step = compose(step, step);
  }
  return apply(acc, crc);
}

/** One valid gzip stream: `image`, then `mib` MiB of zeros at deflate's best ratio (~1 KiB per MiB). */
function bomb(image: Uint8Array, mib: number): Uint8Array {
  const flush = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const head = zlib.deflateRawSync(image, flush); // non-final blocks, ends on a byte boundary
  const unit = zlib.deflateRawSync(new Uint8Array(MIB), flush); // self-contained: a 0 literal, then distance-1 copies
  const total = image.length + mib * MIB;
  const crc = crcAfterZeroMiB(zlib.crc32(image), mib);
  const out = new Uint8Array(10 + head.length + mib * unit.length + 2 + 8);
  out.set([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
  let p = 10;
  out.set(head, p);
  p += head.length;
  for (let i = 0; i < mib; i++, p += unit.length) out.set(unit, p);
  out.set([0x03, 0x00], p); // final empty fixed-Huffman block
  p += 2;
  const dv = new DataView(out.buffer);
  dv.setUint32(p, crc, true);
  dv.setUint32(p + 4, total % 2 ** 32, true);
  return out;
}

test('a .nii.gz padded with 1 GiB of compressed zeros reads its image and stops inflating', { skip: skipUnlessData(ANAT) }, () => {
  const nii = new Uint8Array(readFileSync(ANAT));
  // The construction is a valid gzip stream (checked in full by zlib on a 3 MiB version).
  const small = new Uint8Array(nii.length + 3 * MIB);
  small.set(nii);
  assert.ok(zlib.gunzipSync(bomb(nii, 3)).equals(small));
  const gz = bomb(nii, 1024);
  assert.ok(gz.length < 1.2 * MIB, `bomb is ${gz.length} bytes`);
  const ref = readNifti(nii, 'anatomical.nii', { data: 'float64' });
  const img = readNifti(gz, 'bomb.nii.gz', { data: 'float64' });
  assert.deepEqual(img.shape, ref.shape);
  assert.deepEqual(img.affine, ref.affine);
  assert.deepEqual(img.data, ref.data);
  // Stopped after the image: a small fraction of the input consumed, nowhere near 1 GiB out.
  const info = img.gzip!;
  assert.equal(info.verified, false);
  assert.equal(info.size, gz.length);
  assert.ok(info.consumed < gz.length / 4, `consumed ${info.consumed} of ${gz.length} compressed bytes`);
  assert.ok(info.inflated >= nii.length && info.inflated <= nii.length + VERIFY_SLACK + 8192 * 1032, `inflated ${info.inflated}`);
  assert.equal(ref.gzip, null);
});

test('a .nii.gz whose stream ends near the image is CRC32/ISIZE-checked', { skip: skipUnlessData(ANAT) }, () => {
  const nii = new Uint8Array(readFileSync(ANAT));
  // A little trailing data (within VERIFY_SLACK) is read through to the trailer.
  const gz = bomb(nii, 0);
  const padded = bomb(nii, 1);
  for (const b of [gz, padded]) {
    const img = readNifti(b, 'ok.nii.gz');
    assert.deepEqual(img.gzip, { consumed: b.length, size: b.length, inflated: nii.length + (b === gz ? 0 : MIB), verified: true });
  }
  const bad = (b: Uint8Array, re: RegExp) =>
    assert.throws(() => readNifti(b, 'bad.nii.gz'), (e: unknown) => e instanceof FormatError && re.test((e as Error).message) && (e as Error).message.startsWith('readNifti: bad.nii.gz: gzip: '));
  for (const b of [gz, padded]) {
    const crc = b.slice();
    crc[b.length - 8] ^= 0x10;
    bad(crc, /CRC32 mismatch/);
    const isize = b.slice();
    isize[b.length - 3] ^= 0x01;
    bad(isize, /ISIZE mismatch/);
  }
});

test('corrupt .nii.gz streams never decode to different values', { skip: skipUnlessData(EPI) }, () => {
  const gz = new Uint8Array(readFileSync(EPI));
  const ref = readNifti(gz, 'someones_epi.nii.gz', { data: 'raw' });
  let errors = 0;
  const n = 200;
  for (let i = 0; i < n; i++) {
    // single-bit flips spread over the deflate data and the trailer
    const at = 10 + Math.floor(((i + 0.5) / n) * (gz.length - 10));
    const b = gz.slice();
    b[at] ^= 1 << (i % 8);
    try {
      const img = readNifti(b, 'flipped.nii.gz', { data: 'raw' });
      assert.deepEqual(img.shape, ref.shape, `flip at byte ${at}`);
      assert.deepEqual(img.data, ref.data, `flip at byte ${at} decoded to different voxels`);
    } catch (e) {
      assert.ok(e instanceof FormatError, `flip at byte ${at}: ${(e as Error).name}: ${(e as Error).message}`);
      assert.match((e as Error).message, /flipped\.nii\.gz/);
      errors++;
    }
  }
  assert.ok(errors >= n - 5, `${errors} of ${n} flips detected`);
  assert.equal(ref.gzip!.verified, true);
});

test('a gzipped .hdr/.img pair: both streams checked, errors name which', { skip: skipUnlessData(ANAT) }, () => {
  const nii = new Uint8Array(readFileSync(ANAT));
  const hdr = nii.slice(0, 352);
  hdr.set([0x6e, 0x69, 0x31, 0], 344); // 'ni1'
  new DataView(hdr.buffer).setFloat32(108, 0, false); // big-endian file; the image starts at 0
  const hgz = new Uint8Array(zlib.gzipSync(hdr)), igz = new Uint8Array(zlib.gzipSync(nii.subarray(352)));
  const ref = readNifti(nii);
  const img = readNifti(hgz, 'pair.hdr.gz', { image: igz });
  assert.deepEqual(img.data, ref.data);
  assert.deepEqual(img.gzip, { consumed: igz.length, size: igz.length, inflated: nii.length - 352, verified: true });
  const flip = (b: Uint8Array) => {
    const c = b.slice();
    c[c.length - 7] ^= 0x40;
    return c;
  };
  assert.throws(() => readNifti(flip(hgz), 'pair.hdr.gz', { image: igz }), (e: unknown) => e instanceof FormatError && /^readNifti: pair\.hdr\.gz: gzip: CRC32 mismatch/.test(e.message));
  assert.throws(() => readNifti(hgz, 'pair.hdr.gz', { image: flip(igz) }), (e: unknown) => e instanceof FormatError && /^readNifti: pair\.hdr\.gz \(image file\): gzip: CRC32 mismatch/.test(e.message));
});
