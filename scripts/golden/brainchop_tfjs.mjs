// TF.js's own output for brainchop's MeshNets on a block of the conformed T1, the reference
// dendrite's TF.js importer is tested against. Runs @tensorflow/tfjs (CPU backend) the way
// brainchop does (niivue-brainchop's brainchop.js): the volume's slices (k, j, i) scaled to
// [0, 1] with the volume's min and max, transposed to (i, j, k) (`enableTranspose`), then a
// block cut out and run through the model's layers in turn, argMax over the last (class) axis.
//
//   node scripts/golden/brainchop_tfjs.mjs [model5_gw_ae|model18cls ...]
//
// Writes test/golden/brainchop/<model>.json: the block's origin and size, the volume's min/max,
// the block's voxel sum (to check the test read the same voxels), the labels (gzip + base64,
// uint8, (i, j, k) C-order), logits at every 61st voxel of the block, and the TF.js time.
// The NIfTI is read here with a minimal parser, independently of dendrite's reader.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';

const DATA = process.env.DENDRITE_DATA ?? '../shared/data';
const ORIGIN = [64, 120, 96];
const SIZE = 64;
const STRIDE = 61;

function readNiftiU8(path) {
  const b = gunzipSync(readFileSync(path));
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (v.getInt32(0, true) !== 348) throw new Error(`${path}: not a little-endian NIfTI-1`);
  const dims = [1, 2, 3].map((i) => v.getInt16(40 + 2 * i, true));
  const datatype = v.getInt16(70, true);
  const off = v.getFloat32(108, true);
  const slope = v.getFloat32(112, true);
  if (datatype !== 2) throw new Error(`${path}: datatype ${datatype}, expected uint8`);
  if (slope !== 0 && slope !== 1) throw new Error(`${path}: scl_slope ${slope}`);
  return { dims, data: b.subarray(off, off + dims[0] * dims[1] * dims[2]) };
}

async function run(name) {
  const dir = `${DATA}/mri/brainchop/models/${name}`;
  const json = JSON.parse(readFileSync(`${dir}/model.json`, 'utf8'));
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const shards = json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(`${dir}/${p}`)));
  const all = Buffer.concat(shards);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));

  const { dims, data } = readNiftiU8(`${DATA}/mri/brainchop/t1_crop.nii.gz`);
  const [nx, ny, nz] = dims;
  // brainchop: slices (k, j, i), min-max to [0, 1], transpose to (i, j, k)
  const slices = tf.tensor3d(Float32Array.from(data), [nz, ny, nx]);
  const mn = slices.min();
  const mx = slices.max();
  const norm = slices.sub(mn).div(mx.sub(mn));
  const ijk = norm.transpose();
  const block = ijk.slice(ORIGIN, [SIZE, SIZE, SIZE]);
  let blockSum = 0;
  for (let i = 0; i < SIZE; i++) for (let j = 0; j < SIZE; j++) for (let k = 0; k < SIZE; k++) {
    blockSum += data[(ORIGIN[0] + i) + nx * ((ORIGIN[1] + j) + ny * (ORIGIN[2] + k))];
  }
  const input = block.reshape([1, SIZE, SIZE, SIZE, 1]);
  const t0 = performance.now();
  // layer by layer, as brainchop applies them (predict would insist on the stored 256³ input shape)
  let out = input;
  for (let i = 1; i < model.layers.length; i++) {
    const next = model.layers[i].apply(out);
    if (out !== input) out.dispose();
    out = next;
  }
  const logits = await out.data();
  const seconds = (performance.now() - t0) / 1000;
  const labels = await out.argMax(-1).data();
  const K = out.shape[4];
  const n = SIZE ** 3;
  const sample = [];
  for (let v = 0; v < n; v += STRIDE) for (let k = 0; k < K; k++) sample.push(logits[v * K + k]);
  const counts = Array.from({ length: K }, (_, k) => labels.reduce((a, l) => a + (l === k ? 1 : 0), 0));
  const result = {
    model: name, tfjs_version: tf.version.tfjs, backend: tf.getBackend(),
    origin: ORIGIN, size: SIZE, volume_min: (await mn.data())[0], volume_max: (await mx.data())[0], block_sum: blockSum,
    classes: K, label_counts: counts, logit_stride: STRIDE,
    labels_gz_b64: gzipSync(Buffer.from(Uint8Array.from(labels))).toString('base64'),
    logits_b64: Buffer.from(Float32Array.from(sample).buffer).toString('base64'),
    tfjs_predict_seconds: seconds,
  };
  mkdirSync('test/golden/brainchop', { recursive: true });
  writeFileSync(`test/golden/brainchop/${name}.json`, JSON.stringify(result));
  console.log(`${name}: ${K} classes, label counts ${counts.join(' ')}, TF.js predict ${seconds.toFixed(1)} s on ${SIZE}³`);
}

await tf.setBackend('cpu');
for (const name of process.argv.slice(2).length ? process.argv.slice(2) : ['model5_gw_ae', 'model18cls']) await run(name);
