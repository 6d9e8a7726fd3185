// LSTM and GRU cells in float32 (see src/kernels/js/rnn_cell.ts for the layout and formulas),
// four hidden units at a time with the vector sigmoid/tanh of vmath.ts.
import { dotRow } from './gemm';
import { vsigmoid, vtanh, ssigmoid, stanh } from './vmath';

// @ts-ignore: decorator
@inline function ld(p: usize, i: i32): f32 {
  return load<f32>(p + <usize>i * 4);
}

// @ts-ignore: decorator
@inline function st(p: usize, i: i32, v: f32): void {
  store<f32>(p + <usize>i * 4, v);
}

// @ts-ignore: decorator
@inline function vl(p: usize, i: i32): v128 {
  return v128.load(p + <usize>i * 4);
}
// @ts-ignore: decorator
@inline function vs(p: usize, i: i32, v: v128): void {
  v128.store(p + <usize>i * 4, v);
}

export function lstmCell(B: i32, H: i32, gates: usize, c: usize, cRow: i32, out: usize, act: usize): void {
  const H4 = H & ~3;
  for (let b = 0; b < B; b++) {
    const g0 = b * 4 * H;
    const a0 = b * 5 * H;
    const o0 = b * 2 * H;
    for (let j = 0; j < H4; j += 4) {
      const i = vsigmoid(vl(gates, g0 + j));
      const f = vsigmoid(vl(gates, g0 + H + j));
      const g = vtanh(vl(gates, g0 + 2 * H + j));
      const o = vsigmoid(vl(gates, g0 + 3 * H + j));
      const c2 = f32x4.add(f32x4.mul(f, vl(c, b * cRow + j)), f32x4.mul(i, g));
      const tc = vtanh(c2);
      vs(out, o0 + j, f32x4.mul(o, tc));
      vs(out, o0 + H + j, c2);
      vs(act, a0 + j, i);
      vs(act, a0 + H + j, f);
      vs(act, a0 + 2 * H + j, g);
      vs(act, a0 + 3 * H + j, o);
      vs(act, a0 + 4 * H + j, tc);
    }
    for (let j = H4; j < H; j++) {
      const i = ssigmoid(ld(gates, g0 + j));
      const f = ssigmoid(ld(gates, g0 + H + j));
      const g = stanh(ld(gates, g0 + 2 * H + j));
      const o = ssigmoid(ld(gates, g0 + 3 * H + j));
      const c2 = f * ld(c, b * cRow + j) + i * g;
      const tc = stanh(c2);
      st(out, o0 + j, o * tc);
      st(out, o0 + H + j, c2);
      st(act, a0 + j, i);
      st(act, a0 + H + j, f);
      st(act, a0 + 2 * H + j, g);
      st(act, a0 + 3 * H + j, o);
      st(act, a0 + 4 * H + j, tc);
    }
  }
}

export function lstmCellBackward(B: i32, H: i32, act: usize, c: usize, cRow: i32, dout: usize, dgates: usize, dc: usize): void {
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      const a = b * 5 * H + j;
      const i = ld(act, a), f = ld(act, a + H), g = ld(act, a + 2 * H), o = ld(act, a + 3 * H), tc = ld(act, a + 4 * H);
      const dh = ld(dout, b * 2 * H + j);
      const dcs = ld(dout, b * 2 * H + H + j) + dh * o * (1 - tc * tc);
      const d0 = b * 4 * H + j;
      st(dgates, d0, dcs * g * i * (1 - i));
      st(dgates, d0 + H, dcs * ld(c, b * cRow + j) * f * (1 - f));
      st(dgates, d0 + 2 * H, dcs * i * (1 - g * g));
      st(dgates, d0 + 3 * H, dh * tc * o * (1 - o));
      st(dc, b * H + j, dcs * f);
    }
  }
}

export function gruCell(B: i32, H: i32, gi: usize, gh: usize, hp: usize, hRow: i32, out: usize, act: usize): void {
  const H4 = H & ~3;
  for (let b = 0; b < B; b++) {
    const x0 = b * 3 * H;
    const a0 = b * 4 * H;
    for (let j = 0; j < H4; j += 4) {
      const r = vsigmoid(f32x4.add(vl(gi, x0 + j), vl(gh, x0 + j)));
      const z = vsigmoid(f32x4.add(vl(gi, x0 + H + j), vl(gh, x0 + H + j)));
      const ghn = vl(gh, x0 + 2 * H + j);
      const n = vtanh(f32x4.add(vl(gi, x0 + 2 * H + j), f32x4.mul(r, ghn)));
      const hv = vl(hp, b * hRow + j);
      vs(out, b * H + j, f32x4.add(n, f32x4.mul(z, f32x4.sub(hv, n))));
      vs(act, a0 + j, r);
      vs(act, a0 + H + j, z);
      vs(act, a0 + 2 * H + j, n);
      vs(act, a0 + 3 * H + j, ghn);
    }
    for (let j = H4; j < H; j++) {
      const r = ssigmoid(ld(gi, x0 + j) + ld(gh, x0 + j));
      const z = ssigmoid(ld(gi, x0 + H + j) + ld(gh, x0 + H + j));
      const ghn = ld(gh, x0 + 2 * H + j);
      const n = stanh(ld(gi, x0 + 2 * H + j) + r * ghn);
      const hv = ld(hp, b * hRow + j);
      st(out, b * H + j, n + z * (hv - n));
      st(act, a0 + j, r);
      st(act, a0 + H + j, z);
      st(act, a0 + 2 * H + j, n);
      st(act, a0 + 3 * H + j, ghn);
    }
  }
}

export function gruCellBackward(B: i32, H: i32, act: usize, hp: usize, hRow: i32, dout: usize, dgi: usize, dgh: usize, dh: usize): void {
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      const a = b * 4 * H + j;
      const r = ld(act, a), z = ld(act, a + H), n = ld(act, a + 2 * H), ghn = ld(act, a + 3 * H);
      const d = ld(dout, b * H + j);
      const hv = ld(hp, b * hRow + j);
      const dnPre = d * (1 - z) * (1 - n * n);
      const drPre = dnPre * ghn * r * (1 - r);
      const dzPre = d * (hv - n) * z * (1 - z);
      const i0 = b * 3 * H + j;
      st(dgi, i0, drPre);
      st(dgi, i0 + H, dzPre);
      st(dgi, i0 + 2 * H, dnPre);
      st(dgh, i0, drPre);
      st(dgh, i0 + H, dzPre);
      st(dgh, i0 + 2 * H, dnPre * r);
      st(dh, b * H + j, d * z);
    }
  }
}

/**
 * A whole recurrent layer direction without gradients (inference): for each step the hidden
 * projection gh = W_hh·h (+ bias_hh for GRU) and the cell update, all inside one call.
 * mode: 0 tanh, 1 relu, 2 LSTM, 3 GRU. gi (T, B, G·H) input projections (with the biases,
 * except GRU's bias_hh); whh (G·H, H) row-major; h0 (B, H); c (B, H) LSTM cell state, updated in
 * place; out (T, B, H); gh scratch (B, G·H). reverse runs t = T−1 … 0.
 */
export function rnnSequence(mode: i32, T: i32, B: i32, H: i32, reverse: i32, gi: usize, whh: usize, bhh: usize, h0: usize, c: usize, out: usize, gh: usize): void {
  const G = mode == 2 ? 4 : mode == 3 ? 3 : 1;
  const GH = G * H;
  let prev = h0;
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const x = gi + <usize>(t * B * GH) * 4;
    const o = out + <usize>(t * B * H) * 4;
    for (let b = 0; b < B; b++) dotRow(GH, H, prev + <usize>(b * H) * 4, whh, H, gh + <usize>(b * GH) * 4, 1, false);
    for (let b = 0; b < B; b++) {
      const xb = b * GH;
      const H4 = H & ~3;
      for (let j = 0; j < H4; j += 4) {
        let hv: v128;
        if (mode == 3) {
          const zero = f32x4.splat(0);
          const br = bhh ? vl(bhh, j) : zero, bz = bhh ? vl(bhh, H + j) : zero, bn = bhh ? vl(bhh, 2 * H + j) : zero;
          const r = vsigmoid(f32x4.add(f32x4.add(vl(x, xb + j), vl(gh, xb + j)), br));
          const z = vsigmoid(f32x4.add(f32x4.add(vl(x, xb + H + j), vl(gh, xb + H + j)), bz));
          const n = vtanh(f32x4.add(vl(x, xb + 2 * H + j), f32x4.mul(r, f32x4.add(vl(gh, xb + 2 * H + j), bn))));
          const hp = vl(prev, b * H + j);
          hv = f32x4.add(n, f32x4.mul(z, f32x4.sub(hp, n)));
        } else if (mode == 2) {
          const i = vsigmoid(f32x4.add(vl(x, xb + j), vl(gh, xb + j)));
          const f = vsigmoid(f32x4.add(vl(x, xb + H + j), vl(gh, xb + H + j)));
          const g = vtanh(f32x4.add(vl(x, xb + 2 * H + j), vl(gh, xb + 2 * H + j)));
          const og = vsigmoid(f32x4.add(vl(x, xb + 3 * H + j), vl(gh, xb + 3 * H + j)));
          const c2 = f32x4.add(f32x4.mul(f, vl(c, b * H + j)), f32x4.mul(i, g));
          vs(c, b * H + j, c2);
          hv = f32x4.mul(og, vtanh(c2));
        } else {
          const p = f32x4.add(vl(x, xb + j), vl(gh, xb + j));
          hv = mode == 0 ? vtanh(p) : f32x4.pmax(p, f32x4.splat(0));
        }
        vs(o, b * H + j, hv);
      }
      for (let j = H4; j < H; j++) {
        let hv: f32;
        if (mode == 3) {
          const bb: f32 = bhh ? ld(bhh, j) : 0, bz: f32 = bhh ? ld(bhh, H + j) : 0, bn: f32 = bhh ? ld(bhh, 2 * H + j) : 0;
          const r = ssigmoid(ld(x, xb + j) + ld(gh, xb + j) + bb);
          const z = ssigmoid(ld(x, xb + H + j) + ld(gh, xb + H + j) + bz);
          const n = stanh(ld(x, xb + 2 * H + j) + r * (ld(gh, xb + 2 * H + j) + bn));
          const hp = ld(prev, b * H + j);
          hv = n + z * (hp - n);
        } else if (mode == 2) {
          const i = ssigmoid(ld(x, xb + j) + ld(gh, xb + j));
          const f = ssigmoid(ld(x, xb + H + j) + ld(gh, xb + H + j));
          const g = stanh(ld(x, xb + 2 * H + j) + ld(gh, xb + 2 * H + j));
          const og = ssigmoid(ld(x, xb + 3 * H + j) + ld(gh, xb + 3 * H + j));
          const c2 = f * ld(c, b * H + j) + i * g;
          st(c, b * H + j, c2);
          hv = og * stanh(c2);
        } else {
          const p = ld(x, xb + j) + ld(gh, xb + j);
          hv = mode == 0 ? stanh(p) : max<f32>(p, 0);
        }
        st(o, b * H + j, hv);
      }
    }
    prev = o;
  }
}
