// DENDRITE_REQUIRE_DATA=1 (set by .ci/run) turns a missing data file into a failure: run a
// data-reading test file against an empty data root, once without and once with the switch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function run(env: Record<string, string>): { status: number | null; out: string } {
  const empty = mkdtempSync(join(tmpdir(), 'dendrite-nodata-'));
  try {
    // node's runner marks its children with NODE_TEST_CONTEXT; without removing it the nested
    // run would refuse to start
    const { NODE_TEST_CONTEXT: _, ...parent } = process.env;
    const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap', 'dist/test/neuro/epochs.test.js'], {
      env: { ...parent, DENDRITE_DATA: empty, DENDRITE_REQUIRE_DATA: '', ...env },
      encoding: 'utf8',
    });
    return { status: r.status, out: r.stdout + r.stderr };
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
}

test('a missing data file skips on a developer machine and fails under DENDRITE_REQUIRE_DATA=1', () => {
  const dev = run({});
  assert.equal(dev.status, 0, dev.out);
  assert.match(dev.out, /# skipped [1-9]/);
  assert.match(dev.out, /data not found: .*S001R04\.edf/);
  const ci = run({ DENDRITE_REQUIRE_DATA: '1' });
  assert.notEqual(ci.status, 0, ci.out);
  assert.match(ci.out, /# fail [1-9]/);
  assert.match(ci.out, /DENDRITE_REQUIRE_DATA=1 makes this a failure/);
});
