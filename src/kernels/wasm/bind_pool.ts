// The wasm bindings of max and average pooling (float32). Adaptive pooling stays with the reference.

import type { Backend } from '../backend.js';
import { task } from '../pool/protocol.js';
import type { WasmContext } from './context.js';
import { ELEMENTWISE_MIN, PARALLEL_MIN_FLOPS, ranges, splitParts, TASK_MIN_ELEMENTS } from './threads.js';

type Pooling = Pick<Backend, 'maxPool2d' | 'maxPool2dBackward' | 'avgPool2d' | 'avgPool2dBackward'>;

export function pooling(c: WasmContext): Pooling {
  const { k, pool, T } = c;
  return {
    maxPool2d(_dt, x, planes, g, dst, idx) {
      const geo = c.writeGeo(g);
      const L = g.OH * g.OW;
      // memory-bound: threaded by the elements read, like the elementwise kernels
      if (T === 1 || planes < 2 || planes * g.H * g.W < ELEMENTWISE_MIN) return k.maxPool2d(x * 4, planes, geo, dst * 4, idx * 4);
      pool.run(ranges(planes, splitParts(planes, g.H * g.W, T, TASK_MIN_ELEMENTS), 1).map(([s, e]) => task('maxPool2d', (x + s * g.H * g.W) * 4, e - s, geo, (dst + s * L) * 4, (idx + s * L) * 4)));
    },
    maxPool2dBackward(_dt, dy, idx, planes, g, dx) {
      const L = g.OH * g.OW;
      const HW = g.H * g.W;
      if (T === 1 || planes < 2 || planes * (L + HW) < ELEMENTWISE_MIN) return k.maxPool2dBackward(dy * 4, idx * 4, planes, HW, L, dx * 4);
      pool.run(ranges(planes, splitParts(planes, L + HW, T, TASK_MIN_ELEMENTS), 1).map(([s, e]) => task('maxPool2dBackward', (dy + s * L) * 4, (idx + s * L) * 4, e - s, HW, L, (dx + s * HW) * 4)));
    },
    avgPool2d(_dt, x, planes, g, cip, dst) {
      const geo = c.writeGeo(g);
      const L = g.OH * g.OW;
      if (T === 1 || planes < 2 || planes * L * g.kh * g.kw < PARALLEL_MIN_FLOPS) return k.avgPool2d(x * 4, planes, geo, cip ? 1 : 0, dst * 4);
      pool.run(ranges(planes, T, 1).map(([s, e]) => task('avgPool2d', (x + s * g.H * g.W) * 4, e - s, geo, cip ? 1 : 0, (dst + s * L) * 4)));
    },
    avgPool2dBackward(_dt, dy, planes, g, cip, dx) {
      const geo = c.writeGeo(g);
      const L = g.OH * g.OW;
      if (T === 1 || planes < 2 || planes * L * g.kh * g.kw < PARALLEL_MIN_FLOPS) return k.avgPool2dBackward(dy * 4, planes, geo, cip ? 1 : 0, dx * 4);
      pool.run(ranges(planes, T, 1).map(([s, e]) => task('avgPool2dBackward', (dy + s * L) * 4, e - s, geo, cip ? 1 : 0, (dx + s * g.H * g.W) * 4)));
    },
  };
}
