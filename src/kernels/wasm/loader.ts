// Loads the wasm kernels over the heap memory. Two builds ship: baseline SIMD128 and
// relaxed-SIMD (fused multiply-add, +20-70 % on GEMM); the relaxed one is chosen when the
// engine validates it. Node 20 keeps relaxed SIMD behind a V8 flag, which is set here before
// the first compile. DENDRITE_WASM=simd|relaxed|off overrides the choice.
// The builds import a shared memory; over a plain one (a page without cross-origin isolation)
// the import's shared flag is cleared before compiling, since the engine refuses to link a
// shared import to a plain memory. The kernels use no atomics, so nothing else changes.

import { isShared } from '../heap.js';
import { RELAXED_WASM_BASE64, SIMD_WASM_BASE64 } from './generated/binaries.js';
import { KERNELS, type KernelExports } from './kernels.js';

/** The kernels (typed from the table in kernels.ts), the build and the GEMM's blocking sizes. */
export type WasmKernels = KernelExports & {
  readonly build: 'simd' | 'relaxed';
  /** The compiled module, so worker threads can instantiate it over the same memory. */
  readonly module: WebAssembly.Module;
  readonly KC: number;
  readonly NC: number;
  readonly MC: number;
};

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
  const e = inst.exports as Record<string, unknown>;
  for (const name of Object.keys(KERNELS)) {
    if (typeof e[name] !== 'function') throw new Error(`wasm kernels: the module does not export '${name}'`);
  }
  const value = (name: string): number => (e[name] as WebAssembly.Global).value as number;
  return { ...(e as unknown as KernelExports), build: pick, module: mod, KC: value('KC'), NC: value('NC'), MC: value('MC') };
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
