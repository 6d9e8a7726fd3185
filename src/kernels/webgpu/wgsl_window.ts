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

/** A window kernel: `helpers` (WGSL functions), then one thread per element of word 0 running `body`. */
function windowKernel(helpers: string, body: string): string {
  return PRELUDE + helpers + /* wgsl */ `
${ENTRY}
  if (i >= pu(0u)) { return; }
  ${GEOM}${body}
}`;
}

// a forward thread's output pixel (plane p, oy, ox) and the first word of its input plane
const OUTPUT_PIXEL = /* wgsl */ `
  var t = i32(i);
  let ox = t % OW; t /= OW;
  let oy = t % OH;
  let p = t / OH;
  let plane = pi(1u) + p * H * W;`;

/**
 * A backward thread: its input pixel (plane p, iy, ix), `setup`, then `loops` adding into acc,
 * which starts from dx's value (dx is added into).
 */
function inputGradient(setup: string, loops: string): string {
  return /* wgsl */ `
  var t = i32(i);
  let ix = t % W; t /= W;
  let iy = t % H;
  let p = t / H;${setup}
  let d = pi(2u) + i32(i);
  var acc = F[d];${loops}
  F[d] = acc;`;
}

/**
 * Loops over the taps (ki, kj) of the windows that hold pixel (iy, ix), ascending or descending
 * (the reference's order of terms), dilated or one apart: `rowBody` runs for each output row oy
 * that reaches it, `body` for each output (oy, ox).
 */
function tapsHolding(order: 'ascending' | 'descending', dilated: boolean, rowBody: string, body: string): string {
  const loop = (k: string, n: string): string => (order === 'ascending' ? `for (var ${k} = 0; ${k} < ${n}; ${k}++)` : `for (var ${k} = ${n} - 1; ${k} >= 0; ${k}--)`);
  const [dh, dw] = dilated ? [' * dh', ' * dw'] : ['', ''];
  return /* wgsl */ `
  ${loop('ki', 'kh')} {
    let ty = iy + ph - ki${dh};
    if (ty < 0 || ty % sh != 0 || ty / sh >= OH) { continue; }
    let oy = ty / sh;${rowBody}
    ${loop('kj', 'kw')} {
      let tx = ix + pw - kj${dw};
      if (tx < 0 || tx % sw != 0 || tx / sw >= OW) { continue; }
      let ox = tx / sw;${body}
    }
  }`;
}

// the word of column (c, ki, kj) at output (oy, ox) of image n in a column buffer
const COL_WORD = 'n * pi(18u) + ((c * kh + ki) * kw + kj) * pi(17u) + oy * OW + ox';

// a = x, b = dst columns
export const IM2COL = windowKernel('', /* wgsl */ `
  let C = pi(16u);
  var t = i32(i);
  let ox = t % OW; t /= OW;
  let oy = t % OH; t /= OH;
  let kj = t % kw; t /= kw;
  let ki = t % kh; t /= kh;
  let c = t % C;
  let n = t / C;
  let dst = pi(2u) + ${COL_WORD};
  let iy = oy * sh - ph + ki * dh;
  let ix = ox * sw - pw + kj * dw;
  var v = 0.0;
  if (iy >= 0 && iy < H && ix >= 0 && ix < W) { v = F[pi(1u) + (n * C + c) * H * W + iy * W + ix]; }
  F[dst] = v;`);

// a = columns, b = dst image (added into)
export const COL2IM = windowKernel('', inputGradient(/* wgsl */ `
  let C = pi(16u);
  let c = p % C;
  let n = p / C;`, tapsHolding('ascending', true, '', /* wgsl */ `
      acc += F[pi(1u) + ${COL_WORD}];`)));

// a = x, b = dst values, c = dst indices
export const MAX_POOL = windowKernel('', OUTPUT_PIXEL + /* wgsl */ `
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
  I[pi(3u) + i32(i)] = bi;`);

// a = dy, b = dx (added into), c = indices
export const MAX_POOL_BACKWARD = windowKernel('', inputGradient(/* wgsl */ `
  let L = OH * OW;
  let me = iy * W + ix;`, tapsHolding('descending', true, '', /* wgsl */ `
      let q = p * L + oy * OW + ox;
      if (I[pi(3u) + q] == me) { acc += F[pi(1u) + q]; }`)));

/**
 * A mean pool's forward: the window [y0, y1) × [x0, x1) of output (oy, ox) from `bounds`, its
 * sum, and the sum over `div` (declared by `divisor`).
 */
function meanPool(helpers: string, bounds: string, divisor: string): string {
  return windowKernel(helpers, OUTPUT_PIXEL + bounds + /* wgsl */ `
  var s = 0.0;
  for (var iy = y0; iy < y1; iy++) { for (var ix = x0; ix < x1; ix++) { s += F[plane + iy * W + ix]; } }${divisor}
  F[pi(2u) + i32(i)] = s / f32(div);`);
}

// a mean pool's backward: the row and column tests that (iy, ix) lies in output (oy, ox)'s window
// (its bounds from `rowBounds` / `colBounds`), and the output's gradient over `div` added
const inWindowRow = (rowBounds: string): string => /* wgsl */ `
    ${rowBounds}
    if (iy < y0 || iy >= y1) { continue; }`;
const inWindowAdd = (colBounds: string, divisor: string): string => /* wgsl */ `
      ${colBounds}
      if (ix < x0 || ix >= x1) { continue; }${divisor.replaceAll('\n', '\n    ')}
      acc += F[pi(1u) + (p * OH + oy) * OW + ox] / f32(div);`;

// PyTorch's average-pool window: [lo, hi) inside the image and the divisor with padding
const AVG_WINDOW = /* wgsl */ `
fn avg_lo(o: i32, s: i32, p: i32) -> i32 { return max(o * s - p, 0); }
fn avg_hi(o: i32, s: i32, p: i32, k: i32, size: i32) -> i32 { return min(o * s - p + k, size); }
fn avg_npad(o: i32, s: i32, p: i32, k: i32, size: i32) -> i32 { let st = o * s - p; return min(st + k, size + p) - st; }
`;
const AVG_ROWS = 'let y0 = avg_lo(oy, sh, ph); let y1 = avg_hi(oy, sh, ph, kh, H);';
const AVG_COLS = 'let x0 = avg_lo(ox, sw, pw); let x1 = avg_hi(ox, sw, pw, kw, W);';
// flag = countIncludePad: the padded window's size
const AVG_DIVISOR = /* wgsl */ `
  var div = (y1 - y0) * (x1 - x0);
  if (pu(19u) == 1u) { div = avg_npad(oy, sh, ph, kh, H) * avg_npad(ox, sw, pw, kw, W); }`;

// a = x, b = dst; flag = countIncludePad
export const AVG_POOL = meanPool(AVG_WINDOW, `
  ${AVG_ROWS}
  ${AVG_COLS}`, AVG_DIVISOR);

// a = dy, b = dx (added into); flag = countIncludePad
export const AVG_POOL_BACKWARD = windowKernel(AVG_WINDOW, inputGradient('', tapsHolding('descending', false, inWindowRow(AVG_ROWS), inWindowAdd(AVG_COLS, AVG_DIVISOR))));

const ADAPTIVE = /* wgsl */ `
fn a_start(i: i32, inp: i32, out: i32) -> i32 { return (i * inp) / out; }
fn a_end(i: i32, inp: i32, out: i32) -> i32 { return ((i + 1) * inp + out - 1) / out; }
`;
const ADAPTIVE_ROWS = 'let y0 = a_start(oy, H, OH); let y1 = a_end(oy, H, OH);';
const ADAPTIVE_COLS = 'let x0 = a_start(ox, W, OW); let x1 = a_end(ox, W, OW);';
const ADAPTIVE_DIVISOR = /* wgsl */ `
  let div = (y1 - y0) * (x1 - x0);`;

// a = x, b = dst
export const ADAPTIVE_AVG_POOL = meanPool(ADAPTIVE, `
  ${ADAPTIVE_ROWS}
  ${ADAPTIVE_COLS}`, ADAPTIVE_DIVISOR);

// a = dy, b = dx (added into); only outputs one either side of the pixel's own can hold it
export const ADAPTIVE_AVG_POOL_BACKWARD = windowKernel(ADAPTIVE, inputGradient('', /* wgsl */ `
  let oy0 = max((iy * OH) / H - 1, 0); let oy1 = min(((iy + 1) * OH + H - 1) / H + 1, OH);
  let ox0 = max((ix * OW) / W - 1, 0); let ox1 = min(((ix + 1) * OW + W - 1) / W + 1, OW);
  for (var oy = oy0; oy < oy1; oy++) {${inWindowRow(ADAPTIVE_ROWS)}
    for (var ox = ox0; ox < ox1; ox++) {${inWindowAdd(ADAPTIVE_COLS, ADAPTIVE_DIVISOR)}
    }
  }`));
