// One TCP data feed from an outlet (data_receiver.cpp): connect, send the 1.10 request, check the
// response header and the two test-pattern samples, then decode samples as they arrive. The
// response header is capped (a peer sending an endless line gets a ProtocolError) and the decoder
// keeps at most one partial sample.
import { connect, Socket } from 'node:net';
import { hostname as osHostname } from 'node:os';
import { DendriteError, StreamLostError } from '../../errors.js';
import {
  LineReader, SampleChunk, SampleDecoder, StreamInfo, TEST_PATTERN_OFFSETS, buildFeedRequest, checkFeedResponse, checkTestPattern,
} from '../../stream/lsl/index.js';

export interface FeedOptions {
  maxBufferLength: number;
  maxChunkLength: number;
  maxStringBytes: number;
  /** Connect + handshake + test patterns must finish within this (ms). */
  openTimeoutMs: number;
}

export interface FeedHandlers {
  onChunk(chunk: SampleChunk): void;
  /** The feed ended after the handshake: StreamLostError for a closed/reset peer, ProtocolError/FormatError for bad data. */
  onEnd(err: DendriteError): void;
}

/** An open feed; `close()` ends it without calling onEnd. */
export interface Feed {
  close(): void;
  /** lslClock-free: Date.now() of the last bytes received, for the watchdog. */
  lastDataAt: number;
}

/** Opens a feed; resolves once the test patterns checked out, rejects with a typed error otherwise. */
export function openFeed(info: StreamInfo, opts: FeedOptions, handlers: FeedHandlers): Promise<Feed> {
  const host = info.v4address || '127.0.0.1';
  const what = `lsl inlet '${info.name}' (${host}:${info.v4dataPort})`;
  return new Promise<Feed>((resolve, reject) => {
    const socket: Socket = connect({ host, port: info.v4dataPort });
    socket.setNoDelay(true);
    const reader = new LineReader(what, 4096, 65536);
    const decoder = new SampleDecoder(info.channelFormat, info.channelCount, { nominalSrate: info.nominalSrate, maxStringBytes: opts.maxStringBytes, what });
    let phase: 'status' | 'headers' | 'patterns' | 'data' | 'ended' = 'status';
    let status = '';
    const headers: string[] = [];
    let patterns = 0;
    const feed: Feed = {
      lastDataAt: Date.now(),
      close() {
        if (phase === 'ended') return;
        phase = 'ended';
        socket.destroy();
      },
    };
    const fail = (err: DendriteError) => {
      if (phase === 'ended') return;
      const opened = phase === 'data';
      phase = 'ended';
      clearTimeout(timer);
      socket.destroy();
      if (opened) handlers.onEnd(err);
      else reject(err);
    };
    const timer = setTimeout(() => fail(new StreamLostError(`${what}: no complete handshake within ${opts.openTimeoutMs} ms`)), opts.openTimeoutMs);
    const decode = (bytes: Uint8Array) => {
      const chunk = decoder.push(bytes);
      let from = 0;
      while (patterns < 2 && from < chunk.count) {
        checkTestPattern(info.channelFormat, info.channelCount, chunk, from, TEST_PATTERN_OFFSETS[patterns]!, what);
        patterns++;
        from++;
        if (patterns === 2) {
          decoder.lastTimestamp = 0;
          phase = 'data';
          clearTimeout(timer);
          resolve(feed);
        }
      }
      if (from < chunk.count) handlers.onChunk(from === 0 ? chunk : sliceChunk(chunk, from, info.channelCount));
      if (decoder.error) throw decoder.error;
    };
    socket.on('data', (buf: Buffer) => {
      if (phase === 'ended') return;
      feed.lastDataAt = Date.now();
      try {
        if (phase === 'status' || phase === 'headers') {
          reader.push(buf);
          for (let line = reader.nextLine(); line !== null; line = reader.nextLine()) {
            if (phase === 'status') {
              status = line;
              phase = 'headers';
            } else if (line.trim() !== '') headers.push(line);
            else {
              checkFeedResponse(status, headers, info.uid, what);
              phase = 'patterns';
              const rest = reader.rest();
              if (rest.length) decode(rest);
              return;
            }
          }
          return;
        }
        decode(buf);
      } catch (e) {
        fail(e instanceof DendriteError ? e : new StreamLostError(`${what}: ${(e as Error).message}`));
      }
    });
    socket.on('connect', () => {
      socket.write(buildFeedRequest(info, { maxBufferLength: opts.maxBufferLength, maxChunkLength: opts.maxChunkLength, hostname: osHostname() }));
    });
    socket.on('error', (e) => fail(new StreamLostError(`${what}: ${e.message}`)));
    socket.on('close', () => fail(new StreamLostError(`${what}: the outlet closed the connection`)));
  });
}

function sliceChunk(c: SampleChunk, from: number, channels: number): SampleChunk {
  const data = Array.isArray(c.data) ? c.data.slice(from * channels) : (c.data as Float32Array).subarray(from * channels);
  return { data, timestamps: c.timestamps.subarray(from), count: c.count - from };
}
