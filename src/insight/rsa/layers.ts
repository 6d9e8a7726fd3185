// RDMs of a network's layers: recordActivations captures each named module's output for a batch
// of stimuli (one condition per batch item), flattened here to conditions × units.

import type { AnyModule } from '../../nn/module.js';
import type { Tensor } from '../../tensor/tensor.js';
import { recordActivations } from '../activations/record.js';
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
  const acts = recordActivations(model, layers, input);
  return layers.map((l) => {
    const t = acts.get(l)!;
    const B = t.shape[0]!;
    const data = Float64Array.from(t.dataSync());
    t.dispose();
    return { layer: l, data, rows: B, cols: data.length / B };
  });
}

/** One RDM per recorded layer. */
export function layerRdms(acts: readonly LayerActivations[], measure: RdmMeasure = 'correlation'): { layer: string; rdm: Rdm }[] {
  return acts.map((a) => ({ layer: a.layer, rdm: computeRdm({ data: a.data, rows: a.rows, cols: a.cols }, measure) }));
}
