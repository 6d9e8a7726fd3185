// EDF / EDF+ / BDF / BDF+ reader: bytes in, lazy SI-unit samples out. Browser-safe (no node:*).
// header.ts parses the header and annotations (its top comment lists the behaviour, after
// MNE-Python); this file decodes samples on read(), only for the records overlapping the span and
// only for the picked channels.
//
// - Memory: `read()` refuses (FormatError naming the file, the record and the bytes needed) any
//   output larger than `maxReadBytes` (default: 1 GiB, or twice the file's samples as float64
//   when that is more, so reading a whole file contiguously is never refused by default).

import { ArgumentError, FormatError } from '../../errors.js';
import type { ReadOptions, Recording } from '../types.js';
import { resolvePicks } from '../biosig.js';
import { GiB, parseEdfHeader, type EdfHeader, type EdfLayout, type EdfReadOptions } from './header.js';

export type { EdfChannelInfo, EdfHeader, EdfReadOptions } from './header.js';
export { guessChannelType, isStimLabel, unitScaleOf } from '../biosig.js';

export interface EdfRecording extends Recording {
  readonly header: EdfHeader;
  /** Same array as `header.warnings`. */
  readonly warnings: string[];
}

const formatBytes = (n: number): string =>
  n >= GiB ? `${(n / GiB).toFixed(2)} GiB` : n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(2)} MiB` : `${n} bytes`;

/**
 * Parses an EDF/EDF+/BDF/BDF+ file. The header and annotations are decoded now; samples are
 * decoded on `read()`, only for the records overlapping the span and only for the picked channels.
 */
export function readEdf(bytes: Uint8Array, source = '<bytes>', options: EdfReadOptions = {}): EdfRecording {
  const layout = parseEdfHeader(bytes, source, options);
  return { header: layout.header, warnings: layout.header.warnings, read: edfSampleReader(bytes, layout) };
}

/** The lazy `read()` over a parsed file: SI-unit samples of the picked channels in [tmin, tmax). */
function edfSampleReader(bytes: Uint8Array, layout: EdfLayout): (opts?: ReadOptions) => Float64Array[] {
  const { header, bytesPerSample, recordBytes, signalOffset, gains, offsets, placement, sfreqDiv, maxReadBytes } = layout;
  const { channels, source, nRecords, duration, headerBytes } = header;
  const recordOnsets = placement.onsets;
  const spread = placement.spread;
  const op = `readEdf(${source}).read`;
  const names = channels.map((c) => c.name);

  /** The refusal: names the file, the last record the span reaches and the bytes it would take. */
  const refuse = (picks: number[], spans: (readonly [number, number])[], need: number): never => {
    let tEnd = 0, longest = 0;
    spans.forEach(([s0, s1], k) => { tEnd = Math.max(tEnd, s1 / channels[picks[k]!]!.sfreq); longest = Math.max(longest, s1 - s0); });
    let r = 0;
    while (r + 1 < nRecords && recordOnsets[r + 1]! < tEnd) r++;
    const zeroFilled = spread ? ` (records at their time-keeping onsets, gaps zero-filled: ${placement.gaps.reduce((s, g) => s + g.duration, 0)} s of gaps)` : '';
    throw new FormatError(`${op}: the output would need ${formatBytes(need)} (${need} bytes: ${picks.length} channel${picks.length > 1 ? 's' : ''}, up to ${longest} samples each), reaching record ${r}, which starts at ${placement.fileOnsets[r]} s on the file's clock${zeroFilled}; that is more than maxReadBytes = ${formatBytes(maxReadBytes)}. ` +
      (spread ? `Read with gaps: 'contiguous' (the default), a shorter span or fewer channels, or raise maxReadBytes.` : 'Read a shorter span or fewer channels, or raise maxReadBytes.'));
  };

  return (opts: ReadOptions = {}): Float64Array[] => {
    const picks = resolvePicks(names, opts.picks, op);
    const tmin = opts.tmin ?? 0;
    const tmax = opts.tmax ?? duration;
    if (!(tmin <= tmax)) throw new ArgumentError(`${op}: tmin ${tmin} must not exceed tmax ${tmax}`);
    const eps = 1e-9;
    const spans = picks.map((c) => {
      const ch = channels[c]!;
      const s0 = Math.min(ch.nSamples, Math.max(0, Math.ceil(tmin * ch.sfreq - eps)));
      return [s0, Math.min(ch.nSamples, Math.max(s0, Math.ceil(tmax * ch.sfreq - eps)))] as const;
    });
    let need = 0;
    for (const [s0, s1] of spans) need += 8 * (s1 - s0);
    if (need > maxReadBytes) refuse(picks, spans, need);
    return picks.map((c, k) => {
      const ch = channels[c]!;
      const spr = ch.samplesPerRecord;
      const [s0, s1] = spans[k]!;
      const out = new Float64Array(s1 - s0);
      if (s1 === s0 || spr === 0) return out;
      // First record that may overlap s0.
      let r = spread ? firstRecordEnding(recordOnsets, spr, sfreqDiv, s0) : Math.floor(s0 / spr);
      for (; r < nRecords; r++) {
        const rs = spread ? Math.round(recordOnsets[r]! * spr / sfreqDiv) : r * spr;
        if (rs >= s1) break;
        const a = Math.max(s0, rs), b = Math.min(s1, rs + spr);
        if (b <= a) continue;
        decode(bytes, headerBytes + r * recordBytes + signalOffset[ch.signalIndex]!, bytesPerSample, a - rs, b - rs,
          gains[c]!, offsets[c]!, out, a - s0);
      }
      return out;
    });
  };
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
