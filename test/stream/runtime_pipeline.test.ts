// The streaming pipeline: an EEGMMIDB run replayed in uneven chunks through filter → sliding
// windows → CSP+LDA (trained on another run of the same subject) gives, window by window, the
// decoder's offline prediction on the same windows; a bounded queue under overload drops and
// counts, and never grows; bad input raises typed errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readEdf } from '../../src/io/edf/index.js';
import { Raw } from '../../src/neuro/raw.js';
import { butter } from '../../src/signal/butter.js';
import { sosfilt } from '../../src/signal/sosfilt.js';
import { CSP } from '../../src/decode/estimators/csp.js';
import { LDA } from '../../src/decode/estimators/lda.js';
import { tensor } from '../../src/tensor/creation.js';
import { manualSeed } from '../../src/tensor/random.js';
import { TensorDataset } from '../../src/data/dataset.js';
import { eegModels } from '../../src/models/registry.js';
import { fit, predictProba } from '../../src/decode/trainer.js';
import { Identity } from '../../src/nn/linear.js';
import {
  BinHistory, CspLdaStage, EegNetStage, OnlineSosFilter, Pipeline, SlidingWindower, SpikeBinner, type Stage, type StreamWindow,
} from '../../src/stream/runtime/index.js';
import { ArgumentError, BackpressureError, ShapeError } from '../../src/errors.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';

const TRAIN = dataPath('eeg/eegmmidb/S001R08.edf'); // imagined left/right fist, like R04
const TEST = dataPath('eeg/eegmmidb/S001R04.edf');
const PICKS = Array.from({ length: 21 }, (_, i) => i); // FC5..FC6, C5..C6, CP5..CP6
const SFREQ = 160;
const W = 320; // 2 s windows
const HOP = 16; // 100 ms hops
const SOS = butter(4, [8, 30], 'bandpass', { fs: SFREQ, output: 'sos' });

function load(path: string): Raw {
  return Raw.fromRecording(readEdf(new Uint8Array(readFileSync(path)), path), { picks: PICKS });
}

/** Offline: each channel filtered whole, causally, as the stream's filter does. */
function filtered(raw: Raw): Float64Array[] {
  return raw.data.map((x) => sosfilt(SOS, x));
}

/** (N, C, W) windows of channels starting at `starts`. */
function cut(chs: Float64Array[], starts: readonly number[]): Float64Array {
  const c = chs.length;
  const out = new Float64Array(starts.length * c * W);
  starts.forEach((s, e) => { for (let j = 0; j < c; j++) out.set(chs[j]!.subarray(s, s + W), (e * c + j) * W); });
  return out;
}

/** The training run's imagery windows (T1 → 0, T2 → 1), 0.5 s after each cue. */
function trainingWindows(): { x: { data: Float64Array; shape: number[] }; y: number[] } {
  const raw = load(TRAIN);
  const chs = filtered(raw);
  const a = raw.annotations;
  const starts: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < a.onset.length; i++) {
    const k = a.description[i] === 'T1' ? 0 : a.description[i] === 'T2' ? 1 : -1;
    const s = Math.round((a.onset[i]! + 0.5) * SFREQ);
    if (k < 0 || s + W > raw.nTimes) continue;
    starts.push(s);
    y.push(k);
  }
  return { x: { data: cut(chs, starts), shape: [starts.length, chs.length, W] }, y };
}

function trainCspLda(): { csp: CSP; lda: LDA } {
  const { x, y } = trainingWindows();
  const csp = new CSP({ nComponents: 4, log: true });
  const lda = new LDA().fit(csp.fitTransform(x, y), y);
  return { csp, lda };
}

/** Channels → (n, C) row-major. */
function interleave(chs: Float64Array[]): Float64Array {
  const c = chs.length;
  const n = chs[0]!.length;
  const out = new Float64Array(n * c);
  for (let j = 0; j < c; j++) for (let i = 0; i < n; i++) out[i * c + j] = chs[j]![i]!;
  return out;
}

test('pipeline: EEGMMIDB S001R04 streamed through filter → windows → CSP+LDA equals the offline decoder on every window', { skip: skipUnlessData(TRAIN, TEST) }, () => {
  const { csp, lda } = trainCspLda();
  const raw = load(TEST);
  const c = raw.nChannels;
  const n = raw.nTimes;
  // offline: filter the whole run, cut every window, decode them as one batch
  const starts: number[] = [];
  for (let s = 0; s + W <= n; s += HOP) starts.push(s);
  const f = csp.transform({ data: cut(filtered(raw), starts), shape: [starts.length, c, W] });
  const predOff = lda.predict(f);
  const probaOff = lda.predictProba(f);
  assert.ok(new Set(predOff).size === 2, 'the decoder predicts both classes on this run');

  const p = new Pipeline({
    nChannels: c, queueCapacity: 4 * W, policy: 'refuse', budgetMs: 1000,
    filter: new OnlineSosFilter(SOS, c),
    scheduler: { kind: 'windows', windower: new SlidingWindower(c, W, HOP) },
    decoder: new CspLdaStage(csp, lda, c, W),
  });
  const x = interleave(raw.data);
  const sizes = [1, 7, 160, 33, 480];
  const preds: { pred: number; proba: Float64Array; start: number }[] = [];
  const stamps: number[] = [];
  for (let i = 0, k = 0; i < n; k++) {
    const m = Math.min(sizes[k % sizes.length]!, n - i);
    const ts = Float64Array.from({ length: m }, (_, r) => (i + r) / SFREQ);
    p.push(x.subarray(i * c, (i + m) * c), ts);
    for (const o of p.step()) { preds.push(o.value); stamps.push(o.timestamp); }
    i += m;
  }
  assert.equal(preds.length, starts.length);
  for (let e = 0; e < starts.length; e++) {
    const o = preds[e]!;
    assert.equal(o.start, starts[e]);
    assert.equal(stamps[e], (starts[e]! + W - 1) / SFREQ);
    assert.equal(o.pred, predOff[e], `window ${e}`);
    for (let k = 0; k < 2; k++) assert.ok(Math.abs(o.proba[k]! - probaOff[e]![k]!) <= 1e-12, `window ${e} class ${k}: ${o.proba[k]} vs ${probaOff[e]![k]}`);
  }
  const s = p.stats();
  assert.equal(s.emitted, starts.length);
  assert.equal(s.dropped, 0);
  assert.equal(s.refused, 0);
  assert.equal(s.queued, 0);
  for (const name of ['filter', 'window', 'csp-lda', 'total']) {
    const h = s.stages[name]!;
    assert.ok(h.count > 0 && h.p50 <= h.p99 && h.max > 0, `${name}: ${JSON.stringify(h)}`);
  }
  assert.equal(s.stages['csp-lda']!.count, starts.length);
});

/** A decoder that returns the window's first sample of channel 0 and advances a fake clock. */
function probe(clock: { t: number }, costMs: number): Stage<StreamWindow, number> {
  return { name: 'probe', process: (w) => { clock.t += costMs; return w.data[0]!; } };
}

function ramp(from: number, m: number, c: number): { data: Float64Array; ts: Float64Array } {
  const data = new Float64Array(m * c);
  for (let i = 0; i < m; i++) for (let j = 0; j < c; j++) data[i * c + j] = from + i;
  return { data, ts: Float64Array.from({ length: m }, (_, i) => (from + i) / 100) };
}

test('pipeline: drop-oldest queue under overload keeps the newest samples, counts the rest and never grows', () => {
  const clock = { t: 0 };
  const p = new Pipeline({
    nChannels: 2, queueCapacity: 100, policy: 'drop-oldest', now: () => clock.t,
    scheduler: { kind: 'windows', windower: new SlidingWindower(2, 10, 10) },
    decoder: probe(clock, 0),
  });
  for (let k = 0; k < 20; k++) {
    const { data, ts } = ramp(k * 50, 50, 2);
    p.push(data, ts);
    assert.ok(p.queued <= 100, `queue at ${p.queued}`);
  }
  assert.equal(p.queued, 100);
  assert.equal(p.stats().dropped, 20 * 50 - 100);
  const out = p.step();
  // the survivors are samples 900..999: ten windows starting at 900, 910, ...
  assert.deepEqual(out.map((o) => o.value), Array.from({ length: 10 }, (_, i) => 900 + 10 * i));
  const s = p.stats();
  assert.equal(s.emitted, 10);
  assert.equal(s.queued, 0);
  assert.equal(s.dropped, 900);
  assert.equal(s.refused, 0);
});

test('pipeline: refuse policy throws BackpressureError, stores nothing of the chunk and counts it', () => {
  const p = new Pipeline({
    nChannels: 1, queueCapacity: 100, policy: 'refuse',
    scheduler: { kind: 'windows', windower: new SlidingWindower(1, 10, 10) },
    decoder: probe({ t: 0 }, 0),
  });
  const a = ramp(0, 60, 1);
  assert.equal(p.push(a.data, a.ts), 60);
  const b = ramp(60, 60, 1);
  assert.throws(() => p.push(b.data, b.ts), (e: unknown) => e instanceof BackpressureError && /60 of 100 samples queued, a chunk of 60/.test(e.message));
  assert.equal(p.queued, 60);
  assert.equal(p.stats().refused, 60);
  assert.equal(p.stats().dropped, 0);
  assert.equal(p.step().length, 6);
  // after draining, the refused chunk fits again (its timestamps were never accepted)
  assert.equal(p.push(b.data, b.ts), 60);
  assert.deepEqual(p.step().map((o) => o.value), [60, 70, 80, 90, 100, 110]);
});

test('pipeline: outputs later than the budget are counted late, from the push to the output', () => {
  const clock = { t: 0 };
  const p = new Pipeline({
    nChannels: 1, queueCapacity: 1000, budgetMs: 3, now: () => clock.t,
    scheduler: { kind: 'windows', windower: new SlidingWindower(1, 10, 5) },
    decoder: probe(clock, 2), // each decode costs 2 ms of the fake clock
  });
  const a = ramp(0, 30, 1); // windows at 0, 5, 10, 15, 20 complete in one step
  p.push(a.data, a.ts);
  const out = p.step();
  assert.deepEqual(out.map((o) => o.latencyMs), [2, 4, 6, 8, 10]);
  const s = p.stats();
  assert.equal(s.late, 4); // 4, 6, 8 and 10 ms exceed 3
  assert.equal(s.emitted, 5);
  assert.equal(s.stages['total']!.max, 10);
});

test('pipeline: spike counts → 20 ms bins with history → decoder', () => {
  const rows: Float64Array[] = [];
  const p = new Pipeline({
    nChannels: 2, queueCapacity: 1000,
    scheduler: { kind: 'bins', binner: new SpikeBinner(2, 0.02), history: new BinHistory(2, 3) },
    decoder: { name: 'rows', process: (r: Float64Array) => { rows.push(r); return r.length; } },
  });
  // 1 kHz samples of counts: unit 0 fires on every 4th ms, unit 1 on every 10th
  const n = 100;
  const data = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) { data[i * 2] = i % 4 === 0 ? 1 : 0; data[i * 2 + 1] = i % 10 === 0 ? 2 : 0; }
  p.push(data, Float64Array.from({ length: n }, (_, i) => i / 1000));
  const out = p.step();
  // the clock reached 0.099 s: bins 0..3 closed; history of 3 → rows after bins 2 and 3
  assert.equal(out.length, 2);
  assert.deepEqual(Array.from(rows[0]!), [5, 4, 5, 4, 5, 4]);
  assert.ok(Math.abs(out[1]!.timestamp - 0.08) < 1e-12);
  const bad = new Float64Array([0.5, 0]);
  assert.throws(() => p.push(bad, [0.2]), (e: unknown) => e instanceof ArgumentError && /Pipeline.push: spike count of unit 0 at t = 0.2 .* got 0.5/.test(e.message));
  assert.throws(() => p.push(new Float64Array([0, 1e9]), [0.2]), (e: unknown) => e instanceof ArgumentError && /unit 1 .* \[0, 10000\], got 1000000000/.test(e.message));
  assert.equal(p.queued, 0);
  // the refused chunks left the clock alone: a later valid chunk closes bins 4..9
  p.push(new Float64Array([1, 0]), [0.2]);
  assert.equal(p.step().length, 6);
});

test('pipeline: typed errors for bad configuration and bad chunks', () => {
  const dec = probe({ t: 0 }, 0);
  const windows = () => ({ kind: 'windows' as const, windower: new SlidingWindower(2, 10, 5) });
  assert.throws(() => new Pipeline({ nChannels: 0, queueCapacity: 10, scheduler: windows(), decoder: dec }), (e: unknown) => e instanceof ArgumentError && /nChannels .* got 0/.test(e.message));
  assert.throws(() => new Pipeline({ nChannels: 2, queueCapacity: 1.5, scheduler: windows(), decoder: dec }), (e: unknown) => e instanceof ArgumentError && /queueCapacity .* got 1.5/.test(e.message));
  assert.throws(() => new Pipeline({ nChannels: 2, queueCapacity: 10, policy: 'grow' as 'refuse', scheduler: windows(), decoder: dec }), (e: unknown) => e instanceof ArgumentError && /policy .* got grow/.test(e.message));
  assert.throws(() => new Pipeline({ nChannels: 3, queueCapacity: 10, scheduler: windows(), decoder: dec }), (e: unknown) => e instanceof ShapeError && /windower has 2 channels, the stream 3/.test(e.message));
  assert.throws(() => new Pipeline({ nChannels: 2, queueCapacity: 10, budgetMs: 0, scheduler: windows(), decoder: dec }), (e: unknown) => e instanceof ArgumentError && /budgetMs .* got 0/.test(e.message));
  const p = new Pipeline({ nChannels: 2, queueCapacity: 10, scheduler: windows(), decoder: dec });
  assert.throws(() => p.push(new Float64Array(5), [0, 1, 2]), (e: unknown) => e instanceof ShapeError && /3 timestamps need 6 values for 2 channels, got 5/.test(e.message));
  p.push(new Float64Array(4), [0, 1]);
  assert.throws(() => p.push(new Float64Array(2), [1]), (e: unknown) => e instanceof ArgumentError && /increase strictly, got 1 after 1/.test(e.message));
  assert.throws(() => p.push(new Float64Array(2), [NaN]), (e: unknown) => e instanceof ArgumentError && /timestamp \[0\] is NaN/.test(e.message));
  assert.throws(() => p.step(-1), (e: unknown) => e instanceof ArgumentError && /maxSamples .* got -1/.test(e.message));
  assert.equal(p.queued, 2);
});

test('CspLdaStage: refuses an unfitted LDA and a window of the wrong shape', { skip: skipUnlessData(TRAIN) }, () => {
  assert.throws(() => new CspLdaStage(new CSP(), new LDA(), 2, 10), (e: unknown) => e instanceof ArgumentError && /not fitted/.test(e.message));
  const { csp, lda } = trainCspLda();
  const st = new CspLdaStage(csp, lda, 21, W);
  assert.throws(() => st.process({ data: new Float64Array(21 * 100), start: 0, end: 0 }), (e: unknown) => e instanceof ShapeError && /\(21, 320\) window of 6720 values, got 2100/.test(e.message));
});

test('EegNetStage: a ShallowFBCSPNet trained on S001R08, streamed over S001R04, gives the offline softmax on every window', { skip: skipUnlessData(TRAIN, TEST) }, () => {
  const UV = 1e6; // the nets see µV
  const { x, y } = trainingWindows();
  const c = PICKS.length;
  manualSeed(7);
  const net = eegModels.get('shallow')!.make(c, 2, W, SFREQ);
  const xt = tensor(Float32Array.from(x.data, (v) => v * UV), { shape: x.shape });
  const r = fit(net, new TensorDataset(xt, tensor(Int32Array.from(y))) as never, null, { epochs: 4, batchSize: 16, seed: 7 });
  assert.ok(r.history.at(-1)!.trainLoss < r.history[0]!.trainLoss, 'training lowered the loss');
  // offline: every 1 s window of the filtered test run, one batch
  const raw = load(TEST);
  const hop = SFREQ;
  const starts: number[] = [];
  for (let s = 0; s + W <= raw.nTimes; s += hop) starts.push(s);
  const xo = tensor(Float32Array.from(cut(filtered(raw), starts), (v) => v * UV), { shape: [starts.length, c, W] });
  const off = predictProba(net, new TensorDataset(xo, tensor(new Int32Array(starts.length))) as never);
  const p = new Pipeline({
    nChannels: c, queueCapacity: 2 * W,
    filter: new OnlineSosFilter(SOS, c),
    scheduler: { kind: 'windows', windower: new SlidingWindower(c, W, hop) },
    decoder: new EegNetStage(net, c, W, { scale: UV, name: 'shallow' }),
  });
  const xs = interleave(raw.data);
  const out: { pred: number; proba: Float64Array }[] = [];
  for (let i = 0; i < raw.nTimes; i += 100) {
    const m = Math.min(100, raw.nTimes - i);
    p.push(xs.subarray(i * c, (i + m) * c), Float64Array.from({ length: m }, (_, k) => (i + k) / SFREQ));
    for (const o of p.step()) out.push(o.value);
  }
  assert.equal(out.length, starts.length);
  let agree = 0;
  for (let e = 0; e < starts.length; e++) {
    const po = [off.proba[2 * e]!, off.proba[2 * e + 1]!];
    // float32 forwards of one window and of a batch: equal here; 1e-6 allows another GEMM blocking
    for (let k = 0; k < 2; k++) assert.ok(Math.abs(out[e]!.proba[k]! - po[k]!) <= 1e-6, `window ${e} class ${k}: ${out[e]!.proba[k]} vs ${po[k]}`);
    if (out[e]!.pred === (po[1]! > po[0]! ? 1 : 0)) agree++;
  }
  assert.equal(agree, starts.length);
  assert.equal(new Set(out.map((o) => o.pred)).size, 2, 'the net predicts both classes on this run');
  assert.equal(p.stats().stages['shallow']!.count, starts.length);
  assert.throws(() => new EegNetStage(net, c, W).process({ data: new Float64Array(5), start: 0, end: 0 }), (e: unknown) => e instanceof ShapeError && /EegNetStage.process: expected a \(21, 320\) window/.test(e.message));
});

test('EegNetStage: a net whose output is not (1, K) class scores is refused by name and shape', () => {
  const st = new EegNetStage(new Identity(), 2, 3, { name: 'id' });
  assert.throws(() => st.process({ data: new Float64Array(6), start: 0, end: 0 }), (e: unknown) => e instanceof ShapeError && /EegNetStage.process: the net must map a \(1, 2, 3\) window to \(1, K\) class scores, got \(1, 2, 3\)/.test(e.message));
  assert.throws(() => new EegNetStage(new Identity(), 0, 3), (e: unknown) => e instanceof ArgumentError && /\(C >= 1, W >= 1\), got \(0, 3\)/.test(e.message));
});
