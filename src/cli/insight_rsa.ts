// `dendrite insight rsa`: representational similarity analysis of model RDMs (a MAT-file of
// RDM structs, and/or the layers of a LeNet checkpoint run on the stimuli) against subject RDMs.
// Prints the noise ceiling and a table per model; writes <out>/<time>/results.json and
// report.html (RDM heat maps, bar chart of model–brain similarity over the noise-ceiling band).

import { join } from 'node:path';
import { ArgumentError } from '../errors.js';
import { readBytes, writeFileAtomic } from '../node/fs.js';
import { load } from '../node/checkpoint.js';
import { fromValues } from '../tensor/tensor.js';
import { LeNet } from '../models/lenet.js';
import { MNIST_MEAN, MNIST_STD } from '../datasets/mnist.js';
import {
  COMPARE_METHODS, evaluateModels, layerRdms, meanRdm, modelBarChartSvg, readRdmStruct, readStimuli, recordLayerOutputs, squareRdm,
  type CompareMethod, type ModelComparison, type NamedRdm, type Rdm,
} from '../insight/rsa/index.js';
import { heatmapDataUri } from '../report/heatmap.js';
import { htmlPage, settingsTable } from '../report/page.js';
import { esc } from '../report/svg.js';
import { parseCommandLine, parseNumber } from './args.js';
import { makeRunDir } from './out_dir.js';

export const INSIGHT_RSA_HELP = `usage: dendrite insight rsa --brain FILE.mat [--models FILE.mat] [--weights lenet.safetensors --stimuli FILE.mat] [options]

Compares model RDMs with brain RDMs as rsatoolbox does: each model against the mean subject RDM
(bootstrap over conditions for the standard error, a condition-label permutation test for p),
and the subjects' noise ceiling (lower: each subject vs the pooled others; upper: vs all).
Writes <out>/<time>/results.json and report.html (RDM heat maps, rank-transformed; a bar chart
of model–brain similarity over the noise-ceiling band).

data:
  --brain FILE         MAT-file whose struct array holds subject RDMs in a field RDM (n × n),
                       as rsatoolbox's 92_brainRDMs.mat (RDMs, 1 × subjects × sessions: the
                       sessions of a subject are averaged)
  --models FILE        MAT-file of model RDMs in the same layout (e.g. 92_modelRDMs.mat)
  --weights FILE       a LeNet checkpoint (safetensors): the RDM of each layer (conv1, conv2,
                       fc1, fc2, fc3; correlation distance) on the stimuli is a model
  --stimuli FILE       with --weights: MAT-file with a struct array stimuli_92objs whose field
                       image is H × W × 3 uint8 (Kriegeskorte_Neuron2008_supplementalData.mat);
                       images are made grey, 28 × 28, and normalised as MNIST

options:
  --method M           ${COMPARE_METHODS.join(' | ')} (default spearman)
  --n-boot N           bootstrap samples over conditions (default 200)
  --n-perm N           permutations (default 200)
  --seed N             random seed (default 0)
  --out DIR            where <time>/results.json and report.html go (default ./reports)
`;

const op = 'insight rsa';

/** Subject RDMs from a struct array: a 3-D (1 × S × R) array averages the R sessions of each subject. */
export function subjectRdms(all: readonly NamedRdm[]): { name: string; rdm: Rdm }[] {
  const bySubject = new Map<number, NamedRdm[]>();
  const threeD = all.some((r) => r.subscript.length >= 3 && r.subscript[2]! > 0);
  all.forEach((r, i) => {
    const key = threeD ? r.subscript[1]! : i;
    bySubject.set(key, [...(bySubject.get(key) ?? []), r]);
  });
  return [...bySubject.values()].map((rs) => ({ name: rs[0]!.name.split('|').slice(0, 2).join('|').trim(), rdm: meanRdm(rs.map((r) => r.rdm)) }));
}

export interface InsightRsaResult {
  readonly dir: string;
  readonly comparison: ModelComparison;
}

export function insightRsaCli(argv: string[], log: (s: string) => void = console.log): InsightRsaResult {
  const { values } = parseCommandLine(op, {
    args: argv,
    options: {
      brain: { type: 'string' }, models: { type: 'string' }, weights: { type: 'string' }, stimuli: { type: 'string' },
      method: { type: 'string' }, 'n-boot': { type: 'string' }, 'n-perm': { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' },
    },
  });
  if (values.brain === undefined) throw new ArgumentError(`${op}: --brain FILE.mat is required`);
  if (values.models === undefined && values.weights === undefined) throw new ArgumentError(`${op}: give --models FILE.mat and/or --weights FILE.safetensors`);
  if (values.weights !== undefined && values.stimuli === undefined) throw new ArgumentError(`${op}: --weights needs --stimuli FILE.mat (the images the layers see)`);
  const method = (values.method ?? 'spearman') as CompareMethod;
  if (!COMPARE_METHODS.includes(method)) throw new ArgumentError(`${op}: --method '${method}' is not one of ${COMPARE_METHODS.join(', ')}`);
  const nBoot = values['n-boot'] !== undefined ? parseNumber(op, 'n-boot', values['n-boot'], { integer: true, min: 1, max: 100000 }) : 200;
  const nPerm = values['n-perm'] !== undefined ? parseNumber(op, 'n-perm', values['n-perm'], { integer: true, min: 1, max: 100000 }) : 200;
  const seed = values.seed !== undefined ? parseNumber(op, 'seed', values.seed, { integer: true, min: 0 }) : 0;

  const subjects = subjectRdms(readRdmStruct(readBytes(values.brain), values.brain));
  const n = subjects[0]!.rdm.n;
  const models: { name: string; rdm: Rdm }[] = [];
  if (values.models !== undefined) for (const m of readRdmStruct(readBytes(values.models), values.models)) models.push({ name: m.name, rdm: m.rdm });
  if (values.weights !== undefined) {
    const stim = readStimuli(readBytes(values.stimuli!), values.stimuli!);
    if (stim.length !== n) throw new ArgumentError(`${op}: ${stim.length} stimuli in ${values.stimuli} but the brain RDMs are over ${n} conditions`);
    const net = new LeNet();
    net.loadStateDict(load(values.weights));
    net.eval();
    const x = new Float32Array(stim.length * 784);
    stim.forEach((s, i) => { for (let k = 0; k < 784; k++) x[i * 784 + k] = (s.grey[k]! - MNIST_MEAN) / MNIST_STD; });
    const acts = recordLayerOutputs(net, ['conv1', 'conv2', 'fc1', 'fc2', 'fc3'], fromValues(x, [stim.length, 1, 28, 28], 'float32'));
    for (const l of layerRdms(acts, 'correlation')) models.push({ name: `LeNet ${l.layer}`, rdm: l.rdm });
  }
  for (const m of models) {
    if (m.rdm.n !== n) throw new ArgumentError(`${op}: model '${m.name}' is over ${m.rdm.n} conditions, the brain RDMs over ${n}`);
  }
  log(`${subjects.length} subject RDMs over ${n} conditions; ${models.length} models; ${method}, ${nBoot} bootstrap samples, ${nPerm} permutations, seed ${seed}`);
  const cmp = evaluateModels(subjects.map((s) => s.rdm), models, { method, nBoot, nPerm, seed });
  log(`noise ceiling: lower ${cmp.noiseCeiling.lower.toFixed(4)}, upper ${cmp.noiseCeiling.upper.toFixed(4)}`);
  log('model                        value      SE      p');
  for (const m of cmp.models) log(`${m.name.padEnd(26)} ${m.value.toFixed(4).padStart(8)} ${m.se.toFixed(4).padStart(7)} ${m.p.toFixed(4).padStart(7)}`);

  const dir = makeRunDir(op, values.out ?? 'reports');
  const settings: [string, string][] = [
    ['brain', values.brain], ['models', values.models ?? '—'], ['weights', values.weights ?? '—'], ['stimuli', values.stimuli ?? '—'],
    ['method', method], ['bootstrap samples', String(nBoot)], ['permutations', String(nPerm)], ['seed', String(seed)],
  ];
  writeFileAtomic(join(dir, 'results.json'), `${JSON.stringify({
    settings: Object.fromEntries(settings), conditions: n, subjects: subjects.map((s) => s.name),
    noiseCeiling: cmp.noiseCeiling, models: cmp.models,
    // the RDMs themselves (condensed upper triangles, row by row), for the dashboard's heat maps
    rdms: [{ name: 'brain (mean of subjects)', rdm: meanRdm(subjects.map((s) => s.rdm)) }, ...models].map((m) => ({ name: m.name, n: m.rdm.n, vector: Array.from(m.rdm.vector, (v) => +v.toPrecision(6)) })),
  }, null, 2)}\n`);
  const cell = Math.max(1, Math.min(4, Math.floor(360 / n)));
  const fig = (name: string, r: Rdm): string => `<figure><img src="${heatmapDataUri(squareRdm(r), r.n, { cell })}" width="${r.n * cell}" height="${r.n * cell}" alt="${esc(name)}"><figcaption>${esc(name)}</figcaption></figure>`;
  const table = `<table><tr><th>model</th><th>${esc(method)}</th><th>SE</th><th>95% CI</th><th>p</th></tr>${cmp.models.map((m) => `<tr><td>${esc(m.name)}</td><td>${m.value.toFixed(4)}</td><td>${m.se.toFixed(4)}</td><td>[${m.ci95[0].toFixed(3)}, ${m.ci95[1].toFixed(3)}]</td><td>${m.p.toFixed(4)}</td></tr>`).join('')}</table>`;
  const body = `${settingsTable(settings)}
<h2>Model–brain similarity</h2><p>Grey band: noise ceiling, ${cmp.noiseCeiling.lower.toFixed(3)} (lower) to ${cmp.noiseCeiling.upper.toFixed(3)} (upper). Whiskers: ±1 bootstrap SE over conditions. p: one-sided permutation test of condition labels.</p>
${modelBarChartSvg(cmp)}
${table}
<h2>RDMs</h2><p>Rank-transformed (percentiles of the dissimilarities), viridis colours: dark = similar.</p>
<div class="row">${fig('brain (mean of subjects)', meanRdm(subjects.map((s) => s.rdm)))}${models.map((m) => fig(m.name, m.rdm)).join('')}</div>`;
  writeFileAtomic(join(dir, 'report.html'), htmlPage('Representational similarity analysis', body));
  log(`wrote ${join(dir, 'results.json')} and report.html`);
  return { dir, comparison: cmp };
}
