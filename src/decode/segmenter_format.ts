// dendrite's format for a trained volumetric segmenter: a folder with config.json
//   { format: 'dendrite-segmenter', version: 1, arch, inChannels, hyper, classes, normalisation, trainedOn? }
// and model.safetensors (the state dict). These functions turn the two files' contents into a
// model segmentVolume accepts and back; node/segmenter_io reads and writes the folder.

import { ArgumentError, FormatError } from '../errors.js';
import { serializeStateDict, deserializeStateDict } from '../io/state_dict.js';
import { segmenterModels, type SegmenterHyper } from '../models/registry.js';
import type { VolumeModel } from '../models/segment_volume.js';
import { checkNormalisation, type IntensityNormalisation } from '../neuro/intensity.js';

export const SEGMENTER_FORMAT = 'dendrite-segmenter';

/**
 * How the input volume is scaled before the model sees it (neuro/intensity): 'minmax' (brainchop's,
 * and what a config without the field means, so files written before the field existed load as
 * they were trained) or 'percentile' { low, high } over the head's voxels, clipped to [0, 1].
 */
export type SegmenterNormalisation = IntensityNormalisation;

export interface SegmenterMeta {
  arch: string;
  hyper: SegmenterHyper;
  /** Class names, index = label value. */
  classes: string[];
  normalisation: SegmenterNormalisation;
  /** What the model was trained on (free text, per source). */
  trainedOn?: string[];
}

export interface SegmenterConfig extends SegmenterMeta {
  format: typeof SEGMENTER_FORMAT;
  version: 1;
  inChannels: number;
}

export interface LoadedSegmenter {
  model: VolumeModel;
  config: SegmenterConfig;
}

/** config.json and model.safetensors bytes of `model`, described by `meta`. */
export function encodeSegmenter(model: VolumeModel, meta: SegmenterMeta): { config: SegmenterConfig; weights: Uint8Array } {
  const config: SegmenterConfig = { format: SEGMENTER_FORMAT, version: 1, arch: meta.arch, inChannels: model.inChannels, hyper: meta.hyper, classes: meta.classes, normalisation: meta.normalisation, ...(meta.trainedOn ? { trainedOn: meta.trainedOn } : {}) };
  // the config must rebuild this model: checked now, not when someone loads it
  decodeSegmenter(config, null, '<save>', model);
  return { config, weights: serializeStateDict(model.stateDict(), { format: SEGMENTER_FORMAT }) };
}

function fail(source: string, msg: string): never {
  throw new FormatError(`segmenter ${source}: ${msg}`);
}

/**
 * Builds the model a config describes and loads its weights. A config that is not a
 * dendrite-segmenter, an unknown arch, bad hyper-parameters or classes that do not match the
 * classifier are FormatErrors; weights whose keys or shapes do not match the architecture are
 * StateDictErrors (from loadStateDict).
 */
export function decodeSegmenter(json: unknown, weights: Uint8Array | null, source: string, like?: VolumeModel): LoadedSegmenter {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail(source, 'config.json is not an object');
  const c = json as Record<string, unknown>;
  if (c['format'] !== SEGMENTER_FORMAT) fail(source, `format is ${JSON.stringify(c['format'])}, expected '${SEGMENTER_FORMAT}'`);
  if (c['version'] !== 1) fail(source, `version ${JSON.stringify(c['version'])} is not supported (1)`);
  const arch = c['arch'];
  const spec = typeof arch === 'string' ? segmenterModels.get(arch) : undefined;
  if (!spec) fail(source, `arch ${JSON.stringify(arch)} is not one of ${[...segmenterModels.keys()].join(', ')}`);
  const inChannels = c['inChannels'];
  if (!Number.isInteger(inChannels) || (inChannels as number) < 1) fail(source, `inChannels ${JSON.stringify(inChannels)} is not a positive integer`);
  const classes = c['classes'];
  if (!Array.isArray(classes) || classes.length < 2 || classes.some((x) => typeof x !== 'string')) fail(source, `classes ${JSON.stringify(classes)} must be a list of at least 2 names`);
  let normalisation: SegmenterNormalisation;
  try {
    normalisation = c['normalisation'] === undefined ? { method: 'minmax' } : checkNormalisation(c['normalisation'], 'config.json');
  } catch (e) {
    if (e instanceof ArgumentError) fail(source, e.message);
    throw e;
  }
  const hyper = c['hyper'];
  if (typeof hyper !== 'object' || hyper === null || Array.isArray(hyper)) fail(source, `hyper ${JSON.stringify(hyper)} is not an object`);
  let model: VolumeModel;
  try {
    model = spec.make(inChannels as number, classes.length, hyper as SegmenterHyper);
  } catch (e) {
    fail(source, `hyper-parameters ${JSON.stringify(hyper)} do not build a ${String(arch)}: ${(e as Error).message}`);
  }
  if (like) {
    const a = like.stateDict(), b = model.stateDict();
    const ka = Object.keys(a).sort().join(','), kb = Object.keys(b).sort().join(',');
    if (ka !== kb || Object.keys(a).some((k) => a[k]!.shape.join('x') !== b[k]!.shape.join('x'))) fail(source, `the model's weights do not match arch ${String(arch)} with hyper ${JSON.stringify(hyper)} and ${classes.length} classes`);
  }
  if (weights) model.loadStateDict(deserializeStateDict(weights, `${source}/model.safetensors`).stateDict);
  model.eval();
  return { model, config: { ...(c as unknown as SegmenterConfig), normalisation } };
}
