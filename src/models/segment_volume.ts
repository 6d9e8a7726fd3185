// Full-volume segmentation with a fully convolutional 3-D model (brainchop's MeshNets imported
// from TF.js, or any Module mapping (1, C, D, H, W) to (1, classes, D, H, W) with a known
// receptive field), in overlapping tiles so memory stays bounded.
//
// Tiles: the volume is split into cores; each tile is its core grown by the receptive field on
// every side (clipped at the volume's edge, where the model's own zero padding applies, as it
// does on the whole volume), and only the core's labels are kept. Every core voxel then sees
// exactly the inputs and intermediate values it sees in one full-volume pass, so seams change
// nothing. The split is the one computing the fewest voxels whose widest activation pair fits
// the memory budget (one tile, when the volume fits).
//
// Blocks (inferBlocks): a model whose normalisation takes statistics over its input (GroupNorm,
// LayerNorm: the 3-D U-Net) sees a whole volume, mostly background, unlike the patches it was
// trained on, and its whole-volume activations do not fit the wasm heap at 256³. Such a model runs
// on fixed blocks (default 64³) whose central cores (default 48³) tile the volume and are kept; each
// block reads zeros beyond the volume's edge. A block whose core holds no signal (every input 0:
// the background of a normalised, conformed or skull-stripped volume) is not run and is labelled
// background (class 0). Blocks differ from one whole-volume pass by the normalisation statistics,
// by what the margin cuts off, and within the model's reach of the volume's edge (a block reads
// zeros there, where a whole pass pads every layer with zeros); a model without input statistics
// and a margin ≥ its reach gives the whole pass's result everywhere else.
//
// Input conventions, as brainchop's own (niivue-brainchop's brainchop.js): the conformed
// volume's voxels are scaled to [0, 1] with the volume's min and max ((v − min) / (max − min),
// in float32), and the model sees the NIfTI voxel axes (i, j, k) as (D, H, W) — brainchop reads
// the slices as (k, j, i) and transposes them (`enableTranspose`) for these models. brainchop's
// optional bounding-box crop before inference is not applied: the whole volume is segmented.

import { ArgumentError, ShapeError } from '../errors.js';
import { noGrad } from '../autograd/grad_mode.js';
import { tensor } from '../tensor/creation.js';
import { tidy, type Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';
import { GroupNorm, LayerNorm } from '../nn/normalization.js';

/** A model segmentVolume can tile: its channel counts and its reach along (D, H, W). */
export interface VolumeModel extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  receptiveField(): { before: [number, number, number]; after: [number, number, number] };
  /** Channels of every layer (the widest sets the memory per voxel); outChannels when absent. */
  readonly steps?: readonly { kind: string; conv?: { outChannels: number } }[];
}

export interface TiledOptions {
  /** Bytes two activations of one tile may take (the widest layer's input and output); default 1 GiB. */
  maxActivationBytes?: number;
  /** Force the number of cores along (D, H, W) instead of choosing it. */
  splits?: [number, number, number];
  /** Also return the logits (classes, D, H, W); for tests and small volumes. */
  logits?: boolean;
}

export interface TiledResult {
  /** argmax over classes (first on ties), (D, H, W) C-order. */
  labels: Uint8Array;
  logits?: Float32Array;
  /** Cores along (D, H, W), and voxels computed over all tiles (≥ the volume's). */
  splits: [number, number, number];
  voxelsComputed: number;
}

interface Span { core: [number, number]; ext: [number, number] }

function spans(size: number, parts: number, before: number, after: number): Span[] {
  const out: Span[] = [];
  for (let i = 0; i < parts; i++) {
    const c0 = Math.floor((size * i) / parts);
    const c1 = Math.floor((size * (i + 1)) / parts);
    out.push({ core: [c0, c1], ext: [Math.max(0, c0 - before), Math.min(size, c1 + after)] });
  }
  return out;
}

const MAX_SPLIT = 16;

/** The split computing the fewest voxels with every tile within `maxVoxels`. */
function chooseSplits(dims: readonly number[], before: readonly number[], after: readonly number[], maxVoxels: number): [number, number, number] {
  let best: [number, number, number] | null = null;
  let bestCost = Infinity;
  const ext = (a: number, s: number) => spans(dims[a]!, s, before[a]!, after[a]!).map((p) => p.ext[1] - p.ext[0]);
  for (let sd = 1; sd <= Math.min(MAX_SPLIT, dims[0]!); sd++) {
    const ed = ext(0, sd);
    for (let sh = 1; sh <= Math.min(MAX_SPLIT, dims[1]!); sh++) {
      const eh = ext(1, sh);
      for (let sw = 1; sw <= Math.min(MAX_SPLIT, dims[2]!); sw++) {
        const ew = ext(2, sw);
        if (Math.max(...ed) * Math.max(...eh) * Math.max(...ew) > maxVoxels) continue;
        const cost = ed.reduce((a, b) => a + b, 0) * eh.reduce((a, b) => a + b, 0) * ew.reduce((a, b) => a + b, 0);
        if (cost < bestCost) {
          bestCost = cost;
          best = [sd, sh, sw];
        }
      }
    }
  }
  if (!best) throw new ArgumentError(`segmentVolume: no split of ${dims.join('x')} into at most ${MAX_SPLIT}³ tiles keeps a tile within ${maxVoxels} voxels; raise maxActivationBytes`);
  return best;
}

/**
 * Runs `model` over x (C, D, H, W) C-order in overlapping tiles; returns argmax labels (and
 * logits if asked). Gradients are off; each tile's tensors are freed before the next.
 */
export function inferTiled(model: VolumeModel, x: Float32Array, dims: readonly [number, number, number], opts: TiledOptions = {}): TiledResult {
  const [D, H, W] = dims;
  const C = model.inChannels;
  if (dims.some((d) => !Number.isInteger(d) || d < 1)) throw new ShapeError(`segmentVolume: volume dims ${dims.join('x')} must be positive integers`);
  if (x.length !== C * D * H * W) throw new ShapeError(`segmentVolume: ${x.length} voxels given for ${C} channel(s) of ${D}x${H}x${W}`);
  const K = model.outChannels;
  if (K > 256) throw new ArgumentError(`segmentVolume: ${K} classes do not fit uint8 labels`);
  const { before, after } = model.receptiveField();
  const widest = Math.max(C, K, ...(model.steps ?? []).map((s) => s.conv?.outChannels ?? 0));
  const budget = opts.maxActivationBytes ?? 2 ** 30;
  if (!(budget > 0)) throw new ArgumentError(`segmentVolume: maxActivationBytes must be positive, got ${budget}`);
  const splits = opts.splits ?? chooseSplits(dims, before, after, Math.floor(budget / (2 * 4 * widest)));
  if (splits.some((s, a) => !Number.isInteger(s) || s < 1 || s > dims[a]!)) throw new ArgumentError(`segmentVolume: splits ${splits.join(',')} must be integers in [1, dim]`);
  const sd = spans(D, splits[0], before[0], after[0]);
  const sh = spans(H, splits[1], before[1], after[1]);
  const sw = spans(W, splits[2], before[2], after[2]);
  const labels = new Uint8Array(D * H * W);
  const logits = opts.logits ? new Float32Array(K * D * H * W) : undefined;
  let computed = 0;
  const wasTraining = model.training;
  model.eval();
  try {
    for (const pd of sd) for (const ph of sh) for (const pw of sw) {
      const [d0, d1] = pd.ext, [h0, h1] = ph.ext, [w0, w1] = pw.ext;
      const td = d1 - d0, th = h1 - h0, tw = w1 - w0;
      computed += td * th * tw;
      const tile = new Float32Array(C * td * th * tw);
      for (let c = 0; c < C; c++) {
        for (let d = 0; d < td; d++) {
          for (let h = 0; h < th; h++) {
            const src = ((c * D + d0 + d) * H + h0 + h) * W + w0;
            tile.set(x.subarray(src, src + tw), ((c * td + d) * th + h) * tw);
          }
        }
      }
      const out = noGrad(() => {
        const xt = tensor(tile, { shape: [1, C, td, th, tw] });
        const y = model.call(xt) as Tensor;
        // a model that changes the size ('valid' padding, strides) would be read past each tile's end
        if (y.ndim !== 5 || y.shape[0] !== 1 || y.shape[2] !== td || y.shape[3] !== th || y.shape[4] !== tw) throw new ShapeError(`inferTiled: the model maps a [1, ${C}, ${td}, ${th}, ${tw}] tile to [${y.shape.join(', ')}]; tiled inference needs a model that keeps the spatial size`);
        const v = y.dataSync() as Float32Array;
        if (y !== xt) y.dispose();
        xt.dispose();
        return v;
      });
      const tv = td * th * tw;
      for (let d = pd.core[0]; d < pd.core[1]; d++) {
        for (let h = ph.core[0]; h < ph.core[1]; h++) {
          for (let w = pw.core[0]; w < pw.core[1]; w++) {
            const t = ((d - d0) * th + (h - h0)) * tw + (w - w0);
            const o = (d * H + h) * W + w;
            let best = 0;
            let bv = out[t]!;
            for (let k = 1; k < K; k++) {
              const v = out[k * tv + t]!;
              if (v > bv) {
                bv = v;
                best = k;
              }
            }
            labels[o] = best;
            if (logits) for (let k = 0; k < K; k++) logits[k * D * H * W + o] = out[k * tv + t]!;
          }
        }
      }
    }
  } finally {
    if (wasTraining) model.train();
  }
  return { labels, ...(logits ? { logits } : {}), splits, voxelsComputed: computed };
}

export interface BlockOptions {
  /** Block side in voxels (default 64; a U-Net needs a multiple of 2^(levels−1)). */
  block?: number;
  /** Side of the central core kept from each block (default 48; block − core even, ≥ 0). */
  core?: number;
  /** Also return softmax probabilities (classes, D, H, W); skipped blocks get background 1. */
  probabilities?: boolean;
}

export interface BlockResult {
  labels: Uint8Array;
  probabilities?: Float32Array;
  /** Blocks run, and blocks skipped for having no signal in their core. */
  blocks: number;
  skipped: number;
}

/** Whether `model` normalises with statistics of its own input (then blocks, not tiles, match training). */
export function usesInputStatistics(model: Module): boolean {
  for (const m of model.modules()) if (m instanceof GroupNorm || m instanceof LayerNorm) return true;
  return false;
}

/**
 * Runs a one-channel `model` over x (D, H, W) C-order in blocks (see the file's header); returns
 * argmax labels (first on ties) and, if asked, softmax probabilities. Memory: one block's
 * activations at a time.
 */
export function inferBlocks(model: VolumeModel, x: Float32Array, dims: readonly [number, number, number], opts: BlockOptions = {}): BlockResult {
  const [D, H, W] = dims;
  const T = opts.block ?? 64, C = opts.core ?? 48;
  if (dims.length !== 3 || dims.some((d) => !Number.isInteger(d) || d < 1)) throw new ShapeError(`inferBlocks: volume dims ${dims.join('x')} must be three positive integers`);
  if (model.inChannels !== 1) throw new ShapeError(`inferBlocks: the model takes ${model.inChannels} channels; blocks are cut from a one-channel volume`);
  if (x.length !== D * H * W) throw new ShapeError(`inferBlocks: ${x.length} voxels given for ${D}x${H}x${W}`);
  if (!Number.isInteger(T) || T < 1 || T > 512) throw new ArgumentError(`inferBlocks: block ${T} must be an integer in [1, 512]`);
  if (!Number.isInteger(C) || C < 1 || C > T || (T - C) % 2 !== 0) throw new ArgumentError(`inferBlocks: core ${C} must be an integer in [1, block ${T}] with block − core even`);
  const K = model.outChannels;
  if (K > 256) throw new ArgumentError(`inferBlocks: ${K} classes do not fit uint8 labels`);
  const M = (T - C) / 2, N = D * H * W, TV = T * T * T;
  const labels = new Uint8Array(N);
  const probs = opts.probabilities ? new Float32Array(K * N) : undefined;
  if (probs) probs.fill(1, 0, N);
  const block = new Float32Array(TV);
  let blocks = 0, skipped = 0;
  const wasTraining = model.training;
  model.eval();
  try {
    for (let d0 = 0; d0 < D; d0 += C) for (let h0 = 0; h0 < H; h0 += C) for (let w0 = 0; w0 < W; w0 += C) {
      const d1 = Math.min(D, d0 + C), h1 = Math.min(H, h0 + C), w1 = Math.min(W, w0 + C);
      let signal = false;
      for (let d = d0; d < d1 && !signal; d++) for (let h = h0; h < h1 && !signal; h++) {
        const o = (d * H + h) * W;
        for (let w = w0; w < w1; w++) if (x[o + w] !== 0) { signal = true; break; }
      }
      if (!signal) {
        skipped++;
        continue;
      }
      blocks++;
      block.fill(0);
      // the block's rows that lie inside the volume, copied whole
      const wa = Math.max(0, w0 - M), wb = Math.min(W, w0 - M + T);
      for (let a = 0; a < T; a++) {
        const d = d0 - M + a;
        if (d < 0 || d >= D) continue;
        for (let b = 0; b < T; b++) {
          const h = h0 - M + b;
          if (h < 0 || h >= H) continue;
          const src = (d * H + h) * W;
          block.set(x.subarray(src + wa, src + wb), (a * T + b) * T + (wa - (w0 - M)));
        }
      }
      // tidy: the transposed convolutions' intermediates would otherwise wait for the garbage collector
      const out = tidy(() => noGrad(() => {
        const y = model.call(tensor(block, { shape: [1, 1, T, T, T] })) as Tensor;
        if (y.ndim !== 5 || y.shape[1] !== K || y.shape[2] !== T || y.shape[3] !== T || y.shape[4] !== T) throw new ShapeError(`inferBlocks: the model maps a [1, 1, ${T}, ${T}, ${T}] block to [${y.shape.join(', ')}]; block inference needs a model that keeps the spatial size`);
        return y.dataSync().slice() as Float32Array;
      }));
      const e = new Float64Array(K);
      for (let d = d0; d < d1; d++) for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) {
        const t = ((d - d0 + M) * T + (h - h0 + M)) * T + (w - w0 + M);
        const o = (d * H + h) * W + w;
        let best = 0, bv = out[t]!;
        for (let k = 1; k < K; k++) {
          const v = out[k * TV + t]!;
          if (v > bv) {
            bv = v;
            best = k;
          }
        }
        labels[o] = best;
        if (probs) {
          let s = 0;
          for (let k = 0; k < K; k++) s += (e[k] = Math.exp(out[k * TV + t]! - bv));
          for (let k = 0; k < K; k++) probs[k * N + o] = e[k]! / s;
        }
      }
    }
  } finally {
    if (wasTraining) model.train();
  }
  return { labels, ...(probs ? { probabilities: probs } : {}), blocks, skipped };
}

/** A scalar volume as NIfTI stores it: voxel (i, j, k) at i + nx·(j + ny·k), shape [nx, ny, nz]. */
export interface ScalarVolume {
  data: ArrayLike<number>;
  shape: readonly [number, number, number];
}

/** brainchop's input scaling: (v − min) / (max − min) in float32; a constant volume gives zeros. */
export function minMaxNormalize(data: ArrayLike<number>): { values: Float32Array; min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) throw new ArgumentError(`segmentVolume: voxel ${i} is ${v}; the volume must be finite`);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const values = new Float32Array(data.length);
  const range = Math.fround(max - min);
  if (range > 0) for (let i = 0; i < data.length; i++) values[i] = Math.fround(Math.fround(data[i]! - min) / range);
  return { values, min, max };
}

export interface SegmentOptions extends Omit<TiledOptions, 'logits'> {
  /**
   * Block inference (inferBlocks) with these settings, or tiles (false). Default: blocks of 64³
   * with 48³ cores for a model with input statistics (usesInputStatistics), tiles otherwise.
   */
  blocks?: Omit<BlockOptions, 'probabilities'> | false;
  /** Also return softmax probabilities, (classes, nx, ny, nz) with i fastest. */
  probabilities?: boolean;
  /**
   * Test-time mirroring, as nnU-Net does it: the softmax probabilities of the volume and of its
   * mirror images along these axes (0 = i, 1 = j, 2 = k; every combination, so 2^axes passes;
   * true = all three) are averaged, and the labels are their argmax. For models trained with
   * random flips; default off.
   */
  mirror?: boolean | readonly number[];
}

export interface SegmentResult extends Omit<TiledResult, 'labels' | 'logits'> {
  /** Labels in the input's voxel order (i fastest), shape [nx, ny, nz]. */
  labels: Uint8Array;
  /** Softmax probabilities when asked: class k at k·n + i + nx·(j + ny·k). */
  probabilities?: Float32Array;
  /** How it ran: tiles (splits, voxelsComputed) or blocks (block, core, blocks run and skipped). */
  mode: 'tiles' | 'blocks';
  blocks?: { block: number; core: number; run: number; skipped: number };
  shape: [number, number, number];
  classes: number;
  /** The intensity range the volume was scaled from. */
  min: number;
  max: number;
}

/**
 * Segments a conformed volume (e.g. 256³ uint8, NIfTI voxel order) with a brainchop-style model:
 * min-max scaling to [0, 1], the model on the (i, j, k) axes in tiles (or blocks, for a model with
 * input statistics), argmax labels (and probabilities, if asked) written back in the input's voxel
 * order.
 */
export function segmentVolume(model: VolumeModel, volume: ScalarVolume, opts: SegmentOptions = {}): SegmentResult {
  const [nx, ny, nz] = volume.shape;
  if (volume.shape.length !== 3 || [nx, ny, nz].some((d) => !Number.isInteger(d) || d < 1)) throw new ShapeError(`segmentVolume: shape ${JSON.stringify(volume.shape)} is not three positive dims`);
  if (volume.data.length !== nx * ny * nz) throw new ShapeError(`segmentVolume: ${volume.data.length} voxels for shape ${nx}x${ny}x${nz}`);
  const mirrorAxes = opts.mirror === true ? [0, 1, 2] : opts.mirror === false || opts.mirror === undefined ? [] : [...opts.mirror];
  if (mirrorAxes.some((a) => ![0, 1, 2].includes(a)) || new Set(mirrorAxes).size !== mirrorAxes.length) throw new ArgumentError(`segmentVolume: mirror axes ${JSON.stringify(opts.mirror)} must be distinct axes among 0, 1, 2`);
  if (mirrorAxes.length > 0) return segmentMirrored(model, volume, opts, mirrorAxes);
  if (model.inChannels !== 1) throw new ShapeError(`segmentVolume: the model takes ${model.inChannels} channels; a scalar volume has 1`);
  const { values, min, max } = minMaxNormalize(volume.data);
  // (i, j, k) C-order: k fastest
  const x = new Float32Array(values.length);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) x[(i * ny + j) * nz + k] = values[i + nx * (j + ny * k)]!;
  const n = nx * ny * nz, K = model.outChannels;
  const blockOpts = opts.blocks ?? (usesInputStatistics(model) ? {} : false);
  let r: { labels: Uint8Array; logits?: Float32Array; probabilities?: Float32Array; splits: [number, number, number]; voxelsComputed: number };
  let blockInfo: SegmentResult['blocks'];
  if (blockOpts === false) {
    const { blocks: _b, probabilities: _p, ...tiled } = opts;
    r = inferTiled(model, x, [nx, ny, nz], { ...tiled, ...(opts.probabilities ? { logits: true } : {}) });
    if (r.logits) r.probabilities = softmaxClasses(r.logits, K, n);
  } else {
    const b = inferBlocks(model, x, [nx, ny, nz], { ...blockOpts, ...(opts.probabilities ? { probabilities: true } : {}) });
    const block = blockOpts.block ?? 64, core = blockOpts.core ?? 48;
    blockInfo = { block, core, run: b.blocks, skipped: b.skipped };
    r = { labels: b.labels, ...(b.probabilities ? { probabilities: b.probabilities } : {}), splits: [Math.ceil(nx / core), Math.ceil(ny / core), Math.ceil(nz / core)], voxelsComputed: b.blocks * block ** 3 };
  }
  const labels = new Uint8Array(n);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) labels[i + nx * (j + ny * k)] = r.labels[(i * ny + j) * nz + k]!;
  let probabilities: Float32Array | undefined;
  if (r.probabilities) {
    probabilities = new Float32Array(K * n);
    for (let c = 0; c < K; c++) {
      const src = r.probabilities.subarray(c * n, (c + 1) * n), dst = probabilities.subarray(c * n, (c + 1) * n);
      for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) dst[i + nx * (j + ny * k)] = src[(i * ny + j) * nz + k]!;
    }
  }
  return {
    labels, ...(probabilities ? { probabilities } : {}), shape: [nx, ny, nz], classes: K, min, max, splits: r.splits, voxelsComputed: r.voxelsComputed,
    mode: blockInfo ? 'blocks' : 'tiles', ...(blockInfo ? { blocks: blockInfo } : {}),
  };
}

/** Softmax over the class axis of logits (K, n). */
function softmaxClasses(logits: Float32Array, K: number, n: number): Float32Array {
  const p = new Float32Array(K * n);
  for (let o = 0; o < n; o++) {
    let m = -Infinity;
    for (let k = 0; k < K; k++) m = Math.max(m, logits[k * n + o]!);
    let s = 0;
    for (let k = 0; k < K; k++) s += (p[k * n + o] = Math.exp(logits[k * n + o]! - m));
    for (let k = 0; k < K; k++) p[k * n + o] = p[k * n + o]! / s;
  }
  return p;
}

/** segmentVolume averaged over the mirror images along `axes` (every combination). */
function segmentMirrored(model: VolumeModel, volume: ScalarVolume, opts: SegmentOptions, axes: number[]): SegmentResult {
  const [nx, ny, nz] = volume.shape;
  const n = nx * ny * nz;
  let first: Omit<SegmentResult, 'probabilities'> | null = null;
  let mean: Float32Array | null = null;
  let voxels = 0;
  const combos = 2 ** axes.length;
  for (let c = 0; c < combos; c++) {
    const flip = [false, false, false];
    axes.forEach((a, b) => (flip[a] = ((c >> b) & 1) === 1));
    // a mirror is its own inverse: the same index map takes the volume there and the output back
    const at = (i: number, j: number, k: number) => (flip[0] ? nx - 1 - i : i) + nx * ((flip[1] ? ny - 1 - j : j) + ny * (flip[2] ? nz - 1 - k : k));
    const data = new Float32Array(n);
    for (let k = 0, o = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++, o++) data[o] = volume.data[at(i, j, k)]!;
    const r = segmentVolume(model, { data, shape: volume.shape }, { ...opts, mirror: false, probabilities: true });
    const K = r.classes;
    mean ??= new Float32Array(K * n);
    for (let q = 0; q < K; q++) {
      const src = r.probabilities!.subarray(q * n, (q + 1) * n), dst = mean.subarray(q * n, (q + 1) * n);
      for (let k = 0, o = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++, o++) dst[at(i, j, k)] += src[o]!;
    }
    voxels += r.voxelsComputed;
    // keep the first pass's description, not its probabilities (one pass's beside the sum at a time)
    if (first === null) {
      const { probabilities: _p, ...rest } = r;
      first = rest;
    }
  }
  const K = first!.classes;
  for (let o = 0; o < mean!.length; o++) mean![o] = mean![o]! / combos;
  const labels = new Uint8Array(n);
  for (let o = 0; o < n; o++) {
    let best = 0;
    for (let q = 1; q < K; q++) if (mean![q * n + o]! > mean![best * n + o]!) best = q;
    labels[o] = best;
  }
  return { ...first!, labels, ...(opts.probabilities ? { probabilities: mean! } : {}), voxelsComputed: voxels };
}
