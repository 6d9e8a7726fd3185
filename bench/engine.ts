// `npm run bench`: dendrite's engine against PyTorch CPU on this machine, side by side in one run.
// Workloads: LeNet training (SGD-momentum) at batch 64 and 256, LeNet inference at batch 1 and
// 1000, ShallowFBCSPNet (22 ch × 1125 samples, 4 classes) training at batch 64 and batch-1
// inference, and SGEMM at the layer shapes and 1024³. Each workload is first checked against
// the JS reference backend; timings are medians of repeated runs after warm-up.
// PyTorch runs as a subprocess (Debian's python3-torch) at 1 and 2 threads.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { cpus } from 'node:os';
import {
  backend, setBackend, manualSeed, randn, randint, crossEntropy, tidy, noGrad, matmul, optim, heap, type Tensor,
} from '../src/index.js';
import { LeNet } from '../src/models/lenet.js';
import { readEdf } from '../src/io/edf/index.js';
import { Raw } from '../src/neuro/raw.js';
import { ShallowFBCSPNet } from '../src/models/shallow_fbcsp.js';
import { Deep4Net } from '../src/models/deep4.js';
import { EEGNet } from '../src/models/eegnet.js';
import type { Module } from '../src/nn/module.js';

const REPS = Number(process.env['BENCH_REPS'] ?? 7);
const SHALLOW = { chans: 22, classes: 4, times: 1125, batch: 64 };
const GEMM: [number, number, number][] = [
  [6, 784, 25], [16, 100, 150], [64, 120, 400], [40, 1101, 550], [1024, 1024, 1024],
];

interface Timing { seconds: number; min: number; max: number; per_second?: number; gflops?: number }

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timed(fn: () => void, reps: number, inner: number): Timing {
  for (let i = 0; i < Math.max(2, reps >> 1); i++) fn();
  const ts: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) fn();
    ts.push((performance.now() - t0) / 1000 / inner);
  }
  return { seconds: median(ts), min: Math.min(...ts), max: Math.max(...ts) };
}

function trainStep(model: Module, x: Tensor, y: Tensor, opt: optim.Optimizer): () => number {
  return () =>
    tidy(() => {
      opt.zeroGrad();
      const loss = crossEntropy(model.call(x), y);
      loss.backward();
      opt.step();
      return loss.item();
    });
}

/** Runs the same seeded step on the JS reference and the active backend; they must agree. */
function check(label: string, make: () => number): void {
  const fast = backend().name;
  setBackend('js');
  manualSeed(1);
  const want = make();
  setBackend(fast);
  manualSeed(1);
  const got = make();
  if (!(Math.abs(want - got) <= 1e-4 * (1 + Math.abs(want)))) throw new Error(`bench check ${label}: ${fast} gives ${got}, the JS reference ${want}`);
}

const results: Record<string, Timing> = {};

function lenetTrain(b: number): void {
  check(`lenet train b${b}`, () => {
    const m = new LeNet();
    return trainStep(m, randn([b, 1, 28, 28]), randint(0, 10, [b]), new optim.SGD(m.parameters(), { lr: 0.01, momentum: 0.9 }))();
  });
  manualSeed(0);
  const m = new LeNet();
  const step = trainStep(m, randn([b, 1, 28, 28]), randint(0, 10, [b]), new optim.SGD(m.parameters(), { lr: 0.01, momentum: 0.9 }));
  const t = timed(() => void step(), REPS, Math.max(1, 512 / b));
  results[`lenet_train_b${b}`] = { ...t, per_second: b / t.seconds };
}

function lenetInfer(b: number): void {
  check(`lenet infer b${b}`, () => noGrad(() => new LeNet().eval().call(randn([b, 1, 28, 28])).sum().item()));
  manualSeed(0);
  const m = new LeNet().eval();
  const x = randn([b, 1, 28, 28]);
  const t = timed(() => noGrad(() => tidy(() => void m.call(x))), REPS, b === 1 ? 200 : 2);
  results[`lenet_infer_b${b}`] = { ...t, per_second: b / t.seconds };
}

function shallow(): void {
  const s = SHALLOW;
  const make = () => new ShallowFBCSPNet({ nChans: s.chans, nOutputs: s.classes, nTimes: s.times });
  check('shallow train', () => {
    const m = make();
    m.opts.dropProb = 0;
    return trainStep(m, randn([8, s.chans, s.times]), randint(0, s.classes, [8]), new optim.SGD(m.parameters(), { lr: 0.01, momentum: 0.9 }))();
  });
  manualSeed(0);
  const m = make();
  const step = trainStep(m, randn([s.batch, s.chans, s.times]), randint(0, s.classes, [s.batch]), new optim.SGD(m.parameters(), { lr: 0.01, momentum: 0.9 }));
  const t = timed(() => void step(), Math.max(3, REPS >> 1), 1);
  results['shallow_train'] = { ...t, per_second: s.batch / t.seconds };
  m.eval();
  const x1 = randn([1, s.chans, s.times]);
  const ti = timed(() => noGrad(() => tidy(() => void m.call(x1))), REPS, 20);
  results['shallow_infer_b1'] = { ...ti, per_second: 1 / ti.seconds };
}

/** Deep4Net and EEGNet at the ShallowFBCSPNet shapes: training at batch 64, batch-1 inference. */
function eegModel(name: 'deep4' | 'eegnet'): void {
  const s = SHALLOW;
  const make = () => (name === 'deep4' ? new Deep4Net({ nChans: s.chans, nOutputs: s.classes, nTimes: s.times }) : new EEGNet({ nChans: s.chans, nOutputs: s.classes, nTimes: s.times }));
  check(`${name} infer`, () => noGrad(() => make().eval().call(randn([2, s.chans, s.times])).sum().item()));
  manualSeed(0);
  const m = make();
  const step = trainStep(m, randn([s.batch, s.chans, s.times]), randint(0, s.classes, [s.batch]), new optim.SGD(m.parameters(), { lr: 0.01, momentum: 0.9 }));
  const t = timed(() => void step(), Math.max(3, REPS >> 1), 1);
  results[`${name}_train`] = { ...t, per_second: s.batch / t.seconds };
  m.eval();
  const x1 = randn([1, s.chans, s.times]);
  const ti = timed(() => noGrad(() => tidy(() => void m.call(x1))), REPS, 10);
  results[`${name}_infer_b1`] = { ...ti, per_second: 1 / ti.seconds };
}

function gemm(M: number, N: number, K: number): void {
  check(`gemm ${M}x${N}x${K}`, () => {
    const a = randn([Math.min(M, 64), K]);
    const b = randn([K, Math.min(N, 64)]);
    return matmul(a, b).sum().item();
  });
  const a = randn([M, K]);
  const b = randn([K, N]);
  const t = timed(() => tidy(() => void matmul(a, b)), REPS, Math.max(1, Math.floor(2e8 / (2 * M * N * K))));
  results[`gemm_${M}x${N}x${K}`] = { ...t, gflops: (2 * M * N * K) / t.seconds / 1e9 };
}

function torchPeer(threads: number): { torch: string; results: Record<string, Timing> } | string {
  const py = '/usr/bin/python3';
  if (!existsSync(py)) return 'python3 not found';
  const probe = spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return 'PyTorch missing: install it with `apt-get install python3-torch libopenblas0-pthread` (Debian) and rerun';
  const cfg = { threads, reps: REPS, lenet_train_batches: [64, 256], lenet_infer_batches: [1, 1000], shallow: SHALLOW, gemm: GEMM };
  // PyTorch's own OpenMP defaults (threads spin before sleeping, as dendrite's workers do); an
  // inherited OMP_WAIT_POLICY would change them, so it is dropped
  const { OMP_WAIT_POLICY: _policy, ...rest } = process.env;
  const env = { ...rest, OMP_NUM_THREADS: String(threads) };
  const r = spawnSync(py, ['bench/peers/torch_bench.py', JSON.stringify(cfg)], { encoding: 'utf8', env, maxBuffer: 1 << 24 });
  if (r.status !== 0) return `PyTorch peer failed: ${r.stderr.split('\n').slice(-3).join(' ')}`;
  return JSON.parse(r.stdout) as { torch: string; results: Record<string, Timing> };
}

function tfjsPeer(): { tfjs: string; results: Record<string, Timing> } | string {
  const cfg = { reps: 5, slowReps: 2, shallow: SHALLOW, shallowBatch: 4 };
  const r = spawnSync(process.execPath, ['bench/peers/tfjs_bench.mjs', JSON.stringify(cfg)], { encoding: 'utf8', maxBuffer: 1 << 24, timeout: 600_000 });
  if (r.status !== 0) return `TF.js peer failed: ${(r.stderr || r.error?.message || '').split('\n').slice(-3).join(' ')} (devDependencies @tensorflow/tfjs and @tensorflow/tfjs-backend-wasm, installed by npm ci)`;
  const last = r.stdout.trim().split('\n').pop()!;
  return JSON.parse(last) as { tfjs: string; results: Record<string, Timing> };
}

/** Peak RSS of 100 LeNet training steps, each framework in a fresh process. */
function peakRss(): { dendrite: number | null; torch: number | null } {
  const d = spawnSync(process.execPath, ['dist/bench/rss_lenet.js'], { encoding: 'utf8' });
  const t = spawnSync('/usr/bin/python3', ['bench/peers/torch_bench.py', JSON.stringify({ threads: 1, rss: true })], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  const read = (r: ReturnType<typeof spawnSync>) => (r.status === 0 ? (JSON.parse(String(r.stdout).trim().split('\n').pop()!) as { maxRssBytes: number }).maxRssBytes : null);
  return { dendrite: read(d), torch: read(t) };
}

/** Reading a 64-channel EEGMMIDB run and band-pass filtering it, dendrite against MNE. */
function ioWorkload(): string[] {
  const file = join(process.env['DENDRITE_DATA'] ?? '../shared/data', 'eeg/eegmmidb/S001R04.edf');
  if (!existsSync(file)) return [`EEG I/O: ${file} not found (set DENDRITE_DATA)`];
  const read = () => Raw.fromRecording(readEdf(new Uint8Array(readFileSync(file)), file));
  const r = read();
  const ours = { read: timed(() => void read(), 5, 1), readFilter: timed(() => void read().filter(7, 30), 5, 1) };
  const p = spawnSync('/usr/bin/python3', ['bench/peers/mne_bench.py', file, '5'], { encoding: 'utf8' });
  const lines = [`EEG I/O (${r.nChannels} channels × ${r.nTimes} samples, ${file.split('/').pop()}):`];
  if (p.status !== 0) return [...lines, `  MNE peer failed: ${p.stderr.split('\n').slice(-2).join(' ')} (apt-get install python3-mne)`];
  const m = JSON.parse(p.stdout.trim().split('\n').pop()!) as { mne: string; read: Timing; read_filter: Timing };
  const ms = (t: Timing) => `${(t.seconds * 1000).toFixed(1)} ms`;
  lines.push(`  read EDF into memory:          dendrite ${ms(ours.read)}, MNE ${m.mne} ${ms(m.read)} → ${(m.read.seconds / ours.read.seconds).toFixed(2)}× MNE's speed`);
  lines.push(`  read + band-pass 7-30 Hz (FIR): dendrite ${ms(ours.readFilter)}, MNE ${ms(m.read_filter)} → ${(m.read_filter.seconds / ours.readFilter.seconds).toFixed(2)}×`);
  return lines;
}

/** The full MNIST job with its defaults, in a fresh process: epoch time and time to 99 %. */
function mnistRun(): string {
  if (process.env['BENCH_MNIST'] === '0') return 'MNIST run skipped (BENCH_MNIST=0)';
  const out = mkdtempSync(join(tmpdir(), 'dendrite-bench-mnist-'));
  try {
    const r = spawnSync(process.execPath, ['dist/src/cli/main.js', 'train', 'lenet', '--out', out], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 0) return `MNIST run failed: ${r.stderr.split('\n').slice(-3).join(' ')}`;
    const dir = readdirSync(out)[0]!;
    const m = JSON.parse(readFileSync(join(out, dir, 'metrics.json'), 'utf8')) as {
      epochs: { trainSeconds: number; imagesPerSecond: number }[]; finalTestAccuracy: number; totalSeconds: number; secondsTo99: number | null;
    };
    const epoch = median(m.epochs.map((e) => e.trainSeconds));
    return `MNIST (npm start defaults, ${m.epochs.length} epochs): median epoch ${epoch.toFixed(1)} s (${median(m.epochs.map((e) => e.imagesPerSecond)).toFixed(0)} img/s), ` +
      `99 % test accuracy after ${m.secondsTo99 === null ? 'never' : `${m.secondsTo99.toFixed(0)} s`}, final ${(100 * m.finalTestAccuracy).toFixed(2)} % in ${m.totalSeconds.toFixed(0)} s`;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function fmt(key: string, t: Timing | undefined): string {
  if (!t) return '—';
  if (t.gflops !== undefined) return `${t.gflops.toFixed(1)} GFLOP/s`;
  if (key.endsWith('_b1')) return `${(t.seconds * 1e6).toFixed(0)} µs`;
  return `${t.per_second! < 10 ? t.per_second!.toPrecision(2) : t.per_second!.toFixed(0)} ex/s`;
}

/** dendrite's advantage: >1 means dendrite is faster (latency and throughput alike). */
function ratio(ours: Timing | undefined, theirs: Timing | undefined): string {
  if (!ours || !theirs) return '—';
  return `${(theirs.seconds / ours.seconds).toFixed(2)}×`;
}

function main(): void {
  if (process.env['BENCH_ONLY'] === 'io') {
    for (const l of ioWorkload()) console.log(l);
    return;
  }
  const name = backend().name;
  process.stderr.write(`dendrite backend ${name}, ${backend().threads ?? 1} thread(s); ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; node ${process.version}\n`);
  process.stderr.write('running dendrite workloads...\n');
  for (const b of [64, 256]) lenetTrain(b);
  for (const b of [1, 1000]) lenetInfer(b);
  shallow();
  eegModel('deep4');
  eegModel('eegnet');
  for (const [M, N, K] of GEMM) gemm(M, N, K);
  process.stderr.write('running PyTorch (1 and 2 threads)...\n');
  const t1 = torchPeer(1);
  const t2 = torchPeer(2);
  process.stderr.write('running TF.js (cpu and wasm backends; slow)...\n');
  const tj = tfjsPeer();
  const rows: string[][] = [['workload', `dendrite (${name}, ${backend().threads ?? 1} threads)`, 'PyTorch 1 thread', 'speed-up', 'PyTorch 2 threads', 'speed-up', 'TF.js cpu', 'speed-up', 'TF.js wasm', 'speed-up']];
  for (const k of Object.keys(results)) {
    const p1 = typeof t1 === 'string' ? undefined : t1.results[k];
    const p2 = typeof t2 === 'string' ? undefined : t2.results[k];
    const jc = typeof tj === 'string' ? undefined : tj.results[`${k}@tfjs-cpu`];
    const jw = typeof tj === 'string' ? undefined : tj.results[`${k}@tfjs-wasm`];
    const cannot = k.includes('train') && !k.startsWith('gemm') ? 'cannot train' : '—';
    rows.push([k, fmt(k, results[k]), fmt(k, p1), ratio(results[k], p1), fmt(k, p2), ratio(results[k], p2), fmt(k, jc), ratio(results[k], jc), jw ? fmt(k, jw) : cannot, ratio(results[k], jw)]);
  }
  const w = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((v, c) => v.padEnd(w[c]!)).join(' | ')} |`;
  console.log(line(rows[0]!));
  console.log(`|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`);
  for (const r of rows.slice(1)) console.log(line(r));
  if (typeof tj === 'string') console.log(`TF.js: ${tj}`);
  else console.log(`TF.js ${tj.tfjs}: cpu = pure-JS backend; wasm backend (single-threaded in Node) has no Conv2DBackpropFilter, so it cannot train these nets; — = not measured.`);
  const rss = peakRss();
  const mib = (b: number | null) => (b === null ? 'n/a' : `${(b / 2 ** 20).toFixed(0)} MiB`);
  console.log(`peak RSS, 100 LeNet training steps at batch 64 (fresh process each): dendrite ${mib(rss.dendrite)}, PyTorch ${mib(rss.torch)}`);
  if (typeof t1 === 'string') console.log(`PyTorch: ${t1}`);
  else console.log(`PyTorch ${t1.torch}; speed-up = PyTorch time / dendrite time (> 1: dendrite faster); medians of ${REPS} runs after warm-up.`);
  console.log(`heap high-water mark ${(heap().highWater / 2 ** 20).toFixed(1)} MiB`);
  process.stderr.write('running the EEG I/O workload...\n');
  for (const l of ioWorkload()) console.log(l);
  process.stderr.write('running the full MNIST job...\n');
  console.log(mnistRun());
}

main();
