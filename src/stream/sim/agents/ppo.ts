// PPO with the clipped surrogate (Schulman et al. 2017) over the same discrete cursor velocities
// as the actor-critic and DQN: a categorical policy, so the three agents compare on one action
// set, and a stop action that holds the cursor exactly still — the task's hold phase (10 bins
// inside a 1.5-radius target) punishes the jitter a Gaussian policy's exploration noise adds.
// The policy and the value function are separate MLPs (as CleanRL's PPO for small control tasks);
// a rollout of rolloutSteps transitions gives advantages by GAE(λ), then `epochs` passes of
// shuffled minibatches minimise −clipped surrogate + valueCoef·(V − R)² − entropyCoef·entropy,
// the gradient norm clipped. Advantages are normalised per minibatch. A trial's end is a
// terminal state (the cursor restarts at the centre with a new target).

import { ArgumentError, ShapeError } from '../../../errors.js';
import { Generator } from '../../../tensor/random.js';
import { tensor } from '../../../tensor/creation.js';
import { tidy, type Tensor } from '../../../tensor/tensor.js';
import { gather } from '../../../ops/movement.js';
import { logSoftmax } from '../../../ops/activation.js';
import { Adam } from '../../../optim/adam.js';
import { clipGradNorm } from '../../../optim/clip_grad.js';
import type { Sequential } from '../../../nn/container.js';
import { ActionSet, type Agent } from './agent.js';
import { forwardRows, mlp, rows, type Activation } from './mlp.js';

export interface PpoOptions {
  actions?: ActionSet;
  /** Hidden layer sizes of both networks (default [64]). */
  hidden?: number[];
  activation?: Activation;
  /** Discount (default 0.98: a trial lasts 30–200 bins, and the only reward comes at its end). */
  gamma?: number;
  /** GAE λ (default 0.95). */
  lambda?: number;
  /** Adam step size (default 1e-3). */
  lr?: number;
  /** Transitions per rollout (default 1024). */
  rolloutSteps?: number;
  /** Passes over each rollout (default 4). */
  epochs?: number;
  /** Minibatch size (default 128). */
  minibatchSize?: number;
  /** Surrogate clip ε (default 0.2). */
  clip?: number;
  /** Entropy bonus weight (default 0.03: with the acquisition reward alone, 0.01 let a quarter of seeded sessions collapse onto a few actions before any target was acquired). */
  entropyCoef?: number;
  /** Value loss weight (default 0.5). */
  valueCoef?: number;
  /** Gradient-norm clip over both networks (default 0.5). */
  maxGradNorm?: number;
}

/**
 * Generalised advantage estimates over one rollout: δ_t = r_t + γ V(s_{t+1})(1 − d_t) − V(s_t),
 * A_t = δ_t + γλ(1 − d_t) A_{t+1}; V(s_T) = lastValue. Returns the advantages and the value
 * targets A + V.
 */
export function gae(rewards: ArrayLike<number>, values: ArrayLike<number>, terminal: ArrayLike<number>, lastValue: number, gamma: number, lambda: number): { advantages: Float64Array; returns: Float64Array } {
  const n = rewards.length;
  if (values.length !== n || terminal.length !== n) throw new ShapeError(`gae: ${n} rewards, ${values.length} values, ${terminal.length} terminal flags`);
  if (!(gamma >= 0 && gamma <= 1 && lambda >= 0 && lambda <= 1)) throw new ArgumentError(`gae: gamma ${gamma} and lambda ${lambda} must be in [0, 1]`);
  const adv = new Float64Array(n), ret = new Float64Array(n);
  let next = 0;
  for (let t = n - 1; t >= 0; t--) {
    const live = terminal[t] ? 0 : 1;
    const vNext = t === n - 1 ? lastValue : values[t + 1]!;
    const delta = rewards[t]! + gamma * vNext * live - values[t]!;
    next = delta + gamma * lambda * live * next;
    adv[t] = next;
    ret[t] = next + values[t]!;
  }
  return { advantages: adv, returns: ret };
}

/** The clipped surrogate loss −mean(min(ρA, clip(ρ, 1 − ε, 1 + ε)A)), ρ = exp(logp − logpOld). */
export function ppoClipLoss(logp: Tensor, logpOld: Tensor, advantages: Tensor, clip: number): Tensor {
  if (!(clip > 0 && clip < 1)) throw new ArgumentError(`ppoClipLoss: clip is ${clip} (a number in (0, 1) is needed)`);
  const ratio = logp.sub(logpOld).exp();
  return ratio.mul(advantages).minimum(ratio.clamp(1 - clip, 1 + clip).mul(advantages)).mean().neg();
}

function need(v: number, ok: boolean, name: string, what: string): number {
  if (!ok) throw new ArgumentError(`PpoAgent: ${name} is ${v} (${what} is needed)`);
  return v;
}

export class PpoAgent implements Agent {
  readonly name = 'ppo';
  readonly actions: ActionSet;
  readonly policy: Sequential;
  readonly value: Sequential;
  readonly gamma: number;
  readonly lambda: number;
  private readonly o: Required<Pick<PpoOptions, 'rolloutSteps' | 'epochs' | 'minibatchSize' | 'clip' | 'entropyCoef' | 'valueCoef' | 'maxGradNorm'>>;
  private readonly opt: Adam;
  private readonly rng: Generator;
  // the rollout: T transitions
  private readonly xs: Float32Array;
  private readonly acts: Int32Array;
  private readonly logps: Float32Array;
  private readonly vals: Float64Array;
  private readonly rews: Float64Array;
  private readonly terms: Uint8Array;
  private t = 0;
  private lastNext: Float64Array | null = null;
  private pending: { x: Float64Array; a: number; logp: number; v: number } | null = null;
  /** Transitions observed so far. */
  steps = 0;

  constructor(readonly nInputs: number, seed: number, opts: PpoOptions = {}) {
    need(nInputs, Number.isInteger(nInputs) && nInputs >= 1, 'nInputs', 'an integer >= 1');
    need(seed, Number.isFinite(seed), 'seed', 'a finite number');
    this.actions = opts.actions ?? new ActionSet();
    this.gamma = need(opts.gamma ?? 0.98, (opts.gamma ?? 0.98) >= 0 && (opts.gamma ?? 0.98) <= 1, 'gamma', 'a number in [0, 1]');
    this.lambda = need(opts.lambda ?? 0.95, (opts.lambda ?? 0.95) >= 0 && (opts.lambda ?? 0.95) <= 1, 'lambda', 'a number in [0, 1]');
    const lr = need(opts.lr ?? 1e-3, (opts.lr ?? 1e-3) > 0 && Number.isFinite(opts.lr ?? 1e-3), 'lr', '> 0');
    const int = (name: string, v: number, lo: number, hi: number) => need(v, Number.isInteger(v) && v >= lo && v <= hi, name, `an integer in [${lo}, ${hi}]`);
    const pos = (name: string, v: number) => need(v, v >= 0 && Number.isFinite(v), name, '>= 0');
    this.o = {
      rolloutSteps: int('rolloutSteps', opts.rolloutSteps ?? 1024, 1, 1_000_000),
      epochs: int('epochs', opts.epochs ?? 4, 1, 1000),
      minibatchSize: int('minibatchSize', opts.minibatchSize ?? 128, 1, 65_536),
      clip: need(opts.clip ?? 0.2, (opts.clip ?? 0.2) > 0 && (opts.clip ?? 0.2) < 1, 'clip', 'a number in (0, 1)'),
      entropyCoef: pos('entropyCoef', opts.entropyCoef ?? 0.03),
      valueCoef: pos('valueCoef', opts.valueCoef ?? 0.5),
      maxGradNorm: need(opts.maxGradNorm ?? 0.5, (opts.maxGradNorm ?? 0.5) > 0, 'maxGradNorm', '> 0'),
    };
    this.rng = new Generator(seed);
    const h = opts.hidden ?? [64];
    this.policy = mlp([nInputs, ...h, this.actions.size], this.rng, opts.activation ?? 'tanh', 0.01);
    this.value = mlp([nInputs, ...h, 1], this.rng, opts.activation ?? 'tanh');
    this.opt = new Adam([...this.policy.parameters(), ...this.value.parameters()], { lr });
    const T = this.o.rolloutSteps;
    this.xs = new Float32Array(T * nInputs);
    this.acts = new Int32Array(T);
    this.logps = new Float32Array(T);
    this.vals = new Float64Array(T);
    this.rews = new Float64Array(T);
    this.terms = new Uint8Array(T);
  }

  /** Action probabilities for one feature vector. */
  probabilities(x: Float64Array): Float64Array {
    if (x.length !== this.nInputs) throw new ShapeError(`PpoAgent: features have ${x.length} values, the agent takes ${this.nInputs}`);
    const z = forwardRows(this.policy, x, 1, this.nInputs);
    let mx = -Infinity;
    for (const v of z) mx = Math.max(mx, v);
    const p = Float64Array.from(z, (v) => Math.exp(v - mx));
    const s = p.reduce((a, b) => a + b, 0);
    for (let k = 0; k < p.length; k++) p[k]! /= s;
    return p;
  }

  act(x: Float64Array, explore = true): number {
    const p = this.probabilities(x);
    let a = 0;
    if (explore) {
      let u = this.rng.random();
      while (a < p.length - 1 && u >= p[a]!) { u -= p[a]!; a++; }
      const v = forwardRows(this.value, x, 1, this.nInputs)[0]!;
      this.pending = { x, a, logp: Math.log(Math.max(p[a]!, 1e-30)), v };
    } else for (let k = 1; k < p.length; k++) if (p[k]! > p[a]!) a = k;
    return a;
  }

  observe(reward: number, next: Float64Array, terminal: boolean): void {
    const op = 'PpoAgent.observe';
    if (this.pending === null) throw new ArgumentError(`${op}: no pending action; call act(x) first`);
    if (!Number.isFinite(reward)) throw new ArgumentError(`${op}: reward is ${reward}; it must be finite`);
    const t = this.t, d = this.nInputs;
    for (let j = 0; j < d; j++) this.xs[t * d + j] = this.pending.x[j]!;
    this.acts[t] = this.pending.a;
    this.logps[t] = this.pending.logp;
    this.vals[t] = this.pending.v;
    this.rews[t] = reward;
    this.terms[t] = terminal ? 1 : 0;
    this.t++;
    this.steps++;
    this.lastNext = next;
    this.pending = null;
  }

  update(): number | null {
    if (this.t < this.o.rolloutSteps || this.lastNext === null) return null;
    const T = this.t, d = this.nInputs;
    const lastValue = forwardRows(this.value, this.lastNext, 1, d)[0]!;
    const { advantages, returns } = gae(this.rews, this.vals, this.terms, lastValue, this.gamma, this.lambda);
    const mb = Math.min(this.o.minibatchSize, T);
    let total = 0, count = 0;
    for (let e = 0; e < this.o.epochs; e++) {
      const perm = Int32Array.from({ length: T }, (_, i) => i);
      for (let i = T - 1; i > 0; i--) { const j = this.rng.int(0, i + 1); [perm[i], perm[j]] = [perm[j]!, perm[i]!]; }
      for (let s = 0; s + mb <= T; s += mb) {
        const idx = perm.subarray(s, s + mb);
        const x = new Float32Array(mb * d), a = new Int32Array(mb), lpOld = new Float32Array(mb), adv = new Float32Array(mb), ret = new Float32Array(mb);
        let m = 0, v2 = 0;
        for (let i = 0; i < mb; i++) m += advantages[idx[i]!]!;
        m /= mb;
        for (let i = 0; i < mb; i++) v2 += (advantages[idx[i]!]! - m) ** 2;
        const sd = Math.sqrt(v2 / Math.max(1, mb - 1)) + 1e-8;
        for (let i = 0; i < mb; i++) {
          const k = idx[i]!;
          x.set(this.xs.subarray(k * d, (k + 1) * d), i * d);
          a[i] = this.acts[k]!;
          lpOld[i] = this.logps[k]!;
          adv[i] = mb > 1 ? (advantages[k]! - m) / sd : advantages[k]!;
          ret[i] = returns[k]!;
        }
        total += tidy(() => {
          this.opt.zeroGrad();
          const xt = rows(x, mb, d);
          const logAll = logSoftmax(this.policy.call(xt), 1);
          const logp = gather(logAll, 1, tensor(a, { shape: [mb, 1] })).reshape(mb);
          const pg = ppoClipLoss(logp, tensor(lpOld), tensor(adv), this.o.clip);
          const entropy = logAll.exp().mul(logAll).sum(1).mean().neg();
          const vLoss = this.value.call(xt).reshape(mb).sub(tensor(ret)).square().mean();
          const loss = pg.add(vLoss.mul(this.o.valueCoef)).sub(entropy.mul(this.o.entropyCoef));
          loss.backward();
          clipGradNorm([...this.policy.parameters(), ...this.value.parameters()], this.o.maxGradNorm);
          this.opt.step();
          return loss.item();
        });
        count++;
      }
    }
    this.t = 0;
    return total / count;
  }
}
