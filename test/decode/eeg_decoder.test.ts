// Trained EEG decoders on real EEGMMIDB runs: channels of other recordings are matched by
// name (reordered: same predictions; missing or at another rate: an error naming it); every
// class needs trials in training and test; a decoder encoded to config + safetensors and
// decoded again predicts exactly what it did (CSP+LDA, EEGNet, cropped Deep4Net), and a damaged config
// or weights file is a FormatError naming the field or tensor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentError, FormatError, ShapeError } from '../../src/errors.js';
import { Raw } from '../../src/neuro/raw.js';
import { Annotations } from '../../src/neuro/annotations.js';
import { readEdf } from '../../src/io/edf/index.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors/index.js';
import { applyDecoder, trainDecoder, type Applied } from '../../src/decode/eeg_decoder.js';
import { runFold } from '../../src/decode/eeg_eval.js';
import { decodeDecoder, encodeDecoder } from '../../src/decode/eeg_model_io.js';
import { loadDecoder, saveDecoder } from '../../src/node/eeg_model.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';

const file = (r: string) => dataPath('eeg/eegmmidb', `S001${r}.edf`);
const needs = { skip: skipUnlessData(file('R06'), file('R10'), file('R14')) };
const load = (r: string) => Raw.fromRecording(readEdf(new Uint8Array(readFileSync(file(r))), `S001${r}.edf`));
const events = { mapping: { T1: 0, T2: 1 }, classNames: ['hands', 'feet'] };

const same = (a: Applied, b: Applied) => {
  assert.deepEqual(a.trials.map((t) => [t.file, t.onset, t.target, t.pred]), b.trials.map((t) => [t.file, t.onset, t.target, t.pred]));
  assert.deepEqual(a.trials.map((t) => t.proba), b.trials.map((t) => t.proba));
};

test('test channels are matched by name: a reversed montage predicts the same; a missing channel or another rate is an error', needs, () => {
  const [r06, r10, r14] = [load('R06'), load('R10'), load('R14')];
  const names = r14.info.chNames;
  const reversed = r14.pick([...names].reverse());
  assert.equal(reversed.info.chNames[0], names[names.length - 1]);
  const fold = { name: 'x', train: [r06, r10] };
  const a = runFold('csp-lda', { ...fold, test: [r14] }, events);
  const b = runFold('csp-lda', { ...fold, test: [reversed] }, events);
  assert.equal(a.accuracy, 14 / 15);
  assert.equal(b.accuracy, a.accuracy);
  assert.deepEqual(b.trials.map((t) => t.proba), a.trials.map((t) => t.proba));
  // a training run in another order is matched to the first one too
  const c = runFold('csp-lda', { name: 'x', train: [r06, r10.pick([...names].reverse())], test: [r14] }, events);
  assert.deepEqual(c.trials.map((t) => t.proba), a.trials.map((t) => t.proba));
  const without = r14.pick(names.filter((n) => n !== 'Cz..' && n !== 'Oz..'));
  assert.throws(() => runFold('csp-lda', { ...fold, test: [without], testNames: ['R14-cut.edf'] }, events),
    (e: Error) => e instanceof ShapeError && /test recording R14-cut\.edf has no channel 'Cz\.\.', 'Oz\.\.' of the 64 the decoder uses; its EEG channels are Fc5\./.test(e.message));
  const slow = new Raw(r14.data, { ...r14.info, sfreq: 128 }, r14.annotations);
  assert.throws(() => runFold('csp-lda', { ...fold, test: [slow] }, events), (e: Error) => e instanceof ShapeError && /test recording test run 1 is sampled at 128 Hz, the decoder at 160 Hz/.test(e.message));
});

test('every class needs trials in training and test; counts per class are reported', needs, () => {
  const [r06, r14] = [load('R06'), load('R14')];
  const noFeet = new Raw(r14.data, r14.info, Annotations.fromList(r14.annotations.toList().filter((a) => a.description !== 'T2')));
  assert.throws(() => runFold('csp-lda', { name: 'x', train: [r06], test: [noFeet], testNames: ['R14-no-T2.edf'] }, events),
    (e: Error) => e instanceof ArgumentError && /no test trials of class 'feet' \(event T2\); the test recordings \(R14-no-T2\.edf\) have events T0, T1$/.test(e.message));
  // events present but every trial cut by the recording's end
  const cut = r14.crop(0, 3);
  const cutAnn = new Raw(cut.data, cut.info, new Annotations([0, 1], [4, 4], ['T1', 'T2']));
  assert.throws(() => runFold('csp-lda', { name: 'x', train: [r06], test: [cutAnn] }, { ...events, tmin: 1, tmax: 2.5 }),
    (e: Error) => e instanceof ArgumentError && /class 'feet' \(event T2: present, but every trial is cut by the recording edges\)/.test(e.message));
  const r = runFold('csp-lda', { name: 'x', train: [r06], test: [r14] }, events);
  assert.deepEqual(r.classCounts, { train: [7, 8], test: [7, 8] });
  assert.deepEqual(r.confusion.map((row) => row.reduce((x, y) => x + y, 0)), [7, 8]);
});

test('encodeDecoder/decodeDecoder and saveDecoder/loadDecoder: CSP+LDA, a 1-epoch EEGNet and a cropped Deep4Net predict exactly as before', needs, () => {
  const [r06, r14] = [load('R06'), load('R14')];
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-eegmodel-'));
  try {
    for (const [model, cropped] of [['csp-lda', false], ['eegnet', false], ['deep4', true]] as const) {
      const t = trainDecoder(model, { raws: [r06] }, { ...events, ...(model === 'csp-lda' ? {} : { epochs: 1, cropped }) });
      const before = applyDecoder(t.decoder, { raws: [r14] });
      const { config, weights } = encodeDecoder(t.decoder);
      same(applyDecoder(decodeDecoder(JSON.parse(JSON.stringify(config)), weights, 'mem'), { raws: [r14] }), before);
      const d = join(dir, model);
      if (cropped) assert.ok(t.decoder.config.finalConvLength! >= 1 && t.decoder.config.window.crop !== null);
      saveDecoder(d, t.decoder);
      const loaded = loadDecoder(d);
      same(applyDecoder(loaded, { raws: [r14] }), before);
      assert.deepEqual(loaded.config, t.decoder.config);
      const tensors = decodeSafetensors(weights).tensors;
      if (model === 'csp-lda') {
        assert.deepEqual(Object.keys(tensors).sort(), ['csp.classes', 'csp.filters', 'csp.mean', 'csp.patterns', 'csp.std', 'lda.classes', 'lda.coef', 'lda.intercept', 'lda.means', 'lda.priors']);
        assert.deepEqual(tensors['csp.filters']!.shape, [64, 64]);
        assert.deepEqual(Array.from(tensors['lda.coef']!.data as Float64Array), t.decoder.lda!.coef[0]);
      } else {
        assert.deepEqual(Object.keys(tensors).sort(), Object.keys(t.decoder.net!.stateDict()).sort());
      }
    }
    // damaged configs and weights
    const t = trainDecoder('csp-lda', { raws: [r06] }, events);
    const { config, weights } = encodeDecoder(t.decoder);
    const broken = (patch: Record<string, unknown>) => ({ ...JSON.parse(JSON.stringify(config)), ...patch });
    assert.throws(() => decodeDecoder(broken({ model: 'resnet' }), weights, 'm'), (e: Error) => e instanceof FormatError && /m config: field 'model' must be one of csp-lda, csp-slda/.test(e.message));
    assert.throws(() => decodeDecoder(broken({ chNames: ['a'] }), weights, 'm'), (e: Error) => e instanceof FormatError && /field 'chNames' must be 64 strings/.test(e.message));
    assert.throws(() => decodeDecoder(broken({ version: 2 }), weights, 'm'), (e: Error) => e instanceof FormatError && /field 'version'/.test(e.message));
    assert.throws(() => decodeDecoder(broken({ window: { tmin: 2, tmax: 1, crop: null } }), weights, 'm'), (e: Error) => e instanceof FormatError && /field 'window'/.test(e.message));
    assert.throws(() => decodeDecoder(broken({ nTimes: 1e9 }), weights, 'm'), (e: Error) => e instanceof FormatError && /field 'nTimes' must be the window's 1 s at 160 Hz, got 1000000000/.test(e.message));
    assert.throws(() => decodeDecoder(broken({ nTimes: 16e6, window: { tmin: 0, tmax: 1e5, crop: null } }), weights, 'm'), (e: Error) => e instanceof FormatError && /field 'nTimes' must be at most 4194304 samples for 64 channels/.test(e.message));
    const { tensors } = decodeSafetensors(weights);
    delete tensors['lda.coef'];
    const less = encodeSafetensors(tensors);
    assert.throws(() => decodeDecoder(broken({ weights: { file: 'model.safetensors', bytes: less.length } }), less, 'm'), (e: Error) => e instanceof FormatError && /m model\.safetensors: no tensor 'lda\.coef'/.test(e.message));
    assert.throws(() => decodeDecoder(config, weights.subarray(0, weights.length - 8), 'm'), (e: Error) => e instanceof FormatError && /bytes, the config says/.test(e.message));
    const d = join(dir, 'csp');
    saveDecoder(d, t.decoder);
    writeFileSync(join(d, 'config.json'), '{"format": ');
    assert.throws(() => loadDecoder(d), (e: Error) => e instanceof FormatError && /config\.json: not valid JSON/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
