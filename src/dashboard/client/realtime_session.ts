// One decoding session in the page: a saved decoder (pipelineFromSaved, the same streaming
// pipeline `dendrite stream decode` runs in Node) fed the relay's frames as they arrive.
// Two latencies per output:
//   page: the push of the frame holding the window's newest sample → the decision (the
//     pipeline's own latencyMs; exact, one clock);
//   end-to-end: the newest sample's LSL timestamp → the decision. The page's clock and the
//     outlet's differ by an unknown offset; it is taken as the smallest (arrival − newest
//     timestamp) over the frames of the last `offsetWindowMs` (10 s), so the figure excludes
//     the smallest recent transport delay (well under a millisecond on loopback) and follows
//     a drift between the two clocks instead of keeping a minimum from long ago.
import { ArgumentError, FormatError } from '../../errors.js';
import { pipelineFromSaved, type SavedModelFiles, type StreamDecoder } from '../../stream/runtime/saved_decoder.js';
import { decodeRelayFrame, type RelayHello } from './realtime_frame.js';
import { LatencyWindow, type LatencyPercentiles } from './realtime_latency.js';

/** One decoded window (EEG: a class) or bin (spikes: kinematics). */
export interface SessionOutput {
  /** Stream index (from the first sample this page received) of the window's first sample (EEG) or the bin (spikes). */
  start: number;
  label: string | null;
  classIndex: number;
  probabilities: number[] | null;
  values: number[] | null;
  warmup: boolean;
  pageMs: number;
  endToEndMs: number;
}

export interface SessionStatus {
  samples: number;
  frames: number;
  outputs: number;
  relayDropped: number;
  pipelineDropped: number;
  page: LatencyPercentiles;
  endToEnd: LatencyPercentiles;
}

export interface SessionOptions {
  /** Outputs kept for inspection (oldest dropped first; default 2000). */
  keep?: number;
  /** How far back (ms of page clock) the clock offset's minimum looks (default 10 000). */
  offsetWindowMs?: number;
  /** Clock in ms (default performance.now). */
  now?: () => number;
  hopS?: number;
}

const hex = (b: ArrayBuffer) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('');

/** Checks the weights against the SHA-256 the config records, where the page can hash (secure contexts). */
export async function checkWeights(files: SavedModelFiles, source: string): Promise<void> {
  const want = (files.config as { weights?: { sha256?: unknown } } | null)?.weights?.sha256;
  if (typeof want !== 'string') throw new FormatError(`${source}: config field 'weights.sha256' is missing`);
  const subtle = (globalThis as { crypto?: { subtle?: { digest(a: string, d: Uint8Array): Promise<ArrayBuffer> } } }).crypto?.subtle;
  if (!subtle) return;
  const got = hex(await subtle.digest('SHA-256', files.weights));
  if (got !== want) throw new FormatError(`${source}: weights SHA-256 ${got} differs from ${want} in its config (weights and config of different saves)`);
}

export class RealtimeSession {
  readonly decoder: StreamDecoder;
  private readonly page = new LatencyWindow();
  private readonly e2e = new LatencyWindow();
  private readonly keep: number;
  private readonly now: () => number;
  private readonly offsetWindowMs: number;
  // the newest outputs in a ring: no array shifting per frame however long the session runs
  private readonly ring: SessionOutput[] = [];
  private ringNext = 0;
  // (arrival, arrival − newest timestamp) of recent frames, offsets increasing: a monotonic
  // queue whose head is the minimum over the window
  private readonly offsets: { at: number; off: number }[] = [];
  private offsetHead = 0;
  private samples = 0;
  private frames = 0;
  private relayDropped = 0;
  private total = 0;

  constructor(files: SavedModelFiles, source: string, readonly hello: RelayHello, opts: SessionOptions = {}) {
    if (!hello.channels) throw new ArgumentError(`realtime: stream '${hello.name}' lists no channel labels; the decoder picks its ${hello.channelCount > 1 ? 'channels' : 'channel'} by name`);
    if (!(hello.nominalSrate > 0)) throw new ArgumentError(`realtime: stream '${hello.name}' has an irregular rate (${hello.nominalSrate} Hz); a decoder needs a fixed one`);
    this.now = opts.now ?? (() => performance.now());
    this.keep = opts.keep ?? 2000;
    if (!Number.isInteger(this.keep) || this.keep < 1) throw new ArgumentError(`realtime: keep must be an integer >= 1, got ${this.keep}`);
    this.offsetWindowMs = opts.offsetWindowMs ?? 10_000;
    if (!(this.offsetWindowMs > 0)) throw new ArgumentError(`realtime: offsetWindowMs must be > 0, got ${this.offsetWindowMs}`);
    this.decoder = pipelineFromSaved(files, source, { channels: hello.channels, sfreq: hello.nominalSrate }, { now: this.now, queueS: 60, ...(opts.hopS !== undefined ? { hopS: opts.hopS } : {}) });
  }

  /** Outputs decoded so far in the whole session (not only those kept). */
  get outputCount(): number {
    return this.total;
  }

  /** The newest outputs (at most `keep`), oldest first. */
  get outputs(): SessionOutput[] {
    return [...this.ring.slice(this.ringNext), ...this.ring.slice(0, this.ringNext)];
  }

  /** The clock offset (page ms − outlet ms) the end-to-end figures use now; NaN before the first frame. */
  get clockOffsetMs(): number {
    return this.offsetHead < this.offsets.length ? this.offsets[this.offsetHead]!.off : NaN;
  }

  private noteOffset(at: number, off: number): void {
    const q = this.offsets;
    while (q.length > this.offsetHead && q[q.length - 1]!.off >= off) q.pop();
    q.push({ at, off });
    while (q[this.offsetHead]!.at < at - this.offsetWindowMs) this.offsetHead++;
    if (this.offsetHead > 1024 && this.offsetHead * 2 > q.length) {
      q.splice(0, this.offsetHead);
      this.offsetHead = 0;
    }
  }

  /** Decodes one binary relay frame that arrived at `arrivedMs` (page clock); returns its outputs. */
  onFrame(buf: ArrayBuffer, arrivedMs = this.now()): SessionOutput[] {
    const f = decodeRelayFrame(buf, this.hello.channelCount);
    this.frames++;
    this.relayDropped = f.dropped;
    if (f.count === 0) return [];
    const res = this.decoder.push({ data: f.data, timestamps: f.timestamps });
    // only a frame the decoder took moves the offset (it has checked the timestamps)
    this.noteOffset(arrivedMs, arrivedMs - 1000 * f.timestamps[f.count - 1]!);
    // stream indices count from this page's first sample: the pipeline's own indices do too
    this.samples += f.count;
    const done = this.now();
    const offset = this.clockOffsetMs;
    const out: SessionOutput[] = [];
    for (const r of res) {
      const pageMs = r.latencyMs;
      const e2e = done - (1000 * r.timestamp + offset);
      this.page.record(pageMs);
      this.e2e.record(e2e);
      const v = r.value;
      const o: SessionOutput = 'label' in v
        ? { start: v.start, label: v.label, classIndex: v.classIndex, probabilities: [...v.probabilities], values: null, warmup: v.warmup, pageMs, endToEndMs: e2e }
        : { start: v.bin, label: null, classIndex: -1, probabilities: null, values: [...v.values], warmup: false, pageMs, endToEndMs: e2e };
      out.push(o);
      if (this.ring.length < this.keep) this.ring.push(o);
      else {
        this.ring[this.ringNext] = o;
        this.ringNext = (this.ringNext + 1) % this.keep;
      }
      this.total++;
    }
    return out;
  }

  status(): SessionStatus {
    const st = this.decoder.stats();
    return {
      samples: this.samples, frames: this.frames, outputs: this.total, relayDropped: this.relayDropped,
      pipelineDropped: st.dropped, page: this.page.summary(), endToEnd: this.e2e.summary(),
    };
  }
}
