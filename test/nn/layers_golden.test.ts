// Linear, Conv1d/2d and BatchNorm1d/2d modules against PyTorch (test/golden/layers.json): the
// module is built from PyTorch's constructor arguments, loads PyTorch's state dict, and must
// give the same output, input gradient, parameter gradients and (BatchNorm) running statistics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { nn, tensor, type Tensor } from '../../src/index.js';

interface FT { shape: number[]; dtype: string; data: number[] }
interface LayerCase {
  name: string; module: string; ctor: Record<string, unknown>; train: boolean;
  params: Record<string, FT>; input: FT; output: FT; upstream: FT; input_grad: FT;
  param_grads: Record<string, FT>; state_after?: Record<string, FT>;
}

const cases = (JSON.parse(readFileSync('test/golden/layers.json', 'utf8')).cases as LayerCase[])
  .filter((c) => ['Linear', 'Conv1d', 'Conv2d', 'BatchNorm1d', 'BatchNorm2d'].includes(c.module));

const toT = (f: FT, requiresGrad = false): Tensor =>
  tensor(f.data, { shape: f.shape, dtype: f.dtype.startsWith('int') ? 'int32' : f.dtype === 'float64' ? 'float64' : 'float32', requiresGrad });

function build(c: LayerCase): nn.Module {
  const k = c.ctor as Record<string, never>;
  const opt = (key: string) => (k[key] === undefined ? {} : { [key]: k[key] });
  switch (c.module) {
    case 'Linear':
      return new nn.Linear(k['in_features'], k['out_features'], { ...opt('bias') });
    case 'Conv1d':
      return new nn.Conv1d(k['in_channels'], k['out_channels'], k['kernel_size'], { ...opt('stride'), ...opt('padding'), ...opt('dilation'), ...opt('groups'), ...opt('bias') });
    case 'Conv2d':
      return new nn.Conv2d(k['in_channels'], k['out_channels'], k['kernel_size'], { ...opt('stride'), ...opt('padding'), ...opt('dilation'), ...opt('groups'), ...opt('bias') });
    default: {
      const o = { ...opt('eps'), ...opt('momentum'), ...opt('affine') };
      return c.module === 'BatchNorm1d' ? new nn.BatchNorm1d(k['num_features'], o) : new nn.BatchNorm2d(k['num_features'], o);
    }
  }
}

function close(label: string, got: ArrayLike<number>, want: ArrayLike<number>): void {
  assert.equal(got.length, want.length, `${label}: length`);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i]! - want[i]!) <= 1e-6 + 1e-5 * Math.abs(want[i]!))) assert.fail(`${label}[${i}]: got ${got[i]}, PyTorch ${want[i]}`);
  }
}

for (const c of cases) {
  test(c.name, () => {
    const m = build(c);
    const sd: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(c.params)) sd[k] = toT(v);
    m.loadStateDict(sd);
    m.train(c.train);
    const x = toT(c.input, true);
    const y = m.call(x);
    close('output', y.dataSync(), c.output.data);
    y.backward(toT(c.upstream));
    close('input grad', x.grad!.dataSync(), c.input_grad.data);
    const own = Object.fromEntries(m.namedParameters());
    for (const [k, g] of Object.entries(c.param_grads)) close(`grad ${k}`, own[k]!.grad!.dataSync(), g.data);
    const state = m.stateDict();
    for (const [k, v] of Object.entries(c.state_after ?? {})) close(`state ${k}`, state[k]!.dataSync(), v.data);
  });
}
