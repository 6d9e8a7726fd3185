// Copies a tensor's elements straight into a caller's typed array (a SharedArrayBuffer that
// other threads read, e.g. a data-parallel gradient slot), without the intermediate array that
// dataSync() allocates: one copy out of the heap instead of two on a per-step path.

import { DeviceError, DTypeError, ShapeError } from '../errors.js';
import { heap } from '../kernels/heap.js';
import type { Tensor } from './tensor.js';
import { fmtShape } from './shape.js';

/** Writes `t`'s elements, row-major, into dst[at, at + t.numel). */
export function copyInto(t: Tensor, dst: Float32Array | Int32Array, at = 0): void {
  t.assertAlive('copyInto');
  if (t.storage.device !== null) throw new DeviceError(`copyInto: tensor ${fmtShape(t.shape)} lives in ${t.storage.device.name} memory; read it with await t.data()`);
  const want = dst instanceof Float32Array ? 'float32' : 'int32';
  if (t.dtype !== want) throw new DTypeError(`copyInto: tensor is ${t.dtype}, the destination holds ${want}`);
  if (!Number.isInteger(at) || at < 0 || at + t.numel > dst.length) throw new ShapeError(`copyInto: ${t.numel} elements at ${at} do not fit a destination of ${dst.length}`);
  if (!t.isContiguous()) {
    dst.set(t.dataSync() as Float32Array | Int32Array, at);
    return;
  }
  dst.set(heap().view(t.dtype).subarray(t.offset, t.offset + t.numel) as Float32Array | Int32Array, at);
}
