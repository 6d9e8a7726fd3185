// AssemblyScript SIMD GEMM over the shared tensor heap (float32).
// C[b] (M×N) = A[b] (M×K) @ B[b] (K×N), every operand strided (so transposes are free).
// Blocked as in BLIS: B is packed in KC×NC blocks of 8-column panels, A in MC×KC blocks of
// 4-row panels, and a 4×8 register tile (8 v128 accumulators) runs down k. Panels are
// zero-padded, so edge tiles compute a full tile and store only the valid part.

const MR: i32 = 4;
const NR: i32 = 8;
export const KC: i32 = 256;
export const NC: i32 = 512;
export const MC: i32 = 64;

// @ts-ignore: decorator
@inline function fma(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

/** Packs B[k0:k0+kc, j0:j0+nc] into 8-wide panels: panel p, row k → 8 floats. */
function packB(b: usize, sr: i32, sc: i32, k0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  const panels = (nc + NR - 1) / NR;
  for (let p = 0; p < panels; p++) {
    const jb = j0 + p * NR;
    const w = min(NR, nc - p * NR);
    let o = dst + <usize>(p * kc * NR) * 4;
    if (w == NR && sc == 1) {
      for (let k = 0; k < kc; k++) {
        const src = b + <usize>((k0 + k) * sr + jb) * 4;
        v128.store(o, v128.load(src));
        v128.store(o + 16, v128.load(src + 16));
        o += NR * 4;
      }
    } else if (sr == 1 && w == NR) {
      // transposed B (k contiguous per column): load 4 k-values from each of the 8 columns and
      // transpose them in registers into 4 packed rows of 8
      const c0 = b + <usize>(jb * sc + k0) * 4;
      const cs = <usize>sc * 4;
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const kk = <usize>k * 4;
        const r0 = v128.load(c0 + kk), r1 = v128.load(c0 + cs + kk), r2 = v128.load(c0 + 2 * cs + kk), r3 = v128.load(c0 + 3 * cs + kk);
        const r4 = v128.load(c0 + 4 * cs + kk), r5 = v128.load(c0 + 5 * cs + kk), r6 = v128.load(c0 + 6 * cs + kk), r7 = v128.load(c0 + 7 * cs + kk);
        const a0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), a1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
        const a2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7), a3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
        const b0 = v128.shuffle<f32>(r4, r5, 0, 4, 1, 5), b1 = v128.shuffle<f32>(r6, r7, 0, 4, 1, 5);
        const b2 = v128.shuffle<f32>(r4, r5, 2, 6, 3, 7), b3 = v128.shuffle<f32>(r6, r7, 2, 6, 3, 7);
        const d = o + <usize>(k * NR) * 4;
        v128.store(d, v128.shuffle<f32>(a0, a1, 0, 1, 4, 5));
        v128.store(d, v128.shuffle<f32>(b0, b1, 0, 1, 4, 5), 16);
        v128.store(d, v128.shuffle<f32>(a0, a1, 2, 3, 6, 7), 32);
        v128.store(d, v128.shuffle<f32>(b0, b1, 2, 3, 6, 7), 48);
        v128.store(d, v128.shuffle<f32>(a2, a3, 0, 1, 4, 5), 64);
        v128.store(d, v128.shuffle<f32>(b2, b3, 0, 1, 4, 5), 80);
        v128.store(d, v128.shuffle<f32>(a2, a3, 2, 3, 6, 7), 96);
        v128.store(d, v128.shuffle<f32>(b2, b3, 2, 3, 6, 7), 112);
      }
      for (; k < kc; k++) {
        const d = o + <usize>(k * NR) * 4;
        for (let j = 0; j < NR; j++) store<f32>(d + <usize>j * 4, load<f32>(c0 + <usize>j * cs + <usize>k * 4));
      }
    } else if (sr == 1) {
      // transposed B, ragged last panel: read each column in a run, scatter at stride 8
      for (let j = 0; j < NR; j++) {
        const dst = o + <usize>j * 4;
        if (j < w) {
          const col = b + <usize>((jb + j) * sc + k0) * 4;
          for (let k = 0; k < kc; k++) store<f32>(dst + <usize>(k * NR) * 4, load<f32>(col + <usize>k * 4));
        } else {
          for (let k = 0; k < kc; k++) store<f32>(dst + <usize>(k * NR) * 4, 0);
        }
      }
    } else {
      for (let k = 0; k < kc; k++) {
        const row = b + <usize>((k0 + k) * sr) * 4;
        for (let j = 0; j < NR; j++) {
          store<f32>(o + <usize>j * 4, j < w ? load<f32>(row + <usize>((jb + j) * sc) * 4) : 0);
        }
        o += NR * 4;
      }
    }
  }
}

/** Packs A[i0:i0+mc, k0:k0+kc] into 4-tall panels: panel p, column k → 4 floats. */
function packA(a: usize, sr: i32, sc: i32, i0: i32, mc: i32, k0: i32, kc: i32, dst: usize): void {
  const panels = (mc + MR - 1) / MR;
  for (let p = 0; p < panels; p++) {
    const ib = i0 + p * MR;
    const h = min(MR, mc - p * MR);
    let o = dst + <usize>(p * kc * MR) * 4;
    if (h == MR && sc == 1) {
      const r0 = a + <usize>(ib * sr + k0) * 4;
      const r1 = r0 + <usize>sr * 4;
      const r2 = r1 + <usize>sr * 4;
      const r3 = r2 + <usize>sr * 4;
      for (let k = 0; k < kc; k++) {
        const kk = <usize>k * 4;
        store<f32>(o, load<f32>(r0 + kk));
        store<f32>(o + 4, load<f32>(r1 + kk));
        store<f32>(o + 8, load<f32>(r2 + kk));
        store<f32>(o + 12, load<f32>(r3 + kk));
        o += MR * 4;
      }
    } else if (h == MR && sr == 1) {
      // transposed A: the 4 rows of a panel are adjacent at each k
      for (let k = 0; k < kc; k++) {
        v128.store(o, v128.load(a + <usize>((k0 + k) * sc + ib) * 4));
        o += MR * 4;
      }
    } else {
      for (let k = 0; k < kc; k++) {
        for (let r = 0; r < MR; r++) {
          store<f32>(o + <usize>r * 4, r < h ? load<f32>(a + <usize>((ib + r) * sr + (k0 + k) * sc) * 4) : 0);
        }
        o += MR * 4;
      }
    }
  }
}

/** A ragged or strided tile, staged at t (rows of NR floats), written element by element. */
function storeEdge(t: usize, c: usize, csr: i32, csc: i32, h: i32, w: i32, accumulate: bool): void {
  for (let r = 0; r < h; r++) {
    for (let j = 0; j < w; j++) {
      const p = c + <usize>(r * csr + j * csc) * 4;
      const v = load<f32>(t + <usize>(r * NR + j) * 4);
      store<f32>(p, accumulate ? load<f32>(p) + v : v);
    }
  }
}

/** One 4×8 tile: C[i0:i0+h, j0:j0+w] (+)= Apanel · Bpanel over kc. */
function micro(ap: usize, bp: usize, bstride: usize, kc: i32, c: usize, csr: i32, csc: i32, h: i32, w: i32, accumulate: bool, t: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = fma(c00, a, b0); c01 = fma(c01, a, b1);
    a = v128.load32_splat(ap, 4);
    c10 = fma(c10, a, b0); c11 = fma(c11, a, b1);
    a = v128.load32_splat(ap, 8);
    c20 = fma(c20, a, b0); c21 = fma(c21, a, b1);
    a = v128.load32_splat(ap, 12);
    c30 = fma(c30, a, b0); c31 = fma(c31, a, b1);
    ap += MR * 4;
    bp += bstride;
  }
  if (h == MR && w == NR && csc == 1) {
    const r1 = c + <usize>csr * 4, r2 = r1 + <usize>csr * 4, r3 = r2 + <usize>csr * 4;
    if (accumulate) {
      v128.store(c, f32x4.add(v128.load(c), c00)); v128.store(c, f32x4.add(v128.load(c, 16), c01), 16);
      v128.store(r1, f32x4.add(v128.load(r1), c10)); v128.store(r1, f32x4.add(v128.load(r1, 16), c11), 16);
      v128.store(r2, f32x4.add(v128.load(r2), c20)); v128.store(r2, f32x4.add(v128.load(r2, 16), c21), 16);
      v128.store(r3, f32x4.add(v128.load(r3), c30)); v128.store(r3, f32x4.add(v128.load(r3, 16), c31), 16);
    } else {
      v128.store(c, c00); v128.store(c, c01, 16);
      v128.store(r1, c10); v128.store(r1, c11, 16);
      v128.store(r2, c20); v128.store(r2, c21, 16);
      v128.store(r3, c30); v128.store(r3, c31, 16);
    }
    return;
  }
  // edge or strided tile: spill to the caller's 128-byte buffer `t` (per thread), store the valid part
  v128.store(t, c00); v128.store(t, c01, 16);
  v128.store(t, c10, 32); v128.store(t, c11, 48);
  v128.store(t, c20, 64); v128.store(t, c21, 80);
  v128.store(t, c30, 96); v128.store(t, c31, 112);
  storeEdge(t, c, csr, csc, h, w, accumulate);
}

/** A 1- or 2-row tile (the ragged last rows of a small M, e.g. 6 conv filters): half the FMAs of micro. */
function micro2(ap: usize, bp: usize, bstride: usize, kc: i32, c: usize, csr: i32, csc: i32, h: i32, w: i32, accumulate: bool, t: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = fma(c00, a, b0); c01 = fma(c01, a, b1);
    a = v128.load32_splat(ap, 4);
    c10 = fma(c10, a, b0); c11 = fma(c11, a, b1);
    ap += MR * 4;
    bp += bstride;
  }
  if (w == NR && csc == 1) {
    if (accumulate) {
      v128.store(c, f32x4.add(v128.load(c), c00)); v128.store(c, f32x4.add(v128.load(c, 16), c01), 16);
    } else {
      v128.store(c, c00); v128.store(c, c01, 16);
    }
    if (h > 1) {
      const r1 = c + <usize>csr * 4;
      if (accumulate) {
        v128.store(r1, f32x4.add(v128.load(r1), c10)); v128.store(r1, f32x4.add(v128.load(r1, 16), c11), 16);
      } else {
        v128.store(r1, c10); v128.store(r1, c11, 16);
      }
    }
    return;
  }
  v128.store(t, c00); v128.store(t, c01, 16);
  v128.store(t, c10, 32); v128.store(t, c11, 48);
  storeEdge(t, c, csr, csc, h, w, accumulate);
}

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** One row of A against N columns of B (each contiguous in K), four columns at a time (RNN steps at batch 1). */
export function dotRow(N: i32, K: i32, a: usize, b: usize, bsc: i32, c: usize, csc: i32, accumulate: bool): void {
  const K4 = K & ~3;
  const bs = <usize>bsc * 4;
  let j = 0;
  for (; j + 4 <= N; j += 4) {
    const b0 = b + <usize>(j * bsc) * 4;
    const b1 = b0 + bs, b2 = b1 + bs, b3 = b2 + bs;
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    for (let k = 0; k < K4; k += 4) {
      const kk = <usize>k * 4;
      const av = v128.load(a + kk);
      s0 = fma(s0, av, v128.load(b0 + kk));
      s1 = fma(s1, av, v128.load(b1 + kk));
      s2 = fma(s2, av, v128.load(b2 + kk));
      s3 = fma(s3, av, v128.load(b3 + kk));
    }
    let r0 = hsum(s0), r1 = hsum(s1), r2 = hsum(s2), r3 = hsum(s3);
    for (let k = K4; k < K; k++) {
      const ak = load<f32>(a + <usize>k * 4);
      r0 += ak * load<f32>(b0 + <usize>k * 4);
      r1 += ak * load<f32>(b1 + <usize>k * 4);
      r2 += ak * load<f32>(b2 + <usize>k * 4);
      r3 += ak * load<f32>(b3 + <usize>k * 4);
    }
    const o = c + <usize>(j * csc) * 4;
    const st = <usize>csc * 4;
    store<f32>(o, accumulate ? load<f32>(o) + r0 : r0);
    store<f32>(o + st, accumulate ? load<f32>(o + st) + r1 : r1);
    store<f32>(o + 2 * st, accumulate ? load<f32>(o + 2 * st) + r2 : r2);
    store<f32>(o + 3 * st, accumulate ? load<f32>(o + 3 * st) + r3 : r3);
  }
  for (; j < N; j++) {
    const bj = b + <usize>(j * bsc) * 4;
    let s0 = f32x4.splat(0);
    for (let k = 0; k < K4; k += 4) s0 = fma(s0, v128.load(a + <usize>k * 4), v128.load(bj + <usize>k * 4));
    let r0 = hsum(s0);
    for (let k = K4; k < K; k++) r0 += load<f32>(a + <usize>k * 4) * load<f32>(bj + <usize>k * 4);
    const o = c + <usize>(j * csc) * 4;
    store<f32>(o, accumulate ? load<f32>(o) + r0 : r0);
  }
}

/**
 * Few rows of A against a transposed B (both k-contiguous): dot products, four rows at a time
 * so each B run is read once — no packing, which would cost more than the product (batch-1
 * linear layers: x · Wᵀ).
 */
function dotRows(M: i32, N: i32, K: i32, a: usize, asr: i32, b: usize, bsc: i32, c: usize, csr: i32, csc: i32, accumulate: bool): void {
  const K4 = K & ~3;
  if (M == 1) {
    dotRow(N, K, a, b, bsc, c, csc, accumulate);
    return;
  }
  for (let i0 = 0; i0 < M; i0 += 4) {
    const h = min(4, M - i0);
    const a0 = a + <usize>(i0 * asr) * 4;
    const a1 = h > 1 ? a0 + <usize>asr * 4 : a0;
    const a2 = h > 2 ? a1 + <usize>asr * 4 : a0;
    const a3 = h > 3 ? a2 + <usize>asr * 4 : a0;
    for (let j = 0; j < N; j++) {
      const bj = b + <usize>(j * bsc) * 4;
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
      for (let k = 0; k < K4; k += 4) {
        const kk = <usize>k * 4;
        const bv = v128.load(bj + kk);
        s0 = fma(s0, v128.load(a0 + kk), bv);
        s1 = fma(s1, v128.load(a1 + kk), bv);
        s2 = fma(s2, v128.load(a2 + kk), bv);
        s3 = fma(s3, v128.load(a3 + kk), bv);
      }
      let r0 = hsum(s0), r1 = hsum(s1), r2 = hsum(s2), r3 = hsum(s3);
      for (let k = K4; k < K; k++) {
        const bk = load<f32>(bj + <usize>k * 4);
        r0 += load<f32>(a0 + <usize>k * 4) * bk;
        r1 += load<f32>(a1 + <usize>k * 4) * bk;
        r2 += load<f32>(a2 + <usize>k * 4) * bk;
        r3 += load<f32>(a3 + <usize>k * 4) * bk;
      }
      const o = c + <usize>(i0 * csr + j * csc) * 4;
      const st = <usize>csr * 4;
      store<f32>(o, accumulate ? load<f32>(o) + r0 : r0);
      if (h > 1) store<f32>(o + st, accumulate ? load<f32>(o + st) + r1 : r1);
      if (h > 2) store<f32>(o + 2 * st, accumulate ? load<f32>(o + 2 * st) + r2 : r2);
      if (h > 3) store<f32>(o + 3 * st, accumulate ? load<f32>(o + 3 * st) + r3 : r3);
    }
  }
}

/**
 * C (+)= A·Bᵀ for operands both contiguous along K (A rows, B columns), four rows by two columns
 * at a time, no packing: the weight gradients of convolutions with few output channels, where K
 * (the positions) is long and M·N small. Partial blocks alias their last row/column.
 */
function dotBlocks(M: i32, N: i32, K: i32, a: usize, asr: i32, b: usize, bsc: i32, c: usize, csr: i32, csc: i32, accumulate: bool): void {
  const K4 = K & ~3;
  for (let i0 = 0; i0 < M; i0 += 4) {
    const h = min(4, M - i0);
    const a0 = a + <usize>(i0 * asr) * 4;
    const a1 = h > 1 ? a0 + <usize>asr * 4 : a0;
    const a2 = h > 2 ? a1 + <usize>asr * 4 : a1;
    const a3 = h > 3 ? a2 + <usize>asr * 4 : a2;
    for (let j0 = 0; j0 < N; j0 += 2) {
      const w = min(2, N - j0);
      const b0 = b + <usize>(j0 * bsc) * 4;
      const b1 = w > 1 ? b0 + <usize>bsc * 4 : b0;
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
      for (let k = 0; k < K4; k += 4) {
        const kk = <usize>k * 4;
        const x0 = v128.load(b0 + kk), x1 = v128.load(b1 + kk);
        let av = v128.load(a0 + kk);
        s00 = fma(s00, av, x0); s01 = fma(s01, av, x1);
        av = v128.load(a1 + kk);
        s10 = fma(s10, av, x0); s11 = fma(s11, av, x1);
        av = v128.load(a2 + kk);
        s20 = fma(s20, av, x0); s21 = fma(s21, av, x1);
        av = v128.load(a3 + kk);
        s30 = fma(s30, av, x0); s31 = fma(s31, av, x1);
      }
      let r00 = hsum(s00), r01 = hsum(s01), r10 = hsum(s10), r11 = hsum(s11);
      let r20 = hsum(s20), r21 = hsum(s21), r30 = hsum(s30), r31 = hsum(s31);
      for (let k = K4; k < K; k++) {
        const kk = <usize>k * 4;
        const x0 = load<f32>(b0 + kk), x1 = load<f32>(b1 + kk);
        const v0 = load<f32>(a0 + kk), v1 = load<f32>(a1 + kk), v2 = load<f32>(a2 + kk), v3 = load<f32>(a3 + kk);
        r00 += v0 * x0; r01 += v0 * x1; r10 += v1 * x0; r11 += v1 * x1;
        r20 += v2 * x0; r21 += v2 * x1; r30 += v3 * x0; r31 += v3 * x1;
      }
      const o = c + <usize>(i0 * csr + j0 * csc) * 4;
      const rs = <usize>csr * 4, cs = <usize>csc * 4;
      put(o, r00, accumulate);
      if (w > 1) put(o + cs, r01, accumulate);
      if (h > 1) { put(o + rs, r10, accumulate); if (w > 1) put(o + rs + cs, r11, accumulate); }
      if (h > 2) { put(o + 2 * rs, r20, accumulate); if (w > 1) put(o + 2 * rs + cs, r21, accumulate); }
      if (h > 3) { put(o + 3 * rs, r30, accumulate); if (w > 1) put(o + 3 * rs + cs, r31, accumulate); }
    }
  }
}

// @ts-ignore: decorator
@inline function put(p: usize, v: f32, accumulate: bool): void {
  store<f32>(p, accumulate ? load<f32>(p) + v : v);
}

/**
 * Batched strided SGEMM. Pointers are byte addresses, strides are in elements.
 * beta = 1 accumulates into C; an output batch stride of 0 with beta = 1 (or after the first
 * batch) sums the products over the batch. `scratch` holds (MC + NC)·KC + 32 floats, 16-byte aligned.
 */
export function sgemm(
  batch: i32, M: i32, N: i32, K: i32,
  a: usize, asb: i32, asr: i32, asc: i32,
  b: usize, bsb: i32, bsr: i32, bsc: i32,
  c: usize, csb: i32, csr: i32, csc: i32,
  beta: i32, scratch: usize,
): void {
  const Ap = scratch;
  const Bp = scratch + <usize>(MC * KC) * 4;
  const Tt = Bp + <usize>(NC * KC) * 4;
  for (let bi = 0; bi < batch; bi++) {
    const A = a + <usize>(bi * asb) * 4;
    const B = b + <usize>(bi * bsb) * 4;
    const C = c + <usize>(bi * csb) * 4;
    const accBatch = beta != 0 || (csb == 0 && bi > 0);
    if (K == 0) {
      if (!accBatch) for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) store<f32>(C + <usize>(i * csr + j * csc) * 4, 0);
      continue;
    }
    if (M <= 4 && asc == 1 && bsr == 1) {
      dotRows(M, N, K, A, asr, B, bsc, C, csr, csc, accBatch);
      continue;
    }
    if (M <= 16 && K >= 64 && asc == 1 && bsr == 1) {
      dotBlocks(M, N, K, A, asr, B, bsc, C, csr, csc, accBatch);
      continue;
    }
    for (let jc = 0; jc < N; jc += NC) {
      const nc = min(NC, N - jc);
      for (let pc = 0; pc < K; pc += KC) {
        const kc = min(KC, K - pc);
        // A row-major B is read in place while M is small (≤ 16 rows, as in convolutions, where
        // packing costs as much as the product); only a ragged last panel is packed then, so no
        // tile reads past the matrix. Taller products pack it: read in place, each 8-column
        // panel touches kc rows a whole row stride apart (1024³ ran at 31 GFLOP/s on one
        // thread that way, 47 packed).
        const direct = bsc == 1 && M <= 16;
        const full = direct ? nc - nc % NR : 0;
        if (!direct) packB(B, bsr, bsc, pc, kc, jc, nc, Bp);
        else if (full < nc) packB(B, bsr, bsc, pc, kc, jc + full, nc - full, Bp);
        const accumulate = accBatch || pc > 0;
        for (let ic = 0; ic < M; ic += MC) {
          const mc = min(MC, M - ic);
          packA(A, asr, asc, ic, mc, pc, kc, Ap);
          for (let jr = 0; jr < nc; jr += NR) {
            const w = min(NR, nc - jr);
            let bp: usize;
            let bstride: usize;
            if (direct && jr < full) {
              bp = B + <usize>(pc * bsr + jc + jr) * 4;
              bstride = <usize>bsr * 4;
            } else {
              bp = Bp + <usize>(((jr - full) / NR) * kc * NR) * 4;
              bstride = NR * 4;
            }
            for (let ir = 0; ir < mc; ir += MR) {
              const h = min(MR, mc - ir);
              const ap = Ap + <usize>((ir / MR) * kc * MR) * 4;
              const co = C + <usize>((ic + ir) * csr + (jc + jr) * csc) * 4;
              if (h <= 2) micro2(ap, bp, bstride, kc, co, csr, csc, h, w, accumulate, Tt);
              else micro(ap, bp, bstride, kc, co, csr, csc, h, w, accumulate, Tt);
            }
          }
        }
      }
    }
  }
}
