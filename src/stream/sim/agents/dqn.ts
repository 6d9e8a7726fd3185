// DQN (Mnih et al. 2015) over a discrete set of cursor velocities: an MLP Q-network on the
// agent's features, ε-greedy exploration on a linear schedule, a bounded replay ring sampled
// uniformly, a target network synchronised every targetSync steps, the Huber loss on the TD
// error, gradient-norm clipping, and optionally Double DQN (van Hasselt et al. 2016: the online
// network picks the next action, the target network values it) and n-step returns (Sutton 1988;
// Hessel et al. 2018's Rainbow), which carry a sparse reward back n bins per update instead of one.
// Every random draw (weights,
// exploration, replay sampling) comes from the agent's own seeded generator.

import { ArgumentError, ShapeError } from '../../../errors.js';
import { Generator } from '../../../tensor/random.js';
import { tensor } from '../../../tensor/creation.js';
import { tidy, type Tensor } from '../../../tensor/tensor.js';
import { gather } from '../../../ops/movement.js';
import { Adam } from '../../../optim/adam.js';
import { clipGradNorm } from '../../../optim/clip_grad.js';
import type { Sequential } from '../../../nn/container.js';
import { ActionSet, type Agent } from './agent.js';
import { copyWeights, forwardRows, mlp, rows, type Activation } from './mlp.js';
import { ReplayBuffer } from './replay.js';

export interface DqnOptions {
  actions?: ActionSet;
  /** Hidden layer sizes (default [64]). */
  hidden?: number[];
  activation?: Activation;
  /** Discount (default 0.98: a trial lasts 30–200 bins, and the only reward comes at its end). */
  gamma?: number;
  /** Adam step size (default 1e-3). */
  lr?: number;
  /** Minibatch size (default 128). */
  batchSize?: number;
  /** Replay capacity in transitions (default 20000). */
  bufferSize?: number;
  /** Steps observed before the first update (default 500). */
  learningStarts?: number;
  /** One update every trainEvery observed steps (default 4). */
  trainEvery?: number;
  /** Steps between copies of the online weights into the target network (default 500). */
  targetSync?: number;
  /** ε falls linearly from epsilonStart to epsilonEnd over epsilonSteps observed steps (defaults 1, 0.02, 20000). */
  epsilonStart?: number;
  epsilonEnd?: number;
  epsilonSteps?: number;
  /** Double DQN targets (default true). */
  double?: boolean;
  /** Steps per return: r_t + γ r_{t+1} + … + γ^{n−1} r_{t+n−1} + γ^n max Q(s_{t+n}) (default 10: the acquisition reward reaches back 10 bins per update). */
  nStep?: number;
  /** Huber loss threshold (default 1). */
  huberDelta?: number;
  /** Gradient-norm clip (default 10). */
  maxGradNorm?: number;
}

function need(v: number, ok: boolean, name: string, what: string): number {
  if (!ok) throw new ArgumentError(`DqnAgent: ${name} is ${v} (${what} is needed)`);
  return v;
}

/**
 * TD targets y = r + γ^h (1 − terminal) Q_target(s', a*), a* = argmax_a Q_target(s', a), or with
 * Double DQN a* = argmax_a Q_online(s', a); h the steps r sums (1 unless given). qNext*: (B, A) row-major.
 */
export function dqnTargets(rewards: ArrayLike<number>, terminal: ArrayLike<number>, gamma: number, qNextTarget: ArrayLike<number>, nActions: number, qNextOnline: ArrayLike<number> | null = null, horizon: ArrayLike<number> | null = null): Float32Array {
  const b = rewards.length;
  if (terminal.length !== b || qNextTarget.length !== b * nActions || (qNextOnline && qNextOnline.length !== b * nActions) || (horizon && horizon.length !== b)) {
    throw new ShapeError(`dqnTargets: ${b} rewards, ${terminal.length} terminal flags, ${qNextTarget.length} target values${qNextOnline ? `, ${qNextOnline.length} online values` : ''} for ${nActions} actions`);
  }
  const y = new Float32Array(b);
  for (let i = 0; i < b; i++) {
    const pick = qNextOnline ?? qNextTarget;
    let best = 0;
    for (let a = 1; a < nActions; a++) if (pick[i * nActions + a]! > pick[i * nActions + best]!) best = a;
    y[i] = rewards[i]! + (terminal[i] ? 0 : gamma ** (horizon ? horizon[i]! : 1) * qNextTarget[i * nActions + best]!);
  }
  return y;
}

/** Mean Huber loss: ½d² for |d| ≤ δ, δ(|d| − ½δ) beyond (torch.nn.HuberLoss). */
export function huberLoss(pred: Tensor, target: Tensor, delta = 1): Tensor {
  if (!(delta > 0)) throw new ArgumentError(`huberLoss: delta is ${delta} (> 0 is needed)`);
  const a = pred.sub(target).abs();
  const q = a.clamp(null, delta);
  return q.square().mul(0.5).add(a.sub(q).mul(delta)).mean();
}

export class DqnAgent implements Agent {
  readonly name = 'dqn';
  readonly actions: ActionSet;
  readonly online: Sequential;
  readonly target: Sequential;
  readonly replay: ReplayBuffer;
  readonly gamma: number;
  readonly double: boolean;
  private readonly opt: Adam;
  private readonly rng: Generator;
  private readonly o: Required<Omit<DqnOptions, 'actions' | 'hidden' | 'activation' | 'gamma' | 'double' | 'lr'>>;
  private x: Float64Array | null = null;
  private a = -1;
  private queue: { x: Float64Array; a: number; r: number }[] = []; // the last < nStep steps
  /** Transitions observed so far. */
  steps = 0;

  constructor(readonly nInputs: number, seed: number, opts: DqnOptions = {}) {
    need(nInputs, Number.isInteger(nInputs) && nInputs >= 1, 'nInputs', 'an integer >= 1');
    need(seed, Number.isFinite(seed), 'seed', 'a finite number');
    this.actions = opts.actions ?? new ActionSet();
    this.gamma = need(opts.gamma ?? 0.98, (opts.gamma ?? 0.98) >= 0 && (opts.gamma ?? 0.98) < 1, 'gamma', 'a number in [0, 1)');
    const lr = need(opts.lr ?? 1e-3, (opts.lr ?? 1e-3) > 0 && Number.isFinite(opts.lr ?? 1e-3), 'lr', '> 0');
    const int = (name: keyof DqnOptions, v: number, min: number) => need(v, Number.isInteger(v) && v >= min && v <= 1e9, name, `an integer >= ${min}`);
    this.o = {
      batchSize: int('batchSize', opts.batchSize ?? 128, 1),
      bufferSize: int('bufferSize', opts.bufferSize ?? 20_000, 1),
      learningStarts: int('learningStarts', opts.learningStarts ?? 500, 0),
      trainEvery: int('trainEvery', opts.trainEvery ?? 4, 1),
      targetSync: int('targetSync', opts.targetSync ?? 500, 1),
      epsilonStart: need(opts.epsilonStart ?? 1, (opts.epsilonStart ?? 1) >= 0 && (opts.epsilonStart ?? 1) <= 1, 'epsilonStart', 'a number in [0, 1]'),
      epsilonEnd: need(opts.epsilonEnd ?? 0.02, (opts.epsilonEnd ?? 0.02) >= 0 && (opts.epsilonEnd ?? 0.02) <= 1, 'epsilonEnd', 'a number in [0, 1]'),
      epsilonSteps: int('epsilonSteps', opts.epsilonSteps ?? 20_000, 1),
      nStep: int('nStep', opts.nStep ?? 10, 1),
      huberDelta: need(opts.huberDelta ?? 1, (opts.huberDelta ?? 1) > 0, 'huberDelta', '> 0'),
      maxGradNorm: need(opts.maxGradNorm ?? 10, (opts.maxGradNorm ?? 10) > 0, 'maxGradNorm', '> 0'),
    };
    this.double = opts.double ?? true;
    this.rng = new Generator(seed);
    const sizes = [nInputs, ...(opts.hidden ?? [64]), this.actions.size];
    this.online = mlp(sizes, this.rng, opts.activation ?? 'relu');
    this.target = mlp(sizes, this.rng, opts.activation ?? 'relu');
    copyWeights(this.target, this.online);
    this.opt = new Adam(this.online.parameters(), { lr });
    this.replay = new ReplayBuffer(this.o.bufferSize, nInputs);
  }

  /** The exploration rate after the steps observed so far. */
  get epsilon(): number {
    const f = Math.min(1, this.steps / this.o.epsilonSteps);
    return this.o.epsilonStart + f * (this.o.epsilonEnd - this.o.epsilonStart);
  }

  /** Q-values of one feature vector. */
  q(x: Float64Array): Float32Array {
    if (x.length !== this.nInputs) throw new ShapeError(`DqnAgent: features have ${x.length} values, the agent takes ${this.nInputs}`);
    return forwardRows(this.online, x, 1, this.nInputs);
  }

  act(x: Float64Array, explore = true): number {
    if (x.length !== this.nInputs) throw new ShapeError(`DqnAgent: features have ${x.length} values, the agent takes ${this.nInputs}`);
    let a = 0;
    if (explore && this.rng.random() < this.epsilon) a = this.rng.int(0, this.actions.size);
    else {
      const q = this.q(x);
      for (let k = 1; k < q.length; k++) if (q[k]! > q[a]!) a = k;
    }
    if (explore) { this.x = x; this.a = a; }
    return a;
  }

  observe(reward: number, next: Float64Array, terminal: boolean): void {
    if (this.x === null) throw new ArgumentError('DqnAgent.observe: no pending action; call act(x) first');
    this.queue.push({ x: this.x, a: this.a, r: reward });
    this.x = null;
    // the oldest queued step's n-step return is complete; at a terminal, every queued one is
    while (this.queue.length >= this.o.nStep || (terminal && this.queue.length > 0)) {
      let ret = 0;
      for (let i = this.queue.length - 1; i >= 0; i--) ret = this.queue[i]!.r + this.gamma * ret;
      const head = this.queue.shift()!;
      this.replay.push(head.x, head.a, ret, next, terminal, this.queue.length + 1);
    }
    this.steps++;
    if (this.steps % this.o.targetSync === 0) copyWeights(this.target, this.online);
  }

  update(): number | null {
    if (this.steps < this.o.learningStarts || this.replay.size === 0 || this.steps % this.o.trainEvery !== 0) return null;
    const n = this.o.batchSize, d = this.nInputs, A = this.actions.size;
    const b = this.replay.sample(n, this.rng);
    const qt = forwardRows(this.target, b.next, n, d);
    const y = dqnTargets(b.rewards, b.terminal, this.gamma, qt, A, this.double ? forwardRows(this.online, b.next, n, d) : null, b.horizon);
    return tidy(() => {
      this.opt.zeroGrad();
      const q = this.online.call(rows(b.x, n, d));
      const qa = gather(q, 1, tensor(b.actions, { shape: [n, 1] }));
      const loss = huberLoss(qa, tensor(y, { shape: [n, 1] }), this.o.huberDelta);
      loss.backward();
      clipGradNorm(this.online.parameters(), this.o.maxGradNorm);
      this.opt.step();
      return loss.item();
    });
  }
}
