// Integrated gradients keeps memory bounded by internalBatchSize, not by nSteps: in a fresh
// process, the tensor heap's high-water mark grows by far less with passes of 4 scaled inputs
// than with all 64 at once, and no tensor outlives an attribution call (backward keeps
// gradients out of tidy scopes, so an input's .grad must be freed explicitly).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryStats, randn, manualSeed } from '../../src/index.js';
import { ShallowFBCSPNet } from '../../src/models/index.js';
import { integratedGradients, occlusion, smoothGrad, gradCam, saliency } from '../../src/insight/attribution/index.js';

test('IG memory follows internalBatchSize, and attribution calls leave no tensor behind', () => {
  manualSeed(1);
  const m = new ShallowFBCSPNet({ nChans: 22, nOutputs: 4, nTimes: 1000 });
  m.eval();
  const x = randn([1, 22, 1000]);
  integratedGradients(m, x, { target: 0, nSteps: 2, internalBatchSize: 1 }).attributions.dispose(); // warm-up
  const h0 = memoryStats().highWaterBytes;
  const used0 = memoryStats().bytesInUse;
  integratedGradients(m, x, { target: 0, nSteps: 64, internalBatchSize: 4 }).attributions.dispose();
  const h1 = memoryStats().highWaterBytes;
  assert.equal(memoryStats().bytesInUse, used0, 'IG left tensors behind');
  integratedGradients(m, x, { target: 0, nSteps: 64, internalBatchSize: 64 }).attributions.dispose();
  const h2 = memoryStats().highWaterBytes;
  assert.ok(h2 - h0 > 8 * (h1 - h0), `high-water growth: passes of 4 ${h1 - h0} B, of 64 ${h2 - h0} B`);
  for (const run of [
    () => saliency(m, x, { target: 1 }).dispose(),
    () => smoothGrad(m, x, { target: 1, nSamples: 2 }).dispose(),
    () => occlusion(m, x, { target: 1, slidingWindowShapes: [22, 200], strides: [22, 200] }).dispose(),
    () => gradCam(m, x, { target: 1, layer: 'bnorm' }).attributions.dispose(),
  ]) {
    run(); // the engine keeps per-shape workspaces after a first call
    const before = memoryStats().bytesInUse;
    run();
    assert.equal(memoryStats().bytesInUse, before, `${run.toString()} left tensors behind`);
  }
});
