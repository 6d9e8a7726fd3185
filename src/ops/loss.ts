// Loss functions with PyTorch's semantics (reductions, ignoreIndex, class weights, label
// smoothing). Composed from differentiable ops; the class-index losses read targets once in JS,
// except targets in device memory (webgpu), which are used there through one-hot masks (no read-back).

import { ArgumentError, DTypeError, IndexError, ShapeError } from '../errors.js';
import { Tensor, fromValues } from '../tensor/tensor.js';
import { fmtShape, sameShape } from '../tensor/shape.js';
import { abs, add, addScalar, div, eq, exp, log, log1p, mul, ne, neg, relu, sqrt, sub, where, gt, mulScalar } from './elementwise.js';
import { arange } from '../tensor/creation.js';
import { cast } from './util.js';
import { mean, sum } from './reduce.js';
import { gather, reshape, squeeze, unsqueeze } from './movement.js';
import { logSoftmax } from './activation.js';
import { contiguousData, requireFloat } from './util.js';
import { backend } from '../kernels/registry.js';
import { record } from '../autograd/tape.js';

export type Reduction = 'mean' | 'sum' | 'none';

function checkReduction(reduction: Reduction, op: string): void {
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') throw new ArgumentError(`${op}: reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
}

function reduce(loss: Tensor, reduction: Reduction, op: string): Tensor {
  checkReduction(reduction, op);
  if (reduction === 'mean') return mean(loss);
  if (reduction === 'sum') return sum(loss);
  return loss;
}

function checkSame(input: Tensor, target: Tensor, op: string): void {
  if (!sameShape(input.shape, target.shape)) throw new ShapeError(`${op}: input ${fmtShape(input.shape)} and target ${fmtShape(target.shape)} must have the same shape`);
}

export interface NllOptions {
  weight?: Tensor | null;
  ignoreIndex?: number;
  reduction?: Reduction;
}

/** Per-element class indices made safe to gather, their weights, and the weight total. */
function prepareTargets(input: Tensor, target: Tensor, opts: NllOptions, op: string) {
  if (target.isFloat) throw new DTypeError(`${op}: class-index target must be an integer tensor, got ${target.dtype}`);
  const C = input.shape[1]!;
  const expected = [input.shape[0]!, ...input.shape.slice(2)];
  if (input.ndim < 2 || !sameShape(target.shape, expected)) {
    throw new ShapeError(`${op}: input ${fmtShape(input.shape)} needs a target of shape ${fmtShape(expected)}, got ${fmtShape(target.shape)}`);
  }
  const ignore = opts.ignoreIndex ?? -100;
  const w = opts.weight ? opts.weight.dataSync() : null;
  if (opts.weight && (opts.weight.ndim !== 1 || opts.weight.shape[0] !== C)) throw new ShapeError(`${op}: weight ${fmtShape(opts.weight.shape)} must be (${C},)`);
  const t = target.dataSync();
  const safe = new Int32Array(t.length);
  const wElem = new Float64Array(t.length);
  const kept = new Int32Array(t.length);
  let total = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    if (c === ignore) continue;
    if (c < 0 || c >= C) throw new IndexError(`${op}: target ${c} is out of bounds for ${C} classes (at flat position ${i})`);
    safe[i] = c;
    kept[i] = 1;
    wElem[i] = w ? w[c]! : 1;
    total += wElem[i]!;
  }
  const idx = fromValues(safe, [target.shape[0]!, 1, ...target.shape.slice(1)], 'int32');
  const wt = fromValues(wElem, target.shape, input.dtype);
  // 1 where the target is not ignored (a class weight of 0 does not make a target ignored)
  const keep = fromValues(kept, target.shape, 'int32');
  return { idx, wt, total, keep };
}

/** F.nll_loss on log-probabilities (N, C, *) with class-index targets (N, *). */
export function nllLoss(input: Tensor, target: Tensor, opts: NllOptions = {}): Tensor {
  requireFloat(input, 'nllLoss');
  checkReduction(opts.reduction ?? 'mean', 'nllLoss');
  if (target.storage.device !== null) return deviceNllLoss(input, deviceTargets(input, target, opts, 'nllLoss'), opts);
  const { idx, wt, total } = prepareTargets(input, target, opts, 'nllLoss');
  const picked = squeeze(gather(input, 1, idx), 1);
  const loss = neg(mul(picked, wt));
  const reduction = opts.reduction ?? 'mean';
  if (reduction === 'mean') return mulScalar(sum(loss), 1 / total);
  return reduce(loss, reduction, 'nllLoss');
}

export interface CrossEntropyOptions extends NllOptions {
  labelSmoothing?: number;
}

/**
 * F.cross_entropy from logits (N, C, *): class-index targets (N, *) or class probabilities
 * of the input's shape. Stable: log-softmax is computed around the row max.
 */
export function crossEntropy(input: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  requireFloat(input, 'crossEntropy');
  if (input.ndim === 1) {
    // unbatched (C,) input with a 0-d target
    return crossEntropy(unsqueeze(input, 0), target.ndim === 0 ? reshape(target, [1]) : unsqueeze(target, 0), opts);
  }
  const ls = opts.labelSmoothing ?? 0;
  if (ls < 0 || ls > 1) throw new ArgumentError(`crossEntropy: labelSmoothing must be in [0, 1], got ${ls}`);
  const reduction = opts.reduction ?? 'mean';
  checkReduction(reduction, 'crossEntropy');
  const C = input.shape[1]!;
  if (input.ndim === 2 && !target.isFloat && ls === 0 && !opts.weight && reduction !== 'none') return fusedCrossEntropy(input, target, opts.ignoreIndex ?? -100, reduction);
  const logp = logSoftmax(input, 1);
  const wShape = input.shape.map((s, i) => (i === 1 ? s : 1));
  const wb = opts.weight ? reshape(opts.weight, wShape) : null;
  if (target.isFloat) {
    checkSame(input, target, 'crossEntropy');
    const q = ls > 0 ? addScalar(mulScalar(target, 1 - ls), ls / C) : target;
    const per = neg(sum(mul(wb ? mul(logp, wb) : logp, q), 1));
    if (reduction === 'mean') return mulScalar(sum(per), 1 / (input.numel / C));
    return reduce(per, reduction, 'crossEntropy');
  }
  if (target.storage.device !== null) {
    // the one-hot mask and kept targets serve the NLL and the smoothing term
    const dt = deviceTargets(logp, target, opts, 'nllLoss');
    const nll = deviceNllLoss(logp, dt, { ...opts, reduction });
    return ls === 0 ? nll : add(mulScalar(nll, 1 - ls), mulScalar(deviceSmoothing(logp, dt, wb, reduction), ls / C));
  }
  const nll = nllLoss(logp, target, { ...opts, reduction });
  if (ls === 0) return nll;
  // smoothing term: −Σ_c w_c log p_c, over the non-ignored targets
  // (PyTorch masks only ignored targets here; masking on weight > 0 wrongly dropped the smoothing
  // term of targets whose class weight is 0)
  const { total, keep: keepMask } = prepareTargets(input, target, opts, 'crossEntropy');
  const smooth = where(keepMask, neg(sum(wb ? mul(logp, wb) : logp, 1)), 0);
  let s: Tensor;
  if (reduction === 'none') s = smooth;
  else if (reduction === 'sum') s = sum(smooth);
  else s = mulScalar(sum(smooth), 1 / (opts.weight ? total : countNonzero(keepMask)));
  return add(mulScalar(nll, 1 - ls), mulScalar(s, ls / C));
}

/**
 * The common classification case — (N, C) logits, class indices, no weights or smoothing — as
 * one fused op: log-softmax and NLL forward, and the gradient (softmax − one-hot)·g/count in a
 * single pass backward, instead of the half-dozen ops of the general path.
 */
function fusedCrossEntropy(input: Tensor, target: Tensor, ignore: number, reduction: 'mean' | 'sum'): Tensor {
  const [N, C] = input.shape as [number, number];
  if (target.ndim !== 1 || target.shape[0] !== N) throw new ShapeError(`crossEntropy: input ${fmtShape(input.shape)} needs a target of shape (${N},), got ${fmtShape(target.shape)}`);
  if (target.storage.device !== null) return deviceCrossEntropy(input, target, ignore, reduction);
  const t = target.dataSync();
  const x = contiguousData(input);
  const logp = Tensor.empty([N, C], input.dtype);
  backend().softmax(input.dtype, x.offset, N, C, 1, logp.offset, true);
  const lp = logp.dataSync();
  let loss = 0;
  let count = 0;
  for (let i = 0; i < N; i++) {
    const c = t[i]!;
    if (c === ignore) continue;
    if (c < 0 || c >= C) throw new IndexError(`crossEntropy: target ${c} is out of bounds for ${C} classes (at position ${i})`);
    loss -= lp[i * C + c]!;
    count++;
  }
  // PyTorch: a mean over zero targets is NaN (0/0)
  const scale = reduction === 'mean' ? 1 / count : 1;
  const out = fromValues([loss * scale], [], input.dtype);
  return record('crossEntropy', out, [input], (g) => {
    const gs = g.item() * scale;
    const d = new Float64Array(N * C);
    for (let i = 0; i < N; i++) {
      const c = t[i]!;
      if (c === ignore) continue;
      for (let k = 0; k < C; k++) d[i * C + k] = Math.exp(lp[i * C + k]!) * gs;
      d[i * C + c]! -= gs;
    }
    return [fromValues(d, [N, C], input.dtype)];
  });
}

/**
 * crossEntropy for targets in device memory (webgpu), which cannot be read synchronously to
 * check and count them: the loss is made of device ops — a one-hot mask of the targets, the
 * count of kept ones — and a kept target outside [0, C) makes the loss NaN (sqrt of minus the
 * count of such targets) where the host path raises an IndexError.
 */
function deviceCrossEntropy(input: Tensor, target: Tensor, ignore: number, reduction: 'mean' | 'sum'): Tensor {
  const [N, C] = input.shape as [number, number];
  const logp = logSoftmax(input, 1);
  const hit = cast(eq(reshape(target, [N, 1]), reshape(arange(0, C, 1, { dtype: 'int32' }), [1, C])), input.dtype);
  const kept = cast(ne(target, ignore), input.dtype);
  const bad = sub(sum(kept), sum(hit));
  const total = add(neg(sum(mul(logp, hit))), sqrt(neg(bad)));
  return reduction === 'mean' ? div(total, sum(kept)) : total;
}

/** Class-index targets in device memory as masks in the input's dtype (see deviceTargets). */
interface DeviceTargets {
  /** (N, *): 1 where the target is not ignored. */
  kept: Tensor;
  /** (N, C, *): the one-hot of the kept targets (an ignore index inside [0, C) picks nothing). */
  hit: Tensor;
  /** The input's shape with 1 for every dim but the class dim, to broadcast class weights. */
  classShape: number[];
}

/** Checks class-index targets in device memory against `input` (N, C, *) and builds their masks. */
function deviceTargets(input: Tensor, target: Tensor, opts: NllOptions, op: string): DeviceTargets {
  if (target.isFloat) throw new DTypeError(`${op}: class-index target must be an integer tensor, got ${target.dtype}`);
  const C = input.shape[1]!;
  const expected = [input.shape[0]!, ...input.shape.slice(2)];
  if (input.ndim < 2 || !sameShape(target.shape, expected)) {
    throw new ShapeError(`${op}: input ${fmtShape(input.shape)} needs a target of shape ${fmtShape(expected)}, got ${fmtShape(target.shape)}`);
  }
  if (opts.weight && (opts.weight.ndim !== 1 || opts.weight.shape[0] !== C)) throw new ShapeError(`${op}: weight ${fmtShape(opts.weight.shape)} must be (${C},)`);
  const classShape = input.shape.map((s, i) => (i === 1 ? s : 1));
  const kept = cast(ne(target, opts.ignoreIndex ?? -100), input.dtype);
  const hit = mul(cast(eq(unsqueeze(target, 1), reshape(arange(0, C, 1, { dtype: 'int32' }), classShape)), input.dtype), unsqueeze(kept, 1));
  return { kept, hit, classShape };
}

/**
 * nllLoss for targets in device memory (webgpu), as deviceCrossEntropy: the picked
 * log-probabilities and class weights come from a one-hot mask of the kept targets (no gather,
 * no read-back), and a kept target outside [0, C) makes the loss NaN where the host path raises.
 */
function deviceNllLoss(input: Tensor, t: DeviceTargets, opts: NllOptions): Tensor {
  const whit = opts.weight ? mul(t.hit, reshape(opts.weight, t.classShape)) : t.hit;
  const per = neg(sum(mul(input, whit), 1));
  const bad = sub(sum(t.kept), sum(t.hit));
  const poison = sqrt(neg(bad)); // 0, or NaN when a kept target is out of range
  const reduction = opts.reduction ?? 'mean';
  if (reduction === 'none') return add(per, poison);
  const total = add(sum(per), poison);
  return reduction === 'mean' ? div(total, sum(whit)) : total;
}

/**
 * The label-smoothing term −Σ_c w_c log p_c of crossEntropy for targets in device memory, as the
 * host path computes it (over the non-ignored targets; a mean divides by their count, or by
 * their class weights' sum when weighted) from device ops only: no read-back.
 */
function deviceSmoothing(logp: Tensor, t: DeviceTargets, wb: Tensor | null, reduction: Reduction): Tensor {
  const smooth = mul(t.kept, neg(sum(wb ? mul(logp, wb) : logp, 1)));
  if (reduction === 'none') return smooth;
  if (reduction === 'sum') return sum(smooth);
  if (!wb) return div(sum(smooth), sum(t.kept));
  // Σ of the kept targets' class weights: their one-hot times the weights
  return div(sum(smooth), sum(mul(t.hit, wb)));
}

function countNonzero(mask: Tensor): number {
  const d = mask.dataSync();
  let n = 0;
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) n++;
  return n;
}

export function mseLoss(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  checkSame(input, target, 'mseLoss');
  const d = sub(input, target);
  return reduce(mul(d, d), opts.reduction ?? 'mean', 'mseLoss');
}

export function l1Loss(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  checkSame(input, target, 'l1Loss');
  return reduce(abs(sub(input, target)), opts.reduction ?? 'mean', 'l1Loss');
}

export interface BceOptions {
  weight?: Tensor | null;
  posWeight?: Tensor | null;
  reduction?: Reduction;
}

/** F.binary_cross_entropy_with_logits: (1−y)x + (1+(pw−1)y)·(log(1+e^−|x|) + max(−x, 0)). */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, opts: BceOptions = {}): Tensor {
  checkSame(input, target, 'binaryCrossEntropyWithLogits');
  const softTail = add(log1p(exp(neg(abs(input)))), relu(neg(input)));
  const lw = opts.posWeight ? addScalar(mul(addScalar(opts.posWeight, -1), target), 1) : null;
  let loss = add(mul(addScalar(neg(target), 1), input), lw ? mul(lw, softTail) : softTail);
  if (opts.weight) loss = mul(loss, opts.weight);
  return reduce(loss, opts.reduction ?? 'mean', 'binaryCrossEntropyWithLogits');
}

export interface PoissonNllOptions {
  /** true: input is the log-rate (loss e^x − y·x); false: input is the rate (x − y·log(x+eps)). */
  logInput?: boolean;
  /** Add the Stirling approximation of log(y!) where y > 1. */
  full?: boolean;
  eps?: number;
  reduction?: Reduction;
}

/** F.poisson_nll_loss, for spike counts. */
export function poissonNllLoss(input: Tensor, target: Tensor, opts: PoissonNllOptions = {}): Tensor {
  checkSame(input, target, 'poissonNllLoss');
  const eps = opts.eps ?? 1e-8;
  let loss = (opts.logInput ?? true) ? sub(exp(input), mul(target, input)) : sub(input, mul(target, log(addScalar(input, eps))));
  if (opts.full) {
    const y = target;
    const stirling = add(sub(mul(y, log(y)), y), mulScalar(log(mulScalar(y, 2 * Math.PI)), 0.5));
    loss = add(loss, where(gt(y, 1), stirling, 0));
  }
  return reduce(loss, opts.reduction ?? 'mean', 'poissonNllLoss');
}

