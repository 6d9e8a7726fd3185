// A recording as a stream source: channels × samples at a fixed rate, read sample-major in any
// span, so replay() can cut it into chunks. Two kinds:
//   EEG (EDF/EDF+/BDF/BDF+/GDF): the recording's channels (or a pick) in SI units at its rate;
//     the annotations ride along as markers.
//   spikes (chewie-style MATLAB .mat): one sample per time bin, the units' counts as channels,
//     at 1 / binWidth Hz; the kinematics (hand velocity) of the same bins as an aux stream.
// Browser-safe: bytes in.

import { ArgumentError, FormatError, ShapeError } from '../../errors.js';
import { detectFormat } from '../../io/describe.js';
import { readEdf } from '../../io/edf/index.js';
import { readGdf } from '../../io/gdf/index.js';
import { listMatVars, matMatrix, readMat, type MatMatrix } from '../../io/mat/index.js';
import type { Recording } from '../../io/types.js';
import { Raw } from '../../neuro/raw.js';

/** A block of channels read sample-major: rows [start, start + n), each of `channels.length` values. */
export interface ChannelBlock {
  readonly channels: readonly string[];
  /** Writes rows [start, start + n) as (n, C) row-major into out at offset (in values). */
  read(start: number, n: number, out: Float32Array | Float64Array, offset?: number): void;
}

export interface RecordingSource extends ChannelBlock {
  /** The file it came from (for messages and stream names). */
  readonly name: string;
  readonly kind: 'eeg' | 'spikes';
  /** Samples per second (spikes: bins per second). */
  readonly sfreq: number;
  readonly nSamples: number;
  /** Channel types ('eeg', 'eog', ...; spikes: 'spikes') and units ('V', 'count', ...). */
  readonly types: readonly string[];
  readonly units: readonly string[];
  /** Spikes: the kinematics of the same bins (e.g. vx, vy), as a second stream. */
  readonly aux?: ChannelBlock & { readonly units: readonly string[] };
  /** EEG: events (onset in s from the first sample) as in the file's annotations. */
  readonly markers?: readonly { onset: number; description: string }[];
}

export interface RecordingSourceOptions {
  /** EEG: channel names to stream, in this order (default: every signal channel). */
  picks?: readonly string[];
  /** Spikes: counts variable (default Yte when the file has Yte and Xte, else Ytr). */
  spikes?: string;
  /** Spikes: kinematics variable (default Xte with Yte, Xtr with Ytr); null: none. */
  target?: string | null;
  /** Spikes: bin width in s (default 0.05; chewie_demo.mat does not state its own). */
  binWidth?: number;
}

/** Channel-major rows (C arrays of T samples) as a ChannelBlock. */
function block(channels: readonly string[], rows: readonly ArrayLike<number>[], nSamples: number, op: string): ChannelBlock {
  return {
    channels,
    read(start, n, out, offset = 0) {
      const c = rows.length;
      if (!Number.isInteger(start) || !Number.isInteger(n) || start < 0 || n < 0 || start + n > nSamples) throw new ArgumentError(`${op}: rows [${start}, ${start + n}) are outside the ${nSamples} samples`);
      if (offset + n * c > out.length) throw new ShapeError(`${op}: ${n} rows of ${c} channels need ${n * c} values from offset ${offset}, the output holds ${out.length}`);
      for (let j = 0; j < c; j++) {
        const r = rows[j]!;
        for (let i = 0; i < n; i++) out[offset + i * c + j] = r[start + i]!;
      }
    },
  };
}

/** An EEG recording (a Raw) as a source. */
export function rawSource(raw: Raw, name: string, picks?: readonly string[]): RecordingSource {
  const op = `recordingSource ${name}`;
  const r = picks ? pickByName(raw, picks, op) : raw;
  if (r.nTimes === 0) throw new FormatError(`${op}: the recording holds no samples`);
  const b = block(r.info.chNames, r.data, r.nTimes, op);
  const a = r.annotations;
  const markers = Array.from({ length: a.onset.length }, (_, i) => ({ onset: a.onset[i]!, description: a.description[i]! }));
  return { ...b, name, kind: 'eeg', sfreq: r.info.sfreq, nSamples: r.nTimes, types: r.info.chTypes, units: r.info.units, markers };
}

function pickByName(raw: Raw, picks: readonly string[], op: string): Raw {
  if (picks.length === 0) throw new ArgumentError(`${op}: the channel pick is empty`);
  const have = new Set(raw.info.chNames);
  const missing = picks.filter((p) => !have.has(p));
  if (missing.length) throw new ArgumentError(`${op}: no channel ${missing.map((m) => `'${m}'`).join(', ')}; the recording has ${raw.info.chNames.join(', ')}`);
  if (new Set(picks).size !== picks.length) throw new ArgumentError(`${op}: the channel pick names a channel twice (${picks.join(', ')})`);
  return raw.pick([...picks]);
}

function spikeSource(bytes: Uint8Array, name: string, o: RecordingSourceOptions): RecordingSource {
  const op = `recordingSource ${name}`;
  const vars = readMat(bytes, name);
  const has = (v: string) => v in vars;
  const spikes = o.spikes ?? (has('Yte') && has('Xte') ? 'Yte' : has('Ytr') ? 'Ytr' : undefined);
  if (spikes === undefined) throw new ArgumentError(`${op}: name the spike counts variable (spikes option); the file has ${listMatVars(vars)}`);
  const target = o.target === null ? null : o.target ?? ({ Yte: 'Xte', Ytr: 'Xtr' } as Record<string, string>)[spikes] ?? null;
  const binWidth = o.binWidth ?? 0.05;
  if (!(Number.isFinite(binWidth) && binWidth > 0)) throw new ArgumentError(`${op}: binWidth must be a finite number of seconds > 0, got ${binWidth}`);
  let counts = matMatrix(vars, spikes, name, { label: `${op}: variable '${spikes}'` });
  let kin: MatMatrix | null = target === null ? null : matMatrix(vars, target, name, { label: `${op}: variable '${target}'` });
  // bins are rows; a matrix stored the other way round is turned when that lines the two up
  if (kin && counts.rows !== kin.rows) {
    if (counts.cols === kin.rows) counts = transpose(counts);
    else if (kin.cols === counts.rows) kin = transpose(kin);
    else throw new ShapeError(`${op}: '${spikes}' (${counts.rows}×${counts.cols}) and '${target}' (${kin.rows}×${kin.cols}) have no bin count in common`);
  }
  for (let i = 0; i < counts.data.length; i++) {
    const v = counts.data[i]!;
    if (!(Number.isFinite(v) && v >= 0)) throw new FormatError(`${op}: spike count ${v} at bin ${Math.floor(i / counts.cols)}, unit ${i % counts.cols} of '${spikes}'; counts must be finite and >= 0`);
  }
  if (counts.rows === 0 || counts.cols === 0) throw new FormatError(`${op}: '${spikes}' is empty (${counts.rows}×${counts.cols})`);
  const U = counts.cols;
  const channels = Array.from({ length: U }, (_, j) => `unit${j}`);
  const cm = channelMajor(counts);
  const out: RecordingSource = {
    ...block(channels, cm, counts.rows, op), name, kind: 'spikes', sfreq: 1 / binWidth, nSamples: counts.rows,
    types: channels.map(() => 'spikes'), units: channels.map(() => 'count'),
  };
  if (kin) {
    const D = kin.cols;
    const names = D === 2 ? ['vx', 'vy'] : D === 3 ? ['vx', 'vy', 'vz'] : Array.from({ length: D }, (_, k) => `${target}${k}`);
    return { ...out, aux: { ...block(names, channelMajor(kin), kin.rows, `${op} aux`), units: names.map(() => '') } };
  }
  return out;
}

function transpose(m: MatMatrix): MatMatrix {
  const data = new Float64Array(m.data.length);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) data[j * m.rows + i] = m.data[i * m.cols + j]!;
  return { ...m, data, rows: m.cols, cols: m.rows };
}

function channelMajor(m: MatMatrix): Float64Array[] {
  return Array.from({ length: m.cols }, (_, j) => {
    const r = new Float64Array(m.rows);
    for (let i = 0; i < m.rows; i++) r[i] = m.data[i * m.cols + j]!;
    return r;
  });
}

/**
 * A recording file as a stream source: EDF/BDF/GDF EEG (every signal channel, or `picks`, at
 * the recording's rate) or a chewie-style .mat of binned spike counts (recognised by content,
 * not by name). Anything else is a FormatError naming the file.
 */
export function recordingSource(bytes: Uint8Array, name: string, opts: RecordingSourceOptions = {}): RecordingSource {
  const fmt = detectFormat(bytes, name);
  if (fmt === 'mat') {
    if (opts.picks) throw new ArgumentError(`recordingSource ${name}: picks are for EEG recordings; a spike file streams every unit`);
    return spikeSource(bytes, name, opts);
  }
  let rec: Recording;
  if (fmt === 'edf' || fmt === 'bdf') rec = readEdf(bytes, name);
  else if (fmt === 'gdf') rec = readGdf(bytes, name);
  else throw new FormatError(`recordingSource ${name}: a ${fmt} file is not a recording to replay (EDF, BDF, GDF or a spike .mat)`);
  const kinds = ['spikes', 'target', 'binWidth'].filter((k) => (opts as Record<string, unknown>)[k] !== undefined);
  if (kinds.length) throw new ArgumentError(`recordingSource ${name}: ${kinds.join(', ')} apply to spike .mat files, not to a ${fmt.toUpperCase()} recording`);
  return rawSource(Raw.fromRecording(rec, opts.picks ? { picks: opts.picks } : {}), name);
}
