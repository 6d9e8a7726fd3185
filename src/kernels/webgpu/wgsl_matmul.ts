// WGSL tiled GEMM: out[b] (M×N) = A[b] (M×K) @ B[b] (K×N) over any strides. A 256-thread
// workgroup computes a 64×64 tile, each thread a 4×4 block from 16-deep slices of A and B staged
// in workgroup memory. Where A, B and out are all row-major with 4-aligned offsets and strides,
// slices are fetched and results stored as vec4s (one fetch per thread per operand); otherwise
// element by element (transposed operands of the backward pass). Batches run along z; a batch stride of 0 in `out` (sum over the batch)
// loops the batch inside the kernel, so no two workgroups add into the same element.
// words: 0 M, 1 N, 2 K, 3 aOff, 4 aSb, 5 aSr, 6 aSc, 7 bOff, 8 bSb, 9 bSr, 10 bSc,
// 11 oOff, 12 oSb, 13 oSr, 14 oSc, 15 beta, 16 batch, 17 sum over batch, 18 first batch

import { PRELUDE } from './wgsl_common.js';

// the vec4 variant binds the memory as vec4<f32> (its only view: WebGPU forbids a second
// writable binding of one buffer), so it needs A, B and out all row-major and 16-byte aligned
const VEC_PRELUDE = /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> V4: array<vec4<f32>>;
struct Params { w: array<vec4<u32>, 16> }
@group(0) @binding(1) var<uniform> P: Params;
fn pu(i: u32) -> u32 { return P.w[i >> 2u][i & 3u]; }
fn pi(i: u32) -> i32 { return bitcast<i32>(pu(i)); }
`;

export function matmulShader(vec: boolean): string {
  const loadA = vec
    ? /* wgsl */ `{
        let m = lid >> 2u;
        let kq = (lid & 3u) * 4u;
        let gm = row0 + m;
        var v = vec4<f32>(0.0);
        if (gm < M && k0 + kq < K) { v = V4[u32(ao + i32(gm) * asr + i32(k0 + kq)) >> 2u]; }
        As[(kq + 0u) * 16u + (m >> 2u)][m & 3u] = v.x;
        As[(kq + 1u) * 16u + (m >> 2u)][m & 3u] = v.y;
        As[(kq + 2u) * 16u + (m >> 2u)][m & 3u] = v.z;
        As[(kq + 3u) * 16u + (m >> 2u)][m & 3u] = v.w;
      }`
    : /* wgsl */ `for (var t = 0u; t < 4u; t++) {
        let e = lid + 256u * t;
        let m = e >> 4u;
        let k = e & 15u;
        let gm = row0 + m;
        let gk = k0 + k;
        var v = 0.0;
        if (gm < M && gk < K) { v = F[ao + i32(gm) * asr + i32(gk) * asc]; }
        As[k * 16u + (m >> 2u)][m & 3u] = v;
      }`;
  const loadB = vec
    ? /* wgsl */ `{
        let k = lid >> 4u;
        let nq = (lid & 15u) * 4u;
        let gk = k0 + k;
        var v = vec4<f32>(0.0);
        if (gk < K && col0 + nq < N) { v = V4[u32(bo + i32(gk) * bsr + i32(col0 + nq)) >> 2u]; }
        Bs[k * 16u + (nq >> 2u)] = v;
      }`
    : /* wgsl */ `for (var t = 0u; t < 4u; t++) {
        let e = lid + 256u * t;
        let k = e >> 6u;
        let n = e & 63u;
        let gk = k0 + k;
        let gn = col0 + n;
        var v = 0.0;
        if (gk < K && gn < N) { v = F[bo + i32(gk) * bsr + i32(gn) * bsc]; }
        Bs[k * 16u + (n >> 2u)][n & 3u] = v;
      }`;
  const store = vec
    ? /* wgsl */ `for (var r = 0u; r < 4u; r++) {
    let gm = row0 + l3.y * 4u + r;
    let gn = col0 + l3.x * 4u;
    if (gm >= M || gn >= N) { break; }
    let o = u32(oo + i32(gm) * osr + i32(gn)) >> 2u;
    if (beta) { V4[o] += acc[r]; } else { V4[o] = acc[r]; }
  }`
    : /* wgsl */ `for (var r = 0u; r < 4u; r++) {
    let gm = row0 + l3.y * 4u + r;
    if (gm >= M) { break; }
    for (var c = 0u; c < 4u; c++) {
      let gn = col0 + l3.x * 4u + c;
      if (gn >= N) { break; }
      let o = oo + i32(gm) * osr + i32(gn) * osc;
      if (beta) { F[o] += acc[r][c]; } else { F[o] = acc[r][c]; }
    }
  }`;
  const body = /* wgsl */ `
var<workgroup> As: array<vec4<f32>, 256>;
var<workgroup> Bs: array<vec4<f32>, 256>;
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) l3: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let M = pu(0u);
  let N = pu(1u);
  let K = pu(2u);
  let asr = pi(5u);
  let asc = pi(6u);
  let bsr = pi(9u);
  let bsc = pi(10u);
  let row0 = wid.y * 64u;
  let col0 = wid.x * 64u;
  let sum_batch = pu(17u) == 1u;
  let b0 = select(pu(18u) + wid.z, 0u, sum_batch);
  let nb = select(1u, pu(16u), sum_batch);
  var acc: array<vec4<f32>, 4>;
  for (var bi = b0; bi < b0 + nb; bi++) {
    let ao = pi(3u) + i32(bi) * pi(4u);
    let bo = pi(7u) + i32(bi) * pi(8u);
    for (var k0 = 0u; k0 < K; k0 += 16u) {
      ${loadA}
      ${loadB}
      workgroupBarrier();
      for (var k = 0u; k < 16u; k++) {
        let a = As[k * 16u + l3.y];
        let b = Bs[k * 16u + l3.x];
        acc[0] += a.x * b;
        acc[1] += a.y * b;
        acc[2] += a.z * b;
        acc[3] += a.w * b;
      }
      workgroupBarrier();
    }
  }
  let oo = pi(11u) + select(i32(b0) * pi(12u), 0, sum_batch);
  let osr = pi(13u);
  let osc = pi(14u);
  let beta = pu(15u) == 1u;
  ${store}
}`;
  return vec ? VEC_PRELUDE + body.replace('let asc = pi(6u);', '').replace('let bsc = pi(10u);', '').replace('let osc = pi(14u);', '') : PRELUDE + body;
}
