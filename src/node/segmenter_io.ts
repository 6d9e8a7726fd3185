// Saving and loading a trained volumetric segmenter as a folder: config.json + model.safetensors
// (see decode/segmenter_format for the format).

import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError } from '../errors.js';
import { checkSegmenterConfig, decodeSegmenter, encodeSegmenter, type LoadedSegmenter, type SegmenterMeta } from '../decode/segmenter_format.js';
import type { VolumeModel } from '../models/segment_volume.js';
import { readBytes, writeFileAtomic } from './fs.js';

/** Writes `dir`/config.json and `dir`/model.safetensors (the folder is created if missing). */
export function saveSegmenter(dir: string, model: VolumeModel, meta: SegmenterMeta): void {
  const { config, weights } = encodeSegmenter(model, meta);
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, 'model.safetensors'), weights);
  writeFileAtomic(join(dir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
}

/** Reads a folder written by saveSegmenter; the model is in eval mode, ready for segmentVolume. */
export function loadSegmenter(dir: string): LoadedSegmenter {
  let json: unknown;
  const cfgPath = join(dir, 'config.json');
  try {
    json = JSON.parse(readFileSync(cfgPath, 'utf8'));
  } catch (e) {
    throw new FormatError(`segmenter ${cfgPath}: ${(e as Error).message}`);
  }
  // the config alone first: a config that is not a segmenter's is a FormatError before any weights are read
  checkSegmenterConfig(json, dir);
  return decodeSegmenter(json, readBytes(join(dir, 'model.safetensors')), dir);
}
