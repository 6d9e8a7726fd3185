// Child of train_webgpu.test.ts, run with a Vulkan driver file that does not exist: prints what
// `train lenet --backend webgpu` raises and what it left in its --out folder.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTrainLenet, trainLenetAsync } from '../../src/cli/train.js';

const out = mkdtempSync(join(tmpdir(), 'dendrite-no-gpu-'));
let error = 'no error';
try {
  await trainLenetAsync(parseTrainLenet(['--backend', 'webgpu', '--out', out, '--epochs', '1', '--limit', '32']), () => {}, { write: () => true });
} catch (e) {
  error = `${(e as Error).constructor.name}: ${(e as Error).message}`;
}
const left = readdirSync(out);
rmSync(out, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ error, left })}\n`);
process.exit(0);
