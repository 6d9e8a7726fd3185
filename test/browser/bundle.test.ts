// dendrite bundled by esbuild into one file keeps its worker threads: the worker script is
// embedded, so nothing has to sit beside the bundle (a bundle used to print "Cannot find module
// '.../worker.js'" and run on one thread).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import * as D from '../../src/index.js';
import { trainFixture, type FixtureResult } from './fixture.js';

test('an esbuild bundle for Node trains on 2 threads with the unbundled losses', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-bundle-'));
  try {
    const outfile = join(dir, 'app.mjs');
    await build({
      entryPoints: [fileURLToPath(new URL('./bundle_main.js', import.meta.url))],
      bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, logLevel: 'error',
    });
    assert.deepEqual(readdirSync(dir), ['app.mjs'], 'the bundle is one file');
    const r = spawnSync(process.execPath, [outfile, '--threads=2'], { cwd: dir, encoding: 'utf8', env: { ...process.env, DENDRITE_NUM_THREADS: '' } });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '', 'the bundle warned');
    const out = JSON.parse(r.stdout) as FixtureResult;
    assert.equal(out.threads, 2, 'the worker never started');
    assert.ok(out.workerTasks > 0, 'the worker ran no task');
    const here = await trainFixture(D, 1);
    assert.equal(out.backend, here.backend);
    assert.deepEqual(out.losses, here.losses);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
