// writeEdf round trips: real file -> write (EDF+ / BDF+) -> read gives the same samples within the
// quantisation step (bit-exact where the file's own ranges are kept), the same annotations and
// start time; mixed rates, sub-second starts, UTF-8 text, padding and record-duration choice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readEdf, writeEdf, type EdfRecording, type EdfWriteInput } from '../../../src/io/edf/index.js';
import { ArgumentError } from '../../../src/errors.js';
import { CONF, MMIDB, load } from './data.js';
import { skipMissing } from '../../helpers/data.js';

function asInput(rec: EdfRecording, keepRanges: boolean): EdfWriteInput {
  const data = rec.read();
  const h = rec.header;
  return {
    patient: h.patient, recording: h.recording, startTime: h.startTime, startOffset: h.startOffset,
    annotations: h.annotations,
    channels: h.channels.map((c, i) => {
      const base = { name: c.name, sfreq: c.sfreq, data: data[i]!, unit: c.unit, transducer: c.transducer, prefilter: c.prefilter };
      return keepRanges ? { ...base, physicalMin: c.physicalMin, physicalMax: c.physicalMax, digitalMin: c.digitalMin, digitalMax: c.digitalMax } : base;
    }),
  };
}

function roundTrip(file: string, format: 'EDF+' | 'BDF+', keepRanges: boolean, exact: boolean): void {
  const src = readEdf(load(file), file);
  const bytes = writeEdf(asInput(src, keepRanges), { format });
  const back = readEdf(bytes, `${file} (written)`);
  assert.deepEqual(back.warnings, []);
  const h0 = src.header, h1 = back.header;
  assert.equal(h1.format, format === 'EDF+' ? 'EDF+C' : 'BDF+C');
  assert.deepEqual(h1.channels.map((c) => [c.name, c.sfreq, c.unit, c.type]), h0.channels.map((c) => [c.name, c.sfreq, c.unit, c.type]));
  assert.equal(h1.startTime?.getTime(), h0.startTime?.getTime());
  assert.ok(Math.abs(h1.startOffset - h0.startOffset) < 1e-9);
  assert.equal(h1.annotations.length, h0.annotations.length);
  h1.annotations.forEach((a, i) => {
    const b = h0.annotations[i]!;
    assert.equal(a.description, b.description);
    assert.ok(Math.abs(a.onset - b.onset) < 1e-8 && Math.abs(a.duration - b.duration) < 1e-8, `${a.onset} ${b.onset}`);
  });
  const x0 = src.read(), x1 = back.read();
  h1.channels.forEach((c, i) => {
    const n = h0.channels[i]!.nSamples;
    assert.ok(x1[i]!.length >= n);
    const step = (c.physicalMax - c.physicalMin) / (c.digitalMax - c.digitalMin) * c.unitScale;
    const tol = exact ? 1e-12 * Math.max(1, Math.abs(c.physicalMax * c.unitScale)) : Math.abs(step) * (0.5 + 1e-6);
    for (let k = 0; k < n; k++) {
      const d = Math.abs(x1[i]![k]! - x0[i]![k]!);
      if (d > tol) assert.fail(`${file} ${c.name}[${k}]: ${x1[i]![k]} vs ${x0[i]![k]} (step ${step})`);
    }
  });
}

test('round trip keeps samples bit-exact with the file ranges: EEGMMIDB, UTF-8, sub-second, mixed rates', (t) => {
  if (skipMissing(t, CONF, MMIDB)) return;
  roundTrip('eeg/eegmmidb/S001R03.edf', 'EDF+', true, true);
  roundTrip('eeg/edf-conformance/mne-testing-data/test_utf8_annotations.edf', 'EDF+', true, true);
  roundTrip('eeg/edf-conformance/pyedflib/test_subsecond.edf', 'EDF+', true, true);
  roundTrip('eeg/edf-conformance/mne-testing-data/test_reduced.edf', 'EDF+', true, true);
  roundTrip('eeg/edf-conformance/pyedflib/test_generator.bdf', 'BDF+', true, true);
  roundTrip('eeg/edf-conformance/mne-testing-data/multiple_annotation_chans.bdf', 'BDF+', true, true);
});

test('round trip within the quantisation step with ranges chosen from the data', (t) => {
  if (skipMissing(t, CONF, MMIDB)) return;
  roundTrip('eeg/eegmmidb/S001R14.edf', 'EDF+', false, false);
  roundTrip('eeg/edf-conformance/mne-testing-data/test_edf_overlapping_annotations.edf', 'BDF+', false, false);
  roundTrip('eeg/edf-conformance/pyedflib/test_generator.bdf', 'EDF+', false, false); // 24 -> 16 bit
  roundTrip('eeg/edf-conformance/mne-python/test_uneven_samp.edf', 'EDF+', false, false); // 12.8 Hz -> 5 s records
  roundTrip('eeg/edf-conformance/mne-python/test_edf_stim_channel.edf', 'EDF+', false, false); // 9.59375 s of 128 Hz: padded
});

test('padding, record duration choice, many annotations, synthetic data', () => {
  const n = 250 * 3 + 17;
  const sine = Float64Array.from({ length: n }, (_, i) => 50e-6 * Math.sin(i / 10));
  const anns = Array.from({ length: 200 }, (_, i) => ({ onset: i * 0.001, duration: i % 3 ? 0.5 : 0, description: `ev${i} é` }));
  const bytes = writeEdf({
    startTime: new Date(Date.UTC(1999, 11, 31, 23, 59, 59, 250)),
    channels: [{ name: 'Cz', sfreq: 250, data: sine }, { name: 'STI 014', sfreq: 250, data: new Float64Array(n).fill(3) }],
    annotations: anns,
  });
  const r = readEdf(bytes);
  assert.deepEqual(r.warnings, []);
  assert.equal(r.header.nRecords, 4, 'records');
  assert.equal(r.header.startTime!.toISOString(), '1999-12-31T23:59:59.250Z');
  assert.equal(r.header.startOffset, 0.25, 'offset');
  assert.equal(r.header.annotations.length, 200);
  assert.ok(r.header.annotations.every((a, i) => a.description === `ev${i} é` && Math.abs(a.onset - i * 0.001) < 1e-9), 'anns');
  const [x, s] = r.read();
  assert.equal(x!.length, 1000);
  const step = 100e-6 / 65535;
  for (let i = 0; i < n; i++) assert.ok(Math.abs(x![i]! - sine[i]!) <= step / 2 + 1e-15, `sine ${i}`);
  for (let i = n; i < 1000; i++) assert.ok(Math.abs(x![i]!) <= step, `pad ${i}`); // padded with ~0
  assert.equal(r.header.channels[1]!.type, 'stim');
  assert.ok(s!.subarray(0, n).every((v) => Math.abs(v - 3) < 1e-9), 'stim');
  // 12.8 Hz needs 5 s records; 0.3 Hz cannot be recorded in whole seconds up to 60 at 1 s...
  assert.equal(readEdf(writeEdf({ channels: [{ name: 'a', sfreq: 12.8, data: new Float64Array(64) }] })).header.recordDuration, 5);
  assert.throws(() => writeEdf({ channels: [{ name: 'a', sfreq: 100, data: [0] }] }, { recordDuration: 0.015 }), ArgumentError);
  assert.throws(() => writeEdf({ channels: [{ name: 'a', sfreq: 100, data: [NaN] }] }), ArgumentError);
  // BDF+: stim codes kept as raw digital values
  const b = readEdf(writeEdf({ channels: [{ name: 'Status', sfreq: 10, data: [1, 2, -5, 65535] }] }, { format: 'BDF+' }));
  assert.deepEqual([...b.read()[0]!.subarray(0, 4)], [1, 2, -5, 65535]);
  // an annotation-only recording
  const a = readEdf(writeEdf({ channels: [], annotations: [{ onset: 3, duration: 1, description: 'x' }] }));
  assert.equal(a.header.channels.length, 0);
  assert.deepEqual(a.header.annotations, [{ onset: 3, duration: 1, description: 'x' }]);
});
