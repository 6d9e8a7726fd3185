// Trained EEG decoders on disk: a folder with model.safetensors (the weights) and config.json
// (how to rebuild and apply them), each written atomically. The config records the weights'
// size and SHA-256, written after them, so a folder left half-rewritten by an interrupted or
// concurrent save is refused on load instead of pairing one save's weights with another's
// config.

import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ArgumentError, FormatError } from '../errors.js';
import { readBytes, writeFileAtomic } from './fs.js';
import { decodeDecoder, encodeDecoder } from '../decode/eeg_model_io.js';
import type { TrainedDecoder } from '../decode/eeg_decoder.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Writes `dec` into folder `dir` (created if needed): model.safetensors, then config.json. */
export function saveDecoder(dir: string, dec: TrainedDecoder): { config: string; weights: string } {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new ArgumentError(`decode: cannot create the model folder '${dir}': ${(e as Error).message}`);
  }
  const { config, weights } = encodeDecoder(dec);
  config.weights.sha256 = sha256(weights);
  const paths = { weights: join(dir, config.weights.file), config: join(dir, 'config.json') };
  writeFileAtomic(paths.weights, weights);
  writeFileAtomic(paths.config, `${JSON.stringify(config, null, 2)}\n`);
  return paths;
}

/** Reads a decoder saved by saveDecoder; a missing, torn or altered file is a FormatError naming it. */
export function loadDecoder(dir: string): TrainedDecoder {
  const cpath = join(dir, 'config.json');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(readBytes(cpath));
  } catch (e) {
    throw new FormatError(`decode: cannot read the model config '${cpath}': ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new FormatError(`${cpath}: not valid JSON (${(e as Error).message})`);
  }
  const file = (json as { weights?: { file?: unknown } } | null)?.weights?.file;
  if (typeof file !== 'string' || !/^[\w.-]+$/.test(file)) throw new FormatError(`${cpath}: field 'weights.file' must name a file beside the config, got ${JSON.stringify(file)}`);
  const wpath = join(dir, file);
  let bytes: Uint8Array;
  try {
    bytes = readBytes(wpath);
  } catch (e) {
    throw new FormatError(`decode: cannot read the model weights '${wpath}': ${(e as Error).message}`);
  }
  const want = (json as { weights: { sha256?: unknown } }).weights.sha256;
  if (typeof want !== 'string') throw new FormatError(`${cpath}: field 'weights.sha256' is missing`);
  const got = sha256(bytes);
  if (got !== want) throw new FormatError(`${wpath}: SHA-256 ${got} differs from ${want} in ${cpath} (the folder holds weights and config of different saves)`);
  return decodeDecoder(json, bytes, dir);
}
