// WGSL for the elementwise core: strided copy (with casts), fill, unary maps, broadcasting
// binary ops and where. Strided kernels walk an N-d index (≤ MAX_DIMS) from the flat output
// index; the parameter slot holds shape at words 8.., operand strides at 16.., 24.., 32...

import { ENTRY, MAX_DIMS, PRELUDE } from './wgsl_common.js';
import type { BinaryOp, UnaryOp } from '../backend.js';

/**
 * The N-d walk from flat index i to the element offsets of `ops` operands (variables named
 * `names`, starting at the offsets in words `offs`): unrolled over MAX_DIMS dims with constant
 * parameter indices (llvmpipe crashes on a loop that indexes the uniform block dynamically).
 */
function walk(names: readonly string[], offs: readonly number[]): string {
  let code = `  var rem = i;\n`;
  names.forEach((n, k) => (code += `  var ${n} = pi(${offs[k]}u);\n`));
  code += `  let nd = pu(1u);\n`;
  for (let d = MAX_DIMS - 1; d >= 0; d--) {
    code += `  if (nd > ${d}u) {\n    let s = pu(${8 + d}u);\n    let c = i32(rem % s);\n    rem = rem / s;\n`;
    names.forEach((n, k) => (code += `    ${n} += c * pi(${16 + 8 * k + d}u);\n`));
    code += `  }\n`;
  }
  return code;
}

export const UNARY_CODES: Record<UnaryOp, number> = {
  neg: 0, exp: 1, log: 2, sqrt: 3, rsqrt: 4, abs: 5, sign: 6, sin: 7, cos: 8, tanh: 9, sigmoid: 10, relu: 11,
  reciprocal: 12, square: 13, floor: 14, ceil: 15, round: 16, log1p: 17, expm1: 18, softplus: 19, elu: 20,
  leakyRelu: 21, clamp: 22, powScalar: 23, addScalar: 24, mulScalar: 25, divScalar: 26, rsubScalar: 27,
  rdivScalar: 28, rpowScalar: 29,
};

export const BINARY_CODES: Record<BinaryOp, number> = {
  add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6, eq: 7, ne: 8, lt: 9, le: 10, gt: 11, ge: 12,
  reluBackward: 13, eluBackward: 14,
};

// Math the WGSL builtins lack or leave loose: pow over negative bases (as Math.pow), log1p
// and expm1 without cancellation, a sign that keeps NaN.
const MATH = /* wgsl */ `
fn is_odd_int(y: f32) -> bool { return abs(y) < 16777216.0 && (i32(y) & 1) == 1; }
fn mpow(x: f32, y: f32) -> f32 {
  if (y == 0.0) { return 1.0; }
  if (is_nan(x) || is_nan(y)) { return nan(); }
  if (y == 1.0) { return x; }
  if (y == 2.0) { return x * x; }
  let is_int = floor(y) == y;
  let odd = is_int && is_odd_int(y);
  let ax = abs(x);
  if (ax == 0.0) {
    let neg0 = (bitcast<u32>(x) & 0x80000000u) != 0u;
    if (y > 0.0) { if (odd) { return x; } return 0.0; }
    if (odd && neg0) { return -inf(); }
    return inf();
  }
  if (ax == 1.0 && !is_finite(y)) { return nan(); }
  var r = exp2(y * log2(ax));
  if (x < 0.0) {
    if (!is_int) { return nan(); }
    if (odd) { r = -r; }
  }
  return r;
}
fn is_finite(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u; }
fn mlog1p(x: f32) -> f32 {
  // a series near 0, where log(1 + x) is only absolutely accurate (2^-21 in WGSL)
  if (abs(x) < 0.0625) { return x * (1.0 - x * (0.5 - x * (1.0 / 3.0 - x * (0.25 - x * (0.2 - x / 6.0))))); }
  let u = 1.0 + x;
  if (u == 1.0) { return x; }
  if (!is_finite(u)) { return log(u); }
  return log(u) * x / (u - 1.0);
}
// expm1: a Taylor polynomial near 0 (exp(x) − 1 cancels there, and log is only absolutely
// accurate near 1), elsewhere exp(x) − 1
fn mexpm1(x: f32) -> f32 {
  if (abs(x) < 0.5) {
    return x * (1.0 + x * (0.5 + x * (1.0 / 6.0 + x * (1.0 / 24.0 + x * (1.0 / 120.0 + x * (1.0 / 720.0 + x * (1.0 / 5040.0 + x * (1.0 / 40320.0 + x / 362880.0))))))));
  }
  let u = exp(x);
  return u - 1.0;
}
fn mtanh(x: f32) -> f32 {
  if (abs(x) > 10.0) { return sign(x); }
  if (abs(x) < 0.125) { let x2 = x * x; return x * (1.0 + x2 * (-0.33333333 + x2 * (0.13333333 - x2 * 0.053968254))); }
  let e = exp(-2.0 * abs(x));
  return sign(x) * (1.0 - e) / (1.0 + e);
}
fn msign(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x > 0.0) { return 1.0; }
  if (x < 0.0) { return -1.0; }
  return x;
}
`;

const UNARY_BODY = /* wgsl */ `
fn un(op: u32, x: f32, p0: f32, p1: f32) -> f32 {
  switch op {
    case 0u: { return -x; }
    case 1u: { return exp(x); }
    case 2u: { if (x < 0.0) { return nan(); } if (x == 0.0) { return -inf(); } return log(x); }
    case 3u: { if (x < 0.0) { return nan(); } return sqrt(x); }
    case 4u: { if (x < 0.0) { return nan(); } if (x == 0.0) { return inf(); } return 1.0 / sqrt(x); }
    case 5u: { return abs(x); }
    case 6u: { return msign(x); }
    case 7u: { return sin(x); }
    case 8u: { return cos(x); }
    case 9u: { return mtanh(x); }
    case 10u: { if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); } let e = exp(x); return e / (1.0 + e); }
    case 11u: { if (x > 0.0) { return x; } return 0.0; }
    case 12u: { return 1.0 / x; }
    case 13u: { return x * x; }
    case 14u: { return floor(x); }
    case 15u: { return ceil(x); }
    case 16u: { return round(x); }
    case 17u: { if (x < -1.0) { return nan(); } if (x == -1.0) { return -inf(); } return mlog1p(x); }
    case 18u: { return mexpm1(x); }
    case 19u: { if (x > 20.0) { return x; } return mlog1p(exp(x)); }
    case 20u: { if (x > 0.0) { return x; } return p0 * mexpm1(x); }
    case 21u: { if (x > 0.0) { return x; } return p0 * x; }
    case 22u: { if (is_nan(x)) { return x; } if (x < p0) { return p0; } if (x > p1) { return p1; } return x; }
    case 23u: { return mpow(x, p0); }
    case 24u: { return x + p0; }
    case 25u: { return x * p0; }
    case 26u: { return x / p0; }
    case 27u: { return p0 - x; }
    case 28u: { return p0 / x; }
    default: { return mpow(p0, x); }
  }
}
`;

export const COPY = PRELUDE + /* wgsl */ `
${ENTRY}
  if (i >= pu(0u)) { return; }
${walk(['so', 'd_o'], [2, 3])}
  let mode = pu(4u);
  if (mode == 0u) { I[d_o] = I[so]; }
  else if (mode == 1u) { I[d_o] = to_i32(F[so]); }
  else { F[d_o] = f32(I[so]); }
}`;

export const FILL = PRELUDE + /* wgsl */ `
${ENTRY}
  if (i >= pu(0u)) { return; }
  I[pu(1u) + i] = pi(2u);
}`;

export const UNARY = PRELUDE + MATH + UNARY_BODY + /* wgsl */ `
${ENTRY}
  if (i >= pu(0u)) { return; }
  let s = pu(1u) + i;
  let d = pu(2u) + i;
  if (pu(4u) == 1u) {
    I[d] = to_i32(un(pu(3u), f32(I[s]), pf(5u), pf(6u)));
  } else {
    F[d] = un(pu(3u), F[s], pf(5u), pf(6u));
  }
}`;

const BINARY_BODY = /* wgsl */ `
fn fbin(op: u32, x: f32, y: f32, p0: f32) -> f32 {
  switch op {
    case 0u: { return x + y; }
    case 1u: { return x - y; }
    case 2u: { return x * y; }
    case 3u: { return x / y; }
    case 4u: { return mpow(x, y); }
    case 5u: { if (is_nan(x) || is_nan(y)) { return nan(); } return max(x, y); }
    case 6u: { if (is_nan(x) || is_nan(y)) { return nan(); } return min(x, y); }
    case 7u: { return select(0.0, 1.0, x == y); }
    case 8u: { return select(0.0, 1.0, !(x == y)); }
    case 9u: { return select(0.0, 1.0, x < y); }
    case 10u: { return select(0.0, 1.0, x <= y); }
    case 11u: { return select(0.0, 1.0, x > y); }
    case 12u: { return select(0.0, 1.0, x >= y); }
    case 13u: { if (y > 0.0) { return x; } return 0.0; }
    default: { if (y > 0.0) { return x; } return x * p0 * exp(y); }
  }
}
// int32 operands: exact integer arithmetic where JS's double result is exact (div truncates,
// by zero gives 0 as ToInt32(±Infinity)); pow goes through f32
fn ibin(op: u32, x: i32, y: i32, p0: f32) -> i32 {
  switch op {
    case 0u: { return x + y; }
    case 1u: { return x - y; }
    case 2u: { return x * y; }
    case 3u: { if (y == 0) { return 0; } return x / y; }
    case 5u: { return max(x, y); }
    case 6u: { return min(x, y); }
    case 7u: { return select(0, 1, x == y); }
    case 8u: { return select(0, 1, x != y); }
    case 9u: { return select(0, 1, x < y); }
    case 10u: { return select(0, 1, x <= y); }
    case 11u: { return select(0, 1, x > y); }
    case 12u: { return select(0, 1, x >= y); }
    case 13u: { if (y > 0) { return x; } return 0; }
    default: { return to_i32(fbin(op, f32(x), f32(y), p0)); }
  }
}
`;

export const BINARY = PRELUDE + MATH + BINARY_BODY + /* wgsl */ `
${ENTRY}
  if (i >= pu(0u)) { return; }
${walk(['oa', 'ob'], [2, 3])}
  let op = pu(5u);
  let d = pu(4u) + i;
  let p0 = pf(60u);
  if (pu(6u) == 1u) {
    let r = ibin(op, I[oa], I[ob], p0);
    if (pu(7u) == 1u) { I[d] = r; } else { F[d] = f32(r); }
  } else {
    let r = fbin(op, F[oa], F[ob], p0);
    if (pu(7u) == 1u) { I[d] = to_i32(r); } else { F[d] = r; }
  }
}`;

export const WHERE = PRELUDE + /* wgsl */ `
${ENTRY}
  if (i >= pu(0u)) { return; }
${walk(['oc', 'oa', 'ob'], [2, 3, 4])}
  I[pu(5u) + i] = select(I[ob], I[oa], I[oc] != 0);
}`;
