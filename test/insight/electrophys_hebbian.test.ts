// Hebbian receptive-field learning: ZCA whitening gives identity covariance; the cubic Hebbian
// rule with symmetric decorrelation finds a planted sparse (Laplacian) direction among Gaussian
// ones, which a linear rule could not single out; on the real natural images the learned filters
// grow sparser with training and are orientation tuned when shown gratings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { ArgumentError } from '../../src/errors.js';
import { samplePatches, whiten, zcaWhitening } from '../../src/insight/hebbian/patches.js';
import { hebbianLearn, receptiveFields } from '../../src/insight/hebbian/learn.js';
import { decodePng, pngToGray } from '../../src/io/png/decode.js';
import { gratingSweep } from '../../src/insight/electrophys/sweep.js';
import { unitProperties } from '../../src/insight/electrophys/tuning.js';
import { rfConvNet } from '../../src/insight/electrophys/experiment.js';
import { Generator } from '../../src/tensor/random.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';

test('ZCA whitening: identity covariance of the whitened rows (ε = 0)', () => {
  const rng = new Generator(2), d = 5, n = 4000, x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) { const z = Array.from({ length: d }, () => rng.normal()); for (let j = 0; j < d; j++) x[i * d + j] = z[j]! * (j + 1) + (j ? z[0]! : 0) + 3; }
  const xw = whiten(zcaWhitening(x, d, { epsRel: 0 }), x);
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
    let s = 0, ma = 0, mb = 0;
    for (let i = 0; i < n; i++) { ma += xw[i * d + a]! / n; mb += xw[i * d + b]! / n; }
    for (let i = 0; i < n; i++) s += (xw[i * d + a]! - ma) * (xw[i * d + b]! - mb);
    assert.ok(Math.abs(s / (n - 1) - (a === b ? 1 : 0)) < 1e-9, `cov[${a}][${b}] = ${s / (n - 1)}`);
  }
  assert.throws(() => zcaWhitening(x, d, { keep: 9 }), ArgumentError);
});

test('Hebbian rule recovers a planted sparse direction among Gaussian ones', () => {
  const rng = new Generator(5), d = 6, n = 6000, s = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const u = rng.nextU32() / 2 ** 32 - 0.5;
    s[i * d] = -Math.sign(u) * Math.log(1 - 2 * Math.abs(u)) / Math.SQRT2; // unit-variance Laplacian
    for (let j = 1; j < d; j++) s[i * d + j] = rng.normal();
  }
  // mix with a random rotation-like matrix, then whiten
  const M = Array.from({ length: d * d }, () => rng.normal());
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) { let v = 0; for (let b = 0; b < d; b++) v += M[a * d + b]! * s[i * d + b]!; x[i * d + a] = v; }
  const xw = whiten(zcaWhitening(x, d, { epsRel: 0 }), x);
  const r = hebbianLearn(xw, d, { units: 1, epochs: 20, lr: 0.02, batch: 100, seed: 1 });
  // the learned unit's output should be the Laplacian source, up to sign
  let c = 0, vy = 0, vs = 0;
  for (let i = 0; i < n; i++) { let y = 0; for (let j = 0; j < d; j++) y += r.weights[j]! * xw[i * d + j]!; c += y * s[i * d]!; vy += y * y; vs += s[i * d]! ** 2; }
  const corr = Math.abs(c) / Math.sqrt(vy * vs);
  assert.ok(corr > 0.98, `|corr| with the sparse source ${corr}`);
  assert.ok(r.kurtosis[r.kurtosis.length - 1]! > 2, `excess kurtosis ${r.kurtosis.at(-1)} (Laplacian: 3)`);
  assert.throws(() => hebbianLearn(xw, d, { units: 7 }), ArgumentError);
});

const dir = dataPath('natural-images/skimage');
test('Hebbian filters on natural images: sparser with training, orientation tuned', { skip: skipUnlessData(dir) }, () => {
  const imgs = readdirSync(dir).filter((f) => f.endsWith('.png')).map((f) => { const im = decodePng(readFileSync(`${dir}/${f}`), f); return { width: im.width, height: im.height, data: pngToGray(im) }; });
  const S = 12, d = S * S, k = 8;
  const x = samplePatches(imgs, S, 4000, 1);
  const wh = zcaWhitening(x, d, { epsRel: 0.1, keep: 48 });
  const r = hebbianLearn(whiten(wh, x), d, { units: k, epochs: 4, lr: 0.01, batch: 200, seed: 0 });
  assert.ok(r.kurtosis[3]! > r.kurtosis[0]!, `kurtosis ${r.kurtosis.join(', ')}`);
  assert.ok(r.kurtosis[3]! > 3, `excess kurtosis ${r.kurtosis[3]}`);
  const rf = receptiveFields(r.weights, k, wh);
  const grid = { size: 24, sfCyclesPerImage: [2, 3, 4, 6], orientations: Array.from({ length: 12 }, (_, i) => i * 15), nPhases: 8, degrees: 1 };
  const [relu] = gratingSweep(rfConvNet(rf, k, S), grid, { layers: ['1'], mean: 0.5 });
  const cv = relu!.responses.map((resp) => unitProperties(resp, grid.sfCyclesPerImage, grid.orientations, 8).circularVariance).sort((a, b) => a - b);
  assert.ok(cv[k / 2]! < 0.7, `median circular variance ${cv[k / 2]} (untuned: 1; these filters before learning: 0.88)`);
});
