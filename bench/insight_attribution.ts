// `node dist/bench/insight_attribution.js`: attribution speed against the same computation in
// PyTorch (scripts/golden/insight_attribution.py --bench at 1 and 2 threads), side by side:
//   - integrated gradients, 50 Gauss–Legendre steps, on one ShallowFBCSPNet trial (22 channels ×
//     1125 samples, 4 classes) — all 50 scaled inputs in one forward/backward pass, as Captum
//     does by default, and in passes of 16 (bounded memory);
//   - saliency on LeNet for one MNIST-sized digit.
// Medians of 7 runs after a warm-up; the spread is min–max.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { tensor } from '../src/tensor/creation.js';
import { manualSeed } from '../src/tensor/random.js';
import { LeNet } from '../src/models/lenet.js';
import { ShallowFBCSPNet } from '../src/models/shallow_fbcsp.js';
import { integratedGradients, saliency } from '../src/insight/attribution/index.js';

function lcg(seed: number, n: number, shift = 0): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(1664525, s) + 1013904223) >>> 0;
    out[i] = s / 4294967296 - 0.5 + shift;
  }
  return out;
}

function time(fn: () => void, runs = 7): { median: number; min: number; max: number } {
  fn();
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    ts.push((performance.now() - t0) / 1000);
  }
  ts.sort((a, b) => a - b);
  return { median: ts[ts.length >> 1]!, min: ts[0]!, max: ts[ts.length - 1]! };
}

function torchTimes(threads: number): Record<string, number> | null {
  const py = '/usr/bin/python3', script = 'scripts/golden/insight_attribution.py';
  if (!existsSync(py) || !existsSync(script)) return null;
  const r = spawnSync(py, [script, '--bench', '--threads', String(threads)], {
    encoding: 'utf8',
    // without PASSIVE, OpenMP's spinning threads fight the others for the two cores
    env: { ...process.env, OMP_NUM_THREADS: String(threads), ...(threads > 1 ? { OMP_WAIT_POLICY: 'PASSIVE' } : {}) },
  });
  if (r.status !== 0) return null;
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as Record<string, number>;
  } catch {
    return null;
  }
}

export async function main(): Promise<void> {
  manualSeed(0);
  const shallow = new ShallowFBCSPNet({ nChans: 22, nOutputs: 4, nTimes: 1125 });
  shallow.eval();
  const xe = tensor(lcg(2, 22 * 1125), { shape: [1, 22, 1125] });
  const lenet = new LeNet();
  lenet.eval();
  const xl = tensor(lcg(1, 784, 0.5), { shape: [1, 1, 28, 28] });
  const rows: [string, ReturnType<typeof time>, string | null][] = [
    ['IG, 50 Gauss–Legendre steps, ShallowFBCSPNet 22 × 1125, one pass', time(() => integratedGradients(shallow, xe, { target: 0, nSteps: 50, internalBatchSize: 50 }).attributions.dispose()), 'ig50_shallow_1125'],
    ['IG, same, passes of 16 inputs', time(() => integratedGradients(shallow, xe, { target: 0, nSteps: 50, internalBatchSize: 16 }).attributions.dispose()), null],
    ['saliency, LeNet, one 28 × 28 digit', time(() => saliency(lenet, xl, { target: 3 }).dispose(), 51), 'saliency_lenet'],
  ];
  const t1 = torchTimes(1), t2 = torchTimes(2);
  const fmt = (s: number) => (s < 0.01 ? `${(s * 1000).toFixed(2)} ms` : `${s.toFixed(3)} s`);
  const cell = (p: number | undefined, d: number) => (p === undefined ? '— | —' : `${fmt(p)} | ${(p / d).toFixed(2)}`);
  console.log('| computation | dendrite median (min–max) | PyTorch 1 thread | ratio | PyTorch 2 threads | ratio |');
  console.log('|---|---|---|---|---|---|');
  for (const [name, t, key] of rows) {
    console.log(`| ${name} | ${fmt(t.median)} (${fmt(t.min)}–${fmt(t.max)}) | ${cell(key ? t1?.[key] : undefined, t.median)} | ${cell(key ? t2?.[key] : undefined, t.median)} |`);
  }
  console.log('\nratio = PyTorch time / dendrite time (> 1: dendrite faster); PyTorch medians of 7 runs after a warm-up.');
  if (!t1) console.log('\n(PyTorch figures unavailable: /usr/bin/python3 with torch not found or the script failed)');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
