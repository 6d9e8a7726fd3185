// LSTM and GRU cells and the inference sequence from the core. A cell's rows interleave its
// gates ((B, 4H): i, f, g, o per row); the compositions copy them into gate-major blocks
// (4, B, H), where each gate is one contiguous run for the unary maps, and copy back.

import type { BinaryOp, CoreBackend, FusedKernels, Strided, UnaryOp } from '../backend.js';
import type { DType, Heap } from '../heap.js';
import { withScratch } from './scratch.js';

/** Operations over (B, H) blocks of one call. */
function bh(b: CoreBackend, dt: DType, B: number, H: number) {
  const shape = [B, H];
  const n = B * H;
  return {
    /** A gate-major block's k-th gate, or any (B, H) block with row stride `row`. */
    at: (off: number, row = H): Strided => ({ off, strides: [row, 1] }),
    bin(op: BinaryOp, a: Strided, c: Strided, dst: number): void {
      b.binary(op, dt, dt, shape, a, c, dst);
    },
    un(op: UnaryOp, src: number, dst: number, gates = 1, p0 = 0): void {
      b.unary(op, dt, src, dst, gates * n, p0);
    },
    /** (B, G·H) rows (row stride `row`) → gate-major (G, B, H), or back with `back`. */
    regroup(G: number, rows: number, row: number, major: number, back = false): void {
      const r = { off: rows, strides: [H, row, 1] };
      const m = { off: major, strides: [n, H, 1] };
      if (back) b.copy(dt, dt, [G, B, H], m, r);
      else b.copy(dt, dt, [G, B, H], r, m);
    },
  };
}

export function lstmCell(b: CoreBackend, h: Heap, dt: DType, B: number, H: number, gates: number, c: number, cRow: number, out: number, act: number): void {
  const n = B * H;
  if (n === 0) return;
  const o = bh(b, dt, B, H);
  withScratch(h, dt, (s) => {
    // A (5, B, H) = [σi, σf, tanh g, σo, tanh c']
    const A = s.take(5 * n);
    const g = (k: number) => A + k * n;
    o.regroup(4, gates, 4 * H, A);
    o.un('sigmoid', g(0), g(0), 2);
    o.un('tanh', g(2), g(2));
    o.un('sigmoid', g(3), g(3));
    const c2 = s.take(n);
    const t = s.take(n);
    o.bin('mul', o.at(g(1)), o.at(c, cRow), c2);
    o.bin('mul', o.at(g(0)), o.at(g(2)), t);
    o.bin('add', o.at(c2), o.at(t), c2);
    o.un('tanh', c2, g(4));
    o.bin('mul', o.at(g(3)), o.at(g(4)), t);
    b.copy(dt, dt, [B, H], o.at(t), o.at(out, 2 * H));
    b.copy(dt, dt, [B, H], o.at(c2), o.at(out + H, 2 * H));
    o.regroup(5, act, 5 * H, A, true);
  });
}

export function lstmCellBackward(b: CoreBackend, h: Heap, dt: DType, B: number, H: number, act: number, c: number, cRow: number, dout: number, dgates: number, dc: number): void {
  const n = B * H;
  if (n === 0) return;
  const o = bh(b, dt, B, H);
  withScratch(h, dt, (s) => {
    const A = s.take(5 * n);
    const a = (k: number) => o.at(A + k * n);
    o.regroup(5, act, 5 * H, A);
    const dh = o.at(dout, 2 * H);
    // dcs = dc' + dh·o·(1 − tanh² c')
    const dcs = s.take(n);
    o.un('square', A + 4 * n, dcs);
    o.un('rsubScalar', dcs, dcs, 1, 1);
    o.bin('mul', o.at(dcs), a(3), dcs);
    o.bin('mul', o.at(dcs), dh, dcs);
    o.bin('add', o.at(dcs), o.at(dout + H, 2 * H), dcs);
    const D = s.take(4 * n);
    const d = (k: number) => D + k * n;
    /** D[k] = x·(1 − x) or 1 − x², times y and z. */
    const term = (k: number, x: number, y: Strided, z: Strided, tanh: boolean): void => {
      if (tanh) {
        o.un('square', A + x * n, d(k));
        o.un('rsubScalar', d(k), d(k), 1, 1);
      } else {
        o.un('rsubScalar', A + x * n, d(k), 1, 1);
        o.bin('mul', o.at(d(k)), a(x), d(k));
      }
      o.bin('mul', o.at(d(k)), y, d(k));
      o.bin('mul', o.at(d(k)), z, d(k));
    };
    term(0, 0, o.at(dcs), a(2), false); // di = dcs·g·σ'(i)
    term(1, 1, o.at(dcs), o.at(c, cRow), false); // df = dcs·c·σ'(f)
    term(2, 2, o.at(dcs), a(0), true); // dg = dcs·i·(1 − g²)
    term(3, 3, dh, a(4), false); // do = dh·tanh c'·σ'(o)
    o.bin('mul', o.at(dcs), a(1), dc);
    o.regroup(4, dgates, 4 * H, D, true);
  });
}

export function gruCell(b: CoreBackend, h: Heap, dt: DType, B: number, H: number, gi: number, gh: number, hp: number, hRow: number, out: number, act: number): void {
  const n = B * H;
  if (n === 0) return;
  const o = bh(b, dt, B, H);
  withScratch(h, dt, (s) => {
    // S (4, B, H) = [r, z, n, gh_n]
    const S = s.take(4 * n);
    const k = (j: number) => S + j * n;
    o.bin('add', o.at(gi, 3 * H), o.at(gh, 3 * H), k(0));
    o.bin('add', o.at(gi + H, 3 * H), o.at(gh + H, 3 * H), k(1));
    o.un('sigmoid', k(0), k(0), 2);
    b.copy(dt, dt, [B, H], o.at(gh + 2 * H, 3 * H), o.at(k(3)));
    o.bin('mul', o.at(k(0)), o.at(k(3)), k(2));
    o.bin('add', o.at(k(2)), o.at(gi + 2 * H, 3 * H), k(2));
    o.un('tanh', k(2), k(2));
    // h' = n + z·(h − n)
    const t = s.take(n);
    o.bin('sub', o.at(hp, hRow), o.at(k(2)), t);
    o.bin('mul', o.at(t), o.at(k(1)), t);
    o.bin('add', o.at(t), o.at(k(2)), out);
    o.regroup(4, act, 4 * H, S, true);
  });
}

export function gruCellBackward(b: CoreBackend, h: Heap, dt: DType, B: number, H: number, act: number, hp: number, hRow: number, dout: number, dgi: number, dgh: number, dh: number): void {
  const n = B * H;
  if (n === 0) return;
  const o = bh(b, dt, B, H);
  withScratch(h, dt, (s) => {
    const A = s.take(4 * n);
    const a = (j: number) => o.at(A + j * n);
    o.regroup(4, act, 4 * H, A);
    const d = o.at(dout);
    // D (3, B, H) = [dr, dz, dn] pre-activation
    const D = s.take(3 * n);
    const q = (j: number) => D + j * n;
    const t = s.take(n);
    o.un('square', A + 2 * n, q(2));
    o.un('rsubScalar', q(2), q(2), 1, 1);
    o.un('rsubScalar', A + n, t, 1, 1);
    o.bin('mul', o.at(q(2)), o.at(t), q(2));
    o.bin('mul', o.at(q(2)), d, q(2)); // dn = d·(1 − z)·(1 − n²)
    o.un('rsubScalar', A, q(0), 1, 1);
    o.bin('mul', o.at(q(0)), a(0), q(0));
    o.bin('mul', o.at(q(0)), a(3), q(0));
    o.bin('mul', o.at(q(0)), o.at(q(2)), q(0)); // dr = dn·gh_n·r·(1 − r)
    o.bin('sub', o.at(hp, hRow), a(2), q(1));
    o.bin('mul', o.at(q(1)), a(1), q(1));
    o.bin('mul', o.at(q(1)), o.at(t), q(1));
    o.bin('mul', o.at(q(1)), d, q(1)); // dz = d·(h − n)·z·(1 − z)
    o.bin('mul', d, a(1), dh);
    o.regroup(3, dgi, 3 * H, D, true);
    o.bin('mul', o.at(q(2)), a(0), q(2)); // gh's share of dn passes through r
    o.regroup(3, dgh, 3 * H, D, true);
  });
}

/** A recurrent direction without gradients (Backend.rnnSequence): per step W_hh·h by the core's GEMM, then the cell. */
export function rnnSequence(
  b: CoreBackend & Pick<FusedKernels, 'lstmCell' | 'gruCell'>, h: Heap, dt: DType, mode: number, T: number, B: number, H: number, reverse: boolean,
  gi: number, whh: number, bhh: number, h0: number, c: number, out: number,
): void {
  const G = mode === 2 ? 4 : mode === 3 ? 3 : 1;
  const GH = G * H;
  if (T * B * H === 0) return;
  withScratch(h, dt, (s) => {
    const gh = s.take(B * GH);
    const act = s.take(B * (G + 1) * H);
    const cell = mode === 2 ? s.take(2 * B * H) : 0;
    const flat = (off: number, m: number) => ({ off, strides: [m, 1] });
    let prev = h0;
    for (let step = 0; step < T; step++) {
      const t = reverse ? T - 1 - step : step;
      const x = gi + t * B * GH;
      const o = out + t * B * H;
      // gh (B, G·H) = h (B, H) · W_hhᵀ
      b.matmul(dt, 1, B, GH, H, { off: prev, sb: 0, sr: H, sc: 1 }, { off: whh, sb: 0, sr: 1, sc: H }, { off: gh, sb: 0, sr: GH, sc: 1 }, 0);
      if (mode === 3) {
        if (bhh) b.binary('add', dt, dt, [B, GH], flat(gh, GH), { off: bhh, strides: [0, 1] }, gh);
        b.gruCell(dt, B, H, x, gh, prev, H, o, act);
      } else {
        b.binary('add', dt, dt, [B, GH], flat(x, GH), flat(gh, GH), gh);
        if (mode === 2) {
          b.lstmCell(dt, B, H, gh, c, H, cell, act);
          b.copy(dt, dt, [B, H], flat(cell, 2 * H), flat(o, H));
          b.copy(dt, dt, [B, H], flat(cell + H, 2 * H), flat(c, H));
        } else b.unary(mode === 0 ? 'tanh' : 'relu', dt, gh, o, B * H);
      }
      prev = o;
    }
  });
}
