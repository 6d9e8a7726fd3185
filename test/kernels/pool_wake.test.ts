// The worker pool survives wake-ups that bring no new generation (pool_wake_child.ts) and kernels
// that trap (pool_trap_child.ts); each runs in a child process, so a hang fails instead of blocking.
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

test('pool: a trapping kernel on a worker or on the caller throws, and the pool keeps working', () => {
  const child = fileURLToPath(new URL('./pool_trap_child.js', import.meta.url));
  const r = spawnSync(process.execPath, [child], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.signal, null, 'the pool hung after a trap');
  assert.equal(r.status, 0, r.stderr);
  // a worker's task may be taken over by the caller, so either side may report the trap
  const outcomes = JSON.parse(r.stdout.trim()) as string[];
  assert.equal(outcomes.length, 3);
  for (const o of outcomes) assert.ok(o === 'worker trap' || o === 'caller trap', `a trap went unreported: ${o}`);
});
