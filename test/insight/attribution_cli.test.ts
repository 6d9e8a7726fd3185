// `dendrite insight attribution` on a LeNet checkpoint (MNIST test digits) and on a ShallowFBCSPNet
// decoder saved by `decode eeg --save` (EEGMMIDB subject 1; trialwise and cropped): results.json agrees with the
// library functions on the same inputs, report.html holds one image per example and method,
// the attribution-map renderer maps values to the documented grays, and bad arguments fail
// with typed errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzlibSync } from 'fflate';
import { insightAttributionCli } from '../../src/cli/insight_attribution.js';
import { decodeEegCli } from '../../src/cli/decode.js';
import { ArgumentError, FormatError, ShapeError } from '../../src/errors.js';
import { LeNet } from '../../src/models/index.js';
import { loadMnist } from '../../src/node/mnist.js';
import { load } from '../../src/node/checkpoint.js';
import { integratedGradients, occlusion } from '../../src/insight/attribution/index.js';
import { MNIST_MEAN, MNIST_STD } from '../../src/datasets/mnist.js';
import { attributionMap } from '../../src/report/attribution_map.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';

const quiet = () => undefined;
const WEIGHTS = 'test/golden/lenet_state.safetensors';
const eeg = dataPath('eeg/eegmmidb');
const f = (r: string) => join(eeg, `S001${r}.edf`);
const needs = { skip: skipUnlessData(f('R06'), f('R10'), f('R14')) };

function withTmp(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-attr-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
/** As JSON stores them (−0 becomes 0). */
const asJson = (v: ArrayLike<number>) => Array.from(v, (a) => (a === 0 ? 0 : a));
const images = (html: string) => (html.match(/data:image\/png;base64,/g) ?? []).length;

/** The gray values of an 8-bit grayscale PNG data URI written by report/png.ts (filter type 0). */
function grays(uri: string): { w: number; h: number; px: number[] } {
  const b = Buffer.from(uri.replace('data:image/png;base64,', ''), 'base64');
  const w = b.readUInt32BE(16), h = b.readUInt32BE(20);
  const idatLen = b.readUInt32BE(33);
  const raw = unzlibSync(new Uint8Array(b.subarray(41, 41 + idatLen)));
  const px: number[] = [];
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) px.push(raw[r * (w + 1) + 1 + c]!);
  return { w, h, px };
}

test('attribution maps: signed about mid-grey, unsigned from black, rows and columns repeated', () => {
  const s = attributionMap([-1, 0, 0.5, 1], 2, 2);
  assert.equal(s.signed, true);
  assert.deepEqual(grays(s.uri), { w: 2, h: 2, px: [0, 128, 191, 255] });
  const u = attributionMap([0, 2, 1], 1, 3, { rowRepeat: 2, colRepeat: 2 });
  assert.deepEqual(grays(u.uri), { w: 6, h: 2, px: [0, 0, 255, 255, 128, 128, 0, 0, 255, 255, 128, 128] });
  assert.equal(u.scale, 2);
  assert.throws(() => attributionMap([1, 2, 3], 2, 2), ShapeError);
});

test('insight attribution on LeNet: results.json matches the library on the same digits, one image per example and method', () => withTmp((out) => {
  const methods = ['saliency', 'ixg', 'ig', 'smoothgrad', 'occlusion', 'gradcam'];
  const r = insightAttributionCli(['--weights', WEIGHTS, '--method', methods.join(','), '--n', '2', '--steps', '16', '--target', 'label', '--out', out], quiet);
  assert.deepEqual(readdirSync(r.runDir).sort(), ['report.html', 'results.json']);
  const res = JSON.parse(readFileSync(join(r.runDir, 'results.json'), 'utf8'));
  const ds = loadMnist({ train: false });
  const [x, y] = ds.getBatch(Int32Array.of(0, 1));
  const labels = Array.from(y.dataSync());
  assert.deepEqual(res.examples.map((e: { label: number }) => e.label), labels);
  assert.deepEqual(res.examples.map((e: { target: number }) => e.target), labels);
  const m = new LeNet();
  m.loadStateDict(load(WEIGHTS));
  m.eval();
  const black = -MNIST_MEAN / MNIST_STD;
  const ig = integratedGradients(m, x, { target: labels, nSteps: 16, baseline: black });
  const igv = ig.attributions.dataSync();
  for (let i = 0; i < 2; i++) {
    assert.deepEqual(res.examples[i].ig.values, asJson(igv.subarray(i * 784, (i + 1) * 784)));
    assert.ok(Math.abs(res.summary.igDelta[i] - ig.delta[i]!) < 1e-9);
  }
  const occ = occlusion(m, x, { target: labels, slidingWindowShapes: [1, 4, 4], strides: [1, 2, 2], baseline: black }).dataSync();
  assert.deepEqual(res.examples[1].occlusion.values, asJson(occ.subarray(784)));
  assert.deepEqual(res.summary.gradcamLayer, { name: 'conv2', shape: [2, 16, 10, 10] });
  assert.equal(res.examples[0].gradcam.values.length, 100);
  const html = readFileSync(join(r.runDir, 'report.html'), 'utf8');
  assert.equal(images(html), 2 * (methods.length + 1));
  assert.match(html, /integrated gradients/);
}));

test('insight attribution on a saved ShallowFBCSPNet decoder: channel × time maps and amplitude-perturbation bands', needs, () => withTmp((dir) => {
  const model = join(dir, 'shallow');
  decodeEegCli(['--train', `${f('R06')},${f('R10')}`, '--test', f('R14'), '--events', 'T1=hands,T2=feet', '--model', 'shallow', '--epochs', '1', '--save', model, '--out', join(dir, 'out')], quiet);
  const r = insightAttributionCli(['--decoder', model, '--data', f('R14'), '--method', 'saliency,ig,gradcam,amplitude', '--n', '4', '--steps', '4', '--iterations', '2', '--out', join(dir, 'out')], quiet);
  const res = JSON.parse(readFileSync(join(r.runDir, 'results.json'), 'utf8'));
  assert.equal(res.chNames.length, 64);
  assert.equal(res.sfreq, 160);
  assert.equal(res.examples.length, 4);
  assert.equal(res.examples[0].saliency.channelAbsSums.length, 64);
  assert.ok(res.examples[0].saliency.maxAbs > 0);
  assert.equal(res.summary.gradcamLayer.name, 'conv_time_spat');
  const bands = res.summary.amplitude.bands;
  assert.deepEqual(bands.map((b: { band: string }) => b.band), ['delta', 'theta', 'alpha', 'beta', 'gamma']);
  assert.equal(bands[2].perClass.length, 2);
  assert.equal(bands[2].perClass[0].length, 64);
  for (const b of bands) for (const row of b.perClass) for (const c of row) assert.ok(Math.abs(c) <= 1);
  const html = readFileSync(join(r.runDir, 'report.html'), 'utf8');
  assert.equal(images(html), 4 * 3 + 2); // three maps per trial, one correlation map per class
  assert.match(html, /channels \(rows: Fc5\./);
  // a cropped (dense) decoder: its crop predictions are averaged, layers keep the net's names
  const cropped = join(dir, 'cropped');
  decodeEegCli(['--train', `${f('R06')},${f('R10')}`, '--test', f('R14'), '--events', 'T1=hands,T2=feet', '--model', 'shallow', '--epochs', '1', '--cropped', '--save', cropped, '--out', join(dir, 'out')], quiet);
  const c = insightAttributionCli(['--decoder', cropped, '--data', f('R14'), '--method', 'saliency,gradcam', '--layer', 'conv_time_spat', '--n', '2', '--out', join(dir, 'out')], quiet);
  const cres = JSON.parse(readFileSync(join(c.runDir, 'results.json'), 'utf8'));
  assert.deepEqual(cres.summary.gradcamLayer.name, 'conv_time_spat');
  assert.equal(cres.summary.gradcamLayer.shape[1], 40);
  assert.ok(cres.examples[1].saliency.maxAbs > 0);
  assert.throws(() => insightAttributionCli(['--decoder', model, '--data', f('R14'), '--method', 'gradcam', '--layer', 'conv9', '--out', join(dir, 'out')], quiet),
    (e: unknown) => e instanceof ArgumentError && /no layer named 'conv9'/.test(e.message));
}));

test('insight attribution: bad arguments give typed errors', () => withTmp((out) => {
  const run = (...a: string[]) => () => insightAttributionCli([...a, '--out', out], quiet);
  assert.throws(run('--weights', WEIGHTS, '--method', 'lime'), (e: unknown) => e instanceof ArgumentError && /unknown --method 'lime'/.test(e.message));
  assert.throws(run('--weights', WEIGHTS, '--method', 'amplitude'), /amplitude is for EEG decoders/);
  assert.throws(run('--method', 'saliency'), /--weights FILE .* is required/);
  assert.throws(run('--model', 'resnet', '--weights', WEIGHTS), /--model must be lenet/);
  assert.throws(run('--weights', WEIGHTS, '--ig-method', 'simpson'), /--ig-method must be one of/);
  assert.throws(run('--weights', WEIGHTS, '--steps', '0'), ArgumentError);
  assert.throws(run('--weights', WEIGHTS, '--target', '12'), /--target must be <= 9/);
  assert.throws(run('--weights', WEIGHTS, '--method', 'occlusion', '--window', '1,40,4'), (e: unknown) => e instanceof ArgumentError && /window size 40/.test(e.message));
  assert.throws(run('--decoder', join(out, 'nowhere'), '--data', 'x.edf'), FormatError);
  assert.throws(run('--decoder', join(out, 'nowhere')), /--decoder needs --data/);
}));
