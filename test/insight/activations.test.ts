// recordActivations on LeNet: hooked outputs equal the layers recomputed by hand, batching
// changes nothing, hooks are removed afterwards, and bad names are typed errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, randn, conv2d, relu, maxPool2d, flatten, linear, noGrad, nn, type Tensor } from '../../src/index.js';
import { LeNet } from '../../src/models/lenet.js';
import { recordActivations, layerNames } from '../../src/insight/activations/index.js';
import { ArgumentError } from '../../src/errors.js';

function maxDiff(a: Tensor, b: Tensor): number {
  assert.deepEqual(a.shape, b.shape);
  const x = a.dataSync(), y = b.dataSync();
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  return m;
}

test('recordActivations returns each named layer output of LeNet, as recomputed layer by layer', () => {
  manualSeed(3);
  const model = new LeNet();
  model.eval();
  const x = randn([5, 1, 28, 28]);
  const acts = recordActivations(model, ['conv1', 'conv2', 'fc1', 'fc3'], x);
  assert.deepEqual([...acts.keys()], ['conv1', 'conv2', 'fc1', 'fc3']);
  noGrad(() => {
    const c1 = conv2d(x, model.conv1.weight, model.conv1.bias, { padding: 2 });
    assert.ok(maxDiff(acts.get('conv1')!, c1) === 0);
    const c2 = conv2d(maxPool2d(relu(c1), 2), model.conv2.weight, model.conv2.bias);
    assert.ok(maxDiff(acts.get('conv2')!, c2) === 0);
    const f1 = linear(flatten(maxPool2d(relu(c2), 2), 1), model.fc1.weight, model.fc1.bias);
    assert.ok(maxDiff(acts.get('fc1')!, f1) === 0);
    assert.ok(maxDiff(acts.get('fc3')!, model.call(x)) === 0);
  });
  assert.equal(acts.get('conv1')!.requiresGrad, false);
});

test('recordActivations in batches equals one pass, and leaves no hook behind', () => {
  manualSeed(4);
  const model = new LeNet();
  model.eval();
  const x = randn([7, 1, 28, 28]);
  const whole = recordActivations(model, ['conv1', 'fc2'], x);
  const parts = recordActivations(model, ['conv1', 'fc2'], x, { batchSize: 3 });
  assert.deepEqual(parts.get('conv1')!.shape, [7, 6, 28, 28]);
  assert.ok(maxDiff(whole.get('conv1')!, parts.get('conv1')!) < 1e-6);
  assert.ok(maxDiff(whole.get('fc2')!, parts.get('fc2')!) < 1e-6);
  // hooks removed: a plain forward still works and a new recording sees exactly one batch
  model.call(x);
  assert.deepEqual(recordActivations(model, ['fc2'], x).get('fc2')!.shape, [7, 84]);
});

test('recordActivations: unknown, idle and repeated layers are ArgumentErrors naming them', () => {
  const model = new LeNet();
  const x = randn([2, 1, 28, 28]);
  assert.deepEqual(layerNames(model), ['conv1', 'conv2', 'fc1', 'fc2', 'fc3']);
  assert.throws(() => recordActivations(model, ['conv1', 'conv9'], x), (e: unknown) => e instanceof ArgumentError && /'conv9'/.test(e.message) && /available: conv1, conv2, fc1, fc2, fc3/.test(e.message));
  assert.throws(() => recordActivations(model, [], x), ArgumentError);
  assert.throws(() => recordActivations(model, ['conv1'], x, { batchSize: 0 }), ArgumentError);
  // a registered module the forward never calls
  const seq = new nn.Sequential(new nn.Linear(3, 3));
  (seq as unknown as { spare: nn.Linear }).spare = new nn.Linear(3, 3);
  assert.throws(() => recordActivations(seq, ['spare'], randn([2, 3])), (e: unknown) => e instanceof ArgumentError && /'spare' never ran/.test(e.message));
  // one module applied twice per forward
  const shared = new nn.Linear(3, 3);
  const twice = new nn.Sequential(shared, shared);
  assert.throws(() => recordActivations(twice, ['0'], randn([2, 3])), (e: unknown) => e instanceof ArgumentError && /more than once/.test(e.message));
});
