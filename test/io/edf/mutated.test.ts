// Real files changed in a few bytes, against MNE-Python 1.3 reading the same bytes
// (test/golden/edf/mutated/*.json, made by scripts/golden/edf_mutated.py, which also holds the
// byte patches): repeated channel labels, Latin-1 annotation text, invalid EDF+ Startdates, and
// EDF+D files with gaps, read contiguously as MNE reads them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { readEdf, type EdfRecording } from '../../../src/io/edf/index.js';
import { dataPath, skipMissing } from '../../helpers/data.js';

interface MneChannel { name: string; n: number; sum: number; abs_sum: number; first: number[]; mid_start: number; mid: number[]; last: number[] }
interface MutatedGolden {
  source: string;
  what: string;
  patches: [number, string][];
  mne: {
    ch_names: string[]; n_times: number; meas_date: string | null;
    annotations: [number, number, string][]; warnings: string[]; channels: MneChannel[];
  };
  mne_utf8_error?: string | null;
}

const DIR = resolve(process.cwd(), 'test/golden/edf/mutated');
const golden = (name: string): MutatedGolden => JSON.parse(readFileSync(resolve(DIR, `${name}.json`), 'utf8')) as MutatedGolden;

/** The source file with the golden's byte patches applied. */
function build(g: MutatedGolden): Uint8Array {
  const b = new Uint8Array(readFileSync(dataPath(g.source)));
  for (const [at, hex] of g.patches) {
    for (let i = 0; i < hex.length / 2; i++) b[at + i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  }
  return b;
}

const near = (a: number, b: number, tol: number, what: string): void => {
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (|diff| ${Math.abs(a - b)} > ${tol})`);
};

/** Names, start date and the MNE-picked channels' samples, read by their MNE names. */
function checkAgainstMne(rec: EdfRecording, g: MutatedGolden): void {
  const h = rec.header;
  assert.deepEqual(h.channels.map((c) => c.name), g.mne.ch_names);
  if (g.mne.meas_date === null) assert.equal(h.startTime, null);
  else assert.equal(h.startTime!.getTime() - Math.floor(h.startOffset * 1000), Date.parse(g.mne.meas_date));
  for (const mc of g.mne.channels) {
    const ch = h.channels.find((c) => c.name === mc.name)!;
    const x = rec.read({ picks: [mc.name] })[0]!;
    assert.equal(x.length, mc.n, `${mc.name} length`);
    const step = Math.abs((ch.physicalMax - ch.physicalMin) / (ch.digitalMax - ch.digitalMin)) * ch.unitScale;
    const spots: [number, number][] = [
      ...mc.first.map((v, i) => [i, v] as [number, number]),
      ...mc.mid.map((v, i) => [mc.mid_start + i, v] as [number, number]),
      ...mc.last.map((v, i) => [mc.n - mc.last.length + i, v] as [number, number]),
    ];
    for (const [i, v] of spots) near(x[i]!, v, 1e-9 * Math.abs(v) + 1e-6 * step, `${mc.name}[${i}]`);
    let s = 0;
    for (const v of x) s += v;
    near(s, mc.sum, 1e-9 * mc.abs_sum + 1e-6 * step, `${mc.name} sum`);
  }
}

/** Annotations equal MNE's (MNE rounds onsets to microseconds; ours are the TAL's exact values). */
function sameAnnotations(ours: readonly { onset: number; duration: number; description: string }[], mne: [number, number, string][]): void {
  assert.equal(ours.length, mne.length, `annotations: ${JSON.stringify(ours)}`);
  ours.forEach((a, i) => {
    near(a.onset, mne[i]![0], 1e-6, `annotation ${i} onset`);
    near(a.duration, mne[i]![1], 1e-6, `annotation ${i} duration`);
    assert.equal(a.description, mne[i]![2]);
  });
}

test('golden: one file per mutated case', () => {
  assert.deepEqual(readdirSync(DIR).filter((f) => f.endsWith('.json')).sort(), [
    'duplicate_labels.json', 'edfd_gaps.json', 'edfd_huge_onset.json', 'edfd_huger_onset.json',
    'latin1_annotation.json', 'startdate_day_zero.json', 'startdate_invalid_day.json', 'startdate_valid.json',
  ]);
});

test('repeated channel labels are renamed as MNE renames them, with a warning, and each is readable by name', (t) => {
  const g = golden('duplicate_labels');
  if (skipMissing(t, dataPath(g.source))) return;
  const rec = readEdf(build(g), 'dup.edf');
  checkAgainstMne(rec, g);
  const h = rec.header;
  // 'C3..' on signals 0, 1, 2 and 8; 'Q', 'Q', 'Q-0' on 10-12 ('-0' is taken, so '-a').
  assert.deepEqual(h.channels.slice(0, 3).map((c) => [c.name, c.label]), [['C3..-0', 'C3..'], ['C3..-1', 'C3..'], ['C3..-2', 'C3..']]);
  assert.deepEqual(h.channels.slice(10, 13).map((c) => c.name), ['Q-a', 'Q-1', 'Q-0']);
  assert.equal(h.channels[8]!.name, 'C3..-3');
  assert.equal(new Set(h.channels.map((c) => c.name)).size, 64);
  assert.deepEqual(rec.warnings, [
    'channel label "C3.." repeats; the channels are named "C3..-0", "C3..-1", "C3..-2", "C3..-3" (as MNE)',
    'channel label "Q" repeats; the channels are named "Q-a", "Q-1" (as MNE)',
  ]);
  assert.match(g.mne.warnings[0]!, /Channel names are not unique/);
  // a name reaches its own channel, not the first of its label
  const all = rec.read();
  assert.deepEqual(rec.read({ picks: ['C3..-3', 'Q-1'] }), [all[8], all[11]]);
  assert.notDeepEqual(all[8], all[0]);
});

test('annotation text that is not valid UTF-8 is read as Latin-1 (MNE with encoding="latin1"), with a warning', (t) => {
  const g = golden('latin1_annotation');
  if (skipMissing(t, dataPath(g.source))) return;
  const rec = readEdf(build(g), 'latin1.edf');
  checkAgainstMne(rec, g);
  sameAnnotations(rec.header.annotations, g.mne.annotations);
  assert.deepEqual(rec.header.annotations.filter((a) => !/^T[012]$/.test(a.description)).map((a) => a.description), ['µé', 'Tä']);
  assert.equal(rec.warnings.length, 1);
  assert.match(rec.warnings[0]!, /^2 annotations are not valid UTF-8 and were read as Latin-1 \(first: record 0, "µé"\)$/);
  // MNE's default (UTF-8) refuses the file.
  assert.match(g.mne_utf8_error!, /invalid byte/);
});

for (const name of ['startdate_invalid_day', 'startdate_day_zero', 'startdate_valid']) {
  test(`EDF+ Startdate: ${name} (the header's date where the Startdate is not a date, as MNE)`, (t) => {
    const g = golden(name);
    if (skipMissing(t, dataPath(g.source))) return;
    const rec = readEdf(build(g), `${name}.edf`);
    checkAgainstMne(rec, g);
    sameAnnotations(rec.header.annotations, g.mne.annotations);
    const want = name === 'startdate_valid' ? '2020-01-25T04:05:56.394Z' : '2020-01-23T04:05:56.394Z';
    assert.equal(rec.header.startTime!.toISOString(), want);
    if (name === 'startdate_valid') assert.deepEqual(rec.warnings, []);
    else assert.deepEqual(rec.warnings, [`EDF+ Startdate "${name === 'startdate_day_zero' ? '00-JAN-2020' : '31-FEB-2020'}" in the recording field is not a valid dd-MMM-yyyy date; using the header's date "23.01.20" (as MNE)`]);
  });
}

test('EDF+D with gaps: samples contiguous as MNE reads them; gaps reported; annotations on the samples\' time axis', (t) => {
  const g = golden('edfd_gaps');
  if (skipMissing(t, dataPath(g.source))) return;
  const rec = readEdf(build(g), 'gaps.edf');
  const base = readEdf(new Uint8Array(readFileSync(dataPath(g.source))));
  checkAgainstMne(rec, g);
  const h = rec.header;
  assert.equal(h.format, 'EDF+D');
  assert.equal(h.gapMode, 'contiguous');
  assert.equal(h.channels[0]!.nSamples, g.mne.n_times);
  assert.equal(h.duration, 125);
  assert.deepEqual(rec.read(), base.read());
  assert.deepEqual(h.gaps, [
    { record: 40, onset: 40, fileOnset: 40, duration: 3 },
    { record: 90, onset: 90, fileOnset: 93, duration: 7.5 },
  ]);
  assert.deepEqual([...h.recordOnsets], [...base.header.recordOnsets]);
  assert.equal(h.recordFileOnsets[40], 43);
  assert.equal(h.recordFileOnsets[124], 134.5);
  assert.match(rec.warnings.join('\n'), /EDF\+D: 2 gaps between data records \(10\.5 s in all, the first before record 40\); records read contiguously and marked BAD_ACQ_SKIP/);
  // Zero-duration BAD_ACQ_SKIP at each boundary; every other annotation back where the
  // unshifted file has it (MNE keeps file-clock onsets, so it drops the 2 that land past the end).
  // An annotation running into a gap ends at the boundary: each gap is longer than any overrun.
  const skips = h.annotations.filter((a) => a.description === 'BAD_ACQ_SKIP');
  assert.deepEqual(skips, [{ onset: 40, duration: 0, description: 'BAD_ACQ_SKIP' }, { onset: 90, duration: 0, description: 'BAD_ACQ_SKIP' }]);
  const ours = h.annotations.filter((a) => a.description !== 'BAD_ACQ_SKIP');
  assert.equal(ours.length, base.header.annotations.length);
  ours.forEach((a, i) => {
    const b = base.header.annotations[i]!;
    assert.equal(a.description, b.description);
    near(a.onset, b.onset, 1e-12, `annotation ${i} onset`);
    const boundary = [40, 90].find((x) => b.onset < x && b.onset + b.duration > x);
    near(a.duration, boundary === undefined ? b.duration : boundary - b.onset, 1e-12, `annotation ${i} duration`);
  });
  assert.equal(g.mne.annotations.length, ours.length - 2);
  g.mne.annotations.forEach(([onset, , desc], i) => {
    const shift = onset >= 93 ? 10.5 : onset >= 40 ? 3 : 0;
    near(ours[i]!.onset, onset - shift, 1e-6, `MNE annotation ${i} (${desc}) moved by ${shift} s`);
    assert.equal(ours[i]!.description, desc);
  });
});

for (const name of ['edfd_huge_onset', 'edfd_huger_onset']) {
  test(`EDF+D whose last record starts far out (${name}): read contiguously as MNE, the gap reported`, (t) => {
    const g = golden(name);
    if (skipMissing(t, dataPath(g.source))) return;
    const rec = readEdf(build(g), `${name}.edf`);
    checkAgainstMne(rec, g);
    const h = rec.header;
    assert.equal(h.channels[0]!.nSamples, 2560);
    assert.equal(h.duration, 5);
    const onset = name === 'edfd_huge_onset' ? 1000000 : 99999999999;
    assert.equal(h.gaps.length, 1);
    assert.equal(h.gaps[0]!.record, 4);
    assert.equal(h.gaps[0]!.onset, 4);
    near(h.gaps[0]!.duration, onset - 4, 4 * Number.EPSILON * onset, 'gap');
    sameAnnotations(h.annotations.filter((a) => a.description !== 'BAD_ACQ_SKIP'), g.mne.annotations);
    assert.deepEqual(h.annotations.at(-1), { onset: 4, duration: 0, description: 'BAD_ACQ_SKIP' });
  });
}
