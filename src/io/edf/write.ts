// EDF+ / BDF+ writer (EDF+C / BDF+C): the inverse of readEdf for what it reads.
//
// - Samples come in SI units (as `read()` returns them) and are stored in `unit` (default 'uV';
//   an unknown unit is stored with factor 1, as the reader reads it). Stim channels (labels the
//   reader types as stim) are stored unscaled, and in BDF as raw digital codes, as the reader
//   returns them.
// - Ranges: a channel's own physical/digital range is kept when it is given and every sample
//   maps to a digital value the format (EDF 16-bit, BDF 24-bit) can store (so a read file is
//   written back bit-exact); stim channels holding integer codes are stored as they are
//   (physical = digital); otherwise the physical range is the data's min/max (rounded outwards
//   to what fits the 8-char header field) and the digital range is the format's full range.
// - Records: `recordDuration` (default 1 s, or the smallest whole number of seconds up to 60
//   that holds a whole number of samples of every channel). The last record is padded with the
//   digital value nearest to physical 0; the reader then returns those padding samples too.
// - Annotations go into one 'EDF Annotations' / 'BDF Annotations' signal: each record starts with
//   its time-keeping TAL, annotations follow in onset order (spilling into later records when a
//   record is full; TALs carry their own onsets). The signal is sized to fit.
// - A sub-second start time is written as the header's whole second plus the time-keeping offset.

import { ArgumentError, FormatError } from '../../errors.js';
import type { Annotation } from '../types.js';
import { encodeTal } from './tal.js';
import { isStimLabel, unitScaleOf } from '../biosig.js';

export interface EdfWriteChannel {
  name: string;
  /** Samples per second. */
  sfreq: number;
  /** Samples in SI units (volts for voltage channels). */
  data: ArrayLike<number>;
  /** Physical dimension to store ('uV', 'mV', 'V', ...); see the file comment for the default. */
  unit?: string;
  transducer?: string;
  prefilter?: string;
  physicalMin?: number;
  physicalMax?: number;
  digitalMin?: number;
  digitalMax?: number;
}

export interface EdfWriteInput {
  patient?: string;
  recording?: string;
  startTime?: Date | null;
  /** Exact sub-second offset (seconds) of the start, overriding startTime's milliseconds. */
  startOffset?: number;
  channels: readonly EdfWriteChannel[];
  annotations?: readonly Annotation[];
}

export interface EdfWriteOptions {
  format?: 'EDF+' | 'BDF+';
  /** Seconds per data record. */
  recordDuration?: number;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** Writes an EDF+C or BDF+C file. */
export function writeEdf(rec: EdfWriteInput, opts: EdfWriteOptions = {}): Uint8Array {
  const format = opts.format ?? 'EDF+';
  if (format !== 'EDF+' && format !== 'BDF+') throw new ArgumentError(`writeEdf: format must be 'EDF+' or 'BDF+', got ${JSON.stringify(format)}`);
  const bdf = format === 'BDF+';
  const bps = bdf ? 3 : 2;
  const DMIN = bdf ? -8388608 : -32768;
  const DMAX = bdf ? 8388607 : 32767;
  const chans = rec.channels;
  for (const c of chans) {
    if (!(c.sfreq > 0) || !Number.isFinite(c.sfreq)) throw new ArgumentError(`writeEdf: channel '${c.name}': sfreq must be > 0, got ${c.sfreq}`);
  }

  // Record duration.
  const fits = (d: number): boolean => chans.every((c) => Math.abs(c.sfreq * d - Math.round(c.sfreq * d)) < 1e-6 * Math.max(1, c.sfreq * d));
  let recordDuration = opts.recordDuration;
  if (recordDuration === undefined) {
    recordDuration = 1;
    for (let d = 1; d <= 60; d++) if (fits(d)) { recordDuration = d; break; }
  }
  if (!(recordDuration > 0) || !fits(recordDuration)) {
    throw new ArgumentError(`writeEdf: record duration ${recordDuration} s does not hold a whole number of samples of every channel (rates ${chans.map((c) => c.sfreq).join(', ')})`);
  }
  const durText = fmtBound(recordDuration, 'near');
  if (Number(durText) !== recordDuration) throw new ArgumentError(`writeEdf: record duration ${recordDuration} does not fit the 8-character header field`);
  const spr = chans.map((c) => Math.round(c.sfreq * recordDuration!));
  const nRecords = Math.max(1, ...chans.map((c, i) => Math.ceil(c.data.length / spr[i]!)));

  // Scaling per channel.
  const plan = chans.map((c) => {
    const stim = isStimLabel(c.name);
    const unit = c.unit ?? (stim ? '' : 'uV');
    const scale = stim ? 1 : unitScaleOf(unit);
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < c.data.length; i++) {
      const v = c.data[i]! / scale;
      if (!Number.isFinite(v)) throw new ArgumentError(`writeEdf: channel '${c.name}' has a non-finite sample at ${i}`);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (c.data.length === 0) { lo = 0; hi = 0; }
    let pMin: number, pMax: number, dMin: number, dMax: number;
    const fits8 = (v: number): boolean => String(v).length <= 8 && !/e/i.test(String(v));
    // The channel's own ranges are kept when every sample maps to a digital value the format can
    // store (samples outside the stated physical range included, as files do have them).
    let given = c.physicalMin !== undefined && c.physicalMax !== undefined && c.digitalMin !== undefined && c.digitalMax !== undefined
      && Number.isInteger(c.digitalMin) && Number.isInteger(c.digitalMax) && c.digitalMax !== c.digitalMin && c.physicalMax !== c.physicalMin
      && c.digitalMin >= DMIN && c.digitalMax <= DMAX && c.digitalMin <= DMAX && c.digitalMax >= DMIN
      && fits8(c.physicalMin) && fits8(c.physicalMax);
    if (given && !(stim && bdf)) {
      const k = (c.digitalMax! - c.digitalMin!) / (c.physicalMax! - c.physicalMin!);
      const a = Math.round((lo - c.physicalMin!) * k + c.digitalMin!), b = Math.round((hi - c.physicalMin!) * k + c.digitalMin!);
      given = Math.min(a, b) >= DMIN && Math.max(a, b) <= DMAX;
    }
    let allInt = true;
    for (let i = 0; i < c.data.length && allInt; i++) allInt = Number.isInteger(c.data[i]);
    // BDF stim channels are read back as raw digital codes, so their samples are the digital
    // values; the header keeps the given ranges (or identity ones).
    const identity = stim && bdf;
    if (identity) {
      if (!allInt || lo < DMIN || hi > DMAX) throw new ArgumentError(`writeEdf: BDF stim channel '${c.name}' needs integer codes in [${DMIN}, ${DMAX}]`);
      if (!given) { pMin = DMIN; pMax = DMAX; dMin = DMIN; dMax = DMAX; }
      else { pMin = c.physicalMin!; pMax = c.physicalMax!; dMin = c.digitalMin!; dMax = c.digitalMax!; }
    } else if (given) {
      pMin = c.physicalMin!; pMax = c.physicalMax!; dMin = c.digitalMin!; dMax = c.digitalMax!;
    } else if (stim && allInt && lo >= DMIN && hi <= DMAX) {
      // integer trigger codes: stored as they are (physical = digital)
      pMin = DMIN; pMax = DMAX; dMin = DMIN; dMax = DMAX;
    } else {
      if (lo === hi) { lo -= 1; hi += 1; }
      const a = fmtBound(lo, 'down'), b = fmtBound(hi, 'up');
      pMin = Number(a); pMax = Number(b); dMin = DMIN; dMax = DMAX;
    }
    return { unit, scale, pMin, pMax, dMin, dMax, identity };
  });

  // Annotation signal: time-keeping TAL per record + annotations in onset order.
  const startMs = rec.startTime ? rec.startTime.getTime() : null;
  const headerSecondMs = startMs === null ? null : Math.floor(startMs / 1000) * 1000;
  const sub = rec.startOffset ?? (startMs === null ? 0 : (startMs - headerSecondMs!) / 1000);
  const anns = [...(rec.annotations ?? [])].sort((a, b) => a.onset - b.onset);
  const annTals = anns.map((a) => encodeTal(a.onset + sub, a.duration, [a.description]));
  const keep = Array.from({ length: nRecords }, (_, r) => encodeTal(r * recordDuration! + sub, 0, ['']));
  const keepMax = Math.max(...keep.map((k) => k.length));
  const totalAnn = annTals.reduce((s, t) => s + t.length, 0);
  let capacity = Math.max(keepMax + Math.max(0, ...annTals.map((t) => t.length)), keepMax + Math.ceil(totalAnn / nRecords));
  let assign: number[][];
  for (;;) {
    assign = Array.from({ length: nRecords }, () => []);
    let r = 0, used = keep[0]!.length, ok = true;
    for (let j = 0; j < annTals.length; j++) {
      const want = Math.min(nRecords - 1, Math.max(0, Math.floor((anns[j]!.onset) / recordDuration)));
      if (want > r) { r = want; used = keep[r]!.length; }
      while (r < nRecords && used + annTals[j]!.length > capacity) { r++; if (r < nRecords) used = keep[r]!.length; }
      if (r >= nRecords) { ok = false; break; }
      assign[r]!.push(j);
      used += annTals[j]!.length;
    }
    if (ok) break;
    capacity = Math.ceil(capacity * 1.5) + 8;
  }
  const talSamples = Math.ceil(capacity / bps);

  // Header.
  const ns = chans.length + 1;
  const headerBytes = 256 * (ns + 1);
  const recordBytes = (spr.reduce((s, n) => s + n, 0) + talSamples) * bps;
  const out = new Uint8Array(headerBytes + nRecords * recordBytes);
  let p = 0;
  const put = (text: string, len: number): void => {
    for (let i = 0; i < len; i++) {
      const c = i < text.length ? text.charCodeAt(i) : 32;
      out[p + i] = c >= 32 && c < 127 ? c : i < text.length ? 95 /* _ */ : 32;
    }
    p += len;
  };
  if (bdf) { out[0] = 0xff; p = 1; put('BIOSEMI', 7); } else put('0', 8);
  const date = headerSecondMs === null ? null : new Date(headerSecondMs);
  const two = (n: number): string => String(n).padStart(2, '0');
  put(rec.patient && rec.patient.trim() ? rec.patient.trim() : 'X X X X', 80);
  const startdate = date ? `${two(date.getUTCDate())}-${MONTHS[date.getUTCMonth()]}-${date.getUTCFullYear()}` : 'X';
  let recording = (rec.recording ?? '').trim();
  if (recording.startsWith('Startdate ')) {
    const parts = recording.split(' ');
    parts[1] = startdate;
    recording = parts.join(' ');
  } else recording = `Startdate ${startdate} X X X${recording ? ' ' + recording : ''}`;
  put(recording, 80);
  put(date ? `${two(date.getUTCDate())}.${two(date.getUTCMonth() + 1)}.${two(date.getUTCFullYear() % 100)}` : '01.01.85', 8);
  put(date ? `${two(date.getUTCHours())}.${two(date.getUTCMinutes())}.${two(date.getUTCSeconds())}` : '00.00.00', 8);
  put(String(headerBytes), 8);
  put(bdf ? 'BDF+C' : 'EDF+C', 44);
  put(String(nRecords), 8);
  put(durText, 8);
  put(String(ns), 4);
  const each = (f: (i: number) => string, len: number): void => {
    for (let i = 0; i < chans.length; i++) put(f(i), len);
    put(f(-1), len);
  };
  const tal = bdf ? 'BDF Annotations' : 'EDF Annotations';
  each((i) => (i < 0 ? tal : chans[i]!.name), 16);
  each((i) => (i < 0 ? '' : chans[i]!.transducer ?? ''), 80);
  each((i) => (i < 0 ? '' : plan[i]!.unit), 8);
  each((i) => (i < 0 ? '-1' : String(plan[i]!.pMin)), 8);
  each((i) => (i < 0 ? '1' : String(plan[i]!.pMax)), 8);
  each((i) => String(i < 0 ? DMIN : plan[i]!.dMin), 8);
  each((i) => String(i < 0 ? DMAX : plan[i]!.dMax), 8);
  each((i) => (i < 0 ? '' : chans[i]!.prefilter ?? ''), 80);
  each((i) => String(i < 0 ? talSamples : spr[i]!), 8);
  each(() => '', 32);
  if (p !== headerBytes) throw new FormatError(`writeEdf: internal error, header is ${p} bytes, expected ${headerBytes}`);

  // Records.
  const dig = plan.map((q, i) => {
    const c = chans[i]!;
    const k = (q.dMax - q.dMin) / (q.pMax - q.pMin);
    const zero = q.identity ? 0 : Math.min(DMAX, Math.max(DMIN, Math.round((0 - q.pMin) * k + q.dMin)));
    return { k, zero, c, q };
  });
  for (let r = 0; r < nRecords; r++) {
    let o = headerBytes + r * recordBytes;
    for (let i = 0; i < chans.length; i++) {
      const { k, zero, c, q } = dig[i]!;
      const n = spr[i]!;
      for (let j = 0; j < n; j++, o += bps) {
        const s = r * n + j;
        let d = zero;
        if (s < c.data.length) {
          d = q.identity ? c.data[s]! : Math.round((c.data[s]! / q.scale - q.pMin) * k + q.dMin);
          if (d < DMIN) d = DMIN; else if (d > DMAX) d = DMAX;
        }
        out[o] = d & 0xff;
        out[o + 1] = (d >> 8) & 0xff;
        if (bdf) out[o + 2] = (d >> 16) & 0xff;
      }
    }
    out.set(keep[r]!, o);
    let q = o + keep[r]!.length;
    for (const j of assign![r]!) { out.set(annTals[j]!, q); q += annTals[j]!.length; }
  }
  return out;
}

/** Shortest decimal (<= 8 chars, no exponent) that is <= x ('down'), >= x ('up') or nearest. */
function fmtBound(x: number, dir: 'down' | 'up' | 'near'): string {
  for (let dec = 7; dec >= 0; dec--) {
    const f = 10 ** dec;
    let k = dir === 'up' ? Math.ceil(x * f) : dir === 'down' ? Math.floor(x * f) : Math.round(x * f);
    let s = trim((k / f).toFixed(dec));
    if (dir === 'up' && Number(s) < x) s = trim(((k = k + 1) / f).toFixed(dec));
    if (dir === 'down' && Number(s) > x) s = trim(((k = k - 1) / f).toFixed(dec));
    if (s === '-0') s = '0';
    if (s.length <= 8) return s;
  }
  throw new ArgumentError(`writeEdf: value ${x} does not fit an 8-character EDF header field`);
}

function trim(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

