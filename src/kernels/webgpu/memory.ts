/// <reference types="@webgpu/types" />
// The webgpu backend's address space and command stream.
//
// Design: the backend owns one storage buffer that plays the wasm heap's part. Tensors' element
// offsets index it, so the offset-based kernel seam maps onto the GPU unchanged; every kernel
// binds it whole (one binding: u32 words bitcast to f32 / i32, or vec4<f32>) with a 256-byte
// slot of a uniform buffer that holds the call's offsets, shapes and scalars (bound with a dynamic
// offset, so one bind group serves every dispatch). Data stays on the GPU between ops.
// Dispatches are recorded into one command encoder (one compute pass while nothing else
// intervenes) and submitted when data is read back, when the parameter slots run out, or at the
// end of the current synchronous run of JS (a microtask), so a training step is one submission.
// Uploads go through a buffer mapped at creation and a copy recorded in the same encoder, so
// they stay in order with the kernels (a block freed and reused by the next tensor is not
// overwritten before the kernels queued on its old contents have run). Reads copy into a
// MAP_READ staging buffer, taken from a small pool (a buffer made and destroyed per read cost
// more than the read on lavapipe; reads too big to pool get a buffer of their exact size), and
// resolve after mapAsync; each read also fetches the index-error record that indexing kernels
// write (wgsl_common.ts checkedIndex), clears it in the same command stream, and raises it as an
// IndexError, so a bad device index surfaces at the next read-back, once. The buffer grows by
// doubling (copied on the GPU) up to the device's maxStorageBufferBindingSize; past that an OutOfMemoryError (a DeviceError).
// float64 has no WGSL type: tensors in this memory are float32 or int32 (Tensor.empty refuses).

import { DeviceError, IndexError, OutOfMemoryError, ShapeError } from '../../errors.js';
import { Heap, ITEMSIZE, sizeClass, type DeviceMemory, type DType } from '../heap.js';
import { INDEX_FLAG_WORD, INDEX_OPS } from './wgsl_common.js';

/** u32 words in one dispatch's parameter slot (256 bytes: the largest uniform offset alignment). */
export const SLOT_WORDS = 64;
const SLOTS = 4096;
const INITIAL_BYTES = 16 << 20;
// the index-error record: [op code (0: none), the index, the size it indexed, unused]
const FLAG_BYTES = 16;
// blocks start past the record (and past 0: offset 0 is valid, but a zero offset in a dump stands out)
const FIRST = INDEX_FLAG_WORD * 4 + 256;
// read-back staging buffers kept for reuse: per size class (powers of two from 256 bytes), and in
// all; a larger read's buffer is made at its exact size and destroyed after
const STAGING_PER_CLASS = 4;
const STAGING_MAX_BYTES = 64 << 20;
const STAGING_MIN = 256;

/** What the read-back pool holds and has made (for tests and tuning). */
export interface StagingStats {
  /** Staging buffers created so far (a reused one is not counted again), and their bytes. */
  created: number;
  createdBytes: number;
  /** Buffers now waiting in the pool, and their bytes. */
  pooled: number;
  pooledBytes: number;
}

export class GpuMemory extends Heap implements DeviceMemory {
  readonly name = 'webgpu';
  buffer: GPUBuffer;
  private size: number;
  private readonly limit: number;
  private next = FIRST;
  private readonly free_ = new Map<number, number[]>();
  private readonly blocks = new Map<number, number>();
  private live = 0;

  readonly paramsBuf: GPUBuffer;
  private readonly params = new ArrayBuffer(SLOTS * SLOT_WORDS * 4);
  readonly pu32 = new Uint32Array(this.params);
  readonly pi32 = new Int32Array(this.params);
  readonly pf32 = new Float32Array(this.params);
  private slot = 0;
  /** Workgroups a dispatch may have along each axis (the device's limit, read once). */
  readonly maxGroups: number;

  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private bindGroup: GPUBindGroup | null = null;
  private readonly doomed: GPUBuffer[] = [];
  private readonly staging = new Map<number, GPUBuffer[]>();
  private stagingBytes = 0;
  private stagingCount = 0;
  private stagingCreated = 0;
  private stagingCreatedBytes = 0;
  private flushQueued = false;
  private error: Error | null = null;
  /** Submissions so far (a training step should add one). */
  submits = 0;

  constructor(readonly device: GPUDevice, readonly layout: GPUBindGroupLayout) {
    // the base class's wasm memory stays at one page: nothing is ever allocated there
    super({ initialPages: 1, maximumPages: 1, shared: false });
    const lim = device.limits;
    this.maxGroups = lim.maxComputeWorkgroupsPerDimension;
    this.limit = Math.min(lim.maxStorageBufferBindingSize, lim.maxBufferSize) & ~255;
    this.size = Math.min(INITIAL_BYTES, this.limit);
    this.buffer = this.makeBuffer(this.size);
    this.paramsBuf = device.createBuffer({ size: this.params.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    device.addEventListener('uncapturederror', (e) => {
      this.error ??= new DeviceError(`webgpu: ${(e as GPUUncapturedErrorEvent).error.message}`);
    });
    void device.lost.then((info) => {
      this.error ??= new DeviceError(`webgpu: device lost (${info.reason}): ${info.message}`);
    });
  }

  private makeBuffer(size: number): GPUBuffer {
    return this.device.createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
  }

  /** The most bytes tensor memory may grow to (the device's binding limit). */
  get maxBytes(): number {
    return this.limit;
  }

  override get highWater(): number {
    return this.next;
  }

  override alloc(bytes: number): number {
    const size = sizeClass(bytes);
    const list = this.free_.get(size);
    let off: number;
    if (list !== undefined && list.length > 0) off = list.pop()!;
    else {
      off = this.next;
      const end = off + size;
      if (end > this.size) this.grow(end);
      this.next = end;
    }
    this.blocks.set(off, size);
    this.live += size;
    this.bytesInUse = this.live;
    return off;
  }

  override free(off: number): void {
    const size = this.blocks.get(off);
    if (size === undefined) throw new DeviceError(`webgpu: free of unknown block at ${off}`);
    this.blocks.delete(off);
    this.live -= size;
    this.bytesInUse = this.live;
    let list = this.free_.get(size);
    if (list === undefined) this.free_.set(size, (list = []));
    list.push(off);
  }

  private grow(end: number): void {
    if (end > this.limit) {
      throw new OutOfMemoryError(`webgpu: tensor memory would reach ${end} bytes, past the device's limit of ${this.limit} (maxStorageBufferBindingSize); free tensors or use smaller batches`);
    }
    let size = this.size;
    while (size < end) size *= 2;
    size = Math.min(size, this.limit);
    const bigger = this.makeBuffer(size);
    const enc = this.commands();
    this.endPass();
    enc.copyBufferToBuffer(this.buffer, 0, bigger, 0, this.next);
    this.doomed.push(this.buffer);
    this.buffer = bigger;
    this.size = size;
    this.bindGroup = null;
  }

  private commands(): GPUCommandEncoder {
    if (this.encoder === null) {
      this.encoder = this.device.createCommandEncoder();
      if (!this.flushQueued) {
        this.flushQueued = true;
        queueMicrotask(() => {
          this.flushQueued = false;
          this.flush();
        });
      }
    }
    return this.encoder;
  }

  private endPass(): void {
    if (this.pass !== null) {
      this.pass.end();
      this.pass = null;
    }
  }

  /** A fresh parameter slot for the next dispatch: its first word index (zeroed). */
  paramSlot(): number {
    if (this.slot === SLOTS) this.flush();
    const base = this.slot * SLOT_WORDS;
    this.pu32.fill(0, base, base + SLOT_WORDS);
    return base;
  }

  /** Records a dispatch of `pipeline` over (x, y, z) workgroups with the slot paramSlot() returned. */
  dispatch(pipeline: GPUComputePipeline, x: number, y = 1, z = 1): void {
    // past the limit WebGPU's validation drops the dispatch with only an uncaptured error,
    // leaving the output unwritten: refuse it here, where the caller is still on the stack
    const most = this.maxGroups;
    if (x > most || y > most || z > most) {
      throw new ShapeError(`webgpu dispatch: (${x}, ${y}, ${z}) workgroups, past the device's ${most} per dimension`);
    }
    const s = this.slot++;
    if (x === 0 || y === 0 || z === 0) return;
    const enc = this.commands();
    if (this.pass === null) this.pass = enc.beginComputePass();
    this.bindGroup ??= this.device.createBindGroup({
      layout: this.layout,
      entries: [
        { binding: 0, resource: { buffer: this.buffer } },
        { binding: 1, resource: { buffer: this.paramsBuf, size: SLOT_WORDS * 4 } },
      ],
    });
    this.pass.setPipeline(pipeline);
    this.pass.setBindGroup(0, this.bindGroup, [s * SLOT_WORDS * 4]);
    this.pass.dispatchWorkgroups(x, y, z);
  }

  /** Submits what is recorded (no wait). */
  flush(): void {
    if (this.encoder === null) return;
    this.endPass();
    const cmd = this.encoder.finish();
    this.encoder = null;
    if (this.slot > 0) this.device.queue.writeBuffer(this.paramsBuf, 0, this.params, 0, this.slot * SLOT_WORDS * 4);
    this.slot = 0;
    this.device.queue.submit([cmd]);
    this.submits++;
    // staging and outgrown buffers are destroyed once the GPU is done with them (destroying
    // them right after submit crashed Dawn on lavapipe)
    if (this.doomed.length > 0) {
      const done = this.doomed.splice(0);
      void this.device.queue.onSubmittedWorkDone().then(() => {
        for (const b of done) b.destroy();
      });
    }
  }

  upload(dt: DType, off: number, values: Float32Array | Int32Array): void {
    this.check();
    const bytes = values.length * ITEMSIZE[dt];
    if (bytes === 0) return;
    const staging = this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.COPY_SRC, mappedAtCreation: true });
    const range = staging.getMappedRange();
    if (dt === 'int32') new Int32Array(range).set(values);
    else new Float32Array(range).set(values);
    staging.unmap();
    const enc = this.commands();
    this.endPass();
    enc.copyBufferToBuffer(staging, 0, this.buffer, off * 4, bytes);
    this.doomed.push(staging);
  }

  async read(dt: DType, off: number, n: number): Promise<Float32Array | Int32Array> {
    this.check();
    if (n === 0) return dt === 'int32' ? new Int32Array(0) : new Float32Array(0);
    const bytes = n * 4;
    const staging = this.takeStaging(FLAG_BYTES + bytes);
    const enc = this.commands();
    this.endPass();
    enc.copyBufferToBuffer(this.buffer, INDEX_FLAG_WORD * 4, staging, 0, FLAG_BYTES);
    // cleared right after it is copied, in the same stream: this read alone raises it, and what
    // work submitted later records stays for the next read
    enc.clearBuffer(this.buffer, INDEX_FLAG_WORD * 4, FLAG_BYTES);
    enc.copyBufferToBuffer(this.buffer, off * 4, staging, FLAG_BYTES, bytes);
    this.flush();
    try {
      await staging.mapAsync(GPUMapMode.READ, 0, FLAG_BYTES + bytes);
    } catch (e) {
      staging.destroy();
      this.check();
      throw new DeviceError(`webgpu: read-back of ${n} elements failed: ${String(e)}`);
    }
    const range = staging.getMappedRange(0, FLAG_BYTES + bytes);
    const flag = Int32Array.from(new Int32Array(range, 0, 3));
    const copy = range.slice(FLAG_BYTES);
    staging.unmap();
    this.giveStaging(staging);
    this.check();
    if (flag[0] !== 0) {
      const opName = INDEX_OPS[flag[0]! - 1] ?? `indexing kernel ${flag[0]}`;
      throw new IndexError(`webgpu ${opName}: index ${flag[1]} is out of bounds for size ${flag[2]} (a device index, checked on the GPU: raised at the first read-back after it)`);
    }
    return dt === 'int32' ? new Int32Array(copy) : new Float32Array(copy);
  }

  /**
   * A MAP_READ buffer for `bytes` (a multiple of 4): a power of two from the pool, or a new one;
   * past what the pool holds, a new one of exactly `bytes` (doubling a big read could pass
   * maxBufferSize, and such a buffer is never pooled).
   */
  private takeStaging(bytes: number): GPUBuffer {
    let size = STAGING_MIN;
    while (size < bytes) size *= 2;
    if (size > STAGING_MAX_BYTES) size = bytes;
    const b = this.staging.get(size)?.pop();
    if (b !== undefined) {
      this.stagingBytes -= size;
      this.stagingCount--;
      return b;
    }
    this.stagingCreated++;
    this.stagingCreatedBytes += size;
    return this.device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  }

  /** Returns an unmapped staging buffer to the pool, or destroys it when the pool is full. */
  private giveStaging(b: GPUBuffer): void {
    const size = b.size;
    if (size > STAGING_MAX_BYTES) {
      b.destroy(); // unmapped, and the copy into it has run
      return;
    }
    let list = this.staging.get(size);
    if (list === undefined) this.staging.set(size, (list = []));
    if (list.length >= STAGING_PER_CLASS || this.stagingBytes + size > STAGING_MAX_BYTES) {
      b.destroy();
      return;
    }
    list.push(b);
    this.stagingBytes += size;
    this.stagingCount++;
  }

  /** The read-back pool's counts. */
  stagingStats(): StagingStats {
    return { created: this.stagingCreated, createdBytes: this.stagingCreatedBytes, pooled: this.stagingCount, pooledBytes: this.stagingBytes };
  }

  /** Resolves when everything submitted so far has run. */
  async sync(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    this.check();
  }

  /** Raises the first error the device reported (validation, out of memory, loss). */
  check(): void {
    if (this.error !== null) throw this.error;
  }
}
