// The classic ConvNet against PyTorch: logits, loss, every parameter gradient, and the
// parameters after 3 steps of SGD-momentum and of Adam (test/golden/lenet.json); and weights
// interop both ways through safetensors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tensor, crossEntropy, tidy, type Tensor } from '../../src/index.js';
import { LeNet } from '../../src/models/lenet.js';
import { SGD } from '../../src/optim/sgd.js';
import { Adam } from '../../src/optim/adam.js';
import { deserializeStateDict, serializeStateDict } from '../../src/io/state_dict.js';

interface FT { shape: number[]; dtype: string; data: number[] }
const golden = JSON.parse(readFileSync('test/golden/lenet.json', 'utf8')).cases[0];

const toT = (f: FT): Tensor => tensor(f.data, { shape: f.shape, dtype: f.dtype.startsWith('int') ? 'int32' : 'float32' });

function close(name: string, got: ArrayLike<number>, want: ArrayLike<number>, atol: number, rtol: number): void {
  assert.equal(got.length, want.length, `${name}: length`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!, w = want[i]!;
    if (!(Math.abs(g - w) <= atol + rtol * Math.abs(w))) assert.fail(`${name}[${i}]: got ${g}, PyTorch ${w} (atol ${atol}, rtol ${rtol})`);
  }
}

function loaded(): LeNet {
  const m = new LeNet();
  const sd: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(golden.params as Record<string, FT>)) sd[k] = toT(v);
  m.loadStateDict(sd);
  return m;
}

test('LeNet has the classic architecture and PyTorch state-dict keys', () => {
  const m = new LeNet();
  assert.deepEqual(Object.keys(m.stateDict()), Object.keys(golden.params));
  assert.equal(m.parameters().reduce((a, p) => a + p.numel, 0), 61706);
  const y = m.call(tensor(new Float32Array(2 * 28 * 28), { shape: [2, 1, 28, 28] }));
  assert.deepEqual(y.shape, [2, 10]);
});

test('LeNet logits, loss and every gradient match PyTorch', () => {
  const m = loaded();
  const logits = m.call(toT(golden.input));
  close('logits', logits.dataSync(), golden.logits.data, 1e-6, 1e-5);
  const loss = crossEntropy(logits, toT(golden.target));
  close('loss', [loss.item()], [golden.loss], 1e-6, 1e-5);
  loss.backward();
  for (const [k, p] of Object.entries(m.stateDict())) close(`grad ${k}`, p.grad!.dataSync(), golden.grads[k].data, 1e-6, 1e-5);
});

for (const which of ['sgd', 'adam'] as const) {
  test(`LeNet after 3 ${which} steps matches PyTorch`, () => {
    const m = loaded();
    const g = golden[which];
    const x = toT(golden.input);
    const y = toT(golden.target);
    const opt = which === 'sgd' ? new SGD(m.parameters(), { lr: g.kwargs.lr, momentum: g.kwargs.momentum }) : new Adam(m.parameters(), { lr: g.kwargs.lr });
    for (let s = 0; s < g.steps; s++) {
      const l = tidy(() => {
        opt.zeroGrad();
        const loss = crossEntropy(m.call(x), y);
        loss.backward();
        opt.step();
        return loss.item();
      });
      close(`${which} loss at step ${s}`, [l], [g.losses[s]], 1e-6, 1e-5);
    }
    // Adam divides by sqrt(v): for a weight whose gradient is near zero the step is close to
    // ±lr whatever the gradient's rounding, so one ulp in a gradient moves the weight by up to
    // ~lr·1e-3 (measured 2.2e-6 on fc2.weight after 3 steps); SGD stays within 1e-6 + 1e-5·|w|
    const rtol = which === 'adam' ? 1e-4 : 1e-5;
    for (const [k, p] of Object.entries(m.stateDict())) close(`${which} ${k}`, p.dataSync(), g.params_after[k].data, 1e-6, rtol);
  });
}

test('a state dict saved by PyTorch (safetensors) loads and gives PyTorch logits', () => {
  const { stateDict } = deserializeStateDict(new Uint8Array(readFileSync('test/golden/lenet_state.safetensors')), 'lenet_state.safetensors');
  const m = new LeNet();
  m.loadStateDict(stateDict);
  close('logits', m.call(toT(golden.input)).dataSync(), golden.logits.data, 1e-6, 1e-5);
});

test('a state dict saved by dendrite round-trips bit for bit', () => {
  const m = loaded();
  const bytes = serializeStateDict(m.stateDict());
  const m2 = new LeNet();
  m2.loadStateDict(deserializeStateDict(bytes).stateDict);
  for (const [k, p] of Object.entries(m2.stateDict())) assert.deepEqual(p.dataSync(), m.stateDict()[k]!.dataSync(), k);
});

test('a state dict saved by dendrite loads into PyTorch and gives the same logits', () => {
  // test/golden/lenet_dendrite.safetensors was written by dendrite; PyTorch loaded it (strict
  // keys) and recorded its logits (scripts/golden/load_dendrite_checkpoint.py).
  const bytes = new Uint8Array(readFileSync('test/golden/lenet_dendrite.safetensors'));
  const torchLogits = JSON.parse(readFileSync('test/golden/lenet_dendrite_logits.json', 'utf8'));
  const m = new LeNet();
  m.loadStateDict(deserializeStateDict(bytes).stateDict);
  close('logits', m.call(toT(golden.input)).dataSync(), torchLogits.data, 1e-6, 1e-5);
  // and the writer still produces exactly the bytes PyTorch read
  assert.deepEqual(serializeStateDict(m.stateDict(), { writer: 'dendrite' }), bytes);
});
