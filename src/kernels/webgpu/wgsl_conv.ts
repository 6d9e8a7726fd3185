// WGSL convolution as implicit GEMM: the three passes of a grouped 2-D convolution are GEMMs
// whose one operand is a virtual im2col matrix, gathered element by element into workgroup tiles
// straight from the image (zero where a window leaves it), so no column buffer exists.
//   forward      y[n, o, p]   = Σ_k w[o, k] · X̂[k, (n, p)]          M = O/g,  columns N·OH·OW, K = C/g·kh·kw
//   input grad   dx[n, c, s]  = Σ_(o,t) w[o, c, t] · dŶ[(o, t), (n, s)] M = C/g,  columns N·H·W,   K = O/g·kh·kw
//   weight grad  dw[o, k]     = Σ_(n,p) dy[n, o, p] · X̂[k, (n, p)]   M = O/g,  columns C/g·kh·kw, K = N·OH·OW
// where k = (c, ki, kj), p = (oy, ox) and s = (iy, ix). The input gradient gathers dy at
// oy = (iy + ph − ki·dh) / sh where that divides exactly (a gather, not col2im's scatter); the
// weight gradient splits its long reduction over N·OH·OW into z slices (split-K) whose partial
// sums the caller adds. Groups run along z too (z = group·splits + split).
//
// The tile is TM×TN outputs, each of TM·TN/16 threads holding a 4×4 block, over 16-deep K slices
// staged in workgroup memory as in wgsl_matmul.ts. A thread always gathers the same tile column,
// so the column's decoding (image, output position, window origin) is done once per thread, not
// per slice; the slice's 16 reduction indices are decoded once per workgroup into a small table
// (no integer division per gathered element).
//
// Parameter words: 0 M, 1 columns, 2 K, 3 first column of this dispatch, 4 K per split,
// 5 splits, 6 N, 7 C, 8 O, 9 C/g, 10 O/g, 11 kh, 12 kw, 13 sh, 14 sw, 15 ph, 16 pw, 17 dh, 18 dw,
// 19 H, 20 W, 21 OH, 22 OW, 23 x, 24 w, 25 bias (−1 none), 26 out, 27 relu, 28 dy,
// 29 element stride between split partial sums; the input gradient's folding (see its pass):
// 30, 31 row taps (kh or 1, kw or 1), 32, 33 column extent (H or 1, W or 1), 34, 35 reduction taps;
// 36 first row and 37 first group of this dispatch (rows and groups past 65 535 workgroups spill
// into further dispatches, as columns do).

import { PRELUDE } from './wgsl_common.js';

export type ConvPass = 'fwd' | 'dgrad' | 'wgrad';

/** Tile shapes the shader takes: TM rows by TN columns, both powers of two. */
export const TILE_ROWS = [16, 32, 64] as const;
export const TILE_COLS = [16, 32, 64, 128] as const;
/** The widest tile for TM rows: 256 threads, and A and B slices within WebGPU's default 16 KiB of workgroup memory. */
export const wideCols = (TM: number): number => (TM === 64 ? 64 : 128);

const GEOMETRY = /* wgsl */ `
var<private> gC: i32; var<private> gO: i32; var<private> gCg: i32; var<private> gOg: i32;
var<private> gKh: i32; var<private> gKw: i32; var<private> gSh: i32; var<private> gSw: i32;
var<private> gPh: i32; var<private> gPw: i32; var<private> gDh: i32; var<private> gDw: i32;
var<private> gH: i32; var<private> gW: i32; var<private> gOH: i32; var<private> gOW: i32;
var<private> gKK: i32; var<private> gL: i32; var<private> gHW: i32; var<private> gM: u32; var<private> gNQ: u32;
var<private> oX: i32; var<private> oWt: i32; var<private> oBias: i32; var<private> oOut: i32; var<private> oDy: i32;
var<private> relu: bool; var<private> splitStride: i32;

fn load_params() {
  gM = pu(0u); gNQ = pu(1u);
  gC = pi(7u); gO = pi(8u); gCg = pi(9u); gOg = pi(10u);
  gKh = pi(11u); gKw = pi(12u); gSh = pi(13u); gSw = pi(14u); gPh = pi(15u); gPw = pi(16u); gDh = pi(17u); gDw = pi(18u);
  gH = pi(19u); gW = pi(20u); gOH = pi(21u); gOW = pi(22u);
  gKK = gKh * gKw; gL = gOH * gOW; gHW = gH * gW;
  oX = pi(23u); oWt = pi(24u); oBias = pi(25u); oOut = pi(26u); relu = pu(27u) == 1u; oDy = pi(28u); splitStride = pi(29u);
}
`;

// Each pass defines: Col (a thread's hoisted column state) and col_setup(q, gi); tap(k), the
// decoded reduction index (an offset and a row and column), tabled per slice; b_at(col, tap),
// the gathered B element (0 outside the image or past the columns); ARow and a_row(k, gi), the
// per-slice row state of A; a_at(row, m); put(m, q, gi, s, v), the store of one output.
// the forward and the weight gradient gather x at a window position plus a tap: the column
// holds one, the slice's table the other
const WINDOW_AT = /* wgsl */ `
fn b_at(c: Col, t: vec3<i32>) -> f32 {
  let iy = c.iy + t.y;
  let ix = c.ix + t.z;
  if (!c.ok || iy < 0 || iy >= gH || ix < 0 || ix >= gW) { return 0.0; }
  return F[c.base + t.x];
}
`;

const PASSES: Record<ConvPass, string> = {
  fwd: /* wgsl */ `
struct Col { ok: bool, base: i32, iy: i32, ix: i32 }
fn col_setup(q: u32, gi: i32) -> Col {
  let qi = i32(q);
  let n = qi / gL;
  let p = qi - n * gL;
  let oy = p / gOW;
  let iy = oy * gSh - gPh;
  let ix = (p - oy * gOW) * gSw - gPw;
  return Col(q < gNQ, oX + (n * gC + gi * gCg) * gHW + iy * gW + ix, iy, ix);
}
// tap k = (channel, ki, kj): its offset from the window origin and its row and column in the window
fn tap(k: u32) -> vec3<i32> {
  let ki = i32(k);
  let ch = ki / gKK;
  let r = ki - ch * gKK;
  let a = r / gKw;
  let y = a * gDh;
  let x = (r - a * gKw) * gDw;
  return vec3<i32>(ch * gHW + y * gW + x, y, x);
}
${WINDOW_AT}
struct ARow { base: i32 }
fn a_row(k: u32, gi: i32) -> ARow { return ARow(oWt + gi * gOg * gCg * gKK + i32(k)); }
fn a_at(r: ARow, m: u32) -> f32 { return F[r.base + i32(m) * gCg * gKK]; }
fn put(m: u32, q: u32, gi: i32, s: u32, v: f32) {
  let qi = i32(q);
  let n = qi / gL;
  let o = gi * gOg + i32(m);
  var t = v;
  if (oBias >= 0) { t += F[oBias + o]; }
  // as the relu kernel: x > 0 ? x : 0 (NaN → 0)
  if (relu) { t = select(0.0, t, t > 0.0); }
  F[oOut + (n * gO + o) * gL + qi - n * gL] = t;
}
`,
  dgrad: /* wgsl */ `
// rows (c, ri, rj), columns (n, cy, cx), reduction (o, a, b): with no folding ri = rj = 0 and
// (cy, cx) = (iy, ix); a folded axis moves its tap from the reduction to the rows and leaves the
// column one position (cy or cx = 0), so (iy, ix) = (cy + ri·dh, cx + rj·dw), (ki, kj) = (a + ri, b + rj)
var<private> fRh: i32; var<private> fRw: i32; var<private> fCh: i32; var<private> fCw: i32; var<private> fKh: i32; var<private> fKw: i32;
fn load_fold() { fRh = pi(30u); fRw = pi(31u); fCh = pi(32u); fCw = pi(33u); fKh = pi(34u); fKw = pi(35u); }
struct Col { ok: bool, dyb: i32, ty: i32, tx: i32 }
fn col_setup(q: u32, gi: i32) -> Col {
  load_fold();
  let qi = i32(q);
  let n = qi / (fCh * fCw);
  let s = qi - n * fCh * fCw;
  let cy = s / fCw;
  return Col(q < gNQ, oDy + (n * gO + gi * gOg) * gL, cy + gPh, s - cy * fCw + gPw);
}
// tap k = (output channel, a, b): dy's plane offset and the tap's row and column in the window
fn tap(k: u32) -> vec3<i32> {
  let ki = i32(k);
  let o = ki / (fKh * fKw);
  let r = ki - o * fKh * fKw;
  let a = r / fKw;
  return vec3<i32>(o * gL, a * gDh, (r - a * fKw) * gDw);
}
fn b_at(c: Col, t: vec3<i32>) -> f32 {
  var oy = c.ty - t.y;
  var ox = c.tx - t.z;
  if (!c.ok || oy < 0 || ox < 0) { return 0.0; }
  // the output whose window puts this tap on the input position, where the stride lands on it
  if (gSh != 1) {
    let d = oy / gSh;
    if (d * gSh != oy) { return 0.0; }
    oy = d;
  }
  if (gSw != 1) {
    let d = ox / gSw;
    if (d * gSw != ox) { return 0.0; }
    ox = d;
  }
  if (oy >= gOH || ox >= gOW) { return 0.0; }
  return F[c.dyb + t.x + oy * gOW + ox];
}
struct ARow { base: i32 }
fn a_row(k: u32, gi: i32) -> ARow {
  let ki = i32(k);
  let o = ki / (fKh * fKw);
  let r = ki - o * fKh * fKw;
  let a = r / fKw;
  return ARow(oWt + (gi * gOg + o) * gCg * gKK + a * gKw + r - a * fKw);
}
fn a_at(r: ARow, m: u32) -> f32 {
  let mi = i32(m);
  let c = mi / (fRh * fRw);
  let rr = mi - c * fRh * fRw;
  let ri = rr / fRw;
  return F[r.base + c * gKK + ri * gKw + rr - ri * fRw];
}
fn put(m: u32, q: u32, gi: i32, s: u32, v: f32) {
  let mi = i32(m);
  let c = mi / (fRh * fRw);
  let rr = mi - c * fRh * fRw;
  let ri = rr / fRw;
  let qi = i32(q);
  let n = qi / (fCh * fCw);
  let p = qi - n * fCh * fCw;
  let cy = p / fCw;
  let iy = cy + ri * gDh;
  let ix = p - cy * fCw + (rr - ri * fRw) * gDw;
  F[oOut + (n * gC + gi * gCg + c) * gHW + iy * gW + ix] = v;
}
`,
  wgrad: /* wgsl */ `
struct Col { ok: bool, base: i32, iy: i32, ix: i32 }
fn col_setup(q: u32, gi: i32) -> Col {
  let qi = i32(q);
  let ch = qi / gKK;
  let r = qi - ch * gKK;
  let a = r / gKw;
  let iy = a * gDh - gPh;
  let ix = (r - a * gKw) * gDw - gPw;
  return Col(q < gNQ, oX + (gi * gCg + ch) * gHW + iy * gW + ix, iy, ix);
}
// term k = (image, oy, ox): its window origin's offset, row and column (the tap adds the rest)
fn tap(k: u32) -> vec3<i32> {
  let ki = i32(k);
  let n = ki / gL;
  let p = ki - n * gL;
  let oy = p / gOW;
  let y = oy * gSh;
  let x = (p - oy * gOW) * gSw;
  return vec3<i32>(n * gC * gHW + y * gW + x, y, x);
}
${WINDOW_AT}
struct ARow { base: i32 }
fn a_row(k: u32, gi: i32) -> ARow {
  let ki = i32(k);
  let n = ki / gL;
  return ARow(oDy + (n * gO + gi * gOg) * gL + ki - n * gL);
}
fn a_at(r: ARow, m: u32) -> f32 { return F[r.base + i32(m) * gL]; }
fn put(m: u32, q: u32, gi: i32, s: u32, v: f32) {
  F[oOut + i32(s) * splitStride + (gi * gOg + i32(m)) * gCg * gKK + i32(q)] = v;
}
`,
};

/** The implicit-GEMM shader of one pass on a TM×TN tile (see the header for the words). */
export function convShader(pass: ConvPass, TM: number, TN: number): string {
  const T = (TM * TN) / 16;
  if (!TILE_ROWS.includes(TM as 16) || !TILE_COLS.includes(TN as 16) || T < 16 || T > 256 || 64 * (TM + TN) > 16384) {
    throw new Error(`webgpu conv shader: no ${TM}×${TN} tile`);
  }
  return PRELUDE + GEOMETRY + PASSES[pass] + /* wgsl */ `
var<workgroup> As: array<vec4<f32>, ${4 * TM}>;
var<workgroup> Bs: array<vec4<f32>, ${4 * TN}>;
// the decoded reduction indices of the next slice (16 threads write them while the rest multiply)
var<workgroup> Tk: array<vec3<i32>, 16>;
@compute @workgroup_size(${T})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  load_params();
  let S = pu(5u);
  let gz = pu(37u) + wid.z / S;
  let gi = i32(gz);
  let s = wid.z % S;
  let row0 = pu(36u) + wid.y * ${TM}u;
  let col0 = pu(3u) + wid.x * ${TN}u;
  let kBeg = s * pu(4u);
  let kEnd = min(pu(2u), kBeg + pu(4u));
  // this thread's gathered column, decoded once
  let bn = lid % ${TN}u;
  let col = col_setup(col0 + bn, gi);
  let bk = lid / ${TN}u;
  let ak = lid & 15u;
  let tx = lid % ${TN / 4}u;
  let ty = lid / ${TN / 4}u;
  var acc: array<vec4<f32>, 4>;
  if (lid < 16u) { Tk[lid] = tap(kBeg + lid); }
  workgroupBarrier();
  for (var k0 = kBeg; k0 < kEnd; k0 += 16u) {
    let ka = k0 + ak;
    let arow = a_row(ka, gi);
    for (var t = 0u; t < ${256 / TN}u; t++) {
      let m = (lid >> 4u) + t * ${T / 16}u;
      var v = 0.0;
      if (ka < kEnd && row0 + m < gM) { v = a_at(arow, row0 + m); }
      As[ak * ${TM / 4}u + (m >> 2u)][m & 3u] = v;
    }
    for (var t = 0u; t < ${256 / TM}u; t++) {
      let kb = bk + t * ${TM / 16}u;
      var v = 0.0;
      if (k0 + kb < kEnd) { v = b_at(col, Tk[kb]); }
      Bs[kb * ${TN / 4}u + (bn >> 2u)][bn & 3u] = v;
    }
    workgroupBarrier();
    if (lid < 16u) { Tk[lid] = tap(k0 + 16u + lid); }
    for (var k = 0u; k < 16u; k++) {
      let a = As[k * ${TM / 4}u + ty];
      let b = Bs[k * ${TN / 4}u + tx];
      acc[0] += a.x * b;
      acc[1] += a.y * b;
      acc[2] += a.z * b;
      acc[3] += a.w * b;
    }
    workgroupBarrier();
  }
  for (var r = 0u; r < 4u; r++) {
    let m = row0 + ty * 4u + r;
    if (m >= gM) { break; }
    for (var c = 0u; c < 4u; c++) {
      let q = col0 + tx * 4u + c;
      if (q >= gNQ) { break; }
      put(m, q, gi, s, acc[r][c]);
    }
  }
}`;
}
