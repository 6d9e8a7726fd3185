// The README's library example, verbatim in spirit: it must compile and train.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, randn, nn, F, optim, tidy, manualSeed, type Tensor } from '../src/index.js';

class Net extends nn.Module {
  fc1 = new nn.Linear(4, 16);
  fc2 = new nn.Linear(16, 3);
  forward(x: Tensor): Tensor {
    return this.fc2.call(F.relu(this.fc1.call(x)));
  }
}

test('the README example trains (loss falls over 50 steps)', () => {
  manualSeed(0);
  const model = new Net();
  const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
  const x = randn([8, 4]);
  const y = tensor([0, 1, 2, 0, 1, 2, 0, 1], { dtype: 'int32' });
  const losses: number[] = [];
  for (let i = 0; i < 50; i++) {
    losses.push(tidy(() => {
      opt.zeroGrad();
      const loss = F.crossEntropy(model.call(x), y);
      loss.backward();
      opt.step();
      return loss.item();
    }));
  }
  assert.ok(losses[49]! < 0.5 * losses[0]!, `loss ${losses[0]} → ${losses[49]}`);
});
