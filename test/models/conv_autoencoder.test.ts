// The anomaly models: ConvAutoencoder1d reconstructs its input's shape through a 2-d bottleneck,
// nearest upsampling repeats values (and sums gradients back), SpectrumCNN gives one logit per
// class, and both are registered in models/registry.ts anomalyModels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, randn } from '../../src/index.js';
import { ConvAutoencoder1d, upsampleNearest1d } from '../../src/models/conv_autoencoder.js';
import { SpectrumCNN } from '../../src/models/spectrum_cnn.js';
import { anomalyModels } from '../../src/models/registry.js';
import { sum } from '../../src/ops/reduce.js';
import { mul } from '../../src/ops/elementwise.js';
import { ArgumentError } from '../../src/errors.js';

test('upsampleNearest1d repeats each sample and sums the gradient of its copies', () => {
  const x = tensor([[[1, 2, 3]], [[4, 5, 6]]], { requiresGrad: true });
  const y = upsampleNearest1d(x, 2);
  assert.deepEqual(y.shape, [2, 1, 6]);
  assert.deepEqual(Array.from(y.dataSync()), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]);
  sum(mul(y, tensor([[[1, 2, 3, 4, 5, 6]], [[0, 1, 0, 1, 0, 1]]]))).backward();
  assert.deepEqual(Array.from(x.grad!.dataSync()), [3, 7, 11, 1, 1, 1]);
});

test('ConvAutoencoder1d: (B, 1, L) → (B, 1, L) through a (B, 2) code; bad lengths are refused', () => {
  const ae = new ConvAutoencoder1d({ length: 88 });
  const x = randn([3, 1, 88]);
  assert.deepEqual(ae.encode(x).shape, [3, 2]);
  assert.deepEqual(ae.call(x).shape, [3, 1, 88]);
  assert.deepEqual(Object.keys(ae.stateDict()).sort(), ['dec1.bias', 'dec1.weight', 'dec2.bias', 'dec2.weight', 'enc1.bias', 'enc1.weight', 'enc2.bias', 'enc2.weight', 'fromLatent.bias', 'fromLatent.weight', 'toLatent.bias', 'toLatent.weight']);
  assert.throws(() => new ConvAutoencoder1d({ length: 90 }), (e: Error) => e instanceof ArgumentError && /multiple of 4, got 90/.test(e.message));
  assert.throws(() => ae.call(randn([3, 1, 84])), /expected input \(B, 1, 88\), got \(3, 1, 84\)/);
});

test('SpectrumCNN gives (B, classes) logits; both models are registered', () => {
  const net = new SpectrumCNN({ nOutputs: 3 });
  assert.deepEqual(net.call(randn([4, 1, 88])).shape, [4, 3]);
  assert.deepEqual([...anomalyModels.keys()], ['autoencoder', 'cnn']);
  assert.equal(anomalyModels.get('autoencoder')!.kind, 'autoencoder');
  assert.equal(anomalyModels.get('autoencoder')!.make(88, 1).constructor.name, 'ConvAutoencoder1d');
  assert.equal(anomalyModels.get('cnn')!.make(88, 3).constructor.name, 'SpectrumCNN');
});
