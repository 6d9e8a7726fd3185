// Row convolution through the FFT (overlap-save) for long kernels that span every column: the
// temporal-spatial first layer of EEG nets, y[o, i] = b[o] + Σ_{t<kh, c<W} w[o, t, c]·x[i + t, c]
// over (H, W) images (time rows, W channels). A direct product costs O·W·kh multiply-adds per
// output step; in the frequency domain each n-point block of L = n − kh + 1 outputs costs one
// complex W-term sum per bin and output (4·(n/2 + 1)/L real multiply-adds per step and channel)
// plus the transforms — for ShallowFBCSPNet's 25 taps about a sixth of the arithmetic.
//
// Transforms are radix-2 complex FFTs over rows of f32x4 lanes; two real signals ride in one
// complex transform (real part in the first four lanes of a group, imaginary in the next four)
// and are separated afterwards. The inverse runs as the forward transform of the conjugate.
//
// Spectrum block (`spec`, built by fftConvSpectrum): twiddles e^{−2πik/n} (n/2 complex), the
// bit-reversal table (n i32), then for each group of 8 outputs, bin f ≤ n/2 and channel c, 16
// floats: conj(Ŵ) of outputs 8g..8g+3 (re, im) and 8g+4..8g+7 (re, im), scaled by 1/(4n) so the
// unnormalised transforms and the doubled separated spectra come out at unit gain.

// @ts-ignore: decorator
@inline function fma(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

// @ts-ignore: decorator
@inline function bins(n: i32): i32 {
  return (n >> 1) + 1;
}

// @ts-ignore: decorator
@inline function revTable(spec: usize, n: i32): usize {
  return spec + <usize>n * 4;
}

// @ts-ignore: decorator
@inline function weightSpectrum(spec: usize, n: i32): usize {
  return spec + <usize>n * 8;
}

/**
 * In-place radix-2 transform of n rows already in bit-reversed order; row j sits at
 * p + j·rowBytes and holds `groups` complex vectors (16 bytes real, then 16 imaginary).
 */
function fftRows(p: usize, n: i32, rowBytes: i32, groups: i32, tw: usize): void {
  const rb = <usize>rowBytes;
  // the first pass has only the twiddle 1: sums and differences of neighbouring rows
  for (let s = 0; s < n; s += 2) {
    let a = p + <usize>s * rb;
    let b = a + rb;
    for (let g = 0; g < groups; g++, a += 32, b += 32) {
      const ar = v128.load(a), ai = v128.load(a, 16), br = v128.load(b), bi = v128.load(b, 16);
      v128.store(a, f32x4.add(ar, br)); v128.store(a, f32x4.add(ai, bi), 16);
      v128.store(b, f32x4.sub(ar, br)); v128.store(b, f32x4.sub(ai, bi), 16);
    }
  }
  for (let half = 2; half < n; half <<= 1) {
    const tstep = <usize>(n / (half << 1)) * 8;
    const span = <usize>half * rb;
    for (let k = 0; k < half; k++) {
      const wr = v128.load32_splat(tw + <usize>k * tstep), wi = v128.load32_splat(tw + <usize>k * tstep + 4);
      for (let s = k; s < n; s += half << 1) {
        let a = p + <usize>s * rb;
        let b = a + span;
        for (let g = 0; g < groups; g++, a += 32, b += 32) {
          const ar = v128.load(a), ai = v128.load(a, 16), br = v128.load(b), bi = v128.load(b, 16);
          const tr = f32x4.sub(f32x4.mul(br, wr), f32x4.mul(bi, wi));
          const ti = fma(f32x4.mul(br, wi), bi, wr);
          v128.store(a, f32x4.add(ar, tr)); v128.store(a, f32x4.add(ai, ti), 16);
          v128.store(b, f32x4.sub(ar, tr)); v128.store(b, f32x4.sub(ai, ti), 16);
        }
      }
    }
  }
}

/**
 * Fills the twiddles and bit-reversal table of `spec` and the spectra of w (O, kh, W) for
 * n-point blocks. `scratch` holds n·32 bytes.
 */
export function fftConvSpectrum(w: usize, O: i32, kh: i32, W: i32, n: i32, spec: usize, scratch: usize): void {
  for (let k = 0; k < (n >> 1); k++) {
    const a = (-2 * Math.PI * <f64>k) / <f64>n;
    store<f32>(spec + <usize>k * 8, <f32>Math.cos(a));
    store<f32>(spec + <usize>k * 8, <f32>Math.sin(a), 4);
  }
  const rev = revTable(spec, n);
  const bitsN = ctz<i32>(n);
  for (let j = 0; j < n; j++) {
    let r = 0;
    for (let b = 0; b < bitsN; b++) r |= ((j >> b) & 1) << (bitsN - 1 - b);
    store<i32>(rev + <usize>j * 4, r);
  }
  const F = bins(n);
  const OG = (O + 7) >> 3;
  const out = weightSpectrum(spec, n);
  const scale = f32x4.splat(<f32>(1.0 / (4.0 * <f64>n)));
  const zero = f32x4.splat(0);
  for (let og = 0; og < OG; og++) {
    for (let c = 0; c < W; c++) {
      // outputs 8og..8og+3 as the real part, 8og+4..8og+7 as the imaginary part
      for (let j = 0; j < n; j++) {
        v128.store(scratch + <usize>j * 32, zero);
        v128.store(scratch + <usize>j * 32, zero, 16);
      }
      for (let t = 0; t < kh; t++) {
        const row = scratch + <usize>load<i32>(rev + <usize>t * 4) * 32;
        for (let l = 0; l < 8; l++) {
          const o = og * 8 + l;
          if (o < O) store<f32>(row + <usize>l * 4, load<f32>(w + <usize>((o * kh + t) * W + c) * 4));
        }
      }
      fftRows(scratch, n, 32, 1, spec);
      for (let f = 0; f < F; f++) {
        const m = scratch + <usize>((n - f) & (n - 1)) * 32;
        const z = scratch + <usize>f * 32;
        const zr = v128.load(z), zi = v128.load(z, 16), mr = v128.load(m), mi = v128.load(m, 16);
        // separated spectra (doubled), conjugated for correlation, scaled
        const d = out + <usize>(((og * F + f) * W + c) * 16) * 4;
        v128.store(d, f32x4.mul(f32x4.add(zr, mr), scale));
        v128.store(d, f32x4.mul(f32x4.sub(mi, zi), scale), 16);
        v128.store(d, f32x4.mul(f32x4.add(zi, mi), scale), 32);
        v128.store(d, f32x4.mul(f32x4.sub(zr, mr), scale), 48);
      }
    }
  }
}

/**
 * Spectra of one image x (H, W) in blocks of n rows starting every L = n − kh + 1 rows (zero
 * past H), for block pairs [bp0, bp1), as xs[f][pair − bp0][c][re₀, im₀, re₁, im₁] (doubled).
 * `scratch`: n·⌈W/8⌉·32 bytes.
 */
export function fftConvForward(x: usize, H: i32, W: i32, kh: i32, n: i32, OH: i32, bp0: i32, bp1: i32, spec: usize, xs: usize, scratch: usize): void {
  const L = n - kh + 1;
  const B = min((OH + L - 1) / L, bp1 * 2);
  const BP = bp1 - bp0;
  const G = (W + 7) >> 3;
  const rb = G * 32;
  const F = bins(n);
  const rev = revTable(spec, n);
  const zero = f32x4.splat(0);
  if (B & 1) {
    // the unused half of the last pair reads as zero
    for (let f = 0; f < F; f++) {
      for (let c = 0; c < W; c++) {
        const d = xs + <usize>(((f * BP + BP - 1) * W + c) * 4 + 2) * 4;
        store<f32>(d, 0);
        store<f32>(d, 0, 4);
      }
    }
  }
  for (let b = bp0 * 2; b < B; b++) {
    const t0 = b * L;
    for (let j = 0; j < n; j++) {
      const row = scratch + <usize>load<i32>(rev + <usize>j * 4) * rb;
      for (let g = 0; g < G; g++) {
        v128.store(row + <usize>g * 32, zero);
        v128.store(row + <usize>g * 32, zero, 16);
      }
      if (t0 + j < H) memory.copy(row, x + <usize>((t0 + j) * W) * 4, <usize>W * 4);
    }
    fftRows(scratch, n, rb, G, spec);
    const slot = (b & 1) * 2;
    const bp = (b >> 1) - bp0;
    for (let f = 0; f < F; f++) {
      const z = scratch + <usize>f * rb;
      const m = scratch + <usize>((n - f) & (n - 1)) * rb;
      const d = xs + <usize>(((f * BP + bp) * W) * 4 + slot) * 4;
      for (let g = 0; g < G; g++) {
        const zr = v128.load(z + <usize>g * 32), zi = v128.load(z + <usize>g * 32, 16);
        const mr = v128.load(m + <usize>g * 32), mi = v128.load(m + <usize>g * 32, 16);
        // channel 8g + l from the real part, 8g + 4 + l from the imaginary part
        const ar = f32x4.add(zr, mr), ai = f32x4.sub(zi, mi);
        const br = f32x4.add(zi, mi), bi = f32x4.sub(mr, zr);
        const c0 = g * 8;
        const lim = min(4, W - c0);
        const lim2 = min(4, W - c0 - 4);
        if (lim >= 4) {
          const q = d + <usize>(c0 * 16);
          store<f32>(q, f32x4.extract_lane(ar, 0)); store<f32>(q, f32x4.extract_lane(ai, 0), 4);
          store<f32>(q, f32x4.extract_lane(ar, 1), 16); store<f32>(q, f32x4.extract_lane(ai, 1), 20);
          store<f32>(q, f32x4.extract_lane(ar, 2), 32); store<f32>(q, f32x4.extract_lane(ai, 2), 36);
          store<f32>(q, f32x4.extract_lane(ar, 3), 48); store<f32>(q, f32x4.extract_lane(ai, 3), 52);
        } else storeLanes(d + <usize>(c0 * 16), ar, ai, lim);
        if (lim2 >= 4) {
          const q = d + <usize>((c0 + 4) * 16);
          store<f32>(q, f32x4.extract_lane(br, 0)); store<f32>(q, f32x4.extract_lane(bi, 0), 4);
          store<f32>(q, f32x4.extract_lane(br, 1), 16); store<f32>(q, f32x4.extract_lane(bi, 1), 20);
          store<f32>(q, f32x4.extract_lane(br, 2), 32); store<f32>(q, f32x4.extract_lane(bi, 2), 36);
          store<f32>(q, f32x4.extract_lane(br, 3), 48); store<f32>(q, f32x4.extract_lane(bi, 3), 52);
        } else if (lim2 > 0) storeLanes(d + <usize>((c0 + 4) * 16), br, bi, lim2);
      }
    }
  }
}

/** Stores the first `lim` (< 4) lanes of (re, im) as pairs 16 bytes apart (a partial channel group). */
function storeLanes(q: usize, re: v128, im: v128, lim: i32): void {
  store<f32>(q, f32x4.extract_lane(re, 0)); store<f32>(q, f32x4.extract_lane(im, 0), 4);
  if (lim > 1) { store<f32>(q, f32x4.extract_lane(re, 1), 16); store<f32>(q, f32x4.extract_lane(im, 1), 20); }
  if (lim > 2) { store<f32>(q, f32x4.extract_lane(re, 2), 32); store<f32>(q, f32x4.extract_lane(im, 2), 36); }
}

/**
 * Rows of block pairs [bp0, bp1) of one image's output y (O, OH), from their spectra xs: per
 * output group of 8 and bin, the complex sum over channels for two blocks at a time, written
 * conjugated in bit-reversed order into zb (one n-row block of 8 lanes per block), then one
 * transform per block and its L valid rows out with the bias. `zb`: (bp1 − bp0)·2·n·32 bytes.
 */
export function fftConvInverse(xs: usize, O: i32, W: i32, kh: i32, n: i32, OH: i32, bp0: i32, bp1: i32, spec: usize, bias: usize, hasBias: i32, y: usize, zb: usize): void {
  const L = n - kh + 1;
  const B = min((OH + L - 1) / L, bp1 * 2) - bp0 * 2;
  const BP = bp1 - bp0;
  const OG = (O + 7) >> 3;
  const F = bins(n);
  const rev = revTable(spec, n);
  const ws = weightSpectrum(spec, n);
  const blockBytes = <usize>n * 32;
  for (let og = 0; og < OG; og++) {
    for (let f = 0; f < F; f++) {
      const wf = ws + <usize>((og * F + f) * W * 16) * 4;
      const r1 = <usize>load<i32>(rev + <usize>f * 4) * 32;
      const mirror = f > 0 && f < (n >> 1);
      const r2 = <usize>load<i32>(rev + <usize>((n - f) & (n - 1)) * 4) * 32;
      for (let bp = 0; bp < BP; bp++) {
        let xp = xs + <usize>((f * BP + bp) * W * 4) * 4;
        let wp = wf;
        let a0r = f32x4.splat(0), a0i = a0r, b0r = a0r, b0i = a0r;
        let a1r = a0r, a1i = a0r, b1r = a0r, b1i = a0r;
        for (let c = 0; c < W; c++, xp += 16, wp += 64) {
          const war = v128.load(wp), wai = v128.load(wp, 16), wbr = v128.load(wp, 32), wbi = v128.load(wp, 48);
          const x0r = v128.load32_splat(xp), x0i = v128.load32_splat(xp, 4);
          const x1r = v128.load32_splat(xp, 8), x1i = v128.load32_splat(xp, 12);
          const n0i = f32x4.neg(x0i), n1i = f32x4.neg(x1i);
          a0r = fma(fma(a0r, war, x0r), wai, n0i); a0i = fma(fma(a0i, war, x0i), wai, x0r);
          b0r = fma(fma(b0r, wbr, x0r), wbi, n0i); b0i = fma(fma(b0i, wbr, x0i), wbi, x0r);
          a1r = fma(fma(a1r, war, x1r), wai, n1i); a1i = fma(fma(a1i, war, x1i), wai, x1r);
          b1r = fma(fma(b1r, wbr, x1r), wbi, n1i); b1i = fma(fma(b1i, wbr, x1i), wbi, x1r);
        }
        // Z = Ya + i·Yb (and its Hermitian mirror), stored conjugated for the inverse
        const z0 = zb + <usize>(bp * 2) * blockBytes;
        const z1 = z0 + blockBytes;
        v128.store(z0 + r1, f32x4.sub(a0r, b0i)); v128.store(z0 + r1, f32x4.neg(f32x4.add(a0i, b0r)), 16);
        v128.store(z1 + r1, f32x4.sub(a1r, b1i)); v128.store(z1 + r1, f32x4.neg(f32x4.add(a1i, b1r)), 16);
        if (mirror) {
          v128.store(z0 + r2, f32x4.add(a0r, b0i)); v128.store(z0 + r2, f32x4.sub(a0i, b0r), 16);
          v128.store(z1 + r2, f32x4.add(a1r, b1i)); v128.store(z1 + r2, f32x4.sub(a1i, b1r), 16);
        }
      }
    }
    for (let b = 0; b < B; b++) {
      const z = zb + <usize>b * blockBytes;
      fftRows(z, n, 32, 1, spec);
      const t0 = (bp0 * 2 + b) * L;
      const rows = min(L, OH - t0);
      for (let l = 0; l < 8; l++) {
        const o = og * 8 + l;
        if (o >= O) break;
        const bv: f32 = hasBias ? load<f32>(bias + <usize>o * 4) : 0;
        // real lanes carry outputs 8og..8og+3, imaginary lanes (negated) 8og+4..8og+7
        const src = z + <usize>l * 4;
        const dst = y + <usize>(o * OH + t0) * 4;
        if (l < 4) for (let i = 0; i < rows; i++) store<f32>(dst + <usize>i * 4, load<f32>(src + <usize>i * 32) + bv);
        else for (let i = 0; i < rows; i++) store<f32>(dst + <usize>i * 4, bv - load<f32>(src + <usize>i * 32));
      }
    }
  }
}

/**
 * N images, block pairs [bp0, bp1) of each: their spectra, then their outputs. Ranges of block
 * pairs are independent, so one image splits across threads with no step between. `xs` and
 * `zb` as above.
 */
export function fftConv(x: usize, N: i32, H: i32, W: i32, O: i32, kh: i32, n: i32, OH: i32, bp0: i32, bp1: i32, spec: usize, bias: usize, hasBias: i32, y: usize, xs: usize, zb: usize): void {
  for (let i = 0; i < N; i++) {
    fftConvForward(x + <usize>(i * H * W) * 4, H, W, kh, n, OH, bp0, bp1, spec, xs, zb);
    fftConvInverse(xs, O, W, kh, n, OH, bp0, bp1, spec, bias, hasBias, y + <usize>(i * O * OH) * 4, zb);
  }
}
