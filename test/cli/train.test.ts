// Smoke test of the main job on a MNIST subset: the loss falls, accuracy beats chance by a wide
// margin, and the run directory holds config, metrics and a loadable checkpoint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseTrainLenet, trainLenet } from '../../src/cli/train.js';
import { load } from '../../src/node/checkpoint.js';
import { LeNet } from '../../src/models/lenet.js';
import { ArgumentError } from '../../src/index.js';

const mnist = resolve(process.env['DENDRITE_DATA'] ?? '../shared/data', 'mnist');

test('train lenet on 3000 images: loss falls, accuracy far above chance, run dir written', (t) => {
  if (!existsSync(mnist)) return t.skip(`MNIST not found at ${mnist} (set DENDRITE_DATA)`);
  const out = mkdtempSync(join(tmpdir(), 'dendrite-runs-'));
  try {
    const cfg = parseTrainLenet(['--epochs', '2', '--limit', '3000', '--test-limit', '1000', '--data', mnist, '--out', out, '--batch-size', '32']);
    const lines: string[] = [];
    const { runDir, epochs } = trainLenet(cfg, (s) => lines.push(s));
    assert.equal(epochs.length, 2);
    assert.ok(epochs[1]!.trainLoss < epochs[0]!.trainLoss, `train loss did not fall: ${epochs.map((e) => e.trainLoss)}`);
    assert.ok(epochs[0]!.trainLoss < 2.0, `first-epoch loss ${epochs[0]!.trainLoss} is near chance (2.30)`);
    assert.ok(epochs[1]!.testAccuracy > 0.8, `test accuracy ${epochs[1]!.testAccuracy} should be far above chance (0.1)`);
    assert.deepEqual(readdirSync(runDir).sort(), ['config.json', 'lenet.safetensors', 'metrics.json']);
    const metrics = JSON.parse(readFileSync(join(runDir, 'metrics.json'), 'utf8'));
    assert.equal(metrics.epochs.length, 2);
    assert.equal(metrics.finalTestAccuracy, epochs[1]!.testAccuracy);
    const m = new LeNet();
    m.loadStateDict(load(join(runDir, 'lenet.safetensors')));
    assert.ok(lines.some((l) => l.startsWith('final test accuracy')));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('train lenet rejects bad options with a clear error', () => {
  assert.throws(() => parseTrainLenet(['--epochs', '0']), (e: Error) => e instanceof ArgumentError && /--epochs must be a positive integer, got '0'/.test(e.message));
  assert.throws(() => parseTrainLenet(['--optimizer', 'lbfgs']), /--optimizer must be adam, adamw or sgd/);
  assert.throws(() => parseTrainLenet(['--lr=-1']), /--lr must be a positive number/);
  assert.throws(() => parseTrainLenet(['--bogus']), /bogus/);
});
