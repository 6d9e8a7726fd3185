// A training loop's heap stops growing after its first steps: the size-class allocator recycles
// every block that tidy frees, so the high-water mark is flat from step 10 to step 200.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heap, manualSeed, randn, randint, crossEntropy, tidy, optim, noGrad, ShallowFBCSPNet, nn, type Tensor } from '../../src/index.js';
import { LeNet } from '../../src/models/lenet.js';

/** One training step on a fresh batch, as a DataLoader gives them; the batch is freed after. */
function step(model: nn.Module, opt: optim.SGD, x: Tensor, y: Tensor): void {
  tidy(() => {
    opt.zeroGrad();
    crossEntropy(model.call(x), y).backward();
    opt.step();
  });
  x.dispose();
  y.dispose();
}

test('LeNet training for 200 steps keeps the heap high-water mark flat after step 10', () => {
  manualSeed(0);
  const model = new LeNet();
  const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  let at10 = 0;
  let inUseAt10 = 0;
  for (let i = 1; i <= 200; i++) {
    step(model, opt, randn([16, 1, 28, 28]), randint(0, 10, [16]));
    if (i === 10) {
      at10 = heap().highWater;
      inUseAt10 = heap().bytesInUse;
    }
  }
  assert.equal(heap().highWater, at10, `high-water mark grew from ${at10} to ${heap().highWater} bytes after step 10`);
  assert.equal(heap().bytesInUse, inUseAt10, 'live bytes changed between step 10 and step 200');
});

test('ShallowFBCSPNet alternating training steps and batch-1 evaluation keeps live bytes flat (FFT spectra of replaced weights are freed)', () => {
  manualSeed(1);
  const model = new ShallowFBCSPNet({ nChans: 22, nOutputs: 4, nTimes: 400 });
  const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const x1 = randn([1, 22, 400]);
  let inUseAt5 = 0;
  for (let i = 1; i <= 30; i++) {
    model.train();
    step(model, opt, randn([4, 22, 400]), randint(0, 4, [4]));
    // evaluation builds a new combined weight each time (the parameters changed), whose
    // spectrum is cached; the previous one's must go when its weight does
    model.eval();
    tidy(() => void noGrad(() => model.call(x1)));
    if (i === 5) inUseAt5 = heap().bytesInUse;
  }
  assert.equal(heap().bytesInUse, inUseAt5, `live bytes grew from ${inUseAt5} to ${heap().bytesInUse} between step 5 and step 30`);
});
