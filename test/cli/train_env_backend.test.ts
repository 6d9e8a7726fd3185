// `train lenet --backend cpu` under DENDRITE_BACKEND=webgpu (webgpu not started) trains on the
// default CPU backend, bit for bit the run without the variable, and leaves the variable's choice
// in force after (in a child process, so the variable touches nothing else).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dataPath, skipMissing } from '../helpers/data.js';

const mnist = dataPath('mnist');

test('train lenet --backend cpu with DENDRITE_BACKEND=webgpu: trains on the default CPU backend, as without the variable', { timeout: 60_000 }, (t) => {
  if (skipMissing(t, `${mnist}/train-images-idx3-ubyte.gz`)) return;
  const child = fileURLToPath(new URL('./train_env_backend_child.js', import.meta.url));
  const r = spawnSync(process.execPath, [child, mnist], { encoding: 'utf8', timeout: 50_000, env: { ...process.env, DENDRITE_BACKEND: 'webgpu' } });
  assert.equal(r.status, 0, r.stderr);
  const res = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as {
    error?: string; after?: string;
    underEnv?: { epochs: number[][]; config: string; checkpoint: string };
    plain?: { epochs: number[][]; config: string; checkpoint: string };
  };
  assert.equal(res.error, undefined);
  const { underEnv, plain } = res as Required<typeof res>;
  assert.notEqual(underEnv.config, 'webgpu');
  assert.equal(underEnv.config, plain.config);
  assert.ok(underEnv.epochs[0]!.every(Number.isFinite), JSON.stringify(underEnv.epochs));
  assert.deepEqual(underEnv.epochs, plain.epochs);
  assert.equal(underEnv.checkpoint, plain.checkpoint);
  assert.match(res.after ?? '', /^DeviceError: setBackend: the webgpu backend is not started/);
});
