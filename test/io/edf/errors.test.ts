// Bad input, built by corrupting in-memory copies of real files: typed FormatErrors that name the
// source and the field (non-finite and absurd numbers included, at parse time), and MNE's
// warn-and-continue cases (record count -1, short data).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readEdf } from '../../../src/io/edf/index.js';
import { DendriteError, FormatError } from '../../../src/errors.js';
import { describe } from '../../../src/io/describe.js';
import { load } from './data.js';
import { dataPath, skipMissing } from '../../helpers/data.js';

const FILE = 'eeg/edf-conformance/mne-testing-data/subsecond_starttime.edf'; // 4 signals, 5 records
const BDF = 'eeg/edf-conformance/mne-python/test_bdf_stim_channel.bdf';
const TXT = 'eeg/edf-conformance/mne-python/test_edf_stim_channel.txt';

const setField = (b: Uint8Array, at: number, len: number, text: string): Uint8Array => {
  const c = b.slice();
  for (let i = 0; i < len; i++) c[at + i] = i < text.length ? text.charCodeAt(i) : 32;
  return c;
};
const throwsFormat = (bytes: Uint8Array, re: RegExp): void => {
  assert.throws(() => readEdf(bytes, 'bad.edf'), (e: unknown) => {
    assert.ok(e instanceof FormatError, String(e));
    assert.match(e.message, /bad\.edf/);
    assert.match(e.message, re);
    return true;
  });
};

test('truncated files', (t) => {
  if (skipMissing(t, dataPath(FILE))) return;
  const b = load(FILE);
  throwsFormat(new Uint8Array(0), /truncated: 0 bytes/);
  throwsFormat(b.subarray(0, 200), /truncated: 200 bytes/);
  throwsFormat(b.subarray(0, 1000), /truncated: 1000 bytes.*needs 1280/);
});

test('header length (bytes 184-191) must equal 256 x (ns + 1)', (t) => {
  if (skipMissing(t, dataPath(FILE), dataPath(BDF))) return;
  throwsFormat(setField(load(FILE), 184, 8, '1536'), /bytes 184-191\) is 1536.*256 x \(4 \+ 1\) = 1280/);
  throwsFormat(setField(load(BDF), 184, 8, '1024'), /bytes 184-191/);
});

test('non-numeric header fields name the field', (t) => {
  if (skipMissing(t, dataPath(FILE))) return;
  const b = load(FILE);
  throwsFormat(setField(b, 236, 8, 'five'), /"number of data records" \(bytes 236-243\) is not a number: "five    "/);
  throwsFormat(setField(b, 244, 8, '1s'), /"duration of a data record"/);
  throwsFormat(setField(b, 252, 4, 'x'), /"number of signals"/);
  throwsFormat(setField(b, 184, 8, ''), /"number of bytes in header record"/);
  // physical minimum of signal 2: fields start at 256 + 4 x (16 + 80 + 8)
  throwsFormat(setField(b, 256 + 4 * 104 + 8, 8, '-12a'), /"physical minimum of signal 2"/);
  throwsFormat(setField(b, 256 + 4 * (104 + 32 + 80) + 16, 8, '2.5'), /"number of samples in each data record of signal 3" .* not an integer/);
  throwsFormat(setField(b, 168, 8, 'yesterday'), /startdate of recording/);
});

test('zero or negative signal count', (t) => {
  if (skipMissing(t, dataPath(FILE))) return;
  throwsFormat(setField(load(FILE), 252, 4, '0'), /number of signals.*is 0/);
  throwsFormat(setField(load(FILE), 252, 4, '-3'), /number of signals.*is -3/);
});

test('a text file posing as EDF', (t) => {
  if (skipMissing(t, dataPath(TXT))) return;
  throwsFormat(load(TXT), /not an EDF or BDF file: version field/);
});

test('number of records -1: inferred from the file size, with a warning (as MNE)', (t) => {
  if (skipMissing(t, dataPath(FILE))) return;
  const orig = readEdf(load(FILE));
  const rec = readEdf(setField(load(FILE), 236, 8, '-1'), 'minus1.edf');
  assert.equal(rec.header.nRecords, 5);
  assert.equal(rec.warnings.length, 1);
  assert.match(rec.warnings[0]!, /-1.*inferred 5 from the file size/);
  assert.deepEqual(rec.read(), orig.read());
  assert.deepEqual(rec.header.annotations, orig.header.annotations);
  assert.deepEqual(orig.warnings, []);
});

test('data shorter than the header says: warn and read the complete records', (t) => {
  if (skipMissing(t, dataPath(BDF))) return;
  const b = load(BDF); // 10 records of 4 x 500 x 3 bytes
  const orig = readEdf(b);
  const short = readEdf(b.subarray(0, b.length - 6000 - 2500), 'short.bdf');
  assert.equal(short.header.nRecords, 8);
  assert.ok(short.warnings.some((w) => /shorter than the header says: 10 records.*holds 8 complete records/.test(w)), short.warnings.join('\n'));
  assert.equal(short.header.duration, 8);
  const a = short.read(), full = orig.read();
  a.forEach((x, i) => assert.deepEqual(x, full[i]!.subarray(0, 4000)));
  // trailing garbage after the announced records is ignored, with a warning
  const long = new Uint8Array(b.length + 10);
  long.set(b);
  const l = readEdf(long);
  assert.equal(l.header.nRecords, 10);
  assert.match(l.warnings[0]!, /10 bytes after the last of 10 data records ignored/);
});

test('non-finite and absurd header numbers are FormatErrors when the file is opened (and in `describe`)', (t) => {
  if (skipMissing(t, dataPath(FILE))) return;
  const b = load(FILE); // 4 signals (the 4th the TAL signal), 5 records of 1 s
  const sig = (field: number, i: number): number => 256 + 4 * field + 8 * i; // offset of signal i's 8-byte field
  const PMIN = 16 + 80 + 8, PMAX = PMIN + 8, DMIN = PMAX + 8, DMAX = DMIN + 8;
  throwsFormat(setField(b, 244, 8, '1e308'), /"duration of a data record" \(bytes 244-251\) is 1e\+308 s, more than 100 years/);
  throwsFormat(setField(b, 244, 8, '9e999'), /"duration of a data record" \(bytes 244-251\) is not a finite number: "9e999"/);
  throwsFormat(setField(b, 244, 8, '7e8'), /5 data records of 700000000 s make 3500000000 s, more than 100 years/);
  throwsFormat(setField(b, 236, 8, '1e999'), /"number of data records" \(bytes 236-243\) is not a finite number/);
  throwsFormat(setField(b, sig(PMAX, 1), 8, '9e999'), /"physical maximum of signal 2" .* not a finite number: "9e999"/);
  throwsFormat(setField(setField(b, sig(PMAX, 0), 8, '1e308'), sig(PMIN, 0), 8, '-1e308'), /signal 1 'Fp1': physical range -1e\+308 to 1e\+308 is not finite/);
  throwsFormat(setField(setField(b, sig(DMAX, 2), 8, '1e308'), sig(DMIN, 2), 8, '-1e308'), /signal 3 'T3': digital range -1e\+308 to 1e\+308 is not finite/);
  assert.throws(() => describe(setField(b, 244, 8, '1e308'), 'bad.edf'), (e: unknown) => e instanceof FormatError && /bad\.edf.*more than 100 years/.test(e.message));
  // a long but representable record (about 16 years in all) still reads
  const long = readEdf(setField(b, 244, 8, '99999999'), 'long.edf');
  assert.equal(long.header.duration, 499999995);
  assert.equal(long.read()[0]!.length, 2560);
});

test('absurd values in every numeric header field: a clean parse and read, or a typed error', (t) => {
  if (skipMissing(t, dataPath(FILE), dataPath(BDF))) return;
  const values = ['1e308', '-1e308', '9e999', '-9e999', '1e-300', '-1e-300', '99999999', '-9999999', '0', '-0', '-1', '1e5',
    'nan', 'NaN', 'Infinity', '0x10', '1,5', '.', '+', '', '\xff\xff'];
  for (const file of [FILE, BDF]) {
    const b = load(file);
    const ns = 4;
    const fields: [number, number][] = [[184, 8], [236, 8], [244, 8], [252, 4]];
    let at = 256 + ns * (16 + 80 + 8);
    for (const len of [8, 8, 8, 8]) { for (let i = 0; i < ns; i++) fields.push([at + len * i, len]); at += ns * len; }
    at += ns * 80;
    for (let i = 0; i < ns; i++) fields.push([at + 8 * i, 8]);
    let parsed = 0;
    for (const [from, len] of fields) {
      for (const v of values) {
        const bad = setField(b, from, len, v);
        try {
          const rec = readEdf(bad, 'bad.edf');
          for (const x of rec.read()) assert.ok(x.length <= 8 * b.length);
          assert.ok(Number.isFinite(rec.header.duration));
          assert.ok(rec.header.channels.every((c) => Number.isFinite(c.sfreq) && Number.isSafeInteger(c.nSamples)));
          assert.equal(typeof describe(bad, 'bad.edf'), 'string');
          parsed++;
        } catch (e) {
          assert.ok(e instanceof DendriteError, `${file} bytes ${from}-${from + len - 1} = ${JSON.stringify(v)}: ${String(e)}`);
          assert.match(e.message, /bad\.edf/);
        }
      }
    }
    assert.ok(parsed > 20, `${file}: only ${parsed} mutations parsed`);
  }
});
