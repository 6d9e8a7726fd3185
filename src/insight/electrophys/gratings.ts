// Full-contrast sinusoidal gratings as in Brain-Score's V1 benchmarks (Marques et al. 2021):
// every spatial frequency × orientation × phase, phase fastest, so one unit's responses reshape
// to (nSF, nOri, nPhase) and the phases sample one temporal cycle of a drifting grating.

import { ArgumentError } from '../../errors.js';

export interface GratingGrid {
  /** Image side in pixels (square images). */
  size: number;
  /** Spatial frequencies in cycles per image. */
  sfCyclesPerImage: readonly number[];
  /** Orientations in degrees, in [0, 180). */
  orientations: readonly number[];
  /** Number of phases, evenly spaced over 360°. */
  nPhases: number;
  /** Visual angle the image spans, in degrees, to state SFs in cycles per degree. */
  degrees: number;
}

/** 12 orientations (0°, 15°, … 165°) × 8 phases, Brain-Score's orientation grid. */
export function defaultGratingGrid(size: number, sfCyclesPerImage: readonly number[], degrees = 4): GratingGrid {
  return { size, sfCyclesPerImage, orientations: Array.from({ length: 12 }, (_, i) => i * 15), nPhases: 8, degrees };
}

export function checkGrid(op: string, g: GratingGrid): void {
  if (!Number.isInteger(g.size) || g.size < 2 || g.size > 4096) throw new ArgumentError(`${op}: image size ${g.size} must be an integer in 2 … 4096`);
  if (!Number.isInteger(g.nPhases) || g.nPhases < 3) throw new ArgumentError(`${op}: nPhases ${g.nPhases} must be an integer ≥ 3 (F1 needs one cycle sampled)`);
  if (g.orientations.length < 2) throw new ArgumentError(`${op}: ${g.orientations.length} orientations; need at least 2`);
  if (g.sfCyclesPerImage.length < 1) throw new ArgumentError(`${op}: no spatial frequencies`);
  for (const sf of g.sfCyclesPerImage) {
    if (!(sf > 0) || sf > g.size / 2) throw new ArgumentError(`${op}: spatial frequency ${sf} cycles/image must be in (0, ${g.size / 2}] (Nyquist)`);
  }
  for (const o of g.orientations) if (!Number.isFinite(o)) throw new ArgumentError(`${op}: orientation ${o} is not finite`);
  if (!(g.degrees > 0)) throw new ArgumentError(`${op}: visual angle ${g.degrees}° must be positive`);
}

/** Spatial frequencies in cycles per degree of visual angle. */
export function cyclesPerDegree(g: GratingGrid): number[] {
  return g.sfCyclesPerImage.map((sf) => sf / g.degrees);
}

export function gratingCount(g: GratingGrid): number {
  return g.sfCyclesPerImage.length * g.orientations.length * g.nPhases;
}

/**
 * One grating, luminance in [0, 1] around mean grey 0.5 (full contrast), written into `out`
 * (size², row-major). Orientation θ is the direction of the grating's wave vector, measured
 * anticlockwise from the image x axis; the centre pixel sits at phase φ.
 */
export function grating(out: Float32Array | Float64Array, size: number, sfCyclesPerImage: number, orientationDeg: number, phaseDeg: number): void {
  const k = (2 * Math.PI * sfCyclesPerImage) / size;
  const th = (orientationDeg * Math.PI) / 180;
  const ph = (phaseDeg * Math.PI) / 180;
  const c = Math.cos(th), s = Math.sin(th), mid = (size - 1) / 2;
  for (let y = 0; y < size; y++) {
    const yy = mid - y; // image rows grow downwards; the y axis points up
    for (let x = 0; x < size; x++) out[y * size + x] = 0.5 + 0.5 * Math.cos(k * ((x - mid) * c + yy * s) + ph);
  }
}

/** All gratings of the grid, (nSF·nOri·nPhase, size, size), phase fastest. */
export function gratingStack(g: GratingGrid): Float32Array {
  checkGrid('gratingStack', g);
  const n = g.size * g.size;
  const out = new Float32Array(gratingCount(g) * n);
  let i = 0;
  for (const sf of g.sfCyclesPerImage) {
    for (const o of g.orientations) {
      for (let p = 0; p < g.nPhases; p++) grating(out.subarray(i * n, (i + 1) * n), g.size, sf, o, (360 * p) / g.nPhases), i++;
    }
  }
  return out;
}
