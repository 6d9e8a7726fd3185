// The fused inference path of RNN/LSTM/GRU (one kernel per layer direction when nothing needs a
// gradient) gives the step-by-step taped path's outputs and final states: every mode,
// two layers, bidirectional, batch-first, given h0/c0, odd sizes; JS reference and wasm kernels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setBackend, noGrad, randn, manualSeed, nn, type Tensor } from '../../src/index.js';

function close(what: string, a: Tensor, b: Tensor): void {
  assert.deepEqual(a.shape, b.shape, `${what}: shape`);
  const x = a.dataSync(), y = b.dataSync();
  for (let i = 0; i < x.length; i++) if (!(Math.abs(x[i]! - y[i]!) <= 1e-5 + 1e-5 * Math.abs(y[i]!))) assert.fail(`${what}[${i}]: fused ${x[i]}, stepwise ${y[i]}`);
}

for (const name of ['js', 'wasm']) {
  test(`fused recurrent inference equals the stepwise path (${name} kernels)`, () => {
    setBackend(name);
    try {
      manualSeed(11);
      const B = 3, T = 7, I = 5, H = 9;
      const cases: [string, nn.Module<never[], unknown>][] = [
        ['tanh', new nn.RNN(I, H, { numLayers: 2, bidirectional: true, batchFirst: true }) as never],
        ['relu', new nn.RNN(I, H, { nonlinearity: 'relu' }) as never],
        ['lstm', new nn.LSTM(I, H, { numLayers: 2, bidirectional: true, batchFirst: true }) as never],
        ['gru', new nn.GRU(I, H, { numLayers: 2, bidirectional: true, batchFirst: true }) as never],
        ['gru no bias', new nn.GRU(I, H, { bias: false }) as never],
      ];
      for (const [what, m] of cases) {
        const bf = (m as unknown as { batchFirst: boolean }).batchFirst;
        const D = (m as unknown as { numDirections: number; numLayers: number });
        const x = randn(bf ? [B, T, I] : [T, B, I]);
        const h0 = randn([D.numLayers * D.numDirections, B, H]);
        const lstm = what === 'lstm';
        const hx = lstm ? [h0, randn([D.numLayers * D.numDirections, B, H])] : h0;
        const call = () => (m as unknown as { call(x: Tensor, h: unknown): [Tensor, Tensor | [Tensor, Tensor]] }).call(x, hx);
        // the stepwise path runs when the parameters need gradients and grad mode is on
        const [ys, hs] = call();
        const [yf, hf] = noGrad(call);
        close(`${what} output`, yf, ys);
        if (lstm) {
          close(`${what} h_n`, (hf as [Tensor, Tensor])[0], (hs as [Tensor, Tensor])[0]);
          close(`${what} c_n`, (hf as [Tensor, Tensor])[1], (hs as [Tensor, Tensor])[1]);
        } else close(`${what} h_n`, hf as Tensor, hs as Tensor);
        // unbatched input too
        const x2 = randn([T, I]);
        const one = () => (m as unknown as { call(x: Tensor): [Tensor, unknown] }).call(x2)[0];
        if (!bf) close(`${what} unbatched`, noGrad(one), one());
      }
    } finally {
      setBackend('wasm');
    }
  });
}
