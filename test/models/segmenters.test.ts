// MeshNet and the 3-D U-Net: output shapes, parameter counts, reach, and the registry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MeshNet } from '../../src/models/meshnet.js';
import { UNet3d } from '../../src/models/unet3d.js';
import { segmenterModels } from '../../src/models/registry.js';
import { inferTiled } from '../../src/models/segment_volume.js';
import { randn } from '../../src/tensor/creation.js';
import { noGrad } from '../../src/autograd/grad_mode.js';
import { ArgumentError, ShapeError } from '../../src/errors.js';

const nParams = (m: { parameters(): { numel: number }[] }) => m.parameters().reduce((a, p) => a + p.numel, 0);

test('MeshNet maps (N, 1, D, H, W) to (N, classes, D, H, W) with brainchop-sized parameter counts', () => {
  const m = new MeshNet({ classes: 4, channels: 5 });
  const y = noGrad(() => m.eval().call(randn([2, 1, 7, 9, 6])));
  assert.deepEqual(y.shape, [2, 4, 7, 9, 6]);
  // 9 dilated 3×3×3 layers: (1·27·5+5) + 8·(5·27·5+5) weights/biases, 9·2·5 norm affine, classifier 5·4+4
  assert.equal(nParams(m), 140 + 8 * 680 + 90 + 24);
  assert.deepEqual(m.receptiveField(), { before: [46, 46, 46], after: [46, 46, 46] });
  assert.throws(() => new MeshNet({ classes: 4, dilations: [1, 0] }), ArgumentError);
});

test('MeshNet tiles seam-free: tiled inference equals one pass', () => {
  const m = new MeshNet({ classes: 3, channels: 4, dilations: [1, 2, 1] });
  const x = randn([1, 1, 12, 10, 11]).dataSync() as Float32Array;
  const one = inferTiled(m, x, [12, 10, 11], { logits: true, splits: [1, 1, 1] });
  const four = inferTiled(m, x, [12, 10, 11], { logits: true, splits: [2, 2, 1] });
  for (let i = 0; i < one.logits!.length; i++) assert.ok(Math.abs(one.logits![i]! - four.logits![i]!) < 1e-5);
});

test('UNet3d keeps the spatial shape and rejects sides not divisible by 2^(levels-1)', () => {
  const u = new UNet3d({ classes: 4, baseChannels: 4, levels: 3 });
  const y = noGrad(() => u.call(randn([1, 1, 8, 12, 16])));
  assert.deepEqual(y.shape, [1, 4, 8, 12, 16]);
  assert.throws(() => noGrad(() => u.call(randn([1, 1, 8, 12, 10]))), ShapeError);
  const u2 = new UNet3d({ classes: 2, baseChannels: 4, levels: 2 });
  assert.deepEqual(noGrad(() => u2.call(randn([1, 1, 6, 4, 2]))).shape, [1, 2, 6, 4, 2]);
  assert.throws(() => new UNet3d({ classes: 4, levels: 4 }), ArgumentError);
});

test('the memory-saving forward without gradients gives the same logits as the taped one', () => {
  for (const m of [new UNet3d({ classes: 3, baseChannels: 4, levels: 3 }), new MeshNet({ classes: 3, channels: 4, dilations: [1, 2] })]) {
    m.eval();
    const x = randn([1, 1, 8, 8, 4]);
    const taped = m.call(x).dataSync();
    const free = noGrad(() => m.call(x).dataSync());
    assert.deepEqual(free, taped);
    assert.ok(!x.isDisposed, 'the input survives');
  }
});

test('the registry builds both segmenters from their config and checks hyper-parameters', () => {
  assert.deepEqual([...segmenterModels.keys()], ['meshnet', 'unet3d']);
  const m = segmenterModels.get('meshnet')!.make(1, 4, { channels: 6, dilations: [1, 2], norm: 'group' });
  assert.equal(m.outChannels, 4);
  assert.ok(Object.keys(m.stateDict()).includes('conv1.weight'));
  assert.throws(() => segmenterModels.get('meshnet')!.make(1, 4, { channels: 6, dilations: 3, norm: 'batch' }), ArgumentError);
  const u = segmenterModels.get('unet3d')!.make(1, 4, segmenterModels.get('unet3d')!.defaults);
  assert.equal(u.constructor.name, 'UNet3d');
});
