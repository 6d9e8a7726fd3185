// Data-parallel training across threads: N replicas of one model, the calling thread being
// replica 0 and each other a worker thread with its own dendrite instance (own wasm memory, a
// kernel pool of `threadsPerReplica` threads, 1 by default). Every replica builds the same model
// and optimizer from plain specs (replica_spec.ts), starts from replica 0's weights, and each
// step trains on its contiguous shard of the batch; gradients are all-reduced through shared
// memory in a fixed order (replica_step.ts), so all replicas take the identical optimizer step.
// Where per-op splitting of one step leaves a second core idle between small kernels, replicas
// each keep a core busy for a whole shard and meet only twice per step.
//
// Semantics, as PyTorch's DistributedDataParallel where it has them:
// - a shard's loss is its mean; gradients are weighted by shard size / batch size, so they are
//   those of the batch mean (up to float32 rounding: the sums run in another order than one
//   process's GEMMs, so results match a single-process run closely but not bit for bit);
// - BatchNorm normalises each shard with the shard's own statistics (as DDP without SyncBatchNorm);
//   its running statistics (every float32 buffer) are averaged over replicas each step with the
//   same weights, so every replica keeps the same buffers: the running mean is the batch's
//   mean, the running variance the shard variances' weighted mean;
//   the buffers are the model's at the start: a model must update them in place, as BatchNorm
//   does, not replace them;
// - random ops (dropout) draw from a generator per replica: replica r > 0 is seeded with
//   seed + r at start; replica 0 uses the calling thread's generator (manualSeed);
// - the lr (every numeric hyperparameter) of replica 0's optimizer is sent every step, so an lr
//   scheduler on `dp.optimizer` drives all replicas.
// Replicas × their kernel threads are capped at the machine's cores (os.availableParallelism(), or
// `maxReplicas`): each replica is a thread with its own wasm heap, and more threads than cores
// only contend for them.
// Failures never hang: a replica that throws, exits or misses a barrier for `timeoutMs` raises
// ReplicaError naming it, the group is shut down, and later calls raise at once.

import { availableParallelism } from 'node:os';
import { Worker, MessageChannel, receiveMessageOnPort, type MessagePort, type WorkerOptions } from 'node:worker_threads';
import { ArgumentError, DTypeError, ReplicaError, ShapeError } from '../../errors.js';
import { getNumThreads, setNumThreads } from '../../kernels/wasm/index.js';
import { tidy, type Tensor } from '../../tensor/tensor.js';
import { narrow } from '../../ops/movement.js';
import { copyInto } from '../../tensor/copy_into.js';
import type { Module } from '../../nn/module.js';
import type { Optimizer } from '../../optim/optimizer.js';
import type { BatchStepper } from '../../decode/trainer.js';
import {
  abort, BATCH, CMD, CMD_STATE, CMD_STEP, CMD_STOP, controlInts, COUNT_CORRECT, GEN, INPUT_EPOCH, MAX_DIMS, MESSAGE_BYTES, SEQ, shardSizes,
  X_DIMS, X_NDIM, Y_DIMS, Y_KIND, Y_NDIM, SpinBudget, arrive, awaitAll, readMessage, type SharedBlocks,
} from './protocol.js';
import { buildReplica, checkSpecs, type LossName, type ModelSpec, type OptimizerSpec } from './replica_spec.js';
import { layoutOf, ReplicaStep, vectorLength } from './replica_step.js';
import { toWire, type ReplicaInit, type WireState } from './replica_worker.js';

export interface DataParallelOptions {
  model: ModelSpec;
  optimizer: OptimizerSpec;
  /** Replicas, the calling thread included (≥ 1, ≤ maxReplicas). */
  replicas: number;
  /**
   * The most kernel threads in all, replicas × threadsPerReplica (default
   * os.availableParallelism(): each replica is a thread with its own wasm heap, and more threads
   * than cores only contend for them). Raise it on purpose only, e.g. to test a group larger
   * than a small machine.
   */
  maxReplicas?: number;
  /** The loss, by name (default crossEntropy): each shard's mean. */
  loss?: LossName;
  /** Kernel threads of each replica (default 1); the calling thread's count is set to it until close(). */
  threadsPerReplica?: number;
  /** Weights to start from (a state dict for replica 0's model); default: replica 0's fresh initialisation. */
  state?: Record<string, Tensor>;
  /** Replica r > 0 seeds its generator with seed + r (default 0). */
  seed?: number;
  /** Milliseconds a replica spins at most at a barrier (or for the next step) before sleeping (default 1; less while waits outlast it). */
  spinMs?: number;
  /** Milliseconds after which a replica missing at a barrier counts as hung (default 60 000). */
  timeoutMs?: number;
}

const op = 'DataParallel';

function positiveInt(name: string, v: unknown): number {
  if (!Number.isInteger(v) || (v as number) < 1) throw new ArgumentError(`${op}: ${name} must be a positive integer, got ${String(v)}`);
  return v as number;
}

/**
 * Starts replica r's thread. Workers inherit the Node options, but refuse --input-type (`node
 * --input-type=module -e ...`): then they get the options without it, or none where Node
 * refuses one of those in a worker (V8 flags such as --expose-gc).
 */
function startWorker(url: URL, opts: WorkerOptions): Worker {
  const a = process.execArgv;
  if (!a.some((x) => x.startsWith('--input-type'))) return new Worker(url, opts);
  const kept: string[] = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i] === '--input-type') i++;
    else if (!a[i]!.startsWith('--input-type=')) kept.push(a[i]!);
  }
  try {
    return new Worker(url, { ...opts, execArgv: kept });
  } catch (e) {
    if ((e as { code?: string }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw e;
    return new Worker(url, { ...opts, execArgv: [] });
  }
}

interface Handle {
  worker: Worker;
  port: MessagePort;
  exited: Promise<void>;
  /** Set when the thread has ended (its exit code), or its error, seen on the event loop. */
  gone: string | null;
}

export class DataParallel implements BatchStepper {
  private seq = 0;
  private steps = 0;
  private input: SharedArrayBuffer | null = null;
  private failure: Error | null = null;
  private closed = false;

  private constructor(
    private readonly step0: ReplicaStep,
    private readonly handles: Handle[],
    private readonly blocks: SharedBlocks,
    private readonly previousThreads: number,
    readonly replicas: number,
    /** Milliseconds after which a replica missing at a barrier counts as hung. */
    private readonly timeoutMs: number,
  ) {}

  /** Replica 0's model: the one to evaluate, save or read weights from. */
  get model(): Module {
    return this.step0.rep.model;
  }

  /** Replica 0's optimizer: schedulers act on it, and every replica follows its numeric hyperparameters. */
  get optimizer(): Optimizer<{ lr: number }> {
    return this.step0.rep.optimizer;
  }

  /** Builds the replicas (workers in parallel) and resolves once every one is ready. */
  static async create(o: DataParallelOptions): Promise<DataParallel> {
    const replicas = positiveInt('replicas', o.replicas);
    const cores = availableParallelism();
    const maxReplicas = positiveInt('maxReplicas', o.maxReplicas ?? cores);
    const threads = positiveInt('threadsPerReplica', o.threadsPerReplica ?? 1);
    // every replica runs `threads` kernel threads, so the cap counts threads, not replicas
    if (replicas * threads > maxReplicas) {
      const asked = threads === 1 ? `replicas ${replicas}` : `replicas ${replicas} × threadsPerReplica ${threads} = ${replicas * threads} threads`;
      throw new ArgumentError(`${op}: ${asked} exceeds ${o.maxReplicas === undefined ? `the ${cores} cores of this machine (os.availableParallelism())` : `maxReplicas ${maxReplicas}`}; each replica is a thread with its own wasm heap`);
    }
    const timeoutMs = o.timeoutMs ?? 60_000;
    const spinMs = o.spinMs ?? 1;
    if (!(timeoutMs > 0) || !(spinMs >= 0)) throw new ArgumentError(`${op}: timeoutMs must be > 0 and spinMs ≥ 0, got ${timeoutMs} and ${spinMs}`);
    const loss = o.loss ?? 'crossEntropy';
    checkSpecs(o.model, o.optimizer, loss);
    const spec = { model: o.model, optimizer: o.optimizer, loss };
    const previousThreads = getNumThreads();
    setNumThreads(threads);
    const handles: Handle[] = [];
    try {
      const rep0 = await buildReplica(spec, 0, replicas);
      if (o.state) tidy(() => void rep0.model.loadStateDict(o.state!));
      const layout = layoutOf(rep0, replicas);
      const length = vectorLength(layout);
      const hypers = layout.hyperKeys.reduce((a, k) => a + k.length, 0);
      const blocks: SharedBlocks = {
        control: new SharedArrayBuffer(controlInts(replicas) * 4),
        scalars: new SharedArrayBuffer((replicas + hypers) * 8),
        vectors: new SharedArrayBuffer((replicas + 1) * length * 4),
        flags: new SharedArrayBuffer(Math.max(1, 2 * replicas * layout.paramSizes.length) * 4),
        messages: new SharedArrayBuffer(replicas * MESSAGE_BYTES),
      };
      const step0 = new ReplicaStep(0, rep0, blocks, layout, { replicas, spin: new SpinBudget(spinMs), timeoutMs });
      const state = toWire(rep0.model.stateDict());
      const ready: Promise<void>[] = [];
      for (let r = 1; r < replicas; r++) {
        const { port1, port2 } = new MessageChannel();
        const init: ReplicaInit = { replica: r, spec, blocks, layout, state, threads, seed: o.seed ?? 0, spinMs, timeoutMs, port: port2 };
        const worker = startWorker(new URL('./replica_worker.js', import.meta.url), {
          workerData: { dendriteReplica: true, init }, transferList: [port2], name: `dendrite replica ${r}`,
        });
        const h: Handle = { worker, port: port1, exited: Promise.resolve(), gone: null };
        h.exited = new Promise((res) => worker.once('exit', (code) => {
          h.gone ??= `the worker thread exited (code ${code})`;
          res();
        }));
        worker.on('error', (e) => { h.gone = `${e.name}: ${e.message}`; });
        handles.push(h);
        ready.push(new Promise<void>((res, rej) => {
          const timer = setTimeout(() => rej(new ReplicaError(`${op}: replica ${r} was not ready within ${timeoutMs} ms`, r)), timeoutMs);
          const done = (err: string | null): void => {
            clearTimeout(timer);
            worker.removeAllListeners('message');
            if (err === null) res();
            else rej(new ReplicaError(`${op}: replica ${r} could not build its model: ${err}`, r));
          };
          worker.on('message', (m: { ready: boolean; error?: string }) => done(m.ready ? null : m.error ?? 'unknown error'));
          void h.exited.then(() => done(h.gone));
        }));
      }
      await Promise.all(ready);
      // idle replicas never keep the process alive (close() ends them)
      for (const h of handles) h.worker.unref();
      return new DataParallel(step0, handles, blocks, previousThreads, replicas, timeoutMs);
    } catch (e) {
      await Promise.all(handles.map((h) => h.worker.terminate()));
      setNumThreads(previousThreads);
      throw e;
    }
  }

  private get ctl(): Int32Array {
    return this.step0.ctl;
  }

  private assertUsable(what: string): void {
    if (this.closed) throw new ArgumentError(`${op}.${what}: the replicas were closed`);
    if (this.failure) throw new ReplicaError(`${op}.${what}: the replicas were shut down after a failure (${this.failure.message})`, this.failure instanceof ReplicaError ? this.failure.replica : 0);
    this.handles.forEach((h, i) => {
      if (h.gone !== null) this.fail(new ReplicaError(`${op}.${what}: replica ${i + 1} is gone: ${h.gone}`, i + 1));
    });
  }

  /** Shuts the group down after a failure and throws `e`. */
  private fail(e: unknown): never {
    this.failure = e instanceof Error ? e : new Error(String(e));
    abort(this.ctl);
    for (const h of this.handles) void h.worker.terminate();
    throw e;
  }

  private post(cmd: number, seq: number): void {
    const c = this.ctl;
    c[SEQ] = seq;
    c[CMD] = cmd;
    Atomics.add(c, GEN, 1);
    Atomics.notify(c, GEN);
  }

  /**
   * One optimiser step on the batch (x: (B, ...), y: (B, ...) class indices or targets) split
   * over the replicas: the batch's mean loss and, with `countCorrect`, its correct classes.
   * Synchronous: the calling thread trains its own shard, then waits for the others.
   */
  trainStep(x: Tensor, y: Tensor, countCorrect = false): [number, number] {
    this.assertUsable('step');
    const R = this.replicas;
    const B = x.shape[0] ?? 0;
    if (x.dtype !== 'float32') throw new DTypeError(`${op}.step: x must be float32, got ${x.dtype}`);
    if (y.dtype !== 'int32' && y.dtype !== 'float32') throw new DTypeError(`${op}.step: y must be int32 class indices or float32 targets, got ${y.dtype}`);
    if (x.ndim < 1 || y.ndim < 1 || y.shape[0] !== B) throw new ShapeError(`${op}.step: x ${JSON.stringify(x.shape)} and y ${JSON.stringify(y.shape)} must share their first (batch) dimension`);
    if (x.ndim - 1 > MAX_DIMS || y.ndim - 1 > MAX_DIMS) throw new ShapeError(`${op}.step: at most ${MAX_DIMS} dims after the batch dim, got x ${JSON.stringify(x.shape)}`);
    if (B < R) throw new ShapeError(`${op}.step: a batch of ${B} cannot be split over ${R} replicas (every replica needs at least one example)`);
    const sizes = shardSizes(B, R);
    const n0 = sizes[0]!;
    const c = this.ctl;
    if (R > 1) {
      const xd = x.shape.slice(1);
      const yd = y.shape.slice(1);
      const xRow = xd.reduce((a, b) => a * b, 1);
      const yRow = yd.reduce((a, b) => a * b, 1);
      const rest = B - n0;
      const bytes = rest * (xRow + yRow) * 4;
      if (this.input === null || this.input.byteLength < bytes) {
        this.input = new SharedArrayBuffer(Math.ceil(bytes * 1.25));
        for (const h of this.handles) h.port.postMessage({ input: this.input });
        c[INPUT_EPOCH]! += 1;
      }
      const input = this.input;
      tidy(() => {
        copyInto(narrow(x, 0, n0, rest), new Float32Array(input, 0, rest * xRow));
        copyInto(narrow(y, 0, n0, rest), y.dtype === 'int32' ? new Int32Array(input, rest * xRow * 4, rest * yRow) : new Float32Array(input, rest * xRow * 4, rest * yRow));
      });
      c[BATCH] = B;
      c[X_NDIM] = xd.length;
      c.set(xd, X_DIMS);
      c[Y_NDIM] = yd.length;
      c.set(yd, Y_DIMS);
      c[Y_KIND] = y.dtype === 'int32' ? 0 : 1;
      c[COUNT_CORRECT] = countCorrect ? 1 : 0;
      this.step0.sendHypers();
    }
    const seq = this.seq;
    this.seq = (this.seq + 2) | 0;
    if (R > 1) this.post(CMD_STEP, seq);
    try {
      tidy(() => this.step0.run(narrow(x, 0, 0, n0), narrow(y, 0, 0, n0), B, seq, countCorrect, ++this.steps));
    } catch (e) {
      this.fail(e);
    }
    return this.step0.totals();
  }

  /** One optimiser step on (x, y): the batch's mean loss. */
  async step(x: Tensor, y: Tensor): Promise<number> {
    return this.trainStep(x, y)[0];
  }

  /** Replica 0's state dict (views of its live weights; every replica holds the same values). */
  stateDict(): Record<string, Tensor> {
    return this.model.stateDict();
  }

  /** Every replica's state, copied out (replica 0 first): to check that they agree. */
  replicaStates(): WireState[] {
    this.assertUsable('replicaStates');
    const seq = this.seq;
    this.seq = (this.seq + 1) | 0;
    this.post(CMD_STATE, seq);
    const own = toWire(this.model.stateDict());
    arrive(this.ctl, 0, seq + 1);
    try {
      awaitAll(this.ctl, seq + 1, {
        self: 0, replicas: this.replicas, spin: new SpinBudget(0), timeoutMs: this.timeoutMs, what: 'the state barrier', message: (k) => readMessage(this.blocks.messages, k),
      });
    } catch (e) {
      this.fail(e);
    }
    return [own, ...this.handles.map((h) => (receiveMessageOnPort(h.port)?.message ?? {}) as WireState)];
  }

  /** Stops the workers and waits for their threads to end; restores the calling thread's kernel thread count. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.failure) this.post(CMD_STOP, this.seq);
    const ended = Promise.all(this.handles.map((h) => h.exited));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<boolean>((res) => { timer = setTimeout(() => res(true), 5000); });
    if (await Promise.race([ended.then(() => false), late])) await Promise.all(this.handles.map((h) => h.worker.terminate()));
    clearTimeout(timer);
    for (const h of this.handles) h.port.close();
    setNumThreads(this.previousThreads);
  }
}
