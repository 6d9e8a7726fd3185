/// <reference types="@webgpu/types" />
// The webgpu backend's convolution: the three passes of a grouped 2-D convolution as implicit
// GEMMs (wgsl_conv.ts), never a column buffer. Picks each call's tile to waste the fewest rows
// and columns, spills column tiles, row tiles and groups past the 65 535-workgroup limit into
// further dispatches, and splits the weight gradient's long reduction (N·OH·OW terms into a
// few dozen outputs) over workgroups whose partial sums one reduction then adds.

import type { ConvPaths, CoreBackend, Window2d } from '../backend.js';
import { f32Only } from './kernels.js';
import type { GpuMemory } from './memory.js';
import { convShader, TILE_COLS, TILE_ROWS, wideCols, type ConvPass } from './wgsl_conv.js';

const MAX_GROUPS = 65535;
// weight gradient: split the reduction until about this many workgroups run, each summing at
// least MIN_SPLIT terms, with at most MAX_PARTIAL floats of partial sums
const TARGET_GROUPS = 1024;
const MIN_SPLIT = 512;
const MAX_PARTIAL = 1 << 22;

type Pipe = (name: string, source: () => string) => GPUComputePipeline;

/**
 * The largest tile size (of `sizes`, ascending) that covers n with at most 1/8 more slots than
 * the tightest one: wide tiles where they waste little, narrow ones for thin outputs.
 */
function fit(n: number, sizes: readonly number[]): number {
  const cover = (s: number) => Math.ceil(n / s) * s;
  const least = Math.min(...sizes.map(cover));
  return sizes.filter((s) => cover(s) <= least * 1.125).pop()!;
}

export function webgpuConv(mem: GpuMemory, pipe: Pipe, core: Pick<CoreBackend, 'reduce' | 'fill'>): Pick<ConvPaths, 'convImplicit' | 'convImplicitBackwardInput' | 'convImplicitWeightGrad'> {
  const { pi32: S } = mem;

  /**
   * Records one pass: an M×cols GEMM on TM×TN tiles with reduction K per group (groups·splits
   * along z), cut into dispatches of at most MAX_GROUPS workgroups along each axis.
   */
  function run(pass: ConvPass, M: number, cols: number, K: number, splits: number, kPer: number, TM: number, TN: number, N: number, C: number, O: number, groups: number, g: Window2d, words: Record<number, number>): void {
    const p = pipe(`conv_${pass}_${TM}x${TN}`, () => convShader(pass, TM, TN));
    const [xs, ys] = [Math.ceil(cols / TN), Math.ceil(M / TM)];
    // whole groups per dispatch, each with all its splits (the weight gradient keeps splits
    // within MAX_GROUPS; were it not, the dispatch would refuse z rather than this loop spin)
    const gPer = Math.max(1, Math.floor(MAX_GROUPS / splits));
    for (let g0 = 0; g0 < groups; g0 += gPer) {
      for (let y0 = 0; y0 < ys; y0 += MAX_GROUPS) {
        for (let x0 = 0; x0 < xs; x0 += MAX_GROUPS) {
          const P = mem.paramSlot();
          const w = [M, cols, K, x0 * TN, kPer, splits, N, C, O, C / groups, O / groups, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.H, g.W, g.OH, g.OW];
          for (let k = 0; k < w.length; k++) S[P + k] = w[k]!;
          S[P + 25] = -1;
          for (const [k, v] of Object.entries(words)) S[P + Number(k)] = v;
          S[P + 36] = y0 * TM;
          S[P + 37] = g0;
          mem.dispatch(p, Math.min(MAX_GROUPS, xs - x0), Math.min(MAX_GROUPS, ys - y0), Math.min(gPer, groups - g0) * splits);
        }
      }
    }
  }

  return {
    convImplicit(dt, x, N, C, O, groups, g, w, bias, relu, y) {
      f32Only(dt, 'conv2d');
      const M = O / groups;
      const TM = fit(M, TILE_ROWS);
      const K = (C / groups) * g.kh * g.kw;
      run('fwd', M, N * g.OH * g.OW, K, 1, K, TM, wideCols(TM), N, C, O, groups, g, { 23: x, 24: w, 25: bias, 26: y, 27: relu ? 1 : 0 });
    },
    convImplicitBackwardInput(dt, dy, N, C, O, groups, g, w, dx) {
      f32Only(dt, 'conv2d backward (input)');
      // an axis with one output position and no padding (EEG nets' spatial convs, classifiers
      // over the whole image) has one tap per input position: its taps move from the reduction
      // to the rows, where otherwise all but one of them would gather zeros. Only where the
      // kernel fits in the image: 'same' padding puts a 2-tap kernel's second tap past a 1-wide
      // axis (padding after it, none before), a row a folded store would write into the next plane
      const fy = g.OH === 1 && g.ph === 0 && g.kh > 1 && (g.kh - 1) * g.dh < g.H;
      const fx = g.OW === 1 && g.pw === 0 && g.kw > 1 && (g.kw - 1) * g.dw < g.W;
      // positions no tap reaches (past the kernel, between dilated taps) are written by nothing
      if ((fy && (g.kh !== g.H || g.dh !== 1)) || (fx && (g.kw !== g.W || g.dw !== 1))) core.fill(dt, dx, N * C * g.H * g.W, 0);
      const [rh, rw, ch, cw, kh, kw] = [fy ? g.kh : 1, fx ? g.kw : 1, fy ? 1 : g.H, fx ? 1 : g.W, fy ? 1 : g.kh, fx ? 1 : g.kw];
      const M = (C / groups) * rh * rw;
      const TM = fit(M, TILE_ROWS);
      const K = (O / groups) * kh * kw;
      run('dgrad', M, N * ch * cw, K, 1, K, TM, wideCols(TM), N, C, O, groups, g, { 24: w, 26: dx, 28: dy, 30: rh, 31: rw, 32: ch, 33: cw, 34: kh, 35: kw });
    },
    convImplicitWeightGrad(dt, x, dy, N, C, O, groups, g, dw) {
      f32Only(dt, 'conv2d backward (weight)');
      const M = O / groups;
      const Kg = (C / groups) * g.kh * g.kw;
      const TM = fit(M, TILE_ROWS);
      // a thin output (few outputs × few taps): the narrowest tile that still has 16 threads
      const TN = fit(Kg, TILE_COLS.filter((n) => TM * n >= 256 && n <= wideCols(TM)));
      const K = N * g.OH * g.OW;
      const tiles = Math.ceil(M / TM) * Math.ceil(Kg / TN) * groups;
      let splits = Math.max(1, Math.min(Math.ceil(TARGET_GROUPS / tiles), Math.floor(K / MIN_SPLIT), Math.floor(MAX_PARTIAL / (O * Kg)), Math.floor(MAX_GROUPS / groups)));
      // (no images: one split, an empty loop, dw written as zeros)
      const kPer = Math.max(16, Math.ceil(K / splits / 16) * 16);
      splits = Math.max(1, Math.ceil(K / kPer));
      if (splits === 1) {
        run('wgrad', M, Kg, K, 1, kPer, TM, TN, N, C, O, groups, g, { 23: x, 26: dw, 28: dy, 29: 0 });
        return;
      }
      // partial sums (splits, O·Kg), added into dw by one reduction; freed at once (later
      // writes to the block queue after these kernels)
      const part = mem.alloc(splits * O * Kg * 4) / 4;
      try {
        run('wgrad', M, Kg, K, splits, kPer, TM, TN, N, C, O, groups, g, { 23: x, 26: part, 28: dy, 29: O * Kg });
        core.reduce('sum', dt, part, 1, splits, O * Kg, dw);
      } finally {
        mem.free(part * 4);
      }
    },
  };
}
