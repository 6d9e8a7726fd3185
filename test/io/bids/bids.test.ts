// BIDS-EEG walking on a data set the test builds in a temp dir from the shared EDF files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBidsEeg } from '../../../src/node/bids.js';
import { parseTsv, parseEntities } from '../../../src/io/bids/index.js';
import { FormatError } from '../../../src/errors.js';
import { dataPath, skipMissing } from '../../helpers/data.js';

const eeg = dataPath('eeg/eegmmidb');

function build(): string {
  const root = mkdtempSync(join(tmpdir(), 'dendrite-bids-'));
  writeFileSync(join(root, 'dataset_description.json'), JSON.stringify({ Name: 'test', BIDSVersion: '1.8.0' }));
  writeFileSync(join(root, 'participants.tsv'), 'participant_id\tage\tsex\nsub-01\t42\tF\nsub-02\tn/a\tM\n');
  writeFileSync(join(root, 'task-mi_eeg.json'), JSON.stringify({ TaskName: 'mi', PowerLineFrequency: 60, SamplingFrequency: 160 }));
  const runs: [string, string, string][] = [['01', '1', 'S001R04.edf'], ['01', '2', 'S001R08.edf'], ['02', '1', 'S001R06.edf']];
  for (const [sub, run, src] of runs) {
    const dir = sub === '01' ? join(root, `sub-${sub}`, 'ses-1', 'eeg') : join(root, `sub-${sub}`, 'eeg');
    mkdirSync(dir, { recursive: true });
    const base = sub === '01' ? `sub-${sub}_ses-1_task-mi_run-${run}` : `sub-${sub}_task-mi_run-${run}`;
    copyFileSync(join(eeg, src), join(dir, `${base}_eeg.edf`));
    writeFileSync(join(dir, `${base}_channels.tsv`), 'name\ttype\tunits\nFc5.\tEEG\tuV\nFc3.\tEEG\tuV\n');
    writeFileSync(join(dir, `${base}_events.tsv`), 'onset\tduration\ttrial_type\n0.0\t4.2\trest\n4.2\t4.1\tleft_hand\n8.3\tn/a\trest\n');
    if (sub === '01' && run === '2') writeFileSync(join(dir, `${base}_eeg.json`), JSON.stringify({ PowerLineFrequency: 50 }));
  }
  return root;
}

test('finds every recording with entities, inherited sidecars, participants and events', (t) => {
  if (skipMissing(t, ...['S001R04.edf', 'S001R08.edf', 'S001R06.edf'].map((f) => join(eeg, f)))) return;
  const root = build();
  try {
    const recs = readBidsEeg(root);
    assert.deepEqual(recs.map((r) => r.path), [
      'sub-01/ses-1/eeg/sub-01_ses-1_task-mi_run-1_eeg.edf',
      'sub-01/ses-1/eeg/sub-01_ses-1_task-mi_run-2_eeg.edf',
      'sub-02/eeg/sub-02_task-mi_run-1_eeg.edf',
    ]);
    assert.deepEqual(recs[0]!.entities, { sub: '01', ses: '1', task: 'mi', run: '1' });
    assert.equal(recs[0]!.sidecar['PowerLineFrequency'], 60);
    assert.equal(recs[1]!.sidecar['PowerLineFrequency'], 50); // the file's own JSON wins
    assert.deepEqual(recs[2]!.participant, { participant_id: 'sub-02', age: null, sex: 'M' });
    assert.deepEqual(recs[0]!.channels!.rows[0], { name: 'Fc5.', type: 'EEG', units: 'uV' });
    assert.deepEqual(recs[0]!.annotations(), [
      { onset: 0, duration: 4.2, description: 'rest' },
      { onset: 4.2, duration: 4.1, description: 'left_hand' },
      { onset: 8.3, duration: 0, description: 'rest' },
    ]);
    const r = recs[2]!.open();
    assert.equal(r.header.channels.length, 64);
    assert.equal(r.header.annotations.length, 30);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('bad data sets and tables give FormatErrors naming the file', () => {
  const root = mkdtempSync(join(tmpdir(), 'dendrite-bids-bad-'));
  try {
    assert.throws(() => readBidsEeg(root), (e: Error) => e instanceof FormatError && /dataset_description\.json/.test(e.message));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  assert.throws(() => parseTsv('a\tb\n1\t2\t3\n', 'x_events.tsv'), /x_events\.tsv: row 2 has 3 fields, the header has 2/);
  assert.throws(() => parseEntities('sub01_eeg.edf'), FormatError);
  assert.deepEqual(parseEntities('sub-7_task-rest_acq-hd_run-02_eeg.bdf'), { sub: '7', task: 'rest', acq: 'hd', run: '02' });
});

/** A data set with one recording (an empty EDF: these tests never open it) and the given extra files. */
function tiny(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'dendrite-bids-tiny-'));
  const all: Record<string, string> = {
    'dataset_description.json': '{"Name":"t","BIDSVersion":"1.8.0"}',
    'sub-01/eeg/sub-01_task-mi_eeg.edf': '',
    ...files,
  };
  for (const [p, text] of Object.entries(all)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

function withTiny<T>(files: Record<string, string>, f: (root: string) => T): T {
  const root = tiny(files);
  try {
    return f(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test('a sidecar that is not a JSON object is a FormatError naming the file', () => {
  for (const [text, got] of [['[1, 2]', 'an array'], ['"mi"', 'string'], ['null', 'null'], ['7', 'number']] as const) {
    withTiny({ 'task-mi_eeg.json': text }, (root) => {
      assert.throws(() => readBidsEeg(root), (e: unknown) => e instanceof FormatError && e.message.includes(`task-mi_eeg.json: a sidecar must be a JSON object, got ${got}`), text);
    });
  }
});

test("sidecar keys such as '__proto__' are merged as keys, not as a prototype", () => {
  withTiny({ 'task-mi_eeg.json': '{"__proto__": {"PowerLineFrequency": 50}, "TaskName": "mi"}' }, (root) => {
    const [rec] = readBidsEeg(root);
    assert.equal(Object.getPrototypeOf(rec!.sidecar), Object.prototype);
    assert.deepEqual(Object.keys(rec!.sidecar).sort(), ['TaskName', '__proto__']);
    assert.equal(rec!.sidecar['PowerLineFrequency'], undefined);
  });
});

test('event onsets and durations must be decimal numbers; a duration of n/a is 0', () => {
  const events = (rows: string) => ({ 'sub-01/eeg/sub-01_task-mi_events.tsv': `onset\tduration\ttrial_type\n${rows}` });
  const bad: [string, RegExp][] = [
    ['0x10\t1\ta\n', /row 2: onset '0x10' is not a number/],
    ['n/a\t1\ta\n', /row 2: onset 'n\/a' is not a number/],
    ['1\t1\ta\nInfinity\t1\tb\n', /row 3: onset 'Infinity' is not a number/],
    ['1\tabc\ta\n', /row 2: duration 'abc' is not a number/],
    ['1\t1e999\ta\n', /row 2: duration '1e999' is not a number/],
  ];
  for (const [rows, re] of bad) {
    withTiny(events(rows), (root) => {
      const [rec] = readBidsEeg(root);
      assert.throws(() => rec!.annotations(), (e: unknown) => e instanceof FormatError && re.test(e.message) && e.message.includes('sub-01_task-mi_eeg.edf'), rows);
    });
  }
  withTiny(events('1.5\tn/a\ta\n-.5\t2E-1\tb\n'), (root) => {
    assert.deepEqual(readBidsEeg(root)[0]!.annotations(), [
      { onset: 1.5, duration: 0, description: 'a' },
      { onset: -0.5, duration: 0.2, description: 'b' },
    ]);
  });
});

test('a TSV header that names a column twice is a FormatError', () => {
  assert.throws(() => parseTsv('name\ttype\tname\nFz\tEEG\tCz\n', 'x_channels.tsv'), /x_channels\.tsv: column 'name' appears twice/);
});
