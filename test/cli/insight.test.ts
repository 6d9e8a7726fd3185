// `dendrite insight`: the four parts are reachable through the executable, with their help, and an
// unknown part is a one-line error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const run = (...args: string[]) => spawnSync(process.execPath, ['dist/src/cli/main.js', 'insight', ...args], { encoding: 'utf8' });

test('dendrite insight lists its parts; each part prints its own help; an unknown part exits 2', () => {
  const list = run('--help');
  assert.equal(list.status, 0, list.stderr);
  for (const p of ['attribution', 'filters', 'rsa', 'v1']) {
    assert.match(list.stdout, new RegExp(`^  ${p} `, 'm'));
    const h = run(p, '--help');
    assert.equal(h.status, 0, h.stderr);
    assert.match(h.stdout, new RegExp(`^usage: dendrite insight ${p}`));
  }
  const bad = run('tuning');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^dendrite: insight: unknown part 'tuning' \(available: attribution, filters, rsa, v1\)\n$/);
  assert.equal(run().status, 2);
});
