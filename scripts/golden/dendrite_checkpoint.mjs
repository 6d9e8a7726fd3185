// Step 1 of the dendrite → PyTorch interop check: writes a LeNet state dict from dendrite
// (seeded init) as test/golden/lenet_dendrite.safetensors. Step 2 is
// load_dendrite_checkpoint.py, which loads it into torch and records the logits.
// Run after `npm run build`: node scripts/golden/dendrite_checkpoint.mjs
import { manualSeed } from '../../dist/src/index.js';
import { LeNet } from '../../dist/src/models/lenet.js';
import { save } from '../../dist/src/node/checkpoint.js';

manualSeed(123);
save(new LeNet().stateDict(), 'test/golden/lenet_dendrite.safetensors', { writer: 'dendrite' });
