// Registers the Braindecode-style EEG models with the decoding pipeline by name.
import { eegModels } from '../decode/eeg_eval.js';

export { eegModels };
