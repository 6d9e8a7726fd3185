// TF.js peer for bench/imaging_brainchop.ts: a brainchop MeshNet in @tensorflow/tfjs on a block
// of the conformed volume (the whole 256³ takes TF.js about ten minutes on this machine), applied
// layer by layer as brainchop does. argv[2]: JSON {"model", "size", "backend": "cpu"|"wasm"}.
// Prints one JSON line with the seconds of the block's forward pass (after a 16³ warm-up).
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';

const cfg = JSON.parse(process.argv[2]);
const DATA = process.env.DENDRITE_DATA ?? '../shared/data';
if (cfg.backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
await tf.setBackend(cfg.backend ?? 'cpu');
const dir = `${DATA}/mri/brainchop/models/${cfg.model}`;
const json = JSON.parse(readFileSync(`${dir}/model.json`, 'utf8'));
const all = Buffer.concat(json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(`${dir}/${p}`))));
const model = await tf.loadLayersModel(tf.io.fromMemory({
  modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
  weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
}));
const forward = (s) => tf.tidy(() => {
  let x = tf.randomUniform([1, s, s, s, 1]);
  for (let i = 1; i < model.layers.length; i++) x = model.layers[i].apply(x);
  return x.argMax(-1);
});
(await forward(16)).dispose();
const t0 = performance.now();
const out = forward(cfg.size);
await out.data();
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ tfjs: tf.version.tfjs, backend: tf.getBackend(), size: cfg.size, seconds }));
