// Elementwise ops with their gradients side by side. Gradients are written with these same
// public ops, so every backend gets them for free.

import { ArgumentError } from '../errors.js';
import type { BinaryOp, UnaryOp } from '../kernels/backend.js';
import { backend } from '../kernels/registry.js';
import { record } from '../autograd/tape.js';
import { Tensor, checkDType, type DType } from '../tensor/tensor.js';
import { broadcastShapes, broadcastStrides } from '../tensor/shape.js';
import { cast, contiguousData, promote, scalar, type TensorLike } from './util.js';
import { sumTo } from './broadcast.js';

// ---- kernels wrapped as tensor functions (no autograd) -------------------------------------

function unaryRaw(op: UnaryOp, x: Tensor, p0 = 0, p1 = 0, outDt: DType = x.dtype): Tensor {
  const src = cast(contiguousData(x), outDt);
  const out = Tensor.empty(x.shape, outDt);
  backend().unary(op, outDt, src.offset, out.offset, out.numel, p0, p1);
  if (src !== x) src.dispose();
  return out;
}

function binaryRaw(op: BinaryOp, a: Tensor, b: Tensor, name: string, p0 = 0): Tensor {
  const dt = promote(a.dtype, b.dtype);
  const shape = broadcastShapes(a.shape, b.shape, name);
  const ac = cast(a, dt);
  const bc = cast(b, dt);
  const isCmp = op === 'eq' || op === 'ne' || op === 'lt' || op === 'le' || op === 'gt' || op === 'ge';
  const outDt: DType = isCmp ? 'int32' : op === 'div' && dt === 'int32' ? 'float32' : dt;
  let out: Tensor;
  if (outDt !== dt) {
    // int / int is true division in PyTorch: compute in float32
    const af = cast(ac, 'float32');
    const bf = cast(bc, 'float32');
    out = Tensor.empty(shape, outDt);
    backend().binary(op, 'float32', outDt, shape, strided(af, shape), strided(bf, shape), out.offset, p0);
    if (af !== ac) af.dispose();
    if (bf !== bc) bf.dispose();
  } else {
    out = Tensor.empty(shape, outDt);
    backend().binary(op, dt, outDt, shape, strided(ac, shape), strided(bc, shape), out.offset, p0);
  }
  if (ac !== a) ac.dispose();
  if (bc !== b) bc.dispose();
  return out;
}

function strided(t: Tensor, shape: readonly number[]) {
  return { off: t.offset, strides: broadcastStrides(t.shape, t.strides, shape) };
}

/** A scalar as a 0-d tensor of the dtype PyTorch would give it next to `like`. */
function asTensor(v: number, like: TensorLike): Tensor {
  const dt: DType = typeof like !== 'number' && like.isFloat ? like.dtype : Number.isInteger(v) && typeof like !== 'number' ? 'int32' : 'float32';
  return scalar(v, dt);
}

// ---- binary ops ------------------------------------------------------------------------------

export function add(a: TensorLike, b: TensorLike, alpha = 1): Tensor {
  if (typeof a === 'number' && typeof b === 'number') return scalar(a + alpha * b);
  if (typeof b === 'number') return addScalar(a as Tensor, alpha * b);
  if (typeof a === 'number') return addScalar(alpha === 1 ? b : mul(b, alpha), a);
  if (alpha !== 1) return add(a, mul(b, alpha));
  const out = binaryRaw('add', a, b, 'add');
  return record('add', out, [a, b], (g) => [sumTo(g, a.shape), sumTo(g, b.shape)]);
}

export function sub(a: TensorLike, b: TensorLike, alpha = 1): Tensor {
  if (typeof b === 'number') return add(a, -alpha * b);
  if (typeof a === 'number') return addScalar(neg(alpha === 1 ? b : mul(b, alpha)), a);
  if (alpha !== 1) return sub(a, mul(b, alpha));
  const out = binaryRaw('sub', a, b, 'sub');
  return record('sub', out, [a, b], (g) => [sumTo(g, a.shape), sumTo(neg(g), b.shape)]);
}

export function mul(a: TensorLike, b: TensorLike): Tensor {
  if (typeof a === 'number' && typeof b === 'number') return scalar(a * b);
  if (typeof b === 'number') return mulScalar(a as Tensor, b);
  if (typeof a === 'number') return mulScalar(b, a);
  const out = binaryRaw('mul', a, b, 'mul');
  return record('mul', out, [a, b], (g) => [
    a.requiresGrad ? sumTo(mul(g, b), a.shape) : null,
    b.requiresGrad ? sumTo(mul(g, a), b.shape) : null,
  ], [a.requiresGrad && b, b.requiresGrad && a]);
}

export function div(a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === 'number') {
    const x = a as Tensor;
    if (!x.isFloat) return div(x, scalar(b, 'float32'));
    // true division (not x * (1/b)) so results match PyTorch to the last bit
    const out = unaryRaw('divScalar', x, b);
    return record('divScalar', out, [x], (g) => [div(g, b)]);
  }
  if (typeof a === 'number') {
    const out = unaryRaw('rdivScalar', b, a, 0, b.isFloat ? b.dtype : 'float32');
    return record('rdiv', out, [b], (g) => [neg(div(mul(g, out), b))], [b, out]);
  }
  const out = binaryRaw('div', a, b, 'div');
  return record('div', out, [a, b], (g) => [
    a.requiresGrad ? sumTo(div(g, b), a.shape) : null,
    b.requiresGrad ? sumTo(neg(div(mul(g, out), b)), b.shape) : null,
  ], [b, b.requiresGrad && out]);
}

export function pow(a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === 'number') return powScalar(a as Tensor, b);
  if (typeof a === 'number') {
    const out = unaryRaw('rpowScalar', b, a, 0, b.isFloat ? b.dtype : 'float32');
    return record('rpow', out, [b], (g) => [mul(g, mul(out, Math.log(a)))], [out]);
  }
  const out = binaryRaw('pow', a, b, 'pow');
  return record('pow', out, [a, b], (g) => [
    a.requiresGrad ? sumTo(mul(g, mul(b, pow(a, sub(b, 1)))), a.shape) : null,
    // d/db a^b = a^b log a; PyTorch masks a == 0 (where the limit is 0 for b > 0)
    b.requiresGrad ? sumTo(mul(g, where(eq(a, 0), 0, mul(out, log(a)))), b.shape) : null,
  ], [a, b, b.requiresGrad && out]);
}

function minmax(op: 'maximum' | 'minimum', a: Tensor, b: Tensor): Tensor {
  const out = binaryRaw(op, a, b, op);
  return record(op, out, [a, b], (g) => {
    // ties share the gradient equally, as in PyTorch
    const half = mul(g, 0.5);
    const aWins = op === 'maximum' ? gt(a, b) : lt(a, b);
    const ga = where(eq(a, b), half, where(aWins, g, 0));
    const gb = where(eq(a, b), half, where(aWins, 0, g));
    return [sumTo(ga, a.shape), sumTo(gb, b.shape)];
  }, [a, b]);
}
export const maximum = (a: TensorLike, b: TensorLike): Tensor => minmax('maximum', tensorOf(a, b), tensorOf(b, a));
export const minimum = (a: TensorLike, b: TensorLike): Tensor => minmax('minimum', tensorOf(a, b), tensorOf(b, a));

function tensorOf(v: TensorLike, other: TensorLike): Tensor {
  return typeof v === 'number' ? asTensor(v, other) : v;
}

// Comparisons give int32 0/1 tensors (PyTorch's bool) and carry no gradient.
const cmp = (op: BinaryOp) => (a: TensorLike, b: TensorLike): Tensor => binaryRaw(op, tensorOf(a, b), tensorOf(b, a), op);
export const eq = cmp('eq');
export const ne = cmp('ne');
export const lt = cmp('lt');
export const le = cmp('le');
export const gt = cmp('gt');
export const ge = cmp('ge');

/** cond ? a : b, broadcasting all three; cond is nonzero-is-true. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const ta = typeof a === 'number' && typeof b === 'number' ? scalar(a) : tensorOf(a, b);
  const tb = tensorOf(b, ta);
  const dt = promote(ta.dtype, tb.dtype);
  const shape = broadcastShapes(broadcastShapes(cond.shape, ta.shape, 'where'), tb.shape, 'where');
  // nonzero is true: a float condition is compared with 0, since casting it to int32 would
  // truncate 0.5 to 0 (false)
  const c = cond.isFloat ? binaryRaw('ne', cond, scalar(0, cond.dtype), 'where') : cond;
  const ac = cast(ta, dt);
  const bc = cast(tb, dt);
  const out = Tensor.empty(shape, dt);
  backend().where(dt, shape, strided(c, shape), strided(ac, shape), strided(bc, shape), out.offset);
  return record('where', out, [ta, tb], (g) => [
    ta.requiresGrad ? sumTo(where(cond, g, 0), ta.shape) : null,
    tb.requiresGrad ? sumTo(where(cond, 0, g), tb.shape) : null,
  ], [cond]);
}

// ---- scalar ops ------------------------------------------------------------------------------

export function addScalar(x: Tensor, s: number): Tensor {
  const dt: DType = x.isFloat || Number.isInteger(s) ? x.dtype : 'float32';
  const out = unaryRaw('addScalar', x, s, 0, dt);
  return record('addScalar', out, [x], (g) => [g]);
}

export function mulScalar(x: Tensor, s: number): Tensor {
  const dt: DType = x.isFloat || Number.isInteger(s) ? x.dtype : 'float32';
  const out = unaryRaw('mulScalar', x, s, 0, dt);
  return record('mulScalar', out, [x], (g) => [mulScalar(g, s)]);
}

export function powScalar(x: Tensor, p: number): Tensor {
  const dt: DType = x.isFloat ? x.dtype : 'float32';
  const out = unaryRaw('powScalar', x, p, 0, dt);
  return record('pow', out, [x], (g) => [p === 0 ? mulScalar(g, 0) : mul(g, mulScalar(powScalar(x, p - 1), p))], [x]);
}

// ---- unary ops -------------------------------------------------------------------------------

function floatUnary(op: UnaryOp, x: Tensor, p0 = 0, p1 = 0): Tensor {
  return unaryRaw(op, x, p0, p1, x.isFloat ? x.dtype : 'float32');
}

export function neg(x: Tensor): Tensor {
  return record('neg', unaryRaw('neg', x), [x], (g) => [neg(g)]);
}
export function exp(x: Tensor): Tensor {
  const out = floatUnary('exp', x);
  return record('exp', out, [x], (g) => [mul(g, out)], [out]);
}
export function log(x: Tensor): Tensor {
  return record('log', floatUnary('log', x), [x], (g) => [div(g, x)], [x]);
}
export function log1p(x: Tensor): Tensor {
  return record('log1p', floatUnary('log1p', x), [x], (g) => [div(g, addScalar(x, 1))], [x]);
}
export function expm1(x: Tensor): Tensor {
  const out = floatUnary('expm1', x);
  return record('expm1', out, [x], (g) => [mul(g, addScalar(out, 1))], [out]);
}
export function sqrt(x: Tensor): Tensor {
  const out = floatUnary('sqrt', x);
  return record('sqrt', out, [x], (g) => [div(g, mulScalar(out, 2))], [out]);
}
export function rsqrt(x: Tensor): Tensor {
  const out = floatUnary('rsqrt', x);
  return record('rsqrt', out, [x], (g) => [mul(g, mulScalar(powScalar(out, 3), -0.5))], [out]);
}
export function abs(x: Tensor): Tensor {
  return record('abs', unaryRaw('abs', x), [x], (g) => [mul(g, sign(x))], [x]);
}
export function sign(x: Tensor): Tensor {
  return unaryRaw('sign', x);
}
export function sin(x: Tensor): Tensor {
  return record('sin', floatUnary('sin', x), [x], (g) => [mul(g, cos(x))], [x]);
}
export function cos(x: Tensor): Tensor {
  return record('cos', floatUnary('cos', x), [x], (g) => [neg(mul(g, sin(x)))], [x]);
}
export function tanh(x: Tensor): Tensor {
  const out = floatUnary('tanh', x);
  return record('tanh', out, [x], (g) => [mul(g, addScalar(neg(mul(out, out)), 1))], [out]);
}
export function sigmoid(x: Tensor): Tensor {
  const out = floatUnary('sigmoid', x);
  return record('sigmoid', out, [x], (g) => [mul(g, mul(out, addScalar(neg(out), 1)))], [out]);
}
export function relu(x: Tensor): Tensor {
  const out = unaryRaw('relu', x);
  return record('relu', out, [x], (g) => [binaryRaw('reluBackward', g, x, 'relu')], [x]);
}
/** F.softplus: log(1 + exp(β·x)) / β, and x itself where β·x > threshold (for stability). */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  if (beta === 1 && threshold === 20) {
    return record('softplus', floatUnary('softplus', x), [x], (g) => [mul(g, sigmoid(x))], [x]);
  }
  if (!Number.isFinite(beta) || beta === 0) throw new ArgumentError(`softplus: beta must be finite and nonzero, got ${beta}`);
  // composed from differentiable ops, so the gradient is sigmoid(β·x) below the threshold and 1
  // above it, as PyTorch's. The inner kernel switches to identity at β·x > 20, where
  // log1p(exp(β·x)) and β·x differ by less than exp(-20).
  const bx = mulScalar(x, beta);
  return where(gt(bx, threshold), x, div(softplus(bx), beta));
}
export function elu(x: Tensor, alpha = 1): Tensor {
  const out = floatUnary('elu', x, alpha);
  return record('elu', out, [x], (g) => [binaryRaw('eluBackward', g, x, 'elu', alpha)], [x]);
}
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  const out = floatUnary('leakyRelu', x, negativeSlope);
  return record('leakyRelu', out, [x], (g) => [where(gt(x, 0), g, mulScalar(g, negativeSlope))], [x]);
}
export function reciprocal(x: Tensor): Tensor {
  const out = floatUnary('reciprocal', x);
  return record('reciprocal', out, [x], (g) => [neg(mul(g, mul(out, out)))], [out]);
}
export function square(x: Tensor): Tensor {
  return record('square', unaryRaw('square', x), [x], (g) => [mul(g, mulScalar(x, 2))], [x]);
}
export function floor(x: Tensor): Tensor {
  return unaryRaw('floor', x);
}
export function ceil(x: Tensor): Tensor {
  return unaryRaw('ceil', x);
}
export function round(x: Tensor): Tensor {
  return unaryRaw('round', x);
}
export function clamp(x: Tensor, min: number | null = null, max: number | null = null): Tensor {
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  const out = unaryRaw('clamp', x, lo, hi);
  // gradient flows where lo <= x <= hi (boundaries included), as in PyTorch
  return record('clamp', out, [x], (g) => [where(ge(x, lo), where(le(x, hi), g, 0), 0)], [x]);
}

/** A copy in another dtype; the gradient is cast back. */
export function to(x: Tensor, dtype: DType): Tensor {
  checkDType(dtype, 'to');
  if (x.dtype === dtype) return x;
  const out = cast(x, dtype);
  // casts to or from int32 carry no gradient; int32 -> float is a plain conversion (x.float(),
  // x.double() on an index tensor), which used to be refused here as "expected a floating-point tensor"
  if (dtype === 'int32' || !x.isFloat) return out;
  return record('to', out, [x], (g) => [cast(g, x.dtype)]);
}
