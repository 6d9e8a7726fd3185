// decode eeg's results.json contents and a saved decoder's events renamed onto its classes,
// without the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError } from '../../src/errors.js';
import { eegResultsJson, renameDecoderEvents } from '../../src/decode/eeg_results.js';
import type { DecoderConfig, TrainedDecoder } from '../../src/decode/eeg_decoder.js';
import type { FoldResult } from '../../src/decode/eeg_eval.js';

const config = { model: 'csp-lda', label: 'CSP+LDA', classNames: ['hands', 'feet'], mapping: { T1: 0, T2: 1 } } as unknown as DecoderConfig;

test('renameDecoderEvents: new descriptions onto the saved classes; an unknown class is an ArgumentError', () => {
  const d: TrainedDecoder = { config };
  const r = renameDecoderEvents(d, { left: 0, up: 1 }, ['feet', 'hands'], '/models/a');
  assert.deepEqual(r.config.mapping, { left: 1, up: 0 });
  assert.deepEqual(config.mapping, { T1: 0, T2: 1 }); // the saved decoder is left as it was
  assert.throws(() => renameDecoderEvents(d, { a: 0, b: 1 }, ['hands', 'tongue'], '/models/a'), (e: Error) => e instanceof ArgumentError && e.message === "decode eeg: --events names class 'tongue' that the model in /models/a does not have (its classes: hands, feet)");
});

test('eegResultsJson: settings, metrics without the trials, per-trial rows with file names and probabilities', () => {
  const result = {
    fold: 'test', model: 'CSP+LDA', accuracy: 0.5, nTest: 2, config,
    trials: [{ file: 1, onset: 4.2, target: 0, pred: 1, proba: [0.4, 0.6] }, { file: 0, onset: 8.3, target: 1, pred: 1, proba: [0.1, 0.9] }],
  } as unknown as FoldResult;
  const j = eegResultsJson(result, { source: 'train a; test b,c', train: ['a.edf'], test: ['b.edf', 'c.edf'], savedTo: '/m' });
  assert.deepEqual(Object.keys(j), ['source', 'model', 'label', 'classNames', 'mapping', 'files', 'savedTo', 'settings', 'result', 'trials', 'history']);
  assert.deepEqual(j['result'], { fold: 'test', model: 'CSP+LDA', accuracy: 0.5, nTest: 2 });
  assert.deepEqual(j['trials'], [
    { file: 'c.edf', onset: 4.2, target: 'hands', pred: 'feet', correct: false, proba: { hands: 0.4, feet: 0.6 } },
    { file: 'b.edf', onset: 8.3, target: 'feet', pred: 'feet', correct: true, proba: { hands: 0.1, feet: 0.9 } },
  ]);
  assert.deepEqual(j['history'], []);
});
