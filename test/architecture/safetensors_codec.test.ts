// io/safetensors is a format codec over bytes and typed arrays; turning a state dict of tensors
// into those bytes and back is src/io/state_dict.ts's job, outside the codec. The
// public names stay where users import them from: the package root.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as D from '../../src/index.js';
import { importsOf, sourceFiles } from './imports.js';

test('architecture: io/safetensors imports no tensor, autograd, ops or nn module', () => {
  const files = sourceFiles('src/io/safetensors');
  assert.ok(files.includes('src/io/safetensors/safetensors.ts'));
  const hits = files.flatMap((f) => importsOf(f).filter((e) => /^src\/(tensor|autograd|ops|nn|kernels)\//.test(e.target)).map((e) => `${f} → ${e.target}`));
  assert.deepEqual(hits, []);
});

test('state dicts round-trip through the root exports serializeStateDict / deserializeStateDict', () => {
  D.tidy(() => {
    const sd = { 'fc.weight': D.tensor([[1.5, -2], [0.25, 3]]), 'bn.num_batches_tracked': D.tensor(Int32Array.of(7), { shape: [] }), w64: D.tensor(Float64Array.of(1 / 3)) };
    const bytes = D.serializeStateDict(sd, { format: 'pt' });
    const { stateDict, metadata } = D.deserializeStateDict(bytes);
    assert.deepEqual(Object.keys(stateDict).sort(), Object.keys(sd).sort());
    for (const [k, t] of Object.entries(sd)) {
      assert.equal(stateDict[k]!.dtype, t.dtype, k);
      assert.deepEqual(stateDict[k]!.shape, t.shape, k);
      assert.deepEqual([...stateDict[k]!.dataSync()], [...t.dataSync()], k);
    }
    assert.equal(metadata.format, 'pt');
    assert.equal(typeof D.decodeSafetensors, 'function');
    assert.equal(typeof D.encodeSafetensors, 'function');
  });
});
