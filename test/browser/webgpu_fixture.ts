// A few LeNet SGD steps on seeded data and weights, under whatever backend is active: the page
// runs it on webgpu, Node on the CPU, and the losses must agree.
import type * as Dendrite from '../../src/index.js';
import { LeNet } from '../../src/models/lenet.js';

export const STEPS = 3;
const BATCH = 8;

export async function lenetSteps(D: typeof Dendrite): Promise<number[]> {
  const g = new D.Generator(11);
  const model = new LeNet();
  for (const p of model.parameters()) p.writeSync(Float32Array.from({ length: p.numel }, () => (g.random() - 0.5) * 0.2));
  const opt = new D.optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const losses: number[] = [];
  for (let s = 0; s < STEPS; s++) {
    const x = D.tensor(Float32Array.from({ length: BATCH * 784 }, () => g.normal()), { shape: [BATCH, 1, 28, 28] });
    const y = D.tensor(Int32Array.from({ length: BATCH }, () => g.int(0, 10)), { shape: [BATCH] });
    opt.zeroGrad();
    const loss = D.crossEntropy(model.call(x), y);
    loss.backward();
    opt.step();
    losses.push((await loss.data())[0]!);
  }
  return losses;
}
