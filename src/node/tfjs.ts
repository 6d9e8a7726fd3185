// TF.js layers models from disk: model.json and the shards its weightsManifest names, which
// live beside it.

import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { FormatError } from '../errors.js';
import { loadTfjsLayersModel, type TfjsLayersModel } from '../io/tfjs/layers_model.js';

/** Reads `path` (model.json, or the folder holding it) as a TF.js layers model. */
export function readTfjsLayersModel(path: string): TfjsLayersModel {
  const file = statSync(path).isDirectory() ? join(path, 'model.json') : path;
  const dir = resolve(dirname(file));
  return loadTfjsLayersModel(readFileSync(file), (shard) => {
    const p = resolve(dir, shard);
    // a shard path that climbs out of the model's folder is refused, not followed
    if (!p.startsWith(dir + sep)) throw new FormatError(`tfjs layers model ${file}: shard path '${shard}' leaves the model's folder`);
    try {
      return readFileSync(p);
    } catch (e) {
      throw new FormatError(`tfjs layers model ${file}: cannot read shard '${shard}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }, file);
}
