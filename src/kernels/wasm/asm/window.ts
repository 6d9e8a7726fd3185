// im2col / col2im and pooling over (H, W) planes, float32. Geometry arrives as one i32 block
// (kh, kw, sh, sw, ph, pw, dh, dw, H, W, OH, OW) written by the caller into the heap.

// Short runs are copied and zeroed with inline loops: memory.copy / memory.fill go through a
// runtime call that costs more than the ~30 floats of a typical image row.
// @ts-ignore: decorator
@inline function zero(p: usize, n: i32): void {
  let i = 0;
  const z = f32x4.splat(0);
  for (; i + 4 <= n; i += 4) v128.store(p + <usize>i * 4, z);
  for (; i < n; i++) store<f32>(p + <usize>i * 4, 0);
}

// @ts-ignore: decorator
@inline function copyRun(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + <usize>i * 4, v128.load(src + <usize>i * 4));
  if (i == n) return;
  // a ragged end of a run of ≥ 4: one vector over its last four (rewriting a few equal values)
  if (n >= 4) {
    const t = <usize>(n - 4) * 4;
    v128.store(dst + t, v128.load(src + t));
    return;
  }
  for (; i < n; i++) store<f32>(dst + <usize>i * 4, load<f32>(src + <usize>i * 4));
}

// @ts-ignore: decorator
@inline function g(geo: usize, i: i32): i32 {
  return load<i32>(geo + <usize>i * 4);
}

/**
 * Unfolds (N, C, H, W) into columns: row r = (c, ki, kj) of image n starts at
 * dst + n·imageStride + r·rowStride (elements); (C·kh·kw·OH·OW, OH·OW) is the (N, C·kh·kw, L)
 * layout, (OH·OW, N·OH·OW) the batch-folded (C·kh·kw, N·L) one.
 */
export function im2col(x: usize, N: i32, C: i32, geo: usize, dst: usize, rowStride: i32, imageStride: i32): void {
  const kh = g(geo, 0), kw = g(geo, 1), sh = g(geo, 2), sw = g(geo, 3), ph = g(geo, 4), pw = g(geo, 5);
  const dh = g(geo, 6), dw = g(geo, 7), H = g(geo, 8), W = g(geo, 9), OH = g(geo, 10), OW = g(geo, 11);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const plane = x + <usize>((n * C + c) * H * W) * 4;
      for (let ki = 0; ki < kh; ki++) {
        for (let kj = 0; kj < kw; kj++) {
          let o = dst + <usize>(n * imageStride + ((c * kh + ki) * kw + kj) * rowStride) * 4;
          const x0 = kj * dw - pw;
          // the ox range whose input column lies inside [0, W)
          let lo = x0 >= 0 ? 0 : (-x0 + sw - 1) / sw;
          let hi = W - x0 > 0 ? (W - x0 + sw - 1) / sw : 0;
          if (hi > OW) hi = OW;
          if (lo > hi) lo = hi;
          for (let oy = 0; oy < OH; oy++) {
            const iy = oy * sh - ph + ki * dh;
            if (iy < 0 || iy >= H) {
              zero(o, OW);
              o += <usize>OW * 4;
              continue;
            }
            const row = plane + <usize>(iy * W) * 4;
            if (lo > 0) zero(o, lo);
            if (sw == 1) {
              copyRun(o + <usize>lo * 4, row + <usize>(x0 + lo) * 4, hi - lo);
            } else {
              for (let ox = lo; ox < hi; ox++) store<f32>(o + <usize>ox * 4, load<f32>(row + <usize>(ox * sw + x0) * 4));
            }
            if (hi < OW) zero(o + <usize>hi * 4, OW - hi);
            o += <usize>OW * 4;
          }
        }
      }
    }
  }
}

/** Adds columns back into (N, C, H, W), the adjoint of im2col (same column strides). */
export function col2im(col: usize, N: i32, C: i32, geo: usize, dst: usize, rowStride: i32, imageStride: i32): void {
  const kh = g(geo, 0), kw = g(geo, 1), sh = g(geo, 2), sw = g(geo, 3), ph = g(geo, 4), pw = g(geo, 5);
  const dh = g(geo, 6), dw = g(geo, 7), H = g(geo, 8), W = g(geo, 9), OH = g(geo, 10), OW = g(geo, 11);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const plane = dst + <usize>((n * C + c) * H * W) * 4;
      for (let ki = 0; ki < kh; ki++) {
        for (let kj = 0; kj < kw; kj++) {
          let o = col + <usize>(n * imageStride + ((c * kh + ki) * kw + kj) * rowStride) * 4;
          const x0 = kj * dw - pw;
          let lo = x0 >= 0 ? 0 : (-x0 + sw - 1) / sw;
          let hi = W - x0 > 0 ? (W - x0 + sw - 1) / sw : 0;
          if (hi > OW) hi = OW;
          if (lo > hi) lo = hi;
          for (let oy = 0; oy < OH; oy++) {
            const iy = oy * sh - ph + ki * dh;
            if (iy >= 0 && iy < H) {
              const row = plane + <usize>(iy * W) * 4;
              if (sw == 1) {
                let ox = lo;
                for (; ox + 4 <= hi; ox += 4) {
                  const p = row + <usize>(ox + x0) * 4;
                  v128.store(p, f32x4.add(v128.load(p), v128.load(o + <usize>ox * 4)));
                }
                for (; ox < hi; ox++) {
                  const p = row + <usize>(ox + x0) * 4;
                  store<f32>(p, load<f32>(p) + load<f32>(o + <usize>ox * 4));
                }
              } else {
                for (let ox = lo; ox < hi; ox++) {
                  const p = row + <usize>(ox * sw + x0) * 4;
                  store<f32>(p, load<f32>(p) + load<f32>(o + <usize>ox * 4));
                }
              }
            }
            o += <usize>OW * 4;
          }
        }
      }
    }
  }
}

export function maxPool2d(x: usize, planes: i32, geo: usize, dst: usize, idx: usize): void {
  const kh = g(geo, 0), kw = g(geo, 1), sh = g(geo, 2), sw = g(geo, 3), ph = g(geo, 4), pw = g(geo, 5);
  const dh = g(geo, 6), dw = g(geo, 7), H = g(geo, 8), W = g(geo, 9), OH = g(geo, 10), OW = g(geo, 11);
  let o: usize = 0;
  if (kh == 2 && kw == 2 && sh == 2 && sw == 2 && ph == 0 && pw == 0 && dh == 1 && dw == 1 && OH * 2 <= H && OW * 2 <= W) {
    // the common 2×2/2 pool: every window lies inside the plane
    for (let p = 0; p < planes; p++) {
      const plane = x + <usize>(p * H * W) * 4;
      for (let oy = 0; oy < OH; oy++) {
        const r0 = plane + <usize>(2 * oy * W) * 4;
        const r1 = r0 + <usize>W * 4;
        let ox = 0;
        // four outputs at a time: deinterleave even/odd columns of both rows, then a compare
        // chain that keeps the first maximum and lets NaN win, as the scalar path below
        for (; ox + 4 <= OW; ox += 4) {
          const c = <usize>(2 * ox) * 4;
          const l0 = v128.load(r0 + c), h0 = v128.load(r0 + c, 16);
          const l1 = v128.load(r1 + c), h1 = v128.load(r1 + c, 16);
          const a = v128.shuffle<f32>(l0, h0, 0, 2, 4, 6), b = v128.shuffle<f32>(l0, h0, 1, 3, 5, 7);
          const e = v128.shuffle<f32>(l1, h1, 0, 2, 4, 6), f = v128.shuffle<f32>(l1, h1, 1, 3, 5, 7);
          const base = i32x4.add(i32x4.splat(2 * oy * W + 2 * ox), i32x4(0, 2, 4, 6));
          let best = a;
          let bi = base;
          let m = v128.and(v128.or(f32x4.gt(b, best), f32x4.ne(b, b)), f32x4.eq(best, best));
          best = v128.bitselect(b, best, m);
          bi = v128.bitselect(i32x4.add(base, i32x4.splat(1)), bi, m);
          m = v128.and(v128.or(f32x4.gt(e, best), f32x4.ne(e, e)), f32x4.eq(best, best));
          best = v128.bitselect(e, best, m);
          bi = v128.bitselect(i32x4.add(base, i32x4.splat(W)), bi, m);
          m = v128.and(v128.or(f32x4.gt(f, best), f32x4.ne(f, f)), f32x4.eq(best, best));
          best = v128.bitselect(f, best, m);
          bi = v128.bitselect(i32x4.add(base, i32x4.splat(W + 1)), bi, m);
          v128.store(dst + o * 4, best);
          v128.store(idx + o * 4, bi);
          o += 4;
        }
        for (; ox < OW; ox++) {
          const c = <usize>(2 * ox) * 4;
          const a = load<f32>(r0 + c), b = load<f32>(r0 + c + 4), e = load<f32>(r1 + c), f = load<f32>(r1 + c + 4);
          // first maximum wins, NaN propagates (as the general path)
          let best = a, bi = 2 * oy * W + 2 * ox;
          if (a == a) {
            if (b > best || b != b) { best = b; bi = 2 * oy * W + 2 * ox + 1; }
            if (best == best && (e > best || e != e)) { best = e; bi = (2 * oy + 1) * W + 2 * ox; }
            if (best == best && (f > best || f != f)) { best = f; bi = (2 * oy + 1) * W + 2 * ox + 1; }
          }
          store<f32>(dst + o * 4, best);
          store<i32>(idx + o * 4, bi);
          o++;
        }
      }
    }
    return;
  }
  if (W == 1 && kw == 1 && pw == 0 && ph == 0 && dh == 1 && OW == 1 && (OH - 1) * sh + kh <= H) {
    // pooling down one column (time pooling of EEG nets over (B, F, T, 1)): every window lies
    // inside the plane, so a run of kh loads per output (first maximum wins, NaN propagates)
    for (let p = 0; p < planes; p++) {
      const plane = x + <usize>(p * H) * 4;
      for (let oy = 0; oy < OH; oy++) {
        const i0 = oy * sh;
        let best = load<f32>(plane + <usize>i0 * 4);
        let bi = i0;
        if (best == best) {
          for (let ki = 1; ki < kh; ki++) {
            const v = load<f32>(plane + <usize>(i0 + ki) * 4);
            if (v > best || v != v) {
              best = v;
              bi = i0 + ki;
              if (v != v) break;
            }
          }
        }
        store<f32>(dst + o * 4, best);
        store<i32>(idx + o * 4, bi);
        o++;
      }
    }
    return;
  }
  for (let p = 0; p < planes; p++) {
    const plane = x + <usize>(p * H * W) * 4;
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        let best: f32 = -Infinity;
        let bi: i32 = -1;
        let nan = false;
        for (let ki = 0; ki < kh && !nan; ki++) {
          const iy = oy * sh - ph + ki * dh;
          if (iy < 0 || iy >= H) continue;
          for (let kj = 0; kj < kw; kj++) {
            const ix = ox * sw - pw + kj * dw;
            if (ix < 0 || ix >= W) continue;
            const v = load<f32>(plane + <usize>(iy * W + ix) * 4);
            if (v > best || v != v || bi < 0) {
              best = v;
              bi = iy * W + ix;
              if (v != v) { nan = true; break; }
            }
          }
        }
        store<f32>(dst + o * 4, best);
        store<i32>(idx + o * 4, bi);
        o++;
      }
    }
  }
}

export function maxPool2dBackward(dy: usize, idx: usize, planes: i32, HW: i32, L: i32, dx: usize): void {
  for (let p = 0; p < planes; p++) {
    const base = dx + <usize>(p * HW) * 4;
    for (let q = 0; q < L; q++) {
      const k = <usize>(p * L + q) * 4;
      const i = load<i32>(idx + k);
      if (i >= 0) {
        const t = base + <usize>i * 4;
        store<f32>(t, load<f32>(t) + load<f32>(dy + k));
      }
    }
  }
}

// Average-pool windows, as PyTorch: [max(start, 0), min(start + k, size)), and with
// count_include_pad the divisor also counts the part of the window in the padding (but not
// past the right padding). No allocation here: the stub runtime never frees.

/** Address of column q of (planes, rows, W) planes (plane q / W, column q % W); q ≥ cols aliases the last. */
// @ts-ignore: decorator
@inline function colBase(base: usize, q: i32, cols: i32, rows: i32, W: i32): usize {
  const c = min(q, cols - 1);
  const p = c / W;
  return base + <usize>(p * rows * W + c - p * W) * 4;
}

export function avgPool2d(x: usize, planes: i32, geo: usize, cip: i32, dst: usize): void {
  const kh = g(geo, 0), kw = g(geo, 1), sh = g(geo, 2), sw = g(geo, 3), ph = g(geo, 4), pw = g(geo, 5);
  const H = g(geo, 8), W = g(geo, 9), OH = g(geo, 10), OW = g(geo, 11);
  let o = dst;
  if (kw == 1 && sw == 1 && pw == 0 && OW == W && kh > 8) {
    // long windows down columns (mean-pooling over time): a running window sum, O(H + OH)
    // per column instead of O(OH·kh). Windows only move forward, so add rows as the window's
    // end passes them and drop rows as its start does. Four columns at a time: one column's
    // sum is a chain of dependent adds, four chains keep the adder busy.
    const cols = planes * W;
    const rs = <usize>W * 4;
    for (let q = 0; q < cols; q += 4) {
      const i0 = colBase(x, q, cols, H, W), i1 = colBase(x, q + 1, cols, H, W), i2 = colBase(x, q + 2, cols, H, W), i3 = colBase(x, q + 3, cols, H, W);
      const o0 = colBase(dst, q, cols, OH, W), o1 = colBase(dst, q + 1, cols, OH, W), o2 = colBase(dst, q + 2, cols, OH, W), o3 = colBase(dst, q + 3, cols, OH, W);
      let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
      let lo = 0, hi = 0;
      for (let oy = 0; oy < OH; oy++) {
        const ys = oy * sh - ph;
        const y0 = max(ys, 0), y1 = min(ys + kh, H), ny = min(ys + kh, H + ph) - ys;
        for (; hi < y1; hi++) {
          const r = <usize>hi * rs;
          s0 += <f64>load<f32>(i0 + r); s1 += <f64>load<f32>(i1 + r); s2 += <f64>load<f32>(i2 + r); s3 += <f64>load<f32>(i3 + r);
        }
        for (; lo < y0; lo++) {
          const r = <usize>lo * rs;
          s0 -= <f64>load<f32>(i0 + r); s1 -= <f64>load<f32>(i1 + r); s2 -= <f64>load<f32>(i2 + r); s3 -= <f64>load<f32>(i3 + r);
        }
        const div = <f64>(cip ? ny : y1 - y0);
        const r = <usize>oy * rs;
        // columns past the last alias it: the same value is stored again
        store<f32>(o3 + r, <f32>(s3 / div)); store<f32>(o2 + r, <f32>(s2 / div));
        store<f32>(o1 + r, <f32>(s1 / div)); store<f32>(o0 + r, <f32>(s0 / div));
      }
    }
    return;
  }
  for (let p = 0; p < planes; p++) {
    const plane = x + <usize>(p * H * W) * 4;
    for (let oy = 0; oy < OH; oy++) {
      const ys = oy * sh - ph;
      const y0 = max(ys, 0), y1 = min(ys + kh, H), ny = min(ys + kh, H + ph) - ys;
      for (let ox = 0; ox < OW; ox++) {
        const xs = ox * sw - pw;
        const x0 = max(xs, 0), x1 = min(xs + kw, W), nx = min(xs + kw, W + pw) - xs;
        let s: f32 = 0;
        for (let iy = y0; iy < y1; iy++) {
          const row = plane + <usize>(iy * W) * 4;
          for (let ix = x0; ix < x1; ix++) s += load<f32>(row + <usize>ix * 4);
        }
        const div = cip ? ny * nx : (y1 - y0) * (x1 - x0);
        store<f32>(o, s / <f32>div);
        o += 4;
      }
    }
  }
}

export function avgPool2dBackward(dy: usize, planes: i32, geo: usize, cip: i32, dx: usize): void {
  const kh = g(geo, 0), kw = g(geo, 1), sh = g(geo, 2), sw = g(geo, 3), ph = g(geo, 4), pw = g(geo, 5);
  const H = g(geo, 8), W = g(geo, 9), OH = g(geo, 10), OW = g(geo, 11);
  let o = dy;
  if (kw == 1 && sw == 1 && pw == 0 && OW == W && kh > 8) {
    // the adjoint of the running window: each input row receives the sum of g/div over the
    // windows covering it; windows enter when their start reaches the row, leave after their
    // end. Four columns at a time, as the forward.
    const cols = planes * W;
    const rs = <usize>W * 4;
    for (let q = 0; q < cols; q += 4) {
      const d0 = colBase(dx, q, cols, H, W), d1 = colBase(dx, q + 1, cols, H, W), d2 = colBase(dx, q + 2, cols, H, W), d3 = colBase(dx, q + 3, cols, H, W);
      const g0 = colBase(dy, q, cols, OH, W), g1 = colBase(dy, q + 1, cols, OH, W), g2 = colBase(dy, q + 2, cols, OH, W), g3 = colBase(dy, q + 3, cols, OH, W);
      // columns past the last alias it and must not add their share again
      const n = min(4, cols - q);
      let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
      let enter = 0, leave = 0;
      for (let iy = 0; iy < H; iy++) {
        while (enter < OH && max(enter * sh - ph, 0) <= iy) {
          const ys = enter * sh - ph;
          const y0 = max(ys, 0), y1 = min(ys + kh, H), ny = min(ys + kh, H + ph) - ys;
          const div = <f64>(cip ? ny : y1 - y0);
          const r = <usize>enter * rs;
          s0 += <f64>load<f32>(g0 + r) / div; s1 += <f64>load<f32>(g1 + r) / div;
          s2 += <f64>load<f32>(g2 + r) / div; s3 += <f64>load<f32>(g3 + r) / div;
          enter++;
        }
        while (leave < enter && min(leave * sh - ph + kh, H) <= iy) {
          const ys = leave * sh - ph;
          const y0 = max(ys, 0), y1 = min(ys + kh, H), ny = min(ys + kh, H + ph) - ys;
          const div = <f64>(cip ? ny : y1 - y0);
          const r = <usize>leave * rs;
          s0 -= <f64>load<f32>(g0 + r) / div; s1 -= <f64>load<f32>(g1 + r) / div;
          s2 -= <f64>load<f32>(g2 + r) / div; s3 -= <f64>load<f32>(g3 + r) / div;
          leave++;
        }
        const r = <usize>iy * rs;
        store<f32>(d0 + r, load<f32>(d0 + r) + <f32>s0);
        if (n > 1) store<f32>(d1 + r, load<f32>(d1 + r) + <f32>s1);
        if (n > 2) store<f32>(d2 + r, load<f32>(d2 + r) + <f32>s2);
        if (n > 3) store<f32>(d3 + r, load<f32>(d3 + r) + <f32>s3);
      }
    }
    return;
  }
  for (let p = 0; p < planes; p++) {
    const plane = dx + <usize>(p * H * W) * 4;
    for (let oy = 0; oy < OH; oy++) {
      const ys = oy * sh - ph;
      const y0 = max(ys, 0), y1 = min(ys + kh, H), ny = min(ys + kh, H + ph) - ys;
      for (let ox = 0; ox < OW; ox++) {
        const xs = ox * sw - pw;
        const x0 = max(xs, 0), x1 = min(xs + kw, W), nx = min(xs + kw, W + pw) - xs;
        const div = cip ? ny * nx : (y1 - y0) * (x1 - x0);
        const gv = load<f32>(o) / <f32>div;
        o += 4;
        for (let iy = y0; iy < y1; iy++) {
          const row = plane + <usize>(iy * W) * 4;
          for (let ix = x0; ix < x1; ix++) store<f32>(row + <usize>ix * 4, load<f32>(row + <usize>ix * 4) + gv);
        }
      }
    }
  }
}
