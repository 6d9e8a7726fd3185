// ShallowFBCSPNet: Braindecode's parameter count and state-dict keys, and a clear error for
// windows too short for its pooling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShallowFBCSPNet, randn, ArgumentError, ShapeError } from '../../src/index.js';

test('ShallowFBCSPNet has 46 084 parameters at 22 × 1000 and Braindecode key names', () => {
  const m = new ShallowFBCSPNet({ nChans: 22, nOutputs: 4, nTimes: 1000 });
  assert.equal(m.parameters().reduce((a, p) => a + p.numel, 0), 46084);
  assert.deepEqual(Object.keys(m.stateDict()), [
    'conv_time_spat.conv_time.weight', 'conv_time_spat.conv_time.bias', 'conv_time_spat.conv_spat.weight',
    'bnorm.weight', 'bnorm.bias', 'bnorm.running_mean', 'bnorm.running_var', 'bnorm.num_batches_tracked',
    'final_layer.conv_classifier.weight', 'final_layer.conv_classifier.bias',
  ]);
  assert.deepEqual(m.call(randn([2, 22, 1000])).shape, [2, 4]);
  assert.throws(() => new ShallowFBCSPNet({ nChans: 22, nOutputs: 4, nTimes: 90 }), ArgumentError);
  assert.throws(() => m.call(randn([2, 21, 1000])), ShapeError);
});
