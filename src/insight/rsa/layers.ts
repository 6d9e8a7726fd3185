// RDMs of a network's layers: forward hooks record each named module's output for a batch of
// stimuli (one condition per batch item), flattened to conditions × units.

import { ArgumentError } from '../../errors.js';
import { noGrad } from '../../autograd/grad_mode.js';
import type { AnyModule, HookHandle } from '../../nn/module.js';
import { Tensor } from '../../tensor/tensor.js';
import { computeRdm, type Rdm, type RdmMeasure } from './rdm.js';

export interface LayerActivations {
  readonly layer: string;
  /** conditions × units, row-major. */
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

/**
 * Runs `model` on `input` (batch = conditions) and returns the output of each module named in
 * `layers` (names as namedModules gives them, e.g. 'conv1', 'fc2'), flattened per condition.
 */
export function recordLayerOutputs(model: AnyModule, layers: readonly string[], input: Tensor): LayerActivations[] {
  const byName = new Map(model.namedModules());
  const missing = layers.filter((l) => !byName.has(l));
  if (missing.length) throw new ArgumentError(`recordLayerOutputs: no module named ${missing.join(', ')} (modules: ${[...byName.keys()].filter((k) => k).join(', ')})`);
  const got = new Map<string, LayerActivations>();
  const handles: HookHandle[] = [];
  const B = input.shape[0]!;
  for (const l of layers) {
    handles.push(byName.get(l)!.registerForwardHook((_m, _in, out) => {
      if (!(out instanceof Tensor)) throw new ArgumentError(`recordLayerOutputs: module '${l}' returned no tensor`);
      const d = out.dataSync();
      got.set(l, { layer: l, data: Float64Array.from(d), rows: B, cols: d.length / B });
      return undefined;
    }));
  }
  try {
    noGrad(() => model.call(input));
  } finally {
    for (const h of handles) h.remove();
  }
  return layers.map((l) => got.get(l)!);
}

/** One RDM per recorded layer. */
export function layerRdms(acts: readonly LayerActivations[], measure: RdmMeasure = 'correlation'): { layer: string; rdm: Rdm }[] {
  return acts.map((a) => ({ layer: a.layer, rdm: computeRdm({ data: a.data, rows: a.rows, cols: a.cols }, measure) }));
}
