// EEGMMIDB runs: the standard event mapping of every run (PhysioNet's task list), file names,
// a real run (S001R04, imagined left/right fist) loaded from bytes with the mapping MNE's
// annotations give (test/golden/edf/S001R04.edf.json: 64 channels, 160 Hz, 20000 samples, T1 8,
// T2 7), loading by folder in both layouts, and the download path against a local mirror.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentError, FormatError } from '../../src/errors.js';
import { eegmmidbFileName, eegmmidbRunInfo, loadEegmmidbRun, parseEegmmidbName } from '../../src/datasets/eegmmidb.js';
import { downloadEegmmidb, eegmmidbPath, loadEegmmidb } from '../../src/node/eegmmidb.js';
import { eventsFromAnnotations } from '../../src/neuro/events.js';
import { dataPath, skipMissing } from '../helpers/data.js';

const root = dataPath('eeg/eegmmidb');
const r04 = join(root, 'S001R04.edf');
const r06 = join(root, 'S001R06.edf');
const golden = (run: string) => JSON.parse(readFileSync(`test/golden/edf/S001${run}.edf.json`, 'utf8')) as { ch_names: string[]; sfreq: number; n_times: number; annotations: [number, number, string][] };

test('eegmmidbRunInfo: the task, imagery and T1/T2 classes of every run', () => {
  const got = Array.from({ length: 14 }, (_, i) => eegmmidbRunInfo(i + 1)).map((r) => `${r.run} ${r.task} ${r.imagined ? 'imagined' : 'executed'} ${r.classNames.join('/')}`);
  assert.deepEqual(got, [
    '1 baseline-eyes-open executed ', '2 baseline-eyes-closed executed ',
    '3 left-right-fist executed left/right', '4 left-right-fist imagined left/right', '5 fists-feet executed hands/feet', '6 fists-feet imagined hands/feet',
    '7 left-right-fist executed left/right', '8 left-right-fist imagined left/right', '9 fists-feet executed hands/feet', '10 fists-feet imagined hands/feet',
    '11 left-right-fist executed left/right', '12 left-right-fist imagined left/right', '13 fists-feet executed hands/feet', '14 fists-feet imagined hands/feet',
  ]);
  assert.deepEqual(eegmmidbRunInfo(6).mapping, { T1: 0, T2: 1 });
  assert.deepEqual(eegmmidbRunInfo(6, { rest: true }), { run: 6, task: 'fists-feet', imagined: true, mapping: { T0: 0, T1: 1, T2: 2 }, classNames: ['rest', 'hands', 'feet'] });
  assert.deepEqual(eegmmidbRunInfo(1).mapping, {});
  for (const bad of [0, 15, 2.5]) assert.throws(() => eegmmidbRunInfo(bad), (e: Error) => e instanceof ArgumentError && e.message === `eegmmidb: run ${bad} is not one of 1..14`);
});

test('eegmmidbFileName / parseEegmmidbName: S001R04.edf in S001/', () => {
  assert.deepEqual(eegmmidbFileName(1, 4), { name: 'S001R04.edf', path: 'S001/S001R04.edf' });
  assert.deepEqual(eegmmidbFileName(109, 14), { name: 'S109R14.edf', path: 'S109/S109R14.edf' });
  assert.throws(() => eegmmidbFileName(110, 1), (e: Error) => e instanceof ArgumentError && /subject 110 is not one of 1\.\.109/.test(e.message));
  assert.deepEqual(parseEegmmidbName('/data/S001/S001R14.edf'), { subject: 1, run: 14 });
  assert.equal(parseEegmmidbName('S001R15.edf'), null);
  assert.equal(parseEegmmidbName('recording.edf'), null);
});

test('loadEegmmidbRun: S001R04 as MNE reads it, with the left/right mapping', (t) => {
  if (skipMissing(t, r04)) return;
  const bytes = new Uint8Array(readFileSync(r04));
  const run = loadEegmmidbRun(bytes, r04);
  const g = golden('R04');
  assert.deepEqual([run.subject, run.run, run.task, run.imagined], [1, 4, 'left-right-fist', true]);
  assert.deepEqual(run.raw.info.chNames, g.ch_names);
  assert.equal(run.raw.info.sfreq, g.sfreq);
  assert.equal(run.raw.nTimes, g.n_times);
  const ev = eventsFromAnnotations(run.raw, run.mapping);
  const count = (k: number) => ev.events.filter((e) => e.id === k).length;
  assert.deepEqual([count(0), count(1)], [g.annotations.filter((a) => a[2] === 'T1').length, g.annotations.filter((a) => a[2] === 'T2').length]);
  assert.deepEqual([count(0), count(1)], [8, 7]);
  assert.deepEqual(run.classNames, ['left', 'right']);
  // a name that does not say the run needs { subject, run }
  assert.throws(() => loadEegmmidbRun(bytes, 'upload.edf'), (e: Error) => e instanceof ArgumentError && /cannot tell subject and run from 'upload\.edf'/.test(e.message));
  assert.equal(loadEegmmidbRun(bytes, 'upload.edf', { subject: 1, run: 8 }).classNames.join('/'), 'left/right');
});

test('loadEegmmidb: a flat folder and PhysioNet\'s S001/ layout; a missing run names both paths', (t) => {
  if (skipMissing(t, r04, r06)) return;
  const [a, b] = loadEegmmidb({ root, subject: 1, runs: [4, 6] });
  assert.deepEqual([a!.classNames, b!.classNames], [['left', 'right'], ['hands', 'feet']]);
  const g6 = golden('R06');
  assert.equal(b!.raw.annotations.description.filter((d) => d === 'T2').length, g6.annotations.filter((x) => x[2] === 'T2').length);
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-eegmmidb-'));
  try {
    mkdirSync(join(dir, 'S001'));
    symlinkSync(r06, join(dir, 'S001', 'S001R06.edf'));
    assert.equal(eegmmidbPath(dir, 1, 6), join(dir, 'S001', 'S001R06.edf'));
    assert.equal(loadEegmmidb({ root: dir, subject: 1, runs: [6], rest: true })[0]!.mapping['T0'], 0);
    assert.throws(() => eegmmidbPath(dir, 1, 12), (e: Error) => e instanceof FormatError && e.message.includes(join(dir, 'S001R12.edf')) && e.message.includes(join(dir, 'S001', 'S001R12.edf')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('downloadEegmmidb: fetches runs from a mirror into S001/, skips present files, fails on HTTP errors', async (t) => {
  if (skipMissing(t, r04)) return;
  const bytes = readFileSync(r04);
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/eegmmidb/S001/S001R04.edf') res.end(bytes);
    else { res.statusCode = 404; res.end(); }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  const base = `http://127.0.0.1:${port}/eegmmidb/`;
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-eegmmidb-dl-'));
  try {
    const [p] = await downloadEegmmidb(dir, 1, [4], base);
    assert.equal(p, join(dir, 'S001', 'S001R04.edf'));
    assert.ok(readFileSync(p!).equals(bytes));
    await downloadEegmmidb(dir, 1, [4], base); // already there: no request
    assert.deepEqual(hits, ['/eegmmidb/S001/S001R04.edf']);
    assert.equal(loadEegmmidb({ root: dir, subject: 1, runs: [4] })[0]!.raw.nTimes, 20000);
    await assert.rejects(downloadEegmmidb(dir, 1, [8], base), (e: Error) => e instanceof FormatError && e.message === `eegmmidb: download of ${base}S001/S001R08.edf failed with HTTP 404`);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
