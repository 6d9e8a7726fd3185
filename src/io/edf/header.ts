// EDF / EDF+ / BDF / BDF+ header parsing: the fixed and per-signal header, record count, time
// keeping and annotations, start time and channel calibration. read.ts turns the result into a
// Recording whose samples are decoded lazily. Browser-safe (no node:*).
//
// Behaviour, following MNE-Python (1.3) where it defines one:
// - Digital -> physical: phys = (dig - digMin) * (physMax - physMin) / (digMax - digMin) + physMin,
//   then x unitScale (../biosig.ts: MNE's micro spellings 1e-6, mV 1e-3, V 1, nV 1e-9, kV 1e3,
//   anything else 1). As MNE, a zero digital range counts as 1 and a zero physical range as 1
//   (with a warning).
// - Stim channels (label 'Status' / 'Trigger' in any case, as MNE's stim_channel='auto', or
//   'STI', 'STI 014', 'STI014'): unitScale 1 (codes are dimensionless); in BDF files the raw
//   digital codes are returned (MNE's cal = 1, offset = 0). MNE additionally truncates stim values
//   to integers and keeps their low 17 bits; this reader does not (mask with `& 0x1ffff` to match).
// - Other types from the label's first word when it names a type ('EEG Fp1', 'EOG x', 'ECG x',
//   'EMG', 'RESP', 'TEMP', 'BIO', 'SAO2', 'MISC', 'SEEG', 'ECOG'; MNE's infer_types list; the name
//   is kept as stored); everything else is 'eeg', a bare 'ECG' label too, as MNE (../biosig.ts).
// - Channel names: the labels as stored (trimmed); repeated labels are made unique as MNE does
//   ('EEG F1-Ref' twice -> 'EEG F1-Ref-0', 'EEG F1-Ref-1'; see unique_names.ts), with a warning.
//   `label` keeps the stored label.
// - Header numbers must be finite, physical and digital ranges too, and the recording no longer
//   than 100 years (the span of dates an EDF header can name): anything else is a FormatError
//   when the file is opened, never a RangeError or an Infinity later.
// - Start time: the header's date/time (a valid EDF+ 'Startdate dd-MMM-yyyy' in the recording
//   field wins for the date, as in MNE; an invalid one falls back to the header's date, as in MNE,
//   with a warning; 2-digit years 85-99 -> 19xx, 00-84 -> 20xx) plus the sub-second
//   offset of the first record's time-keeping TAL (EDF+). `startOffset` holds that offset exactly
//   (Date keeps milliseconds only). Annotation onsets are seconds after that start, i.e. the TAL
//   onset minus the first record's time-keeping onset (exactly what MNE reports; MNE rounds to
//   microseconds, this reader does not). Annotation text is UTF-8, or Latin-1 where it is not
//   valid UTF-8 (with a warning).
// - EDF+D: records are read contiguously by default, as MNE does, and each gap is reported (a
//   zero-duration 'BAD_ACQ_SKIP' annotation at the boundary, `header.gaps`); the option
//   `gaps: 'zeros'` places records at their time-keeping onsets and zero-fills the gaps. See
//   gaps.ts. Records that go backwards or overlap are placed contiguously, with a warning.
// - Memory: `read()` refuses (FormatError naming the file, the record and the bytes needed) any
//   output larger than `maxReadBytes` (default: 1 GiB, or twice the file's samples as float64
//   when that is more, so reading a whole file contiguously is never refused by default).
// - Number of records -1, or fewer complete records in the file than the header says: the count
//   comes from the file size (as MNE), with a warning in `warnings`. Extra bytes after the last
//   record are ignored with a warning (MNE would read them as records).
// - Annotation-only files (only TAL signals, record duration often 0): no channels, annotations
//   parsed; `duration` is nRecords x recordDuration as stored (0 for such files).

import { ArgumentError, FormatError } from '../../errors.js';
import type { Annotation, ChannelInfo, RecordingHeader } from '../types.js';
import { calibration, guessChannelType, headerText as field, latin1, unitScaleOf } from '../biosig.js';
import { parseTals } from './tal.js';
import { placeAnnotations, placeRecords, type EdfGap, type EdfGapMode, type RecordPlacement, type TimedText } from './gaps.js';
import { uniqueChannelNames } from './unique_names.js';

/** Per-channel header data beyond the common contract. */
export interface EdfChannelInfo extends ChannelInfo {
  /** Samples of this channel in one data record. */
  samplesPerRecord: number;
  /** Index of the signal in the file (annotation signals included). */
  signalIndex: number;
  /** Label as stored (trimmed); `name` differs only where the label repeats. */
  label: string;
}

export interface EdfReadOptions {
  /** EDF+D gaps: records back to back ('contiguous', default) or zero-filled ('zeros'). */
  gaps?: EdfGapMode;
  /**
   * Largest output one `read()` may return, in bytes (8 per sample). Default: 1 GiB, or twice
   * the file's own samples as float64 when that is more.
   */
  maxReadBytes?: number;
}

export interface EdfHeader extends RecordingHeader {
  channels: EdfChannelInfo[];
  /** Problems the reader worked around (record count from the file size, short data, ...). */
  warnings: string[];
  /** Seconds between the header's start second and the first record (first time-keeping TAL). */
  startOffset: number;
  /** Start of every record on the time axis `read()` returns (s); r x recordDuration unless zero-filled. */
  recordOnsets: Float64Array;
  /** Start of every record on the file's clock (EDF+ time keeping, s after the start). */
  recordFileOnsets: Float64Array;
  /** EDF+D pauses between records (empty for continuous files). */
  gaps: EdfGap[];
  /** How gaps are returned. */
  gapMode: EdfGapMode;
  /** 'EDF' or 'BDF' (2- or 3-byte samples). */
  family: 'EDF' | 'BDF';
  /** Bytes 184-191: header length. */
  headerBytes: number;
}

/** Everything the lazy reader needs besides the bytes: the header and where each sample lies. */
export interface EdfLayout {
  header: EdfHeader;
  bytesPerSample: number;
  recordBytes: number;
  /** Byte offset of each signal inside a record (annotation signals included). */
  signalOffset: number[];
  /** Per data channel: phys = dig · gain + offset, in SI units. */
  gains: number[];
  offsets: number[];
  placement: RecordPlacement;
  /** Divisor from samples per record to Hz (the record duration, or 1 when it is 0). */
  sfreqDiv: number;
  /** The output bound of one read(), in bytes. */
  maxReadBytes: number;
}

const TAL_LABELS = new Set(['EDF Annotations', 'BDF Annotations']);

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The longest recording accepted: the span of dates an EDF header can name (1985-2084). */
const MAX_SPAN_S = 100 * 365.25 * 86400;
export const GiB = 2 ** 30;

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** The file being parsed, and how problems are reported. */
interface Ctx {
  bytes: Uint8Array;
  fail: (msg: string) => never;
  warn: (msg: string) => void;
}

/** A numeric header field: finite, an integer when asked; anything else a FormatError naming the bytes. */
function num(x: Ctx, name: string, from: number, len: number, opts: { integer?: boolean } = {}): number {
  const text = field(x.bytes, from, len).replace(',', '.');
  if (!NUMBER.test(text)) x.fail(`header field "${name}" (bytes ${from}-${from + len - 1}) is not a number: ${JSON.stringify(latin1(x.bytes, from, len))}`);
  const v = Number(text);
  if (!Number.isFinite(v)) x.fail(`header field "${name}" (bytes ${from}-${from + len - 1}) is not a finite number: ${JSON.stringify(text)}`);
  if (opts.integer && !Number.isInteger(v)) x.fail(`header field "${name}" (bytes ${from}-${from + len - 1}) is not an integer: ${JSON.stringify(text)}`);
  return v;
}

/** Bytes 0-255: version, identification, date, sizes. */
function fixedHeader(x: Ctx) {
  const { bytes, fail } = x;
  if (bytes.length < 256) fail(`truncated: ${bytes.length} bytes, an EDF/BDF header needs at least 256`);
  // Version: '0' + spaces (EDF) or 0xFF 'BIOSEMI' (BDF).
  let family: 'EDF' | 'BDF';
  const version = latin1(bytes, 0, 8);
  if (bytes[0] === 0xff && version.slice(1) === 'BIOSEMI') family = 'BDF';
  else if (/^0[ \x00]{7}$/.test(version)) family = 'EDF';
  else return fail(`not an EDF or BDF file: version field (bytes 0-7) is ${JSON.stringify(version)}, expected "0" or "\\xffBIOSEMI"`);

  const patient = field(bytes, 8, 80);
  const recording = field(bytes, 88, 80);
  const dateText = field(bytes, 168, 8);
  const timeText = field(bytes, 176, 8);
  const headerBytes = num(x, 'number of bytes in header record', 184, 8, { integer: true });
  const reserved = field(bytes, 192, 44);
  const nRecords = num(x, 'number of data records', 236, 8, { integer: true });
  const recordDuration = num(x, 'duration of a data record', 244, 8);
  const ns = num(x, 'number of signals', 252, 4, { integer: true });

  if (ns <= 0) fail(`header field "number of signals" (bytes 252-255) is ${ns}; a file needs at least one signal`);
  if (headerBytes !== 256 * (ns + 1)) fail(`header field "number of bytes in header record" (bytes 184-191) is ${headerBytes}, but ${ns} signals need 256 x (${ns} + 1) = ${256 * (ns + 1)}`);
  if (bytes.length < headerBytes) fail(`truncated: ${bytes.length} bytes, the header of ${ns} signals needs ${headerBytes}`);
  if (nRecords < -1) fail(`header field "number of data records" (bytes 236-243) is ${nRecords}`);
  if (recordDuration < 0) fail(`header field "duration of a data record" (bytes 244-251) is ${recordDuration}`);
  if (recordDuration > MAX_SPAN_S) fail(`header field "duration of a data record" (bytes 244-251) is ${recordDuration} s, more than 100 years`);

  const plus = reserved.startsWith(`${family}+C`) ? '+C' : reserved.startsWith(`${family}+D`) ? '+D' : '';
  return { family, plus, patient, recording, dateText, timeText, headerBytes, nRecords, recordDuration, ns };
}

/** The per-signal fields, each stored for all signals in turn. */
function signalHeaders(x: Ctx, ns: number) {
  const { bytes, fail } = x;
  let p = 256;
  const texts = (len: number): string[] => {
    const out: string[] = [];
    for (let i = 0; i < ns; i++) out.push(field(bytes, p + i * len, len));
    p += ns * len;
    return out;
  };
  const nums = (name: string, len: number, integer = false): number[] => {
    const out: number[] = [];
    for (let i = 0; i < ns; i++) out.push(num(x, `${name} of signal ${i + 1}`, p + i * len, len, { integer }));
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
  for (let i = 0; i < ns; i++) {
    if (!Number.isFinite(physMax[i]! - physMin[i]!)) fail(`signal ${i + 1} '${labels[i]}': physical range ${physMin[i]} to ${physMax[i]} is not finite`);
    if (!Number.isFinite(digMax[i]! - digMin[i]!)) fail(`signal ${i + 1} '${labels[i]}': digital range ${digMin[i]} to ${digMax[i]} is not finite`);
  }
  return { labels, transducers, units, physMin, physMax, digMin, digMax, prefilters, samples };
}

/** Records actually present: the header's count, or what the file size allows (with a warning). */
function countRecords(x: Ctx, announced: number, dataBytes: number, recordBytes: number): number {
  const { warn } = x;
  let nRecords = announced;
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
  return nRecords;
}

/** TALs of every record: the annotations, and each record's time-keeping onset (NaN where absent). */
function readTals(x: Ctx, at: { headerBytes: number; recordBytes: number; signalOffset: number[]; samples: number[]; bytesPerSample: number }, talIdx: number[], nRecords: number): { keeping: Float64Array; texts: TimedText[] } {
  const { bytes, warn } = x;
  const keeping = new Float64Array(nRecords).fill(NaN);
  const raw: TimedText[] = [];
  let latin1Texts = 0, firstLatin1 = '';
  for (let r = 0; r < nRecords; r++) {
    for (let k = 0; k < talIdx.length; k++) {
      const s = talIdx[k]!;
      const off = at.headerBytes + r * at.recordBytes + at.signalOffset[s]!;
      const tals = parseTals(bytes.subarray(off, off + at.samples[s]! * at.bytesPerSample), (m) => warn(`record ${r}: ${m}`));
      tals.forEach((tal, j) => {
        let texts = tal.texts;
        if (k === 0 && j === 0 && texts[0] === '') { keeping[r] = tal.onset; texts = texts.slice(1); }
        for (const t of texts) if (t !== '') raw.push({ onset: tal.onset, duration: tal.duration, description: t });
        if (tal.latin1) { if (latin1Texts++ === 0) firstLatin1 = `record ${r}, ${JSON.stringify(texts.join(' ').slice(0, 40))}`; }
      });
    }
  }
  if (latin1Texts > 0) warn(`${latin1Texts} annotation${latin1Texts > 1 ? 's are' : ' is'} not valid UTF-8 and ${latin1Texts > 1 ? 'were' : 'was'} read as Latin-1 (first: ${firstLatin1})`);
  return { keeping, texts: raw };
}

/** Start time from the header's date and time (or a valid EDF+ Startdate) plus the first record's offset. */
function startTimeOf(x: Ctx, dateText: string, timeText: string, recording: string, startOffset: number): Date | null {
  const { fail, warn } = x;
  const dm = /^(\d{1,2})\D(\d{1,2})\D(\d{1,2})$/.exec(dateText);
  const tm = /^(\d{1,2})\D(\d{1,2})\D(\d{1,2})$/.exec(timeText);
  if (!dm) fail(`header field "startdate of recording" (bytes 168-175) is not dd.mm.yy: ${JSON.stringify(dateText)}`);
  if (!tm) fail(`header field "starttime of recording" (bytes 176-183) is not hh.mm.ss: ${JSON.stringify(timeText)}`);
  let day = Number(dm![1]), month = Number(dm![2]), year = Number(dm![3]);
  year += year >= 85 ? 1900 : 2000;
  const rf = recording.split(' ');
  if (rf[0] === 'Startdate' && rf.length > 1 && rf[1] !== 'X') {
    // As MNE: a Startdate that is a real date wins; anything else leaves the header's date.
    const sd = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(rf[1]!);
    const mi = sd ? MONTHS.indexOf(sd[2]!.toUpperCase()) : -1;
    if (sd && mi >= 0 && isDate(Number(sd[3]), mi + 1, Number(sd[1]))) { day = Number(sd[1]); month = mi + 1; year = Number(sd[3]); }
    else warn(`EDF+ Startdate ${JSON.stringify(rf[1])} in the recording field is not a valid dd-MMM-yyyy date; using the header's date ${JSON.stringify(dateText)} (as MNE)`);
  }
  const hh = Number(tm![1]), mm = Number(tm![2]), ss = Number(tm![3]);
  if (!isDate(year, month, day) || hh > 23 || mm > 59 || ss > 59) {
    warn(`invalid start date/time ${year}-${month}-${day} ${hh}:${mm}:${ss}; startTime is null`);
    return null;
  }
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hh, mm, ss, 0);
  const t = d.getTime() + Math.floor(startOffset * 1000);
  if (Number.isFinite(t) && Math.abs(t) <= 8.64e15) return new Date(t);
  warn(`start time ${year}-${month}-${day} ${hh}:${mm}:${ss} plus the first record's offset ${startOffset} s is not a representable date; startTime is null`);
  return null;
}

/**
 * Parses the header of an EDF/EDF+/BDF/BDF+ file and decodes its annotations; samples stay in
 * the bytes (read.ts decodes them on demand). Problems are FormatErrors naming `source`.
 */
export function parseEdfHeader(bytes: Uint8Array, source: string, options: EdfReadOptions = {}): EdfLayout {
  const fail = (msg: string): never => { throw new FormatError(`readEdf: ${source}: ${msg}`); };
  const warnings: string[] = [];
  const warn = (msg: string): void => { warnings.push(msg); };
  const x: Ctx = { bytes, fail, warn };
  const gapMode = options.gaps ?? 'contiguous';
  if (gapMode !== 'contiguous' && gapMode !== 'zeros') throw new ArgumentError(`readEdf(${source}): gaps must be 'contiguous' or 'zeros', got ${JSON.stringify(gapMode)}`);
  if (options.maxReadBytes !== undefined && !(options.maxReadBytes >= 0)) throw new ArgumentError(`readEdf(${source}): maxReadBytes must be a number >= 0, got ${options.maxReadBytes}`);

  const fixed = fixedHeader(x);
  const { family, plus, patient, recording, headerBytes, ns } = fixed;
  let recordDuration = fixed.recordDuration;
  const format = family + plus;
  const sig = signalHeaders(x, ns);
  const { labels, samples } = sig;

  const bytesPerSample = family === 'BDF' ? 3 : 2;
  const signalOffset: number[] = [];
  let recordBytes = 0;
  for (let i = 0; i < ns; i++) { signalOffset.push(recordBytes); recordBytes += samples[i]! * bytesPerSample; }
  if (recordBytes === 0) fail('every signal has 0 samples per data record');

  const nRecords = countRecords(x, fixed.nRecords, bytes.length - headerBytes, recordBytes);
  if (nRecords * recordDuration > MAX_SPAN_S) fail(`${nRecords} data records of ${recordDuration} s make ${nRecords * recordDuration} s, more than 100 years`);

  const talIdx: number[] = [];
  const sigIdx: number[] = [];
  for (let i = 0; i < ns; i++) (TAL_LABELS.has(labels[i]!) ? talIdx : sigIdx).push(i);
  if (plus && talIdx.length === 0) warn(`${format} file without an '${family} Annotations' signal`);

  if (recordDuration === 0 && sigIdx.some((i) => samples[i]! > 0)) {
    warn('record duration is 0 but the file has data signals; using 1 s (as MNE)');
    recordDuration = 1;
  }

  // Annotations and record time keeping.
  const { keeping, texts } = readTals(x, { headerBytes, recordBytes, signalOffset, samples, bytesPerSample }, talIdx, nRecords);
  const startOffset = nRecords > 0 && Number.isFinite(keeping[0]!) ? keeping[0]! : 0;
  if (plus && talIdx.length > 0 && nRecords > 0 && !Number.isFinite(keeping[0]!)) warn('first data record has no time-keeping TAL; start offset taken as 0');

  // Record placement (gaps.ts); annotations on the same time axis as the samples.
  const sinceStart = keeping.map((t) => t - startOffset);
  const maxRate = Math.max(1, ...sigIdx.map((i) => samples[i]! / (recordDuration || 1)));
  const placement = placeRecords(sinceStart, recordDuration, 0.5 / maxRate, plus === '+D', gapMode, warn);
  const recordOnsets = placement.onsets;
  const annotations: Annotation[] = placeAnnotations(texts.map((a) => ({ ...a, onset: a.onset - startOffset })), placement, gapMode);

  const startTime = startTimeOf(x, fixed.dateText, fixed.timeText, recording, startOffset);

  // Channels.
  const sfreqDiv = recordDuration > 0 ? recordDuration : 1;
  const nSamplesOf = (spr: number): number => {
    if (nRecords === 0) return 0;
    if (!placement.spread) return nRecords * spr;
    const n = Math.round(recordOnsets[nRecords - 1]! * spr / sfreqDiv) + spr;
    if (!Number.isSafeInteger(n)) {
      fail(`record ${nRecords - 1} starts at ${placement.fileOnsets[nRecords - 1]} s on the file's clock; zero-filling the gaps before it would need ${n} samples per channel, more than can be indexed (read with gaps: 'contiguous')`);
    }
    return n;
  };
  const unique = uniqueChannelNames(sigIdx.map((i) => labels[i]!), fail);
  for (const d of unique.renamed) warn(`channel label ${JSON.stringify(d.label)} repeats; the channels are named ${d.names.map((n) => JSON.stringify(n)).join(', ')} (as MNE)`);
  const gains: number[] = [];
  const offsets: number[] = [];
  const channels: EdfChannelInfo[] = sigIdx.map((i, c) => {
    const name = unique.names[c]!;
    const type = guessChannelType(labels[i]!);
    const stim = type === 'stim';
    const cal = calibration(sig.physMin[i]!, sig.physMax[i]!, sig.digMin[i]!, sig.digMax[i]!, `signal ${i + 1} '${name}'`, warn);
    const unitScale = stim ? 1 : unitScaleOf(sig.units[i]!);
    // BDF stim channels keep their raw digital codes (MNE's cal = 1, offset = 0)
    if (stim && family === 'BDF') { gains.push(1); offsets.push(0); }
    else { gains.push(cal.gain * unitScale); offsets.push(cal.offset * unitScale); }
    return {
      name, type, unit: sig.units[i]!, unitScale, sfreq: samples[i]! / sfreqDiv, nSamples: nSamplesOf(samples[i]!),
      physicalMin: sig.physMin[i]!, physicalMax: sig.physMax[i]!, digitalMin: sig.digMin[i]!, digitalMax: sig.digMax[i]!,
      transducer: sig.transducers[i]!, prefilter: sig.prefilters[i]!, samplesPerRecord: samples[i]!, signalIndex: i, label: labels[i]!,
    };
  });

  const duration = nRecords === 0 ? 0 : recordOnsets[nRecords - 1]! + recordDuration;
  const header: EdfHeader = {
    format, source, startTime, patient, recording, nRecords, recordDuration, channels, annotations, duration,
    warnings, startOffset, recordOnsets, recordFileOnsets: placement.fileOnsets, gaps: placement.gaps, gapMode, family, headerBytes,
  };

  // Output bound: never less than a contiguous read of every sample the file holds needs.
  let storedSamples = 0;
  for (const i of sigIdx) storedSamples += nRecords * samples[i]!;
  const maxReadBytes = options.maxReadBytes ?? Math.max(GiB, 2 * 8 * storedSamples);
  return { header, bytesPerSample, recordBytes, signalOffset, gains, offsets, placement, sfreqDiv, maxReadBytes };
}

/** True when year-month-day is a calendar date (years 1-9999, as Python's datetime). */
function isDate(year: number, month: number, day: number): boolean {
  if (!(year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1)) return false;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getUTCDate() === day && d.getUTCMonth() === month - 1;
}
