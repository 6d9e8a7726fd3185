// dendrite's webgpu backend against dendrite's CPU backend and PyTorch (CUDA where it has a GPU,
// else CPU) in one run: SGEMM n³ (4096 on a GPU; 512 by default on lavapipe, --gemm N), LeNet
// training at batch 256 (SGD-momentum) and ShallowFBCSPNet training at batch 64 (22 ch × 1125
// samples, 4 classes, Adam). Each figure is the median of REPS timed rounds after a warm-up; a
// webgpu round ends when the last step's loss has been read back. Prints one table with ratios.
// On lavapipe (a CPU Vulkan driver) the webgpu timings are a smoke check only.
// A second table times webgpu's convolution paths against each other in the same run: implicit
// GEMM (the backend's own kernels) and im2col + GEMM (the same backend with its implicit-GEMM
// entry points hidden, so ops/conv unfolds columns as before): LeNet b256 training and the
// forward of LeNet's conv1 and conv2 at b256. `--only conv` runs that table alone.
// On a machine with a GPU: scripts/device_webgpu.sh sets up the Vulkan loader and runs this.
//   node dist/bench/webgpu.js [--gemm 4096] [--reps 5] [--steps 10] [--only conv]

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { backend, conv2d, crossEntropy, optim, randn, randint, matmul, setBackend, manualSeed, tidy, type Tensor } from '../src/index.js';
import { initWebGpu, webgpuSync } from '../src/kernels/index.js';
import { LeNet } from '../src/models/lenet.js';
import { ShallowFBCSPNet } from '../src/models/shallow_fbcsp.js';
import type { Module } from '../src/nn/module.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const REPS = opt('reps', 5);
const STEPS = opt('steps', 5);

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timeIt(f: () => Promise<void>): Promise<number> {
  await f(); // warm-up: pipelines compiled, memory grown
  const ts: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now();
    await f();
    ts.push((performance.now() - t0) / 1000);
  }
  return median(ts);
}

/** Seconds per n×n×n product on the active backend. */
async function gemm(n: number): Promise<number> {
  const a = randn([n, n]), b = randn([n, n]);
  const s = await timeIt(async () => {
    const c = matmul(a, b);
    await c.data();
    c.dispose();
  });
  a.dispose();
  b.dispose();
  return s;
}

/** Examples per second of STEPS training steps on the active backend. */
async function training(make: () => Module, shape: number[], classes: number, adam: boolean): Promise<number> {
  manualSeed(0);
  const model = make();
  const o = adam ? new optim.Adam(model.parameters(), { lr: 1e-3 }) : new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = randn(shape);
  const y = randint(0, classes, [shape[0]!]);
  const s = await timeIt(async () => {
    let loss: Tensor | null = null;
    for (let k = 0; k < STEPS; k++) {
      loss?.dispose();
      // tidy frees the step's intermediates at once (device memory is not left to the GC)
      loss = tidy(() => {
        o.zeroGrad();
        const l = crossEntropy(model.call(x), y);
        l.backward();
        o.step();
        return l;
      });
    }
    await loss!.data();
    loss!.dispose();
  });
  return (STEPS * shape[0]!) / s;
}

const PY = /* python */ `
import json, sys, time, torch, torch.nn as nn, torch.nn.functional as F
dev = 'cuda' if torch.cuda.is_available() else 'cpu'
n, steps, reps = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
def sync():
    if dev == 'cuda': torch.cuda.synchronize()
def timeit(f):
    f(); sync(); ts = []
    for _ in range(reps):
        t0 = time.perf_counter(); f(); sync(); ts.append(time.perf_counter() - t0)
    return sorted(ts)[len(ts) // 2]
a = torch.randn(n, n, device=dev); b = torch.randn(n, n, device=dev)
g = timeit(lambda: a @ b)
class LeNet(nn.Module):
    def __init__(s):
        super().__init__(); s.c1 = nn.Conv2d(1, 6, 5, padding=2); s.c2 = nn.Conv2d(6, 16, 5)
        s.f1 = nn.Linear(400, 120); s.f2 = nn.Linear(120, 84); s.f3 = nn.Linear(84, 10)
    def forward(s, x):
        x = F.max_pool2d(F.relu(s.c1(x)), 2); x = F.max_pool2d(F.relu(s.c2(x)), 2)
        return s.f3(F.relu(s.f2(F.relu(s.f1(x.flatten(1))))))
class Shallow(nn.Module):
    def __init__(s):
        super().__init__(); s.t = nn.Conv2d(1, 40, (25, 1)); s.s = nn.Conv2d(40, 40, (1, 22), bias=False)
        s.bn = nn.BatchNorm2d(40); s.pool = nn.AvgPool2d((75, 1), (15, 1)); s.cls = nn.Conv2d(40, 4, (69, 1))
    def forward(s, x):
        x = s.s(s.t(x.unsqueeze(1).permute(0, 1, 3, 2)))
        x = torch.log(torch.clamp(s.pool(s.bn(x) ** 2), min=1e-6))
        return s.cls(x).flatten(1)
def train(model, shape, classes, adam):
    model = model.to(dev); x = torch.randn(*shape, device=dev); y = torch.randint(0, classes, (shape[0],), device=dev)
    o = torch.optim.Adam(model.parameters(), 1e-3) if adam else torch.optim.SGD(model.parameters(), 0.01, momentum=0.9)
    def run():
        for _ in range(steps):
            o.zero_grad(); l = F.cross_entropy(model(x), y); l.backward(); o.step()
        l.item()
    return steps * shape[0] / timeit(run)
print(json.dumps({'device': dev, 'gemm': g, 'lenet': train(LeNet(), (256, 1, 28, 28), 10, False),
                  'shallow': train(Shallow(), (int(sys.argv[4]), 22, 1125), 4, True)}))
`;

function pytorch(n: number): { device: string; gemm: number; lenet: number; shallow: number } | string {
  const py = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const r = spawnSync(py, ['-c', PY, String(n), String(STEPS), String(REPS), String(SB)], { encoding: 'utf8', timeout: 900_000 });
  if (r.status !== 0) return `PyTorch did not run: ${(r.stderr || String(r.error)).trim().split('\n').pop()}`;
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { device: string; gemm: number; lenet: number; shallow: number };
}

const info = await initWebGpu({ select: false });
const onGpu = !/llvmpipe|lavapipe|swiftshader/i.test(info.adapter);
const N = opt('gemm', onGpu ? 4096 : 512);
// lavapipe binds at most 128 MiB: ShallowFBCSPNet's batch shrinks there unless given
const SB = opt('shallow-batch', onGpu ? 64 : 16);
console.log(`adapter: ${info.adapter}${onGpu ? '' : ' (a CPU driver: webgpu figures are a smoke check only)'}`);

const lenet = () => new LeNet();

/** f run on webgpu with its implicit-GEMM conv entry points hidden: ops/conv then takes im2col + GEMM. */
async function im2colPath<T>(f: () => Promise<T>): Promise<T> {
  const be = backend() as unknown as Record<string, unknown>;
  const keys = ['convImplicit', 'convImplicitBackwardInput', 'convImplicitWeightGrad'];
  const saved = keys.map((k) => be[k]);
  for (const k of keys) delete be[k];
  try {
    return await f();
  } finally {
    keys.forEach((k, i) => (be[k] = saved[i]));
  }
}

/** Images per second of STEPS conv2d forwards (no gradients) of x (B, C, H, W) by O k×k filters. */
async function convForward(shape: number[], O: number, k: number, padding: number): Promise<number> {
  manualSeed(0);
  const x = randn(shape), w = randn([O, shape[1]!, k, k]), b = randn([O]);
  const s = await timeIt(async () => {
    let y: Tensor | null = null;
    for (let i = 0; i < STEPS; i++) {
      y?.dispose();
      y = conv2d(x, w, b, { padding });
    }
    await y!.data();
    y!.dispose();
  });
  for (const t of [x, w, b]) t.dispose();
  return (STEPS * shape[0]!) / s;
}

/** The second table: webgpu's convolution paths side by side. */
async function convTable(): Promise<void> {
  setBackend('webgpu');
  const convRows: [string, () => Promise<number>][] = [
    ['LeNet b256 train ex/s', () => training(lenet, [256, 1, 28, 28], 10, false)],
    ['conv2d fwd LeNet conv1 b256 (1→6, 5×5, pad 2) img/s', () => convForward([256, 1, 28, 28], 6, 5, 2)],
    ['conv2d fwd LeNet conv2 b256 (6→16, 5×5) img/s', () => convForward([256, 6, 14, 14], 16, 5, 0)],
  ];
  console.log('| workload | webgpu implicit GEMM | webgpu im2col + GEMM | implicit/im2col |');
  console.log('|---|---|---|---|');
  for (const [label, f] of convRows) {
    const implicit = await f();
    const unfolded = await im2colPath(f);
    console.log(`| ${label} | ${implicit.toFixed(0)} | ${unfolded.toFixed(0)} | ${(implicit / unfolded).toFixed(2)} |`);
  }
}

if (args.includes('--only') && args[args.indexOf('--only') + 1] === 'conv') {
  await convTable();
  process.exit(0);
}

const rows: [string, string, number[]][] = [];
const shallow = () => new ShallowFBCSPNet({ nChans: 22, nOutputs: 4, nTimes: 1125, dropProb: 0 });
const results: Record<string, { gpu: number; cpu: number }> = {};
for (const [name, be] of [['gpu', 'webgpu'], ['cpu', 'wasm']] as const) {
  setBackend(be);
  const cpuGemm = be === 'wasm' ? Math.min(N, 1024) : N;
  const g = await gemm(cpuGemm);
  const flops = (2 * cpuGemm ** 3) / g / 1e12;
  const l = await training(lenet, [256, 1, 28, 28], 10, false);
  const s = await training(shallow, [SB, 22, 1125], 4, true);
  if (be === 'webgpu') await webgpuSync();
  for (const [k, v] of [['gemm', flops], ['lenet', l], ['shallow', s]] as const) (results[k] ??= { gpu: 0, cpu: 0 })[name] = v;
}
setBackend('wasm');
const torch = pytorch(N);
const unit = { gemm: `SGEMM ${N}³ TFLOP/s`, lenet: 'LeNet b256 train ex/s', shallow: `ShallowFBCSPNet b${SB} train ex/s` } as const;
const torchFig = (k: 'gemm' | 'lenet' | 'shallow'): number => (typeof torch === 'string' ? NaN : k === 'gemm' ? (2 * N ** 3) / torch.gemm / 1e12 : torch[k]);
for (const k of ['gemm', 'lenet', 'shallow'] as const) rows.push([unit[k], '', [results[k]!.gpu, results[k]!.cpu, torchFig(k)]]);
const peer = typeof torch === 'string' ? torch : `PyTorch ${torch.device}`;
console.log(`| workload | dendrite webgpu | dendrite CPU (wasm) | ${typeof torch === 'string' ? 'PyTorch' : peer} | webgpu/CPU | webgpu/PyTorch |`);
console.log('|---|---|---|---|---|---|');
const f = (v: number) => (Number.isNaN(v) ? '–' : v >= 100 ? v.toFixed(0) : v.toPrecision(3));
for (const [label, , [g, c, p]] of rows) console.log(`| ${label} | ${f(g!)} | ${f(c!)} | ${f(p!)} | ${f(g! / c!)} | ${f(g! / p!)} |`);
if (typeof torch === 'string') console.log(torch);
console.log('(the CPU SGEMM runs at min(N, 1024)³; its TFLOP/s compare directly)');
console.log('');
await convTable();
process.exit(0);
