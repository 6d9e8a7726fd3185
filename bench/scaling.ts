// `npm run bench:scaling [-- --threads 1,2,4,8,16] [--quick] [--python PATH] [--share]`: how dendrite and PyTorch scale
// with threads on this machine. Workloads of `npm run bench` (bench/engine.ts): LeNet training
// (SGD-momentum) at batch 64 and 256, ShallowFBCSPNet training at batch 64 (22 × 1125), and
// LeNet inference latency at batch 1. Every contender is its own serving process, started once:
// dendrite at each thread count (this file with --serve, through the public API), PyTorch at the
// same count with its default OpenMP settings and with OMP_WAIT_POLICY=PASSIVE
// (bench/peers/torch_bench.py). Each workload is timed in rounds; within a round every contender
// runs once, in an order that rotates per round, after a settling pause, so load that comes and
// goes on a shared machine falls on all of them alike. Speed-ups and ratios are taken within a
// round, then the median over rounds is printed with its range. --share prints instead how much
// of each dendrite step runs in parallel regions (see parallelShare), a figure load does not skew.
// The *_dp workloads train the same step data-parallel (node/parallel's DataParallel: replicas =
// threads, each a worker thread with one kernel thread, gradients all-reduced), served by a
// process of their own per thread count; their speed-up is over dendrite's plain 1-thread step
// and PyTorch runs the plain workload, so per-op and data-parallel rows compare side by side.

import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseCommandLine, numberList } from '../src/cli/args.js';
import { ArgumentError } from '../src/errors.js';
import {
  backend, manualSeed, noGrad, optim, randint, randn, setNumThreads, threadsReady, tidy, workerTaskCount, type Tensor,
} from '../src/index.js';
import { LeNet } from '../src/models/lenet.js';
import { ShallowFBCSPNet } from '../src/models/shallow_fbcsp.js';
import type { Module } from '../src/nn/module.js';
import { trainEpoch } from '../src/decode/trainer.js';
import { DataParallel, type ModelSpec } from '../src/node/parallel/index.js';

// the same shapes as bench/engine.ts (its PyTorch peer builds them from this config)
const SHALLOW = { chans: 22, classes: 4, times: 1125, batch: 64 };
/** `base`: for a data-parallel workload, the plain one it trains (what PyTorch and dendrite's 1-thread baseline run). */
interface WorkloadSpec { key: string; examples: number; latency: boolean; base?: string }
const WORKLOADS: WorkloadSpec[] = [
  { key: 'lenet_train_b64', examples: 64, latency: false },
  { key: 'lenet_train_b256', examples: 256, latency: false },
  { key: 'shallow_train', examples: SHALLOW.batch, latency: false },
  { key: 'lenet_infer_b1', examples: 1, latency: true },
  { key: 'lenet_train_b64_dp', examples: 64, latency: false, base: 'lenet_train_b64' },
  { key: 'lenet_train_b256_dp', examples: 256, latency: false, base: 'lenet_train_b256' },
  { key: 'shallow_train_dp', examples: SHALLOW.batch, latency: false, base: 'shallow_train' },
];

// ---- serve mode: one dendrite process at one thread count --------------------------------------

/** One optimiser step through the library's training loop, as bench/engine.ts times it. */
function trainStep(model: Module, x: Tensor, y: Tensor): () => void {
  const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  return () => void trainEpoch(model, [[x, y]], opt, { accuracy: false, disposeBatches: false });
}

function dendriteWorkload(name: string): () => void {
  manualSeed(0);
  if (name.startsWith('lenet_train_b')) {
    const b = Number(name.slice('lenet_train_b'.length));
    return trainStep(new LeNet(), randn([b, 1, 28, 28]), randint(0, 10, [b]));
  }
  if (name === 'shallow_train') {
    const s = SHALLOW;
    const m = new ShallowFBCSPNet({ nChans: s.chans, nOutputs: s.classes, nTimes: s.times });
    return trainStep(m, randn([s.batch, s.chans, s.times]), randint(0, s.classes, [s.batch]));
  }
  if (name === 'lenet_infer_b1') {
    const m = new LeNet().eval();
    const x = randn([1, 1, 28, 28]);
    return () => noGrad(() => tidy(() => void m.call(x)));
  }
  throw new ArgumentError(`bench:scaling: unknown workload '${name}'`);
}

/** A *_dp workload: the same step as its base, data-parallel over `replicas` replicas (one kernel thread each). */
async function dataParallelWorkload(name: string, replicas: number): Promise<() => void> {
  manualSeed(0);
  const model: ModelSpec = name.startsWith('lenet_train_b')
    ? { name: 'lenet' }
    : { name: 'shallow', config: { nChans: SHALLOW.chans, nOutputs: SHALLOW.classes, nTimes: SHALLOW.times } };
  const b = name.startsWith('lenet_train_b') ? Number(name.slice('lenet_train_b'.length, -'_dp'.length)) : SHALLOW.batch;
  const dp = await DataParallel.create({ model, optimizer: { name: 'sgd', lr: 0.01, momentum: 0.9 }, replicas });
  const x = name.startsWith('lenet') ? randn([b, 1, 28, 28]) : randn([b, SHALLOW.chans, SHALLOW.times]);
  const y = randint(0, name.startsWith('lenet') ? 10 : SHALLOW.classes, [b]);
  return () => void trainEpoch(dp.model, [[x, y]], dp.optimizer, { accuracy: false, disposeBatches: false, stepper: dp });
}

/**
 * Answers {name, inner, warmup} lines with {seconds} per call, as torch_bench.py does. With
 * `dp`, serves the *_dp workloads on `threads` replicas of one kernel thread each.
 */
async function serve(threads: number, dp: boolean): Promise<void> {
  setNumThreads(dp ? 1 : threads);
  randn([1]).dispose(); // makes the backend at this thread count
  const up = await threadsReady();
  console.log(JSON.stringify({ backend: backend().name, threads: dp ? threads : backend().threads ?? 1, up: dp ? threads : up }));
  const made = new Map<string, () => void>();
  for await (const line of createInterface({ input: process.stdin })) {
    try {
      const req = JSON.parse(line) as { name: string; inner: number; warmup: number };
      let fn = made.get(req.name);
      if (!fn) made.set(req.name, (fn = dp ? await dataParallelWorkload(req.name, threads) : dendriteWorkload(req.name)));
      for (let i = 0; i < req.warmup; i++) fn();
      const w0 = workerTaskCount();
      const t0 = performance.now();
      for (let i = 0; i < req.inner; i++) fn();
      const seconds = (performance.now() - t0) / 1000 / req.inner;
      console.log(JSON.stringify({ seconds, workerTasks: workerTaskCount() - w0 }));
    } catch (e) {
      console.log(JSON.stringify({ error: (e as Error).message }));
    }
  }
}

// ---- driver ------------------------------------------------------------------------------------

/** A serving subprocess (dendrite or PyTorch) that answers one JSON line per request. */
class Peer {
  private readonly lines: AsyncIterator<string>;
  private err = '';
  constructor(readonly label: string, private readonly proc: ChildProcessWithoutNullStreams) {
    proc.stderr.on('data', (d: Buffer) => { this.err = (this.err + d.toString()).slice(-2000); });
    this.lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  }

  async next(): Promise<Record<string, unknown>> {
    const r = await this.lines.next();
    if (r.done) return { error: `${this.label} exited: ${this.err.trim().split('\n').slice(-3).join(' ')}` };
    return JSON.parse(r.value) as Record<string, unknown>;
  }

  /** Seconds per call of one run of `inner` calls after `warmup` untimed ones. */
  async time(name: string, inner: number, warmup: number): Promise<number> {
    this.proc.stdin.write(`${JSON.stringify({ name, inner, warmup })}\n`);
    const r = await this.next();
    if (typeof r['seconds'] !== 'number') throw new Error(`${this.label}, ${name}: ${String(r['error'])}`);
    return r['seconds'];
  }

  close(): void {
    this.proc.stdin.end();
  }
}


async function startDendrite(threads: number, dp = false): Promise<Peer> {
  const self = fileURLToPath(import.meta.url);
  const args = [self, '--serve', String(threads), ...(dp ? ['--dp'] : [])];
  const p = new Peer(`dendrite ${dp ? 'data-parallel ' : ''}${threads}t`, spawn(process.execPath, args, { env: process.env }));
  const head = await p.next();
  if (head['threads'] !== threads || head['up'] !== threads) throw new Error(`dendrite at ${threads} threads started ${String(head['up'] ?? head['error'])} threads`);
  return p;
}

/** PyTorch at `threads` threads; `passive` sets OMP_WAIT_POLICY=PASSIVE. A string says why not. */
async function startTorch(py: string, threads: number, passive: boolean): Promise<Peer | string> {
  const { OMP_WAIT_POLICY: _policy, ...rest } = process.env;
  // OpenBLAS keeps its own pool: it follows the thread count too
  const env: NodeJS.ProcessEnv = { ...rest, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
  if (passive) env['OMP_WAIT_POLICY'] = 'PASSIVE';
  const script = fileURLToPath(new URL('../../bench/peers/torch_bench.py', import.meta.url));
  const p = new Peer(`PyTorch ${threads}t${passive ? ' passive' : ''}`, spawn(py, [script, JSON.stringify({ threads, shallow: SHALLOW })], { env }));
  const head = await p.next();
  if (typeof head['torch'] !== 'string') return `PyTorch peer failed: ${String(head['error'])}`;
  return p;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Stat { median: number; min: number; max: number }
const stat = (xs: number[]): Stat => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });

// both runtimes spin their threads for some milliseconds after a parallel region: each run
// starts after a pause long enough for the previous contender's threads to have gone to sleep
const SETTLE_MS = 30;
const settleCell = new Int32Array(new SharedArrayBuffer(4));
const settle = (): void => void Atomics.wait(settleCell, 0, 0, SETTLE_MS);

/**
 * --share: the part of each workload's step that runs inside parallel regions, with the work
 * split as at n threads but every task run on the calling thread (the workers never join), so
 * each region takes its one-thread time; the rest is JavaScript (autograd, tensor handles, GC)
 * and kernels too small to split. Ratios of times taken in one process, so load on a shared
 * machine scales both parts alike. Amdahl's bound at n threads is 1 / (serial + parallel / n).
 */
async function parallelShare(workloads: WorkloadSpec[], counts: number[]): Promise<void> {
  const { ThreadPool } = await import('../src/kernels/pool/pool.js');
  const { Backoff } = await import('../src/kernels/pool/backoff.js');
  // measurement hooks on this process's pool only: no dispatch reaches a worker, and each is timed
  Backoff.prototype.useWorkers = () => false;
  let inside = 0;
  let regions = 0;
  let tasks = 0;
  const run = ThreadPool.prototype.run;
  ThreadPool.prototype.run = function (this: unknown, t: (readonly number[] | null)[]): void {
    const t0 = performance.now();
    run.call(this as never, t);
    inside += performance.now() - t0;
    regions++;
    tasks += t.length;
  };
  const rows: string[][] = [['workload', 'split as at', 'step (1 thread)', 'in parallel regions', 'regions/step', 'tasks/region', 'Amdahl bound']];
  for (const n of counts) {
    setNumThreads(n);
    randn([1]).dispose();
    for (const w of workloads) {
      const fn = dendriteWorkload(w.key);
      const t00 = performance.now();
      let calls = 0;
      while (performance.now() - t00 < 300 || calls < 3) {
        fn();
        calls++;
      }
      const reps = Math.max(3, Math.round(calls * 3));
      inside = regions = tasks = 0;
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) fn();
      const total = performance.now() - t0;
      const p = inside / total;
      rows.push([w.key, `${n} threads`, `${((1000 * total) / reps).toFixed(0)} µs`, `${(100 * p).toFixed(1)} %`, (regions / reps).toFixed(0),
        regions ? (tasks / regions).toFixed(1) : '—', `${(1 / (1 - p + p / n)).toFixed(2)}×`]);
    }
  }
  const width = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) console.log(`| ${r.map((v, c) => v.padEnd(width[c]!)).join(' | ')} |`);
  console.log('Each step run on one thread with the work split as at that thread count; Amdahl bound = 1 / (serial + parallel / threads).');
}

interface Contender { threads: number; peer: Peer; kind: 'dendrite' | 'dp' | 'default' | 'passive' }

/** The contenders that time workload `w`, and the workload name each is asked for. */
function takesPart(w: WorkloadSpec, c: Contender): string | null {
  if (w.base === undefined) return c.kind === 'dp' ? null : w.key;
  if (c.kind === 'dp') return w.key;
  // a data-parallel row's baseline: dendrite's plain step on one thread, and PyTorch's plain step
  return c.kind !== 'dendrite' || c.threads === 1 ? w.base : null;
}

async function main(): Promise<void> {
  const op = 'bench:scaling';
  const { values } = parseCommandLine(op, {
    args: process.argv.slice(2),
    options: {
      threads: { type: 'string' }, quick: { type: 'boolean' }, serve: { type: 'string' }, workloads: { type: 'string' },
      python: { type: 'string' }, share: { type: 'boolean' }, dp: { type: 'boolean' },
    },
  });
  if (values.serve !== undefined) return serve(numberList(op, 'serve', values.serve, { integer: true, positive: true })[0]!, values.dp === true);
  // Debian's python3-torch by default; a machine with PyTorch elsewhere names its interpreter
  const PY = values.python ?? '/usr/bin/python3';
  const quick = values.quick === true;
  const asked = numberList(op, 'threads', values.threads ?? '1,2,4,8,16', { integer: true, positive: true });
  const cores = availableParallelism();
  const threads = [...new Set([1, ...asked.filter((n) => n <= cores)])].sort((a, b) => a - b);
  const dropped = asked.filter((n) => n > cores);
  const only = values.workloads?.split(',').filter(Boolean);
  const workloads = WORKLOADS.filter((w) => !only || only.includes(w.key));
  if (only && workloads.length !== only.length) {
    throw new ArgumentError(`${op}: --workloads takes ${WORKLOADS.map((w) => w.key).join(', ')}; got '${values.workloads}'`);
  }
  if (values.share === true) return parallelShare(workloads.filter((w) => w.base === undefined), threads.filter((n) => n > 1));
  const dataParallel = workloads.some((w) => w.base !== undefined);
  const rounds = quick ? 3 : 7;
  const runSeconds = quick ? 0.1 : 0.3;

  console.log(`${op}: ${cores} × ${cpus()[0]?.model ?? 'cpu'}; node ${process.version}; threads ${threads.join(', ')}${quick ? ' (--quick)' : ''}`);
  if (dropped.length) console.log(`note: ${dropped.join(', ')} thread(s) left out: this machine has ${cores} cores (oversubscribed threads only measure the scheduler)`);

  const contenders: Contender[] = [];
  let torchNote = '';
  const hasTorch = existsSync(PY) && spawnSync(PY, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
  if (!hasTorch) torchNote = 'PyTorch not found (Debian: apt-get install python3-torch); dendrite alone';
  let torchVersion = '';
  for (const n of threads) {
    contenders.push({ threads: n, peer: await startDendrite(n), kind: 'dendrite' });
    if (dataParallel) contenders.push({ threads: n, peer: await startDendrite(n, true), kind: 'dp' });
    if (!hasTorch) continue;
    for (const passive of [false, true]) {
      const p = await startTorch(PY, n, passive);
      if (typeof p === 'string') torchNote = p;
      else contenders.push({ threads: n, peer: p, kind: passive ? 'passive' : 'default' });
    }
  }
  if (hasTorch) {
    const v = spawnSync(PY, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).stdout.trim();
    torchVersion = `PyTorch ${v}`;
  }

  const rows: string[][] = [['workload', 'threads', 'dendrite', 'speed-up', 'PyTorch best', 'speed-up', 'dendrite ÷ PyTorch', 'per-round', 'PyTorch passive won']];
  try {
    for (const w of workloads) {
      process.stderr.write(`  ${w.key}\n`);
      // calls per timed run: enough for runSeconds on dendrite's single thread; each run after a fifth as many untimed calls
      const d1 = contenders.find((c) => c.kind === 'dendrite' && c.threads === 1)!;
      const probe = await d1.peer.time(w.base ?? w.key, 1, 2);
      const inner = Math.max(1, Math.min(5000, Math.ceil(runSeconds / probe)));
      const warm = Math.max(1, Math.round(inner / 5));
      const part = contenders.filter((c) => takesPart(w, c) !== null);
      for (const c of part) await c.peer.time(takesPart(w, c)!, 1, 1); // builds each side's model once
      const times = part.map((): number[] => []);
      for (let r = 0; r < rounds; r++) {
        for (let k = 0; k < part.length; k++) {
          const i = (k + r) % part.length;
          settle();
          times[i]!.push(await part[i]!.peer.time(takesPart(w, part[i]!)!, inner, warm));
        }
      }
      const at = (n: number, kind: Contender['kind']): number[] | undefined => {
        const i = part.findIndex((c) => c.threads === n && c.kind === kind);
        return i < 0 ? undefined : times[i];
      };
      const torchBest = (n: number): number[] | undefined => {
        const a = at(n, 'default');
        const b = at(n, 'passive');
        if (!a || !b) return a ?? b;
        return a.map((t, i) => Math.min(t, b[i]!));
      };
      const rate = (s: number): string => (w.latency ? `${(s * 1e6).toFixed(0)} µs` : `${(w.examples / s).toFixed(0)} ex/s`);
      const perRound = (num: number[], den: number[]): Stat => stat(num.map((t, i) => t / den[i]!));
      const d1t = at(1, 'dendrite')!;
      const t1t = torchBest(1);
      for (const n of threads) {
        const dt = at(n, w.base === undefined ? 'dendrite' : 'dp')!;
        const tt = torchBest(n);
        const ratio = tt ? perRound(tt, dt) : undefined;
        const passiveWins = tt && at(n, 'default') && at(n, 'passive') ? at(n, 'passive')!.filter((t, i) => t < at(n, 'default')![i]!).length : undefined;
        rows.push([
          w.key, String(n), rate(median(dt)), `${perRound(d1t, dt).median.toFixed(2)}×`,
          tt ? rate(median(tt)) : '—', tt && t1t ? `${perRound(t1t, tt).median.toFixed(2)}×` : '—',
          ratio ? `${ratio.median.toFixed(2)}×` : '—', ratio ? `${ratio.min.toFixed(2)}-${ratio.max.toFixed(2)}` : '—',
          passiveWins === undefined ? '—' : `${passiveWins}/${rounds}`,
        ]);
      }
    }
  } finally {
    for (const c of contenders) c.peer.close();
  }
  const width = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]): string => `| ${r.map((v, c) => v.padEnd(width[c]!)).join(' | ')} |`;
  console.log(line(rows[0]!));
  console.log(`|${width.map((n) => '-'.repeat(n + 2)).join('|')}|`);
  for (const r of rows.slice(1)) console.log(line(r));
  console.log(`${rounds} rounds per workload, each contender once per round in rotating order, runs of ≥ ${runSeconds} s on dendrite's 1 thread after a fifth as many warm-up calls.`);
  if (dataParallel) console.log('*_dp rows: dendrite data-parallel (replicas = threads, one kernel thread each); speed-up over dendrite\'s plain 1-thread step; PyTorch runs the plain workload.');
  console.log('speed-up: over 1 thread of the same runtime; dendrite ÷ PyTorch: PyTorch time / dendrite time (> 1: dendrite faster), per round, median and range;');
  console.log(`PyTorch best: per round, the faster of its default OpenMP settings and OMP_WAIT_POLICY=PASSIVE (OMP/OPENBLAS/MKL_NUM_THREADS = the thread count). ${torchVersion || torchNote}`);
  if (torchNote && torchVersion) console.log(torchNote);
}

await main();
process.exit(0);
