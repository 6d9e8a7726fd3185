// Segmenter training and its saved format: a few steps on a tiny synthetic volume lower the loss;
// save → load gives bit-identical logits; configs that do not match their weights are typed errors;
// the tissue-class table and the synthetic images.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MeshNet } from '../../src/models/meshnet.js';
import { UNet3d } from '../../src/models/unet3d.js';
import { inferTiled } from '../../src/models/segment_volume.js';
import { imageSource, synthSource, trainSegmenter, flipPermute } from '../../src/decode/seg_train.js';
import { saveSegmenter, loadSegmenter } from '../../src/node/segmenter_io.js';
import { asegTissue, asegToTissue, templateTissue } from '../../src/neuro/tissue.js';
import { synthesizeImage } from '../../src/neuro/synth_t1.js';
import { Generator } from '../../src/tensor/random.js';
import { FormatError, StateDictError } from '../../src/errors.js';

const N = 16;
function bands(): { image: Float32Array; labels: Uint8Array } {
  const labels = new Uint8Array(N ** 3), image = new Float32Array(N ** 3);
  for (let v = 0; v < N ** 3; v++) {
    const i = v % N, j = Math.floor(v / N) % N;
    labels[v] = i < 3 ? 0 : ((i + j) >> 2) % 3 + 1;
    image[v] = [0, 0.15, 0.5, 0.8][labels[v]!]!;
  }
  return { image, labels };
}

test('a few Adam steps on a tiny volume lower the segmentation loss (MeshNet and U-Net)', () => {
  const { image, labels } = bands();
  const src = imageSource('bands', image, labels, [N, N, N], 4, 0);
  for (const model of [new MeshNet({ classes: 4, channels: 4, dilations: [1, 2, 1] }), new UNet3d({ classes: 4, baseChannels: 4, levels: 2 })]) {
    const r = trainSegmenter(model, [src], { patch: 8, stepsPerEpoch: 8, epochs: 6, lr: 2e-2, seed: 3 });
    assert.equal(r.history.length, 6);
    assert.equal(r.patches, 48);
    const first = r.history[0]!.trainLoss, last = r.history.at(-1)!.trainLoss;
    assert.ok(Number.isFinite(last) && last < 0.8 * first, `${model.constructor.name}: loss ${first} → ${last}`);
  }
});

test('saveSegmenter → loadSegmenter gives identical logits; mismatched configs are typed errors', () => {
  const { image } = bands();
  const model = new MeshNet({ classes: 4, channels: 4, dilations: [1, 2, 1] });
  trainSegmenter(model, [imageSource('bands', image, bands().labels, [N, N, N], 4)], { patch: 8, stepsPerEpoch: 2, epochs: 1 });
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-seg-'));
  try {
    const meta = { arch: 'meshnet', hyper: { channels: 4, dilations: [1, 2, 1], norm: 'batch' }, classes: ['background', 'csf', 'gm', 'wm'], normalisation: { method: 'minmax' as const }, trainedOn: ['bands'] };
    saveSegmenter(dir, model, meta);
    const { model: back, config } = loadSegmenter(dir);
    assert.equal(config.format, 'dendrite-segmenter');
    assert.deepEqual(config.trainedOn, ['bands']);
    const a = inferTiled(model, image, [N, N, N], { logits: true }).logits!;
    const b = inferTiled(back, image, [N, N, N], { logits: true }).logits!;
    assert.deepEqual(b, a);
    // a config that does not describe this model is refused at save time
    assert.throws(() => saveSegmenter(join(dir, 'x'), model, { ...meta, hyper: { ...meta.hyper, channels: 5 } }), FormatError);
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    const rewrite = (c: unknown) => writeFileSync(join(dir, 'config.json'), JSON.stringify(c));
    rewrite({ ...cfg, hyper: { ...cfg.hyper, channels: 6 } });
    assert.throws(() => loadSegmenter(dir), StateDictError);
    rewrite({ ...cfg, classes: ['a', 'b', 'c'] });
    assert.throws(() => loadSegmenter(dir), StateDictError);
    rewrite({ ...cfg, arch: 'resnet' });
    assert.throws(() => loadSegmenter(dir), /arch "resnet"/);
    rewrite({ ...cfg, format: 'other' });
    assert.throws(() => loadSegmenter(dir), FormatError);
    rewrite({ ...cfg, hyper: { ...cfg.hyper, dilations: 'x' } });
    assert.throws(() => loadSegmenter(dir), FormatError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('aseg labels map to tissue classes as documented', () => {
  assert.deepEqual([0, 2, 3, 4, 7, 8, 10, 16, 17, 24, 28, 41, 42, 43, 251, 502].map(asegTissue), [0, 3, 2, 1, 3, 2, 2, 3, 2, 1, 3, 3, 2, 1, 3, 0]);
  assert.deepEqual([...asegToTissue([0, 42, 41, 4, 0])], [0, 2, 3, 1, 0]);
  // template: outside the brain 0, else argmax of (1 − gm − wm, gm, wm)
  assert.deepEqual([...templateTissue([0, 100, 100, 100], [200, 200, 50, 20], [0, 30, 180, 10], 255)], [0, 2, 3, 1]);
});

test('synthetic images: background 0, values in [0, 1], a new contrast per draw; flips keep voxel/label pairs', () => {
  const labels = new Int32Array(10 ** 3).map((_, v) => (v % 10 < 2 ? 0 : v % 10 < 5 ? 2 : v % 10 < 8 ? 3 : 4));
  const g = new Generator(1);
  const a = synthesizeImage(labels, [10, 10, 10], g, { blur: [0, 0] });
  const b = synthesizeImage(labels, [10, 10, 10], g, { blur: [0, 0] });
  for (let v = 0; v < a.length; v++) {
    assert.ok(a[v]! >= 0 && a[v]! <= 1);
    if (labels[v] === 0) assert.equal(a[v], 0);
  }
  assert.notDeepEqual(a, b);
  const src = synthSource('s', [{ labels, shape: [10, 10, 10] }]);
  const p = src.draw(g, 6);
  assert.equal(p.image.length, 216);
  const f = flipPermute(p, 6, g);
  const pairs = (x: { image: Float32Array; labels: Uint8Array }) => [...x.image].map((v, i) => `${v}:${x.labels[i]}`).sort();
  assert.deepEqual(pairs(f), pairs(p));
});
