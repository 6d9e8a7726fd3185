// Binary morphology on volumes: grow a mask by whole voxels (6-connected steps), e.g. a brain
// mask taken from a segmentation grown by a rim of CSF, as a skull strip keeps one.

import { ArgumentError, ShapeError } from '../errors.js';

/** `mask` (non-zero = in) grown by `steps` 6-neighbour steps, i fastest; a new 0/1 array. */
export function dilateMask(mask: ArrayLike<number>, shape: readonly [number, number, number], steps: number): Uint8Array {
  const [nx, ny, nz] = shape;
  const n = nx * ny * nz;
  if (shape.length !== 3 || shape.some((d) => !Number.isInteger(d) || d < 1)) throw new ShapeError(`dilateMask: shape [${shape.join(', ')}] is not three positive integers`);
  if (mask.length !== n) throw new ShapeError(`dilateMask: ${mask.length} voxels for shape [${shape.join(', ')}]`);
  if (!Number.isInteger(steps) || steps < 0) throw new ArgumentError(`dilateMask: steps must be a non-negative integer, got ${steps}`);
  let cur = new Uint8Array(n);
  let front: number[] = [];
  for (let i = 0; i < n; i++) if (mask[i]) cur[i] = 1;
  // breadth-first: each step grows the previous step's new voxels (at first, the whole mask)
  for (let i = 0; i < n; i++) if (cur[i]) front.push(i);
  const sxy = nx * ny;
  for (let s = 0; s < steps && front.length > 0; s++) {
    const next: number[] = [];
    for (const i of front) {
      const x = i % nx, y = Math.floor(i / nx) % ny, z = Math.floor(i / sxy);
      if (x > 0 && !cur[i - 1]) { cur[i - 1] = 1; next.push(i - 1); }
      if (x < nx - 1 && !cur[i + 1]) { cur[i + 1] = 1; next.push(i + 1); }
      if (y > 0 && !cur[i - nx]) { cur[i - nx] = 1; next.push(i - nx); }
      if (y < ny - 1 && !cur[i + nx]) { cur[i + nx] = 1; next.push(i + nx); }
      if (z > 0 && !cur[i - sxy]) { cur[i - sxy] = 1; next.push(i - sxy); }
      if (z < nz - 1 && !cur[i + sxy]) { cur[i + sxy] = 1; next.push(i + sxy); }
    }
    front = next;
  }
  return cur;
}
