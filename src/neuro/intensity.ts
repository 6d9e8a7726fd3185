// Intensity normalisation of a T1 before a segmenter sees it, shared by training (seg_train, the
// segmentation bench) and inference (`dendrite segment`), recorded in the dendrite-segmenter
// config so that both sides scale alike.
//
//   'minmax'      (v − min) / (max − min): brainchop's scaling. One bright voxel (a vessel, fat,
//                 an artefact) sets the maximum, so white matter lands anywhere from 0.4 to 0.9.
//   'percentile'  (v − p_low) / (p_high − p_low) clipped to [0, 1], the percentiles (numpy's
//                 linear interpolation) taken over the head: the voxels above 0, so that the zero
//                 background of a skull-stripped or conformed volume does not count. p99 of the
//                 head sits at the top of white matter's range in a T1, whatever the scanner.
//
// The 'percentile' output is clipped to exactly [0, 1] and reaches both ends, so a later min-max
// scaling (segmentVolume's) leaves it unchanged.

import { ArgumentError } from '../errors.js';
import { percentile } from './seg_metrics.js';

export type IntensityNormalisation =
  | { method: 'minmax' }
  | { method: 'percentile'; low: number; high: number };

/** The default for newly trained segmenters: p0.5..p99 of the voxels above 0. */
export const PERCENTILE_NORMALISATION: IntensityNormalisation = { method: 'percentile', low: 0.5, high: 99 };

/** Checks a normalisation record (e.g. read from a config file); returns it typed. */
export function checkNormalisation(n: unknown, where: string): IntensityNormalisation {
  const o = n as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null) throw new ArgumentError(`${where}: normalisation ${JSON.stringify(n)} is not an object`);
  if (o['method'] === 'minmax') return { method: 'minmax' };
  if (o['method'] === 'percentile') {
    const low = o['low'], high = o['high'];
    if (typeof low !== 'number' || typeof high !== 'number' || !(low >= 0 && low < high && high <= 100)) {
      throw new ArgumentError(`${where}: percentile normalisation needs 0 ≤ low < high ≤ 100, got low ${JSON.stringify(low)}, high ${JSON.stringify(high)}`);
    }
    return { method: 'percentile', low, high };
  }
  throw new ArgumentError(`${where}: normalisation method ${JSON.stringify(o['method'])} is not 'minmax' or 'percentile'`);
}

/** The values at percentiles `low` and `high` of the voxels above 0 (all voxels if none is). */
export function headPercentiles(data: ArrayLike<number>, low: number, high: number): [number, number] {
  let n = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) throw new ArgumentError(`normaliseIntensity: voxel ${i} is ${v}; a volume must be finite`);
    if (v > 0) n++;
  }
  if (data.length === 0) throw new ArgumentError('normaliseIntensity: empty volume');
  const vals = new Float64Array(n > 0 ? n : data.length);
  let o = 0;
  for (let i = 0; i < data.length; i++) if (n === 0 || data[i]! > 0) vals[o++] = data[i]!;
  return [percentile(vals, low), percentile(vals, high)];
}

/** `data` scaled as `norm` says, float32, in [0, 1] (a constant volume gives zeros). */
export function normaliseIntensity(data: ArrayLike<number>, norm: IntensityNormalisation): Float32Array {
  const out = new Float32Array(data.length);
  let lo: number, hi: number;
  if (norm.method === 'minmax') {
    lo = Infinity;
    hi = -Infinity;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (!Number.isFinite(v)) throw new ArgumentError(`normaliseIntensity: voxel ${i} is ${v}; a volume must be finite`);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  } else {
    checkNormalisation(norm, 'normaliseIntensity');
    [lo, hi] = headPercentiles(data, norm.low, norm.high);
  }
  const r = hi - lo;
  if (!(r > 0)) return out;
  for (let i = 0; i < data.length; i++) {
    const v = (data[i]! - lo) / r;
    out[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
  return out;
}
