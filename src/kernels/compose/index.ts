// Completes a backend: every fused kernel it leaves out is composed from its core, so ops call
// one interface whatever a backend implements (a new backend needs only the core).

import type { Backend, BackendImpl, CoreBackend } from '../backend.js';
import { CORE_METHODS } from '../backend.js';
import type { Heap } from '../heap.js';
import * as norm from './norm.js';
import * as optim from './optim.js';
import * as pool from './pool.js';
import * as cell from './rnn_cell.js';
import * as c3 from './conv3d.js';
import { softmax } from './softmax.js';
import { allFinite } from './finite.js';

export function complete(impl: BackendImpl, h: Heap): Backend {
  // the fused kernels (the backend's own or composed) as the compositions see them
  const self: Backend = {
    ...impl,
    avgPool2d: impl.avgPool2d ?? ((...a) => pool.avgPool2d(impl, h, ...a)),
    avgPool2dBackward: impl.avgPool2dBackward ?? ((...a) => pool.avgPool2dBackward(impl, h, ...a)),
    allFinite: impl.allFinite ?? ((...a) => allFinite(impl, h, ...a)),
    softmax: impl.softmax ?? ((...a) => softmax(impl, h, ...a)),
    batchNormStats: impl.batchNormStats ?? ((...a) => norm.batchNormStats(impl, h, ...a)),
    batchNormApply: impl.batchNormApply ?? ((...a) => norm.batchNormApply(impl, h, ...a)),
    batchNormBackward: impl.batchNormBackward ?? ((...a) => norm.batchNormBackward(impl, h, ...a)),
    sgdStep: impl.sgdStep ?? ((...a) => optim.sgdStep(impl, h, ...a)),
    adamStep: impl.adamStep ?? ((...a) => optim.adamStep(impl, h, ...a)),
    lstmCell: impl.lstmCell ?? ((...a) => cell.lstmCell(impl, h, ...a)),
    lstmCellBackward: impl.lstmCellBackward ?? ((...a) => cell.lstmCellBackward(impl, h, ...a)),
    gruCell: impl.gruCell ?? ((...a) => cell.gruCell(impl, h, ...a)),
    gruCellBackward: impl.gruCellBackward ?? ((...a) => cell.gruCellBackward(impl, h, ...a)),
    rnnSequence: impl.rnnSequence ?? ((...a) => cell.rnnSequence(self, h, ...a)),
    conv3d: impl.conv3d ?? ((...a) => c3.conv3d(impl, h, ...a)),
    conv3dBackwardInput: impl.conv3dBackwardInput ?? ((...a) => c3.conv3dBackwardInput(impl, h, ...a)),
    conv3dWeightGrad: impl.conv3dWeightGrad ?? ((...a) => c3.conv3dWeightGrad(impl, h, ...a)),
  };
  return self;
}

/**
 * A backend's core alone (its fused kernels and conv paths left out), named `name`: completed,
 * it runs every op through the compositions, which the conformance tests check against the
 * backend's own kernels.
 */
export function coreOnly(b: CoreBackend, name: string): CoreBackend {
  const out: Record<string, unknown> = { name };
  for (const m of CORE_METHODS) out[m] = b[m];
  return out as unknown as CoreBackend;
}
