// One small training run, the same in Node, in a Node bundle and in a browser page: a conv net
// on fixed random data (seeded), a few SGD steps. Large enough that the conv and its gradients
// split across threads (above the pool's 2^19 multiply-add threshold).
import type * as Dendrite from '../../src/index.js';

export interface FixtureResult {
  losses: number[];
  /** Threads taking tasks once the pool had started (the caller included). */
  threads: number;
  /** Kernel tasks run by worker threads during training. */
  workerTasks: number;
  sharedMemory: boolean;
  backend: string;
}

export async function trainFixture(D: typeof Dendrite, threads: number, steps = 6): Promise<FixtureResult> {
  D.setNumThreads(threads);
  D.setBackend('wasm');
  const ready = await D.threadsReady();
  const tasks0 = D.workerTaskCount();
  D.manualSeed(1234);
  const model = new D.nn.Sequential(
    new D.nn.Conv2d(1, 8, 5),
    new D.nn.ReLU(),
    new D.nn.MaxPool2d(2),
    new D.nn.Flatten(),
    new D.nn.Linear(8 * 12 * 12, 4),
  );
  const x = D.randn([32, 1, 28, 28]);
  const y = D.randint(0, 4, [32]);
  const opt = new D.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const loss = D.tidy(() => {
      opt.zeroGrad();
      const l = D.F.crossEntropy(model.call(x), y);
      l.backward();
      opt.step();
      return l;
    });
    losses.push(loss.item());
    loss.dispose();
  }
  return { losses, threads: ready, workerTasks: D.workerTaskCount() - tasks0, sharedMemory: D.heap().shared, backend: D.backend().name };
}
