// A trained EEG decoder as two files' contents: a config object (JSON: model, channels,
// sampling rate, band, window, event mapping, preprocessing, training) and safetensors weights.
// CSP + LDA store their fitted arrays as float64 tensors ('csp.filters', 'lda.coef', ...);
// deep models store their state dict under PyTorch's keys. Decoding checks every field and
// rebuilds the same decoder, so it predicts exactly what the saved one did.

import { FormatError } from '../errors.js';
import { decodeSafetensors, encodeSafetensors, type RawTensor } from '../io/safetensors/safetensors.js';
import { deserializeStateDict, serializeStateDict } from '../io/state_dict.js';
import { CSP } from './estimators/csp.js';
import { LDA } from './estimators/lda.js';
import { eegModels } from '../models/registry.js';
import { buildNet, cspModels, type DecoderConfig, type TrainedDecoder } from './eeg_decoder.js';

export const DECODER_FORMAT = 'dendrite-eeg-decoder';
export const DECODER_VERSION = 1;

/** The config as saved: the decoder's config plus the format tag and the weights file it goes with. */
export interface SavedDecoderConfig extends DecoderConfig {
  format: typeof DECODER_FORMAT;
  version: number;
  weights: { file: string; bytes: number; sha256?: string };
}

const f64 = (rows: readonly (readonly number[])[]): RawTensor => ({ dtype: 'F64', shape: [rows.length, rows[0]?.length ?? 0], data: Float64Array.from(rows.flat()) });
const vec = (v: readonly number[]): RawTensor => ({ dtype: 'F64', shape: [v.length], data: Float64Array.from(v) });

/** Encodes a decoder: its config and the safetensors bytes of its weights. */
export function encodeDecoder(dec: TrainedDecoder, weightsFile = 'model.safetensors'): { config: SavedDecoderConfig; weights: Uint8Array } {
  const meta = { format: DECODER_FORMAT, model: dec.config.model };
  let weights: Uint8Array;
  if (dec.csp && dec.lda) {
    const { csp, lda } = dec;
    if (!csp.filters || !csp.patterns || !csp.mean || !csp.std) throw new FormatError('encodeDecoder: the CSP is not fitted');
    weights = encodeSafetensors({
      'csp.filters': f64(csp.filters), 'csp.patterns': f64(csp.patterns), 'csp.mean': vec(csp.mean), 'csp.std': vec(csp.std),
      'csp.classes': { dtype: 'I32', shape: [csp.classes.length], data: Int32Array.from(csp.classes) },
      'lda.coef': f64(lda.coef), 'lda.intercept': vec(lda.intercept), 'lda.means': f64(lda.means), 'lda.priors': vec(lda.priors),
      'lda.classes': { dtype: 'I32', shape: [lda.classes.length], data: Int32Array.from(lda.classes) },
    }, meta);
  } else if (dec.net) {
    weights = serializeStateDict(dec.net.stateDict(), meta);
  } else throw new FormatError(`encodeDecoder: decoder '${dec.config.model}' holds no model`);
  return { config: { format: DECODER_FORMAT, version: DECODER_VERSION, ...structuredClone(dec.config), weights: { file: weightsFile, bytes: weights.length } }, weights };
}

/** Checks a parsed config JSON field by field; `source` names the file in errors. */
export function checkDecoderConfig(j: unknown, source: string): SavedDecoderConfig {
  const bad = (field: string, want: string, got: unknown): never => {
    throw new FormatError(`${source}: field '${field}' must be ${want}, got ${JSON.stringify(got)?.slice(0, 80)}`);
  };
  if (j === null || typeof j !== 'object' || Array.isArray(j)) bad('(root)', 'an object', j);
  const c = j as Record<string, unknown>;
  if (c['format'] !== DECODER_FORMAT) bad('format', `'${DECODER_FORMAT}'`, c['format']);
  if (c['version'] !== DECODER_VERSION) bad('version', `${DECODER_VERSION} (this dendrite reads version ${DECODER_VERSION})`, c['version']);
  const model = c['model'];
  if (typeof model !== 'string' || !(cspModels.has(model) || eegModels.has(model))) bad('model', `one of ${[...cspModels.keys(), ...eegModels.keys()].join(', ')}`, model);
  const posInt = (k: string) => { const v = c[k]; if (!Number.isSafeInteger(v) || (v as number) < 1) bad(k, 'a positive integer', v); };
  for (const k of ['nChans', 'nTimes', 'nOutputs']) posInt(k);
  if (typeof c['sfreq'] !== 'number' || !(c['sfreq'] > 0) || !Number.isFinite(c['sfreq'])) bad('sfreq', 'a positive number', c['sfreq']);
  const strings = (k: string, n: number) => { const v = c[k]; if (!Array.isArray(v) || v.length !== n || v.some((x) => typeof x !== 'string')) bad(k, `${n} strings`, v); };
  strings('chNames', c['nChans'] as number);
  strings('classNames', c['nOutputs'] as number);
  if (new Set(c['chNames'] as string[]).size !== (c['nChans'] as number)) bad('chNames', 'distinct names', c['chNames']);
  const m = c['mapping'];
  if (m === null || typeof m !== 'object' || Array.isArray(m) || Object.values(m).some((v) => !Number.isInteger(v) || v < 0 || v >= (c['nOutputs'] as number))) bad('mapping', 'an object of event → class index', m);
  const pp = c['preprocess'] as Record<string, unknown> | undefined;
  const band = pp?.['band'];
  if (!Array.isArray(band) || band.length !== 2 || !band.every((x) => typeof x === 'number' && Number.isFinite(x)) || !(band[0] < band[1])) bad('preprocess.band', '[lo, hi] in Hz', band);
  if (typeof pp?.['scale'] !== 'number' || !Number.isFinite(pp['scale'])) bad('preprocess.scale', 'a number', pp?.['scale']);
  if (pp?.['emsFactor'] !== null && typeof pp?.['emsFactor'] !== 'number') bad('preprocess.emsFactor', 'a number or null', pp?.['emsFactor']);
  const w = c['window'] as Record<string, unknown> | undefined;
  if (typeof w?.['tmin'] !== 'number' || typeof w?.['tmax'] !== 'number' || !(w['tmin'] < w['tmax'])) bad('window', '{tmin, tmax} with tmin < tmax', w);
  const crop = w!['crop'] as Record<string, unknown> | null;
  if (crop !== null && (typeof crop !== 'object' || !Number.isSafeInteger(crop['size']) || !Number.isSafeInteger(crop['stride']))) bad('window.crop', 'null or {size, stride}', crop);
  // the net is built from these sizes before any weight is read: they must agree and stay bounded
  const nTimes = c['nTimes'] as number;
  if (nTimes !== Math.round(((w!['tmax'] as number) - (w!['tmin'] as number)) * (c['sfreq'] as number))) bad('nTimes', `the window's ${(w!['tmax'] as number) - (w!['tmin'] as number)} s at ${c['sfreq'] as number} Hz`, nTimes);
  if (nTimes * (c['nChans'] as number) > 2 ** 28) bad('nTimes', `at most ${Math.floor(2 ** 28 / (c['nChans'] as number))} samples for ${c['nChans'] as number} channels (a 1 GiB window)`, nTimes);
  if (crop !== null && (crop['size'] !== nTimes || !((crop['stride'] as number) >= 1))) bad('window.crop', `{size: ${nTimes}, stride ≥ 1}`, crop);
  if (typeof c['cropped'] !== 'boolean') bad('cropped', 'true or false', c['cropped']);
  if (c['finalConvLength'] !== null && !Number.isSafeInteger(c['finalConvLength'])) bad('finalConvLength', 'an integer or null', c['finalConvLength']);
  const weights = c['weights'] as Record<string, unknown> | undefined;
  if (typeof weights?.['file'] !== 'string' || !/^[\w.-]+$/.test(weights['file']) || !Number.isSafeInteger(weights['bytes'])) bad('weights', '{file, bytes} naming a file beside the config', weights);
  if (cspModels.has(model as string)) {
    const csp = c['csp'] as Record<string, unknown> | null;
    if (!csp || !Number.isSafeInteger(csp['nComponents']) || typeof csp['log'] !== 'boolean') bad('csp', '{nComponents, log}', csp);
    const lda = c['lda'] as Record<string, unknown> | null;
    if (!lda || (lda['solver'] !== 'svd' && lda['solver'] !== 'lsqr') || (lda['shrinkage'] !== null && lda['shrinkage'] !== 'auto')) bad('lda', "{solver: 'svd' | 'lsqr', shrinkage: null | 'auto'}", lda);
  }
  if (typeof c['label'] !== 'string') bad('label', 'a string', c['label']);
  if (typeof c['recipe'] !== 'string') bad('recipe', 'a string', c['recipe']);
  return c as unknown as SavedDecoderConfig;
}

/** Rebuilds a decoder from its config (checked) and the safetensors bytes of its weights. */
export function decodeDecoder(config: unknown, weights: Uint8Array, source = '<decoder>'): TrainedDecoder {
  const c = checkDecoderConfig(config, `${source} config`);
  const wsrc = `${source} ${c.weights.file}`;
  if (weights.length !== c.weights.bytes) throw new FormatError(`${wsrc}: ${weights.length} bytes, the config says ${c.weights.bytes}`);
  const { format: _f, version: _v, weights: _w, ...cfg } = c;
  const config_: DecoderConfig = cfg;
  if (cspModels.has(c.model)) {
    const { tensors } = decodeSafetensors(weights, wsrc);
    const get = (k: string, shape: number[]): number[] => {
      const t = tensors[k];
      if (!t) throw new FormatError(`${wsrc}: no tensor '${k}'`);
      if (t.shape.length !== shape.length || t.shape.some((d, i) => shape[i]! >= 0 && d !== shape[i])) throw new FormatError(`${wsrc}: tensor '${k}' has shape [${t.shape.join(', ')}], expected [${shape.map((d) => (d < 0 ? '*' : d)).join(', ')}]`);
      if (t.dtype !== (k.endsWith('classes') ? 'I32' : 'F64')) throw new FormatError(`${wsrc}: tensor '${k}' has dtype ${t.dtype}`);
      return Array.from(t.data as Float64Array | Int32Array);
    };
    const rows = (v: number[], n: number) => Array.from({ length: v.length / n }, (_, i) => v.slice(i * n, i * n + n));
    const C = c.nChans;
    const n = c.csp!.nComponents;
    const csp = new CSP({ nComponents: n, log: c.csp!.log });
    csp.filters = rows(get('csp.filters', [C, C]), C);
    csp.patterns = rows(get('csp.patterns', [C, C]), C);
    csp.mean = get('csp.mean', [n]);
    csp.std = get('csp.std', [n]);
    csp.classes = get('csp.classes', [-1]);
    const lda = new LDA({ solver: c.lda!.solver, shrinkage: c.lda!.shrinkage });
    lda.classes = get('lda.classes', [-1]);
    const K = lda.classes.length;
    if (K < 2 || lda.classes.some((k) => !(k >= 0 && k < c.nOutputs))) throw new FormatError(`${wsrc}: lda.classes [${lda.classes.join(', ')}] must be ≥ 2 class indices below ${c.nOutputs}`);
    lda.coef = rows(get('lda.coef', [K === 2 ? 1 : K, n]), n);
    lda.intercept = get('lda.intercept', [K === 2 ? 1 : K]);
    lda.means = rows(get('lda.means', [K, n]), n);
    lda.priors = get('lda.priors', [K]);
    return { config: config_, csp, lda };
  }
  const net = buildNet(config_);
  const { stateDict } = deserializeStateDict(weights, wsrc);
  net.loadStateDict(stateDict);
  for (const t of Object.values(stateDict)) t.dispose();
  net.eval();
  return { config: config_, net };
}
