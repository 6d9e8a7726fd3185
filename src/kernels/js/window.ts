// Reference window kernels: im2col/col2im for convolution, max/avg/adaptive pooling.
// Planes are (H, W) images laid out one after another; 1-D ops pass H = 1.

import type { ColStrides, Window2d } from '../backend.js';
import type { Heap, DType } from '../heap.js';

export function im2col(h: Heap, dt: DType, x: number, N: number, C: number, g: Window2d, dst: number, cols?: ColStrides): void {
  const V = h.view(dt);
  const { kh, kw, sh, sw, ph, pw, dh, dw, H, W, OH, OW } = g;
  const rs = cols?.row ?? OH * OW;
  const is = cols?.image ?? C * kh * kw * OH * OW;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const plane = x + (n * C + c) * H * W;
      for (let ki = 0; ki < kh; ki++) {
        for (let kj = 0; kj < kw; kj++) {
          let o = dst + n * is + ((c * kh + ki) * kw + kj) * rs;
          for (let oy = 0; oy < OH; oy++) {
            const iy = oy * sh - ph + ki * dh;
            if (iy < 0 || iy >= H) {
              V.fill(0, o, o + OW);
              o += OW;
              continue;
            }
            const row = plane + iy * W;
            let ix = kj * dw - pw;
            for (let ox = 0; ox < OW; ox++, ix += sw) V[o++] = ix >= 0 && ix < W ? V[row + ix]! : 0;
          }
        }
      }
    }
  }
}

/** Direct convolution at stride 1, dilation 1 (Backend.convDirect); sums each output in float64. */
export function convDirect(h: Heap, dt: DType, x: number, N: number, C: number, O: number, g: Window2d, w: number, bias: number, y: number): void {
  const V = h.view(dt);
  const { kh, kw, ph, pw, H, W, OH, OW } = g;
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      const out = y + (n * O + o) * OH * OW;
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          let s = bias >= 0 ? V[bias + o]! : 0;
          for (let c = 0; c < C; c++) {
            const plane = x + (n * C + c) * H * W;
            const wk = w + (o * C + c) * kh * kw;
            for (let ky = 0; ky < kh; ky++) {
              const iy = oy + ky - ph;
              if (iy < 0 || iy >= H) continue;
              for (let kx = 0; kx < kw; kx++) {
                const ix = ox + kx - pw;
                if (ix >= 0 && ix < W) s += V[wk + ky * kw + kx]! * V[plane + iy * W + ix]!;
              }
            }
          }
          V[out + oy * OW + ox] = s;
        }
      }
    }
  }
}

/** Weight gradient of convDirect: dw[o, c, ky, kx] = Σ dy[n, o, oy, ox] · x[n, c, oy + ky − ph, ox + kx − pw]. */
export function convDirectWeightGrad(h: Heap, dt: DType, x: number, dy: number, N: number, C: number, O: number, g: Window2d, dw: number): void {
  const V = h.view(dt);
  const { kh, kw, ph, pw, H, W, OH, OW } = g;
  for (let o = 0; o < O; o++) {
    for (let c = 0; c < C; c++) {
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++) {
          let s = 0;
          for (let n = 0; n < N; n++) {
            const plane = x + (n * C + c) * H * W;
            const d = dy + (n * O + o) * OH * OW;
            for (let oy = 0; oy < OH; oy++) {
              const iy = oy + ky - ph;
              if (iy < 0 || iy >= H) continue;
              for (let ox = 0; ox < OW; ox++) {
                const ix = ox + kx - pw;
                if (ix >= 0 && ix < W) s += V[d + oy * OW + ox]! * V[plane + iy * W + ix]!;
              }
            }
          }
          V[dw + ((o * C + c) * kh + ky) * kw + kx] = s;
        }
      }
    }
  }
}

export function col2im(h: Heap, dt: DType, col: number, N: number, C: number, g: Window2d, dst: number, cols?: ColStrides): void {
  const V = h.view(dt);
  const { kh, kw, sh, sw, ph, pw, dh, dw, H, W, OH, OW } = g;
  const rs = cols?.row ?? OH * OW;
  const is = cols?.image ?? C * kh * kw * OH * OW;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const plane = dst + (n * C + c) * H * W;
      for (let ki = 0; ki < kh; ki++) {
        for (let kj = 0; kj < kw; kj++) {
          let o = col + n * is + ((c * kh + ki) * kw + kj) * rs;
          for (let oy = 0; oy < OH; oy++) {
            const iy = oy * sh - ph + ki * dh;
            if (iy < 0 || iy >= H) {
              o += OW;
              continue;
            }
            const row = plane + iy * W;
            let ix = kj * dw - pw;
            for (let ox = 0; ox < OW; ox++, ix += sw, o++) if (ix >= 0 && ix < W) V[row + ix] += V[o]!;
          }
        }
      }
    }
  }
}

export function maxPool2d(h: Heap, dt: DType, x: number, planes: number, g: Window2d, dst: number, idx: number): void {
  const V = h.view(dt);
  const I = h.i32;
  const { kh, kw, sh, sw, ph, pw, dh, dw, H, W, OH, OW } = g;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const plane = x + p * H * W;
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++, o++) {
        let best = -Infinity;
        let bi = -1;
        for (let ki = 0; ki < kh; ki++) {
          const iy = oy * sh - ph + ki * dh;
          if (iy < 0 || iy >= H) continue;
          for (let kj = 0; kj < kw; kj++) {
            const ix = ox * sw - pw + kj * dw;
            if (ix < 0 || ix >= W) continue;
            const v = V[plane + iy * W + ix]!;
            if (v > best || v !== v || bi < 0) {
              best = v;
              bi = iy * W + ix;
              if (v !== v) break;
            }
          }
        }
        V[dst + o] = best;
        I[idx + o] = bi;
      }
    }
  }
}

export function maxPool2dBackward(h: Heap, dt: DType, dy: number, idx: number, planes: number, g: Window2d, dx: number): void {
  const V = h.view(dt);
  const I = h.i32;
  const HW = g.H * g.W;
  const L = g.OH * g.OW;
  for (let p = 0; p < planes; p++) {
    const base = dx + p * HW;
    for (let q = 0; q < L; q++) {
      const k = p * L + q;
      const i = I[idx + k]!;
      if (i >= 0) V[base + i] += V[dy + k]!;
    }
  }
}

/** Window bounds and divisor of one avg-pool output, as PyTorch computes them. */
function avgWindow(o: number, s: number, p: number, k: number, size: number): [number, number, number] {
  const start = o * s - p;
  const endPad = Math.min(start + k, size + p); // the window may reach into right padding
  const lo = Math.max(start, 0);
  const hi = Math.min(start + k, size);
  return [lo, hi, endPad - start];
}

export function avgPool2d(h: Heap, dt: DType, x: number, planes: number, g: Window2d, countIncludePad: boolean, dst: number): void {
  const V = h.view(dt);
  const { kh, kw, sh, sw, ph, pw, H, W, OH, OW } = g;
  let o = dst;
  for (let p = 0; p < planes; p++) {
    const plane = x + p * H * W;
    for (let oy = 0; oy < OH; oy++) {
      const [y0, y1, ny] = avgWindow(oy, sh, ph, kh, H);
      for (let ox = 0; ox < OW; ox++) {
        const [x0, x1, nx] = avgWindow(ox, sw, pw, kw, W);
        let s = 0;
        for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) s += V[plane + iy * W + ix]!;
        const div = countIncludePad ? ny * nx : (y1 - y0) * (x1 - x0);
        V[o++] = s / div;
      }
    }
  }
}

export function avgPool2dBackward(h: Heap, dt: DType, dy: number, planes: number, g: Window2d, countIncludePad: boolean, dx: number): void {
  const V = h.view(dt);
  const { kh, kw, sh, sw, ph, pw, H, W, OH, OW } = g;
  let o = dy;
  for (let p = 0; p < planes; p++) {
    const plane = dx + p * H * W;
    for (let oy = 0; oy < OH; oy++) {
      const [y0, y1, ny] = avgWindow(oy, sh, ph, kh, H);
      for (let ox = 0; ox < OW; ox++) {
        const [x0, x1, nx] = avgWindow(ox, sw, pw, kw, W);
        const div = countIncludePad ? ny * nx : (y1 - y0) * (x1 - x0);
        const gv = V[o++]! / div;
        for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) V[plane + iy * W + ix] += gv;
      }
    }
  }
}

// Adaptive pooling windows: [floor(i*in/out), ceil((i+1)*in/out)), as PyTorch.
const aStart = (i: number, inp: number, out: number) => Math.floor((i * inp) / out);
const aEnd = (i: number, inp: number, out: number) => Math.ceil(((i + 1) * inp) / out);

export function adaptiveAvgPool2d(h: Heap, dt: DType, x: number, planes: number, H: number, W: number, OH: number, OW: number, dst: number): void {
  const V = h.view(dt);
  let o = dst;
  for (let p = 0; p < planes; p++) {
    const plane = x + p * H * W;
    for (let oy = 0; oy < OH; oy++) {
      const y0 = aStart(oy, H, OH), y1 = aEnd(oy, H, OH);
      for (let ox = 0; ox < OW; ox++) {
        const x0 = aStart(ox, W, OW), x1 = aEnd(ox, W, OW);
        let s = 0;
        for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) s += V[plane + iy * W + ix]!;
        V[o++] = s / ((y1 - y0) * (x1 - x0));
      }
    }
  }
}

export function adaptiveAvgPool2dBackward(h: Heap, dt: DType, dy: number, planes: number, H: number, W: number, OH: number, OW: number, dx: number): void {
  const V = h.view(dt);
  let o = dy;
  for (let p = 0; p < planes; p++) {
    const plane = dx + p * H * W;
    for (let oy = 0; oy < OH; oy++) {
      const y0 = aStart(oy, H, OH), y1 = aEnd(oy, H, OH);
      for (let ox = 0; ox < OW; ox++) {
        const x0 = aStart(ox, W, OW), x1 = aEnd(ox, W, OW);
        const gv = V[o++]! / ((y1 - y0) * (x1 - x0));
        for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) V[plane + iy * W + ix] += gv;
      }
    }
  }
}
