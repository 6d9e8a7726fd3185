// 3-D pooling over (N, C, D, H, W) or (C, D, H, W). A box max or box mean is separable: the
// (H, W) window runs as the 2-D kernel on every depth slice, then the depth window runs as a
// 1-D pool along D. Each pass keeps its own backward (argmax indices, mean scatter), so the
// composition's gradient is the 3-D one; every padding/ceil/divisor rule of PyTorch is a product
// of per-axis rules, so the composition equals F.max_pool3d / F.avg_pool3d.

import { ShapeError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/shape.js';
import { avgPool1d, avgPool2d, maxPool1d, maxPool2d } from './pool.js';
import { contiguous, permute, reshape } from './movement.js';
import { requireFloat } from './util.js';
import { triple, type Triple } from './conv3d.js';

export type { Triple };


export interface Pool3dOptions {
  stride?: Triple | null;
  padding?: Triple;
  dilation?: Triple;
  ceilMode?: boolean;
}

export interface AvgPool3dOptions extends Omit<Pool3dOptions, 'dilation'> {
  countIncludePad?: boolean;
}


type Pass1 = (x: Tensor, k: number, o: { stride: number; padding: number; dilation: number; ceilMode: boolean; countIncludePad: boolean }) => Tensor;
type Pass2 = (x: Tensor, k: [number, number], o: { stride: [number, number]; padding: [number, number]; dilation: [number, number]; ceilMode: boolean; countIncludePad: boolean }) => Tensor;

function pool3d(input: Tensor, kernel: Triple, o: Pool3dOptions & { countIncludePad?: boolean }, op: string, hw: Pass2, d: Pass1): Tensor {
  if (input.ndim !== 5 && input.ndim !== 4) throw new ShapeError(`${op}: expected (N, C, D, H, W) or (C, D, H, W), got ${fmtShape(input.shape)}`);
  requireFloat(input, op);
  const k = triple(kernel, 'kernel_size', op, 1);
  const s = triple(o.stride ?? kernel, 'stride', op, 1);
  const p = triple(o.padding ?? 0, 'padding', op, 0);
  const dl = triple(o.dilation ?? 1, 'dilation', op, 1);
  const ceilMode = o.ceilMode ?? false;
  const countIncludePad = o.countIncludePad ?? true;
  const lead = input.shape.slice(0, -3);
  const [D, H, W] = input.shape.slice(-3) as [number, number, number];
  const planes = lead.reduce((a, b) => a * b, 1);
  // (planes·D, H, W) → pool the (H, W) window on every depth slice
  const y2 = hw(reshape(input, [planes * D, H, W]), [k[1], k[2]], {
    stride: [s[1], s[2]], padding: [p[1], p[2]], dilation: [dl[1], dl[2]], ceilMode, countIncludePad,
  });
  const OH = y2.shape[1]!;
  const OW = y2.shape[2]!;
  // (planes, D, OH·OW) → (planes, OH·OW, D): the depth window runs along the last axis
  const t = contiguous(permute(reshape(y2, [planes, D, OH * OW]), [0, 2, 1]));
  const y1 = d(reshape(t, [planes * OH * OW, 1, D]), k[0], { stride: s[0], padding: p[0], dilation: dl[0], ceilMode, countIncludePad });
  const OD = y1.shape[2]!;
  const back = contiguous(permute(reshape(y1, [planes, OH * OW, OD]), [0, 2, 1]));
  return reshape(back, [...lead, OD, OH, OW]);
}

/** F.max_pool3d (without return_indices). */
export function maxPool3d(input: Tensor, kernel: Triple, opts: Pool3dOptions = {}): Tensor {
  return pool3d(input, kernel, opts, 'maxPool3d',
    (x, k, o) => maxPool2d(x, k, { stride: o.stride, padding: o.padding, dilation: o.dilation, ceilMode: o.ceilMode }),
    (x, k, o) => maxPool1d(x, k, { stride: o.stride, padding: o.padding, dilation: o.dilation, ceilMode: o.ceilMode }));
}

/** F.avg_pool3d (without divisor_override). */
export function avgPool3d(input: Tensor, kernel: Triple, opts: AvgPool3dOptions = {}): Tensor {
  return pool3d(input, kernel, { ...opts, dilation: 1 }, 'avgPool3d',
    (x, k, o) => avgPool2d(x, k, { stride: o.stride, padding: o.padding, ceilMode: o.ceilMode, countIncludePad: o.countIncludePad }),
    (x, k, o) => avgPool1d(x, k, { stride: o.stride, padding: o.padding, ceilMode: o.ceilMode, countIncludePad: o.countIncludePad }));
}
