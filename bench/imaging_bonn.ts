// Bonn epilepsy EEG, end to end: the classical reference (Mahalanobis, logistic regression) and
// the deep models (autoencoder, CNN) in dendrite, and the same classical pipeline in
// scipy/sklearn on the SAME folds (bench/peers/bonn_sklearn.py), with wall times.
//   node dist/bench/imaging_bonn.js [--data DIR] [--seed N] [--epochs N]

import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { loadBonnDir } from '../src/node/bonn.js';
import { evaluateBonn } from '../src/decode/anomaly/bonn_eval.js';

const { values } = parseArgs({ options: { data: { type: 'string' }, seed: { type: 'string' }, epochs: { type: 'string' } } });
const dataRoot = process.env['DENDRITE_DATA'] ?? '../shared/data';
const dir = values.data ?? `${dataRoot}/eeg/bonn`;
const seed = Number(values.seed ?? 0);

let t0 = performance.now();
const data = loadBonnDir(dir);
const tLoad = (performance.now() - t0) / 1000;
t0 = performance.now();
const e = evaluateBonn(data, { seed, ...(values.epochs ? { epochs: Number(values.epochs) } : {}), onModel: (m, s) => console.error(`${m}: ${s.toFixed(1)} s`) });
const tAll = (performance.now() - t0) / 1000;

const peer = spawnSync('/usr/bin/python3', ['bench/peers/bonn_sklearn.py', JSON.stringify({ fold_of: Array.from(e.foldOf), data_root: dir.replace(/\/eeg\/bonn\/?$/, '') })], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
const sk = peer.status === 0 ? JSON.parse(peer.stdout.trim().split('\n').pop()!) as { auroc_s: number; auroc_nf: number; balanced_accuracy: number; seconds: { load: number; features: number; evaluate: number } } : null;

const f = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(3));
console.log(`Bonn EEG, 500 segments, 5-fold segment-wise CV (seed ${seed}); load ${tLoad.toFixed(2)} s (dendrite)${sk ? `, ${sk.seconds.load.toFixed(2)} s (Python zipfile)` : ''}`);
console.log('| model | implementation | AUROC S vs Z+O | AUROC N+F vs Z+O | balanced accuracy (3 classes) | wall s (5 folds) |');
console.log('|---|---|---|---|---|---|');
for (const r of e.results) {
  console.log(`| ${r.name} | dendrite | ${f(r.contrasts?.[0]?.mean)} | ${f(r.contrasts?.[1]?.mean)} | ${f(r.classifier?.balancedAccuracy)} | ${r.seconds.toFixed(2)} |`);
  if (sk && r.name === 'mahalanobis') console.log(`| mahalanobis | scipy + sklearn | ${f(sk.auroc_s)} | ${f(sk.auroc_nf)} | — | ${(sk.seconds.features + sk.seconds.evaluate).toFixed(2)} (features + both models) |`);
  if (sk && r.name === 'logistic') console.log(`| logistic | sklearn (lbfgs) | — | — | ${f(sk.balanced_accuracy)} | (above) |`);
}
if (!sk) console.log(`sklearn peer failed: ${(peer.stderr || peer.error?.message || '').split('\n').slice(-3).join(' ')}`);
console.log(`dendrite total ${tAll.toFixed(1)} s`);
