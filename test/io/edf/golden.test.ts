// Every EDF/BDF conformance file and every EEGMMIDB run against MNE-Python 1.3
// (test/golden/edf/*.json, made by scripts/golden/edf_reference.py), plus EEGLAB's decodings.
//
// Compared, at each channel's own sampling rate (the golden script re-reads mixed-rate files
// once per rate so that MNE does not resample):
// - channel names (MNE's: repeated labels made unique) and labels (as stored), sfreq, samples per channel; start time (MNE keeps whole seconds:
//   ours minus the sub-second TAL offset must equal it); annotations (onset/duration within
//   1e-6 s, MNE rounds onsets to microseconds; descriptions exact, UTF-8 included);
// - samples: first 5, 5 from the middle, last 3, within 1e-9 relative + 1e-6 of a quantisation
//   step; channel sums within 1e-9 of the sum of |x| + 1e-6 step; stim channels after MNE's
//   integer truncation and 17-bit mask, exactly.
// - EEGLAB (float32 µV): per-channel sums within 1e-6 relative (+0.005 µV per sample for BDF,
//   where EEGLAB and MNE differ by up to 0.005 µV), spot values within float32 precision (EDF)
//   or 0.01 µV (BDF); test_uneven_samp.mat's 1600 Hz sample-and-hold grid within float32 precision.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readEdf, type EdfRecording } from '../../../src/io/edf/index.js';
import { CONF, MMIDB, load, type Golden } from './data.js';
import { dataPath, skipMissing } from '../../helpers/data.js';

const GOLDEN_DIR = resolve(process.cwd(), 'test/golden/edf');
const goldens: Golden[] = readdirSync(GOLDEN_DIR).filter((f) => f.endsWith('.json')).sort()
  .map((f) => JSON.parse(readFileSync(resolve(GOLDEN_DIR, f), 'utf8')) as Golden);

const near = (a: number, b: number, tol: number, what: string): void => {
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (|diff| ${Math.abs(a - b)} > ${tol})`);
};
const stimCode = (x: number): number => Math.trunc(x) & 0x1ffff;

test('golden files cover every EDF/BDF conformance file and EEGMMIDB run', () => {
  assert.equal(goldens.length, 28);
});

for (const g of goldens) {
  test(`MNE reference: ${g.file}`, (t) => {
    if (skipMissing(t, dataPath(g.file))) return;
    const rec: EdfRecording = readEdf(load(g.file), g.file);
    const h = rec.header;
    // names are MNE's (repeated labels made unique), labels as stored
    assert.deepEqual(h.channels.map((c) => c.name), g.ch_names);
    assert.deepEqual(h.channels.map((c) => c.label), g.channels.map((c) => c.name));
    // Start time: MNE's meas_date is the header's whole second.
    if (g.meas_date === null) assert.equal(h.startTime, null);
    else assert.equal(h.startTime!.getTime() - Math.floor(h.startOffset * 1000), Date.parse(g.meas_date));
    // Annotations.
    const ours = h.annotations.map((a) => [a.onset, a.duration, a.description] as const)
      .sort((a, b) => a[0] - b[0] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0));
    const ref = [...g.annotations].sort((a, b) => a[0] - b[0] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0));
    assert.equal(ours.length, ref.length, 'annotation count');
    ours.forEach((a, i) => {
      near(a[0], ref[i]![0], 1e-6, `annotation ${i} onset`);
      near(a[1], ref[i]![1], 1e-6, `annotation ${i} duration`);
      assert.equal(a[2], ref[i]![2]);
    });
    if (g.channels.length === 0) return;
    const data = rec.read();
    g.channels.forEach((gc, c) => {
      const ch = h.channels[c]!;
      const x = data[c]!;
      assert.equal(ch.nSamples, gc.n, `${gc.name} samples`);
      assert.equal(x.length, gc.n, `${gc.name} read length`);
      near(ch.sfreq, gc.sfreq, 1e-9 * gc.sfreq, `${gc.name} sfreq`);
      assert.equal(ch.type === 'stim', gc.stim, `${gc.name} stim`);
      const step = Math.abs((ch.physicalMax - ch.physicalMin) / ((ch.digitalMax - ch.digitalMin) || 1)) * ch.unitScale;
      const spots: [number, number][] = [];
      gc.first.forEach((v, i) => spots.push([i, v]));
      gc.mid.forEach((v, i) => spots.push([gc.mid_start + i, v]));
      gc.last.forEach((v, i) => spots.push([gc.n - gc.last.length + i, v]));
      if (gc.stim) {
        for (const [i, v] of spots) assert.equal(stimCode(x[i]!), v, `${gc.name}[${i}]`);
        let s = 0;
        for (let i = 0; i < x.length; i++) s += stimCode(x[i]!);
        assert.equal(s, gc.sum, `${gc.name} sum`);
      } else {
        for (const [i, v] of spots) near(x[i]!, v, 1e-9 * Math.abs(v) + 1e-6 * step, `${gc.name}[${i}]`);
        let s = 0;
        for (let i = 0; i < x.length; i++) s += x[i]!;
        near(s, gc.sum, 1e-9 * gc.abs_sum + 1e-6 * step, `${gc.name} sum`);
      }
    });
    if (g.eeglab) {
      const e = g.eeglab;
      const bdf = h.family === 'BDF';
      const nCh = bdf ? e.shape[0]! : e.shape[0]! - 1; // EEGLAB scales test.edf's Status differently
      for (let c = 0; c < nCh; c++) {
        let s = 0, sa = 0;
        for (const v of data[c]!) { s += v * 1e6; sa += Math.abs(v * 1e6); }
        near(s, e.sums[c]!, 1e-6 * sa + (bdf ? 0.005 * e.shape[1]! : 1e-3), `eeglab ${h.channels[c]!.name} sum`);
      }
      e.picks.forEach((c, k) => {
        if (c >= nCh) return;
        const x = data[c]!;
        const tol = (v: number): number => (bdf ? 0.01 : 1e-6 * Math.abs(v) + 1e-4);
        e.first[k]!.forEach((v, i) => near(x[i]! * 1e6, v, tol(v), `eeglab ${c}[${i}]`));
        e.mid[k]!.forEach((v, i) => near(x[e.mid_start + i]! * 1e6, v, tol(v), `eeglab ${c}[${e.mid_start + i}]`));
      });
    }
    if (g.uneven) {
      g.uneven.channels.forEach((u, c) => {
        const x = data[c]!;
        const toPhys = 1 / h.channels[c]!.unitScale; // the .mat holds physical units (V, uV)
        assert.equal(x.length, u.n);
        u.first.forEach((v, i) => near(x[i]! * toPhys, v, 1e-6 * Math.abs(v) + 1e-9, `uneven ${c}[${i}]`));
        u.mid.forEach((v, i) => near(x[u.mid_start + i]! * toPhys, v, 1e-6 * Math.abs(v) + 1e-9, `uneven ${c}[${u.mid_start + i}]`));
        let s = 0, sa = 0;
        for (const v of x) { s += v * toPhys; sa += Math.abs(v * toPhys); }
        near(s, u.sum, 1e-6 * sa, `uneven ${c} sum`);
      });
    }
  });
}

test('EEGMMIDB runs: 30 annotations alternating T0 with T1/T2, 64 x 20000 samples at 160 Hz', (t) => {
  if (skipMissing(t, MMIDB)) return;
  for (const run of ['03', '04', '05', '06', '07', '08', '09', '10', '14']) {
    const h = readEdf(load(`eeg/eegmmidb/S001R${run}.edf`)).header;
    assert.equal(h.format, 'EDF+C');
    assert.equal(h.channels.length, 64);
    assert.ok(h.channels.every((c) => c.sfreq === 160 && c.nSamples === 20000 && c.unitScale === 1e-6));
    assert.equal(h.channels[0]!.name, 'Fc5.');
    assert.equal(h.startTime!.toISOString(), '2009-08-12T16:15:00.000Z');
    const a = h.annotations;
    assert.equal(a.length, 30, `R${run}`);
    assert.equal(a.filter((x) => x.description === 'T0').length, 15);
    assert.equal(a.filter((x) => x.description === 'T1' || x.description === 'T2').length, 15);
    a.forEach((x, i) => {
      assert.equal(x.description === 'T0', i % 2 === 0, `R${run} annotation ${i}`);
      assert.ok(Math.abs(x.duration - 4.1) < 1e-9 || Math.abs(x.duration - 4.2) < 1e-9);
    });
    assert.deepEqual(a.slice(0, 4).map((x) => x.onset), [0, 4.2, 8.3, 12.5]);
    assert.equal(h.duration, 125);
  }
});

test('header details: formats, sub-second start, EDF+ Startdate, 2-digit years, units, types', (t) => {
  if (skipMissing(t, CONF)) return;
  const hdr = (f: string) => readEdf(load(`eeg/edf-conformance/${f}`), f).header;
  const sub = hdr('mne-testing-data/subsecond_starttime.edf');
  assert.equal(sub.startOffset, 0.3945312);
  assert.equal(sub.startTime!.toISOString(), '2020-01-24T04:05:56.394Z');
  assert.equal(sub.format, 'EDF+C');
  assert.equal(sub.patient, 'X F 20-JAN-1998 X,X');
  assert.deepEqual(hdr('pyedflib/test_generator.bdf').format, 'BDF+C');
  const bdf = hdr('mne-python/test.bdf');
  assert.equal(bdf.format, 'BDF');
  assert.equal(bdf.channels.at(-1)!.type, 'stim');
  const uneven = hdr('mne-python/test_uneven_samp.edf');
  assert.equal(uneven.format, 'EDF');
  assert.equal(uneven.startTime!.toISOString(), '2000-07-13T12:05:48.000Z'); // '13.07.00' -> 2000
  assert.deepEqual(uneven.channels.map((c) => [c.sfreq, c.unitScale]), [[100, 1], [12.8, 1e-6]]);
  assert.equal(hdr('mne-testing-data/SC4001EC-Hypnogram.edf').startTime!.toISOString(), '1989-04-24T16:13:00.000Z');
  const stim = hdr('mne-python/test_edf_stim_channel.edf');
  assert.equal(stim.recordDuration, 9.59375);
  assert.equal(stim.channels[0]!.nSamples, 1228);
  const types = hdr('mne-testing-data/chtypes_edf.edf').channels;
  assert.equal(types.find((c) => c.name === 'ECG ECG1')!.type, 'ecg');
  assert.equal(types.find((c) => c.name === 'SaO2 X9')!.type, 'bio');
  assert.equal(types.find((c) => c.name === 'POL DC01')!.type, 'eeg');
  const hyp = hdr('mne-testing-data/SC4001EC-Hypnogram.edf');
  assert.equal(hyp.channels.length, 0);
  assert.equal(hyp.annotations.at(-1)!.onset + hyp.annotations.at(-1)!.duration, 86400);
  const multi = hdr('mne-testing-data/multiple_annotation_chans.bdf');
  assert.equal(multi.channels.length, 19);
  assert.equal(multi.channels.find((c) => c.name === 'Trigger')!.type, 'stim');
  assert.ok(hdr('mne-testing-data/test_utf8_annotations.edf').annotations.some((a) => a.description === '仰卧'));
  for (const h of [sub, bdf, uneven, stim, hyp, multi]) assert.deepEqual(h.warnings, [], h.source);
});
