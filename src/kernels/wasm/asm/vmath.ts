// Vector exp, tanh and sigmoid on f32x4, so the recurrent cells and unary ops do not call the
// scalar Mathf.exp per element (a software routine, ~10× the cost of these).
// exp: x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two for an exact product), e^r by its Taylor
// series to r^7 (truncation < 6e-9 relative), 2^n from the exponent bits in two halves so no
// partial scale overflows; results beyond float32's range become +inf or 0.
// tanh: the odd Taylor series to x^15 for |x| < 0.4 (no cancellation near 0), else
// 1 − 2/(e^{2|x|} + 1) with the sign restored. sigmoid: 1/(1 + e^{−x}).
// expm1 (ELU) uses its Taylor series near 0. All keep NaN.
// log (normal positive finite lanes only; the caller routes others to Mathf.log): x = m·2^e
// with m in [√½, √2), ln m = r − r²/2 + r³·P(r) for r = m − 1 (Cephes' logf polynomial), ln 2
// split in two so e·ln 2 adds exactly; within 2 ulp of the float64 log rounded.

// a·b + c: one fused instruction in the relaxed build (rounded once, so never less accurate)
// @ts-ignore: decorator
@inline function mad(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

// @ts-ignore: decorator
@inline export function vexp(x: v128): v128 {
  const hi = f32x4.splat(88.72283), lo = f32x4.splat(-87.33654);
  const xc = f32x4.pmin(f32x4.pmax(x, lo), hi);
  const n = f32x4.nearest(f32x4.mul(xc, f32x4.splat(1.4426950408889634)));
  let r = f32x4.sub(xc, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.add(r, f32x4.mul(n, f32x4.splat(2.1219444e-4)));
  let p = f32x4.splat(1.0 / 5040.0);
  p = mad(p, r, f32x4.splat(1.0 / 720.0));
  p = mad(p, r, f32x4.splat(1.0 / 120.0));
  p = mad(p, r, f32x4.splat(1.0 / 24.0));
  p = mad(p, r, f32x4.splat(1.0 / 6.0));
  p = mad(p, r, f32x4.splat(0.5));
  p = mad(p, r, f32x4.splat(1.0));
  p = mad(p, r, f32x4.splat(1.0));
  const ni = i32x4.trunc_sat_f32x4_s(n);
  const n1 = i32x4.shr_s(ni, 1);
  const n2 = i32x4.sub(ni, n1);
  const bias = i32x4.splat(127);
  const s1 = i32x4.shl(i32x4.add(n1, bias), 23);
  const s2 = i32x4.shl(i32x4.add(n2, bias), 23);
  let y = f32x4.mul(f32x4.mul(p, s1), s2);
  y = v128.bitselect(f32x4.splat(Infinity), y, f32x4.gt(x, hi));
  return v128.bitselect(f32x4.splat(0), y, f32x4.lt(x, lo));
}

// @ts-ignore: decorator
@inline export function vlog(x: v128): v128 {
  let e = i32x4.sub(i32x4.shr_u(x, 23), i32x4.splat(126));
  let m = v128.or(v128.and(x, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000));
  // m in [0.5, 1): below √½ take 2m and e − 1 (the mask is −1 in those lanes)
  const low = f32x4.lt(m, f32x4.splat(0.70710678));
  e = i32x4.add(e, low);
  m = f32x4.add(m, v128.and(m, low));
  const r = f32x4.sub(m, f32x4.splat(1));
  const z = f32x4.mul(r, r);
  let p = f32x4.splat(7.0376836292e-2);
  p = mad(p, r, f32x4.splat(-1.1514610310e-1));
  p = mad(p, r, f32x4.splat(1.1676998740e-1));
  p = mad(p, r, f32x4.splat(-1.2420140846e-1));
  p = mad(p, r, f32x4.splat(1.4249322787e-1));
  p = mad(p, r, f32x4.splat(-1.6668057665e-1));
  p = mad(p, r, f32x4.splat(2.0000714765e-1));
  p = mad(p, r, f32x4.splat(-2.4999993993e-1));
  p = mad(p, r, f32x4.splat(3.3333331174e-1));
  const fe = f32x4.convert_i32x4_s(e);
  let y = f32x4.mul(f32x4.mul(p, r), z);
  y = mad(fe, f32x4.splat(-2.12194440e-4), y);
  y = f32x4.sub(y, f32x4.mul(z, f32x4.splat(0.5)));
  return mad(fe, f32x4.splat(0.693359375), f32x4.add(r, y));
}

/** e^x − 1 without the cancellation near 0 (Taylor to x^8 for |x| < 0.4), for ELU. */
// @ts-ignore: decorator
@inline export function vexpm1(x: v128): v128 {
  let p = f32x4.splat(1.0 / 40320.0);
  p = mad(p, x, f32x4.splat(1.0 / 5040.0));
  p = mad(p, x, f32x4.splat(1.0 / 720.0));
  p = mad(p, x, f32x4.splat(1.0 / 120.0));
  p = mad(p, x, f32x4.splat(1.0 / 24.0));
  p = mad(p, x, f32x4.splat(1.0 / 6.0));
  p = mad(p, x, f32x4.splat(0.5));
  const small = f32x4.add(x, f32x4.mul(f32x4.mul(x, x), p));
  const big = f32x4.sub(vexp(x), f32x4.splat(1));
  return v128.bitselect(small, big, f32x4.lt(f32x4.abs(x), f32x4.splat(0.4)));
}

// @ts-ignore: decorator
@inline export function vsigmoid(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, vexp(f32x4.neg(x))));
}

// @ts-ignore: decorator
@inline export function vtanh(x: v128): v128 {
  const ax = f32x4.abs(x);
  // small |x|: x·(1 + x²·(c3 + x²·(c5 + ...)))
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-929569.0 / 638512875.0);
  p = mad(p, z, f32x4.splat(21844.0 / 6081075.0));
  p = mad(p, z, f32x4.splat(-1382.0 / 155925.0));
  p = mad(p, z, f32x4.splat(62.0 / 2835.0));
  p = mad(p, z, f32x4.splat(-17.0 / 315.0));
  p = mad(p, z, f32x4.splat(2.0 / 15.0));
  p = mad(p, z, f32x4.splat(-1.0 / 3.0));
  const small = f32x4.add(x, f32x4.mul(f32x4.mul(x, z), p));
  // large |x|: 1 − 2/(e^{2|x|} + 1), sign of x
  const two = f32x4.splat(2);
  const big = f32x4.sub(f32x4.splat(1), f32x4.div(two, f32x4.add(vexp(f32x4.mul(two, ax)), f32x4.splat(1))));
  const signed = v128.or(big, v128.and(x, i32x4.splat(0x80000000)));
  const y = v128.bitselect(small, signed, f32x4.lt(ax, f32x4.splat(0.4)));
  return v128.bitselect(x, y, f32x4.ne(x, x)); // NaN stays NaN
}

/** Scalar forms through the vector code, so tails give the same values as full vectors. */
// @ts-ignore: decorator
@inline export function sexp(x: f32): f32 {
  return f32x4.extract_lane(vexp(f32x4.splat(x)), 0);
}
// @ts-ignore: decorator
@inline export function sexpm1(x: f32): f32 {
  return f32x4.extract_lane(vexpm1(f32x4.splat(x)), 0);
}
// @ts-ignore: decorator
@inline export function stanh(x: f32): f32 {
  return f32x4.extract_lane(vtanh(f32x4.splat(x)), 0);
}
// @ts-ignore: decorator
@inline export function ssigmoid(x: f32): f32 {
  return f32x4.extract_lane(vsigmoid(f32x4.splat(x)), 0);
}
