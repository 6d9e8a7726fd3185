// Fused recurrent cells: one kernel per step instead of a dozen elementwise ops, with the
// backward beside it (the gate activations are saved). Used by nn's LSTM and GRU.
// gates: (B, 4H) pre-activations i, f, g, o;  gi, gh: (B, 3H) projections r, z, n.

import { ShapeError } from '../errors.js';
import { backend } from '../kernels/registry.js';
import { record } from '../autograd/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/shape.js';
import { contiguousData, requireFloat } from './util.js';
import { slice } from './movement.js';

/** A (B, H) operand as (offset, row stride), copying only when its rows are not contiguous. */
function rows(t: Tensor): { src: Tensor; row: number } {
  if (t.ndim === 2 && t.strides[1] === 1) return { src: t, row: t.strides[0]! };
  const c = contiguousData(t);
  return { src: c, row: t.shape[1]! };
}

/** LSTM step: returns [h', c'] from the gate pre-activations and the previous cell state. */
export function lstmCell(gates: Tensor, c: Tensor): [Tensor, Tensor] {
  requireFloat(gates, 'lstmCell');
  const B = gates.shape[0]!;
  const H = c.shape[1]!;
  if (gates.ndim !== 2 || c.ndim !== 2 || gates.shape[1] !== 4 * H || c.shape[0] !== B || c.dtype !== gates.dtype) {
    throw new ShapeError(`lstmCell: gates ${fmtShape(gates.shape)} must be (B, 4H) for c ${fmtShape(c.shape)} (B, H), same dtype`);
  }
  const g = contiguousData(gates);
  const { src: cs, row } = rows(c);
  const out = Tensor.empty([B, 2 * H], g.dtype);
  const act = Tensor.empty([B, 5 * H], g.dtype);
  backend().lstmCell(g.dtype, B, H, g.offset, cs.offset, row, out.offset, act.offset);
  const both = record('lstmCell', out, [gates, c], (gout) => {
    const d = contiguousData(gout);
    const dg = Tensor.empty([B, 4 * H], g.dtype);
    const dc = Tensor.empty([B, H], g.dtype);
    backend().lstmCellBackward(g.dtype, B, H, act.offset, cs.offset, row, d.offset, dg.offset, dc.offset);
    if (d !== gout) d.dispose();
    return [dg, dc];
  }, [cs]);
  if (!both.requiresGrad) act.dispose();
  return [slice(both, 1, 0, H), slice(both, 1, H, 2 * H)];
}

/** GRU step: h' = (1 − z)·n + z·h with r, z, n from the input and hidden projections. */
export function gruCell(gi: Tensor, gh: Tensor, h: Tensor): Tensor {
  requireFloat(gi, 'gruCell');
  const B = gi.shape[0]!;
  const H = h.shape[1]!;
  if (gi.ndim !== 2 || gh.ndim !== 2 || h.ndim !== 2 || gi.shape[1] !== 3 * H || gh.shape[1] !== 3 * H || gh.shape[0] !== B || h.shape[0] !== B) {
    throw new ShapeError(`gruCell: gi ${fmtShape(gi.shape)} and gh ${fmtShape(gh.shape)} must be (B, 3H) for h ${fmtShape(h.shape)} (B, H)`);
  }
  const a = contiguousData(gi);
  const b = contiguousData(gh);
  const { src: hs, row } = rows(h);
  const out = Tensor.empty([B, H], a.dtype);
  const act = Tensor.empty([B, 4 * H], a.dtype);
  backend().gruCell(a.dtype, B, H, a.offset, b.offset, hs.offset, row, out.offset, act.offset);
  const y = record('gruCell', out, [gi, gh, h], (gout) => {
    const d = contiguousData(gout);
    const dgi = Tensor.empty([B, 3 * H], a.dtype);
    const dgh = Tensor.empty([B, 3 * H], a.dtype);
    const dh = Tensor.empty([B, H], a.dtype);
    backend().gruCellBackward(a.dtype, B, H, act.offset, hs.offset, row, d.offset, dgi.offset, dgh.offset, dh.offset);
    if (d !== gout) d.dispose();
    return [dgi, dgh, dh];
  }, [hs]);
  if (!y.requiresGrad) act.dispose();
  return y;
}

export type RecurrentMode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';
const MODE_CODE: Record<RecurrentMode, number> = { RNN_TANH: 0, RNN_RELU: 1, LSTM: 2, GRU: 3 };

/**
 * A whole layer direction in one kernel, for inference (no tape is recorded: call it only when
 * no input needs a gradient). gi (T, B, G·H) input projections holding the biases (GRU: bias_ih
 * only), whh (G·H, H), bhh GRU's bias_hh, h0 and c0 (B, H). Returns out (T, B, H), the final h
 * and (LSTM) c. Saves the per-step op dispatch that dominates batch-1 decoding latency.
 */
export function rnnSequence(mode: RecurrentMode, gi: Tensor, whh: Tensor, bhh: Tensor | null, h0: Tensor, c0: Tensor | null, reverse: boolean): { out: Tensor; h: Tensor; c: Tensor | null } {
  requireFloat(gi, 'rnnSequence');
  const [T, B] = gi.shape as [number, number];
  const H = h0.shape[1]!;
  const G = mode === 'LSTM' ? 4 : mode === 'GRU' ? 3 : 1;
  if (gi.ndim !== 3 || gi.shape[2] !== G * H || whh.ndim !== 2 || whh.shape[0] !== G * H || whh.shape[1] !== H || h0.ndim !== 2 || h0.shape[0] !== B) {
    throw new ShapeError(`rnnSequence: gi ${fmtShape(gi.shape)}, whh ${fmtShape(whh.shape)}, h0 ${fmtShape(h0.shape)} do not fit (T, B, ${G}·H), (${G}·H, H), (B, H)`);
  }
  const g = contiguousData(gi);
  const w = contiguousData(whh);
  const b = bhh ? contiguousData(bhh) : null;
  const h = contiguousData(h0);
  const c = mode === 'LSTM' ? (c0 ? c0.clone() : Tensor.empty([B, H], g.dtype).fill_(0)) : null;
  const out = Tensor.empty([T, B, H], g.dtype);
  backend().rnnSequence(g.dtype, MODE_CODE[mode], T, B, H, reverse, g.offset, w.offset, b ? b.offset : 0, h.offset, c ? c.offset : 0, out.offset);
  for (const [t, src] of [[g, gi], [w, whh], [b, bhh], [h, h0]] as const) if (t && t !== src) t.dispose();
  return { out, h: out.select(0, reverse ? 0 : T - 1), c };
}
