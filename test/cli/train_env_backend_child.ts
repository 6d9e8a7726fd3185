// Child of train_env_backend.test.ts, started with DENDRITE_BACKEND=webgpu and no webgpu started:
// trains `train lenet --backend cpu` for a few steps, then the same run without the variable, and
// prints both runs' epoch rows and checkpoint digests and what the backend choice is after the first.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTrainLenet, trainLenetAsync } from '../../src/cli/train.js';
import { backend } from '../../src/kernels/registry.js';

const out = mkdtempSync(join(tmpdir(), 'dendrite-env-cpu-'));
const args = ['--backend', 'cpu', '--epochs', '1', '--limit', '64', '--test-limit', '32', '--batch-size', '16', '--seed', '7', '--data', process.argv[2]!, '--out', out];
const quiet = { write: () => true };
const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
const result: Record<string, unknown> = {};
try {
  const underEnv = await trainLenetAsync(parseTrainLenet(args), () => {}, quiet);
  result['underEnv'] = { epochs: underEnv.epochs.map((e) => [e.trainLoss, e.testLoss, e.trainAccuracy, e.testAccuracy]), config: JSON.parse(readFileSync(join(underEnv.runDir, 'config.json'), 'utf8')).backend, checkpoint: sha256(join(underEnv.runDir, 'lenet.safetensors')) };
  // the choice made before is restored: DENDRITE_BACKEND=webgpu again, which is not started
  try {
    result['after'] = backend().name;
  } catch (e) {
    result['after'] = `${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
  delete process.env['DENDRITE_BACKEND'];
  const plain = await trainLenetAsync(parseTrainLenet(args), () => {}, quiet);
  result['plain'] = { epochs: plain.epochs.map((e) => [e.trainLoss, e.testLoss, e.trainAccuracy, e.testAccuracy]), config: JSON.parse(readFileSync(join(plain.runDir, 'config.json'), 'utf8')).backend, checkpoint: sha256(join(plain.runDir, 'lenet.safetensors')) };
} catch (e) {
  result['error'] = `${(e as Error).constructor.name}: ${(e as Error).message}`;
}
rmSync(out, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
