// Trained EEG decoders on disk: a folder with model.safetensors (the weights) and config.json
// (how to rebuild and apply them), each written atomically. The config records the weights'
// size and SHA-256, written after them, so a folder left half-rewritten by an interrupted or
// concurrent save is refused on load instead of pairing one save's weights with another's
// config.

import { decodeDecoder, encodeDecoder } from '../decode/eeg_model_io.js';
import type { TrainedDecoder } from '../decode/eeg_decoder.js';
import { readSavedModel, writeSavedModel } from './saved_model.js';

/** Writes `dec` into folder `dir` (created if needed): model.safetensors, then config.json. */
export function saveDecoder(dir: string, dec: TrainedDecoder): { config: string; weights: string } {
  const { config, weights } = encodeDecoder(dec);
  return writeSavedModel(dir, config, weights, 'decode');
}

/** Reads a decoder saved by saveDecoder; a missing, torn or altered file is a FormatError naming it. */
export function loadDecoder(dir: string): TrainedDecoder {
  const { config, weights } = readSavedModel(dir);
  return decodeDecoder(config, weights, dir);
}
