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
    const r = trainSegmenter(model, [src], { patch: 8, stepsPerEpoch: 8, epochs: 8, lr: 2e-2, seed: 3 });
    assert.equal(r.history.length, 8);
    assert.equal(r.patches, 64);
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
    // a config claiming huge layers is refused from the weights' shapes before any model is built
    // (building it first would try to allocate 27 × 10¹⁰ weights per layer)
    rewrite({ ...cfg, hyper: { ...cfg.hyper, channels: 100_000 } });
    assert.throws(() => loadSegmenter(dir), (e: Error) => e instanceof StateDictError && /conv0.weight is \[4, 1, 3, 3, 3\], the config needs \[100000, 1, 3, 3, 3\]/.test(e.message));
    rewrite({ ...cfg, normalisation: { method: 'percentile', low: 50, high: 5 } });
    assert.throws(() => loadSegmenter(dir), (e: Error) => e instanceof FormatError && /low 50, high 5/.test(e.message));
    // configs written before the normalisation field existed load as min-max, as they were trained
    const old = { ...cfg };
    delete old.normalisation;
    rewrite(old);
    assert.deepEqual(loadSegmenter(dir).config.normalisation, { method: 'minmax' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a percentile normalisation is saved and read back', () => {
  const model = new MeshNet({ classes: 4, channels: 2, dilations: [1] });
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-seg-'));
  try {
    const normalisation = { method: 'percentile' as const, low: 0.5, high: 99 };
    saveSegmenter(dir, model, { arch: 'meshnet', hyper: { channels: 2, dilations: [1], norm: 'batch' }, classes: ['a', 'b', 'c', 'd'], normalisation });
    assert.deepEqual(loadSegmenter(dir).config.normalisation, normalisation);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the model ends with the weights of the best-scoring validation, not the last', () => {
  const { image, labels } = bands();
  const model = new MeshNet({ classes: 4, channels: 4, dilations: [1, 2, 1] });
  const scores = [0.2, 0.9, 0.4];
  let calls = 0;
  let atBest: Float32Array | null = null;
  const w = () => Float32Array.from(model.stateDict()['conv0.weight']!.dataSync() as Float32Array);
  const r = trainSegmenter(model, [imageSource('bands', image, labels, [N, N, N], 4, 0)], {
    patch: 8, stepsPerEpoch: 3, epochs: 3, lr: 2e-2,
    validate: { every: 1, score: () => { if (calls === 1) atBest = w(); return scores[calls++]!; } },
  });
  assert.equal(calls, 3);
  assert.equal(r.bestEpoch, 2);
  assert.equal(r.bestScore, 0.9);
  assert.deepEqual(r.history.map((h) => h.score), scores);
  assert.deepEqual(w(), atBest);
  assert.throws(() => trainSegmenter(model, [imageSource('bands', image, labels, [N, N, N], 4, 0)], { patch: 8, epochs: 1, validate: { every: 0, score: () => 0 } }), /validate.every/);
});

test('with average, validations score the running mean of the epochs\' weights and the model ends with it', () => {
  const { image, labels } = bands();
  const model = new MeshNet({ classes: 4, channels: 4, dilations: [1, 2, 1] });
  const w = () => Float64Array.from(model.stateDict()['conv0.weight']!.dataSync() as Float32Array);
  const raw: Float64Array[] = [], seen: Float64Array[] = [];
  const r = trainSegmenter(model, [imageSource('bands', image, labels, [N, N, N], 4, 0)], {
    patch: 8, stepsPerEpoch: 3, epochs: 3, lr: 2e-2, average: { start: 0 },
    validate: { every: 1, score: () => { seen.push(w()); return seen.length; } },
    onEpoch: () => raw.push(w()), // after the validation: the raw weights are back
  });
  assert.equal(r.averaged, 3);
  assert.equal(r.bestEpoch, 3);
  const meanOf = (k: number) => raw[0]!.map((_, i) => raw.slice(0, k).reduce((a, x) => a + x[i]!, 0) / k);
  for (let e = 1; e <= 3; e++) {
    const m = meanOf(e);
    for (let i = 0; i < m.length; i++) assert.ok(Math.abs(seen[e - 1]![i]! - m[i]!) <= 1e-6 * (1 + Math.abs(m[i]!)), `epoch ${e} weight ${i}: ${seen[e - 1]![i]} vs ${m[i]}`);
  }
  assert.ok(raw[1]!.some((v, i) => Math.abs(v - raw[0]![i]!) > 1e-4), 'the raw weights moved, so the mean differs from the last');
  const end = w(), m3 = meanOf(3);
  for (let i = 0; i < m3.length; i++) assert.ok(Math.abs(end[i]! - m3[i]!) <= 1e-6 * (1 + Math.abs(m3[i]!)));
  assert.throws(() => trainSegmenter(model, [imageSource('bands', image, labels, [N, N, N], 4, 0)], { patch: 8, epochs: 1, average: { start: 1 } }), /average.start/);
});

test('without validate, averaging starts at its fraction of the epochs (even with a far time limit) and the model ends with the average', () => {
  const { image, labels } = bands();
  const model = new MeshNet({ classes: 4, channels: 4, dilations: [1, 2, 1] });
  const w = () => Float64Array.from(model.stateDict()['conv0.weight']!.dataSync() as Float32Array);
  const raw: Float64Array[] = [];
  const r = trainSegmenter(model, [imageSource('bands', image, labels, [N, N, N], 4, 0)], {
    patch: 8, stepsPerEpoch: 2, epochs: 4, minutes: 60, lr: 2e-2, average: { start: 0.5 }, onEpoch: () => raw.push(w()),
  });
  assert.equal(r.averaged, 3, 'epochs 2, 3 and 4 (2/4 ≥ 0.5)');
  const end = w();
  for (let i = 0; i < end.length; i++) {
    const m = (raw[1]![i]! + raw[2]![i]! + raw[3]![i]!) / 3;
    assert.ok(Math.abs(end[i]! - m) <= 1e-6 * (1 + Math.abs(m)), `weight ${i}: ${end[i]} vs ${m}`);
  }
});

test('aseg labels map to tissue classes as documented', () => {
  assert.deepEqual([0, 2, 3, 4, 7, 8, 10, 16, 17, 24, 28, 41, 42, 43, 136, 251, 502].map(asegTissue), [0, 3, 2, 1, 3, 2, 2, 3, 2, 0, 3, 3, 2, 1, 1, 3, 0]);
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
  // with the T1 prior, every draw orders white matter > grey matter > ventricles
  const med = (img: Float32Array, l: number) => Float32Array.from(img.filter((_, v) => labels[v] === l)).sort()[Math.floor(labels.filter((x) => x === l).length / 2)]!;
  for (let d = 0; d < 10; d++) {
    const x = synthesizeImage(labels, [10, 10, 10], g, { t1Prior: 1, blur: [0, 0] });
    assert.ok(med(x, 2) > med(x, 3) && med(x, 3) > med(x, 4), `draw ${d}: WM ${med(x, 2)}, GM ${med(x, 3)}, CSF ${med(x, 4)}`);
  }
  const src = synthSource('s', [{ labels, shape: [10, 10, 10] }]);
  const p = src.draw(g, 6);
  assert.equal(p.image.length, 216);
  const f = flipPermute(p, 6, g);
  const pairs = (x: { image: Float32Array; labels: Uint8Array }) => [...x.image].map((v, i) => `${v}:${x.labels[i]}`).sort();
  assert.deepEqual(pairs(f), pairs(p));
});
