// WGSL for window ops over (planes, H, W): im2col / col2im, max / average / adaptive pooling and
// their backwards. Forward kernels run one thread per output; backward kernels (and col2im) one
// thread per input pixel, which gathers the outputs whose windows hold it — no two threads add
// into one element, and each pixel's terms are added in the reference's order (ascending output
// position), so results match it to the rounding of single additions.
// words: 0 total, 1 a, 2 b, 3 c, 4 kh, 5 kw, 6 sh, 7 sw, 8 ph, 9 pw, 10 dh, 11 dw,
// 12 H, 13 W, 14 OH, 15 OW, 16 C, 17 col row stride, 18 col image stride, 19 flag

import { ENTRY, PRELUDE } from './wgsl_common.js';

const GEOM = /* wgsl */ `
  let kh = pi(4u); let kw = pi(5u); let sh = pi(6u); let sw = pi(7u);
  let ph = pi(8u); let pw = pi(9u); let dh = pi(10u); let dw = pi(11u);
  let H = pi(12u); let W = pi(13u); let OH = pi(14u); let OW = pi(15u);`;

// a = x, b = dst columns
export const IM2COL = PRELUDE + /* wgsl */ `
${ENTRY}
  if (i >= pu(0u)) { return; }
  ${GEOM}
  let C = pi(16u);
  var t = i32(i);
  let ox = t % OW; t /= OW;
  let oy = t % OH; t /= OH;
  let kj = t % kw; t /= kw;
  let ki = t % kh; t /= kh;
  let c = t % C;
  let n = t / C;
  let dst = pi(2u) + n * pi(18u) + ((c * kh + ki) * kw + kj) * pi(17u) + oy * OW + ox;
  let iy = oy * sh - ph + ki * dh;
  let ix = ox * sw - pw + kj * dw;
  var v = 0.0;
  if (iy >= 0 && iy < H && ix >= 0 && ix < W) { v = F[pi(1u) + (n * C + c) * H * W + iy * W + ix]; }
  F[dst] = v;
}`;

// a = columns, b = dst image (added into)
export const COL2IM = PRELUDE + /* wgsl */ `
${ENTRY}
  if (i >= pu(0u)) { return; }
  ${GEOM}
  let C = pi(16u);
  var t = i32(i);
  let ix = t % W; t /= W;
  let iy = t % H; t /= H;
  let c = t % C;
  let n = t / C;
  let d = pi(2u) + i32(i);
  var acc = F[d];
  for (var ki = 0; ki < kh; ki++) {
    let ty = iy + ph - ki * dh;
    if (ty < 0 || ty % sh != 0 || ty / sh >= OH) { continue; }
    let oy = ty / sh;
    for (var kj = 0; kj < kw; kj++) {
      let tx = ix + pw - kj * dw;
      if (tx < 0 || tx % sw != 0 || tx / sw >= OW) { continue; }
      acc += F[pi(1u) + n * pi(18u) + ((c * kh + ki) * kw + kj) * pi(17u) + oy * OW + tx / sw];
    }
  }
  F[d] = acc;
}`;

// a = x, b = dst values, c = dst indices
export const MAX_POOL = PRELUDE + /* wgsl */ `
${ENTRY}
  if (i >= pu(0u)) { return; }
  ${GEOM}
  var t = i32(i);
  let ox = t % OW; t /= OW;
  let oy = t % OH;
  let p = t / OH;
  let plane = pi(1u) + p * H * W;
  var best = -inf();
  var bi = -1;
  for (var ki = 0; ki < kh; ki++) {
    let iy = oy * sh - ph + ki * dh;
    if (iy < 0 || iy >= H) { continue; }
    for (var kj = 0; kj < kw; kj++) {
      let ix = ox * sw - pw + kj * dw;
      if (ix < 0 || ix >= W) { continue; }
      let v = F[plane + iy * W + ix];
      if (v > best || is_nan(v) || bi < 0) {
        best = v;
        bi = iy * W + ix;
        if (is_nan(v)) { break; }
      }
    }
  }
  F[pi(2u) + i32(i)] = best;
  I[pi(3u) + i32(i)] = bi;
}`;

// a = dy, b = dx (added into), c = indices
export const MAX_POOL_BACKWARD = PRELUDE + /* wgsl */ `
${ENTRY}
  if (i >= pu(0u)) { return; }
  ${GEOM}
  var t = i32(i);
  let ix = t % W; t /= W;
  let iy = t % H;
  let p = t / H;
  let L = OH * OW;
  let me = iy * W + ix;
  let d = pi(2u) + i32(i);
  var acc = F[d];
  for (var ki = kh - 1; ki >= 0; ki--) {
    let ty = iy + ph - ki * dh;
    if (ty < 0 || ty % sh != 0 || ty / sh >= OH) { continue; }
    let oy = ty / sh;
    for (var kj = kw - 1; kj >= 0; kj--) {
      let tx = ix + pw - kj * dw;
      if (tx < 0 || tx % sw != 0 || tx / sw >= OW) { continue; }
      let q = p * L + oy * OW + tx / sw;
      if (I[pi(3u) + q] == me) { acc += F[pi(1u) + q]; }
    }
  }
  F[d] = acc;
}`;

// PyTorch's average-pool window: [lo, hi) inside the image and the divisor with padding
const AVG_WINDOW = /* wgsl */ `
fn avg_lo(o: i32, s: i32, p: i32) -> i32 { return max(o * s - p, 0); }
fn avg_hi(o: i32, s: i32, p: i32, k: i32, size: i32) -> i32 { return min(o * s - p + k, size); }
fn avg_npad(o: i32, s: i32, p: i32, k: i32, size: i32) -> i32 { let st = o * s - p; return min(st + k, size + p) - st; }
`;

// a = x, b = dst; flag = countIncludePad
export const AVG_POOL = PRELUDE + AVG_WINDOW + /* wgsl */ `
${ENTRY}
  if (i >= pu(0u)) { return; }
  ${GEOM}
  var t = i32(i);
  let ox = t % OW; t /= OW;
  let oy = t % OH;
  let p = t / OH;
  let plane = pi(1u) + p * H * W;
  let y0 = avg_lo(oy, sh, ph); let y1 = avg_hi(oy, sh, ph, kh, H);
  let x0 = avg_lo(ox, sw, pw); let x1 = avg_hi(ox, sw, pw, kw, W);
  var s = 0.0;
  for (var iy = y0; iy < y1; iy++) { for (var ix = x0; ix < x1; ix++) { s += F[plane + iy * W + ix]; } }
  var div = (y1 - y0) * (x1 - x0);
  if (pu(19u) == 1u) { div = avg_npad(oy, sh, ph, kh, H) * avg_npad(ox, sw, pw, kw, W); }
  F[pi(2u) + i32(i)] = s / f32(div);
}`;

// a = dy, b = dx (added into); flag = countIncludePad
export const AVG_POOL_BACKWARD = PRELUDE + AVG_WINDOW + /* wgsl */ `
${ENTRY}
  if (i >= pu(0u)) { return; }
  ${GEOM}
  var t = i32(i);
  let ix = t % W; t /= W;
  let iy = t % H;
  let p = t / H;
  let d = pi(2u) + i32(i);
  var acc = F[d];
  for (var ki = kh - 1; ki >= 0; ki--) {
    let ty = iy + ph - ki;
    if (ty < 0 || ty % sh != 0 || ty / sh >= OH) { continue; }
    let oy = ty / sh;
    let y0 = avg_lo(oy, sh, ph); let y1 = avg_hi(oy, sh, ph, kh, H);
    if (iy < y0 || iy >= y1) { continue; }
    for (var kj = kw - 1; kj >= 0; kj--) {
      let tx = ix + pw - kj;
      if (tx < 0 || tx % sw != 0 || tx / sw >= OW) { continue; }
      let ox = tx / sw;
      let x0 = avg_lo(ox, sw, pw); let x1 = avg_hi(ox, sw, pw, kw, W);
      if (ix < x0 || ix >= x1) { continue; }
      var div = (y1 - y0) * (x1 - x0);
      if (pu(19u) == 1u) { div = avg_npad(oy, sh, ph, kh, H) * avg_npad(ox, sw, pw, kw, W); }
      acc += F[pi(1u) + (p * OH + oy) * OW + ox] / f32(div);
    }
  }
  F[d] = acc;
}`;

const ADAPTIVE = /* wgsl */ `
fn a_start(i: i32, inp: i32, out: i32) -> i32 { return (i * inp) / out; }
fn a_end(i: i32, inp: i32, out: i32) -> i32 { return ((i + 1) * inp + out - 1) / out; }
`;

// a = x, b = dst
export const ADAPTIVE_AVG_POOL = PRELUDE + ADAPTIVE + /* wgsl */ `
${ENTRY}
  if (i >= pu(0u)) { return; }
  ${GEOM}
  var t = i32(i);
  let ox = t % OW; t /= OW;
  let oy = t % OH;
  let p = t / OH;
  let plane = pi(1u) + p * H * W;
  let y0 = a_start(oy, H, OH); let y1 = a_end(oy, H, OH);
  let x0 = a_start(ox, W, OW); let x1 = a_end(ox, W, OW);
  var s = 0.0;
  for (var iy = y0; iy < y1; iy++) { for (var ix = x0; ix < x1; ix++) { s += F[plane + iy * W + ix]; } }
  F[pi(2u) + i32(i)] = s / f32((y1 - y0) * (x1 - x0));
}`;

// a = dy, b = dx (added into)
export const ADAPTIVE_AVG_POOL_BACKWARD = PRELUDE + ADAPTIVE + /* wgsl */ `
${ENTRY}
  if (i >= pu(0u)) { return; }
  ${GEOM}
  var t = i32(i);
  let ix = t % W; t /= W;
  let iy = t % H;
  let p = t / H;
  let d = pi(2u) + i32(i);
  var acc = F[d];
  let oy0 = max((iy * OH) / H - 1, 0); let oy1 = min(((iy + 1) * OH + H - 1) / H + 1, OH);
  let ox0 = max((ix * OW) / W - 1, 0); let ox1 = min(((ix + 1) * OW + W - 1) / W + 1, OW);
  for (var oy = oy0; oy < oy1; oy++) {
    let y0 = a_start(oy, H, OH); let y1 = a_end(oy, H, OH);
    if (iy < y0 || iy >= y1) { continue; }
    for (var ox = ox0; ox < ox1; ox++) {
      let x0 = a_start(ox, W, OW); let x1 = a_end(ox, W, OW);
      if (ix < x0 || ix >= x1) { continue; }
      acc += F[pi(1u) + (p * OH + oy) * OW + ox] / f32((y1 - y0) * (x1 - x0));
    }
  }
  F[d] = acc;
}`;
