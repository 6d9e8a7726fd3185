// The pool's backoff: stragglers in a row send dispatches to the caller alone for a stretch that
// doubles while probes keep meeting stragglers, and shrinks back once the workers keep up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff, MAX_SOLO, MIN_SOLO } from '../../src/kernels/pool/backoff.js';

/** Dispatches until the workers are used again; returns how many ran solo. */
function soloRun(b: Backoff): number {
  let n = 0;
  while (!b.useWorkers()) n++;
  return n;
}

test('backoff: waits within a few task times never stop the workers', () => {
  const b = new Backoff();
  for (let i = 0; i < 1000; i++) {
    assert.ok(b.useWorkers());
    b.record(0.05 + (i % 3) * 0.1, 0.2, 2); // up to 0.25 ms against 0.1 ms tasks: 3 tasks + 0.2 ms allowed
  }
  assert.equal(b.soloLeft, 0);
});

test('backoff: three stragglers in a row go solo; probes that meet stragglers double the stretch up to MAX_SOLO', () => {
  const b = new Backoff();
  b.record(5, 0.05, 1);
  b.record(5, 0.05, 1);
  assert.ok(b.useWorkers(), 'two stragglers were enough');
  b.record(0.01, 0.05, 1); // a clean dispatch breaks the streak
  b.record(5, 0.05, 1);
  b.record(5, 0.05, 1);
  assert.ok(b.useWorkers());
  b.record(5, 0.05, 1);
  assert.equal(soloRun(b), MIN_SOLO);
  let stretch = MIN_SOLO;
  for (let i = 0; i < 12; i++) {
    b.record(5, 0.05, 1); // the probe meets a straggler
    stretch = Math.min(MAX_SOLO, stretch * 2);
    assert.equal(soloRun(b), stretch);
  }
  assert.equal(stretch, MAX_SOLO);
  // a clean probe: the workers stay in use, and the next trouble starts a short stretch again
  b.record(0.01, 0.05, 1);
  for (let i = 0; i < 10; i++) {
    assert.ok(b.useWorkers());
    b.record(0.01, 0.05, 1);
  }
  for (let i = 0; i < 3; i++) b.record(5, 0.05, 1);
  assert.equal(soloRun(b), MIN_SOLO);
});

test('backoff: dispatches where the caller ran no task never count as stragglers', () => {
  const b = new Backoff();
  // the workers took every task; the caller waited for their whole task time
  for (let i = 0; i < 10; i++) {
    b.record(5, 0, 0);
    assert.ok(b.useWorkers(), `dispatch ${i}: went solo on waits with no task time to judge them by`);
  }
  // nor do they break a streak: two stragglers, a caller-less dispatch, one more straggler
  b.record(5, 0.05, 1);
  b.record(5, 0.05, 1);
  b.record(0.01, 0, 0);
  b.record(5, 0.05, 1);
  assert.equal(soloRun(b), MIN_SOLO);
});
