// `dendrite train lenet --data-parallel N`: the run trains on N replicas and follows the
// one-process run (same seed, same batches) to float32 rounding, and refuses, before any replica
// starts or a run folder is made, a batch size or a last batch too small to split and more
// replicas than cores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTrainLenet, trainLenetAsync, trainLenet } from '../../src/cli/train.js';
import { ArgumentError } from '../../src/errors.js';
import { setNumThreads } from '../../src/kernels/wasm/index.js';
import { dataPath, skipMissing } from '../helpers/data.js';

const mnist = dataPath('mnist');
setNumThreads(1);

test('train lenet --data-parallel 2 on 960 images follows the one-process run', async (t) => {
  if (skipMissing(t, mnist)) return;
  const out = mkdtempSync(join(tmpdir(), 'dendrite-runs-'));
  try {
    const args = ['--epochs', '1', '--limit', '960', '--test-limit', '300', '--data', mnist, '--out', out, '--batch-size', '32', '--optimizer', 'sgd', '--lr', '0.05'];
    const quiet = { write: () => true };
    const one = trainLenet(parseTrainLenet(args), () => {}, quiet).epochs[0]!;
    const cfg = parseTrainLenet([...args, '--data-parallel', '2']);
    assert.equal(cfg.dataParallel, 2);
    const lines: string[] = [];
    const two = (await trainLenetAsync(cfg, (s) => lines.push(s), quiet)).epochs[0]!;
    assert.ok(lines[0]!.includes('split over 2 data-parallel replicas'), lines[0]);
    assert.ok(one.trainLoss < 2.25, `the run did not learn: loss ${one.trainLoss}`);
    assert.ok(Math.abs(two.trainLoss - one.trainLoss) <= 1e-6 * one.trainLoss, `train loss ${two.trainLoss} on 2 replicas vs ${one.trainLoss} in one process`);
    assert.ok(Math.abs(two.testAccuracy - one.testAccuracy) <= 1 / 300, `test accuracy ${two.testAccuracy} vs ${one.testAccuracy}`);
    assert.throws(() => trainLenet(cfg, () => {}, quiet), ArgumentError);
    // the same run but --limit 961 (a last batch of 1), into a folder of its own
    const odd = mkdtempSync(join(tmpdir(), 'dendrite-runs-'));
    try {
      const at = args.indexOf('--out') + 1;
      const oddArgs = [...args.slice(0, at), odd, ...args.slice(at + 1), '--limit', '961', '--data-parallel', '2'];
      await assert.rejects(trainLenetAsync(parseTrainLenet(oddArgs), () => {}, quiet), (e: Error) => e instanceof ArgumentError && /last batch of 1 images cannot be split over 2 replicas/.test(e.message));
      assert.deepEqual(readdirSync(odd), [], 'a run folder was made for a run refused at the start');
    } finally {
      rmSync(odd, { recursive: true, force: true });
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('train lenet --data-parallel: a batch size below the replicas, or more replicas than cores, is refused when parsed', () => {
  const out = mkdtempSync(join(tmpdir(), 'dendrite-runs-'));
  try {
    assert.throws(() => parseTrainLenet(['--out', out, '--batch-size', '1', '--data-parallel', '2']), (e: Error) => e instanceof ArgumentError && /--batch-size 1 cannot be split over --data-parallel 2 replicas/.test(e.message));
    assert.equal(parseTrainLenet(['--out', out, '--batch-size', '2', '--data-parallel', '2']).batchSize, 2);
    const cores = availableParallelism();
    assert.throws(() => parseTrainLenet(['--out', out, '--data-parallel', String(cores + 1)]), (e: Error) => e instanceof ArgumentError && e.message.includes(`--data-parallel ${cores + 1} exceeds the ${cores} cores of this machine`));
    assert.equal(parseTrainLenet(['--out', out, '--data-parallel', String(cores)]).dataParallel, cores);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
