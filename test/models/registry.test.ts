// The EEG model registry names every deep model without side-effect imports: a program that
// imports only the decoding pipeline (no models/ module) can build and decode with each one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildNet, checkModel, modelNames, type DecoderConfig } from '../../src/decode/eeg_decoder.js';
import { eegModels } from '../../src/decode/eeg_eval.js';

test('decode/ knows shallow, deep4 and eegnet from models/registry.ts alone', () => {
  assert.deepEqual(modelNames(), ['csp-lda', 'csp-slda', 'shallow', 'deep4', 'eegnet']);
  assert.deepEqual([...eegModels.keys()], ['shallow', 'deep4', 'eegnet']);
  for (const m of ['deep4', 'eegnet']) checkModel(m);
  assert.equal(eegModels.get('eegnet')!.epochs, 150);
  assert.ok(eegModels.get('eegnet')!.afterStep);
  assert.ok(eegModels.get('deep4')!.makeCropped);
  assert.ok(!eegModels.get('eegnet')!.makeCropped);
});

test('buildNet rebuilds a registered model from its config with the state-dict keys of the model class', () => {
  const cfg = { model: 'eegnet', cropped: false, finalConvLength: null, nChans: 4, nOutputs: 2, nTimes: 128, sfreq: 128 } as unknown as DecoderConfig;
  const net = buildNet(cfg);
  assert.equal(net.constructor.name, 'EEGNet');
  const deep = buildNet({ ...cfg, model: 'deep4', nTimes: 500, sfreq: 100 });
  assert.equal(deep.constructor.name, 'Deep4Net');
  assert.ok(Object.keys(deep.stateDict()).includes('final_layer.conv_classifier.weight'));
});
