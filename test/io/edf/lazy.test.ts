// Lazy reads (tmin/tmax/picks) equal slices of the full read, on random spans and channel
// subsets (seeded), for EDF, BDF, mixed rates, 0.5 s and 9.59375 s records, and an EDF+D file
// with a gap (built from a real file: records re-stamped, reserved field set to EDF+D), read
// contiguously (the default) and zero-filled; the output bound of read().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readEdf, writeEdf, encodeTal, type EdfRecording } from '../../../src/io/edf/index.js';
import { ArgumentError, FormatError, IndexError } from '../../../src/errors.js';
import { load } from './data.js';
import { dataPath, skipMissing } from '../../helpers/data.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function checkLazy(rec: EdfRecording, seed: number, trials: number): void {
  const full = rec.read();
  const h = rec.header;
  const r = rng(seed);
  const n = h.channels.length;
  for (let k = 0; k < trials; k++) {
    const a = r() * h.duration * 1.1 - 0.05 * h.duration, b = r() * h.duration * 1.1;
    const tmin = Math.min(a, b), tmax = Math.max(a, b);
    const picks = Array.from({ length: 1 + Math.floor(r() * Math.min(n, 6)) }, () => Math.floor(r() * n));
    const mixed = picks.map((p, i) => (i % 2 ? h.channels[p]!.name : p));
    const got = rec.read({ tmin, tmax, picks: mixed });
    picks.forEach((p, i) => {
      const ch = h.channels[p]!;
      // names are unique (repeated labels are renamed), so a name reaches its own channel
      const q = typeof mixed[i] === 'string' ? h.channels.findIndex((c) => c.name === ch.name) : p;
      assert.equal(q, p);
      const s0 = Math.min(ch.nSamples, Math.max(0, Math.ceil(tmin * ch.sfreq - 1e-9)));
      const s1 = Math.min(ch.nSamples, Math.max(s0, Math.ceil(tmax * ch.sfreq - 1e-9)));
      assert.deepEqual(got[i], full[q]!.subarray(s0, s1), `${h.source} ${ch.name} [${tmin}, ${tmax})`);
    });
  }
  // exact record boundaries and empty spans
  const rd = h.recordDuration || 1;
  const g = rec.read({ tmin: rd, tmax: 2 * rd, picks: [0] })[0]!;
  assert.equal(g.length, Math.min(h.channels[0]!.samplesPerRecord, Math.max(0, h.channels[0]!.nSamples - h.channels[0]!.samplesPerRecord)));
  assert.equal(rec.read({ tmin: 1, tmax: 1 })[0]!.length, 0);
}

const FILES = [
  'eeg/eegmmidb/S001R04.edf',
  'eeg/edf-conformance/mne-python/test.bdf',
  'eeg/edf-conformance/mne-testing-data/test_reduced.edf',
  'eeg/edf-conformance/pyedflib/test_generator_datarec_generator_0_5.bdf',
  'eeg/edf-conformance/mne-python/test_edf_stim_channel.edf',
  'eeg/edf-conformance/mne-python/test_uneven_samp.edf',
  'eeg/edf-conformance/mne-python/duplicate_channel_labels.edf',
];

for (const [i, f] of FILES.entries()) {
  test(`lazy read equals full read: ${f}`, (t) => {
    if (skipMissing(t, dataPath(f))) return;
    checkLazy(readEdf(load(f), f), 1234 + i, 25);
  });
}

test('read() argument errors', (t) => {
  if (skipMissing(t, dataPath(FILES[0]!))) return;
  const rec = readEdf(load(FILES[0]!), 'R04');
  assert.throws(() => rec.read({ picks: [64] }), IndexError);
  assert.throws(() => rec.read({ picks: ['nope'] }), (e: Error) => e instanceof ArgumentError && /R04/.test(e.message) && /nope/.test(e.message));
  assert.throws(() => rec.read({ tmin: 2, tmax: 1 }), ArgumentError);
});

/** Rewrites record r's time-keeping TAL (first TAL of the annotation signal) to `onset`. */
function restamp(bytes: Uint8Array, rec: EdfRecording, r: number, onset: number, talSignalBytes: number, talOffset: number): void {
  const recordBytes = (bytes.length - rec.header.headerBytes) / rec.header.nRecords;
  const at = rec.header.headerBytes + r * recordBytes + talOffset;
  // Keep the annotations after the time-keeping TAL: find its end (first NUL).
  const region = bytes.slice(at, at + talSignalBytes);
  const end = region.indexOf(0);
  const rest = region.slice(end + 1);
  const tk = encodeTal(onset, 0, ['']);
  const out = new Uint8Array(talSignalBytes);
  out.set(tk);
  out.set(rest.subarray(0, talSignalBytes - tk.length), tk.length);
  bytes.set(out, at);
}

const DUP = 'eeg/edf-conformance/mne-python/duplicate_channel_labels.edf';

/** duplicate_channel_labels.edf written as EDF+D with records 4.. moved 2.5 s later. */
function gapFile(): { bytes: Uint8Array; orig: EdfRecording } {
  const src = readEdf(load(DUP));
  const data = src.read();
  // 10 records of 1 s at 250 Hz; write it out, then move records 4.. later by 2.5 s.
  const bytes = writeEdf({
    startTime: src.header.startTime,
    channels: src.header.channels.map((c, i) => ({ ...c, data: data[i]! })),
    annotations: [{ onset: 1.5, duration: 0.5, description: 'before' }, { onset: 8.25, duration: 0, description: 'after' }],
  });
  const orig = readEdf(bytes.slice());
  const talOffset = orig.header.channels.reduce((s, ch) => s + ch.samplesPerRecord * 2, 0);
  const talBytes = (bytes.length - orig.header.headerBytes) / orig.header.nRecords - talOffset;
  bytes.set(new TextEncoder().encode('EDF+D'), 192);
  for (let r = 4; r < 10; r++) restamp(bytes, orig, r, r + 2.5, talBytes, talOffset);
  return { bytes, orig };
}

test('EDF+D, default: records read contiguously (as MNE), the gap a zero-duration BAD_ACQ_SKIP, annotations on the same axis', (t) => {
  if (skipMissing(t, dataPath(DUP))) return;
  const { bytes, orig } = gapFile();
  const d = readEdf(bytes, 'gap.edf+d');
  const h = d.header;
  assert.equal(h.format, 'EDF+D');
  assert.equal(h.gapMode, 'contiguous');
  assert.deepEqual([...h.recordOnsets], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual([...h.recordFileOnsets], [0, 1, 2, 3, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5]);
  assert.equal(h.duration, 10);
  assert.ok(h.channels.every((c) => c.nSamples === 2500));
  assert.deepEqual(h.gaps, [{ record: 4, onset: 4, fileOnset: 4, duration: 2.5 }]);
  // 'after' is at 8.25 s on the file's clock, in record 5 (file 7.5-8.5): 5.75 s into the samples
  assert.deepEqual(h.annotations, [
    { onset: 1.5, duration: 0.5, description: 'before' },
    { onset: 4, duration: 0, description: 'BAD_ACQ_SKIP' },
    { onset: 5.75, duration: 0, description: 'after' },
  ]);
  assert.deepEqual(d.read(), orig.read());
  checkLazy(d, 98, 40);
});

test('EDF+D, gaps: "zeros": records placed at their TAL onsets, gaps zero-filled and covered by BAD_ACQ_SKIP', (t) => {
  if (skipMissing(t, dataPath(DUP))) return;
  const { bytes, orig: c } = gapFile();
  const nsig = c.header.channels.length;
  const d = readEdf(bytes, 'gap.edf+d', { gaps: 'zeros' });
  const h = d.header;
  assert.equal(h.format, 'EDF+D');
  assert.equal(nsig, 3);
  assert.deepEqual([...h.recordOnsets], [0, 1, 2, 3, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5]);
  assert.equal(h.duration, 12.5);
  assert.equal(h.channels[0]!.nSamples, 12.5 * 250);
  const gap = h.annotations.find((a) => a.description === 'BAD_ACQ_SKIP')!;
  assert.deepEqual([gap.onset, gap.duration], [4, 2.5]);
  assert.deepEqual(h.gaps, [{ record: 4, onset: 4, fileOnset: 4, duration: 2.5 }]);
  // annotations keep their own (file) times; 'after' now lies in the moved part
  assert.deepEqual(h.annotations.filter((a) => a.description !== 'BAD_ACQ_SKIP').map((a) => a.onset), [1.5, 8.25]);
  const x = d.read();
  const y = c.read();
  for (let k = 0; k < nsig; k++) {
    assert.deepEqual(x[k]!.subarray(0, 1000), y[k]!.subarray(0, 1000));
    assert.ok(x[k]!.subarray(1000, 1625).every((v) => v === 0));
    assert.deepEqual(x[k]!.subarray(1625), y[k]!.subarray(1000));
  }
  checkLazy(d, 99, 40);
  // Records that go backwards: placed contiguously, with a warning.
  restamp(bytes, c, 5, 1, (bytes.length - c.header.headerBytes) / c.header.nRecords - 1500, 1500);
  const bad = readEdf(bytes, 'backwards.edf', { gaps: 'zeros' });
  assert.ok(bad.warnings.some((w) => /contiguously/.test(w)));
  assert.equal(bad.header.duration, 10);
  assert.deepEqual(bad.header.gaps, []);
});

test('read() refuses an output above maxReadBytes, naming the file, the record and the bytes', (t) => {
  if (skipMissing(t, dataPath(DUP))) return;
  const { bytes } = gapFile();
  // zero-filled: 3 channels x 3125 samples x 8 bytes = 75000 bytes; contiguous: 60000
  const z = readEdf(bytes, 'gap.edf+d', { gaps: 'zeros', maxReadBytes: 70000 });
  assert.throws(() => z.read(), (e: unknown) => {
    assert.ok(e instanceof FormatError, String(e));
    assert.match(e.message, /^readEdf\(gap\.edf\+d\)\.read: the output would need 75000 bytes \(75000 bytes: 3 channels, up to 3125 samples each\), reaching record 9, which starts at 11\.5 s on the file's clock \(records at their time-keeping onsets, gaps zero-filled: 2\.5 s of gaps\); that is more than maxReadBytes = 70000 bytes\. Read with gaps: 'contiguous'/);
    return true;
  });
  assert.equal(z.read({ picks: [0, 1] })[1]!.length, 3125); // 50000 bytes fit
  assert.equal(z.read({ tmax: 9 })[2]!.length, 2250);
  const z2 = readEdf(bytes, 'gap.edf+d', { gaps: 'zeros', maxReadBytes: 50000 });
  assert.throws(() => z2.read({ tmax: 9 }), /54000 bytes.*reaching record 6, which starts at 8\.5 s/);
  const c = readEdf(bytes, 'gap.edf+d', { maxReadBytes: 70000 });
  assert.equal(c.read()[0]!.length, 2500);
  assert.throws(() => readEdf(bytes, 'gap.edf+d', { maxReadBytes: 59999 }).read(), /60000 bytes.*reaching record 9, which starts at 11\.5 s.*more than maxReadBytes = 59999 bytes\. Read a shorter span/);
  // the default never refuses a contiguous read of the whole file
  assert.equal(readEdf(bytes, 'gap.edf+d').read().length, 3);
  assert.throws(() => readEdf(bytes, 'x', { gaps: 'fill' as 'zeros' }), ArgumentError);
  assert.throws(() => readEdf(bytes, 'x', { maxReadBytes: -1 }), ArgumentError);
  assert.throws(() => readEdf(bytes, 'x', { maxReadBytes: NaN }), ArgumentError);
});
