// Movement ops: views that share storage (reshape, permute, slice, expand, ...) and copies that
// assemble new tensors (cat, stack, pad, gather). Each carries its gradient beside it.

import { IndexError, ShapeError, DTypeError } from '../errors.js';
import { backend } from '../kernels/registry.js';
import { record } from '../autograd/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { broadcastStrides, contiguousStrides, fmtShape, normDim, numel, type Shape } from '../tensor/shape.js';

/** Writes `src` (broadcast to dst's shape) into the view `dst`. No autograd. */
export function assignInto(dst: Tensor, src: Tensor): void {
  dst.bumpVersion();
  backend().copy(src.dtype, dst.dtype, dst.shape, { off: src.offset, strides: broadcastStrides(src.shape, src.strides, dst.shape) }, dst.ref());
}

export function contiguous(x: Tensor): Tensor {
  if (x.isContiguous()) return x;
  const out = Tensor.empty(x.shape, x.dtype);
  backend().copy(x.dtype, x.dtype, x.shape, x.ref(), out.ref());
  return record('contiguous', out, [x], (g) => [g]);
}

/** A contiguous copy that never aliases `x` (torch's clone). */
export function clone(x: Tensor): Tensor {
  const out = Tensor.empty(x.shape, x.dtype);
  backend().copy(x.dtype, x.dtype, x.shape, x.ref(), out.ref());
  return record('clone', out, [x], (g) => [g]);
}

/** Resolves one -1 in a requested shape. */
function inferShape(shape: readonly number[], n: number, op: string, from: Shape): number[] {
  const out = [...shape];
  const neg = out.indexOf(-1);
  if (neg !== out.lastIndexOf(-1)) throw new ShapeError(`${op}: only one dimension can be -1, got ${fmtShape(shape)}`);
  for (const s of out) {
    if (s !== -1 && (!Number.isInteger(s) || s < 0)) throw new ShapeError(`${op}: invalid size ${s} in ${fmtShape(shape)}`);
  }
  if (neg >= 0) {
    const rest = numel(out.filter((_, i) => i !== neg));
    if (rest === 0 || n % rest !== 0) throw new ShapeError(`${op}: shape ${fmtShape(shape)} is invalid for input ${fmtShape(from)} of size ${n}`);
    out[neg] = n / rest;
  }
  if (numel(out) !== n) throw new ShapeError(`${op}: shape ${fmtShape(shape)} is invalid for input ${fmtShape(from)} of size ${n}`);
  return out;
}

export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const s = inferShape(shape, x.numel, 'reshape', x.shape);
  const src = x.isContiguous() ? x : contiguous(x);
  const out = src.view_(s, contiguousStrides(s), src.offset);
  return record('reshape', out, [src], (g) => [reshape(g, src.shape)]);
}

/** Like reshape, but refuses to copy (as torch's view on a non-contiguous tensor). */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  if (!x.isContiguous()) {
    throw new ShapeError(`view: tensor of shape ${fmtShape(x.shape)} is not contiguous; use reshape (which copies) or contiguous() first`);
  }
  return reshape(x, shape);
}

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normDim(startDim, x.ndim, 'flatten');
  const e = normDim(endDim, x.ndim, 'flatten');
  if (s > e) throw new IndexError(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  const shape = [...x.shape.slice(0, s), numel(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normDim(dim, x.ndim, 'unflatten');
  const inner = inferShape(sizes, x.shape[d]!, 'unflatten', x.shape);
  return reshape(x, [...x.shape.slice(0, d), ...inner, ...x.shape.slice(d + 1)]);
}

export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== x.ndim) throw new ShapeError(`permute: got ${dims.length} dims ${fmtShape(dims)} for a ${x.ndim}-d tensor`);
  const d = dims.map((v) => normDim(v, x.ndim, 'permute'));
  if (new Set(d).size !== d.length) throw new IndexError(`permute: repeated dim in ${fmtShape(dims)}`);
  const out = x.view_(d.map((i) => x.shape[i]!), d.map((i) => x.strides[i]!), x.offset);
  const inv = new Array<number>(d.length);
  d.forEach((v, i) => (inv[v] = i));
  return record('permute', out, [x], (g) => [permute(g, inv)]);
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  if (x.ndim < 2 && x.ndim === 0) return x;
  const a = normDim(dim0, x.ndim, 'transpose');
  const b = normDim(dim1, x.ndim, 'transpose');
  const p = [...Array(x.ndim).keys()];
  p[a] = b;
  p[b] = a;
  return permute(x, p);
}

export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  let dims: number[];
  if (dim === undefined) dims = x.shape.flatMap((s, i) => (s === 1 ? [i] : []));
  else dims = (typeof dim === 'number' ? [dim] : [...dim]).map((d) => normDim(d, x.ndim, 'squeeze')).filter((d) => x.shape[d] === 1);
  const keep = x.shape.map((_, i) => !dims.includes(i));
  const out = x.view_(x.shape.filter((_, i) => keep[i]), x.strides.filter((_, i) => keep[i]), x.offset);
  return record('squeeze', out, [x], (g) => [reshape(g, x.shape)]);
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normDim(dim, x.ndim + 1, 'unsqueeze');
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d < x.ndim ? x.strides[d]! * x.shape[d]! : 1);
  const out = x.view_(shape, strides, x.offset);
  return record('unsqueeze', out, [x], (g) => [reshape(g, x.shape)]);
}

/** x[..., start:end:step, ...] along `dim` (Python slice semantics; negative indices wrap). */
export function slice(x: Tensor, dim: number, start = 0, end: number = Number.MAX_SAFE_INTEGER, step = 1): Tensor {
  const d = normDim(dim, x.ndim, 'slice');
  if (!Number.isInteger(step) || step <= 0) throw new IndexError(`slice: step must be a positive integer, got ${step}`);
  const n = x.shape[d]!;
  const clampI = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
  const s = clampI(start);
  const e = Math.max(clampI(end), s);
  const len = Math.ceil((e - s) / step);
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape[d] = len;
  strides[d] = x.strides[d]! * step;
  const out = x.view_(shape, strides, x.offset + s * x.strides[d]!);
  return record('slice', out, [x], (g) => {
    const gx = Tensor.empty(x.shape, g.dtype);
    backend().fill(g.dtype, gx.offset, gx.numel, 0);
    assignInto(gx.view_(shape, contiguousStrides(x.shape).map((v, i) => (i === d ? v * step : v)), gx.offset + s * contiguousStrides(x.shape)[d]!), g);
    return [gx];
  });
}

export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normDim(dim, x.ndim, 'narrow');
  const n = x.shape[d]!;
  const s = start < 0 ? start + n : start;
  if (s < 0 || length < 0 || s + length > n) throw new IndexError(`narrow: start ${start} + length ${length} exceeds dim ${dim} of size ${n}`);
  return slice(x, d, s, s + length);
}

/** x.select(dim, i): the slice at index i, with that dim removed. */
export function select(x: Tensor, dim: number, index: number): Tensor {
  const d = normDim(dim, x.ndim, 'select');
  const n = x.shape[d]!;
  if (!Number.isInteger(index) || index < -n || index >= n) throw new IndexError(`select: index ${index} out of range for dim ${dim} of size ${n}`);
  const i = index < 0 ? index + n : index;
  return squeeze(slice(x, d, i, i + 1), d);
}

export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ShapeError('cat: expected a non-empty list of tensors');
  const first = tensors[0]!;
  const d = normDim(dim, first.ndim, 'cat');
  const dt = first.dtype;
  let total = 0;
  for (const [k, t] of tensors.entries()) {
    if (t.dtype !== dt) throw new DTypeError(`cat: tensor ${k} has dtype ${t.dtype}, expected ${dt}`);
    if (t.ndim !== first.ndim || t.shape.some((s, i) => i !== d && s !== first.shape[i])) {
      throw new ShapeError(`cat: tensor ${k} has shape ${fmtShape(t.shape)}, which does not match ${fmtShape(first.shape)} outside dim ${d}`);
    }
    total += t.shape[d]!;
  }
  const shape = [...first.shape];
  shape[d] = total;
  const out = Tensor.empty(shape, dt);
  const cs = contiguousStrides(shape);
  let at = 0;
  const starts: number[] = [];
  for (const t of tensors) {
    starts.push(at);
    assignInto(out.view_(t.shape, cs, out.offset + at * cs[d]!), t);
    at += t.shape[d]!;
  }
  return record('cat', out, tensors, (g) => tensors.map((t, k) => (t.requiresGrad ? slice(g, d, starts[k]!, starts[k]! + t.shape[d]!) : null)));
}

export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ShapeError('stack: expected a non-empty list of tensors');
  const d = normDim(dim, tensors[0]!.ndim + 1, 'stack');
  for (const [k, t] of tensors.entries()) {
    if (t.ndim !== tensors[0]!.ndim || t.shape.some((s, i) => s !== tensors[0]!.shape[i])) {
      throw new ShapeError(`stack: tensor ${k} has shape ${fmtShape(t.shape)}, expected ${fmtShape(tensors[0]!.shape)}`);
    }
  }
  return cat(tensors.map((t) => unsqueeze(t, d)), d);
}

/** Splits into pieces of `size` along dim (the last may be smaller), or into the given sizes. */
export function split(x: Tensor, size: number | readonly number[], dim = 0): Tensor[] {
  const d = normDim(dim, x.ndim, 'split');
  const n = x.shape[d]!;
  if (typeof size === 'number' && (!Number.isInteger(size) || size < 1)) throw new ShapeError(`split: split size must be a positive integer, got ${size}`);
  const sizes = typeof size === 'number' ? Array.from({ length: Math.max(1, Math.ceil(n / size)) }, (_, i) => Math.min(size, n - i * size)) : [...size];
  if (sizes.reduce((a, b) => a + b, 0) !== n) throw new ShapeError(`split: sizes ${fmtShape(sizes)} do not add up to dim ${dim} of size ${n}`);
  const out: Tensor[] = [];
  let at = 0;
  for (const s of sizes) {
    out.push(slice(x, d, at, at + s));
    at += s;
  }
  return out;
}

export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  const d = normDim(dim, x.ndim, 'chunk');
  if (!Number.isInteger(chunks) || chunks < 1) throw new ShapeError(`chunk: chunks must be a positive integer, got ${chunks}`);
  return split(x, Math.ceil(x.shape[d]! / chunks), d);
}

export function flip(x: Tensor, dims: readonly number[]): Tensor {
  const ds = dims.map((v) => normDim(v, x.ndim, 'flip'));
  let off = x.offset;
  const strides = [...x.strides];
  for (const d of ds) {
    off += (x.shape[d]! - 1) * x.strides[d]!;
    strides[d] = -x.strides[d]!;
  }
  const out = x.view_(x.shape, strides, off);
  return record('flip', out, [x], (g) => [flip(g, ds)]);
}

/** Constant padding; `pads` lists (before, after) pairs from the last dim backwards, as F.pad. */
export function pad(x: Tensor, pads: readonly number[], value = 0): Tensor {
  if (pads.length % 2 !== 0 || pads.length / 2 > x.ndim) throw new ShapeError(`pad: padding ${fmtShape(pads)} must hold (before, after) pairs for at most ${x.ndim} dims`);
  const shape = [...x.shape];
  const begin = new Array<number>(x.ndim).fill(0);
  for (let k = 0; k < pads.length / 2; k++) {
    const d = x.ndim - 1 - k;
    begin[d] = pads[2 * k]!;
    shape[d] = shape[d]! + pads[2 * k]! + pads[2 * k + 1]!;
    if (shape[d]! < 0) throw new ShapeError(`pad: padding ${fmtShape(pads)} makes dim ${d} negative`);
  }
  if (pads.some((p) => p < 0)) {
    // negative padding crops: express as pad-then-slice
    let y = pad(x, pads.map((p) => Math.max(p, 0)), value);
    for (let k = 0; k < pads.length / 2; k++) {
      const d = x.ndim - 1 - k;
      const lo = Math.max(-pads[2 * k]!, 0);
      const hi = Math.max(-pads[2 * k + 1]!, 0);
      y = slice(y, d, lo, y.shape[d]! - hi);
    }
    return y;
  }
  const out = Tensor.empty(shape, x.dtype);
  backend().fill(x.dtype, out.offset, out.numel, value);
  const cs = contiguousStrides(shape);
  const off = begin.reduce((a, b, i) => a + b * cs[i]!, out.offset);
  assignInto(out.view_(x.shape, cs, off), x);
  return record('pad', out, [x], (g) => {
    let y = g;
    for (let d = 0; d < x.ndim; d++) if (shape[d] !== x.shape[d]) y = slice(y, d, begin[d]!, begin[d]! + x.shape[d]!);
    return [contiguous(y)];
  });
}

// `host`: the index's values where the caller holds them, so a device index (webgpu, which
// reads back only asynchronously) is checked without a read-back. A device index without them
// goes to the kernels as it is: they wrap negative indices and record one outside [-n, n),
// which the next read-back raises as an IndexError (src/kernels/webgpu/memory.ts).
function checkIndex(index: Tensor, n: number, op: string, host?: Int32Array): Tensor {
  if (index.isFloat) throw new DTypeError(`${op}: index must be an integer tensor, got ${index.dtype}`);
  if (host !== undefined && host.length !== index.numel) throw new ShapeError(`${op}: ${host.length} host index values for an index of ${index.numel}`);
  if (host === undefined && index.storage.device !== null) return index.isContiguous() ? index : contiguous(index);
  const d = host ?? index.dataSync();
  let negative = false;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v < -n || v >= n) throw new IndexError(`${op}: index ${v} is out of bounds for size ${n}`);
    if (v < 0) negative = true;
  }
  if (!negative && index.isContiguous()) return index;
  // wrap negatives, as PyTorch
  return Tensor.fromFn(index.shape, 'int32', (v) => {
    for (let i = 0; i < d.length; i++) v[i] = d[i]! < 0 ? d[i]! + n : d[i]!;
  }, op);
}

/** out[i][j][k] = x[index[i][j][k]][j][k] for dim 0 (torch.gather). */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  const d = normDim(dim, x.ndim, 'gather');
  if (index.ndim !== x.ndim) throw new ShapeError(`gather: index ${fmtShape(index.shape)} must have as many dims as input ${fmtShape(x.shape)}`);
  for (let i = 0; i < x.ndim; i++) {
    if (i !== d && index.shape[i]! > x.shape[i]!) throw new ShapeError(`gather: index ${fmtShape(index.shape)} is larger than input ${fmtShape(x.shape)} at dim ${i}`);
  }
  const idx = checkIndex(index, x.shape[d]!, 'gather');
  // read x restricted to index's extent outside `dim`, as a contiguous block
  const srcShape = x.shape.map((s, i) => (i === d ? s : index.shape[i]!));
  let src = x;
  for (let i = 0; i < x.ndim; i++) if (i !== d && srcShape[i] !== x.shape[i]) src = slice(src, i, 0, srcShape[i]!);
  const xs = Tensor.empty(srcShape, x.dtype);
  backend().copy(x.dtype, x.dtype, srcShape, src.ref(), xs.ref());
  const outer = numel(srcShape.slice(0, d));
  const inner = numel(srcShape.slice(d + 1));
  const out = Tensor.empty(index.shape, x.dtype);
  backend().gather(x.dtype, xs.offset, outer, srcShape[d]!, inner, idx.offset, index.shape[d]!, out.offset);
  xs.dispose();
  return record('gather', out, [x], (g) => [scatterAddInto(x.shape, d, idx, g)], [idx]);
}

/** zeros(shape).scatter_add_(dim, index, src): the adjoint of gather. */
export function scatterAddInto(shape: Shape, dim: number, index: Tensor, src: Tensor): Tensor {
  const d = normDim(dim, shape.length, 'scatterAdd');
  const idx = checkIndex(index, shape[d]!, 'scatterAdd');
  const blockShape = shape.map((s, i) => (i === d ? s : index.shape[i]!));
  const block = Tensor.empty(blockShape, src.dtype);
  backend().fill(src.dtype, block.offset, block.numel, 0);
  const s = src.isContiguous() ? src : contiguous(src);
  backend().scatterAdd(src.dtype, s.offset, numel(blockShape.slice(0, d)), index.shape[d]!, numel(blockShape.slice(d + 1)), idx.offset, shape[d]!, block.offset);
  if (blockShape.every((v, i) => v === shape[i])) return block;
  const out = Tensor.empty(shape, src.dtype);
  backend().fill(src.dtype, out.offset, out.numel, 0);
  assignInto(out.view_(blockShape, contiguousStrides(shape), out.offset), block);
  block.dispose();
  return out;
}

/**
 * Rows of x along `dim` picked by a 1-D index (torch.index_select). `hostIndex`: the index's
 * values when the caller made it from them (checked instead of reading the index back).
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor, hostIndex?: Int32Array): Tensor {
  const d = normDim(dim, x.ndim, 'indexSelect');
  if (index.ndim > 1) throw new ShapeError(`indexSelect: index must be 1-D, got ${fmtShape(index.shape)}`);
  const idx = checkIndex(index, x.shape[d]!, 'indexSelect', hostIndex);
  const m = index.numel;
  // whole rows of the dims after `dim`, copied straight from x (no full copy of x, no expanded index)
  const xc = x.isContiguous() ? x : contiguous(x);
  const outer = numel(x.shape.slice(0, d));
  const inner = numel(x.shape.slice(d + 1));
  const out = Tensor.empty(x.shape.map((s, i) => (i === d ? m : s)), x.dtype);
  const ic = idx.isContiguous() ? idx : contiguous(idx);
  backend().indexSelect(x.dtype, xc.offset, outer, x.shape[d]!, inner, ic.offset, m, out.offset);
  if (xc !== x) xc.dispose();
  return record('indexSelect', out, [x], (g) => {
    // the index broadcast over out's shape: a plain view (an int32 index has no gradient to record)
    const r = reshape(ic, x.shape.map((_, i) => (i === d ? m : 1)));
    const full = contiguous(r.view_(out.shape, broadcastStrides(r.shape, r.strides, out.shape), r.offset));
    return [scatterAddInto(x.shape, d, full, g)];
  }, [ic]);
}
