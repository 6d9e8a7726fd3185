// Tensor: a small handle (offset, shape, strides, dtype, autograd node) into the shared heap.
// Data lives in one WebAssembly.Memory; views share a Storage block and keep it alive by
// reference count. Blocks are freed by `dispose()`, by the end of a `tidy` scope, or, as a
// backstop only, when the handle is garbage-collected.
//
// Op methods (`x.add(y)`, `x.sum()`, `loss.backward()`, ...) are installed once by the ops
// entry (src/ops/index.ts loads src/ops/methods.ts), so this layer depends on the heap alone.
// It is also the only way data gets into the heap above the kernels: `Tensor.fromFn`,
// `fromValues` and `writeSync` are the writes a GPU backend turns into uploads. While a backend
// with device memory (webgpu) is active, new blocks are allocated there instead of the heap;
// such a tensor is read with `await t.data()` (dataSync/item raise a DeviceError) and a kernel
// call on a tensor from the other memory is refused by ref().

import { DTypeError, DendriteError, DeviceError, ShapeError } from '../errors.js';
import { deviceMemory, heap, isDType, ITEMSIZE, type DeviceMemory, type DType } from '../kernels/heap.js';
import { backend } from '../kernels/registry.js';
import type { Strided } from '../kernels/backend.js';
import { contiguousStrides, fmtShape, numel, type Shape } from './shape.js';

export type { DType } from '../kernels/heap.js';

/** The typed array a dtype is stored in. */
export type DTypeArray<D extends DType = DType> = D extends 'float32' ? Float32Array : D extends 'float64' ? Float64Array : Int32Array;

/**
 * Refuses a dtype the heap does not store (`'float16'` from plain JS): an unknown dtype would
 * size blocks as NaN bytes and read them through the wrong view.
 */
export function checkDType(dtype: unknown, op: string): DType {
  if (isDType(dtype)) return dtype;
  const shown = typeof dtype === 'string' ? `'${dtype}'` : String(dtype);
  throw new DTypeError(`${op}: unknown dtype ${shown} (expected 'float32', 'float64' or 'int32')`);
}

/** A node of the autograd tape: how to send an output's gradient back to its inputs. */
export interface GradNode {
  readonly name: string;
  readonly inputs: readonly Tensor[];
  /** Returns one gradient per input (null where an input needs none). */
  backward: ((grad: Tensor) => (Tensor | null)[]) | null;
  /** Tensors whose values backward reads, and their versions when the op ran. */
  saved?: readonly (readonly [Tensor, number])[] | undefined;
}

/** A heap block shared by a tensor and its views. */
export class Storage {
  refs = 0;
  /** In-place writes so far, shared by every view of the block (torch's _version). */
  version = 0;
  constructor(
    readonly byteOffset: number,
    readonly byteLength: number,
    /** The device memory holding the block; null for the wasm heap. */
    readonly device: DeviceMemory | null = null,
  ) {}
  release(): void {
    if (--this.refs === 0) (this.device ?? heap()).free(this.byteOffset);
  }
}

const finalizer = new FinalizationRegistry<Storage>((s) => s.release());

// ---- scopes (tidy) -------------------------------------------------------------------------
const scopes: Set<Tensor>[] = [];
// the first serial of each open scope: a tensor with a serial at or above it was made inside
const scopeStarts: number[] = [];

/**
 * Runs `fn` and disposes every tensor created inside it, except those in its result (a
 * tensor, an array or a plain object of tensors) and those passed to `keep`.
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  const start = serials;
  scopeStarts.push(start);
  let result: T;
  try {
    result = fn();
  } finally {
    scopes.pop();
    scopeStarts.pop();
  }
  const survivors = new Set<Tensor>();
  collect(result, survivors);
  const parent = scopes[scopes.length - 1];
  const outer = ending;
  ending = { survivors, parent, start };
  try {
    for (const t of scope) {
      if (!survivors.has(t)) t.dispose();
      else if (parent) parent.add(t);
      else t.registerBackstop();
    }
  } finally {
    ending = outer;
  }
  return result;
}

// the tidy scope being disposed, while its end runs: where a leaf it frees hands its gradient
let ending: { survivors: Set<Tensor>; parent: Set<Tensor> | undefined; start: number } | null = null;

/**
 * A gradient its leaf lets go of (the leaf is disposed, or a new sum replaces it) after `.grad`
 * handed it out: whoever read it may still hold it. Made inside a tidy scope (backward keeps
 * gradients out of scopes, so parameters' outlive them), it is that scope's again: an ending
 * scope frees it unless it is among the results, an open one at its end unless it is returned
 * or kept. Made before the scope, or outside every scope, it lives until its holder disposes it
 * (or the GC backstop, armed when backward kept it, frees it).
 */
export function releaseGrad(g: Tensor): void {
  if (ending !== null && g.serial >= ending.start) {
    if (!ending.survivors.has(g)) g.dispose();
    else if (ending.parent) ending.parent.add(g);
    return;
  }
  // the innermost open scope that began before it was made
  for (let i = scopes.length - 1; i >= 0; i--) {
    if (g.serial >= scopeStarts[i]!) {
      scopes[i]!.add(g);
      return;
    }
  }
}

function collect(v: unknown, out: Set<Tensor>): void {
  if (v instanceof Tensor) out.add(v);
  else if (Array.isArray(v)) for (const x of v) collect(x, out);
  else if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    for (const x of Object.values(v)) collect(x, out);
  }
}

/** Takes a tensor out of every enclosing `tidy` scope, so it outlives them. */
export function keep<T extends Tensor>(t: T): T {
  let held = false;
  for (const s of scopes) held = s.delete(t) || held;
  if (held) t.registerBackstop();
  return t;
}

// ---- Tensor ---------------------------------------------------------------------------------
let serials = 0;
/** The serial the next tensor handle gets: handles made after this call have serial ≥ it. */
export function nextSerial(): number {
  return serials;
}

export class Tensor {
  /** Creation order of this handle (the tape tells its own temporaries from others' tensors by it). */
  readonly serial = serials++;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  /** Element offset into the heap view of `dtype`. */
  readonly offset: number;
  readonly dtype: DType;
  readonly storage: Storage;
  private _grad: Tensor | null = null;
  /** This tensor was handed out as a leaf's `.grad`: the caller may hold it past the leaf. */
  private _handedOut = false;
  /** The tape node that produced this tensor (null for leaves). */
  gradFn: GradNode | null = null;
  /** Keep .grad on a non-leaf too (as torch's retain_grad). */
  retainsGrad = false;
  private _requiresGrad = false;
  private _disposed = false;
  private _registered = false;

  constructor(storage: Storage, shape: Shape, strides: Shape, offset: number, dtype: DType) {
    this.storage = storage;
    this.shape = shape;
    this.strides = strides;
    this.offset = offset;
    this.dtype = dtype;
    storage.refs++;
    // inside a tidy scope the scope frees the block; the GC backstop is only armed for
    // tensors that live outside every scope (registering costs more than a small op)
    const scope = scopes[scopes.length - 1];
    if (scope) scope.add(this);
    else this.registerBackstop();
  }

  /** Arms the garbage-collection backstop that releases the block if dispose() is never called. */
  registerBackstop(): void {
    if (this._registered || this._disposed) return;
    this._registered = true;
    finalizer.register(this, this.storage, this);
  }

  /** A new contiguous, uninitialised tensor. */
  static empty(shape: Shape, dtype: DType = 'float32', op = 'empty'): Tensor {
    checkDType(dtype, op);
    for (const s of shape) {
      if (!Number.isInteger(s) || s < 0) throw new ShapeError(`empty: invalid size ${s} in shape ${fmtShape(shape)}`);
    }
    const n = numel(shape);
    const bytes = Math.max(n, 1) * ITEMSIZE[dtype];
    const dev = deviceMemory();
    if (dev !== null && dtype === 'float64') throw new DTypeError(`${op}: ${dev.name} tensors are float32 or int32, got float64`);
    const st = dev === null ? new Storage(heap().alloc(bytes), bytes) : new Storage(dev.alloc(bytes), bytes, dev);
    return new Tensor(st, [...shape], contiguousStrides(shape), st.byteOffset / ITEMSIZE[dtype], dtype);
  }

  /**
   * A new contiguous tensor whose `numel` elements `fill` writes, in row-major order, into the
   * array it is given. On a CPU backend that array is the tensor's own block of the heap, so
   * nothing is copied; a GPU backend will hand it a staging array and upload it. `fill` must
   * not create tensors (a growing heap would detach the array) nor keep the array afterwards.
   * If `fill` throws, the block is freed and the error passes on.
   */
  static fromFn<D extends DType>(shape: Shape, dtype: D, fill: (out: DTypeArray<D>) => void, op = 'fromFn'): Tensor {
    const t = Tensor.empty(shape, dtype, op);
    try {
      const dev = t.storage.device;
      if (dev !== null) {
        const staging = (dtype === 'int32' ? new Int32Array(t.numel) : new Float32Array(t.numel)) as DTypeArray<D>;
        fill(staging);
        dev.upload(dtype, t.offset, staging as Float32Array | Int32Array);
        return t;
      }
      fill(heap().view(dtype).subarray(t.offset, t.offset + t.numel) as DTypeArray<D>);
    } catch (e) {
      t.dispose();
      throw e;
    }
    return t;
  }

  /**
   * Copies `values` into this contiguous tensor's elements [start, start + values.length), as
   * an in-place write (the version counter moves). No autograd: the engine's own writes only.
   */
  writeSync(values: ArrayLike<number>, start = 0): this {
    this.assertAlive('writeSync');
    if (!this.isContiguous()) throw new ShapeError(`writeSync: tensor ${fmtShape(this.shape)} is not contiguous`);
    const n = this.numel;
    if (!Number.isInteger(start) || start < 0 || start + values.length > n) {
      throw new ShapeError(`writeSync: ${values.length} values from element ${start} do not fit tensor ${fmtShape(this.shape)} (${n} elements)`);
    }
    const dev = this.storage.device;
    if (dev !== null) {
      const staged = this.dtype === 'int32' ? Int32Array.from(values, (x) => Math.trunc(x)) : Float32Array.from(values);
      dev.upload(this.dtype, this.offset + start, staged);
      this.bumpVersion();
      return this;
    }
    const v = heap().view(this.dtype);
    if (this.dtype === 'int32') for (let i = 0; i < values.length; i++) v[this.offset + start + i] = Math.trunc(values[i]!);
    else if (ArrayBuffer.isView(values)) v.set(values as unknown as ArrayLike<number>, this.offset + start);
    else for (let i = 0; i < values.length; i++) v[this.offset + start + i] = values[i]!;
    this.bumpVersion();
    return this;
  }

  /** A view sharing this tensor's storage. */
  view_(shape: Shape, strides: Shape, offset: number): Tensor {
    this.assertAlive('view');
    return new Tensor(this.storage, [...shape], [...strides], offset, this.dtype);
  }

  get ndim(): number {
    return this.shape.length;
  }
  get numel(): number {
    return numel(this.shape);
  }
  /** torch's size(): the shape, or one dim of it. */
  size(dim?: number): number | readonly number[] {
    if (dim === undefined) return this.shape;
    return this.shape[dim < 0 ? dim + this.ndim : dim]!;
  }
  get isLeaf(): boolean {
    return this.gradFn === null;
  }
  get isDisposed(): boolean {
    return this._disposed;
  }
  get isFloat(): boolean {
    return this.dtype !== 'int32';
  }

  get requiresGrad(): boolean {
    return this._requiresGrad;
  }
  set requiresGrad(v: boolean) {
    if (v && !this.isFloat) throw new DTypeError(`requiresGrad: only floating-point tensors can require gradients (got ${this.dtype})`);
    if (!v && this.gradFn !== null) throw new DendriteError('requiresGrad: cannot turn off gradients of a non-leaf tensor; use detach()');
    this._requiresGrad = v;
  }
  /**
   * Gradient accumulated by backward(), for leaves that require grad. Reading it hands the
   * tensor out: disposing the leaf then leaves it to its reader (see releaseGrad) instead of
   * freeing it.
   */
  get grad(): Tensor | null {
    const g = this._grad;
    if (g !== null) g._handedOut = true;
    return g;
  }
  set grad(g: Tensor | null) {
    this._grad = g;
  }
  /** The gradient without handing it out: for engine code that reads it and lets it go (optimizers, backward). */
  get ownedGrad(): Tensor | null {
    return this._grad;
  }
  /** Whether `.grad` handed this tensor out (someone may hold it beyond its leaf). */
  get handedOut(): boolean {
    return this._handedOut;
  }

  /** Sets requiresGrad in place and returns this, as torch's requires_grad_(). */
  requiresGrad_(v = true): this {
    this.requiresGrad = v;
    return this;
  }

  isContiguous(): boolean {
    let acc = 1;
    for (let i = this.ndim - 1; i >= 0; i--) {
      if (this.shape[i] !== 1 && this.strides[i] !== acc) return false;
      acc *= this.shape[i]!;
    }
    return true;
  }

  /** In-place writes to this tensor's storage so far: a cache of values derived from it is current while this is unchanged. */
  get version(): number {
    return this.storage.version;
  }

  /** Records an in-place write (in-place ops, optimizer steps, state-dict loads and gradcheck's perturbations call it). */
  bumpVersion(): void {
    this.storage.version++;
  }

  /** The strided read descriptor the kernels take. */
  ref(): Strided {
    this.assertAlive('read');
    if (this.storage.device !== deviceMemory()) this.wrongMemory();
    return { off: this.offset, strides: this.strides };
  }

  private wrongMemory(): never {
    const where = (m: DeviceMemory | null) => (m === null ? 'the wasm heap' : `${m.name} memory`);
    throw new DeviceError(`tensor ${fmtShape(this.shape)} lives in ${where(this.storage.device)} but the active backend computes in ${where(deviceMemory())}: create it (or copy it with tensor(await t.data(), ...)) under the active backend`);
  }

  /** Raises the typed error for a synchronous read of a tensor in device memory. */
  private deviceRead(op: string): never {
    throw new DeviceError(`${op}: tensor ${fmtShape(this.shape)} lives in ${this.storage.device!.name} memory, which reads back asynchronously: use await t.data()`);
  }

  assertAlive(op: string): void {
    if (this._disposed) throw new DendriteError(`${op}: tensor ${fmtShape(this.shape)} was disposed`);
  }

  /**
   * Frees this handle's hold on its storage (the block is freed when no view holds it), and its
   * .grad, which backward made for this tensor alone, unless `.grad` handed it out: then it
   * goes to its reader (releaseGrad), so a gradient someone holds is never freed under them.
   */
  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    if (this._registered) finalizer.unregister(this);
    this.gradFn = null;
    this.storage.release();
    const g = this._grad;
    if (g !== null) {
      this._grad = null;
      if (g._handedOut) releaseGrad(g);
      else g.dispose();
    }
  }

  /** Copies the elements out, in row-major order, into a new typed array. */
  dataSync(): Float32Array | Float64Array | Int32Array {
    this.assertAlive('dataSync');
    if (this.storage.device !== null) this.deviceRead('dataSync');
    const n = this.numel;
    const h = heap();
    if (this.isContiguous()) {
      const v = h.view(this.dtype);
      return v.slice(this.offset, this.offset + n);
    }
    const tmp = Tensor.empty(this.shape, this.dtype);
    backend().copy(this.dtype, this.dtype, this.shape, this.ref(), tmp.ref());
    const out = h.view(this.dtype).slice(tmp.offset, tmp.offset + n);
    tmp.dispose();
    return out;
  }

  /** Asynchronous read-back; CPU backends resolve at once, a GPU's once its queued kernels have run. */
  async data(): Promise<Float32Array | Float64Array | Int32Array> {
    const dev = this.storage.device;
    if (dev === null) return this.dataSync();
    this.assertAlive('data');
    if (this.isContiguous()) return dev.read(this.dtype, this.offset, this.numel);
    const tmp = Tensor.empty(this.shape, this.dtype, 'data');
    try {
      backend().copy(this.dtype, this.dtype, this.shape, this.ref(), tmp.ref());
      return await dev.read(this.dtype, tmp.offset, this.numel);
    } finally {
      tmp.dispose();
    }
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.numel !== 1) throw new ShapeError(`item: tensor of shape ${fmtShape(this.shape)} has ${this.numel} elements, expected 1`);
    this.assertAlive('item');
    if (this.storage.device !== null) this.deviceRead('item');
    return heap().view(this.dtype)[this.offset]!;
  }

  /** Nested arrays, as torch's tolist(). */
  tolist(): unknown {
    const d = this.dataSync();
    if (this.ndim === 0) return d[0];
    const build = (dim: number, off: number): unknown[] => {
      const n = this.shape[dim]!;
      const step = numel(this.shape.slice(dim + 1));
      const out: unknown[] = [];
      for (let i = 0; i < n; i++) out.push(dim === this.ndim - 1 ? d[off + i] : build(dim + 1, off + i * step));
      return out;
    };
    return build(0, 0);
  }

  toString(): string {
    if (this._disposed) return `Tensor(disposed, shape=${fmtShape(this.shape)})`;
    if (this.storage.device !== null) return `tensor(<in ${this.storage.device.name} memory: await t.data()>, shape=${fmtShape(this.shape)}, dtype=${this.dtype})`;
    const n = this.numel;
    const d = n <= 1000 ? JSON.stringify(this.tolist()) : `[${[...this.dataSync().slice(0, 6)].join(', ')}, ...]`;
    return `tensor(${d}, shape=${fmtShape(this.shape)}, dtype=${this.dtype}${this.requiresGrad ? ', requiresGrad=true' : ''})`;
  }
}

/** Copies JS numbers into a new contiguous tensor. */
export function fromValues(values: ArrayLike<number>, shape: Shape, dtype: DType, op = 'tensor'): Tensor {
  const t = Tensor.empty(shape, dtype, op);
  const n = t.numel;
  if (values.length !== n) throw new ShapeError(`tensor: ${values.length} values do not fill shape ${fmtShape(shape)} (${n} elements)`);
  const dev = t.storage.device;
  if (dev !== null) {
    const staged = dtype === 'int32' ? (values instanceof Int32Array ? values : Int32Array.from(values, (x) => Math.trunc(x))) : values instanceof Float32Array ? values : Float32Array.from(values);
    dev.upload(dtype, t.offset, staged);
    return t;
  }
  const v = heap().view(dtype);
  // typed arrays copy in one block move (an Int32Array needs no truncation)
  if (values instanceof Int32Array || (dtype !== 'int32' && ArrayBuffer.isView(values))) v.set(values as unknown as ArrayLike<number>, t.offset);
  else if (dtype === 'int32') for (let i = 0; i < n; i++) v[t.offset + i] = Math.trunc(values[i]!);
  else for (let i = 0; i < n; i++) v[t.offset + i] = values[i]!;
  return t;
}
