// The worker pool survives wake-ups that bring no new generation (see pool_wake_child.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

test('pool: late or spurious wake-ups never make a worker run a generation twice', () => {
  const child = fileURLToPath(new URL('./pool_wake_child.js', import.meta.url));
  const r = spawnSync(process.execPath, [child], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.signal, null, 'the dispatch loop hung (a worker signed off twice)');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /ok/);
});
