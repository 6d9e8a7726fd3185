// DataParallel's failures never hang: a replica that cannot build its model, throws, exits or
// hangs in a step is named in a ReplicaError, the group shuts down (later calls raise at once),
// and close() ends every thread, so the process exits by itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ReplicaError } from '../../../src/errors.js';
import { randint, randn } from '../../../src/tensor/creation.js';
import { setNumThreads } from '../../../src/kernels/wasm/index.js';
import { DataParallel } from '../../../src/node/parallel/index.js';

setNumThreads(1);
const fixtures = new URL('./fixtures/faulty_models.js', import.meta.url).href;
const x = randn([8, 12]);
const y = randint(0, 3, [8]);

function faulty(exportName: string, timeoutMs = 60_000): Promise<DataParallel> {
  return DataParallel.create({ model: { module: fixtures, export: exportName, config: { replica: 1, step: 2 } }, optimizer: { name: 'sgd', lr: 0.1 }, replicas: 2, timeoutMs });
}

/** The step that fails raises a ReplicaError for replica 1 matching `text`, soon; the group then refuses at once. */
async function failsOnStep2(dp: DataParallel, text: RegExp, withinMs: number): Promise<void> {
  try {
    assert.ok(Number.isFinite(await dp.step(x, y)), 'the first step trains');
    const t0 = performance.now();
    await assert.rejects(dp.step(x, y), (e: Error) => e instanceof ReplicaError && e.replica === 1 && text.test(e.message));
    const ms = performance.now() - t0;
    assert.ok(ms < withinMs, `the failure took ${ms.toFixed(0)} ms to report`);
    await assert.rejects(dp.step(x, y), (e: Error) => e instanceof ReplicaError && /shut down after a failure/.test(e.message));
  } finally {
    await dp.close();
  }
}

test('DataParallel: a model that cannot be built in a worker raises ReplicaError naming the replica', async () => {
  await assert.rejects(
    DataParallel.create({ model: { module: fixtures, export: 'onlyOnReplica0' }, optimizer: { name: 'sgd', lr: 0.1 }, replicas: 3, maxReplicas: 3 }),
    (e: Error) => e instanceof ReplicaError && e.replica >= 1 && /replica [12] could not build its model: Error: this model needs a resource only replica 0 has/.test(e.message),
  );
});

test('DataParallel: a replica that throws in a step raises ReplicaError with its message', async () => {
  await failsOnStep2(await faulty('throwsInForward'), /replica 1 failed before the gradient barrier of step 2: Error: forward refused on call 2/, 5000);
});

test('DataParallel: a replica whose thread exits raises ReplicaError (no wait for the timeout)', async () => {
  await failsOnStep2(await faulty('exitsInForward'), /replica 1 exited .*exited \(code 3\)/, 5000);
});

test('DataParallel: a replica that hangs is named once the barrier times out', async () => {
  await failsOnStep2(await faulty('hangsInForward', 1000), /replica 1 did not reach the gradient barrier of step 2 within 1000 ms/, 5000);
});

test("DataParallel: replicaStates() gives up on a hung replica after the group's timeoutMs", async () => {
  const dp = await DataParallel.create({ model: { module: fixtures, export: 'hangsInStateDict' }, optimizer: { name: 'sgd', lr: 0.1 }, replicas: 2, timeoutMs: 1000 });
  try {
    const t0 = performance.now();
    assert.throws(() => dp.replicaStates(), (e: Error) => e instanceof ReplicaError && e.replica === 1 && /replica 1 did not reach the state barrier within 1000 ms/.test(e.message));
    const ms = performance.now() - t0;
    assert.ok(ms < 5000, `the hung replica took ${ms.toFixed(0)} ms to report`);
  } finally {
    await dp.close();
  }
});

test('DataParallel: close() ends every replica thread at once; a group never closed does not keep the process alive', () => {
  const main = fileURLToPath(new URL('../../../src/node/parallel/index.js', import.meta.url));
  const creation = fileURLToPath(new URL('../../../src/tensor/creation.js', import.meta.url));
  const script = `
    const { DataParallel } = await import(${JSON.stringify(main)});
    const { randn, randint } = await import(${JSON.stringify(creation)});
    const dp = await DataParallel.create({ model: { name: 'lenet' }, optimizer: { name: 'sgd', lr: 0.1 }, replicas: 3, maxReplicas: 3 });
    await dp.step(randn([6, 1, 28, 28]), randint(0, 10, [6]));
    const t0 = performance.now();
    if (process.argv.at(-1) === 'close') await dp.close();
    console.log(Math.round(performance.now() - t0));`;
  for (const how of ['close', 'forget']) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, how], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, DENDRITE_NUM_THREADS: '1' } });
    assert.equal(r.signal, null, `${how}: the process did not exit by itself (${r.stderr})`);
    assert.equal(r.status, 0, r.stderr);
    // the workers end on the stop command, not on close()'s 5 s fallback to terminate()
    assert.ok(Number(r.stdout.trim()) < 2000, `${how}: close() took ${r.stdout.trim()} ms`);
  }
});
