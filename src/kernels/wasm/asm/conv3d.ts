// 3-D convolution over one group of a batch of volumes, in bounded blocks of output positions:
// a block of `tile` consecutive output positions (flattened od, oh, ow) is unfolded into
// columns (C·kd·kh·kw rows × tile), multiplied by the GEMM and dropped, so the scratch is
// K·tile floats whatever the volume (a 27× im2col of a 256³ volume would be 1.8 GB per
// channel). Geometry arrives as an i32 block (kd, kh, kw, sd, sh, sw, pd, ph, pw, dd, dh, dw,
// D, H, W, OD, OH, OW). Volumes are (C, D, H, W) with a channel stride of D·H·W.

import { sgemm } from './gemm';
import { tile2, tile4 } from './conv_direct';

// @ts-ignore: decorator
@inline function g(geo: usize, i: i32): i32 {
  return load<i32>(geo + <usize>i * 4);
}

// @ts-ignore: decorator
@inline function zero(p: usize, n: i32): void {
  const z = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(p + <usize>i * 4, z);
  for (; i < n; i++) store<f32>(p + <usize>i * 4, 0);
}

/**
 * Unfolds output positions [p0, p0 + n) of one volume into col: row r = (c, a, b, e) holds, for
 * each position, x[c, od·sd + a·dd − pd, oh·sh + b·dh − ph, ow·sw + e·dw − pw] (0 outside).
 * With fold = true it is the adjoint: each column entry is added back into x instead.
 */
function walk(x: usize, C: i32, geo: usize, p0: i32, n: i32, col: usize, fold: bool): void {
  const kd = g(geo, 0), kh = g(geo, 1), kw = g(geo, 2);
  const sd = g(geo, 3), sh = g(geo, 4), sw = g(geo, 5);
  const pd = g(geo, 6), ph = g(geo, 7), pw = g(geo, 8);
  const dd = g(geo, 9), dh = g(geo, 10), dw = g(geo, 11);
  const D = g(geo, 12), H = g(geo, 13), W = g(geo, 14);
  const OH = g(geo, 16), OW = g(geo, 17);
  const OHW = OH * OW;
  let r = 0;
  for (let c = 0; c < C; c++) {
    for (let a = 0; a < kd; a++) {
      for (let b = 0; b < kh; b++) {
        for (let e = 0; e < kw; e++) {
          const dst = col + <usize>(r * n) * 4;
          r++;
          let od = p0 / OHW;
          const rem = p0 - od * OHW;
          let oh = rem / OW;
          let ow = rem - oh * OW;
          let j = 0;
          // one output row (od, oh) at a time: the input row is fixed, the columns walk
          while (j < n) {
            const cnt = min(OW - ow, n - j);
            const q = dst + <usize>j * 4;
            const id = od * sd + a * dd - pd;
            const ih = oh * sh + b * dh - ph;
            if (id >= 0 && id < D && ih >= 0 && ih < H) {
              const row = x + <usize>(((c * D + id) * H + ih) * W) * 4;
              const iw0 = ow * sw + e * dw - pw;
              if (sw == 1) {
                // positions [lo, hi) of this run read inside the row
                const lo = min(cnt, max(0, -iw0));
                const hi = max(lo, min(cnt, W - iw0));
                const src = row + <usize>((iw0 + lo) * 4);
                if (fold) {
                  let i = 0;
                  const m = hi - lo;
                  const qs = q + <usize>lo * 4;
                  for (; i + 4 <= m; i += 4) {
                    const s = src + <usize>i * 4;
                    v128.store(s, f32x4.add(v128.load(s), v128.load(qs + <usize>i * 4)));
                  }
                  for (; i < m; i++) {
                    const s = src + <usize>i * 4;
                    store<f32>(s, load<f32>(s) + load<f32>(qs + <usize>i * 4));
                  }
                } else {
                  zero(q, lo);
                  let i = 0;
                  const m = hi - lo;
                  const qs = q + <usize>lo * 4;
                  for (; i + 4 <= m; i += 4) v128.store(qs + <usize>i * 4, v128.load(src + <usize>i * 4));
                  for (; i < m; i++) store<f32>(qs + <usize>i * 4, load<f32>(src + <usize>i * 4));
                  zero(q + <usize>hi * 4, cnt - hi);
                }
              } else {
                for (let i = 0; i < cnt; i++) {
                  const iw = iw0 + i * sw;
                  const inside = iw >= 0 && iw < W;
                  if (fold) {
                    if (inside) {
                      const s = row + <usize>iw * 4;
                      store<f32>(s, load<f32>(s) + load<f32>(q + <usize>i * 4));
                    }
                  } else store<f32>(q + <usize>i * 4, inside ? load<f32>(row + <usize>iw * 4) : 0);
                }
              }
            } else if (!fold) {
              zero(q, cnt);
            }
            j += cnt;
            ow = 0;
            oh++;
            if (oh == OH) {
              oh = 0;
              od++;
            }
          }
        }
      }
    }
  }
}

/**
 * y[n] (O, L) = bias + w (O, K) · columns, for images [0, N) (x and y image strides xs, ys in
 * elements) and output positions [p0, p1): blocks of `tile` positions unfolded into col
 * (K·tile floats) and multiplied straight into y (row stride L). `scratch` is the GEMM's.
 */
export function conv3d(x: usize, N: i32, xs: i32, C: i32, O: i32, geo: usize, w: usize, bias: usize, hasBias: i32, y: usize, ys: i32, p0: i32, p1: i32, col: usize, tile: i32, scratch: usize): void {
  const K = C * g(geo, 0) * g(geo, 1) * g(geo, 2);
  const L = g(geo, 15) * g(geo, 16) * g(geo, 17);
  for (let im = 0; im < N; im++) {
    const xi = x + <usize>im * <usize>xs * 4;
    const yi = y + <usize>im * <usize>ys * 4;
    for (let q = p0; q < p1; q += tile) {
      const n = min(tile, p1 - q);
      walk(xi, C, geo, q, n, col, false);
      if (hasBias) {
        for (let o = 0; o < O; o++) {
          const v = f32x4.splat(load<f32>(bias + <usize>o * 4));
          const s = load<f32>(bias + <usize>o * 4);
          const yo = yi + (<usize>o * <usize>L + <usize>q) * 4;
          let i = 0;
          for (; i + 4 <= n; i += 4) v128.store(yo + <usize>i * 4, v);
          for (; i < n; i++) store<f32>(yo + <usize>i * 4, s);
        }
      }
      sgemm(1, O, n, K, w, 0, K, 1, col, 0, n, 1, yi + <usize>q * 4, 0, L, 1, hasBias, scratch);
    }
  }
}

/**
 * dx[n] for input channels [c0, c1) of a group of C: per block of positions, the columns of
 * those channels = w[:, c0·kk : c1·kk]ᵀ · dy block, folded (added) into dx, which the caller
 * has zeroed. Threads take disjoint channel ranges, so their folds never overlap.
 */
export function conv3dBackwardInput(dy: usize, N: i32, ys: i32, C: i32, O: i32, geo: usize, w: usize, dx: usize, xs: i32, c0: i32, c1: i32, col: usize, tile: i32, scratch: usize): void {
  const kk = g(geo, 0) * g(geo, 1) * g(geo, 2);
  const K = C * kk;
  const Kr = (c1 - c0) * kk;
  const DHW = g(geo, 12) * g(geo, 13) * g(geo, 14);
  const L = g(geo, 15) * g(geo, 16) * g(geo, 17);
  for (let im = 0; im < N; im++) {
    const di = dy + <usize>im * <usize>ys * 4;
    const xi = dx + (<usize>im * <usize>xs + <usize>c0 * <usize>DHW) * 4;
    for (let q = 0; q < L; q += tile) {
      const n = min(tile, L - q);
      sgemm(1, Kr, n, O, w + <usize>(c0 * kk) * 4, 0, 1, K, di + <usize>q * 4, 0, L, 1, col, 0, n, 1, 0, scratch);
      walk(xi, c1 - c0, geo, q, n, col, true);
    }
  }
}

/**
 * dw (O, K) += Σ dy[n] block · columnsᵀ over images [0, N) and positions [p0, p1) (dw is
 * the caller's zeroed partial sum).
 */
export function conv3dWeightGrad(x: usize, dy: usize, N: i32, xs: i32, ys: i32, C: i32, O: i32, geo: usize, dw: usize, p0: i32, p1: i32, col: usize, tile: i32, scratch: usize): void {
  const K = C * g(geo, 0) * g(geo, 1) * g(geo, 2);
  const L = g(geo, 15) * g(geo, 16) * g(geo, 17);
  for (let im = 0; im < N; im++) {
    const xi = x + <usize>im * <usize>xs * 4;
    const di = dy + <usize>im * <usize>ys * 4;
    for (let q = p0; q < p1; q += tile) {
      const n = min(tile, p1 - q);
      walk(xi, C, geo, q, n, col, false);
      sgemm(1, O, K, n, di + <usize>q * 4, 0, L, 1, col, 0, 1, n, dw, 0, K, 1, 1, scratch);
    }
  }
}

/**
 * Forward at width stride 1, without columns: for each output row (od, oh) the C·kd·kh input
 * rows its taps read are copied once into `pack` (zero-padded to Wp = ⌈OW/8⌉·8 + (kw − 1)·dw
 * floats, zero rows where the tap falls outside the volume), and register tiles of four output
 * channels × eight columns run over all K taps through a table of their offsets in the pack (the
 * kw taps of a row are shifted reads of it). The pack is a third of one row's im2col (kw = 3) and
 * stays in cache. Rows [r0, r1) of the OD·OH output rows of each of N images. `pack` holds
 * C·kd·kh·Wp floats, then the K-entry tap table and a 32-byte temp.
 */
export function conv3dRows(x: usize, N: i32, xs: i32, C: i32, O: i32, geo: usize, w: usize, bias: usize, hasBias: i32, y: usize, ys: i32, r0: i32, r1: i32, pack: usize): void {
  const kd = g(geo, 0), kh = g(geo, 1), kw = g(geo, 2);
  const sd = g(geo, 3), sh = g(geo, 4);
  const pd = g(geo, 6), ph = g(geo, 7), pw = g(geo, 8);
  const dd = g(geo, 9), dh = g(geo, 10), dw = g(geo, 11);
  const D = g(geo, 12), H = g(geo, 13), W = g(geo, 14);
  const OD = g(geo, 15), OH = g(geo, 16), OW = g(geo, 17);
  const L = OD * OH * OW;
  const Wp = ((OW + 7) & ~7) + (kw - 1) * dw;
  const R = C * kd * kh;
  const K = R * kw;
  const tab = pack + <usize>(R * Wp) * 4;
  const tmp = tab + <usize>(((K + 7) & ~7) * 4);
  for (let ri = 0; ri < R; ri++) {
    for (let e = 0; e < kw; e++) store<i32>(tab + <usize>(ri * kw + e) * 4, (ri * Wp + e * dw) * 4);
  }
  // input columns [0, W) land at pack columns [pw, pw + W), clipped to the pack
  const c0 = min(pw, Wp);
  const n = max(0, min(W, Wp - pw));
  const ls = <usize>L * 4;
  for (let im = 0; im < N; im++) {
    const xi = x + <usize>im * <usize>xs * 4;
    const yi = y + <usize>im * <usize>ys * 4;
    for (let r = r0; r < r1; r++) {
      const od = r / OH;
      const oh = r - od * OH;
      let ri = 0;
      for (let c = 0; c < C; c++) {
        for (let a = 0; a < kd; a++) {
          const id = od * sd + a * dd - pd;
          for (let b = 0; b < kh; b++) {
            const ih = oh * sh + b * dh - ph;
            const dst = pack + <usize>(ri * Wp) * 4;
            ri++;
            if (id < 0 || id >= D || ih < 0 || ih >= H) {
              zero(dst, Wp);
              continue;
            }
            const src = xi + <usize>(((c * D + id) * H + ih) * W) * 4;
            zero(dst, c0);
            const q = dst + <usize>c0 * 4;
            let i = 0;
            for (; i + 4 <= n; i += 4) v128.store(q + <usize>i * 4, v128.load(src + <usize>i * 4));
            for (; i < n; i++) store<f32>(q + <usize>i * 4, load<f32>(src + <usize>i * 4));
            zero(q + <usize>n * 4, Wp - c0 - n);
          }
        }
      }
      const yr = yi + <usize>(r * OW) * 4;
      for (let ob = 0; ob < O; ob += 4) {
        const h = min(4, O - ob);
        const wb = w + <usize>(ob * K) * 4;
        const bb = bias + <usize>ob * 4;
        const yo = yr + <usize>ob * ls;
        for (let ox = 0; ox < OW; ox += 8) {
          if (h > 2) tile4(pack + <usize>ox * 4, tab, K, wb, bb, hasBias, h, yo + <usize>ox * 4, ls, OW - ox, tmp);
          else tile2(pack + <usize>ox * 4, tab, K, wb, bb, hasBias, h, yo + <usize>ox * 4, ls, OW - ox, tmp);
        }
      }
    }
  }
}
