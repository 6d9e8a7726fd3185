// How much tensor memory the process holds, for metrics and leak checks, without handing the
// heap itself to the floors above (a GPU backend will answer for its own buffers here).

import { deviceMemory, heap } from '../kernels/heap.js';

export interface MemoryStats {
  /** Bytes held by live tensor blocks (size classes, so at least the tensors' bytes). */
  bytesInUse: number;
  /** Bytes of tensor memory ever handed out: the high-water mark. */
  highWaterBytes: number;
}

export function memoryStats(): MemoryStats {
  const h = deviceMemory() ?? heap();
  return { bytesInUse: h.bytesInUse, highWaterBytes: h.highWater };
}
