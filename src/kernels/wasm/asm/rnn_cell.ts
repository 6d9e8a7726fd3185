// LSTM and GRU cells in float32 (see src/kernels/js/rnn_cell.ts for the layout and formulas).
import { dotRow } from './gemm';

// @ts-ignore: decorator
@inline function sig(x: f32): f32 {
  return x >= 0 ? 1 / (1 + Mathf.exp(-x)) : Mathf.exp(x) / (1 + Mathf.exp(x));
}

// @ts-ignore: decorator
@inline function ld(p: usize, i: i32): f32 {
  return load<f32>(p + <usize>i * 4);
}

// @ts-ignore: decorator
@inline function st(p: usize, i: i32, v: f32): void {
  store<f32>(p + <usize>i * 4, v);
}

export function lstmCell(B: i32, H: i32, gates: usize, c: usize, cRow: i32, out: usize, act: usize): void {
  for (let b = 0; b < B; b++) {
    const g0 = b * 4 * H;
    for (let j = 0; j < H; j++) {
      const i = sig(ld(gates, g0 + j));
      const f = sig(ld(gates, g0 + H + j));
      const g = Mathf.tanh(ld(gates, g0 + 2 * H + j));
      const o = sig(ld(gates, g0 + 3 * H + j));
      const c2 = f * ld(c, b * cRow + j) + i * g;
      const tc = Mathf.tanh(c2);
      st(out, b * 2 * H + j, o * tc);
      st(out, b * 2 * H + H + j, c2);
      const a = b * 5 * H + j;
      st(act, a, i);
      st(act, a + H, f);
      st(act, a + 2 * H, g);
      st(act, a + 3 * H, o);
      st(act, a + 4 * H, tc);
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
  for (let b = 0; b < B; b++) {
    const x0 = b * 3 * H;
    for (let j = 0; j < H; j++) {
      const r = sig(ld(gi, x0 + j) + ld(gh, x0 + j));
      const z = sig(ld(gi, x0 + H + j) + ld(gh, x0 + H + j));
      const ghn = ld(gh, x0 + 2 * H + j);
      const n = Mathf.tanh(ld(gi, x0 + 2 * H + j) + r * ghn);
      const hv = ld(hp, b * hRow + j);
      st(out, b * H + j, n + z * (hv - n));
      const a = b * 4 * H + j;
      st(act, a, r);
      st(act, a + H, z);
      st(act, a + 2 * H, n);
      st(act, a + 3 * H, ghn);
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
      for (let j = 0; j < H; j++) {
        let hv: f32;
        if (mode == 3) {
          const bb: f32 = bhh ? ld(bhh, j) : 0, bz: f32 = bhh ? ld(bhh, H + j) : 0, bn: f32 = bhh ? ld(bhh, 2 * H + j) : 0;
          const r = sig(ld(x, xb + j) + ld(gh, xb + j) + bb);
          const z = sig(ld(x, xb + H + j) + ld(gh, xb + H + j) + bz);
          const n = Mathf.tanh(ld(x, xb + 2 * H + j) + r * (ld(gh, xb + 2 * H + j) + bn));
          const hp = ld(prev, b * H + j);
          hv = n + z * (hp - n);
        } else if (mode == 2) {
          const i = sig(ld(x, xb + j) + ld(gh, xb + j));
          const f = sig(ld(x, xb + H + j) + ld(gh, xb + H + j));
          const g = Mathf.tanh(ld(x, xb + 2 * H + j) + ld(gh, xb + 2 * H + j));
          const og = sig(ld(x, xb + 3 * H + j) + ld(gh, xb + 3 * H + j));
          const c2 = f * ld(c, b * H + j) + i * g;
          st(c, b * H + j, c2);
          hv = og * Mathf.tanh(c2);
        } else {
          const p = ld(x, xb + j) + ld(gh, xb + j);
          hv = mode == 0 ? Mathf.tanh(p) : max<f32>(p, 0);
        }
        st(o, b * H + j, hv);
      }
    }
    prev = o;
  }
}
