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

type Elem = 'F' | 'I';

/** `if (word == 1) { body for int32 } else { body for float32 }`: `body` is WGSL over I[...] / F[...]. */
function byDtype(word: number, body: (X: Elem) => string): string {
  return /* wgsl */ `if (pu(${word}u) == 1u) {${body('I')}
  } else {${body('F')}
  }`;
}

// a reduction's start: 1 for prod, 0 for sum (max and min start from the first element)
const START: Record<Elem, string> = { F: 'select(0.0, 1.0, op == 1u)', I: 'select(0, 1, op == 1u)' };
const COMB: Record<Elem, string> = { F: 'fcomb', I: 'icomb' };

/** One thread per output (o, k0) of an (outer, n, inner) block at word 3: `body` after `base`. */
function alongAxis(helpers: string, body: string): string {
  return PRELUDE + helpers + /* wgsl */ `
${ENTRY}
  let inner = pu(2u);
  if (i >= pu(0u) * inner) { return; }
  let o = i / inner;
  let k0 = i % inner;
  let n = pu(1u);
  let base = pu(3u) + o * n * inner + k0;${body}
}`;
}

// words: 0 outer, 1 n, 2 inner, 3 src, 4 dst, 5 op, 6 int
export const REDUCE_THREAD = alongAxis(COMBINE, /* wgsl */ `
  let op = pu(5u);
  let d = pu(4u) + i;
  ${byDtype(6, (X) => /* wgsl */ `
    var acc = ${START[X]};
    if (n > 0u && op >= 2u) { acc = ${X}[base]; }
    for (var k = 0u; k < n; k++) { acc = ${COMB[X]}(op, acc, ${X}[base + k * inner]); }
    ${X}[d] = acc;`)}`);

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
  var fa = ${START.F};
  var ia = ${START.I};
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
export const ARG_REDUCE = alongAxis('', /* wgsl */ `
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
  I[pu(5u) + i] = bi;`);

// words: 0 outer, 1 n, 2 inner, 3 src, 4 dst, 5 log
export const SOFTMAX = alongAxis('', /* wgsl */ `
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
  }`);

/**
 * gather (an index per output element, code 1) or indexSelect (an index per output position j
 * along the axis, code 2): one thread per output element copies the source element it names.
 */
function pick(perPosition: boolean): string {
  const [j, at, code] = perPosition ? ['\n  let j = (i / inner) % m;', 'j', 2] : ['', 'i', 1];
  return PRELUDE + /* wgsl */ `
${ENTRY}
  let inner = pu(2u);
  let m = pu(5u);
  if (i >= pu(0u) * m * inner) { return; }
  let k0 = i % inner;${j}
  let o = i / (m * inner);
  ${checkedIndex('ix', `I[pu(4u) + ${at}]`, 'pu(1u)', code)}
  if (bad_ix) {
    if (pu(7u) == 1u) { I[pu(6u) + i] = 0; } else { F[pu(6u) + i] = nan(); }
    return;
  }
  I[pu(6u) + i] = I[pu(3u) + (o * pu(1u) + u32(ix)) * inner + k0];
}`;
}

// words: 0 outer, 1 n, 2 inner, 3 src, 4 index, 5 m, 6 dst, 7 int; a negative index counts from
// the end (as PyTorch's); one outside [-n, n) writes NaN (int32: 0) rather than another tensor's
// value and records the error that the next read-back raises (see checkedIndex)
export const GATHER = pick(false);
export const INDEX_SELECT = pick(true);

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
  ${byDtype(7, (X) => /* wgsl */ `
    var acc = ${X}[d];
    for (var j = 0u; j < m; j++) {
      let q = (o * m + j) * inner + k0;
      ${checkedIndex('ix', 'I[pu(4u) + q]', 'n', 3)}
      if (ix == t) { acc += ${X}[pu(3u) + q]; }
    }
    ${X}[d] = acc;`)}
}`;
