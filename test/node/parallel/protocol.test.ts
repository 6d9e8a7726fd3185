// The data-parallel control block's wake-ups: every change a waiter must see bumps BELL, so a
// replica that read BELL just before the change does not sleep through it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { abort, ABORT, arrive, BELL, controlInts, fail } from '../../../src/node/parallel/protocol.js';

test('protocol: abort, arrive and fail each bump BELL (a waiter about to sleep on the old value wakes at once)', () => {
  const c = new Int32Array(new SharedArrayBuffer(controlInts(2) * 4));
  for (const change of [() => abort(c), () => arrive(c, 1, 2), () => fail(c, 1, 1)]) {
    const bell = Atomics.load(c, BELL);
    change();
    // 'not-equal' at once where BELL moved; 'timed-out' after 200 ms where the change forgot it
    assert.equal(Atomics.wait(c, BELL, bell, 200), 'not-equal');
  }
  assert.equal(Atomics.load(c, ABORT), 1);
});
