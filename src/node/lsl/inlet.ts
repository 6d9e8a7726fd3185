// StreamInlet: receives one LSL stream. Samples go into a bounded receive buffer (oldest dropped
// and counted when the reader lags) read with pullChunk() or the chunks() iterator. A watchdog
// declares a silent peer lost; a lost feed is recovered by re-resolving the stream (same
// source_id, or same uid when it has none) and reconnecting with backoff, or, with recovery off,
// ends in a StreamLostError.
import { createSocket } from 'node:dgram';
import { ArgumentError, DendriteError, StreamLostError } from '../../errors.js';
import {
  ChunkQueue, SampleChunk, StreamInfo, TimeEstimate, TimeProbe, buildQuery, estimateOffset, formatTimeRequest, infoProblem, parseTimeReply,
} from '../../stream/lsl/index.js';
import { lslClock } from './clock.js';
import { Feed, openFeed } from './feed.js';
import { UdpTarget } from './net_util.js';
import { resolveStreams } from './resolve.js';

export interface InletOptions {
  /** Samples the receive buffer holds before dropping the oldest (default 60 s of data, at least 1024; 60 000 for irregular streams). */
  maxBuffered?: number;
  /** Samples per chunk asked of the outlet (0 = its choice). */
  maxChunkLength?: number;
  /** Re-resolve and reconnect when the feed is lost (default true). */
  recover?: boolean;
  /** Give up recovering after this long (ms, default: never). */
  recoverTimeoutMs?: number;
  /** First wait between reconnection attempts (ms, default 500, doubling up to maxReconnectDelayMs). */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** No bytes for this long = the peer is lost (ms; default 2500 for regular-rate streams, 0 = off, the default for irregular ones). */
  watchdogMs?: number;
  /** Connect + handshake timeout (ms, default 5000). */
  openTimeoutMs?: number;
  /** Longest string value accepted (bytes, default 1 MiB). */
  maxStringBytes?: number;
  /** Where recovery sends its discovery queries (default: resolveStreams' defaults). */
  resolveTargets?: UdpTarget[];
}

export interface TimeCorrectionOptions {
  /** Give up after this long (ms, default 2000). */
  timeoutMs?: number;
  /** Probes per wave (default 8) and their spacing (ms, default 64). */
  probes?: number;
  intervalMs?: number;
  /** Replies needed from a wave for an estimate (default 6 of 8). */
  minReplies?: number;
}

export class StreamInlet {
  /** Successful reconnections after a lost feed. */
  reconnects = 0;
  /** The last time-correction estimate, if any. */
  lastTimeEstimate: TimeEstimate | null = null;
  private readonly queue: ChunkQueue;
  private feed: Feed | null = null;
  private failure: DendriteError | null = null;
  private closed = false;
  /** 'open': a feed is (being) connected; 'recovering': re-resolving; 'failed': failure is final. */
  private state: 'open' | 'recovering' | 'failed' = 'open';
  /** Counts connection attempts, so the end of a superseded feed is ignored. */
  private gen = 0;
  /** A feed opened during recovery that ended before recover() took it. */
  private earlyEnd: { gen: number; err: DendriteError } | null = null;
  private waiters: (() => void)[] = [];
  private watchdog: ReturnType<typeof setInterval> | null = null;
  private readonly o: Required<Omit<InletOptions, 'resolveTargets'>> & { resolveTargets: UdpTarget[] | undefined };

  private constructor(public info: StreamInfo, opts: InletOptions) {
    const srate = info.nominalSrate;
    this.o = {
      maxBuffered: opts.maxBuffered ?? (srate > 0 ? Math.max(1024, Math.ceil(60 * srate)) : 60_000),
      maxChunkLength: opts.maxChunkLength ?? 0,
      recover: opts.recover ?? true,
      recoverTimeoutMs: opts.recoverTimeoutMs ?? Infinity,
      reconnectDelayMs: opts.reconnectDelayMs ?? 500,
      maxReconnectDelayMs: opts.maxReconnectDelayMs ?? 5000,
      watchdogMs: opts.watchdogMs ?? (srate > 0 ? 2500 : 0),
      openTimeoutMs: opts.openTimeoutMs ?? 5000,
      maxStringBytes: opts.maxStringBytes ?? 1 << 20,
      resolveTargets: opts.resolveTargets,
    };
    for (const [k, v] of Object.entries(this.o)) {
      if (typeof v === 'number' && !(v >= 0)) throw new ArgumentError(`lsl inlet '${info.name}': option ${k} = ${v} must be >= 0`);
    }
    if (!Number.isInteger(this.o.maxBuffered) || this.o.maxBuffered < 1) throw new ArgumentError(`lsl inlet '${info.name}': maxBuffered ${this.o.maxBuffered} must be an integer >= 1`);
    this.queue = new ChunkQueue(info.channelFormat, info.channelCount, this.o.maxBuffered);
  }

  /** Connects to the stream (an info from resolveStreams) and checks its handshake and test patterns. */
  static async open(info: StreamInfo, opts: InletOptions = {}): Promise<StreamInlet> {
    const bad = infoProblem(info);
    if (bad) throw new ArgumentError(`lsl inlet: ${bad}`);
    if (!info.v4dataPort) throw new ArgumentError(`lsl inlet '${info.name}': the info has no v4data_port`);
    const inlet = new StreamInlet(info, opts);
    const feed = await inlet.connect(info);
    // The feed may already have ended (bytes right after the test patterns were bad): then the
    // inlet is recovering or failed, and this feed is not kept.
    if (inlet.state === 'open') inlet.feed = feed;
    inlet.startWatchdog();
    return inlet;
  }

  /** Samples dropped because the receive buffer was full. */
  get dropped(): number {
    return this.queue.dropped;
  }

  /** Samples waiting in the receive buffer. */
  get available(): number {
    return this.queue.size;
  }

  /** Whether a feed is connected now (false while recovering). */
  get connected(): boolean {
    return this.state === 'open' && this.feed !== null;
  }

  /**
   * The buffered samples (up to `max`), oldest first, without waiting: count 0 when none.
   * Throws the inlet's error (StreamLostError, ProtocolError, FormatError) once the buffer is
   * drained after a fatal failure.
   */
  pullChunk(max = Infinity): SampleChunk {
    if (this.queue.size === 0 && this.failure) throw this.failure;
    return this.queue.take(max);
  }

  /** Chunks as they arrive; ends after close(), throws the inlet's error after a fatal failure. */
  async *chunks(max = Infinity): AsyncGenerator<SampleChunk, void, undefined> {
    if (!(max === Infinity || (Number.isInteger(max) && max >= 1))) throw new ArgumentError(`lsl inlet '${this.info.name}': chunks(max) needs an integer >= 1 or Infinity, got ${max}`);
    for (;;) {
      if (this.queue.size > 0) yield this.queue.take(max);
      else if (this.failure) throw this.failure;
      else if (this.closed) return;
      else await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  /**
   * Measures the outlet clock's offset with a wave of UDP time probes and returns the correction
   * to add to this stream's timestamps to map them into the local lslClock (min-rtt estimate).
   */
  async timeCorrection(opts: TimeCorrectionOptions = {}): Promise<number> {
    const timeoutMs = opts.timeoutMs ?? 2000;
    const probes = opts.probes ?? 8;
    const intervalMs = opts.intervalMs ?? 64;
    const minReplies = Math.min(probes, opts.minReplies ?? 6);
    // a wave of no probes, or an estimate from no replies, has nothing to take the minimum over
    const whatOpts = `lsl inlet '${this.info.name}' timeCorrection`;
    if (!Number.isInteger(probes) || probes < 1) throw new ArgumentError(`${whatOpts}: probes must be an integer ≥ 1, got ${probes}`);
    if (!Number.isInteger(minReplies) || minReplies < 1) throw new ArgumentError(`${whatOpts}: minReplies must be an integer ≥ 1, got ${opts.minReplies}`);
    if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) throw new ArgumentError(`${whatOpts}: timeoutMs must be positive and finite, got ${timeoutMs}`);
    if (!(intervalMs >= 0) || !Number.isFinite(intervalMs)) throw new ArgumentError(`${whatOpts}: intervalMs must be ≥ 0 and finite, got ${intervalMs}`);
    const host = this.info.v4address || '127.0.0.1';
    const port = this.info.v4servicePort;
    const what = `lsl inlet '${this.info.name}' time probes to ${host}:${port}`;
    const sock = createSocket('udp4');
    sock.on('error', () => undefined);
    await new Promise<void>((r) => sock.bind(0, () => r()));
    const got: TimeProbe[] = [];
    const sentAt = new Map<number, number>();
    let wave = Math.floor(Math.random() * 1e6) * 100;
    sock.on('message', (m) => {
      const t3 = lslClock();
      const r = parseTimeReply(m.toString('latin1'));
      if (!r) return;
      const t0 = sentAt.get(r.waveId);
      if (t0 === undefined || Math.abs(t0 - r.t0) > 1e-6) return;
      sentAt.delete(r.waveId);
      got.push({ t0, t1: r.t1, t2: r.t2, t3 });
    });
    const end = Date.now() + timeoutMs;
    try {
      while (Date.now() < end) {
        got.length = 0;
        sentAt.clear();
        for (let i = 0; i < probes && Date.now() < end; i++) {
          const id = ++wave;
          const t0 = lslClock();
          sentAt.set(id, t0);
          sock.send(formatTimeRequest(id, t0), port, host, () => undefined);
          await sleep(intervalMs);
        }
        const waitEnd = Math.min(end, Date.now() + Math.max(intervalMs, 50));
        while (got.length < probes && Date.now() < waitEnd) await sleep(2);
        if (got.length >= minReplies) {
          this.lastTimeEstimate = estimateOffset(got);
          return this.lastTimeEstimate!.correction;
        }
      }
      throw new StreamLostError(`${what}: fewer than ${minReplies} replies within ${timeoutMs} ms`);
    } finally {
      sock.close();
    }
  }

  /** Disconnects; chunks() iterators end, pullChunk still returns what is buffered. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.feed?.close();
    this.feed = null;
    if (this.watchdog) clearInterval(this.watchdog);
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }

  private connect(info: StreamInfo): Promise<Feed> {
    const g = ++this.gen;
    return openFeed(
      info,
      { maxBufferLength: this.o.maxBuffered, maxChunkLength: this.o.maxChunkLength, maxStringBytes: this.o.maxStringBytes, openTimeoutMs: this.o.openTimeoutMs },
      {
        onChunk: (c) => {
          this.queue.push(c);
          this.wake();
        },
        onEnd: (err) => this.lost(err, g),
      },
    );
  }

  private startWatchdog(): void {
    const ms = this.o.watchdogMs;
    if (!ms) return;
    this.watchdog = setInterval(() => {
      const f = this.feed;
      if (f && this.state === 'open' && Date.now() - f.lastDataAt > ms) {
        f.close();
        this.lost(new StreamLostError(`lsl inlet '${this.info.name}': no data for ${ms} ms (watchdog)`), this.gen);
      }
    }, Math.max(10, Math.min(250, ms / 4)));
  }

  /** A feed ended: recover when allowed and the loss is a lost connection, else fail. */
  private lost(err: DendriteError, gen: number): void {
    if (this.closed || gen !== this.gen) return;
    if (this.state === 'recovering') {
      this.earlyEnd = { gen, err };
      return;
    }
    if (this.state !== 'open') return;
    this.feed = null;
    if (!this.o.recover || !(err instanceof StreamLostError)) {
      this.fail(err);
      return;
    }
    this.state = 'recovering';
    void this.recover(err);
  }

  private fail(err: DendriteError): void {
    this.state = 'failed';
    this.failure = err;
    if (this.watchdog) clearInterval(this.watchdog);
    this.wake();
  }

  private async recover(cause: DendriteError): Promise<void> {
    const start = Date.now();
    let delay = this.o.reconnectDelayMs;
    const query = this.info.sourceId ? buildQuery({ name: this.info.name, source_id: this.info.sourceId }) : buildQuery({ uid: this.info.uid });
    while (!this.closed) {
      if (Date.now() - start > this.o.recoverTimeoutMs) {
        this.fail(new StreamLostError(`${cause.message}; not recovered within ${this.o.recoverTimeoutMs} ms`));
        return;
      }
      const opts = { query, timeoutMs: Math.max(200, delay), minimum: 1, ...(this.o.resolveTargets ? { targets: this.o.resolveTargets } : {}) };
      const found = (await resolveStreams(opts)).filter(
        (i) => i.channelCount === this.info.channelCount && i.channelFormat === this.info.channelFormat,
      );
      for (const info of found) {
        if (this.closed) return;
        try {
          const feed = await this.connect(info);
          if (this.closed) {
            feed.close();
            return;
          }
          const early = this.earlyEnd?.gen === this.gen ? this.earlyEnd.err : null;
          this.earlyEnd = null;
          if (early) {
            if (!(early instanceof StreamLostError)) {
              this.fail(early);
              return;
            }
            continue;
          }
          this.info = info;
          this.feed = feed;
          this.state = 'open';
          this.reconnects++;
          return;
        } catch {
          // try the next candidate, then wait
        }
      }
      await sleep(delay);
      delay = Math.min(this.o.maxReconnectDelayMs, delay * 2);
    }
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
