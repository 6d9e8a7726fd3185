// Batch normalisation over contiguous (N, C, L) float32 blocks: statistics in two passes with
// f64 accumulation, a fused scale-and-shift, and the training-mode backward in two passes.
// Each kernel handles the channels [c0, c1), so threads can split the channels.

// @ts-ignore: decorator
@inline function sum4(v: v128): f64 {
  return <f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1) + <f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3);
}

export function batchNormStats(x: usize, N: i32, C: i32, L: i32, eps: f32, mean: usize, invstd: usize, c0: i32, c1: i32): void {
  const M = <f64>N * <f64>L;
  for (let c = c0; c < c1; c++) {
    let s: f64 = 0;
    for (let n = 0; n < N; n++) {
      const o = x + <usize>((n * C + c) * L) * 4;
      let acc = f32x4.splat(0);
      let i = 0;
      for (; i + 4 <= L; i += 4) acc = f32x4.add(acc, v128.load(o + <usize>i * 4));
      s += sum4(acc);
      for (; i < L; i++) s += <f64>load<f32>(o + <usize>i * 4);
    }
    const mu = s / M;
    const m4 = f32x4.splat(<f32>mu);
    let q: f64 = 0;
    for (let n = 0; n < N; n++) {
      const o = x + <usize>((n * C + c) * L) * 4;
      let acc = f32x4.splat(0);
      let i = 0;
      for (; i + 4 <= L; i += 4) {
        const d = f32x4.sub(v128.load(o + <usize>i * 4), m4);
        acc = f32x4.add(acc, f32x4.mul(d, d));
      }
      q += sum4(acc);
      for (; i < L; i++) {
        const d = <f64>load<f32>(o + <usize>i * 4) - mu;
        q += d * d;
      }
    }
    store<f32>(mean + <usize>c * 4, <f32>mu);
    store<f32>(invstd + <usize>c * 4, <f32>(1 / Math.sqrt(q / M + <f64>eps)));
  }
}

export function batchNormApply(x: usize, N: i32, C: i32, L: i32, mean: usize, invstd: usize, w: isize, b: isize, y: usize, c0: i32, c1: i32): void {
  for (let c = c0; c < c1; c++) {
    const scale = load<f32>(invstd + <usize>c * 4) * (w >= 0 ? load<f32>(<usize>w + <usize>c * 4) : 1);
    const shift = (b >= 0 ? load<f32>(<usize>b + <usize>c * 4) : 0) - load<f32>(mean + <usize>c * 4) * scale;
    const sv = f32x4.splat(scale);
    const hv = f32x4.splat(shift);
    for (let n = 0; n < N; n++) {
      const o = <usize>((n * C + c) * L) * 4;
      let i = 0;
      for (; i + 4 <= L; i += 4) {
        const p = <usize>i * 4;
        v128.store(y + o + p, f32x4.add(f32x4.mul(v128.load(x + o + p), sv), hv));
      }
      for (; i < L; i++) store<f32>(y + o + <usize>i * 4, load<f32>(x + o + <usize>i * 4) * scale + shift);
    }
  }
}

export function batchNormBackward(x: usize, dy: usize, N: i32, C: i32, L: i32, mean: usize, invstd: usize, w: isize, dx: isize, dw: isize, db: isize, c0: i32, c1: i32): void {
  const M = <f64>N * <f64>L;
  for (let c = c0; c < c1; c++) {
    const mu = load<f32>(mean + <usize>c * 4);
    const is = load<f32>(invstd + <usize>c * 4);
    const m4 = f32x4.splat(mu);
    let sdy: f64 = 0;
    let sdyxc: f64 = 0; // Σ dy·(x − μ); times invstd gives Σ dy·x̂
    for (let n = 0; n < N; n++) {
      const o = <usize>((n * C + c) * L) * 4;
      let a1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let i = 0;
      for (; i + 4 <= L; i += 4) {
        const p = <usize>i * 4;
        const g = v128.load(dy + o + p);
        a1 = f32x4.add(a1, g);
        a2 = f32x4.add(a2, f32x4.mul(g, f32x4.sub(v128.load(x + o + p), m4)));
      }
      sdy += sum4(a1);
      sdyxc += sum4(a2);
      for (; i < L; i++) {
        const g = <f64>load<f32>(dy + o + <usize>i * 4);
        sdy += g;
        sdyxc += g * (<f64>load<f32>(x + o + <usize>i * 4) - <f64>mu);
      }
    }
    const sdyx = sdyxc * <f64>is;
    if (dw >= 0) store<f32>(<usize>dw + <usize>c * 4, <f32>sdyx);
    if (db >= 0) store<f32>(<usize>db + <usize>c * 4, <f32>sdy);
    if (dx < 0) continue;
    // dx = k·(dy − Σdy/M − x̂·Σ(dy·x̂)/M), k = w·invstd
    const k = <f32>((w >= 0 ? <f64>load<f32>(<usize>w + <usize>c * 4) : 1) * <f64>is);
    const mdy = <f32>(sdy / M);
    const cx = <f32>(sdyx / M * <f64>is); // multiplies (x − μ)
    const kv = f32x4.splat(k), mv = f32x4.splat(mdy), cv = f32x4.splat(cx);
    for (let n = 0; n < N; n++) {
      const o = <usize>((n * C + c) * L) * 4;
      let i = 0;
      for (; i + 4 <= L; i += 4) {
        const p = <usize>i * 4;
        const t = f32x4.sub(f32x4.sub(v128.load(dy + o + p), mv), f32x4.mul(cv, f32x4.sub(v128.load(x + o + p), m4)));
        v128.store(<usize>dx + o + p, f32x4.mul(kv, t));
      }
      for (; i < L; i++) {
        const p = <usize>i * 4;
        store<f32>(<usize>dx + o + p, k * (load<f32>(dy + o + p) - mdy - cx * (load<f32>(x + o + p) - mu)));
      }
    }
  }
}
