// One data-parallel training step as every replica runs it, on the calling thread and in each
// worker alike:
//   1. forward/backward on its shard; its gradients (and float32 buffers: BatchNorm's running
//      statistics) go to its slot of the shared vector area, whether each parameter had a
//      gradient to its row of this step's flags; its shard's mean loss to `scalars`;
//   2. barrier; replica r reduces the r-th contiguous chunk of the vector: the sum over replicas
//      0, 1, ..., R−1, in that order, of (shard size / batch size) × slot, in float64, stored
//      once as float32 (a reduce-scatter);
//   3. barrier; every replica copies the whole reduced vector into its gradients and buffers
//      (a parameter that had a gradient on any replica gets one on every replica) and takes its
//      optimizer step.
// Every replica reads the same reduced values and flags, so all take the same step and their
// weights stay bit-identical without any weight broadcast. Replica 0 starts the next step as
// soon as its own step 3 ends, so a faster replica may be a step ahead of a slower one still in
// step 3; nothing it writes then may be what the slower one reads:
// - slots are read in step 2 only, before the second barrier, which every replica passes before
//   any starts the next step;
// - the reduced vector is rewritten in the next step's 2, after its first barrier, which the
//   slower replica reaches only once it has read;
// - flags are written in step 1, before any barrier, so they alternate between two areas by step
//   parity: step k + 2's writes come after step k + 1's barriers, which the slower replica
//   reaches only once it has read step k's.

import { ArgumentError } from '../../errors.js';
import { keep, tidy, Tensor } from '../../tensor/tensor.js';
import { copyInto } from '../../tensor/copy_into.js';
import { countCorrect } from '../../decode/trainer.js';
import type { Parameter } from '../../nn/parameter.js';
import { arrive, awaitAll, CORRECT, readMessage, shardSizes, slot, type SharedBlocks, type WaitOptions } from './protocol.js';
import type { Replica } from './replica_spec.js';

/** Where each tensor sits in the all-reduced vector; the same on every replica. */
export interface Layout {
  replicas: number;
  /** Elements of each parameter, in namedParameters order. */
  paramSizes: number[];
  /** Elements of each float32 buffer, in namedBuffers order. */
  bufferSizes: number[];
  /** Numeric hyperparameter keys of each optimizer group, which replica 0 sends every step (an lr schedule). */
  hyperKeys: string[][];
}

export const vectorLength = (l: Layout): number => [...l.paramSizes, ...l.bufferSizes].reduce((a, b) => a + b, 0);

/** A model's layout: its parameters and float32 buffers in order. */
export function layoutOf(rep: Replica, replicas: number): Layout {
  return {
    replicas,
    paramSizes: rep.model.parameters().map((p) => p.numel),
    bufferSizes: floatBuffers(rep).map((b) => b.numel),
    hyperKeys: rep.optimizer.paramGroups.map((g) => Object.keys(g).filter((k) => typeof g[k] === 'number').sort()),
  };
}

function floatBuffers(rep: Replica): Tensor[] {
  return rep.model.buffers().filter((b) => b.dtype === 'float32');
}

export class ReplicaStep {
  readonly ctl: Int32Array;
  readonly scalars: Float64Array;
  private readonly slots: Float32Array[];
  private readonly result: Float32Array;
  private readonly flags: Int32Array;
  private readonly params: Parameter[];
  private readonly length: number;
  private readonly weights: Float64Array;
  /** The float32 buffers, walked once: models update them in place (BatchNorm's running statistics). */
  private readonly buffers: Tensor[];
  /** Which of the two flag areas this step uses (steps alternate). */
  private parity = 0;
  /** One options object for every barrier: only `what` and `step` change. */
  private readonly waitOptions: WaitOptions;

  constructor(readonly r: number, readonly rep: Replica, readonly blocks: SharedBlocks, readonly layout: Layout, wait: Omit<WaitOptions, 'what' | 'step' | 'message' | 'self'>) {
    const R = layout.replicas;
    this.length = vectorLength(layout);
    this.ctl = new Int32Array(blocks.control);
    this.scalars = new Float64Array(blocks.scalars);
    this.slots = Array.from({ length: R }, (_, k) => new Float32Array(blocks.vectors, k * this.length * 4, this.length));
    this.result = new Float32Array(blocks.vectors, R * this.length * 4, this.length);
    this.flags = new Int32Array(blocks.flags);
    this.params = rep.model.parameters();
    this.weights = new Float64Array(R);
    this.buffers = floatBuffers(rep);
    this.waitOptions = { ...wait, self: r, what: '', step: 0, message: (k) => readMessage(blocks.messages, k) };
    const mine = layoutOf(rep, R);
    if (JSON.stringify([mine.paramSizes, mine.bufferSizes]) !== JSON.stringify([layout.paramSizes, layout.bufferSizes])) {
      throw new ArgumentError(`DataParallel: replica ${r} built a model whose parameters or buffers differ from replica 0's (sizes ${JSON.stringify(mine.paramSizes)} vs ${JSON.stringify(layout.paramSizes)})`);
    }
  }

  /** Writes the optimizer's numeric hyperparameters for the other replicas (replica 0, before a step). */
  sendHypers(): void {
    let i = this.layout.replicas;
    this.rep.optimizer.paramGroups.forEach((g, gi) => {
      for (const k of this.layout.hyperKeys[gi]!) this.scalars[i++] = g[k] as number;
    });
  }

  private takeHypers(): void {
    let i = this.layout.replicas;
    this.rep.optimizer.paramGroups.forEach((g, gi) => {
      for (const k of this.layout.hyperKeys[gi]!) (g as Record<string, unknown>)[k] = this.scalars[i++]!;
    });
  }

  private waitAll(seq: number, what: string, step: number): void {
    this.waitOptions.what = what;
    this.waitOptions.step = step;
    awaitAll(this.ctl, seq, this.waitOptions);
  }

  /**
   * The whole step on this replica's shard (x, y) of a batch of `batch`, meeting the others at
   * barriers seq + 1 and seq + 2. Returns nothing: the losses and counts are in the shared block.
   */
  run(x: Tensor, y: Tensor, batch: number, seq: number, counting: boolean, step: number): void {
    const R = this.layout.replicas;
    const sizes = shardSizes(batch, R);
    for (let k = 0; k < R; k++) this.weights[k] = sizes[k]! / batch;
    if (this.r !== 0) this.takeHypers();
    const { model, optimizer, loss: lossFn } = this.rep;
    const mine = this.slots[this.r]!;
    const P = this.params.length;
    // this step's flag area: R rows of P, one row per replica
    const area = this.parity * R * P;
    this.parity ^= 1;
    const flags = this.flags.subarray(area + this.r * P, area + (this.r + 1) * P);
    // 1. this shard's gradients and buffers into this replica's slot
    tidy(() => {
      model.train();
      optimizer.zeroGrad();
      const out = model.call(x);
      const loss = lossFn(out, y);
      loss.backward();
      this.scalars[this.r] = loss.item();
      this.ctl[slot(this.r, CORRECT)] = counting ? countCorrect(out, y) : 0;
      let off = 0;
      this.params.forEach((p, i) => {
        const g = p.ownedGrad;
        if (g === null) mine.fill(0, off, off + p.numel);
        else copyInto(g, mine, off);
        flags[i] = g === null ? 0 : 1;
        off += p.numel;
      });
      for (const b of this.buffers) {
        copyInto(b, mine, off);
        off += b.numel;
      }
    });
    arrive(this.ctl, this.r, seq + 1);
    this.waitAll(seq + 1, 'the gradient barrier', step);
    // 2. this replica's chunk of the weighted sum, in replica order
    const from = Math.floor((this.length * this.r) / R);
    const to = Math.floor((this.length * (this.r + 1)) / R);
    reduceChunk(this.slots, this.weights, this.result, from, to);
    arrive(this.ctl, this.r, seq + 2);
    this.waitAll(seq + 2, 'the reduce barrier', step);
    // 3. the same reduced values into every replica's gradients, then the same step
    let off = 0;
    this.params.forEach((p, i) => {
      let any = false;
      for (let k = 0; k < R && !any; k++) any = this.flags[area + k * P + i] === 1;
      const vals = this.result.subarray(off, off + p.numel);
      off += p.numel;
      if (!any) return;
      const g = p.ownedGrad;
      if (g !== null && g.isContiguous()) g.writeSync(vals);
      else {
        g?.dispose();
        p.grad = keep(Tensor.fromFn(p.shape, 'float32', (o) => o.set(vals), 'DataParallel'));
      }
    });
    for (const b of this.buffers) {
      b.writeSync(this.result.subarray(off, off + b.numel));
      off += b.numel;
    }
    tidy(() => optimizer.step());
    this.rep.afterStep?.();
  }

  /** The batch's mean loss and correct count once every replica has passed the first barrier. */
  totals(): [number, number] {
    let loss = 0;
    let correct = 0;
    for (let k = 0; k < this.layout.replicas; k++) {
      loss += this.weights[k]! * this.scalars[k]!;
      correct += this.ctl[slot(k, CORRECT)]!;
    }
    return [loss, correct];
  }
}

/** out[i] = Σ_k weights[k] · slots[k][i] over k = 0, 1, ... in order, in float64, for i in [from, to). */
export function reduceChunk(slots: Float32Array[], weights: Float64Array, out: Float32Array, from: number, to: number): void {
  const R = slots.length;
  if (R === 2) {
    const a = slots[0]!;
    const b = slots[1]!;
    const wa = weights[0]!;
    const wb = weights[1]!;
    for (let i = from; i < to; i++) out[i] = wa * a[i]! + wb * b[i]!;
    return;
  }
  for (let i = from; i < to; i++) {
    let acc = 0;
    for (let k = 0; k < R; k++) acc += weights[k]! * slots[k]![i]!;
    out[i] = acc;
  }
}
