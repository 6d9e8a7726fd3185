// CombinedConv keeps its combined temporal-spatial weight between calls without gradients. Every
// way a parameter can change (optimizer steps, in-place ops, fill_, state-dict loads, replacing
// the Parameter) must show in the next output: it is compared with a fresh model that has the
// same weights and no cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShallowFBCSPNet, nn, randn, randint, noGrad, tidy, crossEntropy, optim, manualSeed, type Tensor } from '../../src/index.js';

const opts = { nChans: 4, nOutputs: 3, nTimes: 120 };

function fresh(m: ShallowFBCSPNet): ShallowFBCSPNet {
  const r = new ShallowFBCSPNet(opts);
  r.loadStateDict(m.stateDict());
  return r.eval();
}

function same(m: ShallowFBCSPNet, x: Tensor, label: string): void {
  const got = noGrad(() => m.call(x)).dataSync();
  const want = noGrad(() => fresh(m).call(x)).dataSync();
  assert.equal(got.length, want.length);
  for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= 1e-5 * (1 + Math.abs(want[i]!)), `${label}[${i}]: ${got[i]} vs ${want[i]}`);
}

test('CombinedConv reuses its combined weight without gradients and notices every parameter change', () => {
  manualSeed(3);
  const m = new ShallowFBCSPNet(opts).eval();
  const x = randn([2, 4, 120]);
  same(m, x, 'first call');
  const block = m.conv_time_spat;
  const w0 = (block as unknown as { _combined: { w: Tensor } | null })._combined?.w;
  assert.ok(w0, 'a combined weight is kept after a call without gradients');
  noGrad(() => m.call(x));
  assert.equal((block as unknown as { _combined: { w: Tensor } })._combined.w, w0, 'reused while nothing changed');

  // fused SGD and Adam steps write the parameters in place
  for (const opt of [new optim.SGD(m.parameters(), { lr: 0.1, momentum: 0.9 }), new optim.Adam(m.parameters(), { lr: 0.01 })]) {
    m.train();
    tidy(() => {
      opt.zeroGrad();
      crossEntropy(m.call(randn([4, 4, 120])), randint(0, 3, [4])).backward();
      opt.step();
    });
    m.eval();
    same(m, x, `after ${opt.constructor.name}`);
  }
  noGrad(() => block.conv_spat.weight.mul_(1.5));
  same(m, x, 'after mul_');
  noGrad(() => block.conv_time.bias!.fill_(0.25));
  same(m, x, 'after fill_');
  const other = new ShallowFBCSPNet(opts);
  m.loadStateDict(other.stateDict());
  same(m, x, 'after loadStateDict');
  block.conv_time.weight = new nn.Parameter(randn([...block.conv_time.weight.shape]));
  same(m, x, 'after replacing a Parameter');
  // a view written in place shares the version of its storage
  noGrad(() => block.conv_spat.weight.narrow(0, 0, 1).mul_(-1));
  same(m, x, 'after writing a view');
});

test('CombinedConv builds its weight on the tape when gradients are needed', () => {
  manualSeed(4);
  const m = new ShallowFBCSPNet(opts).eval();
  const x = randn([2, 4, 120]);
  noGrad(() => m.call(x));
  m.call(x).sum().backward();
  assert.ok(m.conv_time_spat.conv_time.weight.grad, 'the temporal weight gets a gradient');
  assert.ok(m.conv_time_spat.conv_spat.weight.grad, 'the spatial weight gets a gradient');
});
