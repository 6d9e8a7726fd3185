// `npm run bench`: dendrite's engine against PyTorch CPU on this machine, side by side in one run.
// Workloads: LeNet training (SGD-momentum) at batch 64 and 256, LeNet inference at batch 1 and
// 1000, ShallowFBCSPNet, Deep4Net and EEGNet (22 ch × 1125 samples, 4 classes) training at
// batch 64 and batch-1 inference, and SGEMM at the layer shapes and 1024³. Each workload is first checked against
// the JS reference backend. PyTorch (Debian's python3-torch) runs as two serving subprocesses,
// at 1 and at 2 threads; each workload is timed in rounds that alternate dendrite and the two
// PyTorch runs seconds apart, and a speed-up is the median of the per-round ratios, so load
// that comes and goes on a shared machine falls on both sides alike.

import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { cpus } from 'node:os';
import {
  backend, setBackend, manualSeed, randn, randint, tidy, noGrad, matmul, optim, heap, type Tensor,
} from '../src/index.js';
import { LeNet } from '../src/models/lenet.js';
import { readEdf } from '../src/io/edf/index.js';
import { Raw } from '../src/neuro/raw.js';
import { ShallowFBCSPNet } from '../src/models/shallow_fbcsp.js';
import { Deep4Net } from '../src/models/deep4.js';
import { EEGNet } from '../src/models/eegnet.js';
import type { Module } from '../src/nn/module.js';
import { trainEpoch } from '../src/decode/trainer.js';

const REPS = Number(process.env['BENCH_REPS'] ?? 7);
const SHALLOW = { chans: 22, classes: 4, times: 1125, batch: 64 };
const GEMM: [number, number, number][] = [
  [6, 784, 25], [16, 100, 150], [64, 120, 400], [40, 1101, 550], [1024, 1024, 1024],
];

interface Timing { seconds: number; min: number; max: number; per_second?: number; gflops?: number }

/** One timed workload: `inner` calls of fn per timed run, `rounds` runs; per call: examples or flops. */
interface Workload { key: string; fn: () => void; inner: number; rounds: number; examples?: number; flops?: number }
const workloads: Workload[] = [];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timed(fn: () => void, reps: number, inner: number): Timing {
  for (let i = 0; i < Math.max(2, reps >> 1); i++) fn();
  const ts: number[] = [];
  for (let r = 0; r < reps; r++) ts.push(timeOnce(fn, inner));
  return { seconds: median(ts), min: Math.min(...ts), max: Math.max(...ts) };
}

/** Seconds per call of one run of `inner` calls. */
function timeOnce(fn: () => void, inner: number): number {
  const t0 = performance.now();
  for (let i = 0; i < inner; i++) fn();
  return (performance.now() - t0) / 1000 / inner;
}

/** One optimiser step on (x, y) through the library's training loop; returns the loss. */
function trainStep(model: Module, x: Tensor, y: Tensor, opt: optim.Optimizer): () => number {
  return () => trainEpoch(model, [[x, y]], opt, { accuracy: false, disposeBatches: false }).loss;
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


function lenetTrain(b: number): void {
  check(`lenet train b${b}`, () => {
    const m = new LeNet();
    return trainStep(m, randn([b, 1, 28, 28]), randint(0, 10, [b]), new optim.SGD(m.parameters(), { lr: 0.01, momentum: 0.9 }))();
  });
  manualSeed(0);
  const m = new LeNet();
  const step = trainStep(m, randn([b, 1, 28, 28]), randint(0, 10, [b]), new optim.SGD(m.parameters(), { lr: 0.01, momentum: 0.9 }));
  workloads.push({ key: `lenet_train_b${b}`, fn: () => void step(), inner: Math.max(1, 512 / b), rounds: REPS, examples: b });
}

function lenetInfer(b: number): void {
  check(`lenet infer b${b}`, () => noGrad(() => new LeNet().eval().call(randn([b, 1, 28, 28])).sum().item()));
  manualSeed(0);
  const m = new LeNet().eval();
  const x = randn([b, 1, 28, 28]);
  workloads.push({ key: `lenet_infer_b${b}`, fn: () => noGrad(() => tidy(() => void m.call(x))), inner: b === 1 ? 200 : 2, rounds: REPS, examples: b });
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
  workloads.push({ key: 'shallow_train', fn: () => void step(), inner: 1, rounds: Math.max(3, REPS >> 1), examples: s.batch });
  // inference on a second, eval-mode copy (training keeps updating the first)
  manualSeed(0);
  const e = make().eval();
  const x1 = randn([1, s.chans, s.times]);
  workloads.push({ key: 'shallow_infer_b1', fn: () => noGrad(() => tidy(() => void e.call(x1))), inner: 20, rounds: REPS, examples: 1 });
}

/** Deep4Net and EEGNet at the ShallowFBCSPNet shapes: training at batch 64, batch-1 inference. */
function eegModel(name: 'deep4' | 'eegnet'): void {
  const s = SHALLOW;
  const make = () => (name === 'deep4' ? new Deep4Net({ nChans: s.chans, nOutputs: s.classes, nTimes: s.times }) : new EEGNet({ nChans: s.chans, nOutputs: s.classes, nTimes: s.times }));
  check(`${name} infer`, () => noGrad(() => make().eval().call(randn([2, s.chans, s.times])).sum().item()));
  manualSeed(0);
  const m = make();
  const step = trainStep(m, randn([s.batch, s.chans, s.times]), randint(0, s.classes, [s.batch]), new optim.SGD(m.parameters(), { lr: 0.01, momentum: 0.9 }));
  workloads.push({ key: `${name}_train`, fn: () => void step(), inner: 1, rounds: Math.max(3, REPS >> 1), examples: s.batch });
  manualSeed(0);
  const e = make().eval();
  const x1 = randn([1, s.chans, s.times]);
  workloads.push({ key: `${name}_infer_b1`, fn: () => noGrad(() => tidy(() => void e.call(x1))), inner: 10, rounds: REPS, examples: 1 });
}

function gemm(M: number, N: number, K: number): void {
  check(`gemm ${M}x${N}x${K}`, () => {
    const a = randn([Math.min(M, 64), K]);
    const b = randn([K, Math.min(N, 64)]);
    return matmul(a, b).sum().item();
  });
  const a = randn([M, K]);
  const b = randn([K, N]);
  workloads.push({ key: `gemm_${M}x${N}x${K}`, fn: () => tidy(() => void matmul(a, b)), inner: Math.max(1, Math.floor(2e8 / (2 * M * N * K))), rounds: REPS, flops: 2 * M * N * K });
}

/** A PyTorch subprocess serving timed runs of the same workloads (bench/peers/torch_bench.py). */
class TorchPeer {
  private buf = '';
  private waiting: ((line: string) => void)[] = [];
  private constructor(private readonly proc: ChildProcessWithoutNullStreams) {
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (d: string) => {
      this.buf += d;
      for (let i = this.buf.indexOf('\n'); i >= 0; i = this.buf.indexOf('\n')) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 1);
        this.waiting.shift()?.(line);
      }
    });
    proc.on('exit', () => { for (const w of this.waiting.splice(0)) w('{"error": "PyTorch peer exited"}'); });
  }

  /** Starts the peer at `threads` threads; a string says why it cannot run. */
  static async start(threads: number): Promise<{ peer: TorchPeer; torch: string; build: string } | string> {
    const py = '/usr/bin/python3';
    if (!existsSync(py)) return 'python3 not found';
    const probe = spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' });
    if (probe.status !== 0) return 'PyTorch missing: install it with `apt-get install python3-torch libopenblas0-pthread` (Debian) and rerun';
    // PyTorch's own OpenMP defaults (threads spin before sleeping, as dendrite's workers do); an
    // inherited OMP_WAIT_POLICY would change them, so it is dropped
    const { OMP_WAIT_POLICY: _policy, ...rest } = process.env;
    // OpenBLAS keeps its own pool: without OPENBLAS_NUM_THREADS a 1-thread PyTorch would still
    // run its GEMMs on every core
    const env = { ...rest, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
    const proc = spawn(py, ['bench/peers/torch_bench.py', JSON.stringify({ threads, shallow: SHALLOW })], { env });
    let err = '';
    proc.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const peer = new TorchPeer(proc);
    const head = JSON.parse(await peer.next()) as { torch?: string; build?: string; error?: string };
    if (!head.torch) return `PyTorch peer failed: ${head.error ?? ''} ${err.split('\n').slice(-3).join(' ')}`;
    return { peer, torch: head.torch, build: head.build ?? 'build unknown' };
  }

  private next(): Promise<string> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Seconds per call of one run of `inner` calls after `warmup` untimed calls. */
  async time(name: string, inner: number, warmup: number): Promise<number> {
    const reply = this.next();
    this.proc.stdin.write(`${JSON.stringify({ name, inner, warmup })}\n`);
    const r = JSON.parse(await reply) as { seconds?: number; error?: string };
    if (r.seconds === undefined) throw new Error(`PyTorch peer, ${name}: ${r.error}`);
    return r.seconds;
  }

  close(): void {
    this.proc.stdin.end();
  }
}

// Both runtimes spin their worker threads for a while after a parallel region before sleeping
// (dendrite 2 ms, libgomp's default some milliseconds): each side's run starts after a pause
// long enough for the other side's threads to have gone to sleep.
const SETTLE_MS = 30;
const RUN_S = Number(process.env['BENCH_RUN_S'] ?? 0.25);
const settleCell = new Int32Array(new SharedArrayBuffer(4));
const settle = (): void => void Atomics.wait(settleCell, 0, 0, SETTLE_MS);

interface Ratio { median: number; min: number; max: number }
/** best: within each round, PyTorch's faster thread setting against dendrite (the fair ratio) */
interface Paired { ours: Timing; peers: (Timing | undefined)[]; ratios: (Ratio | undefined)[]; best: Ratio | undefined }

/**
 * Times each workload in rounds: dendrite, then each peer, in an order that rotates per round,
 * each run after a settling pause and untimed warm-up calls. Ratios are taken within a round (peer time / ours).
 */
async function measure(peers: (TorchPeer | null)[]): Promise<Map<string, Paired>> {
  const out = new Map<string, Paired>();
  const stat = (ts: number[]): Timing => ({ seconds: median(ts), min: Math.min(...ts), max: Math.max(...ts) });
  const only = process.env['BENCH_WORKLOADS']?.split(',').filter(Boolean);
  for (const w of workloads) {
    if (only && !only.some((p) => w.key.startsWith(p))) continue;
    process.stderr.write(`  ${w.key}\n`);
    for (let i = 0; i < 2; i++) w.fn();
    // each timed run lasts ≥ RUN_S on dendrite's side (a run of a few ms is at the mercy of
    // the vCPUs waking up), and starts after a fifth as many untimed calls
    const inner = Math.max(w.inner, Math.min(2000, Math.ceil(RUN_S / timeOnce(w.fn, 1))));
    const warm = Math.max(1, Math.round(inner / 5));
    const ours: number[] = [];
    const theirs: number[][] = peers.map(() => []);
    for (let r = 0; r < w.rounds; r++) {
      const sides = [-1, ...peers.map((_, i) => i)];
      for (let k = 0; k < sides.length; k++) {
        const side = sides[(k + r) % sides.length]!;
        settle();
        if (side < 0) {
          for (let i = 0; i < warm; i++) w.fn();
          ours.push(timeOnce(w.fn, inner));
        } else if (peers[side]) {
          theirs[side]!.push(await peers[side]!.time(w.key, inner, warm));
        }
      }
    }
    const ratios = theirs.map((ts) => {
      if (ts.length === 0) return undefined;
      const q = ts.map((t, i) => t / ours[i]!);
      return { median: median(q), min: Math.min(...q), max: Math.max(...q) };
    });
    const live = theirs.filter((ts) => ts.length === ours.length);
    const bestQ = live.length ? ours.map((o, i) => Math.min(...live.map((ts) => ts[i]!)) / o) : [];
    const best = bestQ.length ? { median: median(bestQ), min: Math.min(...bestQ), max: Math.max(...bestQ) } : undefined;
    const withRate = (t: Timing): Timing => (w.flops ? { ...t, gflops: w.flops / t.seconds / 1e9 } : { ...t, per_second: w.examples! / t.seconds });
    out.set(w.key, { ours: withRate(stat(ours)), peers: theirs.map((ts) => (ts.length ? withRate(stat(ts)) : undefined)), ratios, best });
  }
  return out;
}

function tfjsPeer(): { tfjs: string; results: Record<string, Timing> } | string {
  if (process.env['BENCH_TFJS'] === '0') return 'skipped (BENCH_TFJS=0)';
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

async function main(): Promise<void> {
  if (process.env['BENCH_ONLY'] === 'io') {
    for (const l of ioWorkload()) console.log(l);
    return;
  }
  const name = backend().name;
  process.stderr.write(`dendrite backend ${name}, ${backend().threads ?? 1} thread(s); ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; node ${process.version}\n`);
  process.stderr.write('checking the dendrite workloads against the JS reference...\n');
  for (const b of [64, 256]) lenetTrain(b);
  for (const b of [1, 1000]) lenetInfer(b);
  shallow();
  eegModel('deep4');
  eegModel('eegnet');
  for (const [M, N, K] of GEMM) gemm(M, N, K);
  const p1 = await TorchPeer.start(1);
  const p2 = typeof p1 === 'string' ? p1 : await TorchPeer.start(2);
  const peers = [p1, p2].map((p) => (typeof p === 'string' ? null : p.peer));
  process.stderr.write('timing dendrite and PyTorch (1 and 2 threads) in alternating rounds...\n');
  const res = await measure(peers);
  for (const p of peers) p?.close();
  process.stderr.write('running TF.js (cpu and wasm backends; slow)...\n');
  const tj = tfjsPeer();
  const range = (r: { min: number; max: number } | undefined) => (r ? `${r.min.toFixed(2)}-${r.max.toFixed(2)}` : '—');
  const rows: string[][] = [['workload', `dendrite (${name}, ${backend().threads ?? 1} threads)`, 'vs PyTorch best', 'per-round', 'PyTorch 1 thread', 'speed-up', 'PyTorch 2 threads', 'speed-up', 'TF.js cpu', 'speed-up', 'TF.js wasm', 'speed-up']];
  for (const [k, r] of res) {
    const jc = typeof tj === 'string' ? undefined : tj.results[`${k}@tfjs-cpu`];
    const jw = typeof tj === 'string' ? undefined : tj.results[`${k}@tfjs-wasm`];
    const cannot = k.includes('train') && !k.startsWith('gemm') ? 'cannot train' : '—';
    const paired = (i: number) => (r.ratios[i] ? `${r.ratios[i]!.median.toFixed(2)}×` : '—');
    const best = r.best ? `${r.best.median.toFixed(2)}×` : '—';
    rows.push([k, fmt(k, r.ours), best, range(r.best), fmt(k, r.peers[0]), paired(0), fmt(k, r.peers[1]), paired(1), fmt(k, jc), ratio(r.ours, jc), jw ? fmt(k, jw) : cannot, ratio(r.ours, jw)]);
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
  if (typeof p1 === 'string') console.log(`PyTorch: ${p1}`);
  else {
    console.log(`PyTorch ${p1.torch} (Debian's python3-torch: ${p1.build}), OMP_NUM_THREADS = OPENBLAS_NUM_THREADS = its thread count; times are medians over rounds (${REPS} per workload, 3 for the EEG training steps) after warm-up; speed-up = PyTorch time / dendrite time`);
    console.log('within each round, median over rounds (> 1: dendrite faster); vs PyTorch best = against the faster of PyTorch at 1 and 2 threads in each round (the headline ratio); per-round = the lowest and highest of those.');
  }
  console.log(`heap high-water mark ${(heap().highWater / 2 ** 20).toFixed(1)} MiB`);
  process.stderr.write('running the EEG I/O workload...\n');
  for (const l of ioWorkload()) console.log(l);
  process.stderr.write('running the full MNIST job...\n');
  console.log(mnistRun());
}

await main();
