// EDF / EDF+ / BDF / BDF+ reader: bytes in, lazy SI-unit samples out. Browser-safe (no node:*).
//
// Behaviour, following MNE-Python (1.3) where it defines one:
// - Digital -> physical: phys = (dig - digMin) * (physMax - physMin) / (digMax - digMin) + physMin,
//   then x unitScale (uV/µV/μV 1e-6, mV 1e-3, V 1, nV 1e-9, anything else 1). As MNE, a zero
//   digital range counts as 1 and a zero physical range as 1 (with a warning).
// - Stim channels (label 'Status' / 'Trigger' in any case, as MNE's stim_channel='auto', or
//   'STI', 'STI 014', 'STI014'): unitScale 1 (codes are dimensionless); in BDF files the raw
//   digital codes are returned (MNE's cal = 1, offset = 0). MNE additionally truncates stim values
//   to integers and keeps their low 17 bits; this reader does not (mask with `& 0x1ffff` to match).
// - Other types from the label's first word when it names a type ('EEG Fp1', 'EOG x', 'ECG x',
//   'EMG', 'RESP', 'TEMP', 'BIO', 'SAO2', 'MISC', 'SEEG', 'ECOG'; MNE's infer_types list; the name
//   is kept as stored), or a bare label 'ECG'/'EKG'/'EOG'/'EMG'; everything else is 'eeg'.
// - Start time: the header's date/time (EDF+ 'Startdate dd-MMM-yyyy' in the recording field
//   wins for the date, as in MNE; 2-digit years 85-99 -> 19xx, 00-84 -> 20xx) plus the sub-second
//   offset of the first record's time-keeping TAL (EDF+). `startOffset` holds that offset exactly
//   (Date keeps milliseconds only). Annotation onsets are seconds after that start, i.e. the TAL
//   onset minus the first record's time-keeping onset (exactly what MNE reports).
// - EDF+D: records are placed on the time axis at their time-keeping TAL onsets; gaps are filled
//   with zeros and marked with a 'BAD_ACQ_SKIP' annotation, MNE's convention for acquisition
//   skips (MNE 1.3 itself ignores EDF+D gaps and concatenates the records). Records that go
//   backwards or overlap are placed contiguously, with a warning.
// - Number of records -1, or fewer complete records in the file than the header says: the count
//   comes from the file size (as MNE), with a warning in `warnings`. Extra bytes after the last
//   record are ignored with a warning (MNE would read them as records).
// - Annotation-only files (only TAL signals, record duration often 0): no channels, annotations
//   parsed; `duration` is nRecords x recordDuration as stored (0 for such files).

import { ArgumentError, FormatError, IndexError } from '../../errors.js';
import type { Annotation, ChannelInfo, ChannelType, ReadOptions, Recording, RecordingHeader } from '../types.js';
import { parseTals } from './tal.js';

/** Per-channel header data beyond the common contract. */
export interface EdfChannelInfo extends ChannelInfo {
  /** Samples of this channel in one data record. */
  samplesPerRecord: number;
  /** Index of the signal in the file (annotation signals included). */
  signalIndex: number;
}

export interface EdfHeader extends RecordingHeader {
  channels: EdfChannelInfo[];
  /** Problems the reader worked around (record count from the file size, short data, ...). */
  warnings: string[];
  /** Seconds between the header's start second and the first record (first time-keeping TAL). */
  startOffset: number;
  /** Start of every record in seconds after the (sub-second) start; equal spacing unless EDF+D. */
  recordOnsets: Float64Array;
  /** 'EDF' or 'BDF' (2- or 3-byte samples). */
  family: 'EDF' | 'BDF';
  /** Bytes 184-191: header length. */
  headerBytes: number;
}

export interface EdfRecording extends Recording {
  readonly header: EdfHeader;
  /** Same array as `header.warnings`. */
  readonly warnings: string[];
}

const TAL_LABELS = new Set(['EDF Annotations', 'BDF Annotations']);

const latin1 = (b: Uint8Array, from: number, len: number): string => {
  let s = '';
  for (let i = from; i < from + len; i++) s += String.fromCharCode(b[i]!);
  return s;
};

/** Header text: latin-1, cut at the first NUL, trimmed. */
const field = (b: Uint8Array, from: number, len: number): string => latin1(b, from, len).split('\x00')[0]!.trim();

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

const UNIT_SCALE: Record<string, number> = {
  uV: 1e-6, 'µV': 1e-6, 'μV': 1e-6, '\x83\xcaV': 1e-6, 'Âµ V': 1e-6, 'ÂµV': 1e-6, 'Î¼V': 1e-6,
  mV: 1e-3, V: 1, nV: 1e-9,
};

/** Factor from a stored physical dimension to SI (1 for unknown units, as MNE). */
export function unitScaleOf(unit: string): number {
  return UNIT_SCALE[unit.trim()] ?? 1;
}

const PREFIX_TYPES: Record<string, ChannelType> = {
  EEG: 'eeg', SEEG: 'seeg', ECOG: 'ecog', EOG: 'eog', ECG: 'ecg', EMG: 'emg', BIO: 'bio', RESP: 'resp',
  TEMP: 'temperature', MISC: 'misc', SAO2: 'bio',
};
const BARE_TYPES: Record<string, ChannelType> = { ECG: 'ecg', EKG: 'ecg', EOG: 'eog', EMG: 'emg' };

/** True for labels this reader (and the writer) treat as stim channels. */
export function isStimLabel(name: string): boolean {
  return /^(status|trigger)$/i.test(name) || /^sti[ _]?\d*$/i.test(name);
}

/** Channel type from the label, as documented at the top of this file. */
export function guessChannelType(name: string): ChannelType {
  if (isStimLabel(name)) return 'stim';
  const parts = name.split(' ');
  if (parts.length > 1) {
    const t = PREFIX_TYPES[parts[0]!.toUpperCase()];
    if (t) return t;
  }
  return BARE_TYPES[name.toUpperCase()] ?? 'eeg';
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

interface Layout {
  bytesPerSample: number;
  recordBytes: number;
  /** Byte offset of each signal inside a record. */
  signalOffset: number[];
  /** Samples per record of each signal. */
  samples: number[];
}

/**
 * Parses an EDF/EDF+/BDF/BDF+ file. The header and annotations are decoded now; samples are
 * decoded on `read()`, only for the records overlapping the span and only for the picked channels.
 */
export function readEdf(bytes: Uint8Array, source = '<bytes>'): EdfRecording {
  const fail = (msg: string): never => { throw new FormatError(`readEdf: ${source}: ${msg}`); };
  const warnings: string[] = [];
  const warn = (msg: string): void => { warnings.push(msg); };

  if (bytes.length < 256) fail(`truncated: ${bytes.length} bytes, an EDF/BDF header needs at least 256`);

  // Version: '0' + spaces (EDF) or 0xFF 'BIOSEMI' (BDF).
  let family: 'EDF' | 'BDF';
  const version = latin1(bytes, 0, 8);
  if (bytes[0] === 0xff && version.slice(1) === 'BIOSEMI') family = 'BDF';
  else if (/^0[ \x00]{7}$/.test(version)) family = 'EDF';
  else return fail(`not an EDF or BDF file: version field (bytes 0-7) is ${JSON.stringify(version)}, expected "0" or "\\xffBIOSEMI"`);

  const num = (name: string, from: number, len: number, opts: { integer?: boolean } = {}): number => {
    const text = field(bytes, from, len).replace(',', '.');
    if (!NUMBER.test(text)) fail(`header field "${name}" (bytes ${from}-${from + len - 1}) is not a number: ${JSON.stringify(latin1(bytes, from, len))}`);
    const v = Number(text);
    if (opts.integer && !Number.isInteger(v)) fail(`header field "${name}" (bytes ${from}-${from + len - 1}) is not an integer: ${JSON.stringify(text)}`);
    return v;
  };

  const patient = field(bytes, 8, 80);
  const recording = field(bytes, 88, 80);
  const dateText = field(bytes, 168, 8);
  const timeText = field(bytes, 176, 8);
  const headerBytes = num('number of bytes in header record', 184, 8, { integer: true });
  const reserved = field(bytes, 192, 44);
  let nRecords = num('number of data records', 236, 8, { integer: true });
  let recordDuration = num('duration of a data record', 244, 8);
  const ns = num('number of signals', 252, 4, { integer: true });

  if (ns <= 0) fail(`header field "number of signals" (bytes 252-255) is ${ns}; a file needs at least one signal`);
  if (headerBytes !== 256 * (ns + 1)) fail(`header field "number of bytes in header record" (bytes 184-191) is ${headerBytes}, but ${ns} signals need 256 x (${ns} + 1) = ${256 * (ns + 1)}`);
  if (bytes.length < headerBytes) fail(`truncated: ${bytes.length} bytes, the header of ${ns} signals needs ${headerBytes}`);
  if (nRecords < -1) fail(`header field "number of data records" (bytes 236-243) is ${nRecords}`);
  if (recordDuration < 0) fail(`header field "duration of a data record" (bytes 244-251) is ${recordDuration}`);

  // Format.
  const plus = reserved.startsWith(`${family}+C`) ? '+C' : reserved.startsWith(`${family}+D`) ? '+D' : '';
  const format = family + plus;

  // Per-signal fields, each stored for all signals in turn.
  let p = 256;
  const texts = (len: number, strip = true): string[] => {
    const out: string[] = [];
    for (let i = 0; i < ns; i++) out.push(strip ? field(bytes, p + i * len, len) : latin1(bytes, p + i * len, len));
    p += ns * len;
    return out;
  };
  const nums = (name: string, len: number, integer = false): number[] => {
    const out: number[] = [];
    for (let i = 0; i < ns; i++) out.push(num(`${name} of signal ${i + 1}`, p + i * len, len, { integer }));
    p += ns * len;
    return out;
  };
  const labels = texts(16);
  const transducers = texts(80);
  const units = texts(8);
  const physMin = nums('physical minimum', 8);
  const physMax = nums('physical maximum', 8);
  const digMin = nums('digital minimum', 8);
  const digMax = nums('digital maximum', 8);
  const prefilters = texts(80);
  const samples = nums('number of samples in each data record', 8, true);
  for (let i = 0; i < ns; i++) if (samples[i]! < 0) fail(`header field "number of samples in each data record of signal ${i + 1}" is ${samples[i]}`);

  const bytesPerSample = family === 'BDF' ? 3 : 2;
  const signalOffset: number[] = [];
  let recordBytes = 0;
  for (let i = 0; i < ns; i++) { signalOffset.push(recordBytes); recordBytes += samples[i]! * bytesPerSample; }
  if (recordBytes === 0) fail('every signal has 0 samples per data record');
  const layout: Layout = { bytesPerSample, recordBytes, signalOffset, samples };

  // Records actually present.
  const dataBytes = bytes.length - headerBytes;
  const available = Math.floor(dataBytes / recordBytes);
  if (nRecords === -1) {
    warn(`number of data records is -1 (unknown); inferred ${available} from the file size`);
    nRecords = available;
  } else if (available < nRecords) {
    warn(`data shorter than the header says: ${nRecords} records of ${recordBytes} bytes announced, the file holds ${available} complete records (${dataBytes} data bytes); reading ${available}`);
    nRecords = available;
  } else if (dataBytes > nRecords * recordBytes) {
    warn(`${dataBytes - nRecords * recordBytes} bytes after the last of ${nRecords} data records ignored`);
  }
  if (dataBytes % recordBytes !== 0 && available <= nRecords) {
    if (dataBytes > nRecords * recordBytes) warn(`incomplete last data record (${dataBytes % recordBytes} of ${recordBytes} bytes) ignored`);
  }

  const talIdx: number[] = [];
  const sigIdx: number[] = [];
  for (let i = 0; i < ns; i++) (TAL_LABELS.has(labels[i]!) ? talIdx : sigIdx).push(i);
  if (plus && talIdx.length === 0) warn(`${format} file without an '${family} Annotations' signal`);

  if (recordDuration === 0 && sigIdx.some((i) => samples[i]! > 0)) {
    warn('record duration is 0 but the file has data signals; using 1 s (as MNE)');
    recordDuration = 1;
  }

  // Annotations and record time keeping.
  const annotations: Annotation[] = [];
  const keeping = new Float64Array(nRecords).fill(NaN);
  const raw: { onset: number; duration: number; description: string }[] = [];
  for (let r = 0; r < nRecords; r++) {
    for (let k = 0; k < talIdx.length; k++) {
      const s = talIdx[k]!;
      const off = headerBytes + r * recordBytes + signalOffset[s]!;
      const tals = parseTals(bytes.subarray(off, off + samples[s]! * bytesPerSample), (m) => warn(`record ${r}: ${m}`));
      tals.forEach((tal, j) => {
        let texts = tal.texts;
        if (k === 0 && j === 0 && texts[0] === '') { keeping[r] = tal.onset; texts = texts.slice(1); }
        for (const t of texts) if (t !== '') raw.push({ onset: tal.onset, duration: tal.duration, description: t });
      });
    }
  }
  const startOffset = nRecords > 0 && Number.isFinite(keeping[0]!) ? keeping[0]! : 0;
  if (plus && talIdx.length > 0 && nRecords > 0 && !Number.isFinite(keeping[0]!)) warn('first data record has no time-keeping TAL; start offset taken as 0');

  // Record placement.
  const recordOnsets = new Float64Array(nRecords);
  for (let r = 0; r < nRecords; r++) recordOnsets[r] = r * recordDuration;
  let discontinuous = false;
  if (plus === '+D') {
    let ok = true;
    const maxRate = Math.max(1, ...sigIdx.map((i) => samples[i]! / (recordDuration || 1)));
    const tol = 0.5 / maxRate;
    for (let r = 0; r < nRecords && ok; r++) {
      const t = keeping[r]! - startOffset;
      if (!Number.isFinite(t)) { warn(`EDF+D record ${r} has no time-keeping TAL; records placed contiguously`); ok = false; break; }
      if (r > 0 && t < recordOnsets[r - 1]! + recordDuration - tol) { warn(`EDF+D record ${r} starts at ${t} s, before the end of record ${r - 1}; records placed contiguously`); ok = false; break; }
      recordOnsets[r] = t;
    }
    if (!ok) for (let r = 0; r < nRecords; r++) recordOnsets[r] = r * recordDuration;
    else {
      for (let r = 1; r < nRecords; r++) {
        const end = recordOnsets[r - 1]! + recordDuration;
        if (recordOnsets[r]! > end + tol) {
          discontinuous = true;
          raw.push({ onset: end + startOffset, duration: recordOnsets[r]! - end, description: 'BAD_ACQ_SKIP' });
        }
      }
    }
  }
  for (const a of raw) annotations.push({ onset: a.onset - startOffset, duration: a.duration, description: a.description });
  annotations.sort((a, b) => a.onset - b.onset);

  // Start time.
  let startTime: Date | null = null;
  const dm = /^(\d{1,2})\D(\d{1,2})\D(\d{1,2})$/.exec(dateText);
  const tm = /^(\d{1,2})\D(\d{1,2})\D(\d{1,2})$/.exec(timeText);
  if (!dm) fail(`header field "startdate of recording" (bytes 168-175) is not dd.mm.yy: ${JSON.stringify(dateText)}`);
  if (!tm) fail(`header field "starttime of recording" (bytes 176-183) is not hh.mm.ss: ${JSON.stringify(timeText)}`);
  let day = Number(dm![1]), month = Number(dm![2]), year = Number(dm![3]);
  year += year >= 85 ? 1900 : 2000;
  const rf = recording.split(' ');
  if (rf[0] === 'Startdate' && rf.length > 1) {
    const sd = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(rf[1]!);
    const mi = sd ? MONTHS.indexOf(sd[2]!.toUpperCase()) : -1;
    if (sd && mi >= 0) { day = Number(sd[1]); month = mi + 1; year = Number(sd[3]); }
  }
  const hh = Number(tm![1]), mm = Number(tm![2]), ss = Number(tm![3]);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 59) {
    warn(`invalid start date/time ${year}-${month}-${day} ${hh}:${mm}:${ss}; startTime is null`);
  } else {
    const ms = Date.UTC(year, month - 1, day, hh, mm, ss);
    const d = new Date(ms);
    if (d.getUTCDate() !== day) warn(`invalid start date ${year}-${month}-${day}; startTime is null`);
    else startTime = new Date(ms + Math.floor(startOffset * 1000));
  }

  // Channels.
  const sfreqDiv = recordDuration > 0 ? recordDuration : 1;
  const nSamplesOf = (spr: number): number => {
    if (nRecords === 0) return 0;
    return Math.round(recordOnsets[nRecords - 1]! * spr / sfreqDiv) + spr;
  };
  const gains: number[] = [];
  const offsets: number[] = [];
  const channels: EdfChannelInfo[] = sigIdx.map((i) => {
    const name = labels[i]!;
    const type = guessChannelType(name);
    const stim = type === 'stim';
    let dr = digMax[i]! - digMin[i]!;
    let pr = physMax[i]! - physMin[i]!;
    if (dr === 0) { warn(`signal ${i + 1} '${name}': digital minimum equals maximum (${digMin[i]}); digital range taken as 1 (as MNE)`); dr = 1; }
    if (pr === 0) { warn(`signal ${i + 1} '${name}': physical minimum equals maximum (${physMin[i]}); physical range taken as 1 (as MNE)`); pr = 1; }
    const unitScale = stim ? 1 : unitScaleOf(units[i]!);
    if (stim && family === 'BDF') { gains.push(1); offsets.push(0); }
    else {
      const g = pr / dr;
      // phys = (dig - digMin) * g + physMin, all x unitScale
      gains.push(g * unitScale);
      offsets.push((physMin[i]! - digMin[i]! * g) * unitScale);
    }
    return {
      name, type, unit: units[i]!, unitScale, sfreq: samples[i]! / sfreqDiv, nSamples: nSamplesOf(samples[i]!),
      physicalMin: physMin[i]!, physicalMax: physMax[i]!, digitalMin: digMin[i]!, digitalMax: digMax[i]!,
      transducer: transducers[i]!, prefilter: prefilters[i]!, samplesPerRecord: samples[i]!, signalIndex: i,
    };
  });

  const duration = nRecords === 0 ? 0 : recordOnsets[nRecords - 1]! + recordDuration;
  const header: EdfHeader = {
    format, source, startTime, patient, recording, nRecords, recordDuration, channels, annotations, duration,
    warnings, startOffset, recordOnsets, family, headerBytes,
  };

  const read = (opts: ReadOptions = {}): Float64Array[] => {
    const picks = resolvePicks(channels, opts.picks, source);
    const tmin = opts.tmin ?? 0;
    const tmax = opts.tmax ?? duration;
    if (!(tmin <= tmax)) throw new ArgumentError(`readEdf(${source}).read: tmin ${tmin} must not exceed tmax ${tmax}`);
    return picks.map((c) => {
      const ch = channels[c]!;
      const spr = ch.samplesPerRecord;
      const eps = 1e-9;
      const s0 = Math.min(ch.nSamples, Math.max(0, Math.ceil(tmin * ch.sfreq - eps)));
      const s1 = Math.min(ch.nSamples, Math.max(s0, Math.ceil(tmax * ch.sfreq - eps)));
      const out = new Float64Array(s1 - s0);
      if (s1 === s0 || spr === 0) return out;
      // First record that may overlap s0.
      let r = discontinuous ? firstRecordEnding(recordOnsets, spr, sfreqDiv, s0) : Math.floor(s0 / spr);
      for (; r < nRecords; r++) {
        const rs = discontinuous ? Math.round(recordOnsets[r]! * spr / sfreqDiv) : r * spr;
        if (rs >= s1) break;
        const a = Math.max(s0, rs), b = Math.min(s1, rs + spr);
        if (b <= a) continue;
        decode(bytes, headerBytes + r * recordBytes + layout.signalOffset[ch.signalIndex]!, bytesPerSample, a - rs, b - rs,
          gains[c]!, offsets[c]!, out, a - s0);
      }
      return out;
    });
  };

  return { header, warnings, read };
}

/** Index of the first record whose samples end after sample s (records sorted, non-overlapping). */
function firstRecordEnding(onsets: Float64Array, spr: number, dur: number, s: number): number {
  let lo = 0, hi = onsets.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (Math.round(onsets[mid]! * spr / dur) + spr <= s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Decodes samples [from, to) of one signal in one record into out[at...]. */
function decode(b: Uint8Array, base: number, bps: number, from: number, to: number, gain: number, offset: number, out: Float64Array, at: number): void {
  if (bps === 2) {
    for (let i = from, o = at, q = base + 2 * from; i < to; i++, o++, q += 2) {
      const d = ((b[q]! | (b[q + 1]! << 8)) << 16) >> 16;
      out[o] = d * gain + offset;
    }
  } else {
    for (let i = from, o = at, q = base + 3 * from; i < to; i++, o++, q += 3) {
      const d = ((b[q]! | (b[q + 1]! << 8) | (b[q + 2]! << 16)) << 8) >> 8;
      out[o] = d * gain + offset;
    }
  }
}

function resolvePicks(channels: readonly ChannelInfo[], picks: ReadOptions['picks'], source: string): number[] {
  if (picks === undefined) return channels.map((_, i) => i);
  return picks.map((p) => {
    if (typeof p === 'number') {
      if (!Number.isInteger(p) || p < 0 || p >= channels.length) throw new IndexError(`readEdf(${source}).read: channel index ${p} out of range [0, ${channels.length})`);
      return p;
    }
    const i = channels.findIndex((c) => c.name === p);
    if (i < 0) throw new ArgumentError(`readEdf(${source}).read: no channel named ${JSON.stringify(p)}`);
    return i;
  });
}
