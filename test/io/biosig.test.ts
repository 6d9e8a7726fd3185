// EDF and GDF read text fields, units, channel types and calibration through one set of helpers
// (src/io/biosig.ts): the same label and unit give the same type and SI scale in both readers, as
// MNE-Python types and scales them (stim: 'Status'/'Trigger'; types from a label's first word as
// MNE's infer_types; a bare 'ECG' is EEG; MNE's micro spellings, Shift-JIS µ included).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readEdf, writeEdf } from '../../src/io/edf/index.js';
import { readGdf } from '../../src/io/gdf/index.js';
import { calibration, guessChannelType, headerText, unitScaleOf } from '../../src/io/biosig.js';

const put = (b: Uint8Array, at: number, len: number, text: string, pad: number): void => {
  for (let i = 0; i < len; i++) b[at + i] = i < text.length ? text.charCodeAt(i) : pad;
};

// label, unit → type and SI scale, as MNE
const CASES: [string, string, string, number][] = [
  ['ECG ECG1', 'uV', 'ecg', 1e-6],
  ['ECG', '\x83\xcaV', 'eeg', 1e-6],
  ['Trigger', 'uV', 'stim', 1],
  ['EOG left', 'mV', 'eog', 1e-3],
  ['Fz', 'kV', 'eeg', 1e3],
];

/** A two-channel EDF+ from the writer, its labels and units then overwritten in place. */
function edfWith(label0: string, unit0: string, label1: string, unit1: string): Uint8Array {
  const data = Float64Array.from({ length: 200 }, (_, i) => Math.sin(i / 5) * 1e-4);
  const b = writeEdf({ channels: [{ name: 'A', sfreq: 100, data, unit: 'uV' }, { name: 'B', sfreq: 100, data, unit: 'uV' }] });
  const ns = Number(headerText(b, 252, 4));
  put(b, 256, 16, label0, 32);
  put(b, 256 + 16, 16, label1, 32);
  put(b, 256 + ns * 96, 8, unit0, 32);
  put(b, 256 + ns * 96 + 8, 8, unit1, 32);
  return b;
}

/** The committed GDF 1.25 file (two int32 channels in uV), its labels and units overwritten. */
function gdfWith(label0: string, unit0: string, label1: string, unit1: string): Uint8Array {
  const b = new Uint8Array(readFileSync('test/golden/gdf/crafted_v1_int32.gdf'));
  put(b, 256, 16, label0, 0);
  put(b, 256 + 16, 16, label1, 0);
  put(b, 256 + 2 * 96, 8, unit0, 0);
  put(b, 256 + 2 * 96 + 8, 8, unit1, 0);
  return b;
}

test('EDF and GDF give the same channel type and unit scale for the same label and unit, as MNE', () => {
  for (const [label, unit, type, scale] of CASES) {
    const edf = readEdf(edfWith(label, unit, 'Cz', 'uV'), 'x.edf').header.channels[0]!;
    const gdf = readGdf(gdfWith(label, unit, 'Cz', 'uV'), 'x.gdf').header.channels[0]!;
    for (const [name, ch] of [['EDF', edf], ['GDF', gdf]] as const) {
      assert.equal(ch.type, type, `${name} ${JSON.stringify(label)} type`);
      assert.equal(ch.unitScale, scale, `${name} ${JSON.stringify(label)} in ${JSON.stringify(unit)} scale`);
    }
  }
});

test('the unit scale reaches the samples in both readers: a Shift-JIS µV channel reads in volts', () => {
  const edfRef = readEdf(edfWith('Fz', 'uV', 'Cz', 'uV'), 'ref.edf').read();
  const edf = readEdf(edfWith('Fz', 'kV', 'Cz', '\x83\xcaV'), 'x.edf').read();
  edf[0]!.forEach((v, i) => assert.ok(Math.abs(v - edfRef[0]![i]! * 1e9) <= 1e-9 * Math.abs(v), `EDF kV sample ${i}`));
  assert.deepEqual(Array.from(edf[1]!), Array.from(edfRef[1]!));
  const gdfRef = readGdf(gdfWith('C3', 'uV', 'C4', 'uV'), 'ref.gdf').read();
  const gdf = readGdf(gdfWith('C3', 'kV', 'C4', '\x83\xcaV'), 'x.gdf').read();
  gdf[0]!.forEach((v, i) => assert.ok(Math.abs(v - gdfRef[0]![i]! * 1e9) <= 1e-9 * Math.abs(v), `GDF kV sample ${i}`));
  assert.deepEqual(Array.from(gdf[1]!), Array.from(gdfRef[1]!));
});

test('shared helpers: header text, units, types, calibration with MNE\'s degenerate-range rule', () => {
  assert.equal(headerText(Uint8Array.from([32, 65, 66, 0, 67, 32]), 0, 6), 'AB');
  assert.equal(unitScaleOf(' µV '), 1e-6);
  assert.equal(unitScaleOf('degC'), 1);
  assert.equal(guessChannelType('status'), 'stim');
  assert.equal(guessChannelType('STI 014'), 'stim');
  assert.equal(guessChannelType('SaO2 X9'), 'bio');
  assert.equal(guessChannelType('EKG'), 'eeg');
  const warned: string[] = [];
  assert.deepEqual(calibration(-100, 100, -2048, 2047, 'c', (m) => warned.push(m)), { gain: 200 / 4095, offset: -100 + 2048 * (200 / 4095) });
  assert.deepEqual(calibration(5, 5, 3, 3, 'ch 2', (m) => warned.push(m)), { gain: 1, offset: 5 - 3 });
  assert.equal(warned.length, 2);
  assert.match(warned[0]!, /ch 2: digital range 3 to 3/);
  assert.deepEqual(calibration(0, 1, NaN, 1, 'c', () => {}).gain, 1);
});
