// A data-parallel replica in a worker thread: its own dendrite instance (own wasm memory, its own
// kernel pool of `threads` threads), its own model and optimizer, built from the specs and
// loaded with replica 0's weights. It then serves replica 0's commands from the control block
// (protocol.ts) until told to stop; input buffers and state requests travel on its port, read
// synchronously, so the loop never returns to the event loop while training.

import { isMainThread, parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { setNumThreads } from '../../kernels/wasm/index.js';
import { selectHostBackend } from '../../kernels/registry.js';
import { Tensor, tidy } from '../../tensor/tensor.js';
import { tensor } from '../../tensor/creation.js';
import { manualSeed } from '../../tensor/random.js';
import {
  Aborted, BATCH, CMD, CMD_STATE, CMD_STEP, CMD_STOP, COUNT_CORRECT, fail, GEN, INPUT_EPOCH, SEQ, shardSizes, writeMessage,
  X_DIMS, X_NDIM, Y_DIMS, Y_KIND, Y_NDIM, SpinBudget, arrive, type SharedBlocks,
} from './protocol.js';
import { buildReplica, type LossName, type ModelSpec, type OptimizerSpec } from './replica_spec.js';
import { ReplicaStep, type Layout } from './replica_step.js';

export interface ReplicaInit {
  replica: number;
  spec: { model: ModelSpec; optimizer: OptimizerSpec; loss: LossName };
  blocks: SharedBlocks;
  layout: Layout;
  /** Replica 0's state dict: key → [values, shape, dtype]. */
  state: Record<string, [Float32Array | Int32Array, number[], 'float32' | 'int32']>;
  threads: number;
  seed: number;
  spinMs: number;
  timeoutMs: number;
  port: MessagePort;
}

/** Replica state as it travels: key → [values, shape, dtype]. */
export type WireState = ReplicaInit['state'];

export function toWire(sd: Record<string, Tensor>): WireState {
  const out: WireState = {};
  for (const [k, t] of Object.entries(sd)) {
    if (t.dtype === 'float64') throw new Error(`DataParallel: state ${k} is float64`);
    out[k] = [t.dataSync() as Float32Array | Int32Array, [...t.shape], t.dtype];
  }
  return out;
}

function fromWire(w: WireState): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [k, [v, shape, dtype]] of Object.entries(w)) out[k] = tensor(v, { dtype, shape });
  return out;
}

function dims(c: Int32Array, at: number, n: number): number[] {
  return Array.from(c.subarray(at, at + n));
}

async function main(init: ReplicaInit): Promise<void> {
  const { replica: r, blocks, layout, port } = init;
  const c = new Int32Array(blocks.control);
  // a replica that ends any other way than by CMD_STOP (process.exit in a model's code) says so
  let stopped = false;
  process.on('exit', (code) => {
    if (stopped) return;
    writeMessage(blocks.messages, r, `the worker thread exited (code ${code})`);
    fail(c, r, 2);
  });
  let step: ReplicaStep;
  const spin = new SpinBudget(init.spinMs);
  // waits for the next command apart: a pause between epochs says nothing about the barriers
  const idle = new SpinBudget(init.spinMs);
  try {
    // a replica trains in host memory even where DENDRITE_BACKEND=webgpu is inherited
    selectHostBackend();
    setNumThreads(init.threads);
    const rep = await buildReplica(init.spec, r, layout.replicas);
    tidy(() => void rep.model.loadStateDict(fromWire(init.state)));
    manualSeed(init.seed + r);
    step = new ReplicaStep(r, rep, blocks, layout, { replicas: layout.replicas, spin, timeoutMs: init.timeoutMs });
  } catch (e) {
    stopped = true;
    parentPort!.postMessage({ ready: false, error: `${(e as Error).name}: ${(e as Error).message}` });
    return;
  }
  // read before saying ready: replica 0 posts its first command as soon as it hears
  let gen = Atomics.load(c, GEN);
  parentPort!.postMessage({ ready: true });
  let input: SharedArrayBuffer | null = null;
  let epoch = 0;
  let steps = 0;
  for (;;) {
    // spin briefly for the next command (steps come back to back), then sleep
    const t0 = performance.now();
    let slept = false;
    for (let i = 1; Atomics.load(c, GEN) === gen; i++) {
      if ((i & 255) === 0 && performance.now() - t0 > idle.ms) {
        slept = true;
        Atomics.wait(c, GEN, gen, 1000);
      }
    }
    if (slept) idle.miss();
    else idle.hit();
    gen = Atomics.load(c, GEN);
    const cmd = c[CMD];
    if (cmd === CMD_STOP) break;
    const seq = c[SEQ]!;
    try {
      if (cmd === CMD_STATE) {
        port.postMessage(toWire(step.rep.model.stateDict()));
        arrive(c, r, seq + 1);
        continue;
      }
      if (cmd !== CMD_STEP) throw new Error(`unknown command ${cmd}`);
      if (c[INPUT_EPOCH] !== epoch) {
        for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) input = (m.message as { input: SharedArrayBuffer }).input;
        epoch = c[INPUT_EPOCH]!;
      }
      const batch = c[BATCH]!;
      const sizes = shardSizes(batch, layout.replicas);
      const xd = dims(c, X_DIMS, c[X_NDIM]!);
      const yd = dims(c, Y_DIMS, c[Y_NDIM]!);
      const xRow = xd.reduce((a, b) => a * b, 1);
      const yRow = yd.reduce((a, b) => a * b, 1);
      const rest = batch - sizes[0]!;
      let before = 0;
      for (let k = 1; k < r; k++) before += sizes[k]!;
      const n = sizes[r]!;
      const xs = new Float32Array(input!, before * xRow * 4, n * xRow);
      const yAt = (rest * xRow + before * yRow) * 4;
      const yInt = c[Y_KIND] === 0;
      const x = Tensor.fromFn([n, ...xd], 'float32', (o) => o.set(xs), 'DataParallel');
      const y = yInt
        ? Tensor.fromFn([n, ...yd], 'int32', (o) => o.set(new Int32Array(input!, yAt, n * yRow)), 'DataParallel')
        : Tensor.fromFn([n, ...yd], 'float32', (o) => o.set(new Float32Array(input!, yAt, n * yRow)), 'DataParallel');
      try {
        step.run(x, y, batch, seq, c[COUNT_CORRECT] === 1, ++steps);
      } finally {
        x.dispose();
        y.dispose();
      }
    } catch (e) {
      if (e instanceof Aborted) break;
      writeMessage(blocks.messages, r, `${(e as Error).name}: ${(e as Error).message}`);
      stopped = true;
      fail(c, r, 1);
      return;
    }
  }
  stopped = true;
  port.close();
}

if (!isMainThread && (workerData as { dendriteReplica?: boolean } | null)?.dendriteReplica) {
  await main((workerData as { init: ReplicaInit }).init);
}
