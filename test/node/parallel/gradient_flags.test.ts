// DataParallel's "had a gradient" flags: a parameter that has a gradient in one step and not the
// next must be stepped alike on every replica, even when replica 0 has started the next step
// (and written its flags) while a slower replica still reads this step's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randint, randn } from '../../../src/tensor/creation.js';
import { manualSeed } from '../../../src/tensor/random.js';
import { setNumThreads } from '../../../src/kernels/wasm/index.js';
import { DataParallel } from '../../../src/node/parallel/index.js';

setNumThreads(1);
const fixture = new URL('./fixtures/alternating_branch.js', import.meta.url).href;

async function trainAlternating(replicas: number, steps: number, config: Record<string, unknown>): Promise<void> {
  manualSeed(4);
  const x = randn([4 * replicas, 12]);
  const y = randint(0, 3, [4 * replicas]);
  // momentum: a replica that stepped `branch` on a step without its gradient moves it apart
  const dp = await DataParallel.create({
    model: { module: fixture, export: 'alternating', config }, optimizer: { name: 'sgd', lr: 0.1, momentum: 0.9 }, replicas, maxReplicas: replicas,
  });
  try {
    const before = dp.replicaStates()[0]!['branch']![0].slice();
    // back to back: reading the states between steps would let the slowest replica catch up
    for (let s = 1; s <= steps; s++) await dp.step(x, y);
    const states = dp.replicaStates();
    for (let r = 1; r < replicas; r++) assert.deepEqual(states[r], states[0], `replica ${r} differs from replica 0 after ${steps} steps`);
    // branch was trained (on its steps): the check covers a parameter that moved
    assert.notDeepEqual(states[0]!['branch']![0], before);
  } finally {
    await dp.close();
  }
}

test('DataParallel: a parameter with a gradient on alternate steps stays bit-identical over 3 replicas for 30 steps', async () => {
  await trainAlternating(3, 30, {});
});

test('DataParallel: a replica reading the flags late (replica 0 already in the next step) still steps alike', async () => {
  // replica 1 sleeps 20 ms between the reduce barrier and reading branch's flags
  await trainAlternating(2, 8, { slowReplica: 1, slowMs: 20 });
});
