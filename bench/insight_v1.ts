// The V1 experiment end to end (`node dist/bench/insight_v1.js`): LeNet trained one epoch on
// 12 000 MNIST images and a Hebbian-learned conv → ReLU → max-pool network on natural images,
// shown Brain-Score's gratings; prints per layer the F1/F0 median, fraction simple, KS similarity
// to Ringach 2002 and the exact Mann-Whitney test of conv vs pooled units, the same for an
// untrained LeNet as a control; then times a grating
// sweep on LeNet of 1 000 units (conv1 channels × positions: forward pass of the 481 images
// recording every position, and the per-unit analysis).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { insightV1Cli } from '../src/cli/insight_v1.js';
import { LeNet } from '../src/models/lenet.js';
import { save } from '../src/node/checkpoint.js';
import { noGrad } from '../src/autograd/grad_mode.js';
import { tensor } from '../src/tensor/creation.js';
import { tidy, type Tensor } from '../src/tensor/tensor.js';
import { manualSeed } from '../src/tensor/random.js';
import { MNIST_MEAN, MNIST_STD } from '../src/datasets/mnist.js';
import { gratingStack, gratingCount } from '../src/insight/electrophys/gratings.js';
import { unitProperties } from '../src/insight/electrophys/tuning.js';
import { LENET_GRID } from '../src/insight/electrophys/experiment.js';

/** Seconds for the forward pass (all positions recorded) and for analysing `units` conv1 units. */
export function timeLenetSweep(units = 1000): { forward: number; analysis: number; units: number; images: number } {
  manualSeed(0);
  const model = new LeNet();
  model.eval();
  const g = LENET_GRID, n = gratingCount(g), px = g.size * g.size;
  const stack = gratingStack(g);
  for (let i = 0; i < stack.length; i++) stack[i] = (stack[i]! - MNIST_MEAN) / MNIST_STD;
  const C = 6, H = 28, W = 28, resp = Array.from({ length: units }, () => new Float64Array(n));
  const t0 = performance.now();
  const batch = 96;
  for (let b0 = 0; b0 < n; b0 += batch) {
    const nb = Math.min(batch, n - b0);
    tidy(() => noGrad(() => {
      let conv1: Tensor | null = null;
      const h = model.conv1.registerForwardHook((_m, _i, o) => { conv1 = o as Tensor; });
      model.call(tensor(stack.subarray(b0 * px, (b0 + nb) * px), { shape: [nb, 1, g.size, g.size] }));
      h.remove();
      const d = conv1!.dataSync();
      for (let u = 0; u < units; u++) {
        const c = u % C, pos = Math.trunc(u / C) % (H * W);
        for (let b = 0; b < nb; b++) resp[u]![b0 + b] = d[(b * C + c) * H * W + pos]!;
      }
    }));
  }
  const t1 = performance.now();
  for (const r of resp) unitProperties(r.map((v) => Math.max(0, v)), g.sfCyclesPerImage, g.orientations, g.nPhases);
  const t2 = performance.now();
  return { forward: (t1 - t0) / 1000, analysis: (t2 - t1) / 1000, units, images: n };
}

export function main(): void {
  const out = mkdtempSync(join(tmpdir(), 'insight-v1-'));
  try {
    const t0 = performance.now();
    insightV1Cli(['--experiment', '--out', out]);
    console.log(`experiment: ${((performance.now() - t0) / 1000).toFixed(1)} s end to end`);
    // Control: the same measurements on an untrained LeNet (seed 0), to separate what training
    // did from what linear filtering + rectification + pooling give by construction.
    manualSeed(0);
    const w = join(out, 'untrained.safetensors');
    save(new LeNet().stateDict(), w);
    console.log('\ncontrol: untrained LeNet');
    insightV1Cli(['--weights', w, '--out', out], (s) => { if (!s.startsWith('Ringach') && !s.startsWith('wrote')) console.log(s); });
  } finally { rmSync(out, { recursive: true, force: true }); }
  timeLenetSweep(200); // warm-up
  const runs = Array.from({ length: 3 }, () => timeLenetSweep(1000));
  const med = (v: number[]) => [...v].sort((a, b) => a - b)[1]!;
  const f = med(runs.map((r) => r.forward)), a = med(runs.map((r) => r.analysis));
  console.log(`LeNet grating sweep, ${runs[0]!.units} units (conv1 channels × positions), ${runs[0]!.images} gratings: forward ${f.toFixed(2)} s + analysis ${a.toFixed(2)} s = ${(f + a).toFixed(2)} s (median of 3; spread ${Math.min(...runs.map((r) => r.forward + r.analysis)).toFixed(2)}–${Math.max(...runs.map((r) => r.forward + r.analysis)).toFixed(2)} s)`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
