// WGSL for the fused kernels: batch-norm statistics / apply / backward over (N, C, L) blocks
// (one 256-thread workgroup per channel for the sums, a tree in workgroup memory), and the SGD
// and Adam steps (one thread per parameter, in place).

import { ENTRY, PRELUDE } from './wgsl_common.js';

// Sums two per-channel quantities over the (N, L) elements of channel c into s0/s1 (lane 0 holds them)
const CHANNEL_SUM = /* wgsl */ `
var<workgroup> s0: array<f32, 256>;
var<workgroup> s1: array<f32, 256>;
fn tree(lid: u32) {
  workgroupBarrier();
  for (var s = 128u; s > 0u; s >>= 1u) {
    if (lid < s) {
      s0[lid] += s0[lid + s];
      s1[lid] += s1[lid + s];
    }
    workgroupBarrier();
  }
}
`;

// words: 0 N, 1 C, 2 L, 3 x, 4 mean, 5 invstd, 6 eps
export const BN_STATS = PRELUDE + CHANNEL_SUM + /* wgsl */ `
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let c = wid.x;
  let N = pu(0u); let C = pu(1u); let L = pu(2u);
  let M = N * L;
  var a = 0.0;
  for (var e = lid; e < M; e += 256u) { a += F[pu(3u) + ((e / L) * C + c) * L + e % L]; }
  s0[lid] = a;
  s1[lid] = 0.0;
  tree(lid);
  let mu = s0[0] / f32(M);
  workgroupBarrier();
  var q = 0.0;
  for (var e = lid; e < M; e += 256u) { let d = F[pu(3u) + ((e / L) * C + c) * L + e % L] - mu; q += d * d; }
  s0[lid] = q;
  tree(lid);
  if (lid == 0u) {
    F[pu(4u) + c] = mu;
    F[pu(5u) + c] = 1.0 / sqrt(s0[0] / f32(M) + pf(6u));
  }
}`;

// words: 0 total, 1 C, 2 L, 3 x, 4 mean, 5 invstd, 6 w (−1 none), 7 b (−1 none), 8 y
export const BN_APPLY = PRELUDE + /* wgsl */ `
${ENTRY}
  if (i >= pu(0u)) { return; }
  let c = (i / pu(2u)) % pu(1u);
  var w = 1.0;
  if (pi(6u) >= 0) { w = F[pu(6u) + c]; }
  var b = 0.0;
  if (pi(7u) >= 0) { b = F[pu(7u) + c]; }
  let scale = F[pu(5u) + c] * w;
  let shift = b - F[pu(4u) + c] * scale;
  F[pu(8u) + i] = F[pu(3u) + i] * scale + shift;
}`;

// words: 0 N, 1 C, 2 L, 3 x, 4 dy, 5 mean, 6 invstd, 7 dw (−1 none), 8 db (−1 none), 9 sums (2C)
export const BN_BACKWARD_SUMS = PRELUDE + CHANNEL_SUM + /* wgsl */ `
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let c = wid.x;
  let N = pu(0u); let C = pu(1u); let L = pu(2u);
  let M = N * L;
  let mu = F[pu(5u) + c];
  let inv = F[pu(6u) + c];
  var a = 0.0;
  var b = 0.0;
  for (var e = lid; e < M; e += 256u) {
    let o = ((e / L) * C + c) * L + e % L;
    let g = F[pu(4u) + o];
    a += g;
    b += g * (F[pu(3u) + o] - mu) * inv;
  }
  s0[lid] = a;
  s1[lid] = b;
  tree(lid);
  if (lid == 0u) {
    if (pi(7u) >= 0) { F[pu(7u) + c] = s1[0]; }
    if (pi(8u) >= 0) { F[pu(8u) + c] = s0[0]; }
    F[pu(9u) + c] = s0[0];
    F[pu(9u) + C + c] = s1[0];
  }
}`;

// words: 0 total, 1 C, 2 L, 3 x, 4 dy, 5 mean, 6 invstd, 7 w (−1 none), 8 dx, 9 sums, 10 M
export const BN_BACKWARD_DX = PRELUDE + /* wgsl */ `
${ENTRY}
  if (i >= pu(0u)) { return; }
  let C = pu(1u);
  let c = (i / pu(2u)) % C;
  let M = f32(pu(10u));
  let inv = F[pu(6u) + c];
  var w = 1.0;
  if (pi(7u) >= 0) { w = F[pu(7u) + c]; }
  let k = w * inv / M;
  let xh = (F[pu(3u) + i] - F[pu(5u) + c]) * inv;
  F[pu(8u) + i] = k * (M * F[pu(4u) + i] - F[pu(9u) + c] - xh * F[pu(9u) + C + c]);
}`;

// words: 0 n, 1 p, 2 g, 3 buf (−1 none), 4 lr, 5 momentum, 6 dampening, 7 weightDecay,
// 8 nesterov, 9 maximize, 10 first
export const SGD = PRELUDE + /* wgsl */ `
${ENTRY}
  if (i >= pu(0u)) { return; }
  let p = pu(1u) + i;
  var d = F[pu(2u) + i];
  if (pu(9u) == 1u) { d = -d; }
  if (pf(7u) != 0.0) { d += pf(7u) * F[p]; }
  if (pi(3u) >= 0) {
    let q = pu(3u) + i;
    var b = d;
    if (pu(10u) != 1u) { b = pf(5u) * F[q] + (1.0 - pf(6u)) * d; }
    F[q] = b;
    if (pu(8u) == 1u) { d = d + pf(5u) * b; } else { d = b; }
  }
  F[p] = F[p] - pf(4u) * d;
}`;

// words: 0 n, 1 p, 2 g, 3 m, 4 v, 5 vmax (−1 none), 6 stepSize, 7 beta1, 8 beta2, 9 eps,
// 10 weightDecay, 11 sqrt(bias correction 2), 12 maximize
export const ADAM = PRELUDE + /* wgsl */ `
${ENTRY}
  if (i >= pu(0u)) { return; }
  let p = pu(1u) + i;
  var d = F[pu(2u) + i];
  if (pu(12u) == 1u) { d = -d; }
  if (pf(10u) != 0.0) { d += pf(10u) * F[p]; }
  let m = pf(7u) * F[pu(3u) + i] + (1.0 - pf(7u)) * d;
  let v = pf(8u) * F[pu(4u) + i] + (1.0 - pf(8u)) * d * d;
  F[pu(3u) + i] = m;
  F[pu(4u) + i] = v;
  var s = v;
  if (pi(5u) >= 0) {
    s = max(F[pu(5u) + i], v);
    F[pu(5u) + i] = s;
  }
  F[p] = F[p] - pf(6u) * (m / (sqrt(s) / pf(11u) + pf(9u)));
}`;
