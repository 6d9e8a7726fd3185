// RSA on real data, printed as tables (run: node dist/bench/insight_rsa.js; importable: main()).
// 1. Human IT, 92 images (Kriegeskorte et al. 2008): the inter-subject noise ceiling of the 4
//    subjects (session RDMs averaged per subject) and the model RDMs of 92_modelRDMs.mat against
//    the subjects' mean RDM (Spearman and Kendall's τ_a; bootstrap SE over images; permutation p).
// 2. LeNet's layers on the 92 images (grey, 28 × 28), untrained and after training on MNIST,
//    against the same human IT RDMs.
// 3. Hatsopoulos reach data (8 directions): the neural RDM of M1/PMd (correlation distance of
//    direction means; crossnobis over trial folds) against the hidden-layer RDM of a dense
//    direction classifier trained on 3/4 of the trials (held-out accuracy printed), and against
//    the circular geometry of the directions themselves (1 - cos of the angle between them).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { manualSeed, Generator as Rng } from '../src/tensor/random.js';
import { fromValues } from '../src/tensor/tensor.js';
import { LeNet } from '../src/models/lenet.js';
import { Sequential } from '../src/nn/container.js';
import { Linear } from '../src/nn/linear.js';
import { ReLU } from '../src/nn/activation.js';
import { Adam } from '../src/optim/adam.js';
import { trainEpoch } from '../src/decode/trainer.js';
import { loadMnist } from '../src/node/mnist.js';
import { MNIST_MEAN, MNIST_STD } from '../src/datasets/mnist.js';
import { loadReach } from '../src/datasets/spikes.js';
import {
  readRdmStruct, readStimuli, evaluateModels, meanRdm, noiseCeiling, compareRdms, computeRdm, crossnobisRdm, averageByCondition,
  recordLayerOutputs, layerRdms, permutationTest, type Rdm, type ModelComparison,
} from '../src/insight/rsa/index.js';
import { learnHebbianFilters, readGrayPngs } from '../src/cli/insight_v1.js';
import { rfConvNet } from '../src/insight/electrophys/experiment.js';

const DATA = resolve(process.env['DENDRITE_DATA'] ?? '../shared/data');
const RSA92 = resolve(DATA, 'insight/rsa92');
const f3 = (x: number): string => (x >= 0 ? ' ' : '') + x.toFixed(3);

/** The 4 subjects' RDMs, each the mean of its 2 sessions (element order: subject fastest). */
export function humanIt(): { subjects: Rdm[]; sessions: { name: string; rdm: Rdm }[] } {
  const sessions = readRdmStruct(readFileSync(resolve(RSA92, '92_brainRDMs.mat')), '92_brainRDMs.mat', 'RDMs');
  const subjects = [0, 1, 2, 3].map((s) => meanRdm([sessions[s]!.rdm, sessions[s + 4]!.rdm]));
  return { subjects, sessions };
}

function printComparison(title: string, cmp: ModelComparison): void {
  console.log(`\n${title} — ${cmp.method}; noise ceiling [${cmp.noiseCeiling.lower.toFixed(3)}, ${cmp.noiseCeiling.upper.toFixed(3)}]; bootstrap ${cmp.nBoot} over conditions, ${cmp.nPerm} permutations`);
  console.log('model                      r       SE     95% CI             p');
  for (const m of cmp.models) {
    console.log(`${m.name.padEnd(24)} ${f3(m.value)}  ${m.se.toFixed(3)}  [${f3(m.ci95[0])}, ${f3(m.ci95[1])}]  ${m.p.toFixed(4)}`);
  }
}

/** LeNet's layer outputs on the 92 images as RDMs (correlation distance). */
export function lenetLayerRdms(model: LeNet, images: Float32Array, count: number): { name: string; rdm: Rdm }[] {
  const x = fromValues(images, [count, 1, 28, 28], 'float32');
  const acts = recordLayerOutputs(model, ['conv1', 'conv2', 'fc1', 'fc2', 'fc3'], x);
  return layerRdms(acts, 'correlation').map((l) => ({ name: `LeNet ${l.layer}`, rdm: l.rdm }));
}

/** LeNet trained on MNIST for a fixed number of Adam steps (batch 64), so the figures repeat. */
function trainLenet(totalSteps: number): { model: LeNet; steps: number; acc: number } {
  manualSeed(1);
  const model = new LeNet();
  const mnist = loadMnist();
  const opt = new Adam(model.parameters(), { lr: 1e-3 });
  const gen = new Rng(2);
  let steps = 0;
  let acc = 0;
  while (steps < totalSteps) {
    function* batches(): Generator<[ReturnType<typeof fromValues>, ReturnType<typeof fromValues>]> {
      for (let i = 0; i < 50; i++) {
        const idx = Int32Array.from({ length: 64 }, () => gen.int(0, mnist.length));
        yield mnist.getBatch(idx);
        steps++;
      }
    }
    acc = trainEpoch(model, batches(), opt).accuracy ?? 0;
  }
  return { model, steps, acc };
}

export function reachAnalysis(): void {
  const reach = loadReach(readFileSync(resolve(DATA, 'spikes/centuri-hatsopoulos-reach/Dataset1.mat')));
  const direction = reach.direction;
  const T = reach.rates.rows, N0 = reach.rates.cols;
  // neurons that never vary across trials carry no pattern and make the noise covariance singular
  const keep: number[] = [];
  for (let i = 0; i < N0; i++) {
    let lo = Infinity, hi = -Infinity;
    for (let t = 0; t < T; t++) { lo = Math.min(lo, reach.rates.data[t * N0 + i]!); hi = Math.max(hi, reach.rates.data[t * N0 + i]!); }
    if (hi > lo) keep.push(i);
  }
  const N = keep.length;
  const rates = { data: Float64Array.from({ length: T * N }, (_, k) => reach.rates.data[Math.floor(k / N) * N0 + keep[k % N]!]!), rows: T, cols: N };
  // fold = occurrence index of the trial within its direction, modulo 4
  const occ = new Int32Array(8);
  const folds = Int32Array.from(direction, (d) => occ[d]++ % 4);
  const { means } = averageByCondition(rates, direction);
  const neural = computeRdm(means, 'correlation');
  // noise precision from the residuals about the direction means (shrinkage towards the diagonal)
  const cnobis = crossnobisRdm(rates, direction, folds, { noise: 'shrinkage_diag' });
  // circular geometry of the reach directions: 1 - cos(θi − θj)
  const geo = computeRdm({ data: Float64Array.from({ length: 16 }, (_, k) => (k % 2 === 0 ? Math.cos((Math.floor(k / 2) * Math.PI) / 4) : Math.sin((Math.floor(k / 2) * Math.PI) / 4))), rows: 8, cols: 2 }, 'euclidean');
  // dense direction classifier: z-scored rates → 32 ReLU → 8, trained with Adam on all trials
  manualSeed(3);
  // trained on folds 0-2 (3/4 of each direction's trials), accuracy on fold 3; hidden RDM over all
  // trials; rates z-scored with the training trials' statistics
  const trainIdx = [...direction.keys()].filter((t) => folds[t] !== 3);
  const testIdx = [...direction.keys()].filter((t) => folds[t] === 3);
  const mu = new Float64Array(N), sd = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    for (const t of trainIdx) mu[i]! += rates.data[t * N + i]! / trainIdx.length;
    for (const t of trainIdx) sd[i]! += (rates.data[t * N + i]! - mu[i]!) ** 2 / trainIdx.length;
    sd[i] = Math.sqrt(sd[i]!) || 1;
  }
  const z = Float32Array.from({ length: T * N }, (_, k) => (rates.data[k]! - mu[k % N]!) / sd[k % N]!);
  const rowsOf = (idx: number[]): Float32Array => Float32Array.from({ length: idx.length * N }, (_, k) => z[idx[Math.floor(k / N)]! * N + (k % N)]!);
  const xTrain = rowsOf(trainIdx), yTrain = Int32Array.from(trainIdx, (t) => direction[t]!);
  const net = new Sequential(new Linear(N, 32), new ReLU(), new Linear(32, 8));
  const opt = new Adam(net.parameters(), { lr: 3e-3 });
  let acc = 0;
  for (let e = 0; e < 200; e++) {
    acc = trainEpoch(net, [[fromValues(xTrain, [trainIdx.length, N], 'float32'), fromValues(yTrain, [trainIdx.length], 'int32')]], opt).accuracy ?? 0;
  }
  net.eval();
  const logits = recordLayerOutputs(net, ['2'], fromValues(rowsOf(testIdx), [testIdx.length, N], 'float32'))[0]!;
  let correct = 0;
  testIdx.forEach((t, i) => {
    let best = 0;
    for (let k = 1; k < 8; k++) if (logits.data[i * 8 + k]! > logits.data[i * 8 + best]!) best = k;
    if (best === direction[t]) correct++;
  });
  const hiddenActs = recordLayerOutputs(net, ['1'], fromValues(z, [T, N], 'float32'))[0]!;
  const hidden = computeRdm(averageByCondition(hiddenActs, direction).means, 'correlation');
  console.log(`\nHatsopoulos reach (Dataset1.mat): ${T} trials, ${N} of ${N0} neurons (those that vary), 8 directions; dense net ${N}→32 ReLU→8, trained on 3/4 of the trials (accuracy ${(acc * 100).toFixed(1)} %), held-out accuracy ${correct}/${testIdx.length}`);
  console.log('RDM pair                                   Spearman  tau_a   Pearson  perm p (Spearman, 2000)');
  const pairs: [string, Rdm, Rdm][] = [
    ['neural (1-r) vs hidden layer (1-r)', neural, hidden],
    ['neural crossnobis vs hidden layer', cnobis, hidden],
    ['neural (1-r) vs neural crossnobis', neural, cnobis],
    ['neural (1-r) vs direction geometry', neural, geo],
    ['hidden layer vs direction geometry', hidden, geo],
  ];
  for (const [name, a, b] of pairs) {
    const p = permutationTest(a, b, 'spearman', { nPerm: 2000, seed: 4 }).p;
    console.log(`${name.padEnd(42)} ${f3(compareRdms(a, b, 'spearman'))}   ${f3(compareRdms(a, b, 'tau_a'))}  ${f3(compareRdms(a, b, 'pearson'))}   ${p.toFixed(4)}`);
  }
}

/**
 * A network whose filters were learnt from natural images (the V1 experiment's Hebbian conv →
 * ReLU → max-pool, 32 filters of 12 × 12 from the skimage photographs) on the 92 images (grey,
 * 64 × 64, each image's mean removed as the training patches' was), against the same network with
 * random filters of the same norm: each layer's RDM vs human IT.
 */
export function naturalImageNetwork(subjects: Rdm[]): void {
  const t0 = performance.now();
  const S = 64, units = 32;
  const hebbian = learnHebbianFilters(readGrayPngs(resolve(DATA, 'natural-images/skimage')), units, 20000, 5, 0);
  const rng = new Rng(11);
  const random = Float64Array.from({ length: hebbian.receptiveFields.length }, () => rng.normal());
  for (let u = 0; u < units; u++) {
    const d = hebbian.patchSize ** 2;
    const n = Math.hypot(...random.subarray(u * d, (u + 1) * d));
    for (let j = 0; j < d; j++) random[u * d + j]! /= n;
  }
  const stim = readStimuli(readFileSync(resolve(RSA92, 'Kriegeskorte_Neuron2008_supplementalData.mat')), 'Kriegeskorte_Neuron2008_supplementalData.mat', 'stimuli_92objs', S);
  const x = new Float32Array(stim.length * S * S);
  stim.forEach((s, i) => {
    let m = 0;
    for (let k = 0; k < S * S; k++) m += s.grey[k]! / (S * S);
    for (let k = 0; k < S * S; k++) x[i * S * S + k] = s.grey[k]! - m;
  });
  const input = fromValues(x, [stim.length, 1, S, S], 'float32');
  const rdms = (rfs: Float64Array, tag: string) => {
    const net = rfConvNet(rfs, units, hebbian.patchSize);
    return layerRdms(recordLayerOutputs(net, ['0', '1', '2'], input), 'correlation')
      .map((l) => ({ name: `${['conv', 'relu', 'max-pool'][Number(l.layer)]} (${tag})`, rdm: l.rdm }));
  };
  const models = [...rdms(hebbian.receptiveFields, 'Hebbian'), ...rdms(random, 'random')];
  input.dispose();
  console.log(`\nNatural-image network: ${units} Hebbian 12x12 filters from 20000 whitened patches of the skimage photographs (${((performance.now() - t0) / 1000).toFixed(1)} s with the comparison below)`);
  printComparison('Natural-image network layers on the 92 images (grey 64x64) vs human IT', evaluateModels(subjects, models, { method: 'spearman', nBoot: 100, nPerm: 200, seed: 1 }));
}

export function main(): void {
  const t0 = performance.now();
  const needed = [resolve(RSA92, '92_brainRDMs.mat'), resolve(DATA, 'spikes/centuri-hatsopoulos-reach/Dataset1.mat')].filter((p) => !existsSync(p));
  if (needed.length) {
    console.log(`insight_rsa: data not found: ${needed.join(', ')} (set DENDRITE_DATA to the shared data folder)`);
    process.exitCode = 1;
    return;
  }
  const { subjects } = humanIt();
  const models = readRdmStruct(readFileSync(resolve(RSA92, '92_modelRDMs.mat')), '92_modelRDMs.mat', 'Models');
  console.log('Human IT, 92 images (Kriegeskorte et al. 2008): 4 subjects (2 sessions averaged)');
  for (const m of ['spearman', 'tau_a', 'pearson', 'whitened_cosine'] as const) {
    const nc = noiseCeiling(subjects, m);
    console.log(`  noise ceiling ${m.padEnd(16)} lower ${nc.lower.toFixed(3)}  upper ${nc.upper.toFixed(3)}`);
  }
  for (const method of ['spearman', 'tau_a'] as const) {
    printComparison('Model RDMs vs human IT', evaluateModels(subjects, models, { method, nBoot: 100, nPerm: 200, seed: 1 }));
  }
  const stim = readStimuli(readFileSync(resolve(RSA92, 'Kriegeskorte_Neuron2008_supplementalData.mat')), 'Kriegeskorte_Neuron2008_supplementalData.mat');
  const images = new Float32Array(stim.length * 784);
  stim.forEach((s, i) => { for (let k = 0; k < 784; k++) images[i * 784 + k] = (s.grey[k]! - MNIST_MEAN) / MNIST_STD; });
  manualSeed(7);
  const untrained = lenetLayerRdms(new LeNet(), images, stim.length).map((l) => ({ name: `${l.name} (untrained)`, rdm: l.rdm }));
  const { model, steps, acc } = trainLenet(800);
  console.log(`\nLeNet trained on MNIST: ${steps} Adam steps of 64 (${(acc * 100).toFixed(1)} % on the last 50 batches)`);
  const trained = lenetLayerRdms(model, images, stim.length).map((l) => ({ name: `${l.name} (MNIST)`, rdm: l.rdm }));
  printComparison('LeNet layers on the 92 images (grey 28x28) vs human IT', evaluateModels(subjects, [...untrained, ...trained], { method: 'spearman', nBoot: 100, nPerm: 200, seed: 1 }));
  naturalImageNetwork(subjects);
  reachAnalysis();
  console.log(`\ntotal ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
