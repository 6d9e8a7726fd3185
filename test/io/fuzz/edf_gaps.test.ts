// EDF+D records with far-away time-keeping onsets: the case random byte flips never reach (a
// flip cannot write '+99999999999' into a TAL). Real files, re-stamped in memory. By default
// every case must parse and read contiguously, holding exactly the samples the file stores, in
// bounded time and memory; with gaps: 'zeros' the same files must be refused with a typed error
// that names the file, the record and the size, never allocated. Huge onsets in a continuous
// file's first record must not break the start time either.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readEdf, writeEdf, type EdfRecording } from '../../../src/io/edf/index.js';
import { describe as describeFile } from '../../../src/io/describe.js';
import { DendriteError, FormatError } from '../../../src/errors.js';
import { dataPath, skipMissing } from '../../helpers/data.js';

const SUB = dataPath('eeg/edf-conformance/mne-testing-data/subsecond_starttime.edf'); // 5 records, 38-byte TAL signal
const R04 = dataPath('eeg/eegmmidb/S001R04.edf'); // 125 records, 160-byte TAL signal

/** Time a case may take and memory it may add (the zero-filled outputs would be GiBs). */
const CASE_MS = 3000;
const CASE_RSS = 256 * 2 ** 20;

/** A copy of `src` marked EDF+D whose records get the given time-keeping onset texts. */
function restamped(src: Uint8Array, onsets: Map<number, string>, discontinuous = true): Uint8Array {
  // The TAL signal is the last one in both files.
  const h = readEdf(src).header;
  const talAt = h.channels.reduce((s, c) => s + 2 * c.samplesPerRecord, 0);
  const recordBytes = (src.length - h.headerBytes) / h.nRecords;
  const g = { headerBytes: h.headerBytes, recordBytes, talAt, talBytes: recordBytes - talAt };
  const b = src.slice();
  if (discontinuous) b.set(new TextEncoder().encode('EDF+D'), 192);
  for (const [r, onset] of onsets) {
    const at = g.headerBytes + r * g.recordBytes + g.talAt;
    const region = b.slice(at, at + g.talBytes);
    const rest = region.subarray(region.indexOf(0) + 1); // the TALs after the time-keeping one
    const tk = new TextEncoder().encode(`${onset}\x14\x14\x00`);
    assert.ok(tk.length <= g.talBytes, `onset ${onset.slice(0, 20)} does not fit record ${r}`);
    const out = new Uint8Array(g.talBytes);
    out.set(tk);
    out.set(rest.subarray(0, g.talBytes - tk.length), tk.length);
    b.set(out, at);
  }
  return b;
}

/** Runs one case under the time and memory bounds; untyped errors fail the test. */
function bounded<T>(what: string, fn: () => T): T {
  globalThis.gc?.();
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  let out: T;
  try {
    out = fn();
  } catch (e) {
    assert.ok(e instanceof DendriteError, `${what}: untyped ${String(e)}`);
    throw e;
  }
  const ms = performance.now() - t0;
  const grew = process.memoryUsage().rss - rss0;
  assert.ok(ms < CASE_MS, `${what}: ${ms.toFixed(0)} ms`);
  assert.ok(grew < CASE_RSS, `${what}: RSS grew ${(grew / 2 ** 20).toFixed(0)} MiB`);
  return out;
}

interface Case { name: string; file: string; onsets: Map<number, string>; gaps: number; zeros: 'refused-at-parse' | 'refused-at-read' }

const big = (digits: number): string => `+1${'0'.repeat(digits)}`;
const spread = new Map<number, string>();
for (let r = 1; r < 125; r++) spread.set(r, `+${r * 1000000}`);

const CASES: Case[] = [
  { name: 'last record at +1000000 s', file: SUB, onsets: new Map([[4, '+1000000.3945312']]), gaps: 1, zeros: 'refused-at-read' },
  { name: 'last record at +99999999999 s', file: SUB, onsets: new Map([[4, '+99999999999']]), gaps: 1, zeros: 'refused-at-read' },
  { name: 'second record at +99999999999 s, the rest after it', file: SUB, onsets: new Map([[1, '+99999999999'], [2, '+100000000000'], [3, '+100000000001'], [4, '+100000000002']]), gaps: 1, zeros: 'refused-at-read' },
  { name: 'every record 10^6 s after the one before', file: R04, onsets: spread, gaps: 124, zeros: 'refused-at-read' },
  { name: 'last record at 10^150 s', file: R04, onsets: new Map([[124, big(150)]]), gaps: 1, zeros: 'refused-at-parse' },
];

for (const c of CASES) {
  test(`EDF+D gap: ${c.name}: contiguous by default, bounded; zero-filling refused with a typed error`, (t) => {
    if (skipMissing(t, c.file)) return;
    const src = new Uint8Array(readFileSync(c.file));
    const bytes = restamped(src, c.onsets);
    const orig = readEdf(src);
    const stored = orig.header.channels.map((ch) => ch.nSamples);

    const rec = bounded(`${c.name} (contiguous)`, () => {
      const r = readEdf(bytes, 'gap.edf');
      const x = r.read();
      assert.deepEqual(x.map((a) => a.length), stored);
      assert.deepEqual(x, orig.read());
      return r;
    });
    const h = rec.header;
    assert.equal(h.gaps.length, c.gaps);
    assert.equal(h.duration, orig.header.duration);
    assert.ok(h.gaps.every((g) => Number.isFinite(g.duration) && g.duration > 0 && g.onset === g.record * h.recordDuration));
    assert.ok(h.annotations.every((a) => Number.isFinite(a.onset) && Number.isFinite(a.duration) && a.onset >= 0 && a.onset <= h.duration));
    assert.equal(h.annotations.filter((a) => a.description === 'BAD_ACQ_SKIP').length, c.gaps);
    assert.match(rec.warnings.join('\n'), /EDF\+D: \d+ gaps? between data records/);
    assert.equal(typeof describeFile(bytes, 'gap.edf'), 'string');

    bounded(`${c.name} (zeros)`, () => {
      let z: EdfRecording;
      try {
        z = readEdf(bytes, 'gap.edf', { gaps: 'zeros' });
      } catch (e) {
        assert.equal(c.zeros, 'refused-at-parse', String(e));
        assert.ok(e instanceof FormatError);
        assert.match(e.message, /gap\.edf: record \d+ starts at \S+ s on the file's clock; zero-filling the gaps before it would need \S+ samples per channel/);
        return;
      }
      assert.equal(c.zeros, 'refused-at-read');
      assert.throws(() => z.read(), (e: unknown) => {
        assert.ok(e instanceof FormatError, String(e));
        assert.match(e.message, /^readEdf\(gap\.edf\)\.read: the output would need [\d.]+ GiB \(\d+ bytes: \d+ channels, up to \d+ samples each\), reaching record \d+, which starts at \S+ s on the file's clock .*more than maxReadBytes = 1\.00 GiB/);
        return true;
      });
      // a span before the first gap still reads
      assert.equal(z.read({ tmax: 1 })[0]!.length, orig.read({ tmax: 1 })[0]!.length);
    });
  });
}

test('EDF+D: an onset too long to be a finite number or going backwards: records placed contiguously, with a warning', (t) => {
  if (skipMissing(t, R04)) return;
  // Written out again with a 400-character annotation, so every record's TAL signal can hold
  // a 320-digit onset (beyond the largest double: the TAL is malformed).
  const r04 = readEdf(new Uint8Array(readFileSync(R04)));
  const data = r04.read();
  const src = writeEdf({
    startTime: r04.header.startTime,
    channels: r04.header.channels.map((c, i) => ({ ...c, data: data[i]! })),
    annotations: [{ onset: 0.5, duration: 0, description: 'x'.repeat(400) }],
  });
  const orig = readEdf(src);
  for (const [onsets, re] of [
    [new Map([[60, big(320)]]), /record 60: TAL with a malformed time stamp skipped: "\+1000.*\.\.\."[\s\S]*EDF\+D record 60 has no time-keeping TAL; records placed contiguously/],
    [new Map([[60, '-5']]), /EDF\+D record 60 starts at -5 s, before the end of record 59; records placed contiguously/],
    [new Map([[60, '+59']]), /EDF\+D record 60 starts at 59 s, before the end of record 59/],
  ] as const) {
    for (const gaps of ['contiguous', 'zeros'] as const) {
      const rec = bounded(`${[...onsets.values()][0]!.slice(0, 8)} ${gaps}`, () => readEdf(restamped(src, onsets), 'odd.edf', { gaps }));
      assert.match(rec.warnings.join('\n'), re);
      assert.deepEqual(rec.header.gaps, []);
      assert.deepEqual(rec.read(), orig.read());
    }
  }
});

test('a continuous file whose first record is stamped +99999999999 s: the start time is null with a warning, not a RangeError', (t) => {
  if (skipMissing(t, SUB)) return;
  const src = new Uint8Array(readFileSync(SUB));
  for (const onset of ['+99999999999', '+9999999999999', big(30)]) {
    const bytes = restamped(src, new Map([[0, onset]]), false);
    const rec = bounded(onset, () => readEdf(bytes, 'late.edf'));
    assert.equal(rec.header.format, 'EDF+C');
    if (onset === '+99999999999') {
      // still a representable date: 2020-01-24T04:05:56 + 99999999999 s
      assert.equal(rec.header.startTime!.getTime(), Date.UTC(2020, 0, 24, 4, 5, 56) + 99999999999000);
    } else {
      assert.equal(rec.header.startTime, null);
      assert.match(rec.warnings.join('\n'), /is not a representable date; startTime is null/);
    }
    assert.equal(typeof describeFile(bytes, 'late.edf'), 'string');
    assert.equal(rec.read()[0]!.length, 2560);
  }
});
