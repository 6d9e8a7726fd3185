// A fitted spike decoder (what `decode spikes --save` writes) as two files' contents, with the
// conventions of the EEG decoders (eeg_model_io.ts): config.json (format tag, decoder, units,
// outputs, history, bin width, where it was trained) and model.safetensors (float64 arrays).
//   wiener: 'coef' (D, F), 'intercept' (D); F = units × (binsBefore + 1), bin-major, oldest first
//   kalman: 'A', 'W' (D, D), 'H' (U, D), 'Q' (U, U), 'stateMean', 'offset' (D), 'neuralMean' (U),
//           'QiH' (U, D), 'M' (D, D) — the filter exactly as fitted (KalmanFilter.fitted)
// Decoding checks every field and shape, so a wrong or altered file is a FormatError naming it.

import { FormatError } from '../errors.js';
import { decodeSafetensors, encodeSafetensors, type RawTensor } from '../io/safetensors/safetensors.js';
import { KalmanFilter, WienerFilter } from './estimators/index.js';
import type { SpikeDecodeConfig, SpikeFittedModel } from './spike_pipeline.js';

export const SPIKE_DECODER_FORMAT = 'dendrite-spike-decoder';
export const SPIKE_DECODER_VERSION = 1;

export interface SavedSpikeConfig {
  format: typeof SPIKE_DECODER_FORMAT;
  version: number;
  decoder: 'wiener' | 'kalman';
  /** Units (input channels), in the order of the counts' columns. */
  nUnits: number;
  /** Output names (vx, vy, ...). */
  outputs: string[];
  /** Bins of history before the current one (wiener); kalman: 0. */
  binsBefore: number;
  /** Seconds per bin when known (the stream's rate must then be 1 / binWidth), else null. */
  binWidth: number | null;
  /** Where and how it was trained (for the record). */
  training: { file: string; spikes: string; target: string; params: Record<string, number | boolean> };
  weights: { file: string; bytes: number; sha256?: string };
}

/** A decoder rebuilt from its files. */
export type LoadedSpikeDecoder = { config: SavedSpikeConfig } & SpikeFittedModel;

const mat = (data: Float64Array, rows: number, cols: number): RawTensor => ({ dtype: 'F64', shape: [rows, cols], data });
const vec = (data: Float64Array): RawTensor => ({ dtype: 'F64', shape: [data.length], data });

/** Encodes a fitted decoder with the run's config; binsAfter must be 0 (a stream has no future bins). */
export function encodeSpikeDecoder(model: SpikeFittedModel, run: SpikeDecodeConfig, outputs: string[], binWidth: number | null, weightsFile = 'model.safetensors'): { config: SavedSpikeConfig; weights: Uint8Array } {
  if (run.binsAfter !== 0) throw new FormatError(`encodeSpikeDecoder: a decoder with --bins-after ${run.binsAfter} needs future bins and cannot run on a stream; save one with --bins-after 0`);
  const meta = { format: SPIKE_DECODER_FORMAT, decoder: model.decoder };
  let weights: Uint8Array;
  let nUnits: number;
  if (model.decoder === 'wiener') {
    const f = model.filter;
    if (!f.coef || !f.intercept) throw new FormatError('encodeSpikeDecoder: the Wiener filter is not fitted');
    nUnits = f.coef.cols / (run.binsBefore + 1);
    weights = encodeSafetensors({ coef: mat(f.coef.data, f.coef.rows, f.coef.cols), intercept: vec(f.intercept) }, meta);
  } else {
    const k = model.filter.fitted();
    nUnits = k.H.rows;
    const d = k.A.rows;
    weights = encodeSafetensors({
      A: mat(k.A.data, d, d), W: mat(k.W.data, d, d), H: mat(k.H.data, nUnits, d), Q: mat(k.Q.data, nUnits, nUnits),
      stateMean: vec(k.stateMean), offset: vec(k.offset), neuralMean: vec(k.neuralMean), QiH: mat(k.QiH, nUnits, d), M: mat(k.M, d, d),
      droppedUnits: { dtype: 'I32', shape: [k.droppedUnits.length], data: Int32Array.from(k.droppedUnits) },
    }, { ...meta, observationRank: String(k.observationRank), pseudoInverse: String(k.pseudoInverse) });
  }
  const config: SavedSpikeConfig = {
    format: SPIKE_DECODER_FORMAT, version: SPIKE_DECODER_VERSION, decoder: model.decoder, nUnits, outputs: [...outputs],
    binsBefore: model.decoder === 'kalman' ? 0 : run.binsBefore, binWidth,
    training: { file: run.file, spikes: run.spikes, target: run.target, params: { ...run.params } },
    weights: { file: weightsFile, bytes: weights.length },
  };
  return { config, weights };
}

/** Checks a parsed config field by field; `source` names the file in errors. */
export function checkSpikeConfig(j: unknown, source: string): SavedSpikeConfig {
  const bad = (field: string, want: string, got: unknown): never => {
    throw new FormatError(`${source}: field '${field}' must be ${want}, got ${JSON.stringify(got)?.slice(0, 80)}`);
  };
  if (j === null || typeof j !== 'object' || Array.isArray(j)) bad('(root)', 'an object', j);
  const c = j as Record<string, unknown>;
  if (c['format'] !== SPIKE_DECODER_FORMAT) bad('format', `'${SPIKE_DECODER_FORMAT}'`, c['format']);
  if (c['version'] !== SPIKE_DECODER_VERSION) bad('version', `${SPIKE_DECODER_VERSION}`, c['version']);
  if (c['decoder'] !== 'wiener' && c['decoder'] !== 'kalman') bad('decoder', "'wiener' or 'kalman'", c['decoder']);
  if (!Number.isSafeInteger(c['nUnits']) || (c['nUnits'] as number) < 1 || (c['nUnits'] as number) > 1e5) bad('nUnits', 'an integer in [1, 100000]', c['nUnits']);
  const o = c['outputs'];
  if (!Array.isArray(o) || o.length < 1 || o.length > 64 || o.some((x) => typeof x !== 'string')) bad('outputs', '1 to 64 names', o);
  if (!Number.isSafeInteger(c['binsBefore']) || (c['binsBefore'] as number) < 0 || (c['binsBefore'] as number) > 1000) bad('binsBefore', 'an integer in [0, 1000]', c['binsBefore']);
  if (c['decoder'] === 'kalman' && c['binsBefore'] !== 0) bad('binsBefore', '0 for a Kalman filter', c['binsBefore']);
  const bw = c['binWidth'];
  if (bw !== null && !(typeof bw === 'number' && Number.isFinite(bw) && bw > 0)) bad('binWidth', 'null or seconds > 0', bw);
  const w = c['weights'] as Record<string, unknown> | undefined;
  if (typeof w?.['file'] !== 'string' || !/^[\w.-]+$/.test(w['file']) || !Number.isSafeInteger(w['bytes'])) bad('weights', '{file, bytes} naming a file beside the config', w);
  const t = c['training'];
  if (t === null || typeof t !== 'object') bad('training', 'an object', t);
  return c as unknown as SavedSpikeConfig;
}

/** Rebuilds a decoder from its config (checked) and weights bytes. */
export function decodeSpikeDecoder(config: unknown, weights: Uint8Array, source = '<spike decoder>'): LoadedSpikeDecoder {
  const c = checkSpikeConfig(config, `${source} config`);
  const wsrc = `${source} ${c.weights.file}`;
  if (weights.length !== c.weights.bytes) throw new FormatError(`${wsrc}: ${weights.length} bytes, the config says ${c.weights.bytes}`);
  const { tensors, metadata } = decodeSafetensors(weights, wsrc);
  const U = c.nUnits;
  const D = c.outputs.length;
  const get = (k: string, shape: number[], dtype: 'F64' | 'I32' = 'F64'): Float64Array => {
    const t = tensors[k];
    if (!t) throw new FormatError(`${wsrc}: no tensor '${k}'`);
    if (t.dtype !== dtype) throw new FormatError(`${wsrc}: tensor '${k}' has dtype ${t.dtype}, expected ${dtype}`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => shape[i]! >= 0 && d !== shape[i])) throw new FormatError(`${wsrc}: tensor '${k}' has shape [${t.shape.join(', ')}], expected [${shape.map((d) => (d < 0 ? '*' : d)).join(', ')}]`);
    const out = Float64Array.from(t.data as ArrayLike<number>);
    if (dtype === 'F64' && out.some((v) => !Number.isFinite(v))) throw new FormatError(`${wsrc}: tensor '${k}' holds a non-finite value`);
    return out;
  };
  if (c.decoder === 'wiener') {
    const F = U * (c.binsBefore + 1);
    const f = new WienerFilter();
    f.coef = { data: get('coef', [D, F]), rows: D, cols: F };
    f.intercept = get('intercept', [D]);
    return { config: c, decoder: 'wiener', filter: f };
  }
  const m = (k: string, r: number, q: number) => ({ data: get(k, [r, q]), rows: r, cols: q });
  const rank = Number(metadata?.['observationRank']);
  const filter = KalmanFilter.fromFitted({
    A: m('A', D, D), W: m('W', D, D), H: m('H', U, D), Q: m('Q', U, U),
    stateMean: get('stateMean', [D]), offset: get('offset', [D]), neuralMean: get('neuralMean', [U]),
    QiH: get('QiH', [U, D]), M: get('M', [D, D]), droppedUnits: [...get('droppedUnits', [-1], 'I32')],
    observationRank: Number.isFinite(rank) ? rank : 0, pseudoInverse: metadata?.['pseudoInverse'] === 'true',
  });
  return { config: c, decoder: 'kalman', filter };
}
