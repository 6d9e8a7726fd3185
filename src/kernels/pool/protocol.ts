// The control block shared by the calling thread and the workers, inside the tensor heap:
// i32 [0] generation (bumped per dispatch; -1 tells workers to exit), [1] pending workers,
// then one 33-slot block per thread: [kernel id, arg0, ..., arg26, tasks done, claimed, failed,
// assigned generation, ready]. A worker runs its block only when `assigned` equals the new generation, so
// a worker that starts late (or failed to start) is never waited for; and only after winning
// `claimed` (−gen → gen, a token naming the generation, so a worker still acting on an older
// generation cannot take a newer task) — the caller, done with its own share, claims the tasks
// no worker has begun and runs them itself, so a worker descheduled by other load costs nothing.

export const GEN = 0;
export const PENDING = 1;
export const SLOTS = 33;
export const taskBase = (thread: number): number => 2 + thread * SLOTS;
/** Tasks this worker has run (counted by the worker), so a caller can tell that threads work. */
export const DONE = SLOTS - 5;
export const CLAIMED = SLOTS - 4;
export const FAILED = SLOTS - 3;
export const ASSIGNED = SLOTS - 2;
export const READY = SLOTS - 1;
export const controlInts = (threads: number): number => 2 + threads * SLOTS;

// kernel ids
export const K_SGEMM = 0;
export const K_IM2COL = 1;
export const K_COL2IM = 2;
export const K_MAXPOOL = 3;
export const K_AVGPOOL = 4;
export const K_AVGPOOL_BW = 5;
export const K_MAXPOOL_BW = 6;
export const K_UNARY = 7;
export const K_BINARY = 8;
export const K_COPY = 9;
export const K_CONV_DIRECT = 10;
export const K_CONV_DIRECT_WGRAD = 11;
export const K_FILL = 12;
export const K_BN_STATS = 13;
export const K_BN_APPLY = 14;
export const K_BN_BW = 15;
export const K_FFT_CONV = 16;
export const K_NONE = -1;

// float arguments travel as the bit patterns of float32 values
const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);
export function f32bits(v: number): number {
  f32[0] = v;
  return i32[0]!;
}
function bitsf32(b: number): number {
  i32[0] = b;
  return f32[0]!;
}

/** Runs task `k` with integer args on a wasm kernel instance (shared by main thread and workers). */
export function runTask(e: TaskKernels, k: number, a: Int32Array, o: number): void {
  switch (k) {
    case K_SGEMM:
      e.sgemm(a[o]!, a[o + 1]!, a[o + 2]!, a[o + 3]!, a[o + 4]!, a[o + 5]!, a[o + 6]!, a[o + 7]!, a[o + 8]!, a[o + 9]!,
        a[o + 10]!, a[o + 11]!, a[o + 12]!, a[o + 13]!, a[o + 14]!, a[o + 15]!, a[o + 16]!, a[o + 17]!);
      break;
    case K_IM2COL:
      e.im2col(a[o]!, a[o + 1]!, a[o + 2]!, a[o + 3]!, a[o + 4]!, a[o + 5]!, a[o + 6]!);
      break;
    case K_COL2IM:
      e.col2im(a[o]!, a[o + 1]!, a[o + 2]!, a[o + 3]!, a[o + 4]!, a[o + 5]!, a[o + 6]!);
      break;
    case K_MAXPOOL:
      e.maxPool2d(a[o]!, a[o + 1]!, a[o + 2]!, a[o + 3]!, a[o + 4]!);
      break;
    case K_MAXPOOL_BW:
      e.maxPool2dBackward(a[o]!, a[o + 1]!, a[o + 2]!, a[o + 3]!, a[o + 4]!, a[o + 5]!);
      break;
    case K_UNARY:
      e.unary(a[o]!, a[o + 1]!, a[o + 2]!, a[o + 3]!, bitsf32(a[o + 4]!), bitsf32(a[o + 5]!));
      break;
    case K_BINARY:
      e.binary(a[o]!, a[o + 1]!, a[o + 2]!, a[o + 3]!, a[o + 4]!, a[o + 5]!, bitsf32(a[o + 6]!));
      break;
    case K_COPY:
      e.copy(a[o]!, a[o + 1]!, a[o + 2]!, a[o + 3]!);
      break;
    case K_AVGPOOL:
      e.avgPool2d(a[o]!, a[o + 1]!, a[o + 2]!, a[o + 3]!, a[o + 4]!);
      break;
    case K_AVGPOOL_BW:
      e.avgPool2dBackward(a[o]!, a[o + 1]!, a[o + 2]!, a[o + 3]!, a[o + 4]!);
      break;
    case K_BN_STATS:
      e.batchNormStats(a[o]!, a[o + 1]!, a[o + 2]!, a[o + 3]!, bitsf32(a[o + 4]!), a[o + 5]!, a[o + 6]!, a[o + 7]!, a[o + 8]!);
      break;
    case K_BN_APPLY:
      e.batchNormApply(a[o]!, a[o + 1]!, a[o + 2]!, a[o + 3]!, a[o + 4]!, a[o + 5]!, a[o + 6]!, a[o + 7]!, a[o + 8]!, a[o + 9]!, a[o + 10]!);
      break;
    case K_BN_BW:
      e.batchNormBackward(a[o]!, a[o + 1]!, a[o + 2]!, a[o + 3]!, a[o + 4]!, a[o + 5]!, a[o + 6]!, a[o + 7]!, a[o + 8]!, a[o + 9]!, a[o + 10]!, a[o + 11]!, a[o + 12]!);
      break;
    case K_FILL:
      e.fill32(a[o]!, a[o + 1]!, a[o + 2]!);
      break;
    case K_CONV_DIRECT:
      e.convDirect(a[o]!, a[o + 1]!, a[o + 2]!, a[o + 3]!, a[o + 4]!, a[o + 5]!, a[o + 6]!, a[o + 7]!, a[o + 8]!, a[o + 9]!);
      break;
    case K_CONV_DIRECT_WGRAD:
      e.convDirectWeightGrad(a[o]!, a[o + 1]!, a[o + 2]!, a[o + 3]!, a[o + 4]!, a[o + 5]!, a[o + 6]!, a[o + 7]!, a[o + 8]!);
      break;
    case K_FFT_CONV:
      e.fftConv(a[o]!, a[o + 1]!, a[o + 2]!, a[o + 3]!, a[o + 4]!, a[o + 5]!, a[o + 6]!, a[o + 7]!, a[o + 8]!, a[o + 9]!, a[o + 10]!, a[o + 11]!, a[o + 12]!, a[o + 13]!, a[o + 14]!, a[o + 15]!);
      break;
    default:
  }
}

export interface TaskKernels {
  sgemm(...args: number[]): void;
  im2col(x: number, N: number, C: number, geo: number, dst: number, rowStride: number, imageStride: number): void;
  col2im(col: number, N: number, C: number, geo: number, dst: number, rowStride: number, imageStride: number): void;
  convDirect(x: number, N: number, C: number, O: number, geo: number, w: number, bias: number, hasBias: number, y: number, scratch: number): void;
  convDirectWeightGrad(x: number, dy: number, N: number, C: number, O: number, geo: number, dw: number, chunk: number, scratch: number): void;
  fftConv(x: number, N: number, H: number, W: number, O: number, kh: number, n: number, OH: number, bp0: number, bp1: number, spec: number, bias: number, hasBias: number, y: number, xs: number, zb: number): void;
  maxPool2d(x: number, planes: number, geo: number, dst: number, idx: number): void;
  maxPool2dBackward(dy: number, idx: number, planes: number, HW: number, L: number, dx: number): void;
  avgPool2d(x: number, planes: number, geo: number, cip: number, dst: number): void;
  avgPool2dBackward(dy: number, planes: number, geo: number, cip: number, dx: number): void;
  unary(op: number, src: number, dst: number, n: number, p0: number, p1: number): void;
  binary(op: number, ndim: number, meta: number, a: number, b: number, dst: number, p0: number): void;
  copy(ndim: number, meta: number, src: number, dst: number): void;
  fill32(dst: number, n: number, bits: number): void;
  batchNormStats(x: number, N: number, C: number, L: number, eps: number, mean: number, invstd: number, c0: number, c1: number): void;
  batchNormApply(x: number, N: number, C: number, L: number, mean: number, invstd: number, w: number, b: number, y: number, c0: number, c1: number): void;
  batchNormBackward(x: number, dy: number, N: number, C: number, L: number, mean: number, invstd: number, w: number, dx: number, dw: number, db: number, c0: number, c1: number): void;
}
