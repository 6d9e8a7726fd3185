// The one gradient path every attribution method shares: run the model on a batch, take each
// example's target output y[b, target[b]], and return ∂y/∂x (and y) as plain arrays, so that no
// tensor outlives the call and memory stays bounded however many steps a method takes.
// x: (B, ...)  B=batch; model(x): (B, K)  K=outputs.

import { ArgumentError, IndexError, ShapeError } from '../../errors.js';
import { Tensor, tidy } from '../../tensor/tensor.js';
import { tensor } from '../../tensor/creation.js';
import { fmtShape } from '../../tensor/shape.js';
import { mul } from '../../ops/elementwise.js';
import { sum } from '../../ops/reduce.js';
import { backward } from '../../autograd/tape.js';
import { noGrad } from '../../autograd/grad_mode.js';
import type { AnyModule } from '../../nn/module.js';

/** A class index for every example, or one for all. */
export type Target = number | readonly number[];

/** Resolves `target` to one class index per example of a batch of `batch`. */
export function targetIndices(op: string, target: Target, batch: number): Int32Array {
  const t = typeof target === 'number' ? new Array<number>(batch).fill(target) : [...target];
  if (t.length !== batch) throw new ShapeError(`${op}: target has ${t.length} entries for a batch of ${batch}`);
  for (const v of t) if (!Number.isInteger(v) || v < 0) throw new IndexError(`${op}: target class index must be a non-negative integer, got ${v}`);
  return Int32Array.from(t);
}

function checkOutput(op: string, out: unknown, batch: number, target: Int32Array): Tensor {
  if (!(out instanceof Tensor) || out.ndim !== 2 || out.shape[0] !== batch) {
    const got = out instanceof Tensor ? fmtShape(out.shape) : typeof out;
    throw new ShapeError(`${op}: the model must return (B, K) outputs for a batch of ${batch}, got ${got}`);
  }
  const k = out.shape[1]!;
  for (const t of target) if (t >= k) throw new IndexError(`${op}: target class ${t} is out of range for ${k} outputs`);
  return out;
}

function oneHot(target: Int32Array, k: number): Tensor {
  const m = new Float32Array(target.length * k);
  target.forEach((t, b) => (m[b * k + t] = 1));
  return tensor(m, { shape: [target.length, k] });
}

/** Runs `fn` with every parameter of `model` frozen, so backward reaches only the input. */
export function withFrozenParams<T>(model: AnyModule, fn: () => T): T {
  const params = [...model.parameters()].filter((p) => p.requiresGrad);
  for (const p of params) p.requiresGrad = false;
  try {
    return fn();
  } finally {
    for (const p of params) p.requiresGrad = true;
  }
}

export interface GradResult {
  /** ∂y_target/∂x, shaped as x (flat, row-major). */
  grad: Float32Array;
  /** y[b, target[b]] per example. */
  score: Float64Array;
}

/** Frees t.grad: backward keeps gradients out of tidy scopes (parameters' must outlive them), so a scoped input's would leak. */
export function releaseGrad(t: Tensor): void {
  t.ownedGrad?.dispose();
  t.grad = null;
}

/** ∂y[b, target[b]]/∂x for a batch given as flat values of `shape`. */
export function targetGradient(op: string, model: AnyModule, x: Float32Array, shape: readonly number[], target: Int32Array): GradResult {
  return withFrozenParams(model, () => tidy(() => {
    const xt = tensor(x, { shape });
    xt.requiresGrad = true;
    const out = checkOutput(op, model.call(xt), shape[0]!, target);
    backward(sum(mul(out, oneHot(target, out.shape[1]!))));
    if (xt.ownedGrad === null) throw new ArgumentError(`${op}: the model's output does not depend on its input`);
    const o = out.dataSync(), k = out.shape[1]!;
    const score = Float64Array.from(target, (t, b) => o[b * k + t]!);
    const grad = Float32Array.from(xt.ownedGrad.dataSync());
    releaseGrad(xt);
    return { grad, score };
  }));
}

/** y[b, target[b]] without gradients. */
export function targetScore(op: string, model: AnyModule, x: Float32Array, shape: readonly number[], target: Int32Array): Float64Array {
  return noGrad(() => tidy(() => {
    const out = checkOutput(op, model.call(tensor(x, { shape })), shape[0]!, target);
    const o = out.dataSync(), k = out.shape[1]!;
    return Float64Array.from(target, (t, b) => o[b * k + t]!);
  }));
}

/** Checks x is a float tensor with a batch dimension and returns its values. */
export function inputValues(op: string, x: Tensor): Float32Array {
  if (x.ndim < 2) throw new ShapeError(`${op}: input must be (B, ...) with a batch dimension, got ${fmtShape(x.shape)}`);
  if (!x.isFloat) throw new ArgumentError(`${op}: input must be floating point, got ${x.dtype}`);
  return Float32Array.from(x.dataSync());
}

/** A baseline as values the size of x: a number, a tensor of x's shape, or one of an example's shape (shared by the batch). */
export function baselineValues(op: string, baseline: number | Tensor | undefined, shape: readonly number[]): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  if (baseline === undefined || typeof baseline === 'number') {
    const v = baseline ?? 0;
    if (!Number.isFinite(v)) throw new ArgumentError(`${op}: baseline must be finite, got ${v}`);
    return new Float32Array(n).fill(v);
  }
  const per = n / shape[0]!;
  const same = baseline.shape.length === shape.length && baseline.shape.every((d, i) => d === shape[i]);
  const one = baseline.shape.length === shape.length - 1 && baseline.shape.every((d, i) => d === shape[i + 1]);
  if (!same && !one) throw new ShapeError(`${op}: baseline shape ${fmtShape(baseline.shape)} matches neither the input ${fmtShape(shape)} nor one example ${fmtShape(shape.slice(1))}`);
  const v = baseline.dataSync();
  if (same) return Float32Array.from(v);
  const out = new Float32Array(n);
  for (let b = 0; b < shape[0]!; b++) out.set(v, b * per);
  return out;
}

export function positiveInt(op: string, name: string, v: number, min = 1): number {
  if (!Number.isInteger(v) || v < min) throw new ArgumentError(`${op}: ${name} must be an integer ≥ ${min}, got ${v}`);
  return v;
}
