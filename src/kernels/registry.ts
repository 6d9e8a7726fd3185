// Which backend runs the kernels. The JS reference backend is always present; faster ones
// register themselves and can be selected by name. A registered backend implements the core;
// the fused kernels it leaves out are composed from that core when it is made.

import { ArgumentError, DeviceError } from '../errors.js';
import type { Backend, BackendImpl } from './backend.js';
import { complete } from './compose/index.js';
import { heap, setDeviceMemory, type DeviceMemory, type Heap } from './heap.js';
import { jsBackend } from './js/index.js';
import { getNumThreads, wasmBackend } from './wasm/index.js';

function needWasm(build?: 'simd' | 'relaxed'): BackendImpl {
  const b = wasmBackend(heap(), build);
  if (b === null) throw new Error(`setBackend: the wasm${build ? `-${build}` : ''} kernels cannot run in this engine`);
  return b;
}

const backends = new Map<string, () => BackendImpl>([
  ['js', () => jsBackend(heap())],
  ['wasm', () => needWasm()],
  ['wasm-simd', () => needWasm('simd')],
  ['wasm-relaxed', () => needWasm('relaxed')],
]);
// backends that keep tensors in their own memory (webgpu): that memory, which also serves the
// compositions' scratch blocks
const memories = new Map<string, Heap & DeviceMemory>();
let active: Backend | null = null;
// what `active` was chosen as (a setBackend name, or null for the default) and for how many
// threads: setNumThreads after the first op makes the same choice again on the new count
let activeName: string | null = null;
let activeThreads = 0;
// one instance per name and thread count: a wasm backend owns worker threads and scratch
// blocks, so switching back and forth must not start new ones each time
const made = new Map<string, Backend>();

/** Makes `make()` (the core, any fused kernels and conv paths) selectable as `name`. */
export function registerBackend(name: string, make: () => BackendImpl, memory?: Heap & DeviceMemory): void {
  backends.set(name, make);
  if (memory === undefined) memories.delete(name);
  else memories.set(name, memory);
  for (const k of [...made.keys()]) if (k.startsWith(`${name}@`)) made.delete(k);
}

export function setBackend(name: string): void {
  const make = backends.get(name);
  if (make === undefined && name === 'webgpu') throw new DeviceError(`setBackend: the webgpu backend is not started: await initWebGpu() first (it finds the adapter, asynchronously)`);
  if (make === undefined) throw new ArgumentError(`setBackend: unknown backend '${name}' (known: ${[...backends.keys()].join(', ')})`);
  const key = `${name}@${getNumThreads()}`;
  let b = made.get(key);
  if (b === undefined) {
    b = complete(make(), memories.get(name) ?? heap());
    made.set(key, b);
  }
  setDeviceMemory(memories.get(name) ?? null);
  active = b;
  activeName = name;
  activeThreads = getNumThreads();
}

/**
 * The active backend: the wasm SIMD kernels where the engine runs them, else the JS
 * reference. DENDRITE_BACKEND=js|wasm|wasm-simd|wasm-relaxed picks one explicitly.
 */
export function backend(): Backend {
  if (active !== null && activeThreads === getNumThreads()) return active;
  if (activeName !== null) {
    setBackend(activeName);
    return active!;
  }
  const p = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  const forced = p?.env?.['DENDRITE_BACKEND'];
  if (forced) {
    setBackend(forced);
    return active!;
  }
  const b = defaultCpu();
  setDeviceMemory(null);
  active = b;
  activeThreads = getNumThreads();
  return b;
}

/** The default CPU backend for the current thread count (selectable by its name too). */
function defaultCpu(): Backend {
  const key = `default@${getNumThreads()}`;
  let b = made.get(key);
  if (b === undefined) {
    b = complete(wasmBackend(heap()) ?? jsBackend(heap()), heap());
    made.set(key, b);
    made.set(`${b.name}@${getNumThreads()}`, b);
  }
  return b;
}

/**
 * For work that must run in host memory: where the backend in force — chosen by setBackend or
 * by DENDRITE_BACKEND — keeps tensors in device memory (webgpu, started or not), selects the
 * default CPU backend (the one a program without DENDRITE_BACKEND gets, so results are the
 * same) and returns a function that restores the choice made before; otherwise changes nothing.
 */
export function selectHostBackend(): () => void {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.['DENDRITE_BACKEND'];
  const chosen = activeName ?? (env || null);
  if (chosen === null || (chosen !== 'webgpu' && !memories.has(chosen))) return () => {};
  const before = activeName;
  const b = defaultCpu();
  setDeviceMemory(null);
  active = b;
  activeName = b.name;
  activeThreads = getNumThreads();
  return () => {
    if (before !== null) setBackend(before);
    else {
      // nothing was chosen: the next op follows DENDRITE_BACKEND again
      setDeviceMemory(null);
      active = null;
      activeName = null;
    }
  };
}

/** The names setBackend accepts. */
export function backendNames(): string[] {
  return [...backends.keys()];
}

/**
 * Waits until the active backend's worker threads have started (they start asynchronously, and
 * until then the calling thread runs their share); resolves with the number of threads taking
 * tasks, the caller included: 1 for the JS backend or where memory cannot be shared.
 */
export async function threadsReady(): Promise<number> {
  return (await backend().ready?.()) ?? 1;
}

/** Kernel tasks the active backend's worker threads have run so far: shows that threads do work. */
export function workerTaskCount(): number {
  return backend().workerTasks?.() ?? 0;
}
