// The Bonn loader on the real archives: 5 × 100 segments of 4097 integer samples, as Python's
// zipfile reads them; broken archives and segment files get FormatErrors naming the file; the
// download path checks the SHA-256 (exercised on the local archives, nothing is downloaded).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { FormatError } from '../../src/errors.js';
import { BONN_SETS, fetchBonnSet, loadBonn, loadBonnSet, parseBonnSegment, type BonnSet } from '../../src/datasets/bonn.js';
import { openZip } from '../../src/io/zip/index.js';
import { downloadBonn, loadBonnDir } from '../../src/node/bonn.js';
import { dataPath, skipMissing } from '../helpers/data.js';

const dir = dataPath('eeg', 'bonn');
const zipPath = (s: string) => `${dir}/${s}.zip`;
const ref = JSON.parse(readFileSync('test/golden/bonn/reference.json', 'utf8')) as { first_samples: number[][]; sums: number[]; set_of: number[] };

test('the five archives load: 500 segments, samples equal Python zipfile + numpy', (t) => {
  if (skipMissing(t, ...BONN_SETS.map(zipPath))) return;
  const d = loadBonnDir(dir);
  assert.equal(d.segments.length, 500);
  assert.equal(d.sfreq, 173.61);
  assert.deepEqual(Array.from(d.set), ref.set_of);
  assert.deepEqual(Array.from(d.label.slice(195, 205)), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
  assert.equal(d.names[0], 'Z001');
  assert.equal(d.names[399], 'F100');
  for (let s = 0; s < 5; s++) assert.deepEqual(Array.from(d.segments[s * 100]!.subarray(0, 5)), ref.first_samples[s]);
  d.segments.forEach((x, i) => {
    assert.equal(x.length, 4097);
    assert.equal(x.reduce((a, b) => a + b, 0), ref.sums[i], `segment ${d.names[i]}`);
  });
});

test('the Bonn archives through the zip reader: every entry listed, damaged entries and truncated archives refused', (t) => {
  if (skipMissing(t, zipPath('S'))) return;
  const bytes = new Uint8Array(readFileSync(zipPath('S')));
  const z = openZip(bytes, 'S.zip');
  assert.equal(z.entries.length, 202);
  const e = z.entries.find((x) => x.name === 'S/S001.txt')!;
  assert.equal(z.read(e).length, e.size);
  assert.throws(() => z.read({ ...e, crc32: (e.crc32 ^ 1) >>> 0 }), FormatError);
  assert.throws(() => z.read({ ...e, size: e.size - 10 }), FormatError);
  assert.throws(() => z.read({ ...e, size: e.compressedSize * 2000 }), FormatError);
  assert.throws(() => openZip(new Uint8Array(100), 'x.zip'), FormatError);
  // a truncated archive loses its directory
  assert.throws(() => loadBonnSet(bytes.subarray(0, bytes.length - 30), 'S', 'S.zip'), FormatError);
});

const enc = (s: string) => new TextEncoder().encode(s);
const goodSegment = () => Array.from({ length: 4097 }, (_, i) => String(i % 50 - 25)).join('\r\n') + '\r\n';

test('malformed segment files and archives get FormatErrors naming file and value', () => {
  assert.throws(() => parseBonnSegment(enc('1\r\n2\r\n'), 'Z001.txt'), /Z001\.txt holds 2 samples, expected 4097/);
  assert.throws(() => parseBonnSegment(enc('1\r\n2.5\r\n'), 'Z001.txt'), (e: Error) => e instanceof FormatError && /Z001\.txt line 2: '2\.5' is not an integer/.test(e.message));
  assert.throws(() => parseBonnSegment(enc(goodSegment() + '7\r\n'), 'Z001.txt'), /more than 4097 samples/);
  assert.equal(parseBonnSegment(enc(goodSegment()), 'Z001.txt')[3], -22);
  const files: Record<string, Uint8Array> = {};
  for (let k = 1; k <= 99; k++) files[`O/O${String(k).padStart(3, '0')}.txt`] = enc(goodSegment());
  files['__MACOSX/O/._O100.txt'] = new Uint8Array(212);
  assert.throws(() => loadBonnSet(zipSync(files), 'O', 'O.zip'), (e: Error) => e instanceof FormatError && /O\.zip lacks 1 of set O's 100 segments \(first missing: O100\.txt\)/.test(e.message));
  files['O/O100.txt'] = enc(goodSegment());
  assert.equal(loadBonnSet(zipSync(files), 'O').segments.length, 100);
  files['O/O100.txt'] = enc('12\r\nabc\r\n');
  assert.throws(() => loadBonnSet(zipSync(files), 'O', 'O.zip'), /O\.zip:O\/O100\.txt line 2: 'abc'/);
});

test('download path: fetched archives are SHA-256 checked and land in the folder (local bytes, no network)', async (t) => {
  if (skipMissing(t, ...BONN_SETS.map(zipPath))) return;
  const urls: string[] = [];
  const local = async (url: string) => {
    urls.push(url);
    const set = (['Z', 'O', 'N', 'F', 'S'] as BonnSet[]).find((s) => url.endsWith(`/${s.toLowerCase()}.zip`) || url.includes(`/${s.toLowerCase()}%20`))!;
    const b = readFileSync(zipPath(set));
    return { ok: true, status: 200, arrayBuffer: async () => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) };
  };
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const tmp = mkdtempSync(`${tmpdir()}/bonn-`);
  try {
    await downloadBonn(tmp, 'https://example.org/data/', local);
    assert.equal(urls.length, 5);
    assert.equal(urls[0], 'https://example.org/data/z%20(2).zip');
    assert.equal(loadBonnDir(tmp).segments.length, 500);
    await downloadBonn(tmp, 'https://example.org/data/', local); // all present: nothing fetched
    assert.equal(urls.length, 5);
  } finally {
    rmSync(tmp, { recursive: true });
  }
  const wrong = async () => ({ ok: true, status: 200, arrayBuffer: async () => new ArrayBuffer(8) });
  await assert.rejects(fetchBonnSet('S', 'https://example.org/', wrong), (e: Error) => e instanceof FormatError && /s\.zip has SHA-256 [0-9a-f]{64}, expected befda5a0/.test(e.message));
  await assert.rejects(fetchBonnSet('S', 'https://example.org/', async () => ({ ok: false, status: 404, arrayBuffer: async () => new ArrayBuffer(0) })), /HTTP 404/);
});

test('loadBonn from bytes equals the directory loader', (t) => {
  if (skipMissing(t, ...BONN_SETS.map(zipPath))) return;
  const zips = Object.fromEntries(BONN_SETS.map((s) => [s, new Uint8Array(readFileSync(zipPath(s)))])) as Record<BonnSet, Uint8Array>;
  const d = loadBonn(zips);
  assert.deepEqual(d.segments[437], loadBonnDir(dir).segments[437]);
});
