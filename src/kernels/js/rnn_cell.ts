// Reference LSTM and GRU cell kernels (forward and backward), float64 math.

import type { Heap, DType } from '../heap.js';

const sig = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

export function lstmCell(h: Heap, dt: DType, B: number, H: number, gates: number, c: number, cRow: number, out: number, act: number): void {
  const V = h.view(dt);
  for (let b = 0; b < B; b++) {
    const g0 = gates + b * 4 * H;
    for (let j = 0; j < H; j++) {
      const i = sig(V[g0 + j]!);
      const f = sig(V[g0 + H + j]!);
      const g = Math.tanh(V[g0 + 2 * H + j]!);
      const o = sig(V[g0 + 3 * H + j]!);
      const c2 = f * V[c + b * cRow + j]! + i * g;
      const tc = Math.tanh(c2);
      V[out + b * 2 * H + j] = o * tc;
      V[out + b * 2 * H + H + j] = c2;
      const a = act + b * 5 * H + j;
      V[a] = i;
      V[a + H] = f;
      V[a + 2 * H] = g;
      V[a + 3 * H] = o;
      V[a + 4 * H] = tc;
    }
  }
}

export function lstmCellBackward(h: Heap, dt: DType, B: number, H: number, act: number, c: number, cRow: number, dout: number, dgates: number, dc: number): void {
  const V = h.view(dt);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      const a = act + b * 5 * H + j;
      const i = V[a]!, f = V[a + H]!, g = V[a + 2 * H]!, o = V[a + 3 * H]!, tc = V[a + 4 * H]!;
      const dh = V[dout + b * 2 * H + j]!;
      const dcs = V[dout + b * 2 * H + H + j]! + dh * o * (1 - tc * tc);
      const d0 = dgates + b * 4 * H + j;
      V[d0] = dcs * g * i * (1 - i);
      V[d0 + H] = dcs * V[c + b * cRow + j]! * f * (1 - f);
      V[d0 + 2 * H] = dcs * i * (1 - g * g);
      V[d0 + 3 * H] = dh * tc * o * (1 - o);
      V[dc + b * H + j] = dcs * f;
    }
  }
}

export function gruCell(h: Heap, dt: DType, B: number, H: number, gi: number, gh: number, hp: number, hRow: number, out: number, act: number): void {
  const V = h.view(dt);
  for (let b = 0; b < B; b++) {
    const x0 = gi + b * 3 * H;
    const h0 = gh + b * 3 * H;
    for (let j = 0; j < H; j++) {
      const r = sig(V[x0 + j]! + V[h0 + j]!);
      const z = sig(V[x0 + H + j]! + V[h0 + H + j]!);
      const ghn = V[h0 + 2 * H + j]!;
      const n = Math.tanh(V[x0 + 2 * H + j]! + r * ghn);
      const hv = V[hp + b * hRow + j]!;
      V[out + b * H + j] = n + z * (hv - n);
      const a = act + b * 4 * H + j;
      V[a] = r;
      V[a + H] = z;
      V[a + 2 * H] = n;
      V[a + 3 * H] = ghn;
    }
  }
}

export function gruCellBackward(h: Heap, dt: DType, B: number, H: number, act: number, hp: number, hRow: number, dout: number, dgi: number, dgh: number, dh: number): void {
  const V = h.view(dt);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      const a = act + b * 4 * H + j;
      const r = V[a]!, z = V[a + H]!, n = V[a + 2 * H]!, ghn = V[a + 3 * H]!;
      const d = V[dout + b * H + j]!;
      const hv = V[hp + b * hRow + j]!;
      const dnPre = d * (1 - z) * (1 - n * n);
      const drPre = dnPre * ghn * r * (1 - r);
      const dzPre = d * (hv - n) * z * (1 - z);
      const i0 = dgi + b * 3 * H + j;
      const k0 = dgh + b * 3 * H + j;
      V[i0] = drPre;
      V[i0 + H] = dzPre;
      V[i0 + 2 * H] = dnPre;
      V[k0] = drPre;
      V[k0 + H] = dzPre;
      V[k0 + 2 * H] = dnPre * r;
      V[dh + b * H + j] = d * z;
    }
  }
}

/**
 * A recurrent layer direction without gradients (see Backend.rnnSequence): per step
 * gh = W_hh·h (+ bias_hh for GRU, mode 3), then the cell. Offsets in elements; bhh 0 = none.
 */
export function rnnSequence(h: Heap, dt: DType, mode: number, T: number, B: number, H: number, reverse: boolean, gi: number, whh: number, bhh: number, h0: number, c: number, out: number): void {
  const V = h.view(dt);
  const G = mode === 2 ? 4 : mode === 3 ? 3 : 1;
  const GH = G * H;
  const gh = new Float64Array(B * GH);
  let prev = h0;
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const x = gi + t * B * GH;
    const o = out + t * B * H;
    for (let b = 0; b < B; b++) {
      for (let r = 0; r < GH; r++) {
        let acc = 0;
        for (let k = 0; k < H; k++) acc += V[whh + r * H + k]! * V[prev + b * H + k]!;
        gh[b * GH + r] = acc;
      }
    }
    for (let b = 0; b < B; b++) {
      const xb = b * GH;
      for (let j = 0; j < H; j++) {
        let hv: number;
        if (mode === 3) {
          const bias = (q: number) => (bhh ? V[bhh + q * H + j]! : 0);
          const r = sig(V[x + xb + j]! + gh[xb + j]! + bias(0));
          const z = sig(V[x + xb + H + j]! + gh[xb + H + j]! + bias(1));
          const n = Math.tanh(V[x + xb + 2 * H + j]! + r * (gh[xb + 2 * H + j]! + bias(2)));
          const hp = V[prev + b * H + j]!;
          hv = n + z * (hp - n);
        } else if (mode === 2) {
          const i = sig(V[x + xb + j]! + gh[xb + j]!);
          const f = sig(V[x + xb + H + j]! + gh[xb + H + j]!);
          const g = Math.tanh(V[x + xb + 2 * H + j]! + gh[xb + 2 * H + j]!);
          const og = sig(V[x + xb + 3 * H + j]! + gh[xb + 3 * H + j]!);
          const c2 = f * V[c + b * H + j]! + i * g;
          V[c + b * H + j] = c2;
          hv = og * Math.tanh(c2);
        } else {
          const p = V[x + xb + j]! + gh[xb + j]!;
          hv = mode === 0 ? Math.tanh(p) : Math.max(p, 0);
        }
        V[o + b * H + j] = hv;
      }
    }
    prev = o;
  }
}
