// A saved decoder as a ready streaming pipeline. `pipelineFromSaved` takes the files that
// `decode eeg --save` or `decode spikes --save` wrote (config.json and the weights), the
// incoming stream's channel labels and rate, and builds:
//   EEG (csp-lda, csp-slda, and the trialwise deep nets): the model's channels picked by name
//     from the stream, in its order → the training band-pass as a causal FIR (the same firwin
//     taps the offline zero-phase filter used, started on MNE's edge padding, so the stream sees
//     exactly that filtered signal, `delay` samples late) → deep nets: the µV scaling and the
//     exponential moving standardisation → sliding windows of the model's length every `hop`
//     samples → CSP+LDA or the net → { label, probabilities } at the timestamp of the window's
//     last sample. A window is `warmup` where the stream cannot equal the offline signal: before
//     the filter's first output, and for deep nets over the standardisation's init block.
//   spikes (wiener, kalman): each stream sample is one bin of counts → the last binsBefore + 1
//     bins (bin-major, oldest first, the offline history row) → Wiener filter or Kalman step →
//     the kinematics (velocity) of that bin.
// It takes chunks as replay() and an LSL inlet give them — data (n, C) row-major, timestamps (n)
// — so `for await (const c of replay(src)) dec.push(c)` works, and Pipeline's accounting gives
// per-stage latency, drops and late outputs. Mismatches are typed errors naming the values:
// a channel the model needs that the stream lacks (ShapeError), another sampling rate
// (ShapeError), a file that is not a saved decoder (FormatError).

import { ArgumentError, FormatError, ShapeError } from '../../errors.js';
import { decodeDecoder } from '../../decode/eeg_model_io.js';
import type { TrainedDecoder } from '../../decode/eeg_decoder.js';
import { decodeSpikeDecoder, SPIKE_DECODER_FORMAT, type LoadedSpikeDecoder } from '../../decode/spike_model_io.js';
import { createFilter } from '../../signal/create_filter.js';
import { CspLdaStage, EegNetStage, type WindowPrediction } from './eeg_stages.js';
import { chainFilters, OnlineEms } from './online_ems.js';
import { OnlineFirFilter } from './fir_filter.js';
import { OnlineSosFilter } from './online_filter.js';
import { butter } from '../../signal/butter.js';
import { Pipeline, type PipelineOutput, type PipelineStats, type QueuePolicy } from './pipeline.js';
import { SlidingWindower, type StreamWindow } from './sliding_windows.js';
import type { Stage } from './stage.js';
import { WienerStage } from './decoder_stages.js';

/** decode eeg's preprocess() standardises its first 1000 samples as one block. */
const EMS_INIT_BLOCK = 1000;

/** The files of a saved decoder: config.json (bytes, text or the parsed JSON) and the weights' bytes. */
export interface SavedModelFiles {
  config: unknown;
  weights: Uint8Array;
}

/** What the pipeline needs to know of the incoming stream. */
export interface StreamDescription {
  /** Channel labels in stream order (LSL desc/channels/channel/label). */
  channels: readonly string[];
  /** Nominal sampling rate in Hz (spikes: bins per second). */
  sfreq: number;
}

export interface SavedPipelineOptions {
  /**
   * EEG band-pass: 'fir' (default) applies the training filter's own firwin taps causally — the
   * decoder sees exactly the signal it was trained on, (L − 1) / 2 samples late (0.83 s for
   * 7–30 Hz at 160 Hz); 'iir' a 4th-order Butterworth band-pass over the same band, no added
   * delay but another phase and amplitude response than training's.
   */
  filter?: 'fir' | 'iir';
  /** EEG: window hop in seconds (default 0.1; rounded to whole samples). */
  hopS?: number;
  /** Queue capacity in seconds of stream (default 10). */
  queueS?: number;
  /** Full queue: 'drop-oldest' (default) or 'refuse' (BackpressureError). */
  policy?: QueuePolicy;
  /** Outputs later than this after their last sample arrived count as late (default Infinity). */
  budgetMs?: number;
  /** Clock in ms for the latency accounting (default performance.now). */
  now?: () => number;
}

export interface ClassPrediction {
  /** Predicted class name and index. */
  label: string;
  classIndex: number;
  /** Probability of each class, in the order of `classes`. */
  probabilities: Float64Array;
  /** Stream index of the window's first sample, and of the recording sample the window's filtered signal starts at (start − delay). */
  start: number;
  signalStart: number;
  /** The window covers samples whose preprocessing differs from offline (see the file comment). */
  warmup: boolean;
}

export interface KinematicsPrediction {
  /** The decoded values (D), named by `outputs`. */
  values: Float64Array;
  /** Stream index of the bin. */
  bin: number;
}

interface Common<O> {
  /** The model's input channels (EEG: names picked from the stream; spikes: the stream's units). */
  readonly channels: readonly string[];
  /** Samples an output lags the newest sample it uses (the FIR's group delay; 0 for spikes). */
  readonly delay: number;
  readonly pipeline: Pipeline<O>;
  /** Queues a chunk (n, stream channels) row-major and returns the outputs it completes. */
  push(chunk: { data: ArrayLike<number>; timestamps: ArrayLike<number> }): PipelineOutput<O>[];
  stats(): PipelineStats;
}

export interface EegStreamDecoder extends Common<ClassPrediction> {
  readonly kind: 'eeg';
  readonly classes: readonly string[];
  /** Window length and hop in samples. */
  readonly window: number;
  readonly hop: number;
}

export interface SpikeStreamDecoder extends Common<KinematicsPrediction> {
  readonly kind: 'spikes';
  readonly outputs: readonly string[];
}

export type StreamDecoder = EegStreamDecoder | SpikeStreamDecoder;

function parseConfig(c: SavedModelFiles['config'], source: string): unknown {
  if (typeof c !== 'string' && !(c instanceof Uint8Array)) return c;
  let text: string;
  try {
    text = typeof c === 'string' ? c : new TextDecoder('utf-8', { fatal: true }).decode(c);
  } catch (e) {
    throw new FormatError(`${source}: config is not UTF-8 text (${(e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new FormatError(`${source}: config is not valid JSON (${(e as Error).message})`);
  }
}

function checkStream(stream: StreamDescription, op: string): void {
  if (!(Number.isFinite(stream.sfreq) && stream.sfreq > 0)) throw new ArgumentError(`${op}: the stream's sampling rate must be > 0 Hz, got ${stream.sfreq}`);
  if (stream.channels.length < 1) throw new ArgumentError(`${op}: the stream has no channels`);
}

/** Same rate up to rounding in a header (1e-9 relative). */
function sameRate(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(a, b);
}

/** Builds the streaming pipeline of a saved decoder (EEG or spikes, told apart by the config's format). */
export function pipelineFromSaved(files: SavedModelFiles, source: string, stream: StreamDescription, opts: SavedPipelineOptions = {}): StreamDecoder {
  const config = parseConfig(files.config, source);
  const format = (config as { format?: unknown } | null)?.format;
  if (format === SPIKE_DECODER_FORMAT) return spikePipeline(decodeSpikeDecoder(config, files.weights, source), source, stream, opts);
  if (format === 'dendrite-eeg-decoder') return eegPipeline(decodeDecoder(config, files.weights, source), source, stream, opts);
  throw new FormatError(`${source}: not a saved dendrite decoder (config format ${JSON.stringify(format)}; expected 'dendrite-eeg-decoder' or '${SPIKE_DECODER_FORMAT}')`);
}

function queueOf(stream: StreamDescription, opts: SavedPipelineOptions, minimum: number, op: string): number {
  const q = opts.queueS ?? 10;
  if (!(Number.isFinite(q) && q > 0)) throw new ArgumentError(`${op}: queueS must be > 0 seconds, got ${q}`);
  return Math.max(minimum, Math.ceil(q * stream.sfreq));
}

/** A loaded EEG decoder as a streaming pipeline (see the file comment). */
export function eegPipeline(dec: TrainedDecoder, source: string, stream: StreamDescription, opts: SavedPipelineOptions = {}): EegStreamDecoder {
  const op = `stream decode ${source}`;
  checkStream(stream, op);
  const c = dec.config;
  if (!(dec.csp && dec.lda) && !dec.net) throw new ArgumentError(`${op}: decoder '${c.model}' holds no model`);
  if (c.cropped) throw new ArgumentError(`${op}: '${c.label}' was trained cropped (its trial prediction averages dense crops); streaming decodes one window at a time: save a trialwise model`);
  if (!sameRate(stream.sfreq, c.sfreq)) throw new ShapeError(`${op}: the stream is sampled at ${stream.sfreq} Hz, the decoder at ${c.sfreq} Hz`);
  const at = new Map(stream.channels.map((n, i) => [n, i]));
  const missing = c.chNames.filter((n) => !at.has(n));
  if (missing.length) throw new ShapeError(`${op}: the stream has no channel ${missing.map((n) => `'${n}'`).join(', ')} of the ${c.chNames.length} the decoder uses; its channels are ${stream.channels.join(', ')}`);
  const pick = Int32Array.from(c.chNames, (n) => at.get(n)!);
  const hopS = opts.hopS ?? 0.1;
  const hop = Math.round(hopS * c.sfreq);
  if (!(Number.isFinite(hopS) && hop >= 1)) throw new ArgumentError(`${op}: hopS must be at least one sample (${1 / c.sfreq} s), got ${hopS}`);
  const C = c.chNames.length;
  const W = c.nTimes;
  const kind = opts.filter ?? 'fir';
  if (kind !== 'fir' && kind !== 'iir') throw new ArgumentError(`${op}: filter must be 'fir' or 'iir', got ${String(kind)}`);
  const [lo, hi] = c.preprocess.band;
  const band = kind === 'fir'
    ? new OnlineFirFilter(createFilter(null, c.sfreq, lo, hi), C, { start: 'reflect' })
    : new OnlineSosFilter(butter(4, [lo, hi], 'bandpass', { fs: c.sfreq, output: 'sos' }), C);
  const delay = band instanceof OnlineFirFilter ? band.delay : 0;
  const { scale, emsFactor } = c.preprocess;
  // deep nets: µV, then the moving standardisation (decode eeg's preprocess(): init block 1000)
  const filter = dec.net && (emsFactor !== null || scale !== 1)
    ? chainFilters(band, emsFactor === null ? { nChannels: C, process: (x) => Float64Array.from(x, (v) => v * scale) } : new OnlineEms(C, { scale, factorNew: emsFactor, skip: delay }))
    : band;
  const warmupEnd = dec.net && emsFactor !== null ? EMS_INIT_BLOCK : 0;
  const stage: Stage<StreamWindow, WindowPrediction> = dec.csp && dec.lda ? new CspLdaStage(dec.csp, dec.lda, C, W, { nClasses: c.nOutputs, name: c.model }) : new EegNetStage(dec.net!, C, W, { name: c.model });
  const decoder: Stage<StreamWindow, ClassPrediction> = {
    name: c.model,
    process(w) {
      const p = stage.process(w);
      const signalStart = p.start - delay;
      return { label: c.classNames[p.pred]!, classIndex: p.pred, probabilities: p.proba, start: p.start, signalStart, warmup: signalStart < warmupEnd };
    },
  };
  const pipeline = new Pipeline<ClassPrediction>({
    nChannels: C, queueCapacity: queueOf(stream, opts, 2 * W, op), policy: opts.policy ?? 'drop-oldest', filter,
    scheduler: { kind: 'windows', windower: new SlidingWindower(C, W, hop) }, decoder,
    ...(opts.budgetMs !== undefined ? { budgetMs: opts.budgetMs } : {}), ...(opts.now ? { now: opts.now } : {}),
  });
  const Cs = stream.channels.length;
  const inScale = dec.csp ? scale : 1; // the deep nets' scaling comes before their standardisation, in `filter`
  return {
    kind: 'eeg', channels: c.chNames, classes: c.classNames, window: W, hop, delay, pipeline,
    push(chunk) {
      const n = chunk.timestamps.length;
      if (chunk.data.length !== n * Cs) throw new ShapeError(`${op}: ${n} timestamps need ${n * Cs} values for the stream's ${Cs} channels, got ${chunk.data.length}`);
      const x = new Float64Array(n * C);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < C; j++) {
          const v = chunk.data[i * Cs + pick[j]!]!;
          // one NaN would poison the filter's history and every window over it
          if (!Number.isFinite(v)) throw new ArgumentError(`${op}: channel '${c.chNames[j]}' holds ${v} at t = ${chunk.timestamps[i]}; samples must be finite`);
          x[i * C + j] = v * inScale;
        }
      }
      pipeline.push(x, chunk.timestamps);
      return pipeline.step();
    },
    stats: () => pipeline.stats(),
  };
}

/** A loaded spike decoder as a streaming pipeline: each stream sample is one bin of counts. */
export function spikePipeline(dec: LoadedSpikeDecoder, source: string, stream: StreamDescription, opts: SavedPipelineOptions = {}): SpikeStreamDecoder {
  const op = `stream decode ${source}`;
  checkStream(stream, op);
  const c = dec.config;
  const U = c.nUnits;
  if (stream.channels.length !== U) throw new ShapeError(`${op}: the decoder reads ${U} units, the stream has ${stream.channels.length} channels`);
  if (c.binWidth !== null && !sameRate(stream.sfreq, 1 / c.binWidth)) throw new ShapeError(`${op}: the stream is sampled at ${stream.sfreq} Hz, the decoder's ${c.binWidth} s bins need ${1 / c.binWidth} Hz`);
  const H = c.binsBefore + 1;
  let decoder: Stage<StreamWindow, KinematicsPrediction>;
  if (dec.decoder === 'wiener') {
    const wiener = new WienerStage(dec.filter);
    if (wiener.nFeatures !== U * H) throw new FormatError(`${source}: the Wiener filter has ${wiener.nFeatures} features, ${U} units × ${H} bins need ${U * H}`);
    const row = new Float64Array(U * H);
    decoder = {
      name: 'wiener',
      process(w) {
        // (U, H) channel-major window → the offline history row: bin-major, oldest first
        for (let k = 0; k < H; k++) for (let u = 0; u < U; u++) row[k * U + u] = w.data[u * H + k]!;
        return { values: wiener.process(row), bin: w.start + H - 1 };
      },
    };
  } else {
    const kf = dec.filter;
    kf.reset();
    let started = false;
    decoder = {
      name: 'kalman',
      process(w) {
        // as the offline predict: the first bin is the start (the training mean), later bins update it
        const values = started ? kf.step(w.data) : kf.state;
        started = true;
        return { values, bin: w.start };
      },
    };
  }
  const pipeline = new Pipeline<KinematicsPrediction>({
    nChannels: U, queueCapacity: queueOf(stream, opts, 2 * H, op), policy: opts.policy ?? 'drop-oldest',
    scheduler: { kind: 'windows', windower: new SlidingWindower(U, H, 1) }, decoder,
    ...(opts.budgetMs !== undefined ? { budgetMs: opts.budgetMs } : {}), ...(opts.now ? { now: opts.now } : {}),
  });
  return {
    kind: 'spikes', channels: stream.channels, outputs: c.outputs, delay: 0, pipeline,
    push(chunk) {
      const d = chunk.data;
      for (let i = 0; i < d.length; i++) {
        if (!(Number.isFinite(d[i]!) && d[i]! >= 0)) throw new ArgumentError(`${op}: unit ${i % U} holds ${d[i]} at t = ${chunk.timestamps[Math.floor(i / U)]}; spike counts must be finite and >= 0`);
      }
      pipeline.push(d, chunk.timestamps);
      return pipeline.step();
    },
    stats: () => pipeline.stats(),
  };
}
