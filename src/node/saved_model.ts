// Saved decoders on disk, whatever their kind (EEG: eeg_model.ts writes them; spikes: here): a
// folder with config.json and the weights file it names, the config recording the weights' size
// and SHA-256 (written after them), so a folder left half-rewritten is refused on load.

import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ArgumentError, FormatError } from '../errors.js';
import { readBytes, writeFileAtomic } from './fs.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Writes weights, then config.json (with weights.sha256 filled in), into `dir` (created if needed). */
export function writeSavedModel(dir: string, config: { weights: { file: string; sha256?: string } }, weights: Uint8Array, op = 'save'): { config: string; weights: string } {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new ArgumentError(`${op}: cannot create the model folder '${dir}': ${(e as Error).message}`);
  }
  config.weights.sha256 = sha256(weights);
  const paths = { weights: join(dir, config.weights.file), config: join(dir, 'config.json') };
  writeFileAtomic(paths.weights, weights);
  writeFileAtomic(paths.config, `${JSON.stringify(config, null, 2)}\n`);
  return paths;
}

/** Reads a saved model folder: the parsed config and the weights bytes, their SHA-256 checked. */
export function readSavedModel(dir: string): { config: unknown; weights: Uint8Array } {
  const cpath = join(dir, 'config.json');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(readBytes(cpath));
  } catch (e) {
    throw new FormatError(`cannot read the model config '${cpath}': ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new FormatError(`${cpath}: not valid JSON (${(e as Error).message})`);
  }
  const w = (json as { weights?: { file?: unknown; sha256?: unknown } } | null)?.weights;
  const file = w?.file;
  if (typeof file !== 'string' || !/^[\w.-]+$/.test(file)) throw new FormatError(`${cpath}: field 'weights.file' must name a file beside the config, got ${JSON.stringify(file)}`);
  const wpath = join(dir, file);
  let bytes: Uint8Array;
  try {
    bytes = readBytes(wpath);
  } catch (e) {
    throw new FormatError(`cannot read the model weights '${wpath}': ${(e as Error).message}`);
  }
  if (typeof w?.sha256 !== 'string') throw new FormatError(`${cpath}: field 'weights.sha256' is missing`);
  const got = sha256(bytes);
  if (got !== w.sha256) throw new FormatError(`${wpath}: SHA-256 ${got} differs from ${w.sha256} in ${cpath} (the folder holds weights and config of different saves)`);
  return { config: json, weights: bytes };
}
