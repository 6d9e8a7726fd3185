// LeNet training steps shared by Node (CPU reference backend) and the Chromium page (webgpu):
// the same initial weights and batch, SGD with momentum, the loss of every step read back
// asynchronously (the only read a GPU tensor allows) and the parameters after the last step.
// Browser-safe: imports only the library's browser floors.
import { crossEntropy, optim, setBackend, tensor } from '../../src/index.js';
import { LeNet } from '../../src/models/lenet.js';

export const BATCH = 8;
export const STEPS = 3;

export interface LeNetInput {
  /** Initial values of LeNet's parameters, in parameters() order. */
  init: number[][];
  /** One batch, trained on for STEPS steps (so the loss must fall): BATCH×1×28×28 pixels and BATCH labels. */
  x: number[];
  y: number[];
}

export interface LeNetRun {
  losses: number[];
  /** What `counter` counted over the training steps (the final parameter reads left out). */
  counted: number;
  /** Wall time of each step, its loss read included (ms). */
  stepMs: number[];
  params: number[][];
}

export async function trainLeNet(backendName: string, input: LeNetInput, counter: () => number = () => 0): Promise<LeNetRun> {
  setBackend(backendName);
  const model = new LeNet();
  const params = model.parameters();
  params.forEach((p, i) => p.writeSync(Float32Array.from(input.init[i]!)));
  const opt = new optim.SGD(params, { lr: 0.05, momentum: 0.9 });
  const losses: number[] = [];
  const x = tensor(Float32Array.from(input.x), { shape: [BATCH, 1, 28, 28] });
  const y = tensor(Int32Array.from(input.y), { shape: [BATCH], dtype: 'int32' });
  const before = counter();
  const stepMs: number[] = [];
  for (let s = 0; s < STEPS; s++) {
    const t0 = performance.now();
    opt.zeroGrad();
    const loss = crossEntropy(model.call(x), y);
    loss.backward();
    opt.step();
    losses.push((await loss.data())[0]!);
    stepMs.push(performance.now() - t0);
    loss.dispose();
  }
  const counted = counter() - before;
  x.dispose();
  y.dispose();
  const out: number[][] = [];
  for (const p of params) out.push(Array.from(await p.data()));
  return { losses, counted, stepMs, params: out };
}
