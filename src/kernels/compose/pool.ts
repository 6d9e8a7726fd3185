// Average pooling from the core: im2col gathers each window (padding reads as 0), a sum over
// the window rows and a division by the window's count. The counts are the same windows summed
// over a plane of ones: the padded plane with countIncludePad (windows clipped at its far edge,
// as PyTorch's divisor), the image alone without.

import type { CoreBackend, Window2d } from '../backend.js';
import type { DType, Heap } from '../heap.js';
import { withScratch, type Scratch } from './scratch.js';

/** The divisor of each of the OH·OW windows. */
function counts(b: CoreBackend, s: Scratch, dt: DType, g: Window2d, countIncludePad: boolean): number {
  const geo = countIncludePad ? { ...g, H: g.H + 2 * g.ph, W: g.W + 2 * g.pw, ph: 0, pw: 0 } : g;
  const L = g.OH * g.OW;
  const ones = s.take(geo.H * geo.W);
  const cols = s.take(g.kh * g.kw * L);
  const count = s.take(L);
  b.fill(dt, ones, geo.H * geo.W, 1);
  b.im2col(dt, ones, 1, 1, geo, cols);
  b.reduce('sum', dt, cols, 1, g.kh * g.kw, L, count);
  return count;
}

export function avgPool2d(b: CoreBackend, h: Heap, dt: DType, x: number, planes: number, g: Window2d, countIncludePad: boolean, dst: number): void {
  const L = g.OH * g.OW;
  const kk = g.kh * g.kw;
  if (planes * L === 0) return;
  withScratch(h, dt, (s) => {
    const cols = s.take(planes * kk * L);
    b.im2col(dt, x, planes, 1, g, cols);
    b.reduce('sum', dt, cols, planes, kk, L, dst);
    const count = counts(b, s, dt, g, countIncludePad);
    b.binary('div', dt, dt, [planes, L], { off: dst, strides: [L, 1] }, { off: count, strides: [0, 1] }, dst);
  });
}

export function avgPool2dBackward(b: CoreBackend, h: Heap, dt: DType, dy: number, planes: number, g: Window2d, countIncludePad: boolean, dx: number): void {
  const L = g.OH * g.OW;
  const kk = g.kh * g.kw;
  if (planes * L === 0) return;
  withScratch(h, dt, (s) => {
    const count = counts(b, s, dt, g, countIncludePad);
    const q = s.take(planes * L);
    b.binary('div', dt, dt, [planes, L], { off: dy, strides: [L, 1] }, { off: count, strides: [0, 1] }, q);
    // every window row gets its window's share; col2im adds them into dx
    const cols = s.take(planes * kk * L);
    b.copy(dt, dt, [planes, kk, L], { off: q, strides: [L, 0, 1] }, { off: cols, strides: [kk * L, L, 1] });
    b.col2im(dt, cols, planes, 1, g, dx);
  });
}
