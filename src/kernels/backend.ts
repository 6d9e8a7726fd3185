// The Backend interface over heap offsets. Every offset and stride is in elements of the dtype
// named in the call. Tensors, autograd and nn sit above this line and never touch numbers
// themselves; a kernel set (the pure-TS reference, wasm SIMD, a GPU one) sits below it.
// A backend implements the core (CoreBackend, 17 primitives); the fused and fast kernels
// (FusedKernels, ConvPaths) are optional: the fused ones it leaves out are composed from its
// core (kernels/compose), and ops/conv takes a convolution path only where the backend has it.

import type { DType } from './heap.js';

export type UnaryOp =
  | 'neg' | 'exp' | 'log' | 'sqrt' | 'rsqrt' | 'abs' | 'sign' | 'sin' | 'cos' | 'tanh'
  | 'sigmoid' | 'relu' | 'reciprocal' | 'square' | 'floor' | 'ceil' | 'round' | 'log1p' | 'expm1'
  | 'softplus'
  // parameterised: p0 (and p1)
  | 'elu' // alpha=p0
  | 'leakyRelu' // slope=p0
  | 'clamp' // min=p0, max=p1 (±Infinity for none)
  | 'powScalar' // x ** p0
  | 'addScalar' // x + p0
  | 'mulScalar' // x * p0
  | 'divScalar' // x / p0
  | 'rsubScalar' // p0 - x
  | 'rdivScalar' // p0 / x
  | 'rpowScalar'; // p0 ** x

export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum'
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'
  | 'reluBackward' // a * (b > 0): gradient of relu given the input b
  | 'eluBackward'; // handled with p0 (alpha): a * (b > 0 ? 1 : alpha * exp(b))

export type ReduceOp = 'sum' | 'prod' | 'max' | 'min';

/** A strided read: element offset and one stride per output dim (0 where broadcast). */
export interface Strided {
  off: number;
  strides: readonly number[];
}

/** Batched matrix operand: element offset, batch stride, row stride, column stride. */
export interface MatRef {
  off: number;
  sb: number;
  sr: number;
  sc: number;
}

/** Geometry of a 2-D window op over (N·C, H, W) planes. 1-D ops use H = 1. */
export interface Window2d {
  kh: number; kw: number;
  sh: number; sw: number;
  ph: number; pw: number;
  dh: number; dw: number;
  H: number; W: number;
  OH: number; OW: number;
}

/** Geometry of a 3-D convolution over (N, C, D, H, W) volumes. */
export interface Window3d {
  kd: number; kh: number; kw: number;
  sd: number; sh: number; sw: number;
  pd: number; ph: number; pw: number;
  dd: number; dh: number; dw: number;
  D: number; H: number; W: number;
  OD: number; OH: number; OW: number;
}

/** Where im2col puts its columns: element strides between rows (c, ki, kj) and between images. */
export interface ColStrides {
  row: number;
  image: number;
}

/**
 * The largest zero-padded image convDirect takes, in elements: C·(OH + kh − 1)·(⌈OW/8⌉·8 + kw − 1)
 * (one padded copy of an image's planes, held per thread).
 */
export const CONV_DIRECT_MAX_PLANE = 1 << 16;

// Above this many taps per output (C·kh·kw) im2col + GEMM wins over summing windows directly.
const DIRECT_MAX_TAPS = 64;

/**
 * Whether a direct convolution suits a one-group convolution of C channels: stride and dilation
 * 1, few taps (LeNet's 1-channel 5×5 first layer; EEGNet's 1-channel temporal kernel), a padded
 * image that fits the kernel's per-thread plane. Backends with convDirect accept these shapes.
 */
export function convDirectSuits(C: number, g: Window2d): boolean {
  if (g.sh !== 1 || g.sw !== 1 || g.dh !== 1 || g.dw !== 1) return false;
  const taps = g.kh * g.kw;
  if (taps < 2 || C * taps > DIRECT_MAX_TAPS) return false;
  return C * (g.OH + g.kh - 1) * (Math.ceil(g.OW / 8) * 8 + g.kw - 1) <= CONV_DIRECT_MAX_PLANE;
}

/** The primitives every backend implements. */
export interface CoreBackend {
  readonly name: string;
  /** Threads its kernels use (1 for the reference). */
  readonly threads?: number;
  /** Resolves once its worker threads have started, with the threads taking tasks (caller included). */
  ready?(): Promise<number>;
  /** Tasks its worker threads have run so far (the caller's share not counted). */
  workerTasks?(): number;
  /** Strided copy of `shape` from `src` into strided `dst` (also casts between dtypes). */
  copy(srcDt: DType, dstDt: DType, shape: readonly number[], src: Strided, dst: Strided): void;
  fill(dt: DType, dst: number, n: number, value: number): void;
  /** Contiguous elementwise map. */
  unary(op: UnaryOp, dt: DType, src: number, dst: number, n: number, p0?: number, p1?: number): void;
  /** Broadcasting elementwise op; `dst` is contiguous with `shape`. Comparisons write 0/1. */
  binary(op: BinaryOp, dt: DType, outDt: DType, shape: readonly number[], a: Strided, b: Strided, dst: number, p0?: number): void;
  /** dst = cond ? a : b, broadcast over `shape`; cond is int32. */
  where(dt: DType, shape: readonly number[], cond: Strided, a: Strided, b: Strided, dst: number): void;
  /** Reduces the middle axis of a contiguous (outer, n, inner) block into (outer, inner). */
  reduce(op: ReduceOp, dt: DType, src: number, outer: number, n: number, inner: number, dst: number): void;
  /** Like reduce('max'|'min') but also writes the int32 index of the winner (first on ties). */
  argReduce(op: 'max' | 'min', dt: DType, src: number, outer: number, n: number, inner: number, dstVal: number, dstIdx: number): void;
  /**
   * out[b] = A[b] (M×K) @ B[b] (K×N), for b < batch. `beta` = 1 accumulates into out, 0
   * overwrites; an out batch stride of 0 with beta = 1 sums over the batch.
   */
  matmul(dt: DType, batch: number, M: number, N: number, K: number, a: MatRef, b: MatRef, out: MatRef, beta: 0 | 1): void;
  /**
   * Unfolds (N, C, H, W) into columns (N, C·kh·kw, OH·OW), or with `cols` any layout where row
   * r = (c, ki, kj) of image n starts at n·cols.image + r·cols.row (the batch-folded
   * (C·kh·kw, N·OH·OW) is { row: N·OH·OW, image: OH·OW }). Padding reads as 0.
   */
  im2col(dt: DType, x: number, N: number, C: number, g: Window2d, dst: number, cols?: ColStrides): void;
  /** Adds columns back into (N, C, H, W) (the adjoint of im2col, same layouts). */
  col2im(dt: DType, col: number, N: number, C: number, g: Window2d, dst: number, cols?: ColStrides): void;
  /** Max pooling over planes; writes values and the int32 flat in-plane index of each max. */
  maxPool2d(dt: DType, x: number, planes: number, g: Window2d, dst: number, idx: number): void;
  maxPool2dBackward(dt: DType, dy: number, idx: number, planes: number, g: Window2d, dx: number): void;
  adaptiveAvgPool2d(dt: DType, x: number, planes: number, H: number, W: number, OH: number, OW: number, dst: number): void;
  adaptiveAvgPool2dBackward(dt: DType, dy: number, planes: number, H: number, W: number, OH: number, OW: number, dx: number): void;
  /** out[o, j, i] = src[o, index[o, j, i], i] over contiguous (outer, n, inner) → (outer, m, inner). */
  gather(dt: DType, src: number, outer: number, n: number, inner: number, index: number, m: number, dst: number): void;
  /** dst[o, j, :] = src[o, index[j], :] over contiguous (outer, n, inner) → (outer, m, inner); index (m) int32. */
  indexSelect(dt: DType, src: number, outer: number, n: number, inner: number, index: number, m: number, dst: number): void;
  /** dst[o, index[o, j, i], i] += src[o, j, i]; the adjoint of gather. */
  scatterAdd(dt: DType, src: number, outer: number, m: number, inner: number, index: number, n: number, dst: number): void;
}

/** Fused kernels: optional in a backend, composed from its core where it leaves them out. */
export interface FusedKernels {
  /**
   * Average pooling over planes (PyTorch's divisor: the window within the padded plane with
   * countIncludePad, else the part inside the image); the backward adds into dx.
   */
  avgPool2d(dt: DType, x: number, planes: number, g: Window2d, countIncludePad: boolean, dst: number): void;
  avgPool2dBackward(dt: DType, dy: number, planes: number, g: Window2d, countIncludePad: boolean, dx: number): void;
  /**
   * Whether all n contiguous elements are finite (no ±Infinity, no NaN): a test that cannot
   * overflow, where a sum of large finite values can (always true for int32).
   */
  allFinite(dt: DType, src: number, n: number): boolean;
  /** (log-)softmax over the middle axis of a contiguous (outer, n, inner) block. */
  softmax(dt: DType, src: number, outer: number, n: number, inner: number, dst: number, log: boolean): void;
  /**
   * Per-channel batch statistics of a contiguous (N, C, L) block: mean and 1/sqrt(var + eps)
   * with the biased variance, as batch normalisation uses them.
   */
  batchNormStats(dt: DType, x: number, N: number, C: number, L: number, eps: number, mean: number, invstd: number): void;
  /** y = (x − mean[c])·invstd[c]·w[c] + b[c]; w/b offsets of −1 mean none. */
  batchNormApply(dt: DType, x: number, N: number, C: number, L: number, mean: number, invstd: number, w: number, b: number, y: number): void;
  /**
   * Gradients of batch normalisation in training mode: dx, and per channel dw = Σ dy·x̂ and
   * db = Σ dy (dw/db/dx offsets of −1 skip them).
   */
  batchNormBackward(dt: DType, x: number, dy: number, N: number, C: number, L: number, mean: number, invstd: number, w: number, dx: number, dw: number, db: number): void;
  /**
   * One SGD step over n contiguous elements, in place (torch.optim.SGD): d = ±g + wd·p;
   * with momentum (buf ≥ 0) buf = first ? d : μ·buf + (1 − dampening)·d and d = nesterov ?
   * d + μ·buf : buf; then p −= lr·d.
   */
  sgdStep(dt: DType, n: number, p: number, g: number, buf: number, lr: number, momentum: number, dampening: number, weightDecay: number, nesterov: boolean, maximize: boolean, first: boolean): void;
  /**
   * One Adam step over n contiguous elements, in place (torch.optim.Adam with L2 weight
   * decay; AdamW's decoupled decay is applied to p beforehand): m, v moments, optional vmax
   * (amsgrad, ≥ 0), bias corrections for `step`.
   */
  adamStep(dt: DType, n: number, p: number, g: number, m: number, v: number, vmax: number, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, step: number, maximize: boolean): void;
  /**
   * LSTM cell from pre-activation gates (B, 4H: i, f, g, o) and c (B, H, row stride cRow):
   * out (B, 2H) = [h' | c'], act (B, 5H) = [σi, σf, tanh g, σo, tanh c'] saved for backward.
   */
  lstmCell(dt: DType, B: number, H: number, gates: number, c: number, cRow: number, out: number, act: number): void;
  /** Backward of lstmCell: dout (B, 2H) → dgates (B, 4H) and dc (B, H). */
  lstmCellBackward(dt: DType, B: number, H: number, act: number, c: number, cRow: number, dout: number, dgates: number, dc: number): void;
  /**
   * GRU cell from input and hidden projections gi, gh (B, 3H: r, z, n; gh holds bias_hh) and
   * h (B, H, row stride hRow): h' = (1 − z)·n + z·h with n = tanh(gi_n + r·gh_n);
   * act (B, 4H) = [r, z, n, gh_n] saved for backward.
   */
  gruCell(dt: DType, B: number, H: number, gi: number, gh: number, h: number, hRow: number, out: number, act: number): void;
  /**
   * A recurrent layer direction without gradients (inference): mode 0 tanh, 1 relu, 2 LSTM,
   * 3 GRU; gi (T, B, G·H) input projections holding the biases (GRU: bias_ih only), whh (G·H, H),
   * bhh GRU's bias_hh (0: none), h0 (B, H), c (B, H) LSTM cell state updated in place, out
   * (T, B, H). reverse runs the steps from T − 1 down. All contiguous.
   */
  rnnSequence(dt: DType, mode: number, T: number, B: number, H: number, reverse: boolean, gi: number, whh: number, bhh: number, h0: number, c: number, out: number): void;
  /** Backward of gruCell: dout (B, H) → dgi (B, 3H), dgh (B, 3H), dh (B, H). */
  gruCellBackward(dt: DType, B: number, H: number, act: number, h: number, hRow: number, dout: number, dgi: number, dgh: number, dh: number): void;
  /**
   * 3-D convolution y (N, O, OD, OH, OW) = bias + w (O, C/groups, kd, kh, kw) ⋆ x (N, C, D, H,
   * W), zero padding (pd, ph, pw) before (the far side's follows from OD, OH, OW); bias −1 for
   * none. Works through bounded blocks of output positions (never the whole volume's columns).
   */
  conv3d(dt: DType, x: number, N: number, C: number, O: number, groups: number, g: Window3d, w: number, bias: number, y: number): void;
  /** Input gradient of conv3d: dx (N, C, D, H, W) = the adjoint of conv3d applied to dy (overwritten). */
  conv3dBackwardInput(dt: DType, dy: number, N: number, C: number, O: number, groups: number, g: Window3d, w: number, dx: number): void;
  /** Weight gradient of conv3d: dw (O, C/groups, kd, kh, kw) = Σ over images and positions (overwritten). */
  conv3dWeightGrad(dt: DType, x: number, dy: number, N: number, C: number, O: number, groups: number, g: Window3d, dw: number): void;
}

/**
 * Convolution paths beside im2col + GEMM, optional: ops/conv takes one only where the backend
 * has it and accepts the shape.
 */
export interface ConvPaths {
  /**
   * Direct convolution at stride 1, dilation 1, one group — for few taps C·kh·kw, where im2col
   * would copy every input sample kh·kw times: y (N, O, OH, OW) = bias + w (O, C, kh, kw) ⋆ x
   * (N, C, H, W) with (ph, pw) zero padding before; bias −1 for none. Shapes are limited by
   * CONV_DIRECT_MAX_PLANE. Declines (returns false, writing nothing) where the shape does not
   * suit it (convDirectSuits): the caller then takes im2col + GEMM.
   */
  convDirect(dt: DType, x: number, N: number, C: number, O: number, g: Window2d, w: number, bias: number, y: number): boolean;
  /** Weight gradient of convDirect: dw (O, C, kh, kw) = Σₙ dy[n] ⋆ x[n] (overwritten). */
  convDirectWeightGrad(dt: DType, x: number, dy: number, N: number, C: number, O: number, g: Window2d, dw: number): void;
  /**
   * FFT path for convolutions whose kernel spans every column (stride 1): y (N, O, OH)
   * = bias + Σ_{t<kh, c<W} w[o, t, c]·x[n, i + t, c] over images x (N, H, W), OH = H − kh + 1.
   * rowConvFftLength gives the block length to use, or 0 where the direct product is faster
   * (spectrumPerCall: the weight's spectrum would be made for this call alone); the weight's
   * spectrum (rowConvSpectrumSize floats) is made once by rowConvSpectrum and can be reused for
   * as long as the weight is unchanged. Both decline (return false, writing nothing) when the
   * weight or the input holds an infinite or NaN value: a transform spreads it over a whole
   * block, where the direct product confines it to the windows that contain it.
   */
  rowConvFftLength(dt: DType, N: number, O: number, H: number, W: number, kh: number, spectrumPerCall?: boolean): number;
  rowConvSpectrumSize(O: number, W: number, n: number): number;
  rowConvSpectrum(dt: DType, w: number, O: number, kh: number, W: number, n: number, spec: number): boolean;
  rowConvFft(dt: DType, x: number, N: number, H: number, W: number, O: number, kh: number, n: number, spec: number, bias: number, y: number): boolean;
  /**
   * Implicit-GEMM convolution, for backends where gathering input windows as they are multiplied
   * beats writing im2col columns out (GPUs): y (N, O, OH, OW) = bias + w (O, C/groups, kh, kw) ⋆
   * x (N, C, H, W) at any stride, padding (ph, pw before) and dilation, then ReLU (x > 0 ? x : 0)
   * where `relu`; bias −1 for none. A backend with all three takes every 2-D convolution.
   */
  convImplicit(dt: DType, x: number, N: number, C: number, O: number, groups: number, g: Window2d, w: number, bias: number, relu: boolean, y: number): void;
  /** Input gradient of convImplicit: dx (N, C, H, W) = the adjoint applied to dy (overwritten). */
  convImplicitBackwardInput(dt: DType, dy: number, N: number, C: number, O: number, groups: number, g: Window2d, w: number, dx: number): void;
  /** Weight gradient of convImplicit: dw (O, C/groups, kh, kw) = Σ over images and positions (overwritten). */
  convImplicitWeightGrad(dt: DType, x: number, dy: number, N: number, C: number, O: number, groups: number, g: Window2d, dw: number): void;
}

/** What a backend implements: the core, and any of the optional kernels. */
export type BackendImpl = CoreBackend & Partial<FusedKernels> & Partial<ConvPaths>;

/** The active backend as ops see it: its core, every fused kernel (its own or composed), its conv paths. */
export type Backend = CoreBackend & FusedKernels & Partial<ConvPaths>;

/** The method names of the core, the fused kernels and the conv paths (each list checked complete below). */
export const CORE_METHODS = [
  'copy', 'fill', 'unary', 'binary', 'where', 'reduce', 'argReduce', 'matmul', 'im2col', 'col2im',
  'maxPool2d', 'maxPool2dBackward', 'adaptiveAvgPool2d', 'adaptiveAvgPool2dBackward',
  'gather', 'indexSelect', 'scatterAdd',
] as const satisfies readonly (keyof CoreBackend)[];

export const FUSED_METHODS = [
  'avgPool2d', 'avgPool2dBackward', 'allFinite', 'softmax', 'batchNormStats', 'batchNormApply', 'batchNormBackward', 'sgdStep', 'adamStep',
  'lstmCell', 'lstmCellBackward', 'gruCell', 'gruCellBackward', 'rnnSequence',
  'conv3d', 'conv3dBackwardInput', 'conv3dWeightGrad',
] as const satisfies readonly (keyof FusedKernels)[];

export const CONV_METHODS = [
  'convDirect', 'convDirectWeightGrad', 'rowConvFftLength', 'rowConvSpectrumSize', 'rowConvSpectrum', 'rowConvFft',
  'convImplicit', 'convImplicitBackwardInput', 'convImplicitWeightGrad',
] as const satisfies readonly (keyof ConvPaths)[];

// each list names every method of its interface: a method added to one fails to compile until listed
type Unlisted<I, L extends readonly PropertyKey[]> = Exclude<keyof I, L[number] | 'name' | 'threads' | 'ready' | 'workerTasks'>;
export const LISTS_COMPLETE: [Unlisted<CoreBackend, typeof CORE_METHODS>, Unlisted<FusedKernels, typeof FUSED_METHODS>, Unlisted<ConvPaths, typeof CONV_METHODS>] extends [never, never, never] ? true : never = true;
