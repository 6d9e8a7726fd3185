// What the dashboard server reads from run folders it does not control: a T1 named by
// results.json only when its realpath is a regular .nii[.gz] (a symlink named .nii leading to
// another file is not served), run files that are pipes or folders read as absent without
// blocking, another host's running run not judged by a local pid, URL-safe tokens, class labels
// that are no integers refused as 400, folders without plain names left out of every listing,
// the runs list's cached figures and its cap, and metrics lines written whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ArgumentError, FormatError } from '../../src/errors.js';
import { saveNifti } from '../../src/node/nifti.js';
import { writeAll } from '../../src/node/run_log.js';
import { bestOfMetricsFile, listRuns, MAX_LISTED_RUNS, readCapped } from '../../src/node/serve/runs.js';
import { runRoots } from '../../src/node/serve/paths.js';
import { startServer, type DashboardServer } from '../../src/node/serve/index.js';

const SHAPE: [number, number, number] = [2, 2, 2];
const EYE = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];

async function withServer(fn: (s: DashboardServer, work: string, runs: string) => Promise<void>): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'dendrite-dash-files-'));
  const runs = join(work, 'runs');
  mkdirSync(runs);
  writeFileSync(join(work, 'runs.js'), '');
  const s = await startServer({ runsDir: runs, assetsDir: work });
  try {
    await fn(s, work, runs);
  } finally {
    await s.close();
    rmSync(work, { recursive: true, force: true });
  }
}

function segRun(dir: string, input: unknown, classes: unknown[] = [{ label: 0, name: 'bg' }, { label: 1, name: 'fg' }]): void {
  mkdirSync(dir, { recursive: true });
  saveNifti(join(dir, 'labels.nii.gz'), { shape: SHAPE, data: new Uint8Array(8), affine: EYE });
  writeFileSync(join(dir, 'results.json'), JSON.stringify({ input, shape: SHAPE, classes }));
}

const get = async (s: DashboardServer, p: string) => {
  const r = await fetch(s.url.replace(/\/$/, '') + p);
  return { status: r.status, text: await r.text() };
};

test('MRI input: served only as the realpath of an absolute .nii[.gz] name that is a regular file; a symlink named .nii to another file is not', () => withServer(async (s, work, runs) => {
  const t1 = join(work, 't1.nii');
  saveNifti(t1, { shape: SHAPE, data: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), affine: EYE });
  writeFileSync(join(work, 'secret.txt'), 'SECRET');
  symlinkSync(join(work, 'secret.txt'), join(work, 'evil.nii'));
  symlinkSync(t1, join(work, 'link.nii')); // a link to a real T1 is fine: its realpath is one
  mkdirSync(join(work, 'folder.nii'));
  segRun(join(runs, 'good'), t1);
  segRun(join(runs, 'linked'), join(work, 'link.nii'));
  segRun(join(runs, 'evil'), join(work, 'evil.nii'));
  segRun(join(runs, 'relative'), relative(process.cwd(), t1));
  segRun(join(runs, 'folder'), join(work, 'folder.nii'));
  const good = JSON.parse((await get(s, '/api/mri/runs/good')).text) as { input: { url: string } | null };
  assert.equal(good.input!.url, '/api/mri/runs/good/input.nii');
  const served = new Uint8Array(await (await fetch(`${s.url.replace(/\/$/, '')}/api/mri/runs/good/input.nii`)).arrayBuffer());
  assert.deepEqual(served, new Uint8Array(readFileSync(t1)));
  assert.equal((await get(s, '/api/mri/runs/linked/input.nii')).status, 200);
  for (const run of ['evil', 'relative', 'folder']) {
    assert.equal((JSON.parse((await get(s, `/api/mri/runs/${run}`)).text) as { input: unknown }).input, null, run);
    const r = await get(s, `/api/mri/runs/${run}/input.nii`);
    assert.equal(r.status, 404, run);
    assert.doesNotMatch(r.text, /SECRET/);
  }
}));

test('MRI classes: a label that is not a non-negative integer is a 400 naming it, not a 500', () => withServer(async (s, _work, runs) => {
  segRun(join(runs, 'nan'), null, [{ label: 0, name: 'bg' }, { label: 'x', name: 'fg' }]);
  segRun(join(runs, 'frac'), null, [{ label: 0 }, { label: 1.5 }]);
  writeFileSync(join(runs, 'nan', 'reference.nii.gz'), readFileSync(join(runs, 'nan', 'labels.nii.gz')));
  for (const [run, shown] of [['nan', '"x"'], ['frac', '1.5']] as const) {
    const r = await get(s, `/api/mri/runs/${run}`);
    assert.equal(r.status, 400, r.text);
    assert.ok(r.text.includes(`classes[1].label ${shown.replace(/"/g, '\\"')} is not a non-negative integer`), r.text);
  }
}));

test('listings: folders whose names the API refuses are not listed (runs, MRI, insight)', () => withServer(async (s, _work, runs) => {
  segRun(join(runs, 'ok-seg'), null);
  segRun(join(runs, 'bad name'), null);
  segRun(join(runs, '-dash'), null);
  for (const d of ['ok-rsa', 'bad rsa']) {
    mkdirSync(join(runs, d));
    writeFileSync(join(runs, d, 'results.json'), JSON.stringify({ noiseCeiling: 0.5, models: [] }));
  }
  const ids = async (p: string, key: string) => (JSON.parse((await get(s, p)).text) as Record<string, { id: string }[]>)[key]!.map((r) => r.id).sort();
  assert.deepEqual(await ids('/api/mri/runs', 'runs'), ['runs/ok-seg']);
  assert.deepEqual(await ids('/api/insight/runs', 'runs'), ['runs/ok-rsa']);
  assert.deepEqual(await ids('/api/runs', 'runs'), ['runs/ok-rsa', 'runs/ok-seg']);
}));

test('run files that are pipes or folders read as absent at once; a FIFO status.json does not hang the server', () => withServer(async (s, work, runs) => {
  const fifo = join(work, 'pipe');
  execFileSync('mkfifo', [fifo]);
  assert.equal(readCapped(fifo, 1 << 20), null);
  assert.equal(readCapped(work, 1 << 20), null);
  assert.equal(readCapped(join(work, 'missing'), 1 << 20), null);
  assert.throws(() => readCapped(join(work, 'runs.js'), -1), FormatError);
  mkdirSync(join(runs, 'r1'));
  execFileSync('mkfifo', [join(runs, 'r1', 'status.json')]);
  execFileSync('mkfifo', [join(runs, 'r1', 'metrics.jsonl')]);
  mkdirSync(join(runs, 'r1', 'results.json'));
  const list = await get(s, '/api/runs');
  assert.equal(list.status, 200);
  assert.deepEqual((JSON.parse(list.text) as { runs: { id: string; status: string }[] }).runs.map((r) => [r.id, r.status]), [['runs/r1', 'done']]);
  const one = await get(s, '/api/runs/runs/r1');
  assert.equal(one.status, 200, one.text);
  assert.equal((JSON.parse(one.text) as { status: unknown }).status, null);
}));

test('runs list: a running run from another host is not judged by a local pid; the same host is', () => {
  const root = mkdtempSync(join(tmpdir(), 'dendrite-dash-host-'));
  try {
    const gone = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
    for (const [name, host] of [['here', hostname()], ['there', `${hostname()}-elsewhere`]]) {
      mkdirSync(join(root, name!));
      writeFileSync(join(root, name!, 'status.json'), JSON.stringify({ status: 'running', command: 'train lenet', started: '2026-01-01T00:00:00.000Z', pid: gone, host }));
    }
    const st = Object.fromEntries(listRuns(runRoots([root])).map((r) => [r.name, r.status]));
    assert.deepEqual(st, { here: 'died', there: 'running' });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('runs list: the metrics figure is cached by size and mtime, re-read when either changes; the list is capped', () => {
  const root = mkdtempSync(join(tmpdir(), 'dendrite-dash-cache-'));
  try {
    const m = join(root, 'metrics.jsonl');
    writeFileSync(m, '{"epoch":1,"split":"valid","acc":0.5}\n');
    const t = new Date('2026-01-01T00:00:00Z');
    utimesSync(m, t, t);
    assert.deepEqual(bestOfMetricsFile(m), { name: 'valid acc', value: 0.5 });
    // same size and mtime: the cached figure (the file is not parsed again)
    writeFileSync(m, '{"epoch":1,"split":"valid","acc":0.7}\n');
    utimesSync(m, t, t);
    assert.deepEqual(bestOfMetricsFile(m), { name: 'valid acc', value: 0.5 });
    // a new mtime: read again
    utimesSync(m, t, new Date('2026-01-02T00:00:00Z'));
    assert.deepEqual(bestOfMetricsFile(m), { name: 'valid acc', value: 0.7 });
    appendFile(m, '{"epoch":2,"split":"valid","acc":0.9}\n', t);
    assert.deepEqual(bestOfMetricsFile(m), { name: 'valid acc', value: 0.9 });
    const runs = join(root, 'runs');
    for (let k = 0; k <= MAX_LISTED_RUNS; k++) mkdirSync(join(runs, `r${k}`), { recursive: true });
    assert.equal(listRuns(runRoots([runs])).length, MAX_LISTED_RUNS);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

function appendFile(path: string, text: string, mtime: Date): void {
  writeFileSync(path, readFileSync(path, 'utf8') + text);
  utimesSync(path, mtime, mtime); // only the size tells this change apart
}

test('serve: tokens are limited to URL- and cookie-safe characters', async () => {
  for (const token of ['abc;defgh', 'abc,defgh', 'abc"defgh', 'abcd=efgh', 'abcd efgh']) {
    await assert.rejects(startServer({ runsDir: tmpdir(), token }), (e: Error) => e instanceof ArgumentError && /A-Z a-z 0-9 \. _ ~ -/.test(e.message), token);
  }
  const s = await startServer({ runsDir: tmpdir(), token: 'Az09._~-token' });
  await s.close();
});

test('run log: a short write is continued until the whole line is out; a write that makes no progress is a FormatError', () => {
  const bytes = new TextEncoder().encode('{"epoch":1,"split":"train"}\n');
  const got: number[] = [];
  writeAll(7, bytes, 'm.jsonl', (fd, b, off, len) => {
    assert.equal(fd, 7);
    const n = Math.min(3, len);
    got.push(...b.subarray(off, off + n));
    return n;
  });
  assert.deepEqual(got, Array.from(bytes));
  let calls = 0;
  assert.throws(() => writeAll(7, bytes, 'm.jsonl', () => (calls++ === 0 ? 5 : 0)), (e: Error) => e instanceof FormatError && /m\.jsonl: a write made no progress with 23 of 28 bytes left/.test(e.message));
});
