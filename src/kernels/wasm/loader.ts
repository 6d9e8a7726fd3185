// Loads the wasm kernels over the heap memory. Two builds ship: baseline SIMD128 and
// relaxed-SIMD (fused multiply-add, +20-70 % on GEMM); the relaxed one is chosen when the
// engine validates it. Node 20 keeps relaxed SIMD behind a V8 flag, which is set here before
// the first compile. DENDRITE_WASM=simd|relaxed|off overrides the choice.
// The builds import a shared memory; over a plain one (a page without cross-origin isolation)
// the import's shared flag is cleared before compiling, since the engine refuses to link a
// shared import to a plain memory. The kernels use no atomics, so nothing else changes.

import { isShared } from '../heap.js';
import { RELAXED_WASM_BASE64, SIMD_WASM_BASE64 } from './generated/binaries.js';

export interface WasmKernels {
  readonly build: 'simd' | 'relaxed';
  /** The compiled module, so worker threads can instantiate it over the same memory. */
  readonly module: WebAssembly.Module;
  sgemm(
    batch: number, M: number, N: number, K: number,
    a: number, asb: number, asr: number, asc: number,
    b: number, bsb: number, bsr: number, bsc: number,
    c: number, csb: number, csr: number, csc: number,
    beta: number, scratch: number,
  ): void;
  im2col(x: number, N: number, C: number, geo: number, dst: number, rowStride: number, imageStride: number): void;
  col2im(col: number, N: number, C: number, geo: number, dst: number, rowStride: number, imageStride: number): void;
  convDirect(x: number, N: number, C: number, O: number, geo: number, w: number, bias: number, hasBias: number, y: number, scratch: number): void;
  convDirectWeightGrad(x: number, dy: number, N: number, C: number, O: number, geo: number, dw: number, chunk: number, scratch: number): void;
  fftConvSpectrum(w: number, O: number, kh: number, W: number, n: number, spec: number, scratch: number): void;
  fftConv(x: number, N: number, H: number, W: number, O: number, kh: number, n: number, OH: number, bp0: number, bp1: number, spec: number, bias: number, hasBias: number, y: number, xs: number, zb: number): void;
  maxPool2d(x: number, planes: number, geo: number, dst: number, idx: number): void;
  maxPool2dBackward(dy: number, idx: number, planes: number, HW: number, L: number, dx: number): void;
  avgPool2d(x: number, planes: number, geo: number, cip: number, dst: number): void;
  avgPool2dBackward(dy: number, planes: number, geo: number, cip: number, dx: number): void;
  unary(op: number, src: number, dst: number, n: number, p0: number, p1: number): void;
  binary(op: number, ndim: number, meta: number, a: number, b: number, dst: number, p0: number): void;
  copy(ndim: number, meta: number, src: number, dst: number): void;
  fill32(dst: number, n: number, bits: number): void;
  allFinite(src: number, n: number): number;
  reduceSum(src: number, outer: number, n: number, inner: number, dst: number): void;
  reduceMax(isMax: number, src: number, outer: number, n: number, inner: number, dst: number, idx: number): void;
  softmax(src: number, outer: number, n: number, inner: number, dst: number, log: number): void;
  compare(op: number, ndim: number, meta: number, a: number, b: number, dst: number): void;
  where(ndim: number, meta: number, c: number, a: number, b: number, dst: number): void;
  batchNormStats(x: number, N: number, C: number, L: number, eps: number, mean: number, invstd: number, c0: number, c1: number): void;
  batchNormApply(x: number, N: number, C: number, L: number, mean: number, invstd: number, w: number, b: number, y: number, c0: number, c1: number): void;
  batchNormBackward(x: number, dy: number, N: number, C: number, L: number, mean: number, invstd: number, w: number, dx: number, dw: number, db: number, c0: number, c1: number): void;
  sgdStep(n: number, p: number, g: number, buf: number, lr: number, momentum: number, dampening: number, weightDecay: number, nesterov: number, maximize: number, first: number): void;
  adamStep(n: number, p: number, g: number, m: number, v: number, vmax: number, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, step: number, maximize: number): void;
  lstmCell(B: number, H: number, gates: number, c: number, cRow: number, out: number, act: number): void;
  lstmCellBackward(B: number, H: number, act: number, c: number, cRow: number, dout: number, dgates: number, dc: number): void;
  gruCell(B: number, H: number, gi: number, gh: number, h: number, hRow: number, out: number, act: number): void;
  rnnSequence(mode: number, T: number, B: number, H: number, reverse: number, gi: number, whh: number, bhh: number, h0: number, c: number, out: number, gh: number): void;
  gruCellBackward(B: number, H: number, act: number, h: number, hRow: number, dout: number, dgi: number, dgh: number, dh: number): void;
  readonly KC: number;
  readonly NC: number;
  readonly MC: number;
}

function decode(b64: string): Uint8Array<ArrayBuffer> {
  const g = globalThis as { Buffer?: { from(s: string, enc: string): Uint8Array } };
  if (g.Buffer) return new Uint8Array(g.Buffer.from(b64, 'base64'));
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function env(name: string): string | undefined {
  const p = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return p?.env?.[name];
}

let flagSet = false;
function enableRelaxedSimd(): void {
  if (flagSet) return;
  flagSet = true;
  // Node only; browsers either have relaxed SIMD or fail validation and use the baseline build
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const v8 = p?.getBuiltinModule?.('node:v8') as { setFlagsFromString(s: string): void } | undefined;
  v8?.setFlagsFromString('--experimental-wasm-relaxed-simd');
}

/** Which builds this engine can run. */
export function supportedBuilds(): ('simd' | 'relaxed')[] {
  enableRelaxedSimd();
  const out: ('simd' | 'relaxed')[] = [];
  if (WebAssembly.validate(decode(SIMD_WASM_BASE64))) out.push('simd');
  if (WebAssembly.validate(decode(RELAXED_WASM_BASE64))) out.push('relaxed');
  return out;
}

/** Instantiates the chosen (or best) build over `memory`; null when wasm SIMD is unavailable or turned off. */
export function loadWasmKernels(memory: WebAssembly.Memory, build?: 'simd' | 'relaxed'): WasmKernels | null {
  const forced = env('DENDRITE_WASM');
  if (forced === 'off') return null;
  const want = build ?? (forced === 'simd' || forced === 'relaxed' ? forced : undefined);
  const builds = supportedBuilds();
  const pick = want ?? (builds.includes('relaxed') ? 'relaxed' : builds.includes('simd') ? 'simd' : null);
  if (pick === null || !builds.includes(pick)) return null;
  const bytes = decode(pick === 'relaxed' ? RELAXED_WASM_BASE64 : SIMD_WASM_BASE64);
  const mod = new WebAssembly.Module(isShared(memory) ? bytes : unshareMemoryImport(bytes));
  const inst = new WebAssembly.Instance(mod, { env: { memory, abort: () => { throw new Error('wasm kernel abort'); } } });
  const e = inst.exports as unknown as Omit<WasmKernels, 'build' | 'module' | 'KC' | 'NC' | 'MC'> & { KC: WebAssembly.Global; NC: WebAssembly.Global; MC: WebAssembly.Global };
  return { ...e, build: pick, module: mod, KC: e.KC.value as number, NC: e.NC.value as number, MC: e.MC.value as number };
}

function leb(b: Uint8Array, p: number): [number, number] {
  let v = 0;
  let shift = 0;
  for (;;) {
    const x = b[p++];
    if (x === undefined) throw new Error('wasm kernels: truncated module');
    v += (x & 0x7f) * 2 ** shift;
    shift += 7;
    if ((x & 0x80) === 0) return [v, p];
  }
}

/**
 * A copy of a wasm module whose imported memory is not shared: clears bit 1 (shared) of the
 * memory import's limits flags in the import section. Throws when the module imports no memory.
 */
export function unshareMemoryImport(bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const out = bytes.slice();
  let p = 8; // magic and version
  while (p < out.length) {
    const id = out[p++]!;
    const [size, start] = leb(out, p);
    if (id === 2) {
      let [count, q] = leb(out, start);
      for (; count > 0; count--) {
        for (let name = 0; name < 2; name++) {
          const [len, r] = leb(out, q); // module name, then field name
          q = r + len;
        }
        const kind = out[q++];
        if (kind === 2) {
          out[q] = out[q]! & ~2;
          return out;
        }
        if (kind === 0) q = leb(out, q)[1]; // function: type index
        else if (kind === 1) q = skipLimits(out, q + 1); // table: element type, limits
        else if (kind === 3) q += 2; // global: value type, mutability
        else if (kind === 4) q = leb(out, q + 1)[1]; // tag: attribute, type index
        else throw new Error(`wasm kernels: unknown import kind ${kind}`);
      }
    }
    p = start + size;
  }
  throw new Error('wasm kernels: the module imports no memory');
}

function skipLimits(b: Uint8Array, p: number): number {
  const flags = b[p++]!;
  p = leb(b, p)[1];
  return flags & 1 ? leb(b, p)[1] : p;
}
