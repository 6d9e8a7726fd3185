// Spatial maps of EEG decoders, to draw as topomaps: ShallowFBCSPNet's combined temporal-spatial
// filters and CSP patterns, and the 2-D electrode layout of a decoder's channels.

import { ArgumentError } from '../../errors.js';
import { eigh } from '../../linalg/dense.js';
import { ShallowFBCSPNet } from '../../models/shallow_fbcsp.js';
import type { CSP } from '../../decode/estimators/csp.js';
import type { TrainedDecoder } from '../../decode/eeg_decoder.js';
import { montagePositions, standardMontage, standardizeEegbciName, type MontageKind, type Vec3 } from '../../neuro/montage.js';
import { topomapCoords } from '../../report/topomap.js';

export interface SpatialMap {
  title: string;
  /** One value per channel, in the decoder's channel order. */
  values: number[];
}

/**
 * ShallowFBCSPNet's combined filters W[o] (K time taps × C channels, W[o, k, c] =
 * Σ_f time[f, k] · spat[o, f, c], the single conv the network applies) reduced to one spatial
 * map each: the channel side of W[o]'s best rank-1 approximation σ₁ u₁ v₁ᵀ, i.e. σ₁ v₁, signed so
 * its largest-magnitude entry is positive. Also returns σ₁ and the share of W[o]'s energy it holds.
 */
export function shallowSpatialMaps(net: ShallowFBCSPNet): { maps: number[][]; sigma: number[]; explained: number[] } {
  const time = net.conv_time_spat.conv_time.weight; // (F, 1, K, 1)
  const spat = net.conv_time_spat.conv_spat.weight; // (O, F, 1, C)
  const [F, , K] = time.shape as [number, number, number, number];
  const [O, , , C] = spat.shape as [number, number, number, number];
  const t = time.dataSync(), s = spat.dataSync();
  const maps: number[][] = [], sigma: number[] = [], explained: number[] = [];
  for (let o = 0; o < O; o++) {
    const W = new Float64Array(K * C); // W[k, c]
    for (let f = 0; f < F; f++) for (let k = 0; k < K; k++) {
      const a = t[f * K + k]!;
      for (let c = 0; c < C; c++) W[k * C + c]! += a * s[(o * F + f) * C + c]!;
    }
    const G = new Float64Array(C * C); // Wᵀ W
    let energy = 0;
    for (let k = 0; k < K; k++) for (let i = 0; i < C; i++) {
      const wi = W[k * C + i]!;
      energy += wi * wi;
      for (let j = 0; j < C; j++) G[i * C + j]! += wi * W[k * C + j]!;
    }
    const { values, vectors } = eigh({ data: G, rows: C, cols: C });
    const top = Math.max(0, values[C - 1]!);
    const v = Array.from({ length: C }, (_, i) => vectors.data[i * C + C - 1]!);
    let big = 0;
    for (const x of v) if (Math.abs(x) > Math.abs(big)) big = x;
    const sg = Math.sqrt(top);
    maps.push(v.map((x) => (big < 0 ? -x : x) * sg));
    sigma.push(sg);
    explained.push(energy > 0 ? top / energy : 0);
  }
  return { maps, sigma, explained };
}

/** CSP patterns (MNE's patterns_, rows) of the first `n` components (default: CSP's nComponents). */
export function cspPatternMaps(csp: CSP, n?: number): SpatialMap[] {
  if (!csp.patterns) throw new ArgumentError('cspPatternMaps: the CSP is not fitted (no patterns)');
  const k = n ?? csp.nComponents;
  if (!Number.isInteger(k) || k < 1 || k > csp.patterns.length) throw new ArgumentError(`cspPatternMaps: ${k} components, expected 1..${csp.patterns.length}`);
  return csp.patterns.slice(0, k).map((p, i) => ({ title: `CSP pattern ${i + 1}`, values: [...p] }));
}

/**
 * The spatial maps of a trained EEG decoder: CSP patterns for CSP+LDA, rank-1 spatial maps of
 * the combined filters for ShallowFBCSPNet (the `top` filters of largest σ₁, default 8).
 */
export function decoderSpatialMaps(dec: TrainedDecoder, opts: { top?: number } = {}): { kind: 'csp' | 'shallow'; maps: SpatialMap[] } {
  if (dec.csp) return { kind: 'csp', maps: cspPatternMaps(dec.csp) };
  if (dec.net instanceof ShallowFBCSPNet) {
    const { maps, sigma, explained } = shallowSpatialMaps(dec.net);
    const top = opts.top ?? 8;
    if (!Number.isInteger(top) || top < 1) throw new ArgumentError(`decoderSpatialMaps: top ${top}, expected a positive integer`);
    const order = sigma.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0]).slice(0, top).map(([, i]) => i);
    return { kind: 'shallow', maps: order.map((i) => ({ title: `filter ${i} (σ₁ ${sigma[i]!.toPrecision(3)}, ${(100 * explained[i]!).toFixed(0)} % rank-1)`, values: maps[i]! })) };
  }
  throw new ArgumentError(`decoderSpatialMaps: model '${dec.config.model}' has no spatial maps here (CSP+LDA and ShallowFBCSPNet do)`);
}

export interface ChannelLayout {
  /** Indices into the given channels of those with a position. */
  index: number[];
  names: string[];
  /** Head-frame positions (m) and their 2-D topomap coordinates (m). */
  positions: Vec3[];
  xy: [number, number][];
  /** Channels without a position in the montage. */
  missing: string[];
}

/** Topomap layout of channel names on a standard montage; EEGMMIDB labels ('Fc5.') are cleaned as MNE's eegbci.standardize. */
export function channelLayout(chNames: readonly string[], kind: MontageKind = 'standard_1005'): ChannelLayout {
  const clean = chNames.map(standardizeEegbciName);
  const pos = montagePositions(standardMontage(kind), clean, { onMissing: 'ignore' });
  const index = pos.flatMap((p, i) => (p ? [i] : []));
  if (index.length < 3) throw new ArgumentError(`channelLayout: only ${index.length} of ${chNames.length} channels have ${kind} positions (${chNames.slice(0, 5).join(', ')}...)`);
  const positions = index.map((i) => pos[i]!);
  return { index, names: index.map((i) => clean[i]!), positions, xy: topomapCoords(positions), missing: chNames.filter((_, i) => !pos[i]) };
}
