// TF.js peer for `npm run bench`: LeNet and ShallowFBCSPNet on @tensorflow/tfjs 4.22 with the
// pure-JS 'cpu' backend, and inference on '@tensorflow/tfjs-backend-wasm' (which cannot train
// convolutions: it has no Conv2DBackpropFilter kernel). Channels-last, as TF.js wants.
// Usage: node tfjs_bench.mjs '<json config>'  → one JSON object on stdout.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const cfg = JSON.parse(process.argv[2]);
const require = createRequire(import.meta.url);
setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');

function lenet() {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 120, activation: 'relu' }),
      tf.layers.dense({ units: 84, activation: 'relu' }),
      tf.layers.dense({ units: 10 }),
    ],
  });
}

function shallow(s) {
  // (T, C, 1): combined temporal+spatial conv as one 40×(25, C) conv, BN, square, mean-pool, log
  const nOut = Math.floor((s.times - 24 - 75) / 15) + 1;
  const input = tf.input({ shape: [s.times, s.chans, 1] });
  let h = tf.layers.conv2d({ filters: 40, kernelSize: [25, s.chans] }).apply(input);
  h = tf.layers.batchNormalization().apply(h);
  h = tf.layers.activation({ activation: 'linear' }).apply(h);
  const sq = new (class Square extends tf.layers.Layer {
    static className = 'Square';
    call(x) { return tf.tidy(() => tf.square(Array.isArray(x) ? x[0] : x)); }
  })();
  h = sq.apply(h);
  h = tf.layers.averagePooling2d({ poolSize: [75, 1], strides: [15, 1] }).apply(h);
  const lg = new (class SafeLog extends tf.layers.Layer {
    static className = 'SafeLog';
    call(x) { return tf.tidy(() => tf.log(tf.maximum(Array.isArray(x) ? x[0] : x, 1e-6))); }
  })();
  h = lg.apply(h);
  h = tf.layers.dropout({ rate: 0.5 }).apply(h);
  h = tf.layers.conv2d({ filters: s.classes, kernelSize: [nOut, 1] }).apply(h);
  h = tf.layers.flatten().apply(h);
  return tf.model({ inputs: input, outputs: h });
}

function timeIt(fn, reps, inner) {
  fn();
  const ts = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) fn();
    ts.push((performance.now() - t0) / 1000 / inner);
  }
  ts.sort((a, b) => a - b);
  return { seconds: ts[Math.floor(ts.length / 2)], min: ts[0], max: ts[ts.length - 1] };
}

function trainStep(model, x, y, opt) {
  return () => {
    tf.tidy(() => {
      opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true })));
    });
  };
}

const out = { tfjs: tf.version.tfjs, results: {} };
const R = out.results;
for (const backend of ['cpu', 'wasm']) {
  await tf.setBackend(backend);
  await tf.ready();
  const key = (k) => `${k}@tfjs-${backend}`;
  const m = lenet();
  if (backend === 'cpu') {
    const b = 64;
    const x = tf.randomNormal([b, 28, 28, 1]);
    const y = tf.oneHot(tf.randomUniform([b], 0, 10, 'int32'), 10);
    const t = timeIt(trainStep(m, x, y, tf.train.momentum(0.01, 0.9)), cfg.slowReps, 1);
    R[key('lenet_train_b64')] = { ...t, per_second: b / t.seconds };
  }
  const x1 = tf.randomNormal([1, 28, 28, 1]);
  const t1 = timeIt(() => tf.tidy(() => m.predict(x1).dataSync()), cfg.reps, backend === 'cpu' ? 5 : 50);
  R[key('lenet_infer_b1')] = { ...t1, per_second: 1 / t1.seconds };
  const s = cfg.shallow;
  const sm = shallow(s);
  if (backend === 'cpu') {
    const b = cfg.shallowBatch;
    const x = tf.randomNormal([b, s.times, s.chans, 1]);
    const y = tf.oneHot(tf.randomUniform([b], 0, s.classes, 'int32'), s.classes);
    const t = timeIt(trainStep(sm, x, y, tf.train.momentum(0.01, 0.9)), 1, 1);
    R[key('shallow_train')] = { ...t, per_second: b / t.seconds };
  }
  const xs = tf.randomNormal([1, s.times, s.chans, 1]);
  const ts = timeIt(() => tf.tidy(() => sm.predict(xs).dataSync()), backend === 'cpu' ? 1 : cfg.reps, backend === 'cpu' ? 1 : 5);
  R[key('shallow_infer_b1')] = { ...ts, per_second: 1 / ts.seconds };
}
console.log(JSON.stringify(out));
