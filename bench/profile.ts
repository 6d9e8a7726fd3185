// `npm run bench:profile [workload]`: where the time of one workload goes, per backend primitive
// (each GEMM shape on its own line, with its GFLOP/s), and how much is left to the JS around
// them. Workloads: lenet (training step, batch 64), lenet-b256, lenet-b1 (inference), shallow-b1,
// deep4 and eegnet (training steps, batch 64 at 22 × 1125); `gemm` rates the matmul alone. Timings include waiting for the
// worker threads; the machine is shared, so read the shares, not the absolute times.

import { backend, manualSeed, randn, randint, tidy, noGrad, optim, type Tensor } from '../src/index.js';
import { LeNet } from '../src/models/lenet.js';
import { ShallowFBCSPNet } from '../src/models/shallow_fbcsp.js';
import { Deep4Net } from '../src/models/deep4.js';
import { EEGNet } from '../src/models/eegnet.js';
import type { Module } from '../src/nn/module.js';
import { trainEpoch } from '../src/decode/trainer.js';
import { nextSerial } from '../src/tensor/tensor.js';

/** CPU time of this process in ms: unlike the wall clock, it does not count time other processes hold the core. */
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let kernelCpu = 0;

interface Entry { ms: number; calls: number; flops: number; samples: number[] }
const table = new Map<string, Entry>();

/** Wraps every primitive of the active backend with a timer (ops look the backend up per call). */
function instrument(): void {
  const be = backend() as unknown as Record<string, unknown>;
  for (const key of Object.keys(be)) {
    const f = be[key];
    if (typeof f !== 'function') continue;
    be[key] = (...args: unknown[]) => {
      const c0 = cpuMs();
      const t0 = performance.now();
      const r = (f as (...a: unknown[]) => unknown)(...args);
      const ms = performance.now() - t0;
      kernelCpu += cpuMs() - c0;
      let tag = key;
      let flops = 0;
      if (key === 'matmul') {
        const [, batch, M, N, K] = args as number[];
        tag = `matmul ${M}×${N}×${K}${batch! > 1 ? ` ×${batch}` : ''}`;
        flops = 2 * batch! * M! * N! * K!;
      } else if (key === 'unary' || key === 'binary') tag = `${key} ${String(args[0])}`;
      else if (key === 'copy' || key === 'fill') {
        // by shape: which tensors move is what says where a copy comes from
        const shape = key === 'copy' ? (args[2] as number[]) : [args[2] as number];
        tag = `${key} ${shape.join('×')}`;
      }
      const e = table.get(tag) ?? { ms: 0, calls: 0, flops: 0, samples: [] };
      e.samples.push(ms);
      e.ms += ms;
      e.calls++;
      e.flops += flops;
      table.set(tag, e);
      return r;
    };
  }
}

/** One SGD step on (x, y) through the library's training loop. */
function trainStep(model: Module, x: Tensor, y: Tensor): () => void {
  const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  return () => void trainEpoch(model, [[x, y]], opt, { accuracy: false, disposeBatches: false });
}

function workload(name: string): { fn: () => void; reps: number } {
  manualSeed(0);
  const eeg = { nChans: 22, nOutputs: 4, nTimes: 1125 };
  switch (name) {
    case 'lenet':
      return { fn: trainStep(new LeNet(), randn([64, 1, 28, 28]), randint(0, 10, [64])), reps: 50 };
    case 'lenet-b256':
      return { fn: trainStep(new LeNet(), randn([256, 1, 28, 28]), randint(0, 10, [256])), reps: 12 };
    case 'lenet-b1': {
      const m = new LeNet().eval();
      const x = randn([1, 1, 28, 28]);
      return { fn: () => noGrad(() => tidy(() => void m.call(x))), reps: 2000 };
    }
    case 'shallow-b1': {
      const m = new ShallowFBCSPNet(eeg).eval();
      const x = randn([1, 22, 1125]);
      return { fn: () => noGrad(() => tidy(() => void m.call(x))), reps: 200 };
    }
    case 'deep4':
      return { fn: trainStep(new Deep4Net(eeg), randn([64, 22, 1125]), randint(0, 4, [64])), reps: 5 };
    case 'eegnet':
      return { fn: trainStep(new EEGNet(eeg), randn([64, 22, 1125]), randint(0, 4, [64])), reps: 5 };
    default:
      throw new Error(`bench:profile: unknown workload '${name}' (lenet, lenet-b256, lenet-b1, shallow-b1, deep4, eegnet, gemm)`);
  }
}

/**
 * `gemm`: GFLOP/s of the backend's matmul on the calling thread at LeNet's and ShallowFBCSPNet's
 * GEMM shapes and at 512³, from the median CPU time of repeated calls (the CPU clock, unlike the
 * wall clock, does not count time other processes hold the core). Set DENDRITE_NUM_THREADS=1 for
 * the per-core rate. `[M, N, K, transposeA, transposeB]`: LeNet b64's forward, input-gradient
 * and weight-gradient products of its folded conv2 and fc1, and a Shallow b64 classifier-sized
 * product.
 */
function gemm(): void {
  const shapes: [number, number, number, boolean, boolean][] = [
    [16, 6400, 150, false, false], [150, 6400, 16, true, false], [16, 150, 6400, false, true],
    [64, 120, 400, false, true], [120, 400, 64, true, false], [64, 400, 120, false, false],
    [40, 4096, 440, false, false], [128, 128, 128, false, false], [256, 256, 256, false, false], [512, 512, 512, false, false],
  ];
  const be = backend();
  for (const [M, N, K, ta, tb] of shapes) {
    const a = randn(ta ? [K, M] : [M, K]);
    const b = randn(tb ? [N, K] : [K, N]);
    const c = randn([M, N]);
    const ar = { off: a.offset, sb: 0, sr: ta ? 1 : K, sc: ta ? M : 1 };
    const br = { off: b.offset, sb: 0, sr: tb ? 1 : N, sc: tb ? K : 1 };
    const cr = { off: c.offset, sb: 0, sr: N, sc: 1 };
    const flops = 2 * M * N * K;
    const reps = Math.max(5, Math.min(200, Math.round(2e9 / flops)));
    const times: number[] = [];
    for (let i = 0; i < reps + 3; i++) {
      const c0 = cpuMs();
      be.matmul('float32', 1, M, N, K, ar, br, cr, 0);
      if (i >= 3) times.push(cpuMs() - c0);
    }
    times.sort((x, y) => x - y);
    const ms = times[times.length >> 1]!;
    const best = times[0]!;
    const tag = `${M}×${N}×${K}${ta ? ' Aᵀ' : ''}${tb ? ' Bᵀ' : ''}`;
    console.log(`  ${tag.padEnd(22)} median ${(flops / (ms / 1000) / 1e9).toFixed(1).padStart(6)} GFLOP/s  best ${(flops / (best / 1000) / 1e9).toFixed(1).padStart(6)} GFLOP/s  (${reps} calls)`);
    a.dispose(); b.dispose(); c.dispose();
  }
}

function main(): void {
  const name = process.argv[2] ?? 'lenet';
  if (name === 'gemm') {
    console.log(`gemm on ${backend().name} (${backend().threads ?? 1} threads), CPU-time rates:`);
    return gemm();
  }
  const { fn, reps } = workload(name);
  instrument();
  for (let i = 0; i < Math.max(3, reps / 10); i++) fn();
  table.clear();
  // per call: wall and CPU time, the CPU time outside the backend, tensor handles made
  const steps: { wall: number; cpu: number; js: number; handles: number }[] = [];
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) {
    const w0 = performance.now();
    const c0 = cpuMs();
    const k0 = kernelCpu;
    const s0 = nextSerial();
    fn();
    const cpu = cpuMs() - c0;
    steps.push({ wall: performance.now() - w0, cpu, js: cpu - (kernelCpu - k0), handles: nextSerial() - s0 });
  }
  const total = (performance.now() - t0) / reps;
  const rows = [...table.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;
  const inKernels = rows.reduce((s, [, e]) => s + e.ms, 0) / reps;
  const us = (ms: number) => `${(ms * 1000).toFixed(ms < 0.1 ? 1 : 0)} µs`;
  console.log(`${name}: ${us(total)} per call on ${backend().name} (${backend().threads ?? 1} threads); backend primitives ${us(inKernels)} (${((100 * inKernels) / total).toFixed(0)} %), the rest JS`);
  const stepMedian = (k: 'wall' | 'cpu' | 'js' | 'handles') => median(steps.map((st) => st[k]));
  console.log(`  median per call: wall ${us(stepMedian('wall'))}, CPU ${us(stepMedian('cpu'))}, CPU outside the backend ${us(stepMedian('js'))}; ${stepMedian('handles')} tensor handles`);
  for (const [tag, e] of rows) {
    const per = e.ms / reps;
    if (per < 0.002 * total) continue;
    const rate = e.flops > 0 ? `  ${(e.flops / (e.ms / 1000) / 1e9).toFixed(1)} GFLOP/s` : '';
    // the median call shows a kernel's own cost; a mean far above it, the stalls of a shared machine
    const med = (median(e.samples) * e.calls) / reps;
    console.log(`  ${tag.padEnd(36)} ${us(per).padStart(10)}  ${((100 * per) / total).toFixed(1).padStart(5)} %  ×${(e.calls / reps).toFixed(0)}  median ${us(med)}${rate}`);
  }
}

main();
process.exit(0);
