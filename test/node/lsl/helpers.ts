// Shared pieces for the LSL socket tests: unique stream names, waiting for samples, fake peers.
import { after } from 'node:test';
import { createServer, Server, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { StreamInlet } from '../../../src/node/lsl/index.js';
import { ChannelData, SampleChunk, StreamInfo, createStreamInfo } from '../../../src/stream/lsl/index.js';

export const uniqueName = (tag: string) => `dendrite-test-${tag}-${process.pid}-${Math.floor(Math.random() * 1e9)}`;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Pulls from the inlet until `n` samples arrived (or timeoutMs passed); returns them concatenated. */
export async function collect(inlet: StreamInlet, n: number, timeoutMs = 3000): Promise<{ data: unknown[]; timestamps: number[] }> {
  const data: unknown[] = [];
  const timestamps: number[] = [];
  const end = Date.now() + timeoutMs;
  while (timestamps.length < n && Date.now() < end) {
    const c: SampleChunk = inlet.pullChunk();
    data.push(...Array.from(c.data as ArrayLike<unknown>));
    timestamps.push(...Array.from(c.timestamps));
    if (timestamps.length < n) await sleep(5);
  }
  return { data, timestamps };
}

/** A fake outlet: a TCP server running `onClient` for each connection; its info points at it. */
export async function fakeServer(onClient: (s: Socket) => void, init: Partial<StreamInfo> = {}): Promise<{ server: Server; info: StreamInfo; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
    onClient(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const info: StreamInfo = {
    ...createStreamInfo({ name: uniqueName('fake'), channelCount: 2, channelFormat: 'float32', nominalSrate: 100, ...(init as object) }),
    v4address: '127.0.0.1', v4dataPort: port, v4servicePort: port,
  };
  return {
    server, info,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Reads the client's request header (up to the empty line), then calls `then`. */
export function afterRequest(s: Socket, then: (request: string) => void): void {
  let buf = '';
  const on = (b: Buffer) => {
    buf += b.toString('latin1');
    const end = buf.indexOf('\r\n\r\n');
    if (end >= 0) {
      s.off('data', on);
      then(buf.slice(0, end));
    }
  };
  s.on('data', on);
}

export const asArray = (d: ChannelData) => Array.from(d as ArrayLike<unknown>);

/**
 * A test that times out skips its own clean-up, and a socket it left open would keep the file's
 * process alive forever; once every test has reported, give the process 2 s, then end it.
 */
export function exitWhenDone(): void {
  after(() => {
    setTimeout(() => process.exit(), 2000).unref();
  });
}
