// GDF 1.x and 2.x header parsing (General Data Format for biosignals, Schlögl 2006; GDF 2 is ISO
// 11073-92001 draft / biosig): fixed and variable header, calibration, the event table. gdf.ts
// turns the result into a Recording whose samples are decoded lazily per read(). Text fields,
// units, channel types and calibration follow the EDF readers' rules (../biosig.ts).
//
// Layout (all little-endian):
//   fixed header, 256 bytes
//     GDF 1.x: 0 'GDF 1.25' | 8 patient(80) | 88 recording(80) | 168 start 'YYYYMMDDhhmmsscc'(16)
//              | 184 header bytes i64 | 192 equipment(8) | 200 lab(8) | 208 technician(8)
//              | 216 reserved(20) | 236 n_records i64 | 244 duration u32[2] (num/den s) | 252 n_chan u32
//     GDF 2.x: 0 'GDF 2.20' | 8 patient(66) | 74 reserved(10) | 84 smoking.. u8 | 85 weight | 86 height
//              | 87 gender.. | 88 recording(64) | 152 location(16) | 168 start u64 | 176 birthday u64
//              | 184 header length u16 (in 256-byte blocks) | 186 reserved(6) | 192 equipment(8)
//              | 200 ip(6) | 206 head size u16[3] | 212 ref xyz f32[3] | 224 gnd xyz f32[3]
//              | 236 n_records i64 | 244 duration u32[2] | 252 n_chan u16 | 254 reserved(2)
//     dates in GDF 2 are fixed point: days since 0000-01-00 times 2^32 (MATLAB datenum).
//   variable header, 256 bytes per channel, stored field by field (all labels, then all ...)
//     GDF 1.x: label 16, transducer 80, physdim 8, physmin f64, physmax f64, digmin i64, digmax i64,
//              prefilter 80, samples/record i32, type u32, reserved 32
//     GDF 2.x: label 16, transducer 80, physdim 6 (obsolete), physdim code u16, physmin f64,
//              physmax f64, digmin f64, digmax f64, reserved 68, lowpass f32, highpass f32, notch f32,
//              samples/record i32, type i32, xyz f32[3], impedance(1)+reserved(19) [< 2.19] or 5 f32
//   (GDF 2.x may be followed by a tag-length-value header 3 up to the header length; skipped.)
//   data records: per record, channel after channel, n_samples[c] values of type[c]
//   event table after the last record:
//     mode u8 (1: pos+type; 3: pos+type+chan+dur; 5: as 3 + timestamps, ignored)
//     GDF < 1.94: event rate uint24, n_events u32     GDF >= 1.94: n_events uint24, event rate f32
//     pos u32[n] (1-based), type u16[n], [chan u16[n] (0 = all), dur u32[n] (samples)]

import { FormatError } from '../../errors.js';
import type { Annotation, ChannelInfo, RecordingHeader } from '../types.js';
import { calibration, guessChannelType, headerText as latin1, unitScaleOf } from '../biosig.js';

export interface GdfEvent {
  /** 0-based sample index at the event table's rate (the file stores it 1-based). */
  position: number;
  /** Event type code (e.g. 0x0300 = 768 start of trial). */
  type: number;
  /** Channel as stored (0 = all channels, k = k-th channel, 1-based); modes 3 and 5 only. */
  channel?: number;
  /** Duration in samples as stored; modes 3 and 5 only. */
  duration?: number;
}

export interface GdfType {
  name: string;
  bytes: number;
  get: (v: DataView, off: number) => number;
}

/** GDF data type codes: 1-8 integer types, 16/17 float32/64, 255+24 int24, 511+24 uint24. */
export const GDF_TYPES: Readonly<Record<number, GdfType>> = {
  1: { name: 'int8', bytes: 1, get: (v, o) => v.getInt8(o) },
  2: { name: 'uint8', bytes: 1, get: (v, o) => v.getUint8(o) },
  3: { name: 'int16', bytes: 2, get: (v, o) => v.getInt16(o, true) },
  4: { name: 'uint16', bytes: 2, get: (v, o) => v.getUint16(o, true) },
  5: { name: 'int32', bytes: 4, get: (v, o) => v.getInt32(o, true) },
  6: { name: 'uint32', bytes: 4, get: (v, o) => v.getUint32(o, true) },
  // 64-bit integers become doubles (exact up to 2^53, as numpy's astype(float64)).
  7: { name: 'int64', bytes: 8, get: (v, o) => Number(v.getBigInt64(o, true)) },
  8: { name: 'uint64', bytes: 8, get: (v, o) => Number(v.getBigUint64(o, true)) },
  16: { name: 'float32', bytes: 4, get: (v, o) => v.getFloat32(o, true) },
  17: { name: 'float64', bytes: 8, get: (v, o) => v.getFloat64(o, true) },
  279: {
    name: 'int24', bytes: 3,
    get: (v, o) => { const x = v.getUint8(o) | (v.getUint8(o + 1) << 8) | (v.getUint8(o + 2) << 16); return x >= 0x800000 ? x - 0x1000000 : x; },
  },
  535: { name: 'uint24', bytes: 3, get: (v, o) => v.getUint8(o) | (v.getUint8(o + 1) << 8) | (v.getUint8(o + 2) << 16) },
};

/** Names of common GDF event codes (biosig's eventcodes.txt, BCI-competition usage). MNE keeps the
 *  bare code as the description; so does readGdf — use this table to name them yourself. */
export const GDF_EVENT_NAMES: Readonly<Record<number, string>> = {
  0x0001: 'artifact:EOG',
  0x0002: 'artifact:ECG',
  0x0003: 'artifact:EMG/Muscle',
  0x0004: 'artifact:Movement',
  0x0005: 'artifact:Failing Electrode',
  0x0300: 'Start of Trial, Trigger at t=0s',
  0x0301: 'class1, Left hand - cue onset',
  0x0302: 'class2, Right hand - cue onset',
  0x0303: 'class3, Foot, towards Right - cue onset',
  0x0304: 'class4, Tongue - cue onset',
  0x030f: 'cue unknown/undefined',
  0x03ff: 'Rejection of whole trial',
  0x0430: 'Eye movements',
  0x0431: 'eyes left',
  0x0432: 'eyes right',
  0x0433: 'eyes up',
  0x0434: 'eyes down',
  0x0435: 'horizontal eye movement',
  0x0436: 'vertical eye movement',
  0x0437: 'eye rotation (clockwise)',
  0x0438: 'eye rotation (counterclockwise)',
  0x0439: 'eye blinks',
  0x0114: 'Eyes open',
  0x0115: 'Eyes closed',
  0x7ffe: 'Start of a new segment (after a break)',
};

/** GDF 2 decimal prefix codes (low 5 bits of the physical dimension code). */
const PREFIX: Readonly<Record<number, [string, number]>> = {
  0: ['', 1], 1: ['da', 1e1], 2: ['h', 1e2], 3: ['k', 1e3], 4: ['M', 1e6], 5: ['G', 1e9], 6: ['T', 1e12],
  7: ['P', 1e15], 8: ['E', 1e18], 9: ['Z', 1e21], 10: ['Y', 1e24],
  16: ['d', 1e-1], 17: ['c', 1e-2], 18: ['m', 1e-3], 19: ['u', 1e-6], 20: ['n', 1e-9], 21: ['p', 1e-12],
  22: ['f', 1e-15], 23: ['a', 1e-18], 24: ['z', 1e-21], 25: ['y', 1e-24],
};
/** GDF 2 unit codes (high 11 bits), the few that matter for biosignals. `si`: whether the prefix
 *  factor converts to an SI unit (V, Ohm); dimensionless codes keep factor 1. */
const UNIT: Readonly<Record<number, [string, boolean]>> = {
  512: ['', false], // dimensionless
  544: ['%', false],
  4256: ['V', true],
  4288: ['Ohm', true],
};

/** Days since 0000-01-00 (MATLAB datenum) of 1970-01-01. */
const DATENUM_UNIX_EPOCH = 719529;

function gdf2Date(raw: bigint): Date | null {
  if (raw === 0n) return null;
  const days = Number(raw >> 32n) + Number(raw & 0xffffffffn) / 2 ** 32;
  const ms = Math.round((days - DATENUM_UNIX_EPOCH) * 86400000);
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d;
}

function gdf1Date(s: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})([\d ]{2})?/.exec(s);
  if (!m) return null;
  const cs = m[7] && m[7].trim() !== '' ? Number(m[7]) : 0;
  const t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, cs * 10);
  return Number.isNaN(t) ? null : new Date(t);
}

/** A parsed GDF file: the header, the events, and where each channel's samples lie. */
export interface GdfLayout {
  header: RecordingHeader;
  events: GdfEvent[];
  eventSfreq: number;
  warnings: string[];
  /** Per channel: GDF data type code, samples per record, byte offset inside a record. */
  types: number[];
  samplesPerRecord: number[];
  recordOffsets: number[];
  recordBytes: number;
  headerBytes: number;
  /** Per channel: phys = (raw · cal + offset) · scale. */
  cals: number[];
  offsets: number[];
  scales: number[];
}

/**
 * Parses the header and event table of a GDF 1.x or 2.x file; samples stay in the bytes.
 * Calibration as MNE: `(raw * cal + offset) * unitScale` with `cal = (physMax - physMin) /
 * (digMax - digMin)` and `offset = physMin - digMin * cal`. The event table becomes `events` and
 * `header.annotations` (onset = position / event rate, duration = stored duration / event rate or
 * 0 for mode 1, description = the type code).
 */
export function parseGdfHeader(bytes: Uint8Array, view: DataView, source: string): GdfLayout {
  const warnings: string[] = [];
  const fail = (field: string, msg: string): never => {
    throw new FormatError(`readGdf: ${source}: ${field}: ${msg}`);
  };
  if (bytes.length < 256) fail('header', `file has ${bytes.length} bytes, a GDF header needs at least 256`);
  const magic = latin1(bytes, 0, 8);
  const vm = /^GDF\s*(\d+)\.(\d+)/.exec(magic);
  if (!vm) fail('version', `expected 'GDF x.yy' in the first 8 bytes, found ${JSON.stringify(magic)}`);
  const version = Number(`${vm![1]}.${vm![2]}`);
  const v2 = version >= 1.9;

  let patient: string, recording: string, startTime: Date | null, headerBytes: number, nChan: number;
  if (!v2) {
    patient = latin1(bytes, 8, 80);
    recording = latin1(bytes, 88, 80);
    startTime = gdf1Date(latin1(bytes, 168, 16));
    headerBytes = Number(view.getBigInt64(184, true));
    nChan = view.getUint32(252, true);
  } else {
    patient = latin1(bytes, 8, 66);
    recording = latin1(bytes, 88, 64);
    startTime = gdf2Date(view.getBigUint64(168, true));
    headerBytes = view.getUint16(184, true) * 256;
    nChan = view.getUint16(252, true);
  }
  let nRecords = Number(view.getBigInt64(236, true));
  let durNum = view.getUint32(244, true);
  const durDen = view.getUint32(248, true);
  if (durNum === 0) {
    warnings.push('record duration numerator is 0; using 1 (as MNE)');
    durNum = 1;
  }
  if (durDen === 0) fail('record duration', `denominator is 0 (numerator ${durNum})`);
  const recordDuration = durNum / durDen;
  if (nChan > 65535) fail('number of channels', `${nChan} is implausible`);
  const minHeader = 256 * (nChan + 1);
  if (headerBytes < minHeader) fail('header length', `${headerBytes} bytes is less than 256 * (1 + ${nChan} channels)`);
  if (headerBytes > bytes.length) fail('header length', `${headerBytes} bytes exceeds the file size ${bytes.length}`);

  const { labels, transducers, unitStrs, unitCodes, physMin, physMax, digMin, digMax, prefilters, samplesPerRecord, types } = channelFields(bytes, view, nChan, v2);

  const cals: number[] = [], offsets: number[] = [], units: string[] = [], scales: number[] = [];
  const recordOffsets: number[] = [];
  let recordBytes = 0;
  for (let c = 0; c < nChan; c++) {
    const t = GDF_TYPES[types[c]!];
    if (!t) fail(`data type of channel ${c} (${labels[c]})`, `unsupported GDF type code ${types[c]}`);
    const ns = samplesPerRecord[c]!;
    if (!(ns >= 0)) fail(`samples per record of channel ${c} (${labels[c]})`, `${ns} is negative`);
    recordOffsets.push(recordBytes);
    recordBytes += ns * t!.bytes;
    const cal = calibration(physMin[c]!, physMax[c]!, digMin[c]!, digMax[c]!, `channel ${labels[c]}`, (m) => warnings.push(m));
    cals.push(cal.gain);
    offsets.push(cal.offset);
    // Units: GDF 2 codes first, the textual field otherwise.
    let unit = unitStrs[c]!, scale = unitScaleOf(unit);
    const code = unitCodes?.[c];
    if (code !== undefined && code !== 0) {
      const base = UNIT[code & 0xffe0], pre = PREFIX[code & 0x1f];
      if (base && pre) {
        unit = base[0] === '' && pre[0] === '' ? (code === 512 ? '' : unit) : pre[0] + base[0];
        scale = base[1] ? pre[1] : 1;
      } else {
        warnings.push(`channel ${labels[c]}: unknown physical dimension code ${code}; using '${unit}' (scale ${scale})`);
      }
    }
    units.push(unit);
    // stim codes are dimensionless: unit scale 1, as the EDF readers and MNE (units[stim] = 1)
    scales.push(guessChannelType(labels[c]!) === 'stim' ? 1 : scale);
  }
  if (nChan > 0 && recordBytes === 0 && nRecords !== 0) fail('samples per record', 'every channel has 0 samples per record');

  const dataEnd = (n: number) => headerBytes + n * recordBytes;
  if (nRecords < 0) {
    const n = recordBytes > 0 ? Math.floor((bytes.length - headerBytes) / recordBytes) : 0;
    warnings.push(`number of records is ${nRecords} (unknown); ${n} complete records found in the file`);
    nRecords = n;
  } else if (dataEnd(nRecords) > bytes.length) {
    fail('number of records', `${nRecords} records of ${recordBytes} bytes after a ${headerBytes}-byte header need ${dataEnd(nRecords)} bytes, the file has ${bytes.length}`);
  }

  const channels: ChannelInfo[] = labels.map((name, c) => ({
    name,
    type: guessChannelType(name),
    unit: units[c]!,
    unitScale: scales[c]!,
    sfreq: samplesPerRecord[c]! / recordDuration,
    nSamples: samplesPerRecord[c]! * nRecords,
    physicalMin: physMin[c]!,
    physicalMax: physMax[c]!,
    digitalMin: digMin[c]!,
    digitalMax: digMax[c]!,
    transducer: transducers[c]!,
    prefilter: prefilters[c]!,
  }));

  const { events, eventSfreq } = readEventTable(bytes, view, dataEnd(nRecords), version, fail, warnings);

  const maxSfreq = channels.reduce((m, ch) => Math.max(m, ch.sfreq), 0);
  const evRate = eventSfreq > 0 && Number.isFinite(eventSfreq) ? eventSfreq : maxSfreq;
  // without any rate an onset would be position / 0: Infinity or NaN
  if (events.length > 0 && !(evRate > 0)) fail('event table', `${events.length} events, but the event rate is ${eventSfreq} and no channel has a sampling rate to fall back on`);
  if (events.length > 0 && !(eventSfreq > 0)) warnings.push(`event table rate is ${eventSfreq}; using the highest channel rate ${maxSfreq} Hz`);
  const annotations: Annotation[] = events.map((e) => ({
    onset: e.position / evRate,
    duration: (e.duration ?? 0) / evRate,
    description: String(e.type),
  }));

  const header: RecordingHeader = {
    format: `GDF ${vm![1]}.${vm![2]}`,
    source,
    startTime,
    patient,
    recording,
    nRecords,
    recordDuration,
    channels,
    annotations,
    duration: nRecords * recordDuration,
  };

  return { header, events, eventSfreq, warnings, types, samplesPerRecord, recordOffsets, recordBytes, headerBytes, cals, offsets, scales };
}

/**
 * The event table after the last record (none when the data end the file): mode 1, 3 or 5
 * (another mode is warned about and ignored), its rate, and the events, positions made 0-based.
 */
function readEventTable(bytes: Uint8Array, view: DataView, start: number, version: number, fail: (field: string, msg: string) => never, warnings: string[]): { events: GdfEvent[]; eventSfreq: number } {
  const events: GdfEvent[] = [];
  let eventSfreq = 0;
  let etp = start;
  if (etp >= bytes.length) return { events, eventSfreq };
  const mode = bytes[etp]!;
  if (bytes.length - etp < 8) fail('event table', `${bytes.length - etp} bytes after the data, an event table header needs 8`);
  let n: number;
  if (version < 1.94) {
    eventSfreq = bytes[etp + 1]! | (bytes[etp + 2]! << 8) | (bytes[etp + 3]! << 16);
    n = view.getUint32(etp + 4, true);
  } else {
    n = bytes[etp + 1]! | (bytes[etp + 2]! << 8) | (bytes[etp + 3]! << 16);
    eventSfreq = view.getFloat32(etp + 4, true);
  }
  etp += 8;
  if (mode !== 1 && mode !== 3 && mode !== 5) {
    warnings.push(`event table mode ${mode} is not 1, 3 or 5; events ignored`);
    return { events, eventSfreq };
  }
  const need = n * (mode === 1 ? 6 : 12);
  if (bytes.length - etp < need) fail('event table', `${n} events of mode ${mode} need ${need} bytes, ${bytes.length - etp} remain`);
  if (mode === 5) warnings.push('event table mode 5: timestamps ignored');
  for (let i = 0; i < n; i++) {
    const ev: GdfEvent = { position: view.getUint32(etp + 4 * i, true) - 1, type: view.getUint16(etp + 4 * n + 2 * i, true) };
    if (mode !== 1) {
      ev.channel = view.getUint16(etp + 6 * n + 2 * i, true);
      ev.duration = view.getUint32(etp + 8 * n + 4 * i, true);
    }
    events.push(ev);
  }
  return { events, eventSfreq };
}

/** The variable header: 256 bytes per channel, stored field by field (all labels, then all ...). */
function channelFields(bytes: Uint8Array, view: DataView, nChan: number, v2: boolean) {
  let p = 256;
  const str = (len: number): string[] => {
    const out: string[] = [];
    for (let c = 0; c < nChan; c++) out.push(latin1(bytes, p + c * len, len));
    p += len * nChan;
    return out;
  };
  const num = (len: number, get: (o: number) => number): number[] => {
    const out: number[] = [];
    for (let c = 0; c < nChan; c++) out.push(get(p + c * len));
    p += len * nChan;
    return out;
  };
  const f64 = (o: number) => view.getFloat64(o, true);
  const f32 = (o: number) => view.getFloat32(o, true);
  const i32 = (o: number) => view.getInt32(o, true);
  const labels = str(16);
  const transducers = str(80);
  let unitStrs: string[], unitCodes: number[] | null = null;
  let physMin: number[], physMax: number[], digMin: number[], digMax: number[], prefilters: string[];
  if (!v2) {
    unitStrs = str(8);
    physMin = num(8, f64);
    physMax = num(8, f64);
    digMin = num(8, (o) => Number(view.getBigInt64(o, true)));
    digMax = num(8, (o) => Number(view.getBigInt64(o, true)));
    prefilters = str(80);
  } else {
    unitStrs = str(6);
    unitCodes = num(2, (o) => view.getUint16(o, true));
    physMin = num(8, f64);
    physMax = num(8, f64);
    digMin = num(8, f64);
    digMax = num(8, f64);
    p += 68 * nChan;
    const lp = num(4, f32), hp = num(4, f32), notch = num(4, f32);
    prefilters = lp.map((l, c) => {
      const parts: string[] = [];
      if (Number.isFinite(hp[c]) && hp[c]! > 0) parts.push(`HP:${hp[c]}Hz`);
      if (Number.isFinite(l) && l > 0) parts.push(`LP:${l}Hz`);
      if (Number.isFinite(notch[c]) && notch[c]! > 0) parts.push(`N:${notch[c]}Hz`);
      return parts.join(' ');
    });
  }
  const samplesPerRecord = num(4, i32);
  const types = num(4, i32);

  return { labels, transducers, unitStrs, unitCodes, physMin, physMax, digMin, digMax, prefilters, samplesPerRecord, types };
}
