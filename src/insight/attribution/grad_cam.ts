// Grad-CAM (Selvaraju et al. 2017) as Captum's LayerGradCam: a forward hook on the named layer
// keeps its output A (B, K, ...); the gradient of the target output with respect to A, averaged
// over A's dimensions after the channel one, weights each channel; the map is Σ_k weight_k · A_k
// (B, 1, ...), passed through ReLU when reluAttributions is set (the paper's form; Captum's
// default leaves it off).

import { ArgumentError, ShapeError } from '../../errors.js';
import { Tensor, tidy } from '../../tensor/tensor.js';
import { tensor } from '../../tensor/creation.js';
import { fmtShape } from '../../tensor/shape.js';
import { mul } from '../../ops/elementwise.js';
import { sum } from '../../ops/reduce.js';
import { backward } from '../../autograd/tape.js';
import type { AnyModule } from '../../nn/module.js';
import { inputValues, releaseGrad, targetIndices, withFrozenParams, type Target } from './target.js';

/** The module called `name` in model.namedModules(), or a typed error listing the names there are. */
export function findLayer(op: string, model: AnyModule, name: string): AnyModule {
  const all = [...model.namedModules()];
  const hit = all.find(([n]) => n === name);
  if (!hit || name === '') throw new ArgumentError(`${op}: no layer named '${name}'; the model has ${all.map(([n]) => n).filter((n) => n).join(', ')}`);
  return hit[1];
}

export interface GradCamOptions {
  target: Target;
  /** Dotted name of the layer, as in namedModules() (e.g. 'conv2', 'conv_time_spat'). */
  layer: string;
  reluAttributions?: boolean;
}

export interface GradCamResult {
  /** (B, 1, ...the layer's dimensions after the channel one). */
  attributions: Tensor;
  /** The layer's output shape. */
  layerShape: number[];
}

export function gradCam(model: AnyModule, x: Tensor, opts: GradCamOptions): GradCamResult {
  const op = 'gradCam';
  const layer = findLayer(op, model, opts.layer);
  const v = inputValues(op, x);
  const B = x.shape[0]!;
  const target = targetIndices(op, opts.target, B);
  let act: Tensor | null = null;
  const handle = layer.registerForwardHook((_m, _in, out) => {
    if (!(out instanceof Tensor)) throw new ArgumentError(`${op}: layer '${opts.layer}' returns ${typeof out}, not a tensor`);
    out.retainsGrad = true;
    act = out;
  });
  try {
    return withFrozenParams(model, () => tidy(() => {
      const xt = tensor(v, { shape: x.shape });
      xt.requiresGrad = true; // so the tape reaches the layer even when every parameter is frozen
      const out = model.call(xt);
      if (!(out instanceof Tensor) || out.ndim !== 2 || out.shape[0] !== B) throw new ShapeError(`${op}: the model must return (B, K) outputs, got ${out instanceof Tensor ? fmtShape(out.shape) : typeof out}`);
      const K = out.shape[1]!;
      const hot = new Float32Array(B * K);
      target.forEach((t, b) => {
        if (t >= K) throw new ArgumentError(`${op}: target class ${t} is out of range for ${K} outputs`);
        hot[b * K + t] = 1;
      });
      const a = act as Tensor | null;
      if (a === null) throw new ArgumentError(`${op}: layer '${opts.layer}' was not called by the model's forward`);
      if (a.ndim < 2 || a.shape[0] !== B) throw new ShapeError(`${op}: layer '${opts.layer}' output ${fmtShape(a.shape)} has no (B, K, ...) layout`);
      backward(sum(mul(out, tensor(hot, { shape: [B, K] }))));
      const g = a.ownedGrad === null ? new Float32Array(a.numel) : a.ownedGrad.dataSync();
      const av = a.dataSync();
      const C = a.shape[1]!, S = a.numel / (B * C);
      const cam = new Float32Array(B * S);
      for (let b = 0; b < B; b++) {
        for (let c = 0; c < C; c++) {
          const o = (b * C + c) * S;
          let w = 0;
          for (let s = 0; s < S; s++) w += g[o + s]!;
          w /= S;
          for (let s = 0; s < S; s++) cam[b * S + s]! += w * av[o + s]!;
        }
      }
      releaseGrad(a);
      releaseGrad(xt);
      if (opts.reluAttributions) for (let i = 0; i < cam.length; i++) cam[i] = Math.max(0, cam[i]!);
      return { attributions: tensor(cam, { shape: [B, 1, ...a.shape.slice(2)] }), layerShape: [...a.shape] };
    }));
  } finally {
    handle.remove();
  }
}
