// Installs PyTorch-style methods on Tensor (x.add(y), x.sum(1), loss.backward(), p.mul_(0.9)).
// The ops live in their own modules; this file only wires them onto the prototype, keeping the
// tensor layer free of op code.

import { DendriteError } from '../errors.js';
import { backward as runBackward, type BackwardOptions } from '../autograd/tape.js';
import { isGradEnabled, noGrad } from '../autograd/grad_mode.js';
import { backend } from '../kernels/registry.js';
import { Tensor, tidy, type DType } from '../tensor/tensor.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import * as E from './elementwise.js';
import * as R from './reduce.js';
import * as M from './movement.js';
import { expand } from './broadcast.js';
import { matmul } from './matmul.js';
import { logSoftmax, softmax } from './activation.js';
import type { TensorLike } from './util.js';

declare module '../tensor/tensor.js' {
  interface Tensor {
    add(other: TensorLike, alpha?: number): Tensor;
    sub(other: TensorLike, alpha?: number): Tensor;
    mul(other: TensorLike): Tensor;
    div(other: TensorLike): Tensor;
    pow(exponent: TensorLike): Tensor;
    maximum(other: TensorLike): Tensor;
    minimum(other: TensorLike): Tensor;
    eq(other: TensorLike): Tensor;
    ne(other: TensorLike): Tensor;
    lt(other: TensorLike): Tensor;
    le(other: TensorLike): Tensor;
    gt(other: TensorLike): Tensor;
    ge(other: TensorLike): Tensor;
    neg(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    log1p(): Tensor;
    expm1(): Tensor;
    sqrt(): Tensor;
    rsqrt(): Tensor;
    abs(): Tensor;
    sign(): Tensor;
    sin(): Tensor;
    cos(): Tensor;
    tanh(): Tensor;
    sigmoid(): Tensor;
    relu(): Tensor;
    square(): Tensor;
    reciprocal(): Tensor;
    floor(): Tensor;
    ceil(): Tensor;
    round(): Tensor;
    clamp(min?: number | null, max?: number | null): Tensor;
    sum(dim?: R.Dims, keepdim?: boolean): Tensor;
    mean(dim?: R.Dims, keepdim?: boolean): Tensor;
    var(dim?: R.Dims, opts?: R.VarOptions): Tensor;
    std(dim?: R.Dims, opts?: R.VarOptions): Tensor;
    prod(dim?: R.Dims, keepdim?: boolean): Tensor;
    /** Max of all elements, or (values, indices) along a dim. */
    max(): Tensor;
    max(dim: number, keepdim?: boolean): R.ValuesIndices;
    min(): Tensor;
    min(dim: number, keepdim?: boolean): R.ValuesIndices;
    amax(dim?: R.Dims, keepdim?: boolean): Tensor;
    amin(dim?: R.Dims, keepdim?: boolean): Tensor;
    argmax(dim?: number | null, keepdim?: boolean): Tensor;
    argmin(dim?: number | null, keepdim?: boolean): Tensor;
    logsumexp(dim?: R.Dims, keepdim?: boolean): Tensor;
    softmax(dim: number): Tensor;
    logSoftmax(dim: number): Tensor;
    matmul(other: Tensor): Tensor;
    reshape(...shape: number[]): Tensor;
    view(...shape: number[]): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    permute(...dims: number[]): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    /** 2-D transpose. */
    t(): Tensor;
    squeeze(dim?: number | readonly number[]): Tensor;
    unsqueeze(dim: number): Tensor;
    expand(...shape: number[]): Tensor;
    expandAs(other: Tensor): Tensor;
    slice(dim: number, start?: number, end?: number, step?: number): Tensor;
    narrow(dim: number, start: number, length: number): Tensor;
    select(dim: number, index: number): Tensor;
    /** x.index(i): the i-th entry along dim 0 (x[i]). */
    index(i: number): Tensor;
    flip(dims: readonly number[]): Tensor;
    split(size: number | readonly number[], dim?: number): Tensor[];
    chunk(chunks: number, dim?: number): Tensor[];
    gather(dim: number, index: Tensor): Tensor;
    indexSelect(dim: number, index: Tensor): Tensor;
    contiguous(): Tensor;
    clone(): Tensor;
    /** A view that shares data but is cut from the tape. */
    detach(): Tensor;
    to(dtype: DType): Tensor;
    float(): Tensor;
    double(): Tensor;
    int(): Tensor;
    backward(grad?: Tensor | null, opts?: BackwardOptions): void;
    retainGrad(): this;
    fill_(value: number): this;
    zero_(): this;
    copy_(src: Tensor): this;
    add_(other: TensorLike, alpha?: number): this;
    sub_(other: TensorLike, alpha?: number): this;
    mul_(other: TensorLike): this;
    div_(other: TensorLike): this;
    clamp_(min?: number | null, max?: number | null): this;
    addcmul_(a: Tensor, b: Tensor, value?: number): this;
    addcdiv_(a: Tensor, b: Tensor, value?: number): this;
    uniform_(low?: number, high?: number, generator?: Generator): this;
    normal_(mean?: number, std?: number, generator?: Generator): this;
  }
}

const P = Tensor.prototype;
const shapeArgs = (a: (number | readonly number[])[]): number[] => (a.length === 1 && Array.isArray(a[0]) ? [...(a[0] as number[])] : (a as number[]));

P.add = function (o, alpha = 1) { return E.add(this, o, alpha); };
P.sub = function (o, alpha = 1) { return E.sub(this, o, alpha); };
P.mul = function (o) { return E.mul(this, o); };
P.div = function (o) { return E.div(this, o); };
P.pow = function (o) { return E.pow(this, o); };
P.maximum = function (o) { return E.maximum(this, o); };
P.minimum = function (o) { return E.minimum(this, o); };
P.eq = function (o) { return E.eq(this, o); };
P.ne = function (o) { return E.ne(this, o); };
P.lt = function (o) { return E.lt(this, o); };
P.le = function (o) { return E.le(this, o); };
P.gt = function (o) { return E.gt(this, o); };
P.ge = function (o) { return E.ge(this, o); };
P.neg = function () { return E.neg(this); };
P.exp = function () { return E.exp(this); };
P.log = function () { return E.log(this); };
P.log1p = function () { return E.log1p(this); };
P.expm1 = function () { return E.expm1(this); };
P.sqrt = function () { return E.sqrt(this); };
P.rsqrt = function () { return E.rsqrt(this); };
P.abs = function () { return E.abs(this); };
P.sign = function () { return E.sign(this); };
P.sin = function () { return E.sin(this); };
P.cos = function () { return E.cos(this); };
P.tanh = function () { return E.tanh(this); };
P.sigmoid = function () { return E.sigmoid(this); };
P.relu = function () { return E.relu(this); };
P.square = function () { return E.square(this); };
P.reciprocal = function () { return E.reciprocal(this); };
P.floor = function () { return E.floor(this); };
P.ceil = function () { return E.ceil(this); };
P.round = function () { return E.round(this); };
P.clamp = function (lo = null, hi = null) { return E.clamp(this, lo, hi); };
P.sum = function (dim, keepdim = false) { return R.sum(this, dim, keepdim); };
P.mean = function (dim, keepdim = false) { return R.mean(this, dim, keepdim); };
P.var = function (dim, opts = {}) { return R.variance(this, dim, opts); };
P.std = function (dim, opts = {}) { return R.std(this, dim, opts); };
P.prod = function (dim, keepdim = false) { return R.prod(this, dim, keepdim); };
type Overloaded = { max: (dim?: number, keepdim?: boolean) => unknown; min: (dim?: number, keepdim?: boolean) => unknown };
(P as unknown as Overloaded).max = function (this: Tensor, dim?: number, keepdim = false) {
  return dim === undefined ? R.amax(this) : R.maxDim(this, dim, keepdim);
};
(P as unknown as Overloaded).min = function (this: Tensor, dim?: number, keepdim = false) {
  return dim === undefined ? R.amin(this) : R.minDim(this, dim, keepdim);
};
P.amax = function (dim, keepdim = false) { return R.amax(this, dim, keepdim); };
P.amin = function (dim, keepdim = false) { return R.amin(this, dim, keepdim); };
P.argmax = function (dim, keepdim = false) { return R.argmax(this, dim, keepdim); };
P.argmin = function (dim, keepdim = false) { return R.argmin(this, dim, keepdim); };
P.logsumexp = function (dim, keepdim = false) { return R.logsumexp(this, dim, keepdim); };
P.softmax = function (dim) { return softmax(this, dim); };
P.logSoftmax = function (dim) { return logSoftmax(this, dim); };
P.matmul = function (o) { return matmul(this, o); };
P.reshape = function (...s) { return M.reshape(this, shapeArgs(s)); };
P.view = function (...s) { return M.view(this, shapeArgs(s)); };
P.flatten = function (s = 0, e = -1) { return M.flatten(this, s, e); };
P.permute = function (...d) { return M.permute(this, shapeArgs(d)); };
P.transpose = function (a, b) { return M.transpose(this, a, b); };
P.t = function () {
  if (this.ndim > 2) throw new DendriteError(`t: expects a tensor with ≤ 2 dims, got ${this.ndim}; use transpose`);
  return this.ndim < 2 ? this : M.transpose(this, 0, 1);
};
P.squeeze = function (dim) { return M.squeeze(this, dim); };
P.unsqueeze = function (dim) { return M.unsqueeze(this, dim); };
P.expand = function (...s) { return expand(this, shapeArgs(s)); };
P.expandAs = function (o) { return expand(this, o.shape); };
P.slice = function (dim, start, end, step) { return M.slice(this, dim, start, end, step); };
P.narrow = function (dim, start, length) { return M.narrow(this, dim, start, length); };
P.select = function (dim, i) { return M.select(this, dim, i); };
P.index = function (i) { return M.select(this, 0, i); };
P.flip = function (dims) { return M.flip(this, dims); };
P.split = function (size, dim = 0) { return M.split(this, size, dim); };
P.chunk = function (n, dim = 0) { return M.chunk(this, n, dim); };
P.gather = function (dim, index) { return M.gather(this, dim, index); };
P.indexSelect = function (dim, index) { return M.indexSelect(this, dim, index); };
P.contiguous = function () { return M.contiguous(this); };
P.clone = function () { return M.clone(this); };
P.detach = function () { return this.view_(this.shape, this.strides, this.offset); };
P.to = function (dtype) { return E.to(this, dtype); };
P.float = function () { return E.to(this, 'float32'); };
P.double = function () { return E.to(this, 'float64'); };
P.int = function () { return E.to(this, 'int32'); };
P.backward = function (grad, opts = {}) { runBackward(this, grad, opts); };
P.retainGrad = function () { this.retainsGrad = true; return this; };

// ---- in place ------------------------------------------------------------------------------
// Computed out of place under noGrad, then written through this tensor's strides.

function inplace<T extends Tensor>(t: T, op: string, f: () => Tensor): T {
  if (isGradEnabled() && t.requiresGrad) {
    throw new DendriteError(`${op}: a tensor that requires grad is being used in an in-place operation; wrap it in noGrad()`);
  }
  t.assertAlive(op);
  // tidy frees the temporaries of composite updates (addcmul_, add_ with alpha)
  const r = noGrad(() => tidy(f));
  M.assignInto(t, r);
  if (r !== t) r.dispose();
  return t;
}

P.fill_ = function (v) {
  if (isGradEnabled() && this.requiresGrad) throw new DendriteError('fill_: a tensor that requires grad is being used in an in-place operation; wrap it in noGrad()');
  // through the backend: a typed-array fill on the shared heap is ~10× slower than the kernel's
  if (this.isContiguous()) {
    this.bumpVersion();
    backend().fill(this.dtype, this.offset, this.numel, v);
  }
  else {
    const s = E.mul(this, 0);
    const r = E.add(s, v);
    M.assignInto(this, r);
    s.dispose();
    r.dispose();
  }
  return this;
};
P.zero_ = function () { return this.fill_(0); };
P.copy_ = function (src) { return inplace(this, 'copy_', () => (src.dtype === this.dtype ? src : src.to(this.dtype))); };
P.add_ = function (o, alpha = 1) { return inplace(this, 'add_', () => E.add(this, o, alpha)); };
P.sub_ = function (o, alpha = 1) { return inplace(this, 'sub_', () => E.sub(this, o, alpha)); };
P.mul_ = function (o) { return inplace(this, 'mul_', () => E.mul(this, o)); };
P.div_ = function (o) { return inplace(this, 'div_', () => E.div(this, o)); };
P.clamp_ = function (lo = null, hi = null) { return inplace(this, 'clamp_', () => E.clamp(this, lo, hi)); };
P.addcmul_ = function (a, b, value = 1) { return inplace(this, 'addcmul_', () => E.add(this, E.mul(E.mul(a, b), value))); };
P.addcdiv_ = function (a, b, value = 1) { return inplace(this, 'addcdiv_', () => E.add(this, E.mul(E.div(a, b), value))); };
P.uniform_ = function (low = 0, high = 1, gen: Generator = defaultGenerator) {
  const t = Tensor.fromFn(this.shape, this.dtype, (v) => {
    for (let i = 0; i < v.length; i++) v[i] = low + (high - low) * gen.random();
  }, 'uniform_');
  return inplace(this, 'uniform_', () => t);
};
P.normal_ = function (mean = 0, std = 1, gen: Generator = defaultGenerator) {
  const t = Tensor.fromFn(this.shape, this.dtype, (v) => {
    for (let i = 0; i < v.length; i++) v[i] = mean + std * gen.normal();
  }, 'normal_');
  return inplace(this, 'normal_', () => t);
};
