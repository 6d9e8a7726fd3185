// Which segmentation model `dendrite segment --model X` loads: a brainchop name (a folder under
// the models folder) or a path to a model folder, and, per folder, the format that reads it.
// New formats join SEGMENTER_FORMATS (first match wins); nothing else needs to change.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ArgumentError, FormatError } from '../errors.js';
import type { VolumeModel } from '../models/segment_volume.js';
import type { IntensityNormalisation } from '../neuro/intensity.js';
import type { TissueRefinement } from '../neuro/tissue_em.js';
import { readTfjsLayersModel } from '../node/tfjs.js';
import { loadSegmenter as loadSavedSegmenter } from '../node/segmenter_io.js';

/** A loaded model with what the report needs to name its classes. */
export interface Segmenter {
  model: VolumeModel;
  /** Folder it came from, and the format that read it. */
  dir: string;
  format: string;
  /** How the conformed T1 is scaled before the model sees it (brainchop's models: min-max). */
  normalisation: IntensityNormalisation;
  /** The refinement its config asks for (brainchop's models and older configs: none). */
  refine: TissueRefinement;
  /** One name and RGB colour per class when the folder ships them (brainchop's colormap*.json). */
  classNames?: string[];
  colors?: [number, number, number][];
}

/** A model format: whether a folder holds one, and how to load it. */
export interface SegmenterFormat {
  name: string;
  detect(dir: string): boolean;
  load(dir: string): Segmenter;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (e) {
    throw new FormatError(`segment: cannot read ${path} as JSON (${(e as Error).message})`);
  }
}

/** brainchop's colormap*.json ({R, G, B, labels}) whose length matches `classes`, if the folder has one. */
export function readColormap(dir: string, classes: number): Pick<Segmenter, 'classNames' | 'colors'> {
  const files = readdirSync(dir).filter((f) => /^colormap\d*\.json$/.test(f)).sort();
  for (const f of files) {
    const c = readJson(join(dir, f)) as { R?: unknown; G?: unknown; B?: unknown; labels?: unknown };
    const ok = (a: unknown): a is number[] => Array.isArray(a) && a.length === classes && a.every((v) => Number.isInteger(v) && v >= 0 && v <= 255);
    if (!ok(c.R) || !ok(c.G) || !ok(c.B)) continue;
    const names = Array.isArray(c.labels) && c.labels.length === classes ? c.labels.map(String) : undefined;
    const { R, G, B } = c;
    return { colors: R.map((r, k) => [r, G[k]!, B[k]!] as [number, number, number]), ...(names ? { classNames: names } : {}) };
  }
  return {};
}

const isFile = (p: string) => existsSync(p) && statSync(p).isFile();

export const SEGMENTER_FORMATS: SegmenterFormat[] = [
  {
    // dendrite's own saved segmenters (config.json, format 'dendrite-segmenter'): detected here so
    // such a folder is not mistaken for another format; its loader plugs in at `load`.
    name: 'dendrite-segmenter',
    detect: (dir) => isFile(join(dir, 'config.json')) && (readJson(join(dir, 'config.json')) as { format?: unknown }).format === 'dendrite-segmenter',
    load: (dir) => {
      const { model, config } = loadSavedSegmenter(dir);
      return { model, dir, format: 'dendrite-segmenter', normalisation: config.normalisation, refine: config.refine ?? { method: 'none' }, classNames: [...config.classes] };
    },
  },
  {
    name: 'tfjs-layers',
    detect: (dir) => isFile(join(dir, 'model.json')),
    load: (dir) => {
      const model = readTfjsLayersModel(dir);
      return { model, dir, format: 'tfjs-layers', normalisation: { method: 'minmax' }, refine: { method: 'none' }, ...readColormap(dir, model.outChannels) };
    },
  },
];

/**
 * Resolves `--model`: an existing folder (or a model.json in one) is used as it is; a bare name is
 * looked up in `modelsDir`. The folder's format is the first of SEGMENTER_FORMATS that detects it.
 */
export function resolveModelDir(spec: string, modelsDir: string, flag = '--model'): string {
  if (existsSync(spec)) {
    const st = statSync(spec);
    return resolve(st.isDirectory() ? spec : join(spec, '..'));
  }
  if (/^[\w.-]+$/.test(spec)) {
    const dir = join(modelsDir, spec);
    if (existsSync(dir) && statSync(dir).isDirectory()) return resolve(dir);
    const names = existsSync(modelsDir) ? readdirSync(modelsDir).filter((f) => statSync(join(modelsDir, f)).isDirectory()) : [];
    throw new ArgumentError(`segment: ${flag} '${spec}' is neither a folder nor a model in ${modelsDir} (${names.length ? `available: ${names.join(', ')}` : 'no such folder; set --models-dir or DENDRITE_DATA'})`);
  }
  throw new ArgumentError(`segment: ${flag} '${spec}': no such file or folder`);
}

/** `flag` names the option in error messages (--model, --brain-mask). */
export function loadSegmenter(spec: string, modelsDir: string, flag = '--model'): Segmenter {
  const dir = resolveModelDir(spec, modelsDir, flag);
  const format = SEGMENTER_FORMATS.find((f) => f.detect(dir));
  if (!format) throw new ArgumentError(`segment: ${flag} '${spec}': ${dir} holds no model this build reads (${SEGMENTER_FORMATS.map((f) => f.name).join(', ')}: config.json or model.json)`);
  const s = format.load(dir);
  if (s.model.inChannels !== 1) throw new ArgumentError(`segment: the model in ${dir} takes ${s.model.inChannels} input channels; a T1 has 1`);
  return s;
}
