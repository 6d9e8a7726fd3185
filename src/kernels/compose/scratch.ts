// Scratch blocks for the compositions: element offsets of `dt` blocks, freed together.

import { ITEMSIZE, type DType, type Heap } from '../heap.js';

export class Scratch {
  private readonly blocks: number[] = [];
  constructor(private readonly h: Heap, private readonly dt: DType) {}

  /** A block of n elements; its element offset. */
  take(n: number): number {
    const off = this.h.alloc(Math.max(1, n) * ITEMSIZE[this.dt]);
    this.blocks.push(off);
    return off / ITEMSIZE[this.dt];
  }

  free(): void {
    for (const b of this.blocks) this.h.free(b);
    this.blocks.length = 0;
  }
}

/** Runs f with a scratch allocator, freeing its blocks after (also when f throws). */
export function withScratch<T>(h: Heap, dt: DType, f: (s: Scratch) => T): T {
  const s = new Scratch(h, dt);
  try {
    return f(s);
  } finally {
    s.free();
  }
}
