// From a layer's recorded responses to Brain-Score's per-unit properties: map activations to
// spikes/s (one affine map per layer), compute each unit's properties, keep the units whose
// peak F0 exceeds their blank rate by 5 spikes/s (Ringach 2002's criterion).

import { ArgumentError } from '../../errors.js';
import type { GratingGrid } from './gratings.js';
import { firingRatesAffine, RESPONSE_THRESHOLD, toRate } from './rates.js';
import type { LayerResponses } from './sweep.js';
import { f0f1, unitProperties, type UnitProperties } from './tuning.js';

export interface UnitResult extends UnitProperties {
  unit: number;
  /** Spontaneous (blank) rate, spikes/s. */
  baseline: number;
  responsive: boolean;
}

export interface LayerAnalysis {
  name: string;
  units: UnitResult[];
  /** Affine map used; null when no unit responded above its blank (nothing kept). */
  affine: { slope: number; offset: number } | null;
}

function median(v: readonly number[]): number {
  if (v.length === 0) return NaN;
  const s = [...v].sort((a, b) => a - b), n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

export function analyseLayer(layer: LayerResponses, grid: GratingGrid): LayerAnalysis {
  const nSf = grid.sfCyclesPerImage.length, nOri = grid.orientations.length, nPh = grid.nPhases;
  const peaks = layer.responses.map((r) => Math.max(...f0f1(r.map((v) => Math.max(0, v)), nSf, nOri, nPh).f0));
  const blank = Array.from(layer.blank);
  let affine: { slope: number; offset: number } | null = null;
  try {
    affine = firingRatesAffine(blank, peaks);
  } catch (e) {
    if (e instanceof ArgumentError) return { name: layer.name, units: [], affine: null }; // no unit responds: nothing to keep
    throw e;
  }
  const a = affine;
  const units = layer.responses.map((r, unit) => {
    const rates = r.map((v) => toRate(v, a));
    const p = unitProperties(rates, grid.sfCyclesPerImage, grid.orientations, nPh);
    const baseline = toRate(layer.blank[unit]!, a);
    return { ...p, unit, baseline, responsive: p.maxDc > baseline + RESPONSE_THRESHOLD };
  });
  return { name: layer.name, units, affine };
}

export interface LayerSummary {
  name: string;
  units: number;
  kept: number;
  medianModulationRatio: number;
  fractionSimple: number;
  medianCircularVariance: number;
  medianBandwidth: number;
}

export function summariseLayer(a: LayerAnalysis): LayerSummary {
  const k = a.units.filter((u) => u.responsive);
  const mr = k.map((u) => u.modulationRatio);
  return {
    name: a.name, units: a.units.length, kept: k.length,
    medianModulationRatio: median(mr), fractionSimple: k.length ? mr.filter((v) => v > 1).length / k.length : NaN,
    medianCircularVariance: median(k.map((u) => u.circularVariance)),
    medianBandwidth: median(k.map((u) => u.bandwidth).filter(Number.isFinite)),
  };
}

/** Modulation ratios of a layer's kept units. */
export function keptModulationRatios(a: LayerAnalysis): number[] {
  return a.units.filter((u) => u.responsive).map((u) => u.modulationRatio);
}
