// Elementwise float32 kernels: unary maps over contiguous data, and broadcasting binary ops and
// strided copies over up to 8 dims. Shapes and strides arrive as i32 blocks in the heap.
// SIMD runs where the innermost dim is contiguous (stride 1) or broadcast (stride 0).

import { vexp, vexpm1, vlog, vtanh, vsigmoid, sexp, sexpm1, stanh, ssigmoid } from './vmath';

// unary op codes (kept in step with src/kernels/wasm/index.ts)
const U_NEG = 0, U_RELU = 1, U_ABS = 2, U_SQRT = 3, U_SQUARE = 4, U_ADDS = 5, U_MULS = 6, U_EXP = 7,
  U_LOG = 8, U_TANH = 9, U_SIGMOID = 10, U_RECIP = 11, U_RSQRT = 12, U_DIVS = 13, U_CLAMP = 14, U_LEAKY = 15, U_ELU = 16;

export function unary(op: i32, src: usize, dst: usize, n: i32, p0: f32, p1: f32): void {
  let i = 0;
  // SIMD for the ops that have a v128 form
  if (op <= U_MULS || op == U_DIVS || op == U_CLAMP || op == U_RECIP || op == U_LEAKY || op == U_EXP || op == U_LOG || op == U_TANH || op == U_SIGMOID || op == U_ELU) {
    const s0 = f32x4.splat(p0);
    const s1 = f32x4.splat(p1);
    const zero = f32x4.splat(0);
    const one = f32x4.splat(1);
    for (; i + 4 <= n; i += 4) {
      const x = v128.load(src + <usize>i * 4);
      let y: v128;
      switch (op) {
        case U_NEG: y = f32x4.neg(x); break;
        case U_RELU: y = f32x4.pmax(x, zero); break;
        case U_ABS: y = f32x4.abs(x); break;
        case U_SQRT: y = f32x4.sqrt(x); break;
        case U_SQUARE: y = f32x4.mul(x, x); break;
        case U_ADDS: y = f32x4.add(x, s0); break;
        case U_MULS: y = f32x4.mul(x, s0); break;
        case U_DIVS: y = f32x4.div(x, s0); break;
        case U_RECIP: y = f32x4.div(one, x); break;
        case U_LEAKY: y = v128.bitselect(x, f32x4.mul(x, s0), f32x4.gt(x, zero)); break;
        case U_EXP: y = vexp(x); break;
        case U_LOG: {
          // zero, negative, subnormal, infinite and NaN lanes: the scalar routine for all four
          const normal = v128.and(f32x4.ge(x, f32x4.splat(1.17549435e-38)), f32x4.lt(x, f32x4.splat(Infinity)));
          if (i32x4.all_true(normal)) y = vlog(x);
          else {
            y = f32x4.splat(Mathf.log(f32x4.extract_lane(x, 0)));
            y = f32x4.replace_lane(y, 1, Mathf.log(f32x4.extract_lane(x, 1)));
            y = f32x4.replace_lane(y, 2, Mathf.log(f32x4.extract_lane(x, 2)));
            y = f32x4.replace_lane(y, 3, Mathf.log(f32x4.extract_lane(x, 3)));
          }
          break;
        }
        case U_TANH: y = vtanh(x); break;
        case U_SIGMOID: y = vsigmoid(x); break;
        case U_ELU: y = v128.bitselect(x, f32x4.mul(s0, vexpm1(x)), f32x4.gt(x, zero)); break;
        default: {
          // clamp that keeps NaN, as torch.clamp
          const c = f32x4.pmin(f32x4.pmax(x, s0), s1);
          y = v128.bitselect(x, c, f32x4.ne(x, x));
        }
      }
      v128.store(dst + <usize>i * 4, y);
    }
  }
  for (; i < n; i++) {
    const x = load<f32>(src + <usize>i * 4);
    let y: f32;
    switch (op) {
      case U_NEG: y = -x; break;
      case U_RELU: y = x > 0 ? x : 0; break;
      case U_ABS: y = Mathf.abs(x); break;
      case U_SQRT: y = Mathf.sqrt(x); break;
      case U_SQUARE: y = x * x; break;
      case U_ADDS: y = x + p0; break;
      case U_MULS: y = x * p0; break;
      case U_EXP: y = sexp(x); break;
      case U_LOG: y = Mathf.log(x); break;
      case U_TANH: y = stanh(x); break;
      case U_SIGMOID: y = ssigmoid(x); break;
      case U_RECIP: y = 1 / x; break;
      case U_RSQRT: y = 1 / Mathf.sqrt(x); break;
      case U_DIVS: y = x / p0; break;
      case U_CLAMP: y = x != x ? x : x < p0 ? p0 : x > p1 ? p1 : x; break;
      case U_LEAKY: y = x > 0 ? x : p0 * x; break;
      case U_ELU: y = x > 0 ? x : p0 * sexpm1(x); break;
      default: y = x;
    }
    store<f32>(dst + <usize>i * 4, y);
  }
}

// binary op codes
const B_ADD = 0, B_SUB = 1, B_MUL = 2, B_DIV = 3, B_MAX = 4, B_MIN = 5, B_RELU_BW = 6, B_ELU_BW = 7;

// @ts-ignore: decorator
@inline function bscalar(op: i32, x: f32, y: f32, p0: f32): f32 {
  switch (op) {
    case B_ELU_BW: return y > 0 ? x : x * p0 * sexp(y); // grad x of elu(y), alpha p0
    case B_ADD: return x + y;
    case B_SUB: return x - y;
    case B_MUL: return x * y;
    case B_DIV: return x / y;
    case B_MAX: return x != x || y != y ? NaN : x > y ? x : y;
    case B_MIN: return x != x || y != y ? NaN : x < y ? x : y;
    default: return y > 0 ? x : 0; // reluBackward: grad x where input y > 0
  }
}

// @ts-ignore: decorator
@inline function bvec(op: i32, x: v128, y: v128, p0: f32): v128 {
  switch (op) {
    case B_ELU_BW: return v128.bitselect(x, f32x4.mul(f32x4.mul(x, f32x4.splat(p0)), vexp(y)), f32x4.gt(y, f32x4.splat(0)));
    case B_ADD: return f32x4.add(x, y);
    case B_SUB: return f32x4.sub(x, y);
    case B_MUL: return f32x4.mul(x, y);
    case B_DIV: return f32x4.div(x, y);
    default: return v128.and(x, f32x4.gt(y, f32x4.splat(0))); // reluBackward
  }
}

/** One innermost run of n elements: a and b step by sa/sb (0 or 1 take the SIMD path). */
function binaryRow(op: i32, a: usize, sa: i32, b: usize, sb: i32, d: usize, n: i32, p0: f32): void {
  let i = 0;
  if (op != B_MAX && op != B_MIN) {
    if (sa == 1 && sb == 1) {
      for (; i + 4 <= n; i += 4) v128.store(d + <usize>i * 4, bvec(op, v128.load(a + <usize>i * 4), v128.load(b + <usize>i * 4), p0));
    } else if (sa == 1 && sb == 0) {
      const y = v128.load32_splat(b);
      for (; i + 4 <= n; i += 4) v128.store(d + <usize>i * 4, bvec(op, v128.load(a + <usize>i * 4), y, p0));
    } else if (sa == 0 && sb == 1) {
      const x = v128.load32_splat(a);
      for (; i + 4 <= n; i += 4) v128.store(d + <usize>i * 4, bvec(op, x, v128.load(b + <usize>i * 4), p0));
    }
  }
  for (; i < n; i++) {
    store<f32>(d + <usize>i * 4, bscalar(op, load<f32>(a + <usize>(i * sa) * 4), load<f32>(b + <usize>(i * sb) * 4), p0));
  }
}

/**
 * dst (contiguous, `shape`) = a op b, with per-dim element strides (0 where broadcast).
 * meta holds ndim i32 sizes, then ndim strides of a, then ndim strides of b, then ndim free
 * slots the kernel uses as its index counter.
 */
export function binary(op: i32, ndim: i32, meta: usize, a: usize, b: usize, dst: usize, p0: f32): void {
  const shape = meta;
  const sa = meta + <usize>ndim * 4;
  const sb = sa + <usize>ndim * 4;
  let total = 1;
  for (let d = 0; d < ndim; d++) total *= load<i32>(shape + <usize>d * 4);
  if (total == 0) return;
  if (ndim == 0) {
    store<f32>(dst, bscalar(op, load<f32>(a), load<f32>(b), p0));
    return;
  }
  const last = load<i32>(shape + <usize>(ndim - 1) * 4);
  const lsa = load<i32>(sa + <usize>(ndim - 1) * 4);
  const lsb = load<i32>(sb + <usize>(ndim - 1) * 4);
  const rows = total / last;
  const idx = sb + <usize>ndim * 4; // odometer scratch after the strides (caller leaves room)
  for (let d = 0; d < ndim; d++) store<i32>(idx + <usize>d * 4, 0);
  let oa = a, ob = b, od = dst;
  for (let r = 0; r < rows; r++) {
    binaryRow(op, oa, lsa, ob, lsb, od, last, p0);
    od += <usize>last * 4;
    for (let d = ndim - 2; d >= 0; d--) {
      const p = idx + <usize>d * 4;
      const v = load<i32>(p) + 1;
      const da = load<i32>(sa + <usize>d * 4);
      const db = load<i32>(sb + <usize>d * 4);
      if (v < load<i32>(shape + <usize>d * 4)) {
        store<i32>(p, v);
        oa += <usize>da * 4;
        ob += <usize>db * 4;
        break;
      }
      store<i32>(p, 0);
      oa -= <usize>(da * (v - 1)) * 4;
      ob -= <usize>(db * (v - 1)) * 4;
    }
  }
}

/** 1 when all n floats are finite: x − x is 0 for finite x and NaN for ±inf and NaN. */
export function allFinite(src: usize, n: i32): i32 {
  let bad = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(src + <usize>i * 4);
    const d = f32x4.sub(v, v);
    bad = v128.or(bad, f32x4.ne(d, d));
  }
  if (v128.any_true(bad)) return 0;
  for (; i < n; i++) {
    const x = load<f32>(src + <usize>i * 4);
    if (x - x != 0) return 0;
  }
  return 1;
}

/**
 * Fills n 32-bit elements with one bit pattern (a float32 or an int32). Typed-array fill on
 * the shared heap runs ~10× slower than on a plain buffer in V8; this is a plain store loop.
 */
export function fill32(dst: usize, n: i32, bits: i32): void {
  const v = i32x4.splat(bits);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const p = dst + <usize>i * 4;
    v128.store(p, v); v128.store(p, v, 16); v128.store(p, v, 32); v128.store(p, v, 48);
  }
  for (; i + 4 <= n; i += 4) v128.store(dst + <usize>i * 4, v);
  for (; i < n; i++) store<i32>(dst + <usize>i * 4, bits);
}

/** dst (strided) = src (strided) over `shape`; meta: ndim sizes, ndim src strides, ndim dst strides. */
export function copy(ndim: i32, meta: usize, src: usize, dst: usize): void {
  const shape = meta;
  const ss = meta + <usize>ndim * 4;
  const ds = ss + <usize>ndim * 4;
  let total = 1;
  for (let d = 0; d < ndim; d++) total *= load<i32>(shape + <usize>d * 4);
  if (total == 0) return;
  if (ndim == 0) {
    store<f32>(dst, load<f32>(src));
    return;
  }
  const last = load<i32>(shape + <usize>(ndim - 1) * 4);
  const ls = load<i32>(ss + <usize>(ndim - 1) * 4);
  const ld = load<i32>(ds + <usize>(ndim - 1) * 4);
  const rows = total / last;
  const idx = ds + <usize>ndim * 4;
  for (let d = 0; d < ndim; d++) store<i32>(idx + <usize>d * 4, 0);
  let os = src, od = dst;
  for (let r = 0; r < rows; r++) {
    if (ls == 1 && ld == 1 && last >= 64) memory.copy(od, os, <usize>last * 4);
    else if (ls == 1 && ld == 1) {
      let i = 0;
      for (; i + 4 <= last; i += 4) v128.store(od + <usize>i * 4, v128.load(os + <usize>i * 4));
      for (; i < last; i++) store<f32>(od + <usize>i * 4, load<f32>(os + <usize>i * 4));
    }
    else if (ls == 0 && ld == 1) {
      // a broadcast row (a bias filled over positions): one value, vector stores
      const x = load<f32>(os);
      const xv = f32x4.splat(x);
      let i = 0;
      for (; i + 4 <= last; i += 4) v128.store(od + <usize>i * 4, xv);
      for (; i < last; i++) store<f32>(od + <usize>i * 4, x);
    }
    else for (let i = 0; i < last; i++) store<f32>(od + <usize>(i * ld) * 4, load<f32>(os + <usize>(i * ls) * 4));
    for (let d = ndim - 2; d >= 0; d--) {
      const p = idx + <usize>d * 4;
      const v = load<i32>(p) + 1;
      const dss = load<i32>(ss + <usize>d * 4);
      const dds = load<i32>(ds + <usize>d * 4);
      if (v < load<i32>(shape + <usize>d * 4)) {
        store<i32>(p, v);
        os += <usize>dss * 4;
        od += <usize>dds * 4;
        break;
      }
      store<i32>(p, 0);
      os -= <usize>(dss * (v - 1)) * 4;
      od -= <usize>(dds * (v - 1)) * 4;
    }
  }
}

/** Sum over the middle axis of a contiguous (outer, n, inner) block, accumulating in f32 lanes. */
export function reduceSum(src: usize, outer: i32, n: i32, inner: i32, dst: usize): void {
  for (let o = 0; o < outer; o++) {
    const base = src + <usize>(o * n * inner) * 4;
    const out = dst + <usize>(o * inner) * 4;
    if (inner == 1) {
      let acc = f32x4.splat(0);
      let k = 0;
      for (; k + 4 <= n; k += 4) acc = f32x4.add(acc, v128.load(base + <usize>k * 4));
      let s: f64 = <f64>(f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) + <f64>(f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
      for (; k < n; k++) s += <f64>load<f32>(base + <usize>k * 4);
      store<f32>(out, <f32>s);
    } else {
      let i = 0;
      for (; i + 4 <= inner; i += 4) {
        let acc = f32x4.splat(0);
        for (let k = 0; k < n; k++) acc = f32x4.add(acc, v128.load(base + <usize>(k * inner + i) * 4));
        v128.store(out + <usize>i * 4, acc);
      }
      for (; i < inner; i++) {
        let s: f32 = 0;
        for (let k = 0; k < n; k++) s += load<f32>(base + <usize>(k * inner + i) * 4);
        store<f32>(out + <usize>i * 4, s);
      }
    }
  }
}

// comparison op codes (output i32 0/1)
const C_EQ = 0, C_NE = 1, C_LT = 2, C_LE = 3, C_GT = 4, C_GE = 5;

// @ts-ignore: decorator
@inline function cmp(op: i32, x: f32, y: f32): i32 {
  switch (op) {
    case C_EQ: return <i32>(x == y);
    case C_NE: return <i32>(x != y);
    case C_LT: return <i32>(x < y);
    case C_LE: return <i32>(x <= y);
    case C_GT: return <i32>(x > y);
    default: return <i32>(x >= y);
  }
}

/**
 * Odometer walk over up to 8 dims for three strided operands, calling the row body with the
 * innermost run. meta: ndim sizes, then strides of operands 0, 1, 2, then ndim free slots.
 */
// @ts-ignore: decorator
@inline function rows3(ndim: i32, meta: usize): i32 {
  let total = 1;
  for (let d = 0; d < ndim; d++) total *= load<i32>(meta + <usize>d * 4);
  return total;
}

/** dst (contiguous i32) = a op b over `shape`; meta as binary(). */
export function compare(op: i32, ndim: i32, meta: usize, a: usize, b: usize, dst: usize): void {
  const total = rows3(ndim, meta);
  if (total == 0) return;
  if (ndim == 0) {
    store<i32>(dst, cmp(op, load<f32>(a), load<f32>(b)));
    return;
  }
  const shape = meta;
  const sa = meta + <usize>ndim * 4;
  const sb = sa + <usize>ndim * 4;
  const idx = sb + <usize>ndim * 4;
  const last = load<i32>(shape + <usize>(ndim - 1) * 4);
  const lsa = load<i32>(sa + <usize>(ndim - 1) * 4);
  const lsb = load<i32>(sb + <usize>(ndim - 1) * 4);
  for (let d = 0; d < ndim; d++) store<i32>(idx + <usize>d * 4, 0);
  let oa = a, ob = b, od = dst;
  const rows = total / last;
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < last; i++) store<i32>(od + <usize>i * 4, cmp(op, load<f32>(oa + <usize>(i * lsa) * 4), load<f32>(ob + <usize>(i * lsb) * 4)));
    od += <usize>last * 4;
    for (let d = ndim - 2; d >= 0; d--) {
      const p = idx + <usize>d * 4;
      const v = load<i32>(p) + 1;
      const da = load<i32>(sa + <usize>d * 4);
      const db = load<i32>(sb + <usize>d * 4);
      if (v < load<i32>(shape + <usize>d * 4)) {
        store<i32>(p, v);
        oa += <usize>da * 4;
        ob += <usize>db * 4;
        break;
      }
      store<i32>(p, 0);
      oa -= <usize>(da * (v - 1)) * 4;
      ob -= <usize>(db * (v - 1)) * 4;
    }
  }
}

/** dst (contiguous f32) = cond (i32) ? a : b over `shape`; meta: sizes, strides of cond, a, b, free slots. */
export function where(ndim: i32, meta: usize, c: usize, a: usize, b: usize, dst: usize): void {
  const total = rows3(ndim, meta);
  if (total == 0) return;
  if (ndim == 0) {
    store<f32>(dst, load<i32>(c) != 0 ? load<f32>(a) : load<f32>(b));
    return;
  }
  const shape = meta;
  const sc = meta + <usize>ndim * 4;
  const sa = sc + <usize>ndim * 4;
  const sb = sa + <usize>ndim * 4;
  const idx = sb + <usize>ndim * 4;
  const last = load<i32>(shape + <usize>(ndim - 1) * 4);
  const lsc = load<i32>(sc + <usize>(ndim - 1) * 4);
  const lsa = load<i32>(sa + <usize>(ndim - 1) * 4);
  const lsb = load<i32>(sb + <usize>(ndim - 1) * 4);
  for (let d = 0; d < ndim; d++) store<i32>(idx + <usize>d * 4, 0);
  let oc = c, oa = a, ob = b, od = dst;
  const rows = total / last;
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < last; i++) {
      store<f32>(od + <usize>i * 4, load<i32>(oc + <usize>(i * lsc) * 4) != 0 ? load<f32>(oa + <usize>(i * lsa) * 4) : load<f32>(ob + <usize>(i * lsb) * 4));
    }
    od += <usize>last * 4;
    for (let d = ndim - 2; d >= 0; d--) {
      const p = idx + <usize>d * 4;
      const v = load<i32>(p) + 1;
      const dc = load<i32>(sc + <usize>d * 4);
      const da = load<i32>(sa + <usize>d * 4);
      const db = load<i32>(sb + <usize>d * 4);
      if (v < load<i32>(shape + <usize>d * 4)) {
        store<i32>(p, v);
        oc += <usize>dc * 4;
        oa += <usize>da * 4;
        ob += <usize>db * 4;
        break;
      }
      store<i32>(p, 0);
      oc -= <usize>(dc * (v - 1)) * 4;
      oa -= <usize>(da * (v - 1)) * 4;
      ob -= <usize>(db * (v - 1)) * 4;
    }
  }
}

/** Max (isMax = 1) or min over the middle axis of (outer, n, inner); NaN propagates. */
export function reduceMax(isMax: i32, src: usize, outer: i32, n: i32, inner: i32, dst: usize, idx: isize): void {
  for (let o = 0; o < outer; o++) {
    const base = src + <usize>(o * n * inner) * 4;
    for (let i = 0; i < inner; i++) {
      let best = load<f32>(base + <usize>i * 4);
      let bi = 0;
      for (let k = 1; k < n && best == best; k++) {
        const v = load<f32>(base + <usize>(k * inner + i) * 4);
        if (v != v || (isMax ? v > best : v < best)) {
          best = v;
          bi = k;
        }
      }
      store<f32>(dst + <usize>(o * inner + i) * 4, best);
      if (idx >= 0) store<i32>(<usize>idx + <usize>(o * inner + i) * 4, bi);
    }
  }
}

/** (log-)softmax over the middle axis of (outer, n, inner), max-shifted, f64 sums. */
export function softmax(src: usize, outer: i32, n: i32, inner: i32, dst: usize, log: i32): void {
  for (let o = 0; o < outer; o++) {
    const base = src + <usize>(o * n * inner) * 4;
    const ob = dst + <usize>(o * n * inner) * 4;
    for (let i = 0; i < inner; i++) {
      let m: f32 = -Infinity;
      for (let k = 0; k < n; k++) m = max(m, load<f32>(base + <usize>(k * inner + i) * 4));
      if (m == -Infinity) m = 0;
      let s: f64 = 0;
      for (let k = 0; k < n; k++) s += <f64>Mathf.exp(load<f32>(base + <usize>(k * inner + i) * 4) - m);
      if (log) {
        const ls = <f32>Math.log(s) + m;
        for (let k = 0; k < n; k++) {
          const p = <usize>(k * inner + i) * 4;
          store<f32>(ob + p, load<f32>(base + p) - ls);
        }
      } else {
        const r = <f32>(1 / s);
        for (let k = 0; k < n; k++) {
          const p = <usize>(k * inner + i) * 4;
          store<f32>(ob + p, Mathf.exp(load<f32>(base + p) - m) * r);
        }
      }
    }
  }
}
