// Saved spike decoders: a Kalman filter and a Wiener filter survive encode → decode exactly
// (same estimates bit for bit), and a config or weights file that does not match is a
// FormatError naming the field or tensor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KalmanFilter, WienerFilter } from '../../src/decode/estimators/index.js';
import { decodeSpikeDecoder, encodeSpikeDecoder } from '../../src/decode/spike_model_io.js';
import type { SpikeDecodeConfig } from '../../src/decode/spike_pipeline.js';
import { encodeSafetensors } from '../../src/io/safetensors/safetensors.js';
import { FormatError, ShapeError } from '../../src/errors.js';

function data(n: number, f: number, d: number): { X: { data: Float64Array; rows: number; cols: number }; Y: { data: Float64Array; rows: number; cols: number } } {
  let s = 7;
  const r = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
  const Y = Float64Array.from({ length: n * d }, (_, i) => Math.sin(i / 17) + 0.1 * r());
  const X = Float64Array.from({ length: n * f }, (_, i) => (i % f === 3 ? 0 : Math.round(3 + 2 * Y[Math.floor(i / f) * d + (i % d)]! * ((i % f) - 2) + 2 * r())));
  return { X: { data: X, rows: n, cols: f }, Y: { data: Y, rows: n, cols: d } };
}

const run = (decoder: 'wiener' | 'kalman', binsBefore = 0): SpikeDecodeConfig => ({ file: 'x.mat', decoder, spikes: 'Ytr', target: 'Xtr', testSpikes: null, testTarget: null, testFraction: 0.2, binsBefore, binsAfter: 0, params: {} });

test('spike decoder files: a Kalman filter (a silent unit dropped) and a Wiener filter decode to the same estimates, bit for bit', () => {
  const { X, Y } = data(300, 6, 2);
  const kf = new KalmanFilter({ center: true }).fit(X, Y);
  assert.deepEqual(kf.droppedUnits, [3]);
  const { config, weights } = encodeSpikeDecoder({ decoder: 'kalman', filter: kf }, run('kalman'), ['vx', 'vy'], 0.05);
  const back = decodeSpikeDecoder(JSON.parse(JSON.stringify(config)), weights, 'k');
  assert.equal(back.decoder, 'kalman');
  assert.deepEqual(back.filter.predict(X).data, kf.predict(X).data);
  assert.deepEqual((back.filter as KalmanFilter).droppedUnits, [3]);
  const wf = new WienerFilter({ alpha: 1 }).fit(X, Y);
  const w = encodeSpikeDecoder({ decoder: 'wiener', filter: wf }, run('wiener'), ['vx', 'vy'], null);
  const wb = decodeSpikeDecoder(w.config, w.weights, 'w');
  assert.deepEqual(wb.filter.predict(X).data, wf.predict(X).data);
});

test('spike decoder files: wrong fields, sizes, shapes and dtypes are FormatErrors naming them; bins-after is refused', () => {
  const { X, Y } = data(100, 4, 2);
  const wf = new WienerFilter().fit(X, Y);
  const { config, weights } = encodeSpikeDecoder({ decoder: 'wiener', filter: wf }, run('wiener'), ['vx', 'vy'], 0.05);
  const bad = (patch: Record<string, unknown>, re: RegExp) => assert.throws(() => decodeSpikeDecoder({ ...config, ...patch }, weights, 'm'), (e: unknown) => e instanceof FormatError && re.test(e.message), JSON.stringify(patch));
  bad({ format: 'dendrite-eeg-decoder' }, /'format'/);
  bad({ decoder: 'lstm' }, /'decoder'/);
  bad({ nUnits: 0 }, /'nUnits'/);
  bad({ binWidth: -1 }, /'binWidth'/);
  bad({ outputs: [] }, /'outputs'/);
  bad({ nUnits: 5 }, /'coef' has shape \[2, 4\], expected \[2, 5\]/);
  bad({ binsBefore: 1 }, /'coef'/);
  assert.throws(() => decodeSpikeDecoder(config, weights.subarray(0, weights.length - 8), 'm'), (e: unknown) => e instanceof FormatError && /bytes/.test(e.message));
  const f32 = encodeSafetensors({ coef: { dtype: 'F32', shape: [2, 4], data: new Float32Array(8) }, intercept: { dtype: 'F64', shape: [2], data: new Float64Array(2) } });
  assert.throws(() => decodeSpikeDecoder({ ...config, weights: { ...config.weights, bytes: f32.length } }, f32, 'm'), (e: unknown) => e instanceof FormatError && /dtype F32/.test(e.message));
  assert.throws(() => encodeSpikeDecoder({ decoder: 'wiener', filter: wf }, { ...run('wiener'), binsAfter: 2 }, ['vx', 'vy'], null), (e: unknown) => e instanceof FormatError && /bins-after 2/.test(e.message));
  const kf = new KalmanFilter().fit(X, Y).fitted();
  assert.throws(() => KalmanFilter.fromFitted({ ...kf, QiH: new Float64Array(3) }), (e: unknown) => e instanceof ShapeError && /'QiH'/.test(e.message));
});
