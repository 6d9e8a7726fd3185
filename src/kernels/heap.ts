// The tensor heap: one WebAssembly.Memory that holds every tensor's data, addressed by byte
// offset. JS Tensors are small handles into it; kernels (JS today, wasm next) read and write it
// in place. A size-class allocator recycles blocks, so a training loop stops growing the memory
// after its first steps.

import { OutOfMemoryError } from '../errors.js';

export type DType = 'float32' | 'float64' | 'int32';

export const ITEMSIZE: Record<DType, number> = { float32: 4, float64: 8, int32: 4 };

/** True for the dtypes the heap stores; plain JS callers can pass any string. */
export function isDType(d: unknown): d is DType {
  return d === 'float32' || d === 'float64' || d === 'int32';
}

/**
 * Whether tensor memory can be shared with worker threads: SharedArrayBuffer exists and, in a
 * browser, the page is cross-origin isolated (served with COOP/COEP headers). A page without
 * isolation cannot send a shared memory to a worker (and a shared memory made anyway would not
 * link against non-shared wasm), so it gets a plain memory and one thread.
 */
export function canShareMemory(): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;
}

export function isShared(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}

const PAGE = 65536;
const ALIGN = 64; // cache-line alignment; also satisfies SIMD and float64 alignment

/** Rounds a request up to its size class: 64 B, then four classes per power of two. */
export function sizeClass(bytes: number): number {
  if (bytes <= ALIGN) return ALIGN;
  const k = Math.floor(Math.log2(bytes - 1));
  const step = Math.max(ALIGN, 2 ** k / 4);
  return Math.ceil(bytes / step) * step;
}

export class Heap {
  readonly memory: WebAssembly.Memory;
  // the first 64 KiB stay free: offset 0 means "no block", and wasm modules may keep static data there
  private top = 65536;
  private readonly freeLists = new Map<number, number[]>();
  private readonly sizes = new Map<number, number>();
  private buf: ArrayBuffer | SharedArrayBuffer;
  private _f32: Float32Array;
  private _f64: Float64Array;
  private _i32: Int32Array;
  private _u8: Uint8Array;
  /** Bytes held by live blocks. */
  bytesInUse = 0;

  constructor(opts: { initialPages?: number; maximumPages?: number; shared?: boolean } = {}) {
    const initial = opts.initialPages ?? 256; // 16 MiB
    const maximum = opts.maximumPages ?? 65536; // 4 GiB, the wasm32 limit
    let memory: WebAssembly.Memory | null = null;
    if (opts.shared ?? canShareMemory()) {
      try {
        memory = new WebAssembly.Memory({ initial, maximum, shared: true });
      } catch (e) {
        // an engine that refuses shared memory runs single-threaded, unless it was asked for
        if (opts.shared === true) throw e;
      }
    }
    this.memory = memory ?? new WebAssembly.Memory({ initial, maximum });
    this.buf = this.memory.buffer;
    this._f32 = new Float32Array(this.buf);
    this._f64 = new Float64Array(this.buf);
    this._i32 = new Int32Array(this.buf);
    this._u8 = new Uint8Array(this.buf);
  }

  /** Whether the memory is shared, so worker threads can run kernels over it. */
  get shared(): boolean {
    return isShared(this.memory);
  }

  /** High-water mark: bytes of the memory ever handed out (the bump pointer). */
  get highWater(): number {
    return this.top;
  }

  /** Allocates a block of at least `bytes` bytes; returns its byte offset. */
  alloc(bytes: number): number {
    const size = sizeClass(bytes);
    const list = this.freeLists.get(size);
    let off: number;
    if (list !== undefined && list.length > 0) {
      off = list.pop()!;
    } else {
      off = this.top;
      const end = off + size;
      if (end > this.memory.buffer.byteLength) {
        const need = Math.ceil((end - this.memory.buffer.byteLength) / PAGE);
        // grow at least 1/8 of the current size so growth stays amortised
        const pages = Math.max(need, Math.ceil(this.memory.buffer.byteLength / PAGE / 8));
        try {
          this.memory.grow(pages);
        } catch {
          try {
            this.memory.grow(need);
          } catch {
            const mib = (b: number) => (b / 2 ** 20).toFixed(0);
            throw new OutOfMemoryError(`tensor heap: cannot allocate ${mib(size)} MiB: the heap holds ${mib(this.memory.buffer.byteLength)} MiB (${mib(this.bytesInUse)} MiB in live tensors) and cannot grow past its maximum; use smaller tiles or batches`);
          }
        }
      }
      this.top = end;
    }
    this.sizes.set(off, size);
    this.bytesInUse += size;
    return off;
  }

  free(off: number): void {
    const size = this.sizes.get(off);
    if (size === undefined) throw new Error(`heap: free of unknown block at ${off}`);
    this.sizes.delete(off);
    this.bytesInUse -= size;
    let list = this.freeLists.get(size);
    if (list === undefined) this.freeLists.set(size, (list = []));
    list.push(off);
  }

  private refresh(): void {
    const b = this.memory.buffer;
    if (b === this.buf) return;
    this.buf = b;
    this._f32 = new Float32Array(b);
    this._f64 = new Float64Array(b);
    this._i32 = new Int32Array(b);
    this._u8 = new Uint8Array(b);
  }

  // Views are re-made after the memory grows; kernels fetch them once per call.
  get f32(): Float32Array {
    this.refresh();
    return this._f32;
  }
  get f64(): Float64Array {
    this.refresh();
    return this._f64;
  }
  get i32(): Int32Array {
    this.refresh();
    return this._i32;
  }
  get u8(): Uint8Array {
    this.refresh();
    return this._u8;
  }

  /** The typed view for a dtype; element offsets are byte offsets / itemsize. */
  view(dtype: DType): Float32Array | Float64Array | Int32Array {
    return dtype === 'float32' ? this.f32 : dtype === 'float64' ? this.f64 : this.i32;
  }
}

/**
 * Tensor memory a backend keeps outside the wasm heap (a GPU's address space): blocks by byte
 * offset as the heap hands them out, written by upload and read back asynchronously. While a
 * backend with one is active, new tensors live there and the wasm heap does not grow for them.
 */
export interface DeviceMemory {
  readonly name: string;
  alloc(bytes: number): number;
  free(off: number): void;
  readonly bytesInUse: number;
  readonly highWater: number;
  /** Writes `values` at element offset `off` (in order with the kernels already called). */
  upload(dt: DType, off: number, values: Float32Array | Int32Array): void;
  /** Reads n elements from element offset `off` once the kernels called so far have run. */
  read(dt: DType, off: number, n: number): Promise<Float32Array | Int32Array>;
}

let device: DeviceMemory | null = null;

/** The active backend's device memory, or null while tensors live in the wasm heap. */
export function deviceMemory(): DeviceMemory | null {
  return device;
}

/** Called by the registry when the active backend changes. */
export function setDeviceMemory(m: DeviceMemory | null): void {
  device = m;
}

let current: Heap | null = null;

/** The process-wide heap, created on first use. */
export function heap(): Heap {
  if (current === null) current = new Heap();
  return current;
}
