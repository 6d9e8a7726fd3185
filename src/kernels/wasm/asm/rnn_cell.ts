// LSTM and GRU cells in float32 (see src/kernels/js/rnn_cell.ts for the layout and formulas).

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
