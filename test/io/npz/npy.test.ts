// .npy/.npz reading against numpy (scripts/golden/npy_reference.py): every supported dtype in both
// byte orders and both memory orders, format versions 1-3, stored/deflated/zip64 archives, the
// VoxelMorph scan; refusals (pickles, complex, structured, strings) and zip bombs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as zlib from 'node:zlib';
import { DTypeError, FormatError } from '../../../src/errors.js';
import { openNpz, readNpy, readNpz, type NpyArray } from '../../../src/io/npz/index.js';
import { openZip } from '../../../src/io/zip/index.js';
import { dataPath, skipMissing } from '../../helpers/data.js';

const DIR = resolve('test/golden/npy');
type Desc = { dtype: string; shape: number[]; values: (number | string | null)[]; fortran_order?: boolean };
const G = JSON.parse(readFileSync(resolve(DIR, 'npy.json'), 'utf8')) as {
  npy: Record<string, Desc>; refuse: Record<string, string>; npz: Record<string, Record<string, Desc>>;
  real: Record<string, Record<string, { dtype: string; shape: number[]; sum: number; sha256_c: string; at: [number[], number][] }>>;
};
const file = (n: string) => new Uint8Array(readFileSync(resolve(DIR, n)));

const NAMES: Record<string, string> = { bool: 'bool', int8: 'int8', uint8: 'uint8', int16: 'int16', uint16: 'uint16', int32: 'int32', uint32: 'uint32', int64: 'int64', uint64: 'uint64', float16: 'float16', float32: 'float32', float64: 'float64' };

function check(a: NpyArray, want: Desc, what: string): void {
  assert.equal(NAMES[a.dtype], want.dtype, `${what}: dtype`);
  assert.deepEqual(a.shape, want.shape, `${what}: shape`);
  assert.equal(a.order, 'C');
  const got = Array.from(a.data as ArrayLike<number | bigint>, (v) => (typeof v === 'bigint' ? String(v) : Number.isFinite(v) ? v : null));
  // float16 and float32 widen exactly to the float64 numpy printed; -0 compares equal to 0 by value
  assert.deepEqual(got.map((v) => (v === 0 ? 0 : v)), want.values.map((v) => (v === 0 ? 0 : v)), `${what}: values`);
}

test('readNpy: every supported dtype, both byte orders, C and Fortran order, equals np.load', () => {
  const names = Object.keys(G.npy);
  assert.ok(names.length >= 40);
  for (const n of names) {
    const a = readNpy(file(n), n);
    check(a, G.npy[n]!, n);
    if (G.npy[n]!.fortran_order !== undefined) assert.equal(a.fortranOrder, n.endsWith('_F.npy') && G.npy[n]!.shape.length > 1 ? true : a.fortranOrder, n);
  }
  assert.deepEqual(readNpy(file('v2_f4.npy')).version, [2, 0]);
  assert.deepEqual(readNpy(file('v3_f4.npy')).version, [3, 0]);
  assert.equal(readNpy(file('le_f8_F.npy')).fortranOrder, true);
  assert.equal(readNpy(file('le_f8_C.npy')).fortranOrder, false);
});

test('readNpy: order F gives the first index fastest (NIfTI layout), for C and Fortran files alike', () => {
  for (const n of ['v1_4d_i2_F.npy', 'le_i4_C.npy', 'be_f8_F.npy']) {
    const c = readNpy(file(n)), f = readNpy(file(n), n, { order: 'F' });
    assert.equal(f.order, 'F');
    const s = c.shape;
    const strideC = s.map((_, d) => s.slice(d + 1).reduce((x, y) => x * y, 1));
    const strideF = s.map((_, d) => s.slice(0, d).reduce((x, y) => x * y, 1));
    const n0 = c.data.length;
    for (let k = 0; k < n0; k++) {
      // index of element k in C order -> its F offset
      let r = k, off = 0;
      for (let d = 0; d < s.length; d++) {
        const i = Math.floor(r / strideC[d]!);
        r -= i * strideC[d]!;
        off += i * strideF[d]!;
      }
      assert.equal(f.data[off], c.data[k], `${n} element ${k}`);
    }
  }
});

test('readNpy: refuses object arrays (pickles), complex, structured and string dtypes with a DTypeError naming the descr', () => {
  assert.throws(() => readNpy(file('bad_object.npy'), 'bad_object.npy'), (e: Error) => e instanceof DTypeError && /'\|O'.*pickles/.test(e.message));
  assert.throws(() => readNpy(file('bad_complex.npy'), 'c'), (e: Error) => e instanceof DTypeError && /'<c8'.*complex/.test(e.message));
  assert.throws(() => readNpy(file('bad_struct.npy'), 's'), (e: Error) => e instanceof DTypeError && /structured/.test(e.message));
  assert.throws(() => readNpy(file('bad_unicode.npy'), 'u'), (e: Error) => e instanceof DTypeError && /'<U2'.*strings/.test(e.message));
});

/** A v1.0 .npy with the given header text. */
function npyWith(header: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(10 + h.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, h.length & 0xff, h.length >> 8]);
  out.set(h, 10);
  out.set(data, 10 + h.length);
  return out;
}

test('readNpy: malformed headers, truncated data and absurd shapes are FormatErrors, before any allocation', () => {
  const bad: [Uint8Array, RegExp][] = [
    [new Uint8Array(5), /fewer than the 10/],
    [Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x58, 1, 0, 0, 0]), /bad magic/],
    [Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 4, 0, 0, 0]), /version 4.0/],
    [npyWith("{'descr': '<f4', 'fortran_order': False}\n"), /lacks shape/],
    [npyWith("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}\n"), /unexpected value/],
    [npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}\n"), /not a non-negative integer/],
    [npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000, 1000000)}\n"), /too large/],
    [npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000)}\n"), /truncated data: .* needs 40000000000 bytes, 0 present/],
    [npyWith("{'descr': '|f4', 'fortran_order': False, 'shape': (1,)}\n", new Uint8Array(4)), /'\|' \(no byte order\)/],
    [npyWith("{'descr': __import__('os'), 'fortran_order': False, 'shape': ()}\n"), /unexpected value/],
    [npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} junk\n", new Uint8Array(8)), /characters after the dict/],
  ];
  for (const [b, re] of bad) assert.throws(() => readNpy(b, 'x.npy'), (e: Error) => e instanceof FormatError && re.test(e.message) && e.message.includes('x.npy'), re.source);
  const long = npyWith(`{'descr': '<f4', 'fortran_order': False, 'shape': (1,)}${' '.repeat(20000)}\n`);
  assert.throws(() => readNpy(long), /over numpy's limit of 10000/);
  // Python 2's long literals and a bare type code are accepted as numpy accepts them
  const ok = readNpy(npyWith("{'descr': 'd', 'fortran_order': False, 'shape': (2L,), }\n", new Uint8Array(new Float64Array([1.5, -2]).buffer)));
  assert.deepEqual([...ok.data], [1.5, -2]);
});

test('readNpz: stored, deflated and zip64 archives equal np.load', () => {
  for (const n of ['stored.npz', 'deflated.npz', 'zip64.npz']) {
    const want = G.npz[n]!;
    const z = openZip(file(n), n);
    const methods = want['_methods'] as unknown as Record<string, number>;
    for (const e of z.entries) assert.equal(e.method, methods[e.name], `${n} ${e.name} method`);
    const got = readNpz(file(n), n);
    assert.deepEqual(Object.keys(got).sort(), Object.keys(want).filter((k) => k !== '_methods').sort());
    for (const k of Object.keys(got)) check(got[k]!, want[k]!, `${n}:${k}`);
  }
  assert.deepEqual(openZip(file('stored.npz')).entries.map((e) => e.method), [0, 0, 0]);
  assert.deepEqual(openZip(file('deflated.npz')).entries.map((e) => e.method), [8, 8, 8]);
  assert.throws(() => openNpz(file('stored.npz'), 's.npz').get('nope'), /no array 'nope' \(arrays: vol, seg, flag\)/);
});

test('readNpz: the VoxelMorph scan and labels equal numpy (shapes, dtypes, sums, SHA-256 of the C-order bytes)', (t) => {
  for (const rel of Object.keys(G.real)) {
    const p = dataPath(rel);
    if (skipMissing(t, p)) return;
    const got = readNpz(readFileSync(p), rel);
    for (const [k, want] of Object.entries(G.real[rel]!)) {
      const a = got[k]!;
      assert.equal(NAMES[a.dtype], want.dtype);
      assert.deepEqual(a.shape, want.shape);
      const bytes = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
      assert.equal(createHash('sha256').update(bytes).digest('hex'), want.sha256_c, `${rel}:${k} bytes`);
      let s = 0;
      for (let i = 0; i < a.data.length; i++) s += Number(a.data[i]!);
      assert.ok(Math.abs(s - want.sum) <= 1e-9 * Math.abs(want.sum), `${rel}:${k} sum ${s} vs ${want.sum}`);
      const str = a.shape.map((_, d) => a.shape.slice(d + 1).reduce((x, y) => x * y, 1));
      for (const [idx, v] of want.at) assert.equal(Number(a.data[idx.reduce((o, i, d) => o + i * str[d]!, 0)]), v, `${rel}:${k}[${idx}]`);
    }
  }
});

// ---- zip: bombs, corruption ----

interface Member { name: string; data: Uint8Array; method?: 0 | 8; declared?: number; raw?: Uint8Array }
/** A plain (non-zip64) zip archive; `declared` overrides the size in the directory, `raw` the stored bytes. */
function makeZip(members: Member[]): Uint8Array {
  const parts: Uint8Array[] = [], central: Uint8Array[] = [];
  let off = 0;
  for (const m of members) {
    const method = m.method ?? 8;
    const comp = m.raw ?? (method === 8 ? new Uint8Array(zlib.deflateRawSync(m.data)) : m.data);
    const name = new TextEncoder().encode(m.name);
    const crc = zlib.crc32(m.data) >>> 0;
    const size = m.declared ?? m.data.length;
    const lh = new Uint8Array(30 + name.length), lv = new DataView(lh.buffer);
    lv.setUint32(0, 0x04034b50, true); lv.setUint16(4, 20, true); lv.setUint16(8, method, true);
    lv.setUint32(14, crc, true); lv.setUint32(18, comp.length, true); lv.setUint32(22, size, true); lv.setUint16(26, name.length, true);
    lh.set(name, 30);
    const ch = new Uint8Array(46 + name.length), cv = new DataView(ch.buffer);
    cv.setUint32(0, 0x02014b50, true); cv.setUint16(4, 20, true); cv.setUint16(6, 20, true); cv.setUint16(10, method, true);
    cv.setUint32(16, crc, true); cv.setUint32(20, comp.length, true); cv.setUint32(24, size, true); cv.setUint16(28, name.length, true);
    cv.setUint32(42, off, true);
    ch.set(name, 46);
    parts.push(lh, comp);
    central.push(ch);
    off += lh.length + comp.length;
  }
  const cdSize = central.reduce((a, c) => a + c.length, 0);
  const end = new Uint8Array(22), ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true); ev.setUint16(8, members.length, true); ev.setUint16(10, members.length, true);
  ev.setUint32(12, cdSize, true); ev.setUint32(16, off, true);
  const all = [...parts, ...central, end];
  const out = new Uint8Array(all.reduce((a, c) => a + c.length, 0));
  let p = 0;
  for (const c of all) { out.set(c, p); p += c.length; }
  return out;
}

test('openZip: a bomb that inflates past its declared size stops there; an impossible declared size allocates nothing', () => {
  const big = new Uint8Array(200 << 20); // 200 MiB of zeros deflate to ~200 KiB
  const raw = new Uint8Array(zlib.deflateRawSync(big, { level: 9 }));
  const z = makeZip([{ name: 'a.npy', data: big.subarray(0, 1000), raw, declared: 1000 }]);
  const before = process.memoryUsage().arrayBuffers;
  assert.throws(() => openZip(z, 'bomb.zip').read('a.npy'), (e: Error) => e instanceof FormatError && /bomb\.zip: entry 'a\.npy' inflates to more than the 1000 bytes/.test(e.message));
  assert.ok(process.memoryUsage().arrayBuffers - before < 64 << 20, 'the bomb was not inflated');
  const claim = makeZip([{ name: 'b.npy', data: new Uint8Array(10), declared: 0xfffffff0 }]);
  assert.throws(() => openZip(claim, 'claim.zip').read('b.npy'), /declares 4294967280 bytes, more than maxEntryBytes/);
  assert.throws(() => openZip(claim, 'claim.zip', { maxEntryBytes: 2 ** 33 }).read('b.npy'), /more than its \d+ deflated bytes can hold/);
  const small = makeZip([{ name: 'c.npy', data: new Uint8Array(4096).fill(7), declared: 100 }]);
  assert.throws(() => openZip(small, 'short.zip').read('c.npy'), /inflates to more than the 100 bytes/);
  const more = makeZip([{ name: 'd.npy', data: new Uint8Array(100).fill(7), declared: 4096 }]);
  assert.throws(() => openZip(more, 'long.zip').read('d.npy'), /inflates to 100 bytes, its directory record declares 4096/);
});

test('openZip: CRC-32 mismatches, truncation and bad directories are FormatErrors', () => {
  const data = new Uint8Array(5000).map((_, i) => (i * 31) & 0xff);
  for (const method of [0, 8] as const) {
    const z = makeZip([{ name: 'x.npy', data, method }]);
    assert.deepEqual(openZip(z).read('x.npy'), data);
    const bad = z.slice();
    bad[30 + 5 + (method === 0 ? 2000 : 20)] ^= 0x10; // a data byte
    assert.throws(() => openZip(bad, 'flip.zip').read('x.npy'), (e: Error) => e instanceof FormatError && /CRC-32 mismatch|corrupt deflate|inflates to/.test(e.message));
  }
  const z = makeZip([{ name: 'x.npy', data }]);
  assert.throws(() => openZip(z.subarray(0, z.length - 30), 'cut.zip'), /cut\.zip: no end-of-central-directory record/);
  assert.throws(() => openZip(new Uint8Array(100), 'zeros.zip'), /no end-of-central-directory/);
  const lie = z.slice();
  new DataView(lie.buffer).setUint16(lie.length - 22 + 10, 5000, true); // 5000 entries
  assert.throws(() => openZip(lie, 'count.zip'), /5000 entries cannot fit/);
  const enc = z.slice();
  const cd = enc.length - 22 - 46 - 5;
  new DataView(enc.buffer).setUint16(cd + 8, 1, true);
  assert.throws(() => openZip(enc, 'enc.zip').read('x.npy'), /is encrypted/);
  const m12 = z.slice();
  new DataView(m12.buffer).setUint16(cd + 10, 12, true);
  assert.throws(() => openZip(m12, 'bz.zip').read('x.npy'), /compression method 12 is not supported/);
});
