// The worker pool splits GEMM, im2col/col2im and max pooling by batch, rows or columns; every
// output element is computed in the same order as on one thread, so results must be identical.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, setBackend, setNumThreads, backend, threadsReady, workerTaskCount, randn, conv2d, maxPool2d, matmul, manualSeed, add, mul, sub, relu, exp, batchNorm, type Tensor } from '../../src/index.js';
import { supportedBuilds } from '../../src/kernels/wasm/loader.js';
import { noGrad, tidy, sum, reshape, optim } from '../../src/index.js';
import { LeNet } from '../../src/models/lenet.js';

function run(threads: number, build: string, f: () => Tensor[]): Float32Array[] {
  setNumThreads(threads);
  setBackend(`wasm-${build}`);
  assert.equal(backend().threads, threads);
  manualSeed(11);
  return f().map((t) => t.dataSync() as Float32Array);
}

function workload(): Tensor[] {
  const x = randn([8, 3, 20, 22], { requiresGrad: true });
  const w = randn([10, 3, 5, 4], { requiresGrad: true });
  const y = maxPool2d(conv2d(x, w, null, { padding: 1 }), 2);
  y.backward(randn([...y.shape]));
  // direct convolution: images split across threads, the weight gradient summed in fixed chunks
  const x1 = randn([21, 1, 28, 28], { requiresGrad: true });
  const w1 = randn([6, 1, 5, 5], { requiresGrad: true });
  const y1 = conv2d(x1, w1, null, { padding: 2 });
  y1.backward(randn([...y1.shape]));
  // batch norm over (8, 16, 1100): channels split across threads
  const xb = randn([8, 16, 1100], { requiresGrad: true });
  const wb = randn([16], { requiresGrad: true });
  const yb = batchNorm(xb, null, null, wb, null, { training: true });
  yb.backward(randn([...yb.shape]));
  // FFT row convolution (ShallowFBCSPNet's first layer): one image split by output groups, three by images
  const wf = randn([40, 1, 25, 22]);
  const bf = randn([40]);
  const f1 = conv2d(randn([1, 1, 700, 22]), wf, bf);
  const f3 = conv2d(randn([3, 1, 700, 22]), wf, bf);
  const a = randn([3, 70, 90]);
  const b = randn([90, 130]);
  const c = randn([130, 50]);
  // elementwise kernels split across threads above 65 536 elements (with broadcasting)
  const u = randn([64, 33, 40]);
  const v = randn([33, 1]);
  const big = [add(u, v), mul(u, u.permute(0, 2, 1).contiguous().permute(0, 2, 1)), relu(u), exp(mul(u, 0.1)), sub(v, u)];
  return [y, x.grad!, w.grad!, y1, w1.grad!, x1.grad!, yb, xb.grad!, wb.grad!, matmul(a, b), matmul(matmul(a, b), c), matmul(b.transpose(0, 1), a.transpose(1, 2)), f1, f3, ...big];
}

for (const build of supportedBuilds()) {
  test(`wasm-${build}: 2 threads give exactly the 1-thread results`, () => {
    const one = run(1, build, workload);
    const two = run(2, build, workload);
    one.forEach((v, i) => assert.deepEqual(two[i], v, `output ${i}`));
  });
}

// shapes that split into several tasks per thread (up to 4 per thread, taken from a queue by
// whichever thread is free): GEMM by rows, columns and batch, im2col/col2im, the direct
// convolution and its weight gradient, max pooling and the elementwise kernels
function queued(): Tensor[] {
  const rows = matmul(randn([256, 300]), randn([300, 200]));
  const cols = matmul(randn([16, 150]), randn([150, 6400]));
  const batched = matmul(randn([24, 30, 40]), randn([24, 40, 50]));
  const x = randn([64, 6, 14, 14], { requiresGrad: true });
  const w = randn([16, 6, 5, 5], { requiresGrad: true });
  const y = maxPool2d(relu(conv2d(x, w)), 2);
  y.backward(randn([...y.shape]));
  const x1 = randn([64, 1, 28, 28], { requiresGrad: true });
  const w1 = randn([6, 1, 5, 5], { requiresGrad: true });
  const y1 = maxPool2d(relu(conv2d(x1, w1, null, { padding: 2 })), 2);
  y1.backward(randn([...y1.shape]));
  const u = randn([64, 6, 28, 28]);
  // a bias gradient's sum: one independent row per (image, channel)
  const rowSums = sum(reshape(u, [384, 784]), 1);
  // SGD with momentum over 50 000 elements, split in whole vectors
  const p = randn([50_001], { requiresGrad: true });
  const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.9 });
  for (let i = 0; i < 2; i++) {
    opt.zeroGrad();
    sum(mul(p, p)).backward();
    opt.step();
  }
  return [rows, cols, batched, y, x.grad!, w.grad!, y1, x1.grad!, w1.grad!, add(u, randn([6, 1, 1])), relu(u), rowSums, p.detach()];
}

for (const build of supportedBuilds()) {
  test(`wasm-${build}: splits into several tasks per thread give exactly the 1-thread results at 2 and 3 threads`, () => {
    const one = run(1, build, queued);
    for (const threads of [2, 3]) {
      const many = run(threads, build, queued);
      one.forEach((v, i) => assert.deepEqual(many[i], v, `${threads} threads, output ${i}`));
    }
  });
}

test('batch-1 LeNet inference stays on the calling thread at 2 threads (a dispatch would cost more than its share)', async () => {
  setNumThreads(2);
  setBackend('wasm');
  assert.equal(await threadsReady(), 2);
  manualSeed(3);
  const m = new LeNet().eval();
  const x = randn([1, 1, 28, 28]);
  const before = workerTaskCount();
  for (let i = 0; i < 20; i++) noGrad(() => tidy(() => void m.call(x)));
  assert.equal(workerTaskCount(), before, 'a batch-1 forward pass dispatched work to the worker');
  // while batch 64 does use the worker (so the count above can move)
  const xb = randn([64, 1, 28, 28]);
  for (let i = 0; i < 20 && workerTaskCount() === before; i++) noGrad(() => tidy(() => void m.call(xb)));
  assert.ok(workerTaskCount() > before, 'batch 64 never reached the worker');
  setNumThreads(1);
});

test('setNumThreads after the first op moves the active backend to the new thread count', async () => {
  setBackend('wasm');
  randn([4]).dispose();
  setNumThreads(2);
  assert.equal(backend().threads, 2, 'the backend kept its old thread count');
  assert.equal(await threadsReady(), 2);
  const before = workerTaskCount();
  const a = randn([256, 256]);
  // on a loaded machine the caller may take every task of a few dispatches before the worker
  // wakes (the queue lets whoever is free take work), so allow up to 200 before failing
  for (let i = 0; i < 200 && workerTaskCount() === before; i++) matmul(a, a).dispose();
  assert.ok(workerTaskCount() > before, 'the worker ran no task in 200 dispatches');
  setNumThreads(1);
  assert.equal(backend().threads, 1);
  assert.equal(await threadsReady(), 1);
});

test('setNumThreads and setBackend refuse bad values with an ArgumentError naming them', () => {
  for (const n of [0, -1, 1.5, NaN]) assert.throws(() => setNumThreads(n), (e: unknown) => e instanceof ArgumentError && e.message.includes(`setNumThreads`) && e.message.includes(String(n)));
  assert.throws(() => setBackend('webgl'), (e: unknown) => e instanceof ArgumentError && e.message.includes("'webgl'"));
});
