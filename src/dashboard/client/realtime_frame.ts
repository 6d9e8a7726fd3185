// The WebSocket relay's messages as a page reads them (the layout src/node/lsl/relay.ts writes):
// one JSON text frame describing the stream, then one binary frame per chunk — a 24-byte header
// (tag 1, C, N, frames dropped, f64 base timestamp), f32[N] timestamps relative to the base,
// f32[N*C] values sample-major. Anything else is a FormatError naming the offending value.
import { FormatError } from '../../errors.js';

export const RELAY_FRAME_TAG = 1;
export const RELAY_HEADER_BYTES = 24;

/** What the relay says of its stream when a page connects. */
export interface RelayHello {
  name: string;
  streamType: string;
  channelCount: number;
  channelFormat: string;
  nominalSrate: number;
  /** Channel labels from the stream's desc, null when the outlet lists none. */
  channels: string[] | null;
}

export interface RelayFrame {
  channels: number;
  count: number;
  /** Frames the relay dropped for this page so far (it was too slow). */
  dropped: number;
  /** Outlet-clock seconds of each sample. */
  timestamps: Float64Array;
  /** (count, channels) row-major. */
  data: Float32Array;
}

/** Parses the relay's info message; a missing or wrong-typed field is a FormatError. */
export function parseRelayHello(text: string): RelayHello {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new FormatError(`relay info message: not JSON (${(e as Error).message}): ${text.slice(0, 80)}`);
  }
  const o = j as Record<string, unknown> | null;
  if (!o || o['type'] !== 'info') throw new FormatError(`relay info message: expected {"type":"info",...}, got ${text.slice(0, 80)}`);
  const C = o['channelCount'];
  const sr = o['nominalSrate'];
  if (typeof C !== 'number' || !Number.isInteger(C) || C < 1 || C > 65536) throw new FormatError(`relay info message: channelCount must be an integer in [1, 65536], got ${JSON.stringify(C)}`);
  if (typeof sr !== 'number' || !Number.isFinite(sr) || sr < 0) throw new FormatError(`relay info message: nominalSrate must be a number >= 0, got ${JSON.stringify(sr)}`);
  const ch = o['channels'];
  let channels: string[] | null = null;
  if (ch !== null && ch !== undefined) {
    if (!Array.isArray(ch) || ch.length !== C || ch.some((s) => typeof s !== 'string')) throw new FormatError(`relay info message: channels must be ${C} labels, got ${JSON.stringify(ch).slice(0, 80)}`);
    channels = ch as string[];
  }
  return {
    name: String(o['name'] ?? ''), streamType: String(o['streamType'] ?? ''), channelCount: C,
    channelFormat: String(o['channelFormat'] ?? ''), nominalSrate: sr, channels,
  };
}

/** Decodes one binary chunk frame; `channels` is the count the info message announced. */
export function decodeRelayFrame(buf: ArrayBuffer, channels: number): RelayFrame {
  if (buf.byteLength < RELAY_HEADER_BYTES) throw new FormatError(`relay frame: ${buf.byteLength} bytes, shorter than the ${RELAY_HEADER_BYTES}-byte header`);
  const dv = new DataView(buf);
  const tag = dv.getUint32(0, true);
  const C = dv.getUint32(4, true);
  const n = dv.getUint32(8, true);
  if (tag !== RELAY_FRAME_TAG) throw new FormatError(`relay frame: tag ${tag}, expected ${RELAY_FRAME_TAG}`);
  if (C !== channels) throw new FormatError(`relay frame: ${C} channels, the stream announced ${channels}`);
  if (buf.byteLength !== RELAY_HEADER_BYTES + 4 * n * (1 + C)) throw new FormatError(`relay frame: ${C} channels x ${n} samples need ${RELAY_HEADER_BYTES + 4 * n * (1 + C)} bytes, got ${buf.byteLength}`);
  const t0 = dv.getFloat64(16, true);
  const rel = new Float32Array(buf, RELAY_HEADER_BYTES, n);
  const timestamps = new Float64Array(n);
  for (let i = 0; i < n; i++) timestamps[i] = t0 + rel[i]!;
  // a NaN or infinite timestamp would poison the clock offset and every latency after it
  for (let i = 0; i < n; i++) if (!Number.isFinite(timestamps[i]!)) throw new FormatError(`relay frame: timestamp ${i} is ${timestamps[i]} (base ${t0}), not finite`);
  return { channels: C, count: n, dropped: dv.getUint32(12, true), timestamps, data: new Float32Array(buf, RELAY_HEADER_BYTES + 4 * n, n * C) };
}
