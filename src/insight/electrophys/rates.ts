// Brain-Score's mapping of model activations to firing rates (firing_rates_affine): one affine
// map per layer that sends the median blank response to 0.82 spikes/s and the median peak
// response (max over SF × orientation of the phase mean) to 33.8 spikes/s, over the responsive
// units, so model distributions are on the scale of the recorded V1 cells.

import { ArgumentError } from '../../errors.js';

export const MEDIAN_MAX_RESP = 33.8;
export const MEDIAN_SPONTANEOUS = 0.82;
export const SINGLE_MAX_RESP = 243.1;
/** Spikes/s above spontaneous a cell must reach to be kept (Ringach 2002; Brain-Score). */
export const RESPONSE_THRESHOLD = 5;

function median(v: readonly number[]): number {
  const s = [...v].sort((a, b) => a - b), n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

/**
 * Slope and offset of the affine map from the units' blank responses and peak phase-mean
 * responses (both clipped at 0 first, as Brain-Score does). Responsive units: peak − blank above
 * 5/243.1 of the largest peak − blank.
 */
export function firingRatesAffine(blank: readonly number[], peak: readonly number[]): { slope: number; offset: number } {
  if (blank.length !== peak.length || blank.length === 0) throw new ArgumentError(`firingRatesAffine: ${blank.length} blank and ${peak.length} peak responses`);
  const b = blank.map((v) => Math.max(0, v)), p = peak.map((v) => Math.max(0, v));
  const d = p.map((v, i) => v - b[i]!);
  const top = Math.max(...d);
  const keep = d.map((v) => v > (RESPONSE_THRESHOLD / SINGLE_MAX_RESP) * top);
  const mb = median(b.filter((_, i) => keep[i])), mp = median(p.filter((_, i) => keep[i]));
  if (!(mp > mb)) throw new ArgumentError(`firingRatesAffine: no unit responds above its blank response (median peak ${mp}, median blank ${mb})`);
  const slope = (MEDIAN_MAX_RESP - MEDIAN_SPONTANEOUS) / (mp - mb);
  return { slope, offset: MEDIAN_SPONTANEOUS - slope * mb };
}

/** Activation → spikes/s: clip at 0, map, clip at 0 again. */
export function toRate(v: number, a: { slope: number; offset: number }): number {
  return Math.max(0, a.slope * Math.max(0, v) + a.offset);
}
