// Occlusion (Zeiler & Fergus 2014) as Captum's Occlusion: a window slides over each example
// (positions 0, s, 2s, ... until it reaches the end; the last one may hang over the edge and is
// cut there), the covered values are replaced by the baseline, and every covered value is
// credited y(x) − y(occluded); a value's attribution is the mean over the windows covering it.
// x: (B, ...) → attributions (B, ...)

import { ArgumentError, ShapeError } from '../../errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { tensor } from '../../tensor/creation.js';
import { fmtShape } from '../../tensor/shape.js';
import type { AnyModule } from '../../nn/module.js';
import { baselineValues, inputValues, positiveInt, targetIndices, targetScore, type Target } from './target.js';

export interface OcclusionOptions {
  target: Target;
  /** Window over one example's dimensions (all but the batch). */
  slidingWindowShapes: readonly number[];
  /** Step per dimension (a number for all; default 1). */
  strides?: number | readonly number[];
  baseline?: number | Tensor;
  /** Occluded copies per forward pass (Captum's perturbations_per_eval; default 16). */
  perturbationsPerEval?: number;
}

export function occlusion(model: AnyModule, x: Tensor, opts: OcclusionOptions): Tensor {
  const op = 'occlusion';
  const v = inputValues(op, x);
  const dims = x.shape.slice(1), nd = dims.length;
  const win = opts.slidingWindowShapes;
  if (win.length !== nd) throw new ShapeError(`${op}: slidingWindowShapes ${fmtShape(win)} must have one size per example dimension ${fmtShape(dims)}`);
  win.forEach((w, d) => {
    if (!Number.isInteger(w) || w < 1 || w > dims[d]!) throw new ArgumentError(`${op}: window size ${w} on dimension ${d + 1} must be an integer in [1, ${dims[d]}]`);
  });
  const str = typeof opts.strides === 'number' || opts.strides === undefined ? new Array<number>(nd).fill(opts.strides ?? 1) : [...opts.strides];
  if (str.length !== nd) throw new ShapeError(`${op}: strides ${fmtShape(str)} must have one step per example dimension ${fmtShape(dims)}`);
  str.forEach((s) => positiveInt(op, 'stride', s));
  const perEval = positiveInt(op, 'perturbationsPerEval', opts.perturbationsPerEval ?? 16);
  const B = x.shape[0]!, per = v.length / B;
  const base = baselineValues(op, opts.baseline, x.shape);
  const target = targetIndices(op, opts.target, B);
  const f0 = targetScore(op, model, v, x.shape, target);

  // window starts per dimension: 0, s, ..., up to and including the first that reaches the end
  const starts = dims.map((D, d) => {
    const n = Math.ceil((D - win[d]!) / str[d]!) + 1;
    return Array.from({ length: n }, (_, i) => i * str[d]!);
  });
  const rowStride = dims.map((_, d) => dims.slice(d + 1).reduce((a, b) => a * b, 1));
  let windows: number[][] = [[]];
  for (const s of starts) windows = windows.flatMap((w) => s.map((x0) => [...w, x0]));
  // the flat indices a window covers
  const covered = (w: number[]): number[] => {
    let idx = [0];
    for (let d = 0; d < nd; d++) {
      const hi = Math.min(dims[d]!, w[d]! + win[d]!), next: number[] = [];
      for (const i of idx) for (let k = w[d]!; k < hi; k++) next.push(i + k * rowStride[d]!);
      idx = next;
    }
    return idx;
  };

  const total = new Float64Array(v.length), count = new Float64Array(per);
  for (let b = 0; b < B; b++) {
    for (let w0 = 0; w0 < windows.length; w0 += perEval) {
      const group = windows.slice(w0, w0 + perEval).map(covered);
      const xs = new Float32Array(group.length * per);
      group.forEach((idx, j) => {
        xs.set(v.subarray(b * per, (b + 1) * per), j * per);
        for (const i of idx) xs[j * per + i] = base[b * per + i]!;
      });
      const f = targetScore(op, model, xs, [group.length, ...dims], new Int32Array(group.length).fill(target[b]!));
      group.forEach((idx, j) => {
        const d = f0[b]! - f[j]!;
        for (const i of idx) {
          total[b * per + i]! += d;
          if (b === 0) count[i]! += 1;
        }
      });
    }
  }
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = total[i]! / count[i % per]!;
  return tensor(out, { shape: x.shape });
}
