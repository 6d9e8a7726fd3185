// Direct convolution at stride 1, dilation 1, one group, for few input taps (C·kh·kw small:
// LeNet's 1-channel 5×5 first layer, EEGNet's 1-channel temporal kernel). im2col would write
// kh·kw copies of every input sample and read them back; here each image is copied once into
// a zero-padded plane and every output row is summed straight from it. Geometry arrives as the
// window ops' i32 block (kh, kw, sh, sw, ph, pw, dh, dw, H, W, OH, OW).

// @ts-ignore: decorator
@inline function fma(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

// @ts-ignore: decorator
@inline function g(geo: usize, i: i32): i32 {
  return load<i32>(geo + <usize>i * 4);
}

/** Output columns rounded up to whole 8-column blocks: the padded plane is this + kw − 1 wide. */
// @ts-ignore: decorator
@inline function paddedWidth(OW: i32, kw: i32): i32 {
  return ((OW + 7) & ~7) + kw - 1;
}

/**
 * Copies the C planes of one image into P (C × Hp × Wp) at row/column offset (ph, pw), zero
 * elsewhere: Hp = OH + kh − 1 rows cover every window, Wp every (rounded-up) column block.
 */
function padPlanes(x: usize, C: i32, H: i32, W: i32, ph: i32, pw: i32, Hp: i32, Wp: i32, P: usize): void {
  const total = C * Hp * Wp;
  const z = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= total; i += 4) v128.store(P + <usize>i * 4, z);
  for (; i < total; i++) store<f32>(P + <usize>i * 4, 0);
  // input rows/columns that land inside the padded plane (asymmetric 'same' padding may clip)
  const y0 = max(0, -ph), y1 = min(H, Hp - ph);
  const x0 = max(0, -pw), x1 = min(W, Wp - pw);
  const n = x1 - x0;
  if (n <= 0) return;
  for (let c = 0; c < C; c++) {
    for (let iy = y0; iy < y1; iy++) {
      const src = x + <usize>((c * H + iy) * W + x0) * 4;
      const dst = P + <usize>((c * Hp + iy + ph) * Wp + x0 + pw) * 4;
      let j = 0;
      for (; j + 4 <= n; j += 4) v128.store(dst + <usize>j * 4, v128.load(src + <usize>j * 4));
      for (; j < n; j++) store<f32>(dst + <usize>j * 4, load<f32>(src + <usize>j * 4));
    }
  }
}

/** Stores the first r (< 8) lanes of the pair (a, b) at p, through the 32-byte temp t. */
// @ts-ignore: decorator
@inline function storePart(p: usize, a: v128, b: v128, r: i32, t: usize): void {
  v128.store(t, a);
  v128.store(t, b, 16);
  for (let i = 0; i < r; i++) store<f32>(p + <usize>i * 4, load<f32>(t + <usize>i * 4));
}

/** Byte offsets of every tap (c, ky, kx) inside the padded planes, relative to the window's corner. */
function tapOffsets(C: i32, kh: i32, kw: i32, Hp: i32, Wp: i32, tab: usize): void {
  let t = 0;
  for (let c = 0; c < C; c++) {
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) store<i32>(tab + <usize>(t++) * 4, ((c * Hp + ky) * Wp + kx) * 4);
    }
  }
}

/**
 * Four output channels × eight columns at (oy, ox): one pass over the K taps, each loading two
 * input vectors and four weights for eight FMAs. Channels past h alias the last one.
 */
// @ts-ignore: decorator
@inline export function tile4(P: usize, tab: usize, K: i32, w: usize, bias: usize, hasBias: i32, h: i32, o: usize, ls: usize, r: i32, tmp: usize): void {
  const w0 = w, w1 = w + <usize>(min(1, h - 1) * K) * 4, w2 = w + <usize>(min(2, h - 1) * K) * 4, w3 = w + <usize>(min(3, h - 1) * K) * 4;
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
  if (hasBias) {
    a0 = v128.load32_splat(bias);
    a1 = v128.load32_splat(bias + <usize>min(1, h - 1) * 4);
    a2 = v128.load32_splat(bias + <usize>min(2, h - 1) * 4);
    a3 = v128.load32_splat(bias + <usize>min(3, h - 1) * 4);
  }
  let b0 = a0, b1 = a1, b2 = a2, b3 = a3;
  for (let t = 0; t < K; t++) {
    const p = P + <usize>load<i32>(tab + <usize>t * 4);
    const xa = v128.load(p), xb = v128.load(p, 16);
    const q = <usize>t * 4;
    let s = v128.load32_splat(w0 + q);
    a0 = fma(a0, s, xa); b0 = fma(b0, s, xb);
    s = v128.load32_splat(w1 + q);
    a1 = fma(a1, s, xa); b1 = fma(b1, s, xb);
    s = v128.load32_splat(w2 + q);
    a2 = fma(a2, s, xa); b2 = fma(b2, s, xb);
    s = v128.load32_splat(w3 + q);
    a3 = fma(a3, s, xa); b3 = fma(b3, s, xb);
  }
  if (r >= 8) {
    v128.store(o, a0); v128.store(o, b0, 16);
    if (h > 1) { v128.store(o + ls, a1); v128.store(o + ls, b1, 16); }
    if (h > 2) { v128.store(o + 2 * ls, a2); v128.store(o + 2 * ls, b2, 16); }
    if (h > 3) { v128.store(o + 3 * ls, a3); v128.store(o + 3 * ls, b3, 16); }
  } else {
    storePart(o, a0, b0, r, tmp);
    if (h > 1) storePart(o + ls, a1, b1, r, tmp);
    if (h > 2) storePart(o + 2 * ls, a2, b2, r, tmp);
    if (h > 3) storePart(o + 3 * ls, a3, b3, r, tmp);
  }
}

/** One or two output channels × eight columns (the channels left over by tile4). */
// @ts-ignore: decorator
@inline export function tile2(P: usize, tab: usize, K: i32, w: usize, bias: usize, hasBias: i32, h: i32, o: usize, ls: usize, r: i32, tmp: usize): void {
  const w0 = w, w1 = w + <usize>(min(1, h - 1) * K) * 4;
  let a0 = f32x4.splat(0), a1 = a0;
  if (hasBias) {
    a0 = v128.load32_splat(bias);
    a1 = v128.load32_splat(bias + <usize>min(1, h - 1) * 4);
  }
  let b0 = a0, b1 = a1;
  for (let t = 0; t < K; t++) {
    const p = P + <usize>load<i32>(tab + <usize>t * 4);
    const xa = v128.load(p), xb = v128.load(p, 16);
    const q = <usize>t * 4;
    let s = v128.load32_splat(w0 + q);
    a0 = fma(a0, s, xa); b0 = fma(b0, s, xb);
    s = v128.load32_splat(w1 + q);
    a1 = fma(a1, s, xa); b1 = fma(b1, s, xb);
  }
  if (r >= 8) {
    v128.store(o, a0); v128.store(o, b0, 16);
    if (h > 1) { v128.store(o + ls, a1); v128.store(o + ls, b1, 16); }
  } else {
    storePart(o, a0, b0, r, tmp);
    if (h > 1) storePart(o + ls, a1, b1, r, tmp);
  }
}

/**
 * y (N, O, OH, OW) = bias + W (O, C, kh, kw) ⋆ x (N, C, H, W), in register tiles of four (or
 * two) output channels × eight columns that run over all C·kh·kw taps at once through a table
 * of their offsets. `scratch` holds the padded planes (C·Hp·Wp floats), a 32-byte temp and the
 * tap table.
 */
export function convDirect(x: usize, N: i32, C: i32, O: i32, geo: usize, w: usize, bias: usize, hasBias: i32, y: usize, scratch: usize): void {
  const kh = g(geo, 0), kw = g(geo, 1), ph = g(geo, 4), pw = g(geo, 5);
  const H = g(geo, 8), W = g(geo, 9), OH = g(geo, 10), OW = g(geo, 11);
  const Hp = OH + kh - 1, Wp = paddedWidth(OW, kw);
  const P = scratch;
  const tmp = scratch + <usize>((C * Hp * Wp + 3) & ~3) * 4;
  const tab = tmp + 32;
  const K = C * kh * kw;
  const L = OH * OW;
  const ls = <usize>L * 4;
  tapOffsets(C, kh, kw, Hp, Wp, tab);
  for (let n = 0; n < N; n++) {
    padPlanes(x + <usize>(n * C * H * W) * 4, C, H, W, ph, pw, Hp, Wp, P);
    for (let ob = 0; ob < O; ob += 4) {
      const h = min(4, O - ob);
      const wb = w + <usize>(ob * K) * 4;
      const bb = bias + <usize>ob * 4;
      const out = y + <usize>((n * O + ob) * L) * 4;
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox += 8) {
          const pc = P + <usize>(oy * Wp + ox) * 4;
          const o = out + <usize>(oy * OW + ox) * 4;
          if (h > 2) tile4(pc, tab, K, wb, bb, hasBias, h, o, ls, OW - ox, tmp);
          else tile2(pc, tab, K, wb, bb, hasBias, h, o, ls, OW - ox, tmp);
        }
      }
    }
  }
}

/** Adds the lanes of v that are below `n` into the floats at p (a partial lag vector). */
// @ts-ignore: decorator
@inline function addLanes(p: usize, v: v128, n: i32): void {
  if (n >= 4) {
    v128.store(p, f32x4.add(v128.load(p), v));
    return;
  }
  if (n > 0) add(p, f32x4.extract_lane(v, 0));
  if (n > 1) add(p + 4, f32x4.extract_lane(v, 1));
  if (n > 2) add(p + 8, f32x4.extract_lane(v, 2));
}

// Kernels at most this wide, over rows of whole vectors (OW a multiple of 4), take the
// positions-in-lanes weight gradient (narrowWeightGrad): with taps in lanes a 5-wide kernel
// fills 5 of 8 lanes. Ragged rows stay with the taps-in-lanes loop: a partial last vector per
// row cost more than the lanes saved (64 images of 10×10 outputs: 141 vs 313 µs).
const NARROW_KW = 5;

/** Sum of the four lanes. */
// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/**
 * One image's dW for kernels at most NARROW_KW wide and OW a multiple of 4, added into part
 * (O, C, kh, kw): lanes hold four consecutive output positions, and a register tile of two
 * output channels × five taps (ten accumulators) runs over every position of a (c, ky) row
 * band — two dy loads and five input loads for ten FMAs — then each accumulator is summed
 * across its lanes once. Taps past kw are computed and not stored.
 */
function narrowWeightGrad(P: usize, dy: usize, C: i32, O: i32, kh: i32, kw: i32, Hp: i32, Wp: i32, OH: i32, OW: i32, part: usize): void {
  const L = OH * OW;
  const K = C * kh * kw;
  const zero = f32x4.splat(0);
  for (let o = 0; o < O; o += 2) {
    const two = o + 1 < O;
    const e0 = dy + <usize>(o * L) * 4;
    // an odd last channel aliases itself: computed, never stored
    const e1 = dy + <usize>((two ? o + 1 : o) * L) * 4;
    for (let c = 0; c < C; c++) {
      for (let ky = 0; ky < kh; ky++) {
        let a0 = zero, a1 = zero, a2 = zero, a3 = zero, a4 = zero;
        let b0 = zero, b1 = zero, b2 = zero, b3 = zero, b4 = zero;
        for (let oy = 0; oy < OH; oy++) {
          const prow = P + <usize>((c * Hp + oy + ky) * Wp) * 4;
          const g0 = e0 + <usize>(oy * OW) * 4, g1 = e1 + <usize>(oy * OW) * 4;
          for (let t = 0; t < OW; t += 4) {
            const d0 = v128.load(g0 + <usize>t * 4), d1 = v128.load(g1 + <usize>t * 4);
            const q = prow + <usize>t * 4;
            let xv = v128.load(q);
            a0 = fma(a0, d0, xv); b0 = fma(b0, d1, xv);
            xv = v128.load(q, 4);
            a1 = fma(a1, d0, xv); b1 = fma(b1, d1, xv);
            xv = v128.load(q, 8);
            a2 = fma(a2, d0, xv); b2 = fma(b2, d1, xv);
            xv = v128.load(q, 12);
            a3 = fma(a3, d0, xv); b3 = fma(b3, d1, xv);
            xv = v128.load(q, 16);
            a4 = fma(a4, d0, xv); b4 = fma(b4, d1, xv);
          }
        }
        const r0 = part + <usize>((o * C + c) * kh * kw + ky * kw) * 4;
        add(r0, hsum(a0));
        if (kw > 1) add(r0 + 4, hsum(a1));
        if (kw > 2) add(r0 + 8, hsum(a2));
        if (kw > 3) add(r0 + 12, hsum(a3));
        if (kw > 4) add(r0 + 16, hsum(a4));
        if (two) {
          const r1 = r0 + <usize>K * 4;
          add(r1, hsum(b0));
          if (kw > 1) add(r1 + 4, hsum(b1));
          if (kw > 2) add(r1 + 8, hsum(b2));
          if (kw > 3) add(r1 + 12, hsum(b3));
          if (kw > 4) add(r1 + 16, hsum(b4));
        }
      }
    }
  }
}

/**
 * dW (O, C, kh, kw) = Σₙ dy[n] ⋆ x[n] over images [0, N), in groups of `chunk` images: group
 * k's sum goes to dw + k·O·C·kh·kw (overwritten), so the caller can add the groups in a fixed
 * order and any thread count gives the same bits. Lanes hold consecutive taps kx: at each
 * output position the input run x[t + kx0 .. +8) is one pair of vectors, multiplied by the
 * splatted dy of four output channels (eight FMAs per six loads, no horizontal sums); taps
 * past kw fill the last lanes and are never stored.
 */
export function convDirectWeightGrad(x: usize, dy: usize, N: i32, C: i32, O: i32, geo: usize, dw: usize, chunk: i32, scratch: usize): void {
  const kh = g(geo, 0), kw = g(geo, 1), ph = g(geo, 4), pw = g(geo, 5);
  const H = g(geo, 8), W = g(geo, 9), OH = g(geo, 10), OW = g(geo, 11);
  const Hp = OH + kh - 1, Wp = paddedWidth(OW, kw);
  const P = scratch;
  // the last lag block reads up to 7 floats past a row: rows run on into the next, and the
  // zeroed margin after the last plane keeps the final reads inside the block
  const total = C * Hp * Wp;
  const K = C * kh * kw;
  const S = O * K;
  const L = OH * OW;
  const zero = f32x4.splat(0);
  for (let n = 0; n < N; n++) {
    const part = dw + <usize>((n / chunk) * S) * 4;
    if (n % chunk == 0) for (let i = 0; i < S; i++) store<f32>(part + <usize>i * 4, 0);
    padPlanes(x + <usize>(n * C * H * W) * 4, C, H, W, ph, pw, Hp, Wp, P);
    for (let i = 0; i < 8; i++) store<f32>(P + <usize>(total + i) * 4, 0);
    if (kw <= NARROW_KW && (OW & 3) == 0) {
      narrowWeightGrad(P, dy + <usize>(n * O * L) * 4, C, O, kh, kw, Hp, Wp, OH, OW, part);
      continue;
    }
    for (let ob = 0; ob < O; ob += 4) {
      const h = min(4, O - ob);
      // channels past the last alias it: computed, never stored
      const d0 = dy + <usize>((n * O + ob) * L) * 4;
      const d1 = dy + <usize>((n * O + ob + min(1, h - 1)) * L) * 4;
      const d2 = dy + <usize>((n * O + ob + min(2, h - 1)) * L) * 4;
      const d3 = dy + <usize>((n * O + ob + min(3, h - 1)) * L) * 4;
      for (let c = 0; c < C; c++) {
        for (let ky = 0; ky < kh; ky++) {
          for (let kx0 = 0; kx0 < kw; kx0 += 8) {
            let a0 = zero, b0 = zero, a1 = zero, b1 = zero, a2 = zero, b2 = zero, a3 = zero, b3 = zero;
            for (let oy = 0; oy < OH; oy++) {
              const prow = P + <usize>((c * Hp + oy + ky) * Wp + kx0) * 4;
              const r = <usize>(oy * OW) * 4;
              const g0 = d0 + r, g1 = d1 + r, g2 = d2 + r, g3 = d3 + r;
              for (let t = 0; t < OW; t++) {
                const q = <usize>t * 4;
                const xa = v128.load(prow + q), xb = v128.load(prow + q, 16);
                let s = v128.load32_splat(g0 + q);
                a0 = fma(a0, s, xa); b0 = fma(b0, s, xb);
                s = v128.load32_splat(g1 + q);
                a1 = fma(a1, s, xa); b1 = fma(b1, s, xb);
                s = v128.load32_splat(g2 + q);
                a2 = fma(a2, s, xa); b2 = fma(b2, s, xb);
                s = v128.load32_splat(g3 + q);
                a3 = fma(a3, s, xa); b3 = fma(b3, s, xb);
              }
            }
            const nq = kw - kx0;
            const r0 = part + <usize>((ob * C + c) * kh * kw + ky * kw + kx0) * 4;
            const ks = <usize>K * 4;
            addLanes(r0, a0, nq); addLanes(r0 + 16, b0, nq - 4);
            if (h > 1) { addLanes(r0 + ks, a1, nq); addLanes(r0 + ks + 16, b1, nq - 4); }
            if (h > 2) { addLanes(r0 + 2 * ks, a2, nq); addLanes(r0 + 2 * ks + 16, b2, nq - 4); }
            if (h > 3) { addLanes(r0 + 3 * ks, a3, nq); addLanes(r0 + 3 * ks + 16, b3, nq - 4); }
          }
        }
      }
    }
  }
}

// @ts-ignore: decorator
@inline function add(p: usize, v: f32): void {
  store<f32>(p, load<f32>(p) + v);
}
