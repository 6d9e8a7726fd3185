// WGSL for reductions over the middle axis of (outer, n, inner) blocks, arg-reductions, softmax,
// gather / indexSelect / scatterAdd. Short reductions run one thread per output; long ones one
// 256-thread workgroup per output with a tree in workgroup memory. scatterAdd has one thread per
// destination element that sums its sources in order, so it needs no float atomics and adds in
// the reference's order.

import { checkedIndex, ENTRY, PRELUDE } from './wgsl_common.js';

// op: 0 sum, 1 prod, 2 max, 3 min (NaN wins, as in PyTorch)
const COMBINE = /* wgsl */ `
fn fcomb(op: u32, a: f32, b: f32) -> f32 {
  switch op {
    case 0u: { return a + b; }
    case 1u: { return a * b; }
    default: {
      if (is_nan(a)) { return a; }
      if (is_nan(b)) { return b; }
      if (op == 2u) { return max(a, b); }
      return min(a, b);
    }
  }
}
fn icomb(op: u32, a: i32, b: i32) -> i32 {
  switch op {
    case 0u: { return a + b; }
    case 1u: { return a * b; }
    case 2u: { return max(a, b); }
    default: { return min(a, b); }
  }
}
`;

// words: 0 outer, 1 n, 2 inner, 3 src, 4 dst, 5 op, 6 int
export const REDUCE_THREAD = PRELUDE + COMBINE + /* wgsl */ `
${ENTRY}
  let inner = pu(2u);
  if (i >= pu(0u) * inner) { return; }
  let o = i / inner;
  let k0 = i % inner;
  let n = pu(1u);
  let base = pu(3u) + o * n * inner + k0;
  let op = pu(5u);
  let d = pu(4u) + i;
  if (pu(6u) == 1u) {
    var acc = select(0, 1, op == 1u);
    if (n > 0u && op >= 2u) { acc = I[base]; }
    for (var k = 0u; k < n; k++) { acc = icomb(op, acc, I[base + k * inner]); }
    I[d] = acc;
  } else {
    var acc = select(0.0, 1.0, op == 1u);
    if (n > 0u && op >= 2u) { acc = F[base]; }
    for (var k = 0u; k < n; k++) { acc = fcomb(op, acc, F[base + k * inner]); }
    F[d] = acc;
  }
}`;

export const REDUCE_GROUP = PRELUDE + COMBINE + /* wgsl */ `
var<workgroup> fs: array<f32, 256>;
var<workgroup> ist: array<i32, 256>;
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let j = wid.y * nwg.x + wid.x;
  let inner = pu(2u);
  let outputs = pu(0u) * inner;
  let live = j < outputs;
  let o = j / inner;
  let k0 = j % inner;
  let n = pu(1u);
  let base = pu(3u) + o * n * inner + k0;
  let op = pu(5u);
  let isint = pu(6u) == 1u;
  var fa = select(0.0, 1.0, op == 1u);
  var ia = select(0, 1, op == 1u);
  if (live && n > 0u && op >= 2u) { fa = F[base]; ia = I[base]; }
  if (live) {
    for (var k = lid; k < n; k += 256u) {
      if (isint) { ia = icomb(op, ia, I[base + k * inner]); } else { fa = fcomb(op, fa, F[base + k * inner]); }
    }
  }
  fs[lid] = fa;
  ist[lid] = ia;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s >>= 1u) {
    if (lid < s) {
      fs[lid] = fcomb(op, fs[lid], fs[lid + s]);
      ist[lid] = icomb(op, ist[lid], ist[lid + s]);
    }
    workgroupBarrier();
  }
  if (lid == 0u && live) {
    if (isint) { I[pu(4u) + j] = ist[0]; } else { F[pu(4u) + j] = fs[0]; }
  }
}`;

// words: 0 outer, 1 n, 2 inner, 3 src, 4 dstVal, 5 dstIdx, 6 isMax, 7 int
export const ARG_REDUCE = PRELUDE + /* wgsl */ `
${ENTRY}
  let inner = pu(2u);
  if (i >= pu(0u) * inner) { return; }
  let o = i / inner;
  let k0 = i % inner;
  let n = pu(1u);
  let base = pu(3u) + o * n * inner + k0;
  let ismax = pu(6u) == 1u;
  var bi = 0;
  if (pu(7u) == 1u) {
    var best = I[base];
    for (var k = 1u; k < n; k++) {
      let v = I[base + k * inner];
      if (select((v < best), (v > best), ismax)) { best = v; bi = i32(k); }
    }
    I[pu(4u) + i] = best;
  } else {
    var best = F[base];
    for (var k = 1u; k < n; k++) {
      if (is_nan(best)) { break; }
      let v = F[base + k * inner];
      if (is_nan(v) || select((v < best), (v > best), ismax)) { best = v; bi = i32(k); }
    }
    F[pu(4u) + i] = best;
  }
  I[pu(5u) + i] = bi;
}`;

// words: 0 outer, 1 n, 2 inner, 3 src, 4 dst, 5 log
export const SOFTMAX = PRELUDE + /* wgsl */ `
${ENTRY}
  let inner = pu(2u);
  if (i >= pu(0u) * inner) { return; }
  let o = i / inner;
  let k0 = i % inner;
  let n = pu(1u);
  let base = pu(3u) + o * n * inner + k0;
  let ob = pu(4u) + o * n * inner + k0;
  var m = -inf();
  for (var k = 0u; k < n; k++) { m = max(m, F[base + k * inner]); }
  if (m == -inf()) { m = 0.0; }
  var s = 0.0;
  for (var k = 0u; k < n; k++) { s += exp(F[base + k * inner] - m); }
  if (pu(5u) == 1u) {
    let ls = log(s) + m;
    for (var k = 0u; k < n; k++) { F[ob + k * inner] = F[base + k * inner] - ls; }
  } else {
    let r = 1.0 / s;
    for (var k = 0u; k < n; k++) { F[ob + k * inner] = exp(F[base + k * inner] - m) * r; }
  }
}`;

// words: 0 outer, 1 n, 2 inner, 3 src, 4 index, 5 m, 6 dst, 7 int; a negative index counts from
// the end (as PyTorch's); one outside [-n, n) writes NaN (int32: 0) rather than another tensor's
// value and records the error that the next read-back raises (see checkedIndex)
export const GATHER = PRELUDE + /* wgsl */ `
${ENTRY}
  let inner = pu(2u);
  let m = pu(5u);
  if (i >= pu(0u) * m * inner) { return; }
  let k0 = i % inner;
  let o = i / (m * inner);
  ${checkedIndex('ix', 'I[pu(4u) + i]', 'pu(1u)', 1)}
  if (bad_ix) {
    if (pu(7u) == 1u) { I[pu(6u) + i] = 0; } else { F[pu(6u) + i] = nan(); }
    return;
  }
  I[pu(6u) + i] = I[pu(3u) + (o * pu(1u) + u32(ix)) * inner + k0];
}`;

export const INDEX_SELECT = PRELUDE + /* wgsl */ `
${ENTRY}
  let inner = pu(2u);
  let m = pu(5u);
  if (i >= pu(0u) * m * inner) { return; }
  let k0 = i % inner;
  let j = (i / inner) % m;
  let o = i / (m * inner);
  ${checkedIndex('ix', 'I[pu(4u) + j]', 'pu(1u)', 2)}
  if (bad_ix) {
    if (pu(7u) == 1u) { I[pu(6u) + i] = 0; } else { F[pu(6u) + i] = nan(); }
    return;
  }
  I[pu(6u) + i] = I[pu(3u) + (o * pu(1u) + u32(ix)) * inner + k0];
}`;

// words: 0 outer, 1 m, 2 inner, 3 src, 4 index, 5 n, 6 dst, 7 int; one thread per dst element;
// indices as in GATHER (negative ones count from the end, others outside [0, n) are recorded)
export const SCATTER_ADD = PRELUDE + /* wgsl */ `
${ENTRY}
  let inner = pu(2u);
  let n = pu(5u);
  if (i >= pu(0u) * n * inner) { return; }
  let k0 = i % inner;
  let t = i32((i / inner) % n);
  let o = i / (n * inner);
  let m = pu(1u);
  let d = pu(6u) + i;
  if (pu(7u) == 1u) {
    var acc = I[d];
    for (var j = 0u; j < m; j++) {
      let q = (o * m + j) * inner + k0;
      ${checkedIndex('ix', 'I[pu(4u) + q]', 'n', 3)}
      if (ix == t) { acc += I[pu(3u) + q]; }
    }
    I[d] = acc;
  } else {
    var acc = F[d];
    for (var j = 0u; j < m; j++) {
      let q = (o * m + j) * inner + k0;
      ${checkedIndex('ix', 'I[pu(4u) + q]', 'n', 3)}
      if (ix == t) { acc += F[pu(3u) + q]; }
    }
    F[d] = acc;
  }
}`;
