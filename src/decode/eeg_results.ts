// What `decode eeg` does around training and scoring: a saved decoder applied under other event
// names (another data set's annotations for the same classes), and the contents of results.json
// (every setting, the metrics, and per-trial predictions with class probabilities).

import { ArgumentError } from '../errors.js';
import type { TrainedDecoder } from './eeg_decoder.js';
import type { FoldResult } from './eeg_eval.js';

/**
 * The decoder with its event mapping replaced: `mapping` sends event descriptions to indices of
 * `classNames`, each of which must be one of the decoder's classes (`from` names the decoder in
 * the message).
 */
export function renameDecoderEvents(decoder: TrainedDecoder, mapping: Record<string, number>, classNames: readonly string[], from: string): TrainedDecoder {
  const c = decoder.config;
  const unknown = classNames.filter((n) => !c.classNames.includes(n));
  if (unknown.length) throw new ArgumentError(`decode eeg: --events names class${unknown.length > 1 ? 'es' : ''} ${unknown.map((n) => `'${n}'`).join(', ')} that the model in ${from} does not have (its classes: ${c.classNames.join(', ')})`);
  return { ...decoder, config: { ...c, mapping: Object.fromEntries(Object.entries(mapping).map(([d, k]) => [d, c.classNames.indexOf(classNames[k]!)])) } };
}

export interface EegRunFiles {
  /** How the recordings were chosen ('train A; test B', or a BIDS folder and its test run). */
  source: string;
  train: string[];
  test: string[];
  /** Absolute folders the decoder was loaded from or saved to. */
  loadedFrom?: string;
  savedTo?: string;
}

/** results.json of a `decode eeg` run. */
export function eegResultsJson(result: FoldResult, files: EegRunFiles): Record<string, unknown> {
  const c = result.config;
  const { trials, config: _config, history, ...metrics } = result;
  return {
    source: files.source, model: c.model, label: c.label, classNames: c.classNames, mapping: c.mapping,
    files: { train: files.train, test: files.test },
    ...(files.loadedFrom !== undefined ? { loadedFrom: files.loadedFrom } : {}), ...(files.savedTo !== undefined ? { savedTo: files.savedTo } : {}),
    settings: c,
    result: metrics,
    trials: trials.map((t) => ({
      file: files.test[t.file], onset: t.onset, target: c.classNames[t.target], pred: c.classNames[t.pred], correct: t.pred === t.target,
      proba: Object.fromEntries(c.classNames.map((n, k) => [n, t.proba[k]])),
    })),
    history: history ?? [],
  };
}
