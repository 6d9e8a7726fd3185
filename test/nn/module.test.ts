import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nn, randn, tensor, zeros, StateDictError, ShapeError, type Tensor } from '../../src/index.js';

class Net extends nn.Module {
  conv = new nn.Conv2d(1, 2, 3);
  bn = new nn.BatchNorm2d(2);
  head = new nn.Sequential(new nn.Flatten(), new nn.Linear(2 * 4 * 4, 3));
  forward(x: Tensor): Tensor {
    return this.head.call(this.bn.call(this.conv.call(x)));
  }
}

test('parameters, buffers and stateDict use PyTorch dotted keys in registration order', () => {
  const m = new Net();
  assert.deepEqual(Object.keys(m.stateDict()), [
    'conv.weight', 'conv.bias', 'bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var', 'bn.num_batches_tracked', 'head.1.weight', 'head.1.bias',
  ]);
  assert.deepEqual([...m.namedParameters()].map(([k]) => k), ['conv.weight', 'conv.bias', 'bn.weight', 'bn.bias', 'head.1.weight', 'head.1.bias']);
  assert.equal([...m.children()].length, 3);
  assert.equal([...m.modules()].length, 6);
});

test('train/eval propagate to every module', () => {
  const m = new Net();
  m.eval();
  assert.ok([...m.modules()].every((x) => !x.training));
  m.train();
  assert.ok([...m.modules()].every((x) => x.training));
});

test('loadStateDict copies values and checks keys and shapes', () => {
  const a = new Net();
  const b = new Net();
  b.loadStateDict(a.stateDict());
  for (const [k, v] of Object.entries(b.stateDict())) assert.deepEqual(v.dataSync(), a.stateDict()[k]!.dataSync(), k);
  const sd = { ...a.stateDict() };
  delete sd['conv.bias'];
  sd['extra.weight'] = zeros([1]);
  assert.throws(() => b.loadStateDict(sd), (e: Error) => e instanceof StateDictError && /missing keys: conv\.bias/.test(e.message) && /unexpected keys: extra\.weight/.test(e.message));
  const r = b.loadStateDict(sd, false);
  assert.deepEqual(r, { missingKeys: ['conv.bias'], unexpectedKeys: ['extra.weight'] });
  const bad = { ...a.stateDict(), 'conv.weight': zeros([2, 1, 2, 2]) };
  assert.throws(() => b.loadStateDict(bad), (e: Error) => e instanceof StateDictError && /conv\.weight: checkpoint \(2, 1, 2, 2\) vs model \(2, 1, 3, 3\)/.test(e.message));
});

test('forward hooks see inputs and outputs and can be removed', () => {
  const m = new Net();
  const seen: number[][] = [];
  const h = m.conv.registerForwardHook((_mod, _inp, out) => {
    seen.push([...(out as Tensor).shape]);
  });
  m.call(randn([2, 1, 6, 6]));
  h.remove();
  m.call(randn([2, 1, 6, 6]));
  assert.deepEqual(seen, [[2, 2, 4, 4]]);
});

test('BatchNorm tracks running statistics in training mode only', () => {
  const bn = new nn.BatchNorm1d(2);
  bn.call(tensor([[1, 2], [3, 6]]));
  assert.deepEqual([...bn.runningMean!.dataSync()].map((v) => +v.toFixed(5)), [0.2, 0.4]);
  assert.equal(bn.numBatchesTracked, 1);
  bn.eval();
  bn.call(tensor([[100, 100], [100, 100]]));
  assert.equal(bn.numBatchesTracked, 1);
  assert.throws(() => bn.call(zeros([2, 3])), ShapeError);
});

test('default initialisation follows PyTorch bounds (kaiming-uniform a=√5)', () => {
  const l = new nn.Linear(100, 50);
  const w = l.weight.dataSync();
  const bound = 1 / Math.sqrt(100);
  assert.ok(w.every((v) => Math.abs(v) <= bound));
  assert.ok(Math.max(...w) > 0.9 * bound);
});
