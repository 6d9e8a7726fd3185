// WeightAverage against the formulas of torch.optim.swa_utils (AveragedModel's running mean,
// n_averaged == 0 copies; the EMA of get_ema_multi_avg_fn), computed here in float64.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nn, optim, tensor, StateDictError, ArgumentError, manualSeed } from '../../src/index.js';

function setWeights(m: nn.Linear, k: number): number[] {
  const vals = Array.from({ length: 6 }, (_, i) => Math.fround(Math.sin(3 * k + i) * (k + 1)));
  m.weight.writeSync(Float32Array.from(vals));
  return vals;
}

test('WeightAverage: the plain mean of every update, and the EMA with decay', () => {
  manualSeed(0);
  const m = new nn.Linear(3, 2, { bias: false });
  const plain = new optim.WeightAverage(), ema = new optim.WeightAverage({ decay: 0.75 });
  const ws: number[][] = [];
  for (let k = 0; k < 4; k++) {
    ws.push(setWeights(m, k));
    plain.update(m);
    ema.update(m);
  }
  assert.equal(plain.count, 4);
  const mean = ws[0]!.map((_, i) => ws.reduce((a, w) => a + w[i]!, 0) / 4);
  let e = ws[0]!.slice();
  for (let k = 1; k < 4; k++) e = e.map((v, i) => 0.75 * v + 0.25 * ws[k]![i]!);
  const got = plain.stateDict()['weight']!, gotE = ema.stateDict()['weight']!;
  assert.deepEqual(got.shape, [2, 3]);
  assert.equal(got.dtype, 'float32');
  [...got.dataSync()].forEach((v, i) => assert.equal(v, Math.fround(mean[i]!)));
  [...gotE.dataSync()].forEach((v, i) => assert.equal(v, Math.fround(e[i]!)));
  plain.copyTo(m);
  assert.deepEqual([...m.weight.dataSync()], [...got.dataSync()]);
});

test('WeightAverage: integer buffers keep the latest value; a different model or no update is a typed error', () => {
  const bn = new nn.BatchNorm1d(2);
  const avg = new optim.WeightAverage();
  bn.train();
  bn.call(tensor([[1, 2], [3, 5]]));
  avg.update(bn);
  bn.call(tensor([[0, 1], [4, 9]]));
  avg.update(bn);
  const sd = avg.stateDict();
  assert.equal(sd['num_batches_tracked']!.dtype, bn.stateDict()['num_batches_tracked']!.dtype);
  assert.deepEqual([...sd['num_batches_tracked']!.dataSync()], [2]);
  assert.throws(() => avg.update(new nn.Linear(2, 2)), StateDictError);
  assert.throws(() => new optim.WeightAverage().stateDict(), ArgumentError);
  assert.throws(() => new optim.WeightAverage({ decay: 1 }), ArgumentError);
});
