// Learning-rate schedulers, as torch.optim.lr_scheduler (PyTorch 1.13), in their recursive
// ("chainable") form: each step() derives the new lr from the group's current lr, so
// schedulers can be stacked on one optimizer as in PyTorch.
//
//   const sched = new StepLR(opt, 30, 0.1);
//   for (epoch...) { train(); sched.step(); }

import { ArgumentError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import type { HyperParams, Optimizer } from './optimizer.js';

/** An optimizer of any kind (only its groups' `lr` and `initialLr` are used). */
export type AnyOptimizer = Optimizer<HyperParams>;

/**
 * Base of the epoch-based schedulers (torch's `_LRScheduler`, renamed `LRScheduler` in 2.0).
 * Subclasses implement `getLr()` and call `this.initialStep()` at the end of their constructor
 * (once their own fields are set), which performs PyTorch's construction-time step to epoch 0.
 */
export abstract class LRScheduler {
  readonly optimizer: AnyOptimizer;
  /** Each group's lr at the start (its `initialLr`). */
  baseLrs: number[];
  /** The epoch index of the last step() (0 after construction). */
  lastEpoch: number;
  protected stepCount = 0;
  protected lastLr: number[] = [];

  /**
   * `lastEpoch` other than -1 resumes a schedule; every group must then already carry
   * `initialLr` (as PyTorch's `initial_lr`).
   */
  constructor(optimizer: AnyOptimizer, lastEpoch = -1) {
    this.optimizer = optimizer;
    if (!Number.isInteger(lastEpoch) || lastEpoch < -1) throw new ArgumentError(`${new.target.name}: invalid lastEpoch ${lastEpoch}`);
    optimizer.paramGroups.forEach((g, i) => {
      if (lastEpoch === -1) {
        if (g.initialLr === undefined) g.initialLr = g.lr;
      } else if (g.initialLr === undefined) {
        throw new ArgumentError(`${new.target.name}: param 'initialLr' is not specified in paramGroups[${i}] when resuming an optimizer`);
      }
    });
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr!);
    this.lastEpoch = lastEpoch;
  }

  /** PyTorch's construction-time step (lastEpoch -1 -> 0). Subclasses call it last. */
  protected initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** The lrs for epoch `lastEpoch`, computed from the groups' current lrs. */
  abstract getLr(): number[];

  /** Advances one epoch and writes the new lr into every group. */
  step(): void {
    this.stepCount++;
    this.lastEpoch++;
    const lrs = this.getLr();
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = lrs[i]!;
    });
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The lrs the last step() set, one per group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /**
   * The scheduler's fields (all but the optimizer and LambdaLR's functions), as PyTorch's
   * state_dict.
   */
  stateDict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this)) {
      if (k !== 'optimizer' && k !== 'lrLambdas' && typeof v !== 'function') out[k] = structuredClone(v);
    }
    return out;
  }

  loadStateDict(sd: Record<string, unknown>): void {
    const self = this as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(sd)) {
      if (k !== 'optimizer' && k !== 'lrLambdas' && typeof v !== 'function') self[k] = structuredClone(v);
    }
  }

  protected groupLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }
}

/** lr = initialLr * lrLambda(epoch), one function for all groups or one per group. */
export class LambdaLR extends LRScheduler {
  private readonly lrLambdas: ((epoch: number) => number)[];

  constructor(optimizer: AnyOptimizer, lrLambda: ((epoch: number) => number) | ((epoch: number) => number)[], lastEpoch = -1) {
    super(optimizer, lastEpoch);
    const n = optimizer.paramGroups.length;
    if (Array.isArray(lrLambda)) {
      if (lrLambda.length !== n) throw new ArgumentError(`LambdaLR: expected ${n} lrLambdas, got ${lrLambda.length}`);
      this.lrLambdas = [...lrLambda];
    } else {
      this.lrLambdas = Array.from({ length: n }, () => lrLambda);
    }
    this.initialStep();
  }

  getLr(): number[] {
    return this.baseLrs.map((b, i) => b * this.lrLambdas[i]!(this.lastEpoch));
  }
}

/** Multiplies the lr by `gamma` every `stepSize` epochs. */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: AnyOptimizer, stepSize: number, gamma = 0.1, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    if (!Number.isInteger(stepSize) || stepSize < 1) throw new ArgumentError(`StepLR: invalid stepSize ${stepSize}, expected a positive integer`);
    if (!Number.isFinite(gamma)) throw new ArgumentError(`StepLR: invalid gamma ${gamma}`);
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.initialStep();
  }

  getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * this.gamma);
  }
}

/** Multiplies the lr by `gamma` at each milestone epoch (a milestone listed k times: gamma^k). */
export class MultiStepLR extends LRScheduler {
  readonly milestones: number[];
  readonly gamma: number;

  constructor(optimizer: AnyOptimizer, milestones: readonly number[], gamma = 0.1, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    for (const m of milestones) {
      if (!Number.isInteger(m)) throw new ArgumentError(`MultiStepLR: invalid milestone ${m}, expected integers`);
    }
    if (!Number.isFinite(gamma)) throw new ArgumentError(`MultiStepLR: invalid gamma ${gamma}`);
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.gamma = gamma;
    this.initialStep();
  }

  getLr(): number[] {
    let count = 0;
    for (const m of this.milestones) if (m === this.lastEpoch) count++;
    if (count === 0) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * this.gamma ** count);
  }
}

/** Multiplies the lr by `gamma` every epoch. */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;

  constructor(optimizer: AnyOptimizer, gamma: number, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    if (!Number.isFinite(gamma)) throw new ArgumentError(`ExponentialLR: invalid gamma ${gamma}`);
    this.gamma = gamma;
    this.initialStep();
  }

  getLr(): number[] {
    if (this.lastEpoch === 0) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * this.gamma);
  }
}

/**
 * Cosine annealing from the base lr to `etaMin` over `tMax` epochs, in PyTorch's recursive
 * form: past `tMax` it climbs back (the base lr again at epoch 2*tMax), and it follows any
 * other change made to the lr in between.
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: AnyOptimizer, tMax: number, etaMin = 0, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    if (!(tMax > 0)) throw new ArgumentError(`CosineAnnealingLR: invalid tMax ${tMax}, expected > 0`);
    if (!Number.isFinite(etaMin)) throw new ArgumentError(`CosineAnnealingLR: invalid etaMin ${etaMin}`);
    this.tMax = tMax;
    this.etaMin = etaMin;
    this.initialStep();
  }

  getLr(): number[] {
    const { lastEpoch: e, tMax: T, etaMin } = this;
    const groups = this.groupLrs();
    if (e === 0) return groups;
    if (this.stepCount === 1 && e > 0) {
      return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((e * Math.PI) / T))) / 2);
    }
    if ((e - 1 - T) % (2 * T) === 0) {
      return groups.map((lr, i) => lr + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return groups.map(
      (lr) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (lr - etaMin) + etaMin,
    );
  }
}

export interface ReduceLROnPlateauOptions {
  /** 'min': the metric should fall (a loss); 'max': rise (an accuracy). */
  mode?: 'min' | 'max';
  /** New lr = lr * factor (< 1). */
  factor?: number;
  /** Epochs without improvement tolerated before the lr is reduced. */
  patience?: number;
  /** The least change that counts as an improvement. */
  threshold?: number;
  /** 'rel': best * (1 ∓ threshold); 'abs': best ∓ threshold. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting bad epochs again. */
  cooldown?: number;
  /** Lower bound on the lr, one for all groups or one per group. */
  minLr?: number | readonly number[];
  /** Reductions smaller than this are skipped. */
  eps?: number;
}

/** Reduces the lr by `factor` once the metric given to step() has stopped improving. */
export class ReduceLROnPlateau {
  readonly optimizer: AnyOptimizer;
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  minLrs: number[];
  eps: number;
  /** Best metric so far. */
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  private lastLr: number[];

  constructor(optimizer: AnyOptimizer, opts: ReduceLROnPlateauOptions = {}) {
    const { mode = 'min', factor = 0.1, patience = 10, threshold = 1e-4, thresholdMode = 'rel', cooldown = 0, minLr = 0, eps = 1e-8 } = opts;
    if (!(factor < 1)) throw new ArgumentError(`ReduceLROnPlateau: factor should be < 1.0, got ${factor}`);
    if (mode !== 'min' && mode !== 'max') throw new ArgumentError(`ReduceLROnPlateau: mode ${JSON.stringify(mode)} is unknown, expected 'min' or 'max'`);
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs') {
      throw new ArgumentError(`ReduceLROnPlateau: thresholdMode ${JSON.stringify(thresholdMode)} is unknown, expected 'rel' or 'abs'`);
    }
    if (!(patience >= 0)) throw new ArgumentError(`ReduceLROnPlateau: invalid patience ${patience}`);
    if (!(cooldown >= 0)) throw new ArgumentError(`ReduceLROnPlateau: invalid cooldown ${cooldown}`);
    const n = optimizer.paramGroups.length;
    if (Array.isArray(minLr)) {
      if (minLr.length !== n) throw new ArgumentError(`ReduceLROnPlateau: expected ${n} minLrs, got ${minLr.length}`);
      this.minLrs = [...(minLr as readonly number[])];
    } else {
      this.minLrs = Array.from({ length: n }, () => minLr as number);
    }
    this.optimizer = optimizer;
    this.mode = mode;
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.cooldown = cooldown;
    this.eps = eps;
    this.best = this.modeWorse;
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  /** The worst possible metric for the mode (what `best` starts from). */
  get modeWorse(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - this.threshold) : a < best - this.threshold;
    return this.thresholdMode === 'rel' ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  /** Records one epoch's metric (a number or a one-element tensor) and reduces the lr if due. */
  step(metric: number | Tensor): void {
    const current = typeof metric === 'number' ? metric : metric.item();
    this.lastEpoch++;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.inCooldown) {
      this.cooldownCounter--;
      this.numBadEpochs = 0; // bad epochs in cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private reduceLr(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      const old = g.lr;
      const next = Math.max(old * this.factor, this.minLrs[i]!);
      if (old - next > this.eps) g.lr = next;
    });
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this)) if (k !== 'optimizer') out[k] = structuredClone(v);
    return out;
  }

  loadStateDict(sd: Record<string, unknown>): void {
    const self = this as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(sd)) if (k !== 'optimizer') self[k] = structuredClone(v);
  }
}
