import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ArgumentError, FormatError, IndexError } from '../../../src/errors.js';
import { readGdf, type GdfRecording } from '../../../src/io/gdf/index.js';
import { dataPath, skipMissing } from '../../helpers/data.js';

const GOLDEN = resolve('test/golden/gdf/gdf.json');

interface Golden {
  file: string;
  shared?: boolean;
  reference: string;
  ch_names?: string[];
  ch_types?: string[];
  sfreq?: number;
  n_times?: number;
  meas_date?: string | null;
  annotations?: { onset: number; duration: number; description: string }[];
  spots?: [number, number, number][];
  sums?: number[];
  mins?: number[];
  maxs?: number[];
  mne_events?: { pos: number[]; type: number[]; chn: number[]; dur: number[] };
  sfreqs?: number[];
  data?: number[][];
}
const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Golden[];

function close(a: number, b: number, rel: number, abs: number, what: string): void {
  assert.ok(Math.abs(a - b) <= abs + rel * Math.abs(b), `${what}: got ${a}, expected ${b}`);
}

/** Shared-data files live under the data root; the crafted ones are committed next to the golden JSON. */
const pathOf = (g: Golden) => (g.shared ? dataPath(g.file) : resolve(g.file));

function load(g: Golden): GdfRecording {
  return readGdf(readFileSync(pathOf(g)), g.file);
}

for (const g of golden) {
  test(`GDF ${g.file} matches ${g.reference}`, (t) => {
    if (g.shared && skipMissing(t, pathOf(g))) return;
    const rec = load(g);
    const h = rec.header;
    if (g.data) {
      // numpy decoding of the mixed-type, mixed-rate file (MNE cannot read it)
      const all = rec.read();
      assert.equal(all.length, g.data.length);
      g.data.forEach((ref, c) => {
        close(h.channels[c]!.sfreq, g.sfreqs![c]!, 0, 1e-12, `sfreq ${c}`);
        assert.equal(all[c]!.length, ref.length, `length ${c}`);
        ref.forEach((v, i) => close(all[c]![i]!, v, 1e-12, 1e-18, `${h.channels[c]!.name}[${i}]`));
      });
      assert.equal(rec.events.length, 2);
      assert.deepEqual(rec.events[1], { position: 17, type: 0x0302, channel: 3, duration: 0 });
      assert.deepEqual(rec.warnings, []);
      return;
    }
    assert.deepEqual(h.channels.map((c) => c.name), g.ch_names);
    assert.deepEqual(h.channels.map((c) => c.type), g.ch_types);
    for (const c of h.channels) close(c.sfreq, g.sfreq!, 0, 1e-9, 'sfreq');
    for (const c of h.channels) assert.equal(c.nSamples, g.n_times);
    if (g.meas_date) close(h.startTime!.getTime(), Date.parse(g.meas_date), 0, 1, 'startTime');
    else assert.equal(h.startTime, null);
    const data = rec.read();
    // MNE scales float32 samples in float32 (numpy keeps the array's dtype); dendrite in float64.
    const rel = rec.dataTypes.some((t) => t === 16) ? 1e-6 : 1e-12;
    for (const [c, i, v] of g.spots!) close(data[c]![i]!, v, rel, 1e-18, `spot ${c},${i}`);
    data.forEach((x, c) => {
      close(x.reduce((a, b) => a + b, 0), g.sums![c]!, Math.max(rel, 1e-10), 1e-15, `sum ${c}`);
      close(Math.min(...x), g.mins![c]!, rel, 1e-18, `min ${c}`);
      close(Math.max(...x), g.maxs![c]!, rel, 1e-18, `max ${c}`);
    });
    // Annotations: onsets and descriptions as MNE; durations as MNE wherever the file stores a
    // duration >= 1 sample (MNE clips durations to >= 1 sample and invents 1 for mode-1 tables;
    // dendrite reports 0 where the file gives none).
    assert.equal(h.annotations.length, g.annotations!.length);
    h.annotations.forEach((a, k) => {
      const ref = g.annotations![k]!;
      close(a.onset, ref.onset, 1e-12, 1e-12, `onset ${k}`);
      assert.equal(a.description, ref.description);
      const ev = rec.events[k]!;
      assert.equal(ev.position, g.mne_events!.pos[k]);
      assert.equal(ev.type, g.mne_events!.type[k]);
      if (ev.duration !== undefined && ev.duration >= 1) close(a.duration, ref.duration, 1e-12, 1e-12, `duration ${k}`);
      else assert.equal(a.duration, 0);
    });
  });
}

test('GDF header details of the crafted GDF 2.20 file', () => {
  const rec = readGdf(readFileSync('test/golden/gdf/crafted_v2_int16_mode3.gdf'), 'crafted');
  const h = rec.header;
  assert.equal(h.format, 'GDF 2.20');
  assert.equal(h.patient, 'P0042 Jane_Doe');
  assert.equal(h.recording, 'crafted by gdf_nifti_reference.py');
  assert.equal(h.nRecords, 10);
  assert.equal(h.recordDuration, 0.1);
  close(h.duration, 1, 0, 1e-12, 'duration');
  assert.equal(h.startTime!.toISOString(), '2021-03-04T05:06:07.000Z');
  assert.deepEqual(h.channels.map((c) => [c.unit, c.unitScale]), [['uV', 1e-6], ['mV', 1e-3], ['', 1]]);
  assert.equal(h.channels[0]!.prefilter, 'HP:0.5Hz LP:70Hz');
  assert.deepEqual(rec.dataTypes, [3, 3, 3]);
  assert.equal(rec.eventSfreq, 250);
  assert.deepEqual(rec.events, [
    { position: 0, type: 768, channel: 0, duration: 0 },
    { position: 30, type: 769, channel: 0, duration: 125 },
    { position: 100, type: 32766, channel: 2, duration: 3 },
    { position: 249, type: 1023, channel: 1, duration: 1 },
  ]);
  assert.deepEqual(h.annotations[1], { onset: 0.12, duration: 0.5, description: '769' });
  const v1 = readGdf(readFileSync('test/golden/gdf/crafted_v1_int32.gdf'), 'v1');
  assert.equal(v1.header.format, 'GDF 1.25');
  assert.equal(v1.header.startTime!.toISOString(), '2020-01-02T03:04:05.500Z');
  assert.equal(v1.header.channels[0]!.prefilter, 'HP:0.1Hz LP:30Hz');
  assert.equal(v1.eventSfreq, 64);
});

test('GDF lazy read: time spans and picks agree with a full read', () => {
  const rec = readGdf(readFileSync('test/golden/gdf/crafted_v2_mixed.gdf'), 'mixed');
  const full = rec.read();
  const names = rec.header.channels.map((c) => c.name);
  // spans crossing record boundaries at each channel's own rate
  const part = rec.read({ tmin: 0.3, tmax: 1.2, picks: [names[2]!, 0, 7] });
  for (const [k, c] of [2, 0, 7].entries()) {
    const sf = rec.header.channels[c]!.sfreq;
    const a = Math.round(0.3 * sf), b = Math.round(1.2 * sf);
    assert.deepEqual([...part[k]!], [...full[c]!.slice(a, b)], names[c]);
  }
  assert.equal(rec.read({ tmin: 5 })[0]!.length, 0);
  assert.equal(rec.read({ tmax: 0 })[3]!.length, 0);
  assert.throws(() => rec.read({ picks: ['nope'] }), ArgumentError);
  assert.throws(() => rec.read({ picks: [8] }), IndexError);
});

test('GDF bad input throws FormatError naming the file and field', () => {
  const good = readFileSync('test/golden/gdf/crafted_v2_int16_mode3.gdf');
  const bad = (f: (b: Uint8Array) => Uint8Array, re: RegExp) => {
    const b = f(new Uint8Array(good));
    assert.throws(() => readGdf(b, 'bad.gdf'), (e: unknown) => e instanceof FormatError && re.test(e.message) && e.message.includes('bad.gdf'));
  };
  bad((b) => b.slice(0, 100), /header/);
  bad((b) => { b.set([0x45, 0x44, 0x46], 0); return b; }, /version/);
  bad((b) => b.slice(0, 900), /header length|number of records/);
  bad((b) => b.slice(0, 1024 + 1000), /number of records/);
  bad((b) => { new DataView(b.buffer).setInt32(256 + 3 * 16 + 3 * 80 + 3 * 6 + 3 * 2 + 4 * 3 * 8 + 3 * 68 + 3 * 12 + 3 * 4, 42, true); return b; }, /data type of channel 0/);
  bad((b) => { new DataView(b.buffer).setUint32(248, 0, true); return b; }, /record duration/);
  bad((b) => b.slice(0, b.length - 4), /event table/);
  // no records, no samples per record and an event rate of 0: nothing to convert positions to seconds
  bad((b) => {
    const headerBytes = new DataView(b.buffer).getUint16(184, true) * 256;
    const table = b.slice(b.length - (8 + 4 * 12)); // mode 3, 4 events
    const out = new Uint8Array(headerBytes + table.length);
    out.set(b.subarray(0, headerBytes));
    out.set(table, headerBytes);
    const dv = new DataView(out.buffer);
    dv.setBigInt64(236, 0n, true);
    for (let c = 0; c < 3; c++) dv.setInt32(256 + 3 * 216 + 4 * c, 0, true);
    dv.setFloat32(headerBytes + 4, 0, true);
    return out;
  }, /event table: 4 events, but the event rate is 0 and no channel has a sampling rate/);
});
