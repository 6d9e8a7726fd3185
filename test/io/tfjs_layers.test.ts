// brainchop's MeshNets (TF.js layers models) imported into dendrite: labels and logits against
// TF.js's own output on a 64³ block of the conformed T1 (test/golden/brainchop/*.json from
// scripts/golden/brainchop_tfjs.mjs) and against the same weights in PyTorch (brainchop_torch.py), tile seams, segmentVolume's axis order and scaling, and
// typed errors for model files that do not match their weights.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { readNifti } from '../../src/io/nifti/index.js';
import { loadTfjsLayersModel, type TfjsLayersModel } from '../../src/io/tfjs/index.js';
import { readTfjsLayersModel } from '../../src/node/tfjs.js';
import { inferTiled, segmentVolume } from '../../src/models/segment_volume.js';
import { FormatError } from '../../src/errors.js';
import { dataPath, skipMissing } from '../helpers/data.js';

const MODELS = dataPath('mri', 'brainchop', 'models');
const T1 = dataPath('mri', 'brainchop', 't1_crop.nii.gz');

interface Golden {
  origin: [number, number, number]; size: number; volume_min: number; volume_max: number; block_sum: number;
  classes: number; logit_stride: number; labels_gz_b64: string; logits_b64: string;
}

const golden = (name: string): Golden => JSON.parse(readFileSync(`test/golden/brainchop/${name}.json`, 'utf8')) as Golden;

let t1: { data: ArrayLike<number>; shape: number[] } | null = null;
function volume(): { data: ArrayLike<number>; shape: number[] } {
  if (!t1) {
    const img = readNifti(readFileSync(T1), T1);
    t1 = { data: img.data as ArrayLike<number>, shape: img.shape };
  }
  return t1;
}

/** The golden's block, min-max scaled with the whole volume's range, as (i, j, k) C-order; and its voxel sum. */
function block(g: Golden): { x: Float32Array; sum: number; fortran: Uint8Array } {
  const { data, shape } = volume();
  const [nx, ny] = shape as [number, number, number];
  const S = g.size;
  const x = new Float32Array(S ** 3);
  const fortran = new Uint8Array(S ** 3);
  const range = Math.fround(g.volume_max - g.volume_min);
  let sum = 0;
  for (let i = 0; i < S; i++) for (let j = 0; j < S; j++) for (let k = 0; k < S; k++) {
    const v = data[(g.origin[0] + i) + nx * ((g.origin[1] + j) + ny * (g.origin[2] + k))]!;
    sum += v;
    x[(i * S + j) * S + k] = Math.fround(Math.fround(v - g.volume_min) / range);
    fortran[i + S * (j + S * k)] = v;
  }
  return { x, sum, fortran };
}

const params = (m: TfjsLayersModel) => m.parameters().reduce((a, p) => a + p.numel, 0);

function compare(t: TestContext, name: string, nParams: number, agreeMin: number): void {
  if (skipMissing(t, join(MODELS, name, 'model.json'), T1)) return;
  const g = golden(name);
  const model = readTfjsLayersModel(join(MODELS, name));
  assert.equal(params(model), nParams);
  assert.equal(model.outChannels, g.classes);
  const { x, sum } = block(g);
  assert.equal(sum, g.block_sum, 'the block holds the voxels TF.js read');
  const S = g.size;
  const r = inferTiled(model, x, [S, S, S], { logits: true });
  const want = gunzipSync(Buffer.from(g.labels_gz_b64, 'base64'));
  assert.equal(want.length, S ** 3);
  let same = 0;
  for (let v = 0; v < want.length; v++) if (r.labels[v] === want[v]) same++;
  const agree = same / want.length;
  t.diagnostic(`${name}: labels equal TF.js's on ${same}/${want.length} voxels (${(100 * agree).toFixed(4)} %)`);
  assert.ok(agree >= agreeMin, `${name}: ${(100 * agree).toFixed(4)} % of labels agree`);
  // logits at every logit_stride-th voxel (TF.js stores (voxel, class))
  const ref = new Float32Array(new Uint8Array(Buffer.from(g.logits_b64, 'base64')).buffer);
  const K = g.classes;
  let scale = 0;
  for (const v of ref) scale = Math.max(scale, Math.abs(v));
  let err = 0;
  let i = 0;
  for (let v = 0; v < S ** 3; v += g.logit_stride) {
    for (let k = 0; k < K; k++) err = Math.max(err, Math.abs(r.logits![k * S ** 3 + v]! - ref[i++]!));
  }
  assert.equal(i, ref.length);
  t.diagnostic(`${name}: max |logit − TF.js| = ${err.toExponential(2)} (logits up to ${scale.toFixed(2)})`);
  assert.ok(err <= 2e-5 * scale, `${name}: logits differ by ${err} (scale ${scale})`);
  // the same weights in torch Conv3d (scripts/golden/brainchop_torch.py)
  const torch = JSON.parse(readFileSync(`test/golden/brainchop/${name}_torch.json`, 'utf8')) as Golden;
  const tl = gunzipSync(Buffer.from(torch.labels_gz_b64, 'base64'));
  let sameTorch = 0;
  for (let v = 0; v < tl.length; v++) if (r.labels[v] === tl[v]) sameTorch++;
  t.diagnostic(`${name}: labels equal PyTorch's on ${sameTorch}/${tl.length} voxels`);
  assert.ok(sameTorch / tl.length >= agreeMin);
  const tref = new Float32Array(new Uint8Array(Buffer.from(torch.logits_b64, 'base64')).buffer);
  let terr = 0;
  i = 0;
  for (let v = 0; v < S ** 3; v += g.logit_stride) for (let k = 0; k < K; k++) terr = Math.max(terr, Math.abs(r.logits![k * S ** 3 + v]! - tref[i++]!));
  assert.equal(i, tref.length);
  t.diagnostic(`${name}: max |logit − PyTorch| = ${terr.toExponential(2)}`);
  assert.ok(terr <= 2e-5 * scale);
}


test('model5_gw_ae imported from TF.js: 5 598 parameters, labels equal TF.js on ≥ 99.9 % of a 64³ block, logits within float32 error', (t) => {
  compare(t, 'model5_gw_ae', 5598, 0.999);
});

test('model18cls imported from TF.js: 96 408 parameters, labels equal TF.js on ≥ 99.9 % of a 64³ block, logits within float32 error', (t) => {
  if (!existsSync('test/golden/brainchop/model18cls.json')) return t.skip('no model18cls golden');
  compare(t, 'model18cls', 96408, 0.999);
});

/** A small chain in TF.js's format (reach 1+2+0 along D, 1+0 along H, 1+2 along W) with seeded weights. */
function smallModel(): TfjsLayersModel {
  const conv = (name: string, filters: number, k: number[], d: number[], inbound: string, activation = 'linear') => ({
    class_name: 'Conv3D', name, inbound_nodes: [[[inbound, 0, 0, {}]]],
    config: { name, filters, kernel_size: k, strides: [1, 1, 1], padding: 'same', data_format: 'channels_last', dilation_rate: d, activation, use_bias: true },
  });
  const layers = [
    { class_name: 'InputLayer', name: 'input', inbound_nodes: [], config: { name: 'input', batch_input_shape: [null, null, null, null, 1] } },
    conv('c1', 3, [3, 3, 3], [1, 1, 1], 'input', 'relu'),
    conv('c2', 4, [3, 1, 3], [2, 1, 2], 'c1'),
    { class_name: 'Activation', name: 'a2', inbound_nodes: [[['c2', 0, 0, {}]]], config: { name: 'a2', activation: 'elu' } },
    conv('out', 2, [1, 1, 1], [1, 1, 1], 'a2'),
  ];
  const specs = [['c1/kernel', [3, 3, 3, 1, 3]], ['c1/bias', [3]], ['c2/kernel', [3, 1, 3, 3, 4]], ['c2/bias', [4]], ['out/kernel', [1, 1, 1, 4, 2]], ['out/bias', [2]]] as const;
  const n = specs.reduce((a, [, sh]) => a + (sh as readonly number[]).reduce((x: number, y: number) => x * y, 1), 0);
  const w = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    w[i] = s / 2 ** 30 - 1;
  }
  const json = {
    format: 'layers-model',
    modelTopology: { model_config: { class_name: 'Functional', config: { name: 'small', layers } } },
    weightsManifest: [{ paths: ['w.bin'], weights: specs.map(([name, shape]) => ({ name, shape, dtype: 'float32' })) }],
  };
  return loadTfjsLayersModel(JSON.stringify(json), () => new Uint8Array(w.buffer));
}

test('tiles grown by the receptive field change nothing: 3×2×4 tiles equal one pass, logits and labels', () => {
  const model = smallModel();
  assert.deepEqual(model.receptiveField(), { before: [3, 1, 3], after: [3, 1, 3] });
  const dims = [20, 13, 22] as const;
  const x = new Float32Array(dims[0] * dims[1] * dims[2]);
  for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.37) + Math.cos(i * 0.011);
  const one = inferTiled(model, x, dims, { logits: true, splits: [1, 1, 1] });
  const tiled = inferTiled(model, x, dims, { logits: true, splits: [3, 2, 4] });
  assert.ok(tiled.voxelsComputed > one.voxelsComputed);
  assert.deepEqual(tiled.labels, one.labels);
  let err = 0;
  for (let i = 0; i < one.logits!.length; i++) err = Math.max(err, Math.abs(one.logits![i]! - tiled.logits![i]!));
  assert.ok(err <= 1e-6, `tile seams move logits by ${err}`);
  // a memory budget that one tile exceeds makes the split itself, with the same labels
  const auto = inferTiled(model, x, dims, { maxActivationBytes: 2 * 4 * 4 * 3000 });
  assert.ok(auto.splits.some((v) => v > 1), `split ${auto.splits}`);
  assert.deepEqual(auto.labels, one.labels);
  assert.throws(() => inferTiled(model, x, dims, { maxActivationBytes: 2 * 4 * 4 * 50 }), /no split of 20x13x22 .* raise maxActivationBytes/);
});

test('MeshNet reach: model5_gw_ae sees 46 voxels either side along each axis', (t) => {
  if (skipMissing(t, join(MODELS, 'model5_gw_ae', 'model.json'))) return;
  assert.deepEqual(readTfjsLayersModel(join(MODELS, 'model5_gw_ae')).receptiveField(), { before: [46, 46, 46], after: [46, 46, 46] });
});

test('segmentVolume scales a NIfTI-ordered volume with its min/max, runs the model on (i, j, k) and returns labels in the input order', (t) => {
  if (skipMissing(t, join(MODELS, 'model5_gw_ae', 'model.json'), T1)) return;
  const model = readTfjsLayersModel(join(MODELS, 'model5_gw_ae'));
  const g = golden('model5_gw_ae');
  const { fortran } = block(g);
  // the block spans 0..255 like the whole volume, so its own min/max scaling is the volume's
  const r = segmentVolume(model, { data: fortran, shape: [64, 64, 64] });
  assert.equal(r.min, 0);
  assert.equal(r.max, 255);
  const want = gunzipSync(Buffer.from(g.labels_gz_b64, 'base64'));
  let same = 0;
  for (let i = 0; i < 64; i++) for (let j = 0; j < 64; j++) for (let k = 0; k < 64; k++) {
    if (r.labels[i + 64 * (j + 64 * k)] === want[(i * 64 + j) * 64 + k]) same++;
  }
  assert.ok(same / 64 ** 3 >= 0.999, `${same} of ${64 ** 3}`);
  assert.throws(() => segmentVolume(model, { data: new Uint8Array(10), shape: [2, 2, 2] }), /segmentVolume: 10 voxels for shape 2x2x2/);
  assert.throws(() => segmentVolume(model, { data: [0, 1, NaN, 3, 4, 5, 6, 7], shape: [2, 2, 2] }), /voxel 2 is NaN/);
});

// ---- model files that do not match their weights ---------------------------------------------

function model5(): { json: Record<string, any>; shard: Uint8Array } {
  const dir = join(MODELS, 'model5_gw_ae');
  return { json: JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')), shard: readFileSync(join(dir, 'group1-shard1of1.bin')) };
}

function rejects(json: unknown, shard: Uint8Array, pattern: RegExp): void {
  assert.throws(() => loadTfjsLayersModel(json, () => shard, 'model.json'), (e: Error) => e instanceof FormatError && /tfjs layers model model\.json/.test(e.message) && pattern.test(e.message), pattern.source);
}

test('model.json files that do not match their weights, or use layers dendrite cannot run, get FormatErrors', (t) => {
  if (skipMissing(t, join(MODELS, 'model5_gw_ae', 'model.json'))) return;
  const { json, shard } = model5();
  const clone = () => JSON.parse(JSON.stringify(json));
  // the unchanged files load
  assert.equal(params(loadTfjsLayersModel(json, () => shard)), 5598);
  rejects('{ not json', shard, /is not JSON/);
  rejects(json, shard.subarray(0, shard.length - 4), /declares 22392 bytes of weights, its shards \[group1-shard1of1\.bin\] hold 22388/);
  let j = clone();
  j.weightsManifest[0].weights[2].shape = [3, 3, 3, 5, 4];
  rejects(j, shard, /declares 21852 bytes of weights, its shards \[group1-shard1of1\.bin\] hold 22392/);
  j = clone();
  [j.weightsManifest[0].weights[2].shape, j.weightsManifest[0].weights[4].shape] = [[3, 3, 3, 25, 1], [3, 3, 3, 25, 1]];
  rejects(j, shard, /weight '23\/kernel' has shape \[3,3,3,25,1\]; layer '23' needs \[3,3,3,5,5\]/);
  j = clone();
  j.weightsManifest[0].weights[1].name = '21/beta';
  rejects(j, shard, /layer '21' needs weight '21\/bias'/);
  j = clone();
  j.weightsManifest[0].weights[0].dtype = 'int32';
  rejects(j, shard, /weight '21\/kernel' has dtype int32; only float32/);
  j = clone();
  j.modelTopology.model_config.config.layers[2].class_name = 'BatchNormalization';
  rejects(j, shard, /layer '22' is a BatchNormalization; supported layers are InputLayer, Conv3D and Activation/);
  j = clone();
  j.modelTopology.model_config.config.layers[2].config.activation = 'swish';
  rejects(j, shard, /layer '22': activation "swish" is not supported/);
  j = clone();
  j.modelTopology.model_config.config.layers[3].inbound_nodes = [[['input', 0, 0, {}]]];
  rejects(j, shard, /layer '23' takes \[input\], not the previous layer/);
  j = clone();
  j.modelTopology.model_config.config.layers[1].config.data_format = 'channels_first';
  rejects(j, shard, /Conv3D '21': data_format 'channels_first' is not supported/);
  j = clone();
  // a weight the topology does not use (the last layer made bias-free)
  j.modelTopology.model_config.config.layers.at(-1).config.use_bias = false;
  rejects(j, shard, /weights \[output\/bias\] belong to no layer/);
  j = clone();
  j.format = 'graph-model';
  rejects(j, shard, /format 'graph-model' is not 'layers-model'/);
  assert.throws(() => readTfjsLayersModel('/nonexistent/model.json'), /ENOENT/);
});
