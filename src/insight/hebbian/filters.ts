// Receptive fields learnt from natural images: Hebbian learning on ZCA-whitened 12×12 patches,
// mapped back to pixel space and scaled to unit norm — the filters of the natural-image network
// in the V1 experiment and the RSA comparison.

import { samplePatches, whiten, zcaWhitening, type GrayImage } from './patches.js';
import { hebbianLearn, receptiveFields } from './learn.js';

export interface HebbianSummary { units: number; patchSize: number; patches: number; kurtosis: number[]; receptiveFields: Float64Array }

/** Learns Hebbian filters on whitened 12×12 patches; pixel-space receptive fields, unit norm. */
export function learnHebbianFilters(images: GrayImage[], units: number, patches: number, epochs: number, seed: number): HebbianSummary {
  const S = 12, d = S * S;
  const x = samplePatches(images, S, patches, seed + 1);
  const wh = zcaWhitening(x, d, { epsRel: 0.1, keep: 48 });
  const res = hebbianLearn(whiten(wh, x), d, { units, epochs, lr: 0.01, batch: 200, seed });
  const rf = receptiveFields(res.weights, units, wh);
  for (let u = 0; u < units; u++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += rf[u * d + j]! ** 2;
    s = Math.sqrt(s);
    for (let j = 0; j < d; j++) rf[u * d + j]! /= s;
  }
  return { units, patchSize: S, patches, kurtosis: res.kurtosis, receptiveFields: rf };
}

