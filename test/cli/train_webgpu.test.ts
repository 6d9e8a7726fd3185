// `dendrite train lenet --backend webgpu` on a small MNIST subset, on Mesa's lavapipe where there
// is no GPU (see test/kernels/webgpu_env.ts): the run folder holds what a CPU run writes, the
// losses and accuracies are finite, the loss falls, and the run follows the CPU run of the same
// seed (same initial weights, shuffles and shifts): its step and epoch losses agree to float32
// accumulation-order tolerance; `--backend cpu` while webgpu is selected trains on the CPU.
// Without an adapter the command names the flag in a DeviceError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseTrainLenet, trainLenet, trainLenetAsync } from '../../src/cli/train.js';
import { load } from '../../src/node/checkpoint.js';
import { LeNet } from '../../src/models/lenet.js';
import { backend, setBackend } from '../../src/kernels/registry.js';
import { ArgumentError } from '../../src/errors.js';
import { dataPath, skipMissing } from '../helpers/data.js';
import { skipWithoutGpu } from '../kernels/webgpu_env.js';

const mnist = dataPath('mnist');

function args(out: string, backendName: string): string[] {
  // 4 steps of 32 per epoch; SGD, as Adam's m/√v amplifies last-bit differences of near-zero gradients
  return ['--epochs', '2', '--limit', '128', '--test-limit', '64', '--batch-size', '32', '--optimizer', 'sgd', '--lr', '0.1', '--seed', '3', '--data', mnist, '--out', out, '--backend', backendName];
}

test('train lenet --backend webgpu: the run folder of a CPU run, the loss falls, and the CPU run of the same seed agrees', { timeout: 120_000 }, async (t) => {
  if (await skipWithoutGpu(t)) return;
  if (skipMissing(t, `${mnist}/train-images-idx3-ubyte.gz`)) return;
  const out = mkdtempSync(join(tmpdir(), 'dendrite-gpu-runs-'));
  try {
    const quiet = { write: () => true };
    const cpuBackend = backend().name;
    const cpu = trainLenet(parseTrainLenet(args(join(out, 'cpu'), 'cpu')), () => {}, quiet);
    const lines: string[] = [];
    const bar: string[] = [];
    const gpu = await trainLenetAsync(parseTrainLenet(args(join(out, 'gpu'), 'webgpu')), (s) => lines.push(s), { write: (s) => bar.push(s) > 0 });
    assert.equal(backend().name, cpuBackend, 'the backend active before is restored');

    // --backend cpu while webgpu is selected: the default CPU backend trains (without
    // DENDRITE_BACKEND that is the one the CPU run above used: the same run, bit for bit), and
    // webgpu is selected again after
    setBackend('webgpu');
    let onCpu: Awaited<ReturnType<typeof trainLenetAsync>>;
    try {
      onCpu = await trainLenetAsync(parseTrainLenet(args(join(out, 'cpu-again'), 'cpu')), () => {}, quiet);
      assert.equal(backend().name, 'webgpu');
    } finally {
      setBackend(cpuBackend);
    }
    assert.notEqual(JSON.parse(readFileSync(join(onCpu.runDir, 'config.json'), 'utf8')).backend, 'webgpu');
    if (process.env['DENDRITE_BACKEND'] === undefined) assert.deepEqual(onCpu.epochs.map((e) => [e.trainLoss, e.testLoss]), cpu.epochs.map((e) => [e.trainLoss, e.testLoss]));

    const { runDir, epochs } = gpu;
    assert.deepEqual(readdirSync(runDir).sort(), ['config.json', 'lenet.safetensors', 'metrics.json', 'metrics.jsonl', 'report.html', 'results.json', 'status.json']);
    assert.equal(JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8')).backend, 'webgpu');
    assert.equal(JSON.parse(readFileSync(join(runDir, 'status.json'), 'utf8')).status, 'done');
    for (const e of epochs) for (const v of [e.trainLoss, e.trainAccuracy, e.testLoss, e.testAccuracy]) assert.ok(Number.isFinite(v), `epoch ${e.epoch}: ${JSON.stringify(e)}`);
    assert.ok(epochs[1]!.trainLoss < epochs[0]!.trainLoss, `train loss did not fall: ${epochs.map((e) => e.trainLoss)}`);

    // the same run as on the CPU: every logged loss and the epoch rows
    const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 2e-5 * (1 + Math.abs(b)), `${what}: webgpu ${a}, cpu ${b}`);
    for (let e = 0; e < 2; e++) {
      const g = epochs[e]!, c = cpu.epochs[e]!;
      close(g.trainLoss, c.trainLoss, `epoch ${e + 1} train loss`);
      close(g.testLoss, c.testLoss, `epoch ${e + 1} test loss`);
      assert.equal(g.lr, c.lr);
      assert.ok(Math.abs(g.trainAccuracy - c.trainAccuracy) <= 1 / 128 + 1e-12, `epoch ${e + 1} train accuracy ${g.trainAccuracy} vs ${c.trainAccuracy}`);
      assert.ok(Math.abs(g.testAccuracy - c.testAccuracy) <= 1 / 64 + 1e-12, `epoch ${e + 1} test accuracy ${g.testAccuracy} vs ${c.testAccuracy}`);
    }
    const jsonl = (dir: string) => readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const gl = jsonl(runDir), cl = jsonl(cpu.runDir);
    assert.deepEqual(gl.map((r) => [r.step, r.epoch, r.split]), cl.map((r) => [r.step, r.epoch, r.split]), 'the same metric lines');
    gl.forEach((r, i) => close(r.loss, cl[i].loss, `metrics.jsonl line ${i + 1}`));

    // the bar's closing loss is the epoch's train loss, as on the CPU
    for (const [i, e] of epochs.entries()) {
      const done = bar.find((l) => l.startsWith(`epoch ${i + 1}/2 `) && l.includes(' done in '))!;
      assert.equal(/loss (\d+\.\d+)/.exec(done)![1], e.trainLoss.toFixed(4));
    }
    assert.ok(lines.some((l) => l.includes('webgpu backend')));

    // a loadable checkpoint with the trained weights (close to the CPU run's), and the confusion matrix
    const m = new LeNet();
    m.loadStateDict(load(join(runDir, 'lenet.safetensors')));
    const gw = load(join(runDir, 'lenet.safetensors')), cw = load(join(cpu.runDir, 'lenet.safetensors'));
    assert.deepEqual(Object.keys(gw).sort(), Object.keys(cw).sort());
    for (const k of Object.keys(cw)) {
      const a = gw[k]!.dataSync(), b = cw[k]!.dataSync();
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
      assert.ok(worst < 1e-4, `${k}: largest difference ${worst}`);
    }
    const res = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8'));
    assert.equal(res.confusion.flat().reduce((a: number, b: number) => a + b, 0), 64);
    assert.equal(res.confusion.reduce((a: number, row: number[], i: number) => a + row[i]!, 0) / 64, epochs[1]!.testAccuracy);
    assert.ok(readFileSync(join(runDir, 'report.html'), 'utf8').includes('webgpu backend'));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('train lenet: --backend is cpu or webgpu (by default webgpu where DENDRITE_BACKEND=webgpu), and the synchronous entry refuses webgpu', () => {
  const out = mkdtempSync(join(tmpdir(), 'dendrite-gpu-args-'));
  try {
    const env = process.env['DENDRITE_BACKEND'];
    try {
      delete process.env['DENDRITE_BACKEND'];
      assert.equal(parseTrainLenet(['--out', out]).backend, 'cpu');
      process.env['DENDRITE_BACKEND'] = 'webgpu';
      assert.equal(parseTrainLenet(['--out', out]).backend, 'webgpu');
      assert.equal(parseTrainLenet(['--out', out, '--backend', 'cpu']).backend, 'cpu');
    } finally {
      if (env === undefined) delete process.env['DENDRITE_BACKEND'];
      else process.env['DENDRITE_BACKEND'] = env;
    }
    assert.throws(() => parseTrainLenet(['--out', out, '--backend', 'cuda']), (e: unknown) => e instanceof ArgumentError && /--backend must be cpu or webgpu, got 'cuda'/.test(e.message));
    assert.throws(() => trainLenet(parseTrainLenet(['--out', out, '--backend', 'webgpu'])), (e: unknown) => e instanceof ArgumentError && /--backend webgpu/.test(e.message));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('train lenet --backend webgpu without an adapter: a DeviceError naming the flag, and no run folder', () => {
  const child = fileURLToPath(new URL('./train_webgpu_child.js', import.meta.url));
  const r = spawnSync(process.execPath, [child], {
    encoding: 'utf8', timeout: 60_000,
    env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent/dendrite_icd.json', VK_DRIVER_FILES: '/nonexistent/dendrite_icd.json' },
  });
  const { error, left } = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { error: string; left: string[] };
  assert.match(error, /^DeviceError: train lenet: --backend webgpu: initWebGpu: no WebGPU adapter \(tried /);
  assert.deepEqual(left, []);
});
