// The spike data sets of the decoding evaluation, from MATLAB files (bytes in):
//   chewie_demo.mat (KordingLab/DAD; monkey M1, centre-out): binned counts Y (bins, 71 units),
//     hand velocity X (bins, 2), train and test sets;
//   Dataset1.mat (Hatsopoulos et al. 2004): firing rates R (143 neurons, 158 trials), reach
//     direction 1..8;
//   spikes-1.mat (Kramer & Eden ch. 9): one hippocampal place cell, spike times and the rat's
//     position on a linear track sampled every 1 ms.
// Matrices are row-major with samples as rows: { data: Float64Array, rows, cols }, the shape the
// spike decoders take.

import { FormatError } from '../errors.js';
import { matMatrix, readMat, type MatMatrix as Matrix, type MatValue } from '../io/mat/index.js';

function matrix(vars: Record<string, MatValue>, name: string, source: string, loader: string): Matrix {
  return matMatrix(vars, name, source, { label: `${loader}: variable '${name}'` });
}

export interface ChewieData {
  /** Spike counts (bins, units). */
  spikesTrain: Matrix;
  spikesTest: Matrix;
  /** Hand velocity (bins, 2): vx, vy. */
  velocityTrain: Matrix;
  velocityTest: Matrix;
  /** Target index per bin (bins,). */
  targetTrain: Float64Array;
  targetTest: Float64Array;
}

/** chewie_demo.mat: the Y* variables are the counts and X* the velocities (by their shapes). */
export function loadChewie(bytes: Uint8Array, source = 'chewie_demo.mat'): ChewieData {
  const v = readMat(bytes, source);
  const g = (n: string) => matrix(v, n, source, 'loadChewie');
  const d: ChewieData = {
    spikesTrain: g('Ytr'), spikesTest: g('Yte'),
    velocityTrain: g('Xtr'), velocityTest: g('Xte'),
    targetTrain: g('Ttr').data, targetTest: g('Tte').data,
  };
  if (d.spikesTrain.rows !== d.velocityTrain.rows || d.spikesTest.rows !== d.velocityTest.rows || d.spikesTrain.cols !== d.spikesTest.cols) {
    throw new FormatError(`${source}: counts and velocities do not line up (Ytr ${d.spikesTrain.rows}×${d.spikesTrain.cols}, Xtr ${d.velocityTrain.rows}, Yte ${d.spikesTest.rows}×${d.spikesTest.cols}, Xte ${d.velocityTest.rows})`);
  }
  return d;
}

export interface ReachData {
  /** Firing rates (trials, neurons) in Hz. */
  rates: Matrix;
  /** Reach direction per trial, 0..7 (0 = 0°, 1 = 45°, ...). */
  direction: Int32Array;
}

/** Dataset1.mat: R (neurons, trials) transposed to (trials, neurons); direction 1..8 → 0..7. */
export function loadReach(bytes: Uint8Array, source = 'Dataset1.mat'): ReachData {
  const v = readMat(bytes, source);
  const R = matrix(v, 'R', source, 'loadReach');
  const dir = matrix(v, 'direction', source, 'loadReach');
  const [nNeur, nTrials] = [R.rows, R.cols];
  if (dir.data.length !== nTrials) throw new FormatError(`${source}: ${dir.data.length} directions for ${nTrials} trials`);
  const rates = new Float64Array(nTrials * nNeur);
  for (let i = 0; i < nNeur; i++) for (let t = 0; t < nTrials; t++) rates[t * nNeur + i] = R.data[i * nTrials + t]!;
  const direction = Int32Array.from(dir.data, (d) => d - 1);
  if (direction.some((d) => d < 0 || d > 7)) throw new FormatError(`${source}: directions must be 1..8`);
  return { rates: { data: rates, rows: nTrials, cols: nNeur }, direction };
}

export interface PlaceCellData {
  /** Sample times (s), 1 ms apart, and the position (cm) at each. */
  t: Float64Array;
  position: Float64Array;
  /** Spike times (s). */
  spikeTimes: Float64Array;
}

/** spikes-1.mat (Kramer & Eden, chapter 9): t, X (position) and spiketimes, as columns. */
export function loadPlaceCell(bytes: Uint8Array, source = 'spikes-1.mat'): PlaceCellData {
  const v = readMat(bytes, source);
  const t = matrix(v, 't', source, 'loadPlaceCell').data;
  const position = matrix(v, 'X', source, 'loadPlaceCell').data;
  const spikeTimes = matrix(v, 'spiketimes', source, 'loadPlaceCell').data;
  if (t.length !== position.length) throw new FormatError(`${source}: ${t.length} times but ${position.length} positions`);
  return { t, position, spikeTimes };
}
