// serializeStateDictAsync writes the bytes serializeStateDict writes — float64 as F64, int32 as
// I32, non-contiguous tensors in row-major order — and reads tensors in webgpu memory, which
// serializeStateDict cannot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor } from '../../src/index.js';
import { setBackend } from '../../src/kernels/index.js';
import { deserializeStateDict, serializeStateDict, serializeStateDictAsync } from '../../src/io/state_dict.js';
import { decodeSafetensors } from '../../src/io/safetensors/index.js';
import { skipWithoutGpu } from '../kernels/webgpu_env.js';

const META = { format: 'pt' };

test('serializeStateDictAsync: the bytes of serializeStateDict, dtypes kept (F32, F64, I32)', async () => {
  const sd = {
    'w': tensor([[0.1, -2.5, 3], [4, 5e-8, -6]]),
    'wT': tensor([[1, 2, 3], [4, 5, 6]]).transpose(0, 1),
    'd': tensor([Math.PI, -1e-300, 2 ** 60], { dtype: 'float64' }),
    'n': tensor([7, -8, 2147483647], { dtype: 'int32' }),
  };
  const bytes = await serializeStateDictAsync(sd, META);
  assert.deepEqual(bytes, serializeStateDict(sd, META));
  const { tensors, metadata } = decodeSafetensors(bytes);
  assert.deepEqual(metadata, META);
  assert.deepEqual(Object.fromEntries(Object.entries(tensors).map(([k, r]) => [k, r.dtype])), { w: 'F32', wT: 'F32', d: 'F64', n: 'I32' });
  const back = deserializeStateDict(bytes).stateDict;
  assert.deepEqual([...back['d']!.dataSync()], [Math.PI, -1e-300, 2 ** 60]);
  assert.deepEqual(back['wT']!.shape, [3, 2]);
  assert.deepEqual([...back['wT']!.dataSync()], [1, 4, 2, 5, 3, 6]);
});

test('webgpu: serializeStateDictAsync reads tensors in device memory, the bytes of the same tensors on the CPU', { timeout: 60_000 }, async (t) => {
  if (await skipWithoutGpu(t)) return;
  const values = { w: Float32Array.from({ length: 150 }, (_, i) => Math.sin(i) * 0.3), n: Int32Array.from([3, -1, 0, 9]) };
  const make = () => ({ 'conv.weight': tensor(values.w, { shape: [6, 1, 5, 5] }), 'steps': tensor(values.n, { dtype: 'int32' }) });
  const onCpu = serializeStateDict(make(), META);
  setBackend('webgpu');
  try {
    const sd = make();
    assert.throws(() => serializeStateDict(sd, META));
    assert.deepEqual(await serializeStateDictAsync(sd, META), onCpu);
  } finally {
    setBackend('js');
  }
});
