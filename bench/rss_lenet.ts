// Peak resident memory of LeNet training (batch 64, SGD-momentum, 100 steps on random data),
// run in a fresh process by `npm run bench`; prints {"maxRssBytes": n, "heapHighWater": n}.
import { manualSeed, randn, randint, optim, heap, trainEpoch, type Tensor } from '../src/index.js';
import { LeNet } from '../src/models/lenet.js';

manualSeed(0);
const model = new LeNet();
const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
function* batches(): Generator<[Tensor, Tensor]> {
  for (let i = 0; i < 100; i++) yield [randn([64, 1, 28, 28]), randint(0, 10, [64])];
}
// the library's training loop disposes each batch after its step
trainEpoch(model, batches(), opt, { accuracy: false });
// resourceUsage().maxRSS is in kilobytes
console.log(JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024, heapHighWater: heap().highWater }));
