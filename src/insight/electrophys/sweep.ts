// In-silico electrophysiology: show a network the grating grid and record, through forward
// hooks, each unit's response, a unit being one channel of a layer at the centre position of
// its feature map (the position whose receptive field sits on the image centre).

import { ArgumentError, ShapeError } from '../../errors.js';
import { noGrad } from '../../autograd/grad_mode.js';
import type { Module } from '../../nn/module.js';
import { tensor } from '../../tensor/creation.js';
import { tidy, type Tensor } from '../../tensor/tensor.js';
import { checkGrid, grating, gratingCount, type GratingGrid } from './gratings.js';

type AnyModule = Module<any[], any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A response computed from a recorded layer's output (e.g. LeNet's functional ReLU + pooling). */
export interface DerivedLayer {
  name: string;
  from: string;
  fn: (x: Tensor) => Tensor;
}

export interface SweepOptions {
  /** Named submodules (as namedModules names them) whose outputs are recorded. */
  layers: readonly string[];
  derived?: readonly DerivedLayer[];
  /** Input channels; the grating is repeated over them (default 1). */
  channels?: number;
  /** Pixel v becomes (v − mean) / std, the normalisation the network was trained with. */
  mean?: number;
  std?: number;
  batch?: number;
}

export interface LayerResponses {
  name: string;
  /** Per unit (channel), responses over the grid (nSF·nOri·nPhase, phase fastest). */
  responses: Float64Array[];
  /** Per unit, the response to a uniform mean-grey image. */
  blank: Float64Array;
  /** Feature-map size and the centre position used. */
  height: number;
  width: number;
}

function centre(op: string, name: string, t: Tensor): { c: number; h: number; w: number; data: ArrayLike<number> } {
  if (t.shape.length !== 4) throw new ShapeError(`${op}: layer '${name}' output has shape [${t.shape.join(', ')}]; need (B, C, H, W)`);
  return { c: t.shape[1]!, h: t.shape[2]!, w: t.shape[3]!, data: t.dataSync() };
}

/** Runs the grating grid and a blank through `model` and returns the centre units of each layer. */
export function gratingSweep(model: AnyModule, grid: GratingGrid, opts: SweepOptions): LayerResponses[] {
  const op = 'gratingSweep';
  checkGrid(op, grid);
  const mods = new Map(model.namedModules());
  for (const l of opts.layers) if (!mods.has(l)) throw new ArgumentError(`${op}: no submodule '${l}' (has ${[...mods.keys()].filter((k) => k).join(', ')})`);
  for (const d of opts.derived ?? []) if (!opts.layers.includes(d.from)) throw new ArgumentError(`${op}: derived layer '${d.name}' reads '${d.from}', which is not recorded`);
  const ch = opts.channels ?? 1, mean = opts.mean ?? 0, std = opts.std ?? 1, batch = opts.batch ?? 64;
  if (!(std > 0) || !Number.isFinite(mean)) throw new ArgumentError(`${op}: mean ${mean} and std ${std} must be finite, std positive`);
  if (!Number.isInteger(batch) || batch < 1 || batch > 4096) throw new ArgumentError(`${op}: batch ${batch} must be an integer in 1 … 4096`);
  if (!Number.isInteger(ch) || ch < 1 || ch > 64) throw new ArgumentError(`${op}: channels ${ch} must be an integer in 1 … 64`);
  const s = grid.size, px = s * s, n = gratingCount(grid) + 1; // the last image is the blank
  const names = [...opts.layers, ...(opts.derived ?? []).map((d) => d.name)];
  const out = new Map<string, { resp: Float64Array[]; blank: Float64Array; h: number; w: number }>();
  const record = (name: string, t: Tensor, b0: number, nb: number): void => {
    const { c, h, w, data } = centre(op, name, t);
    let r = out.get(name);
    if (!r) { r = { resp: Array.from({ length: c }, () => new Float64Array(n - 1)), blank: new Float64Array(c), h, w }; out.set(name, r); }
    const cy = Math.trunc(h / 2), cx = Math.trunc(w / 2);
    for (let b = 0; b < nb; b++) {
      for (let k = 0; k < c; k++) {
        const v = data[((b * c + k) * h + cy) * w + cx]!;
        if (b0 + b === n - 1) r.blank[k] = v; else r.resp[k]![b0 + b] = v;
      }
    }
  };
  const stims: [number, number, number][] = [];
  for (const sf of grid.sfCyclesPerImage) for (const o of grid.orientations) for (let p = 0; p < grid.nPhases; p++) stims.push([sf, o, (360 * p) / grid.nPhases]);
  const img = new Float32Array(px);
  for (let b0 = 0; b0 < n; b0 += batch) {
    const nb = Math.min(batch, n - b0);
    const x = new Float32Array(nb * ch * px);
    for (let b = 0; b < nb; b++) {
      const i = b0 + b;
      if (i === n - 1) img.fill(0.5); else grating(img, s, ...stims[i]!);
      for (let k = 0; k < ch; k++) for (let j = 0; j < px; j++) x[(b * ch + k) * px + j] = (img[j]! - mean) / std;
    }
    tidy(() => noGrad(() => {
      const caught = new Map<string, Tensor>();
      const handles = opts.layers.map((l) => mods.get(l)!.registerForwardHook((_m, _i, o) => { caught.set(l, o as Tensor); }));
      try { model.call(tensor(x, { shape: [nb, ch, s, s] })); } finally { for (const h of handles) h.remove(); }
      for (const l of opts.layers) {
        const t = caught.get(l);
        if (!t) throw new ArgumentError(`${op}: submodule '${l}' was not called in forward`);
        record(l, t, b0, nb);
      }
      for (const d of opts.derived ?? []) record(d.name, d.fn(caught.get(d.from)!), b0, nb);
    }));
  }
  return names.map((name) => { const r = out.get(name)!; return { name, responses: r.resp, blank: r.blank, height: r.h, width: r.w }; });
}
