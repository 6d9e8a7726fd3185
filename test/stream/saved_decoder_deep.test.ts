// A saved deep EEG decoder (ShallowFBCSPNet, trialwise) as a streaming pipeline: band-pass as a
// causal FIR on MNE's edge padding, µV scaling, exponential moving standardisation, windows,
// the net. Past the standardisation's init block (the first 1000 samples, which the offline
// function z-scores as one block) every streamed window's probabilities equal the offline
// decoder's on the same window, bit for bit on a float64 stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEdf } from '../../src/io/edf/index.js';
import { Raw } from '../../src/neuro/raw.js';
import { applyDecoder, trainDecoder, type TrainedDecoder } from '../../src/decode/eeg_decoder.js';
import { preprocess } from '../../src/decode/eeg_pipeline.js';
import { saveDecoder } from '../../src/node/eeg_model.js';
import { readSavedModel } from '../../src/node/saved_model.js';
import { tensor } from '../../src/tensor/creation.js';
import { noGrad } from '../../src/autograd/grad_mode.js';
import { softmax } from '../../src/ops/activation.js';
import { pipelineFromSaved, type ClassPrediction } from '../../src/stream/runtime/index.js';
import { recordingSource, replay, type ReplayClock } from '../../src/stream/replay/index.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';

const TRAIN = dataPath('eeg/eegmmidb/S001R08.edf');
const TEST = dataPath('eeg/eegmmidb/S001R04.edf');
const load = (p: string) => Raw.fromRecording(readEdf(new Uint8Array(readFileSync(p)), p));
const fastClock = (): ReplayClock => { const c = { t: 0, now: () => c.t, sleep: async (s: number) => { c.t += s; } }; return c; };

/** Offline: decode eeg's preprocessing of the whole run, float32 windows at `starts`, softmax of the net. */
function offline(dec: TrainedDecoder, raw: Raw, starts: number[]): Float32Array[] {
  const c = dec.config;
  const pre = preprocess(raw.pick([...c.chNames]), { band: c.preprocess.band, scale: c.preprocess.scale, emsFactor: c.preprocess.emsFactor });
  const C = c.nChans, W = c.nTimes;
  return starts.map((s) => {
    const x = new Float32Array(C * W);
    for (let j = 0; j < C; j++) for (let k = 0; k < W; k++) x[j * W + k] = pre.data[j]![s + k]!;
    return noGrad(() => softmax(dec.net!.call(tensor(x, { shape: [1, C, W] })), 1).dataSync() as Float32Array);
  });
}

test('stream decode (deep EEG): a saved shallow net on a replayed EEGMMIDB run equals the offline net on every window past the init block, bit for bit', { skip: skipUnlessData(TRAIN, TEST) }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-deep-'));
  try {
    const dec = trainDecoder('shallow', { raws: [load(TRAIN)], names: [TRAIN] }, { mapping: { T1: 0, T2: 1 }, classNames: ['left', 'right'], epochs: 1, augment: false, tmin: 0, tmax: 2 }).decoder;
    saveDecoder(dir, dec);
    const raw = load(TEST);
    // the reference is decode eeg's path: on the trial windows it gives applyDecoder's probabilities
    const applied = applyDecoder(dec, { raws: [raw], names: [TEST] });
    const trialRef = offline(dec, raw, applied.trials.map((t) => Math.round(t.onset * 160)));
    applied.trials.forEach((t, i) => assert.deepEqual(Array.from(trialRef[i]!), t.proba));

    const src = recordingSource(new Uint8Array(readFileSync(TEST)), TEST);
    const sd = pipelineFromSaved(readSavedModel(dir), dir, { channels: src.channels, sfreq: src.sfreq }, { hopS: 2 });
    const outs: ClassPrediction[] = [];
    for await (const chunk of replay(src, { rate: 1000, chunkSamples: 32, format: 'float64', clock: fastClock() })) for (const o of sd.push(chunk)) outs.push(o.value as ClassPrediction);
    outs.forEach((o) => assert.equal(o.warmup, o.signalStart < 1000));
    const cmp = outs.filter((o) => !o.warmup);
    assert.ok(cmp.length >= 55, `${cmp.length} windows`);
    const ref = offline(dec, raw, cmp.map((o) => o.signalStart));
    cmp.forEach((o, e) => {
      assert.deepEqual(Array.from(o.probabilities), Array.from(ref[e]!), `window at ${o.signalStart}`);
      assert.equal(o.classIndex, ref[e]![1]! > ref[e]![0]! ? 1 : 0);
    });
    // inside the init block the stream's causal standardisation differs from the block z-score
    const early = outs.filter((o) => o.warmup && o.signalStart >= 0);
    const refEarly = offline(dec, raw, early.map((o) => o.signalStart));
    assert.ok(early.some((o, e) => o.probabilities[0] !== refEarly[e]![0]), 'the warm-up windows are flagged because they differ');
    const st = sd.stats();
    assert.equal(st.stages['shallow']!.count, outs.length);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
