// A WebSocket relay: browsers cannot open raw sockets, so the relay subscribes an inlet to one
// LSL stream and forwards its chunks to every connected page.
//
// On connect a page first receives one text frame, JSON:
//   {"type":"info","name","streamType","channelCount","channelFormat","nominalSrate","sourceId","uid","channels"}
// channels: the labels in the stream's desc (fetched from the outlet's full info: a decoder
// picks its inputs by name), or null when the outlet lists none.
// then one binary frame per chunk, little endian, laid out so typed-array views need no copy:
//   offset  size      field
//   0       u32       format/version tag = 1 (float32 payload)
//   4       u32       C  channels
//   8       u32       N  samples in this frame
//   12      u32       frames dropped for this client so far (slow client)
//   16      f64       t0 base timestamp (outlet clock, seconds; add the stream's time correction for the local clock)
//   24      f32[N]    timestamps - t0 (seconds; float32 keeps µs resolution within a frame)
//   24+4N   f32[N*C]  values, row-major (sample-major): value of channel c in sample i at [i*C + c]
// Numeric formats are converted to float32 (int64 beyond 2^24 loses precision); string streams
// are refused. Each client has a bounded send buffer: a frame that would exceed it is dropped and
// counted, so a slow page cannot grow the relay's memory; a page that disconnects mid-stream is
// simply forgotten.
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { ArgumentError, FormatError, StreamLostError } from '../../errors.js';
import type { SampleChunk, StreamInfo } from '../../stream/lsl/index.js';
import { InletOptions, StreamInlet } from './inlet.js';
import { resolveStreams } from './resolve.js';
import { fetchFullInfo } from './fullinfo.js';
import { channelLabels } from '../../stream/lsl/channels.js';
import type { UdpTarget } from './net_util.js';

export const RELAY_FRAME_TAG = 1;
export const RELAY_HEADER_BYTES = 24;

export interface RelayOptions {
  /** The stream to relay: an info from resolveStreams, or a name to resolve. */
  info?: StreamInfo;
  streamName?: string;
  /** WebSocket port (0 = ephemeral, default 0) and bind address (default 127.0.0.1: local pages only). */
  port?: number;
  host?: string;
  /** Bytes a client may have waiting in its send buffer before frames for it are dropped (default 4 MiB). */
  maxClientBufferedBytes?: number;
  /** Resolve timeout for streamName (ms, default 5000) and where to send the queries. */
  resolveTimeoutMs?: number;
  resolveTargets?: UdpTarget[];
  inlet?: InletOptions;
}

export interface Relay {
  /** The bound WebSocket port. */
  readonly port: number;
  readonly info: StreamInfo;
  readonly inlet: StreamInlet;
  /** Connected pages. */
  readonly clients: number;
  /** Frames sent and dropped (all clients). */
  readonly framesSent: number;
  readonly framesDropped: number;
  /** Rejects when the inlet fails for good (recovery off or given up). */
  readonly done: Promise<void>;
  close(): Promise<void>;
}

/** Encodes one chunk as a relay frame (the layout in this file's header comment). */
export function encodeRelayFrame(chunk: SampleChunk, channels: number, dropped: number): Uint8Array {
  const n = chunk.count;
  const buf = new ArrayBuffer(RELAY_HEADER_BYTES + 4 * n + 4 * n * channels);
  const dv = new DataView(buf);
  dv.setUint32(0, RELAY_FRAME_TAG, true);
  dv.setUint32(4, channels, true);
  dv.setUint32(8, n, true);
  dv.setUint32(12, dropped >>> 0, true);
  const t0 = n ? chunk.timestamps[0]! : 0;
  dv.setFloat64(16, t0, true);
  const ts = new Float32Array(buf, RELAY_HEADER_BYTES, n);
  for (let i = 0; i < n; i++) ts[i] = chunk.timestamps[i]! - t0;
  const v = new Float32Array(buf, RELAY_HEADER_BYTES + 4 * n, n * channels);
  const d = chunk.data;
  if (d instanceof BigInt64Array) for (let i = 0; i < v.length; i++) v[i] = Number(d[i]!);
  else v.set(d as Float32Array);
  return new Uint8Array(buf);
}

/**
 * Frames of one chunk for clients with the given dropped counts: the chunk is encoded once, and
 * clients with the same count share that frame; another count gets a copy with its header
 * field patched (a frame already handed to a socket may still be queued, so it is never changed).
 */
export function relayFramesFor(chunk: SampleChunk, channels: number, droppedCounts: readonly number[]): Uint8Array[] {
  let base: Uint8Array | null = null;
  const byCount = new Map<number, Uint8Array>();
  return droppedCounts.map((d) => {
    let f = byCount.get(d);
    if (!f) {
      if (!base) f = base = encodeRelayFrame(chunk, channels, d);
      else {
        f = base.slice();
        new DataView(f.buffer).setUint32(12, d >>> 0, true);
      }
      byCount.set(d, f);
    }
    return f;
  });
}

/** Decodes a relay frame (what a page does; used by tests). Malformed -> ArgumentError. */
export function decodeRelayFrame(bytes: Uint8Array): { channels: number; count: number; dropped: number; timestamps: Float64Array; data: Float32Array } {
  if (bytes.length < RELAY_HEADER_BYTES) throw new ArgumentError(`lsl relay frame: ${bytes.length} bytes, shorter than the ${RELAY_HEADER_BYTES}-byte header`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = dv.getUint32(0, true);
  const channels = dv.getUint32(4, true);
  const count = dv.getUint32(8, true);
  if (tag !== RELAY_FRAME_TAG || bytes.length !== RELAY_HEADER_BYTES + 4 * count * (1 + channels)) {
    throw new ArgumentError(`lsl relay frame: tag ${tag}, ${channels} channels x ${count} samples do not fit ${bytes.length} bytes`);
  }
  const t0 = dv.getFloat64(16, true);
  const copy = bytes.slice(RELAY_HEADER_BYTES);
  const rel = new Float32Array(copy.buffer, 0, count);
  return {
    channels, count, dropped: dv.getUint32(12, true),
    timestamps: Float64Array.from(rel, (x) => t0 + x),
    data: new Float32Array(copy.buffer, 4 * count, count * channels),
  };
}

/** Starts relaying a stream to WebSocket clients; resolves once the inlet is open and the port is bound. */
export async function startRelay(opts: RelayOptions): Promise<Relay> {
  let info = opts.info;
  if (!info) {
    if (!opts.streamName) throw new ArgumentError('lsl relay: give info or streamName');
    const found = await resolveStreams({
      name: opts.streamName, timeoutMs: opts.resolveTimeoutMs ?? 5000, minimum: 1, ...(opts.resolveTargets ? { targets: opts.resolveTargets } : {}),
    });
    if (!found.length) throw new StreamLostError(`lsl relay: no stream named '${opts.streamName}' answered within ${opts.resolveTimeoutMs ?? 5000} ms`);
    info = found[0]!;
  }
  // resolve answers carry no desc; the full info has the channel labels
  if (!info.desc) info = await fetchFullInfo(info).catch(() => info!);
  if (info.channelFormat === 'string') throw new ArgumentError(`lsl relay: stream '${info.name}' has string channels; only numeric streams are relayed`);
  // labels are a courtesy to the pages: a stream whose <channels> desc is malformed or does not
  // match its channel count is still relayed, without labels
  let labels: string[] | null;
  try {
    labels = channelLabels(info.desc, info.channelCount, `lsl relay: stream '${info.name}'`);
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    labels = null;
  }
  const maxBuffered = opts.maxClientBufferedBytes ?? 4 << 20;
  const inlet = await StreamInlet.open(info, opts.inlet ?? {});
  const wss = new WebSocketServer({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1', maxPayload: 4096 });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  }).catch((e: Error) => {
    inlet.close();
    throw new ArgumentError(`lsl relay: cannot listen on ${opts.host ?? '127.0.0.1'}:${opts.port ?? 0}: ${e.message}`);
  });
  wss.on('error', () => undefined);
  const dropped = new Map<WebSocket, number>();
  let framesSent = 0;
  let framesDropped = 0;
  const hello = JSON.stringify({
    type: 'info', name: info.name, streamType: info.type, channelCount: info.channelCount, channelFormat: info.channelFormat,
    nominalSrate: info.nominalSrate, sourceId: info.sourceId, uid: info.uid,
    channels: labels,
  });
  wss.on('connection', (ws) => {
    dropped.set(ws, 0);
    ws.on('error', () => undefined);
    ws.on('close', () => dropped.delete(ws));
    ws.on('message', () => undefined); // pages have nothing to say; ignore
    ws.send(hello);
  });
  const C = info.channelCount;
  const pump = (async () => {
    for await (const chunk of inlet.chunks()) {
      const open = [...dropped].filter(([ws]) => ws.readyState === WebSocket.OPEN);
      const frames = relayFramesFor(chunk, C, open.map(([, d]) => d));
      for (let k = 0; k < open.length; k++) {
        const [ws, d] = open[k]!;
        const frame = frames[k]!;
        if (ws.bufferedAmount + frame.length > maxBuffered) {
          dropped.set(ws, d + 1);
          framesDropped++;
          continue;
        }
        ws.send(frame, { binary: true }, () => undefined);
        framesSent++;
      }
    }
  })();
  pump.catch(() => undefined);
  const port = (wss.address() as AddressInfo).port;
  const relayInfo = info;
  return {
    port,
    info: relayInfo,
    inlet,
    get clients() {
      return dropped.size;
    },
    get framesSent() {
      return framesSent;
    },
    get framesDropped() {
      return framesDropped;
    },
    done: pump,
    async close() {
      inlet.close();
      for (const ws of dropped.keys()) ws.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await pump.catch(() => undefined);
    },
  };
}
