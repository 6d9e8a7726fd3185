// Registers the Braindecode-style EEG models with the decoding pipeline by name, with
// Braindecode's recommended AdamW settings.
import { eegModels } from '../decode/eeg_eval.js';
import { noGrad } from '../autograd/grad_mode.js';
import { Deep4Net } from './deep4.js';
import { EEGNet } from './eegnet.js';

eegModels.set('deep4', {
  make: (c, o, t, sfreq) => new Deep4Net({ nChans: c, nOutputs: o, nTimes: t, sfreq }),
  makeCropped: (c, o, t, sfreq, k) => new Deep4Net({ nChans: c, nOutputs: o, nTimes: t, sfreq, finalConvLength: k }),
  lr: 1 * 0.01,
  weightDecay: 0.5 * 0.001,
});
eegModels.set('eegnet', {
  make: (c, o, t, sfreq) => new EEGNet({ nChans: c, nOutputs: o, nTimes: t, sfreq }),
  lr: 0.001,
  weightDecay: 0,
  // EEGNet's 2.5 k parameters learn slowly: on EEGMMIDB S001 (R06+R10, 4-38 Hz, 0-4 s) its
  // training accuracy is 0.77 after 60 epochs and 1.00 after 150
  epochs: 150,
  // Braindecode renormalises the spatial filters every forward pass; here, after every step
  afterStep: (m) => noGrad(() => (m as EEGNet).applyMaxNorm()),
});

export { eegModels };
