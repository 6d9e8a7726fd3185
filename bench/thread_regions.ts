// `node dist/bench/thread_regions.js [threads=2] [batch=64] [solo]`: where a LeNet training step's
// parallel regions spend their time at a thread count, per kernel (region time per step, in µs),
// and how many of the tasks the workers took. With `solo` every region runs on the calling thread
// with the work split as at that thread count (its one-thread time); comparing the two runs shows
// which regions gain from the second thread and which do not. Run both in alternation on a quiet
// machine: with more runnable threads than cores the workers miss most regions. STEPS=n sets the
// timed steps (300).

import { manualSeed, optim, randint, randn, setNumThreads, threadsReady } from '../src/index.js';
import { LeNet } from '../src/models/lenet.js';
import { trainEpoch } from '../src/decode/trainer.js';
import { ThreadPool } from '../src/kernels/pool/pool.js';
import { Backoff } from '../src/kernels/pool/backoff.js';
import { TASKS } from '../src/kernels/wasm/kernels.js';

const T = Number(process.argv[2] ?? 2);
const B = Number(process.argv[3] ?? 64);
if (process.argv[4] === 'solo') Backoff.prototype.useWorkers = () => false;
setNumThreads(T);
randn([1]).dispose();
await threadsReady();

const acc = new Map<string, { ms: number; n: number; tasks: number; worker: number }>();
let solo = 0;
const run = ThreadPool.prototype.run;
ThreadPool.prototype.run = function (this: ThreadPool, t: (readonly number[] | null)[]): void {
  if (this.backoff.soloLeft > 0) solo++;
  const w0 = this.workerTasks();
  const t0 = performance.now();
  run.call(this, t);
  const dt = performance.now() - t0;
  const f = t.find((x) => x)!;
  const name = (TASKS as readonly string[])[f[0]!]!;
  // a GEMM by its first task's shape (rows × columns × depth): tells the layers apart
  const key = name === 'sgemm' ? `sgemm ${f.slice(2, 5).join('×')} ×${t.length}` : `${name} ×${t.length}`;
  const a = acc.get(key) ?? { ms: 0, n: 0, tasks: 0, worker: 0 };
  a.ms += dt;
  a.n++;
  a.tasks += t.length;
  a.worker += this.workerTasks() - w0;
  acc.set(key, a);
};

manualSeed(0);
const model = new LeNet();
const x = randn([B, 1, 28, 28]);
const y = randint(0, 10, [B]);
const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
const step = (): void => void trainEpoch(model, [[x, y]], opt, { accuracy: false, disposeBatches: false });
for (let i = 0; i < 100; i++) step();
acc.clear();
solo = 0;
const N = Number(process.env.STEPS ?? 300);
const t0 = performance.now();
for (let i = 0; i < N; i++) step();
const total = ((performance.now() - t0) / N) * 1000;
let inside = 0;
let tasks = 0;
let worker = 0;
let regions = 0;
const rows = [...acc.entries()].sort((p, q) => q[1].ms - p[1].ms).map(([k, v]) => {
  inside += v.ms;
  tasks += v.tasks;
  worker += v.worker;
  regions += v.n;
  return `${k.padEnd(24)} ${((v.ms / N) * 1000).toFixed(0).padStart(6)} µs  ${(v.n / N).toFixed(1)}/step  worker took ${((100 * v.worker) / v.tasks).toFixed(0)} %`;
});
console.log(`LeNet b${B} at ${T} threads${process.argv[4] === 'solo' ? ' (solo: split as at T, run on the caller)' : ''}: step ${total.toFixed(0)} µs, in regions ${((inside / N) * 1000).toFixed(0)} µs, ${(regions / N).toFixed(0)} regions/step, worker took ${((100 * worker) / Math.max(1, tasks)).toFixed(1)} % of tasks, ${((100 * solo) / Math.max(1, regions)).toFixed(1)} % solo (backoff)`);
for (const r of rows) console.log(r);
process.exit(0);
