// StreamOutlet: publishes one LSL stream. A TCP server serves data feeds (protocol 1.10) on the
// data port; a UDP socket on the service port answers time probes and discovery queries; a
// discovery socket on 16571 (SO_REUSEADDR, shared by every outlet on the host, joined to the
// multicast groups) answers discovery queries. Each consumer has a bounded queue: when it lags,
// its oldest samples are dropped and counted, never buffered without bound.
import { createSocket, RemoteInfo, Socket as UdpSocket } from 'node:dgram';
import { Server, Socket } from 'node:net';
import { hostname as osHostname } from 'node:os';
import { ArgumentError, StreamLostError } from '../../errors.js';
import {
  ChannelData, DEDUCED_TIMESTAMP, LineReader, StreamInfo, StreamInfoInit, buildShortinfoReply, createStreamInfo, encodeSamples,
  encodeTestPatterns, formatTimeReply, infoProblem, matchesQuery, negotiateFeed, parseFeedRequestLine, parseQuery, parseShortinfoQuery,
  parseTimeRequest, toChannelData, writeInfoXml,
} from '../../stream/lsl/index.js';
import { lslClock } from './clock.js';
import { LSL_BASE_PORT, LSL_MULTICAST_GROUPS, LSL_MULTICAST_PORT, LSL_PORT_RANGE, bindPortPair } from './net_util.js';

export interface OutletOptions {
  /** Address the data and service ports bind to: '0.0.0.0' (default, reachable on the network as with liblsl) or '127.0.0.1'. */
  host?: string;
  /** First port tried for the data/service ports (default 16572; 0 = ephemeral ports). */
  basePort?: number;
  /** Ports tried from basePort (default 32); an ephemeral port when all are taken. */
  portRange?: number;
  /** Discovery on the shared multicast port: false disables it; default on, with multicast groups when host is 0.0.0.0. */
  discovery?: false | { port?: number; multicast?: boolean; groups?: string[] };
  /** Samples queued per consumer before the oldest are dropped (default 360 s of data as liblsl, at least 1024, at most 1e6). */
  maxBufferedSamples?: number;
  /** A client that has not finished its request after this long is disconnected (default 10 s). */
  handshakeTimeoutMs?: number;
}

interface Queued {
  bytes: Uint8Array;
  count: number;
}

/** One data-feed client. */
class Consumer {
  dropped = 0;
  sent = 0;
  private queue: Queued[] = [];
  private queued = 0;
  private blocked = false;

  constructor(readonly socket: Socket, readonly maxSamples: number) {
    socket.on('drain', () => {
      this.blocked = false;
      this.flush();
    });
  }

  send(bytes: Uint8Array, count: number): void {
    if (!this.blocked && this.queue.length === 0) {
      this.write(bytes, count);
      return;
    }
    this.queue.push({ bytes, count });
    this.queued += count;
    // Drop whole oldest pushes while over the bound (a push larger than the bound is kept alone).
    while (this.queued > this.maxSamples && this.queue.length > 1) {
      const old = this.queue.shift()!;
      this.queued -= old.count;
      this.dropped += old.count;
    }
  }

  private write(bytes: Uint8Array, count: number): void {
    this.sent += count;
    if (!this.socket.write(bytes)) this.blocked = true;
  }

  private flush(): void {
    while (!this.blocked && this.queue.length) {
      const q = this.queue.shift()!;
      this.queued -= q.count;
      this.write(q.bytes, q.count);
    }
  }
}

export class StreamOutlet {
  /** Samples pushed since creation. */
  samplesPushed = 0;
  /** Connections refused or cut during the handshake (malformed requests, timeouts, refused versions). */
  rejectedConnections = 0;
  /** Discovery set-up problems (a multicast group that could not be joined); discovery still runs on what worked. */
  readonly discoveryWarnings: string[] = [];
  private consumers = new Set<Consumer>();
  private closedDropped = 0;
  private sockets = new Set<Socket>();
  private closed = false;
  private readonly xml: string;
  private readonly fullXml: string;

  private constructor(
    readonly info: StreamInfo,
    private readonly server: Server,
    private readonly service: UdpSocket,
    private readonly discovery: UdpSocket | null,
    private readonly maxBuffered: number,
    private readonly handshakeTimeoutMs: number,
  ) {
    this.xml = writeInfoXml(info);
    this.fullXml = writeInfoXml(info, { full: true });
    server.on('connection', (s) => this.accept(s));
    service.on('message', (m, r) => this.onDatagram(service, m, r, true));
    discovery?.on('message', (m, r) => this.onDatagram(discovery, m, r, false));
    for (const u of [service, discovery]) u?.on('error', () => undefined);
  }

  /** Opens the ports and starts answering; the info's ports, hostname and created_at are filled in. */
  static async create(init: StreamInfoInit | StreamInfo, opts: OutletOptions = {}): Promise<StreamOutlet> {
    const host = opts.host ?? '0.0.0.0';
    const base = createStreamInfo({ hostname: osHostname(), createdAt: lslClock(), ...stripPorts(init) });
    // checked before any socket is bound: a bad value must not leave ports listening
    const maxBuffered = opts.maxBufferedSamples ?? Math.min(1e6, Math.max(1024, Math.ceil(360 * base.nominalSrate)));
    if (!Number.isInteger(maxBuffered) || maxBuffered < 1) throw new ArgumentError(`lsl outlet: maxBufferedSamples ${maxBuffered} must be an integer >= 1`);
    const { server, udp } = await bindPortPair(host, opts.basePort ?? LSL_BASE_PORT, opts.basePort === 0 ? 0 : (opts.portRange ?? LSL_PORT_RANGE));
    const tcp = server.address();
    const info: StreamInfo = {
      ...base,
      v4dataPort: typeof tcp === 'object' && tcp ? tcp.port : 0,
      v4servicePort: udp.address().port,
    };
    const warnings: string[] = [];
    let discovery: UdpSocket | null = null;
    if (opts.discovery !== false) {
      const d = opts.discovery ?? {};
      const multicast = d.multicast ?? host === '0.0.0.0';
      discovery = await openDiscovery(multicast ? '0.0.0.0' : host, d.port ?? LSL_MULTICAST_PORT, multicast ? (d.groups ?? LSL_MULTICAST_GROUPS) : [], warnings);
    }
    const outlet = new StreamOutlet(info, server, udp, discovery, maxBuffered, opts.handshakeTimeoutMs ?? 10_000);
    outlet.discoveryWarnings.push(...warnings);
    return outlet;
  }

  /** Connected data-feed consumers. */
  get consumerCount(): number {
    return this.consumers.size;
  }

  /** Samples dropped for lagging consumers (all consumers, past and present). */
  get dropped(): number {
    let d = this.closedDropped;
    for (const c of this.consumers) d += c.dropped;
    return d;
  }

  /** Resolves once at least `n` consumers are connected; StreamLostError after timeoutMs. */
  async waitForConsumers(n = 1, timeoutMs = 5000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (this.consumers.size < n) {
      if (this.closed || Date.now() > end) throw new StreamLostError(`lsl outlet '${this.info.name}': ${this.consumers.size} of ${n} consumers after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Pushes one sample (channelCount values); timestamp defaults to lslClock() now. */
  pushSample(values: ArrayLike<number | bigint | string>, timestamp = lslClock()): void {
    const C = this.info.channelCount;
    if (values.length !== C) throw new ArgumentError(`lsl outlet '${this.info.name}': pushSample got ${values.length} values, expected ${C}`);
    this.pushChunk(values, [timestamp]);
  }

  /**
   * Pushes n samples: `data` row-major, n x channelCount values; `timestamps` one per sample
   * (DEDUCED_TIMESTAMP = -1 sends the deduced tag). Without timestamps the last sample is stamped
   * now and the earlier ones 1/srate apart before it (all now for irregular streams).
   */
  pushChunk(data: ArrayLike<number | bigint | string> | ChannelData, timestamps?: ArrayLike<number>): void {
    if (this.closed) throw new StreamLostError(`lsl outlet '${this.info.name}': push after close()`);
    const C = this.info.channelCount;
    if (data.length % C !== 0) throw new ArgumentError(`lsl outlet '${this.info.name}': pushChunk got ${data.length} values, not a multiple of ${C} channels`);
    const n = data.length / C;
    if (n === 0) return;
    let ts: ArrayLike<number>;
    if (timestamps === undefined) {
      const now = lslClock();
      const step = this.info.nominalSrate > 0 ? 1 / this.info.nominalSrate : 0;
      ts = Float64Array.from({ length: n }, (_, i) => now - (n - 1 - i) * step);
    } else {
      if (timestamps.length !== n) throw new ArgumentError(`lsl outlet '${this.info.name}': pushChunk got ${timestamps.length} timestamps for ${n} samples`);
      for (let i = 0; i < n; i++) {
        const t = timestamps[i]!;
        if (!Number.isFinite(t) || (t < 0 && t !== DEDUCED_TIMESTAMP)) throw new ArgumentError(`lsl outlet '${this.info.name}': timestamp ${t} at sample ${i} is not a finite time`);
      }
      ts = timestamps;
    }
    const values = toChannelData(this.info.channelFormat, data as ArrayLike<number | bigint | string>, `lsl outlet '${this.info.name}' pushChunk`);
    this.samplesPushed += n;
    if (this.consumers.size === 0) return;
    const bytes = encodeSamples(this.info.channelFormat, C, values, ts);
    for (const c of this.consumers) c.send(bytes, n);
  }

  /** Stops serving: closes every connection and socket. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.sockets) s.destroy();
    for (const c of this.consumers) this.closedDropped += c.dropped;
    this.consumers.clear();
    await Promise.all([
      new Promise<void>((r) => this.server.close(() => r())),
      new Promise<void>((r) => this.service.close(() => r())),
      this.discovery ? new Promise<void>((r) => this.discovery!.close(() => r())) : Promise.resolve(),
    ]);
  }

  private accept(socket: Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const what = `lsl outlet '${this.info.name}': client ${socket.remoteAddress}:${socket.remotePort}`;
    const reader = new LineReader(what, 4096, 65536);
    const lines: string[] = [];
    let done = false;
    const timer = setTimeout(() => reject('handshake timeout'), this.handshakeTimeoutMs);
    const reject = (_why: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      this.rejectedConnections++;
      socket.destroy();
    };
    const finish = () => {
      done = true;
      clearTimeout(timer);
      socket.removeListener('data', onData);
    };
    const onData = (chunk: Buffer) => {
      if (done) return;
      try {
        reader.push(chunk);
        for (let line = reader.nextLine(); line !== null; line = reader.nextLine()) {
          lines.push(line);
          const method = lines[0]!.trim();
          if (method === 'LSL:fullinfo') {
            finish();
            socket.end(this.fullXml);
            return;
          }
          if (method === 'LSL:shortinfo') {
            if (lines.length < 2) continue;
            finish();
            let ok = false;
            try {
              ok = matchesQuery(this.info, parseQuery(lines[1]!.trim()));
            } catch {
              ok = false;
            }
            if (ok) socket.end(this.xml);
            else socket.end();
            return;
          }
          const req = parseFeedRequestLine(method);
          if (!req) return reject(`unknown method ${method.slice(0, 40)}`);
          if (req.version < 110) {
            // Protocol 1.00 (boost archives) is not served: refuse at once.
            finish();
            this.rejectedConnections++;
            socket.end(negotiateFeed(this.info, req, []).response);
            return;
          }
          if (lines.length === 1 || line.trim() !== '') continue;
          const decision = negotiateFeed(this.info, req, lines.slice(1, -1));
          finish();
          if (!decision.ok) {
            this.rejectedConnections++;
            socket.end(decision.response);
            return;
          }
          socket.write(decision.response);
          socket.write(encodeTestPatterns(this.info.channelFormat, this.info.channelCount));
          const cap = decision.maxBufferLength > 0 ? Math.min(decision.maxBufferLength, this.maxBuffered) : this.maxBuffered;
          const consumer = new Consumer(socket, cap);
          this.consumers.add(consumer);
          // Whatever the client sends from now on is ignored; reading keeps the socket flowing.
          socket.on('data', () => undefined);
          socket.once('close', () => {
            if (this.consumers.delete(consumer)) this.closedDropped += consumer.dropped;
          });
          return;
        }
      } catch {
        reject('malformed request');
      }
    };
    socket.on('data', onData);
    socket.on('error', () => undefined);
    socket.once('close', () => {
      this.sockets.delete(socket);
      if (!done) reject('closed');
    });
  }

  private onDatagram(sock: UdpSocket, msg: Buffer, from: RemoteInfo, isService: boolean): void {
    if (this.closed || msg.length > 65507) return;
    const t1 = lslClock();
    const text = msg.toString('latin1');
    if (isService) {
      const probe = parseTimeRequest(text);
      if (probe) {
        const reply = formatTimeReply(probe.waveId, probe.t0, t1, lslClock());
        sock.send(reply, from.port, from.address, () => undefined);
        return;
      }
    }
    const q = parseShortinfoQuery(text);
    if (!q) return;
    let ok: boolean;
    try {
      ok = matchesQuery(this.info, parseQuery(q.query));
    } catch {
      return; // a query outside the supported subset: not provably ours, stay silent
    }
    if (ok) sock.send(buildShortinfoReply(q.queryId, this.xml), q.returnPort, from.address, () => undefined);
  }
}

function stripPorts(init: StreamInfoInit | StreamInfo): StreamInfoInit {
  const i = init as Partial<StreamInfo> & StreamInfoInit;
  const out: StreamInfoInit = { name: i.name, channelCount: i.channelCount };
  for (const k of ['type', 'channelFormat', 'nominalSrate', 'sourceId', 'uid', 'sessionId', 'hostname', 'createdAt', 'desc'] as const) {
    if (i[k] !== undefined && i[k] !== '') (out as unknown as Record<string, unknown>)[k] = i[k];
  }
  if ('version' in init) {
    const bad = infoProblem({ ...(init as StreamInfo), v4dataPort: 0, v4servicePort: 0, v6dataPort: 0, v6servicePort: 0 });
    if (bad) throw new ArgumentError(`lsl outlet: ${bad}`);
  }
  return out;
}

/** The shared discovery socket: SO_REUSEADDR on the multicast port, joined to the groups that can be joined. */
async function openDiscovery(host: string, port: number, groups: string[], warnings: string[]): Promise<UdpSocket | null> {
  const sock = createSocket({ type: 'udp4', reuseAddr: true });
  const ok = await new Promise<boolean>((resolve) => {
    sock.once('error', (e) => {
      warnings.push(`discovery port ${host}:${port}: ${e.message}`);
      resolve(false);
    });
    sock.bind({ port, address: host }, () => resolve(true));
  });
  if (!ok) {
    sock.close();
    return null;
  }
  for (const g of groups) {
    try {
      sock.addMembership(g);
    } catch (e) {
      warnings.push(`multicast group ${g}: ${(e as Error).message}`);
    }
  }
  return sock;
}
