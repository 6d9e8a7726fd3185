// The Bonn autoencoder on a reduced configuration (30 segments per set, 3 folds, 3 epochs):
// window spectra equal numpy's; the autoencoder, trained on healthy windows only, must learn
// (its loss falls and interictal segments score above healthy ones clearly better than with an
// optimiser that does nothing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BONN_SETS } from '../../../src/datasets/bonn.js';
import { loadBonnDir } from '../../../src/node/bonn.js';
import { autoencoderScores, windowSpectra, type WindowSpectra } from '../../../src/decode/anomaly/deep.js';
import { foldAurocs, segmentFolds } from '../../../src/decode/anomaly/evaluate.js';
import { ArgumentError } from '../../../src/errors.js';
import { dataPath, skipMissing } from '../../helpers/data.js';

const ref = JSON.parse(readFileSync('test/golden/bonn/reference.json', 'utf8')) as { window_spectra: { segments: number[]; freqs: number[]; values: number[][][] } };
const dir = dataPath('eeg', 'bonn');
const paths = BONN_SETS.map((s) => `${dir}/${s}.zip`);

let cache: { S: WindowSpectra; set: Int32Array; label: Int32Array; raw: ReturnType<typeof loadBonnDir> } | null = null;
function reduced() {
  if (cache) return cache;
  const d = loadBonnDir(dir);
  // the first 30 segments of every set
  const idx = Array.from(d.set.keys()).filter((i) => i % 100 < 30);
  const S = windowSpectra(idx.map((i) => d.segments[i]!), d.sfreq);
  return (cache = { S, set: Int32Array.from(idx, (i) => d.set[i]!), label: Int32Array.from(idx, (i) => d.label[i]!), raw: d });
}

test('window log spectra equal numpy (periodic Hann, |rfft|², 0.5-60 Hz)', (t) => {
  if (skipMissing(t, ...paths)) return;
  const { raw } = reduced();
  const S = windowSpectra(ref.window_spectra.segments.map((i) => raw.segments[i]!), raw.sfreq);
  assert.deepEqual([S.windows, S.bins], [16, 88]);
  S.freqs.forEach((f, j) => assert.ok(Math.abs(f - ref.window_spectra.freqs[j]!) < 1e-12));
  ref.window_spectra.values.forEach((seg, s) => seg.forEach((win, w) => win.forEach((v, j) => {
    const got = S.data[(s * 16 + w) * 88 + j]!;
    assert.ok(Math.abs(got - v) <= 2e-6 * Math.max(1, Math.abs(v)), `segment ${s} window ${w} bin ${j}: ${got} vs ${v}`);
  })));
  assert.throws(() => windowSpectra([new Float64Array(100)], 173.61), (e: Error) => e instanceof ArgumentError && /hold no window of 256/.test(e.message));
});

test('autoencoder on healthy windows: loss falls, N+F and S score above Z+O; a frozen one does not', (t) => {
  if (skipMissing(t, ...paths)) return;
  const { S, set } = reduced();
  const folds = segmentFolds(set, 3, 0);
  const r = autoencoderScores(S, set, folds, { model: 'autoencoder', epochs: 3, seed: 0 });
  for (const f of r.folds) {
    assert.equal(f.trainWindows, 40 * 16);
    assert.ok(f.history.at(-1)!.trainLoss < 0.9 * f.history[0]!.trainLoss, `loss ${f.history[0]!.trainLoss} → ${f.history.at(-1)!.trainLoss}`);
  }
  const [s, nf] = foldAurocs(r.score, set, folds);
  assert.ok(s!.mean >= 0.97, `S vs Z+O ${s!.mean}`);
  assert.ok(nf!.mean >= 0.9, `N+F vs Z+O ${nf!.mean}`);
  const frozen = autoencoderScores(S, set, folds, { model: 'autoencoder', epochs: 1, seed: 0, lr: 0 });
  const [, nf0] = foldAurocs(frozen.score, set, folds);
  assert.ok(nf!.mean > nf0!.mean + 0.04, `trained ${nf!.mean} vs untrained ${nf0!.mean}`);
  assert.throws(() => autoencoderScores(S, set, folds, { model: 'cnn' }), /'cnn' is a classifier/);
  assert.throws(() => autoencoderScores(S, set, folds, { model: 'vae' }), /unknown model 'vae'/);
});

