// The Bonn CNN on a reduced configuration (30 segments per set, 3 folds, 2 epochs): it must
// learn the 3 classes well above chance (1/3), on the segment-wise folds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BONN_SETS } from '../../../src/datasets/bonn.js';
import { loadBonnDir } from '../../../src/node/bonn.js';
import { classifierProba, windowSpectra } from '../../../src/decode/anomaly/deep.js';
import { segmentFolds, summariseClassifier } from '../../../src/decode/anomaly/evaluate.js';
import { dataPath, skipMissing } from '../../helpers/data.js';

const dir = dataPath('eeg', 'bonn');
const paths = BONN_SETS.map((s) => `${dir}/${s}.zip`);

test('CNN learns the 3 classes Z+O / N+F / S on the same folds', (t) => {
  if (skipMissing(t, ...paths)) return;
  const d = loadBonnDir(dir);
  const idx = Array.from(d.set.keys()).filter((i) => i % 100 < 30);
  const S = windowSpectra(idx.map((i) => d.segments[i]!), d.sfreq);
  const set = Int32Array.from(idx, (i) => d.set[i]!);
  const label = Int32Array.from(idx, (i) => d.label[i]!);
  const folds = segmentFolds(set, 3, 0);
  const r = classifierProba(S, label, folds, 3, { model: 'cnn', epochs: 2, seed: 0 });
  const s = summariseClassifier(r.proba, label, folds);
  assert.ok(s.balancedAccuracy >= 0.7, `balanced accuracy ${s.balancedAccuracy}`);
  for (let i = 0; i < r.proba.rows; i++) {
    const sum = r.proba.data[i * 3]! + r.proba.data[i * 3 + 1]! + r.proba.data[i * 3 + 2]!;
    assert.ok(Math.abs(sum - 1) < 1e-5);
  }
  assert.equal(s.confusion.flat().reduce((a, b) => a + b, 0), 150);
});
