// Reference elementwise kernels: strided copy, fill, unary maps, broadcasting binary ops, where.

import type { BinaryOp, Strided, UnaryOp } from '../backend.js';
import type { Heap, DType } from '../heap.js';

type Arr = Float32Array | Float64Array | Int32Array;

/**
 * Walks an N-d index over `shape` and calls `body(i, oa, ob, oc)` with the flat output index and
 * the element offsets of up to three strided operands. The last dim runs in a tight loop.
 */
function forEachStrided(
  shape: readonly number[],
  ops: readonly Strided[],
  inner: (n: number, i: number, o0: number, s0: number, o1: number, s1: number, o2: number, s2: number) => void,
): void {
  const nd = shape.length;
  const total = shape.reduce((a, b) => a * b, 1);
  if (total === 0) return;
  const k = ops.length;
  const st = (j: number, d: number) => (j < k ? ops[j]!.strides[d]! : 0);
  if (nd === 0) {
    inner(1, 0, ops[0]?.off ?? 0, 0, ops[1]?.off ?? 0, 0, ops[2]?.off ?? 0, 0);
    return;
  }
  const last = shape[nd - 1]!;
  const idx = new Array<number>(nd - 1).fill(0);
  const offs = [ops[0]?.off ?? 0, ops[1]?.off ?? 0, ops[2]?.off ?? 0];
  const rows = total / last;
  for (let r = 0; r < rows; r++) {
    inner(last, r * last, offs[0]!, st(0, nd - 1), offs[1]!, st(1, nd - 1), offs[2]!, st(2, nd - 1));
    // odometer increment over the outer dims
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      for (let j = 0; j < 3; j++) offs[j]! += st(j, d);
      if (idx[d]! < shape[d]!) break;
      for (let j = 0; j < 3; j++) offs[j]! -= st(j, d) * shape[d]!;
      idx[d] = 0;
    }
  }
}

export function copy(h: Heap, srcDt: DType, dstDt: DType, shape: readonly number[], src: Strided, dst: Strided): void {
  const s = h.view(srcDt);
  const d = h.view(dstDt);
  const toInt = dstDt === 'int32' && srcDt !== 'int32';
  forEachStrided(shape, [src, dst], (n, _i, o, so, q, sq) => {
    if (toInt) for (let j = 0; j < n; j++, o += so, q += sq) d[q] = Math.trunc(s[o]!);
    else if (so === 1 && sq === 1 && s === d) d.copyWithin(q, o, o + n);
    else for (let j = 0; j < n; j++, o += so, q += sq) d[q] = s[o]!;
  });
}

export function fill(h: Heap, dt: DType, dst: number, n: number, value: number): void {
  h.view(dt).fill(value, dst, dst + n);
}

function softplus(x: number): number {
  // PyTorch's softplus (beta 1, threshold 20): linear above the threshold
  return x > 20 ? x : Math.log1p(Math.exp(x));
}

export function unary(h: Heap, op: UnaryOp, dt: DType, src: number, dst: number, n: number, p0 = 0, p1 = 0): void {
  const a = h.view(dt);
  const d: Arr = a;
  const e = src + n;
  let o = dst;
  switch (op) {
    case 'neg': for (let i = src; i < e; i++) d[o++] = -a[i]!; break;
    case 'exp': for (let i = src; i < e; i++) d[o++] = Math.exp(a[i]!); break;
    case 'log': for (let i = src; i < e; i++) d[o++] = Math.log(a[i]!); break;
    case 'sqrt': for (let i = src; i < e; i++) d[o++] = Math.sqrt(a[i]!); break;
    case 'rsqrt': for (let i = src; i < e; i++) d[o++] = 1 / Math.sqrt(a[i]!); break;
    case 'abs': for (let i = src; i < e; i++) d[o++] = Math.abs(a[i]!); break;
    case 'sign': for (let i = src; i < e; i++) d[o++] = Math.sign(a[i]!); break;
    case 'sin': for (let i = src; i < e; i++) d[o++] = Math.sin(a[i]!); break;
    case 'cos': for (let i = src; i < e; i++) d[o++] = Math.cos(a[i]!); break;
    case 'tanh': for (let i = src; i < e; i++) d[o++] = Math.tanh(a[i]!); break;
    case 'sigmoid':
      for (let i = src; i < e; i++) {
        const x = a[i]!;
        // stable on both tails
        d[o++] = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
      }
      break;
    case 'relu': for (let i = src; i < e; i++) { const x = a[i]!; d[o++] = x > 0 ? x : 0; } break;
    case 'reciprocal': for (let i = src; i < e; i++) d[o++] = 1 / a[i]!; break;
    case 'square': for (let i = src; i < e; i++) { const x = a[i]!; d[o++] = x * x; } break;
    case 'floor': for (let i = src; i < e; i++) d[o++] = Math.floor(a[i]!); break;
    case 'ceil': for (let i = src; i < e; i++) d[o++] = Math.ceil(a[i]!); break;
    case 'round':
      // round half to even, as torch.round
      for (let i = src; i < e; i++) {
        const x = a[i]!;
        const r = Math.round(x);
        d[o++] = Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
      }
      break;
    case 'log1p': for (let i = src; i < e; i++) d[o++] = Math.log1p(a[i]!); break;
    case 'expm1': for (let i = src; i < e; i++) d[o++] = Math.expm1(a[i]!); break;
    case 'softplus': for (let i = src; i < e; i++) d[o++] = softplus(a[i]!); break;
    case 'elu': for (let i = src; i < e; i++) { const x = a[i]!; d[o++] = x > 0 ? x : p0 * Math.expm1(x); } break;
    case 'leakyRelu': for (let i = src; i < e; i++) { const x = a[i]!; d[o++] = x > 0 ? x : p0 * x; } break;
    case 'clamp':
      for (let i = src; i < e; i++) {
        const x = a[i]!;
        d[o++] = x !== x ? x : x < p0 ? p0 : x > p1 ? p1 : x;
      }
      break;
    case 'powScalar':
      if (p0 === 2) for (let i = src; i < e; i++) { const x = a[i]!; d[o++] = x * x; }
      else for (let i = src; i < e; i++) d[o++] = Math.pow(a[i]!, p0);
      break;
    case 'addScalar': for (let i = src; i < e; i++) d[o++] = a[i]! + p0; break;
    case 'mulScalar': for (let i = src; i < e; i++) d[o++] = a[i]! * p0; break;
    case 'divScalar': for (let i = src; i < e; i++) d[o++] = a[i]! / p0; break;
    case 'rsubScalar': for (let i = src; i < e; i++) d[o++] = p0 - a[i]!; break;
    case 'rdivScalar': for (let i = src; i < e; i++) d[o++] = p0 / a[i]!; break;
    case 'rpowScalar': for (let i = src; i < e; i++) d[o++] = Math.pow(p0, a[i]!); break;
    default: {
      const never: never = op;
      throw new Error(`unary: unknown op ${String(never)}`);
    }
  }
}

function binaryFn(op: BinaryOp, p0: number, intDiv: boolean): (x: number, y: number) => number {
  switch (op) {
    case 'add': return (x, y) => x + y;
    case 'sub': return (x, y) => x - y;
    case 'mul': return (x, y) => x * y;
    case 'div': return intDiv ? (x, y) => Math.trunc(x / y) : (x, y) => x / y;
    case 'pow': return (x, y) => Math.pow(x, y);
    case 'maximum': return (x, y) => (x !== x || y !== y ? NaN : x > y ? x : y);
    case 'minimum': return (x, y) => (x !== x || y !== y ? NaN : x < y ? x : y);
    case 'eq': return (x, y) => (x === y ? 1 : 0);
    case 'ne': return (x, y) => (x !== y ? 1 : 0);
    case 'lt': return (x, y) => (x < y ? 1 : 0);
    case 'le': return (x, y) => (x <= y ? 1 : 0);
    case 'gt': return (x, y) => (x > y ? 1 : 0);
    case 'ge': return (x, y) => (x >= y ? 1 : 0);
    case 'reluBackward': return (g, x) => (x > 0 ? g : 0);
    case 'eluBackward': return (g, x) => (x > 0 ? g : g * p0 * Math.exp(x));
  }
}

export function binary(
  h: Heap, op: BinaryOp, dt: DType, outDt: DType, shape: readonly number[], a: Strided, b: Strided, dst: number, p0 = 0,
): void {
  const A = h.view(dt);
  const D = h.view(outDt);
  // The hot ops get closure-free loops: add/sub/mul/div are most of a training step's elementwise work.
  const fast = op === 'add' || op === 'sub' || op === 'mul' || (op === 'div' && dt !== 'int32');
  if (fast) {
    forEachStrided(shape, [a, b], (n, i, oa, sa, ob, sb) => {
      let o = dst + i;
      const e = o + n;
      if (op === 'add') for (; o < e; o++, oa += sa, ob += sb) D[o] = A[oa]! + A[ob]!;
      else if (op === 'sub') for (; o < e; o++, oa += sa, ob += sb) D[o] = A[oa]! - A[ob]!;
      else if (op === 'mul') for (; o < e; o++, oa += sa, ob += sb) D[o] = A[oa]! * A[ob]!;
      else for (; o < e; o++, oa += sa, ob += sb) D[o] = A[oa]! / A[ob]!;
    });
    return;
  }
  const f = binaryFn(op, p0, dt === 'int32');
  forEachStrided(shape, [a, b], (n, i, oa, sa, ob, sb) => {
    let o = dst + i;
    const e = o + n;
    for (; o < e; o++, oa += sa, ob += sb) D[o] = f(A[oa]!, A[ob]!);
  });
}

export function where(h: Heap, dt: DType, shape: readonly number[], cond: Strided, a: Strided, b: Strided, dst: number): void {
  const C = h.i32;
  const A = h.view(dt);
  forEachStrided(shape, [cond, a, b], (n, i, oc, sc, oa, sa, ob, sb) => {
    let o = dst + i;
    const e = o + n;
    for (; o < e; o++, oc += sc, oa += sa, ob += sb) A[o] = C[oc] !== 0 ? A[oa]! : A[ob]!;
  });
}
