// GDF 1.x and 2.x reader: bytes in, `Recording` out. header.ts parses the header and the event
// table (its top comment gives the layout); this file decodes samples lazily per read(), in SI
// units, each channel at its own sampling rate.

import type { ReadOptions, Recording } from '../types.js';
import { resolvePicks } from '../biosig.js';
import { GDF_TYPES, parseGdfHeader, type GdfEvent, type GdfLayout } from './header.js';

export { GDF_TYPES, GDF_EVENT_NAMES, type GdfEvent } from './header.js';

export interface GdfRecording extends Recording {
  readonly events: GdfEvent[];
  /** Sampling rate of the event table (0 when the file gives none). */
  readonly eventSfreq: number;
  /** Non-fatal oddities met while parsing (unknown units, a missing event table, ...). */
  readonly warnings: string[];
  /** Per-channel GDF data type codes (3 = int16, 16 = float32, ...). */
  readonly dataTypes: number[];
}

/**
 * Parse a GDF 1.x or 2.x file. Channel data are decoded lazily by `read()`, in SI units:
 * `(raw * cal + offset) * unitScale` with `cal = (physMax - physMin) / (digMax - digMin)` and
 * `offset = physMin - digMin * cal`, as MNE computes it. Channels keep their own sampling rates.
 * The event table becomes `events` and `header.annotations` (onset = position / event rate,
 * duration = stored duration / event rate or 0 for mode 1, description = the type code).
 */
export function readGdf(input: Uint8Array | ArrayBuffer, source = '<bytes>'): GdfRecording {
  const bytes = input instanceof Uint8Array ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength) : new Uint8Array(input);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const layout = parseGdfHeader(bytes, view, source);
  const { header, events, eventSfreq, warnings, types } = layout;
  return { header, read: gdfSampleReader(view, layout), events, eventSfreq, warnings, dataTypes: types };
}

/** The lazy `read()`: samples [round(tmin·sfreq), round(tmax·sfreq)) of the picked channels. */
function gdfSampleReader(view: DataView, layout: GdfLayout): (opts?: ReadOptions) => Float64Array[] {
  const { header, types, samplesPerRecord, recordOffsets, recordBytes, headerBytes, cals, offsets, scales } = layout;
  const channels = header.channels;
  const labels = channels.map((c) => c.name);
  return (opts: ReadOptions = {}): Float64Array[] => {
    const idx = resolvePicks(labels, opts.picks, `readGdf: ${header.source}: picks`);
    return idx.map((c) => {
      const ch = channels[c]!;
      const ns = samplesPerRecord[c]!;
      const total = ch.nSamples;
      const sf = ch.sfreq;
      const start = opts.tmin !== undefined ? Math.min(total, Math.max(0, Math.round(opts.tmin * sf))) : 0;
      const end = opts.tmax !== undefined ? Math.min(total, Math.max(start, Math.round(opts.tmax * sf))) : total;
      const out = new Float64Array(end - start);
      if (out.length === 0) return out;
      const t = GDF_TYPES[types[c]!]!;
      const get = t.get, tb = t.bytes;
      const cal = cals[c]!, off = offsets[c]!, sc = scales[c]!;
      let s = start;
      let k = 0;
      while (s < end) {
        const rec = Math.floor(s / ns);
        const first = s - rec * ns;
        const last = Math.min(ns, end - rec * ns);
        let o = headerBytes + rec * recordBytes + recordOffsets[c]! + first * tb;
        for (let j = first; j < last; j++, o += tb) out[k++] = (get(view, o) * cal + off) * sc;
        s = rec * ns + last;
      }
      return out;
    });
  };
}
