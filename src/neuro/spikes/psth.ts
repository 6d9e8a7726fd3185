// Peri-stimulus time histogram over trials, as elephant.statistics.time_histogram: the trials are
// binned with binSpikes (Elephant's BinnedSpikeTrain rules) and summed per bin.
// values: (B)  B=bins; bin k is [edges[k], edges[k+1])

import { ArgumentError } from '../../errors.js';
import { binarize, binSpikes } from './binning.js';
import { SpikeTrain, asTrainList } from './spike_train.js';

export interface PsthOptions {
  binSize: number;
  tStart?: number;
  tStop?: number;
  /** 'counts' (spikes per bin, summed over trials; default), 'mean' (per trial) or 'rate' (Hz per trial). */
  output?: 'counts' | 'mean' | 'rate';
  /** Count at most one spike per trial and bin (Elephant's binary). */
  binary?: boolean;
}

export interface Psth {
  /** (B) counts, mean counts or rate in Hz. */
  readonly values: Float64Array;
  /** (B + 1) bin edges in seconds. */
  readonly edges: Float64Array;
  readonly binSize: number;
  readonly nTrials: number;
  readonly output: 'counts' | 'mean' | 'rate';
}

/** elephant.statistics.time_histogram(trains, bin_size, t_start, t_stop, output, binary). */
export function psth(trials: SpikeTrain | readonly SpikeTrain[], opts: PsthOptions): Psth {
  const list = asTrainList(trials, 'psth');
  const output = opts.output ?? 'counts';
  if (output !== 'counts' && output !== 'mean' && output !== 'rate') throw new ArgumentError(`psth: output must be 'counts', 'mean' or 'rate', got ${String(output)}`);
  let b = binSpikes(list, opts);
  if (opts.binary) b = binarize(b);
  const values = new Float64Array(b.nBins);
  for (let u = 0; u < b.nUnits; u++) for (let k = 0; k < b.nBins; k++) values[k] = values[k]! + b.counts[u * b.nBins + k]!;
  const n = list.length;
  if (output === 'mean') for (let k = 0; k < values.length; k++) values[k] = values[k]! / n;
  else if (output === 'rate') for (let k = 0; k < values.length; k++) values[k] = values[k]! / (n * opts.binSize);
  return { values, edges: b.edges, binSize: opts.binSize, nTrials: n, output };
}

/** Elephant's name for psth. */
export const timeHistogram = psth;
