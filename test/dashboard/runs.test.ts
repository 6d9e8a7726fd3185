// Run folders as the dashboard reads them: RunLog's files while a run goes and after it ends or
// fails, the runs list (newest first, a dead process's run shown as died, older folders with
// only results.json), and the metrics curves the pages draw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ArgumentError } from '../../src/errors.js';
import { RunLog } from '../../src/node/run_log.js';
import { listRuns, parseMetrics, runRoots } from '../../src/node/serve/index.js';
import { metricCurves, pointCount } from '../../src/dashboard/client/curves.js';

function withTmp(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-runs-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const json = (p: string) => JSON.parse(readFileSync(p, 'utf8'));

test('RunLog: config and status at the start, one line per metric as it goes, done or failed at the end', () => withTmp((root) => {
  const dir = join(root, 'a');
  mkdirSync(dir);
  const log = new RunLog(dir, 'train lenet', { epochs: 2 }, 'LeNet');
  assert.deepEqual(json(join(dir, 'config.json')), { command: 'train lenet', model: 'LeNet', epochs: 2 });
  assert.equal(json(join(dir, 'status.json')).status, 'running');
  assert.equal(json(join(dir, 'status.json')).pid, process.pid);
  log.metric({ epoch: 1, split: 'train', loss: 2.5, acc: 0.5 });
  // the line is on disk before the next one is written (a watcher sees it now)
  assert.equal(readFileSync(join(dir, 'metrics.jsonl'), 'utf8').split('\n').length, 2);
  log.metric({ epoch: 1, split: 'test', loss: Number.NaN, acc: 0.6, time: 7 });
  log.best('test acc', 0.6);
  assert.throws(() => log.metric({ split: '' }), (e: Error) => e instanceof ArgumentError && /a metric needs a split name/.test(e.message));
  log.done();
  assert.throws(() => log.metric({ split: 'x' }), (e: Error) => e instanceof ArgumentError && /after the run ended/.test(e.message));
  const lines = parseMetrics(readFileSync(join(dir, 'metrics.jsonl'), 'utf8'));
  assert.equal(lines.bad, 0);
  assert.deepEqual(lines.records.map((r) => [r['epoch'], r['split'], r['loss'], r['acc']]), [[1, 'train', 2.5, 0.5], [1, 'test', null, 0.6]]);
  assert.equal(typeof lines.records[0]!['time'], 'number');
  assert.equal(lines.records[1]!['time'], 7);
  const st = json(join(dir, 'status.json'));
  assert.equal(st.status, 'done');
  assert.deepEqual(st.best, { name: 'test acc', value: 0.6 });
  assert.ok(st.finished >= st.started);

  const failed = join(root, 'b');
  mkdirSync(failed);
  assert.throws(() => new RunLog(failed, 'decode eeg', {}).wrap(() => {
    throw new ArgumentError('decode eeg: no trials');
  }), ArgumentError);
  const fs = json(join(failed, 'status.json'));
  assert.equal(fs.status, 'failed');
  assert.equal(fs.error, 'decode eeg: no trials');
}));

test('runs list: newest first, a run whose process died shown as died, older folders read from results.json', () => withTmp((root) => {
  const runs = join(root, 'runs');
  const reports = join(root, 'reports');
  for (const d of ['runs/old', 'runs/new', 'runs/dead', 'reports/legacy', 'runs/.hidden']) mkdirSync(join(root, d), { recursive: true });
  const status = (d: string, s: Record<string, unknown>) => writeFileSync(join(root, d, 'status.json'), JSON.stringify(s));
  status('runs/old', { status: 'done', command: 'train lenet', model: 'LeNet', started: '2026-01-01T00:00:00.000Z', pid: process.pid, best: { name: 'test acc', value: 0.9 } });
  status('runs/new', { status: 'running', command: 'decode eeg', model: 'shallow', started: '2026-03-01T00:00:00.000Z', pid: process.pid });
  writeFileSync(join(runs, 'new', 'metrics.jsonl'), '{"epoch":1,"split":"train","acc":0.99}\n{"epoch":1,"split":"valid","acc":0.7}\n{"epoch":2,"split":"valid","acc":0.8}\n{"epoch":3,"split":"val');
  // a pid that has exited: spawn a process and wait for it
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
  status('runs/dead', { status: 'running', command: 'train lenet', started: '2026-02-01T00:00:00.000Z', pid: Number(gone) });
  writeFileSync(join(reports, 'legacy', 'results.json'), JSON.stringify({ model: 'csp-lda', result: { accuracy: 0.8 }, accuracy: 0.8 }));
  writeFileSync(join(reports, 'legacy', 'report.html'), '<p>');
  const list = listRuns(runRoots([runs, reports, join(root, 'missing')]));
  assert.deepEqual(list.filter((r) => r.root === 'runs').map((r) => [r.id, r.status]), [['runs/new', 'running'], ['runs/dead', 'died'], ['runs/old', 'done']]);
  assert.deepEqual(list.find((r) => r.id === 'runs/new')!.best, { name: 'valid acc', value: 0.8 });
  assert.deepEqual(list.find((r) => r.id === 'runs/old')!.best, { name: 'test acc', value: 0.9 });
  const legacy = list.find((r) => r.id === 'reports/legacy')!;
  assert.equal(legacy.status, 'done');
  assert.equal(legacy.model, 'csp-lda');
  assert.deepEqual(legacy.best, { name: 'accuracy', value: 0.8 });
  assert.ok(!list.some((r) => r.name === '.hidden'));
  // two roots with one name get distinct labels
  assert.deepEqual(runRoots([runs, join(root, 'x', 'runs')]).map((r) => r.label), ['runs', 'runs-2']);
}));

test('curves: a series per split, step lines on the epoch axis, nulls where a series has no point', () => {
  const c = metricCurves([
    { step: 1, epoch: 0.5, split: 'train', loss: 3 }, { step: 2, epoch: 1, split: 'train', loss: 2 },
    { epoch: 1, split: 'train', loss: 2.4, acc: 0.5 }, { epoch: 1, split: 'test', loss: 2.2, acc: 0.6 },
    { epoch: 2, split: 'test', loss: Number.NaN }, { split: 'test', loss: 1 },
  ], 'loss');
  assert.deepEqual(c.x, [0.5, 1]);
  assert.deepEqual(c.series, [
    { label: 'train (steps)', values: [3, 2] },
    { label: 'train', values: [null, 2.4] },
    { label: 'test', values: [null, 2.2] },
  ]);
  assert.equal(pointCount(c), 4);
  // a run that logs only steps is drawn against the step
  assert.deepEqual(metricCurves([{ step: 10, split: 'train', loss: 1 }, { step: 20, split: 'train', loss: 0.5 }], 'loss').x, [10, 20]);
});
