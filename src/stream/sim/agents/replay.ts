// Experience replay for DQN: a bounded ring of transitions (x, a, r, x', terminal, horizon) in flat
// typed arrays, the oldest overwritten once it is full, sampled uniformly with replacement from a
// seeded generator. horizon is the number of steps r sums (n-step returns), so the bootstrap
// from x' is discounted by γ^horizon. Memory is fixed at construction: capacity × (2·dim + 4) numbers.

import { ArgumentError, ShapeError } from '../../../errors.js';
import type { Generator } from '../../../tensor/random.js';

export interface ReplayBatch {
  /** (B, dim) features, row-major. */
  x: Float32Array;
  actions: Int32Array;
  rewards: Float32Array;
  /** (B, dim) next features. */
  next: Float32Array;
  /** 1 where the transition ended the episode (no bootstrap), else 0. */
  terminal: Float32Array;
  /** Steps summed into each reward. */
  horizon: Int32Array;
  /** Ring slots the rows came from. */
  slots: Int32Array;
}

export class ReplayBuffer {
  private readonly xs: Float32Array;
  private readonly nexts: Float32Array;
  private readonly actions: Int32Array;
  private readonly rewards: Float32Array;
  private readonly terminals: Float32Array;
  private readonly horizons: Int32Array;
  private head = 0;
  private count = 0;
  /** Transitions pushed over the buffer's life. */
  pushed = 0;

  constructor(readonly capacity: number, readonly dim: number) {
    const op = 'ReplayBuffer';
    if (!(Number.isInteger(capacity) && capacity >= 1 && capacity <= 10_000_000)) throw new ArgumentError(`${op}: capacity is ${capacity} (an integer in [1, 1e7] is needed)`);
    if (!(Number.isInteger(dim) && dim >= 1 && dim <= 100_000)) throw new ArgumentError(`${op}: dim is ${dim} (an integer in [1, 1e5] is needed)`);
    if (capacity * dim > 1e8) throw new ArgumentError(`${op}: capacity ${capacity} × dim ${dim} exceeds 1e8 numbers`);
    this.xs = new Float32Array(capacity * dim);
    this.nexts = new Float32Array(capacity * dim);
    this.actions = new Int32Array(capacity);
    this.rewards = new Float32Array(capacity);
    this.terminals = new Float32Array(capacity);
    this.horizons = new Int32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(x: ArrayLike<number>, action: number, reward: number, next: ArrayLike<number>, terminal: boolean, horizon = 1): void {
    const op = 'ReplayBuffer.push';
    if (!(Number.isInteger(horizon) && horizon >= 1)) throw new ArgumentError(`${op}: horizon is ${horizon} (an integer >= 1 is needed)`);
    if (x.length !== this.dim || next.length !== this.dim) throw new ShapeError(`${op}: features have ${x.length} and ${next.length} values, the buffer ${this.dim}`);
    if (!(Number.isInteger(action) && action >= 0)) throw new ArgumentError(`${op}: action is ${action} (an integer >= 0 is needed)`);
    if (!Number.isFinite(reward)) throw new ArgumentError(`${op}: reward is ${reward}; it must be finite`);
    const s = this.head, o = s * this.dim;
    for (let j = 0; j < this.dim; j++) { this.xs[o + j] = x[j]!; this.nexts[o + j] = next[j]!; }
    this.actions[s] = action;
    this.rewards[s] = reward;
    this.terminals[s] = terminal ? 1 : 0;
    this.horizons[s] = horizon;
    this.head = (s + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
    this.pushed++;
  }

  /** n transitions drawn uniformly (with replacement) from those held. */
  sample(n: number, rng: Generator): ReplayBatch {
    const op = 'ReplayBuffer.sample';
    if (this.count === 0) throw new ArgumentError(`${op}: the buffer is empty`);
    if (!(Number.isInteger(n) && n >= 1 && n <= 65_536)) throw new ArgumentError(`${op}: batch size is ${n} (an integer in [1, 65536] is needed)`);
    const slots = new Int32Array(n);
    for (let i = 0; i < n; i++) slots[i] = rng.int(0, this.count);
    return this.gather(slots);
  }

  /** The transitions in the given ring slots. */
  gather(slots: Int32Array): ReplayBatch {
    const d = this.dim, n = slots.length;
    const b: ReplayBatch = { x: new Float32Array(n * d), actions: new Int32Array(n), rewards: new Float32Array(n), next: new Float32Array(n * d), terminal: new Float32Array(n), horizon: new Int32Array(n), slots };
    for (let i = 0; i < n; i++) {
      const s = slots[i]!;
      if (!(s >= 0 && s < this.count)) throw new ArgumentError(`ReplayBuffer.gather: slot ${s} is not filled (size ${this.count})`);
      for (let j = 0, o = s * d, p = i * d; j < d; j++) { b.x[p + j] = this.xs[o + j]!; b.next[p + j] = this.nexts[o + j]!; }
      b.actions[i] = this.actions[s]!;
      b.rewards[i] = this.rewards[s]!;
      b.terminal[i] = this.terminals[s]!;
      b.horizon[i] = this.horizons[s]!;
    }
    return b;
  }
}
