// dendrite's format for a trained volumetric segmenter: a folder with config.json
//   { format: 'dendrite-segmenter', version: 1, arch, inChannels, hyper, classes, normalisation, trainedOn?, refine? }
// and model.safetensors (the state dict). These functions turn the two files' contents into a
// model segmentVolume accepts and back; node/segmenter_io reads and writes the folder.

import { ArgumentError, FormatError, StateDictError } from '../errors.js';
import { serializeStateDict, deserializeStateDict } from '../io/state_dict.js';
import { segmenterModels, type SegmenterHyper } from '../models/registry.js';
import type { VolumeModel } from '../models/segment_volume.js';
import { checkNormalisation, type IntensityNormalisation } from '../neuro/intensity.js';
import { checkRefinement, type TissueRefinement } from '../neuro/tissue_em.js';

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
  /**
   * Refinement of the labels on each scan (neuro/tissue_em): EM on the scan's intensities with the
   * network's probabilities as priors. Absent means 'none', so older files segment as they did.
   * Its priorWeight is α in [0, 1] or 'auto' (chosen on each scan by marginal likelihood).
   */
  refine?: TissueRefinement;
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
  const config: SegmenterConfig = { format: SEGMENTER_FORMAT, version: 1, arch: meta.arch, inChannels: model.inChannels, hyper: meta.hyper, classes: meta.classes, normalisation: meta.normalisation, ...(meta.trainedOn ? { trainedOn: meta.trainedOn } : {}), ...(meta.refine ? { refine: meta.refine } : {}) };
  // the config must rebuild this model: checked now, not when someone loads it
  const { shapes } = checkSegmenterConfig(config, '<save>');
  const own = Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, [...t.shape]]));
  const bad = shapeMismatch(shapes, own);
  if (bad) fail('<save>', `the model's weights do not match arch ${config.arch} with hyper ${JSON.stringify(config.hyper)} and ${config.classes.length} classes (${bad})`);
  return { config, weights: serializeStateDict(model.stateDict(), { format: SEGMENTER_FORMAT }) };
}

function fail(source: string, msg: string): never {
  throw new FormatError(`segmenter ${source}: ${msg}`);
}

/** The first difference between two key → shape tables, or null. */
function shapeMismatch(want: Record<string, number[]>, got: Record<string, readonly number[]>): string | null {
  for (const k of Object.keys(want)) {
    if (!(k in got)) return `missing ${k}`;
    if (want[k]!.join('x') !== got[k]!.join('x')) return `${k} is [${got[k]!.join(', ')}], the config needs [${want[k]!.join(', ')}]`;
  }
  for (const k of Object.keys(got)) if (!(k in want)) return `unexpected ${k}`;
  return null;
}

/**
 * Checks a config without building anything: a config that is not a dendrite-segmenter, an unknown
 * arch, bad hyper-parameters, classes or normalisation are FormatErrors. Returns the config (the
 * normalisation defaulting to 'minmax') and the state-dict shapes it describes.
 */
export function checkSegmenterConfig(json: unknown, source: string): { config: SegmenterConfig; shapes: Record<string, number[]> } {
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
  let refine: TissueRefinement | undefined;
  try {
    if (c['refine'] !== undefined) refine = checkRefinement(c['refine'], 'config.json');
  } catch (e) {
    if (e instanceof ArgumentError) fail(source, e.message);
    throw e;
  }
  const hyper = c['hyper'];
  if (typeof hyper !== 'object' || hyper === null || Array.isArray(hyper)) fail(source, `hyper ${JSON.stringify(hyper)} is not an object`);
  let shapes: Record<string, number[]>;
  try {
    shapes = spec.stateShapes(inChannels as number, classes.length, hyper as SegmenterHyper);
  } catch (e) {
    fail(source, `hyper-parameters ${JSON.stringify(hyper)} do not describe a ${String(arch)}: ${(e as Error).message}`);
  }
  return { config: { ...(c as unknown as SegmenterConfig), normalisation, ...(refine ? { refine } : {}) }, shapes };
}

/**
 * Builds the model a config describes and loads its weights. The config is checked first
 * (checkSegmenterConfig: FormatErrors), then the weights' keys and shapes against the ones the
 * config describes (StateDictError), and only then is the model built, so a config claiming huge
 * channel counts allocates nothing.
 */
export function decodeSegmenter(json: unknown, weights: Uint8Array, source: string): LoadedSegmenter {
  const { config, shapes } = checkSegmenterConfig(json, source);
  const { stateDict } = deserializeStateDict(weights, `${source}/model.safetensors`);
  const bad = shapeMismatch(shapes, Object.fromEntries(Object.entries(stateDict).map(([k, t]) => [k, t.shape])));
  if (bad) throw new StateDictError(`segmenter ${source}/model.safetensors: the weights do not match arch ${config.arch} with hyper ${JSON.stringify(config.hyper)} and ${config.classes.length} classes: ${bad}`);
  let model: VolumeModel;
  try {
    model = segmenterModels.get(config.arch)!.make(config.inChannels, config.classes.length, config.hyper);
  } catch (e) {
    fail(source, `hyper-parameters ${JSON.stringify(config.hyper)} do not build a ${config.arch}: ${(e as Error).message}`);
  }
  model.loadStateDict(stateDict);
  model.eval();
  return { model, config };
}
