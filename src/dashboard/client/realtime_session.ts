// One decoding session in the page: a saved decoder (pipelineFromSaved, the same streaming
// pipeline `dendrite stream decode` runs in Node) fed the relay's frames as they arrive.
// Two latencies per output:
//   page: the frame holding the window's newest sample arrived → the decision (exact, one clock);
//   end-to-end: the newest sample's LSL timestamp → the decision. The page's clock and the
//     outlet's differ by an unknown offset; it is taken as the smallest (arrival − newest
//     timestamp) seen so far, so the figure excludes the smallest transport delay (well under
//     a millisecond on loopback) and is exact up to it.
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
  /** Outputs kept for inspection (oldest dropped first; default 100 000). */
  keep?: number;
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
  readonly outputs: SessionOutput[] = [];
  private readonly page = new LatencyWindow();
  private readonly e2e = new LatencyWindow();
  private readonly keep: number;
  private readonly now: () => number;
  private offsetMs = Infinity;
  private samples = 0;
  private frames = 0;
  private relayDropped = 0;
  private total = 0;

  constructor(files: SavedModelFiles, source: string, readonly hello: RelayHello, opts: SessionOptions = {}) {
    if (!hello.channels) throw new ArgumentError(`realtime: stream '${hello.name}' lists no channel labels; the decoder picks its ${hello.channelCount > 1 ? 'channels' : 'channel'} by name`);
    if (!(hello.nominalSrate > 0)) throw new ArgumentError(`realtime: stream '${hello.name}' has an irregular rate (${hello.nominalSrate} Hz); a decoder needs a fixed one`);
    this.now = opts.now ?? (() => performance.now());
    this.keep = opts.keep ?? 100_000;
    this.decoder = pipelineFromSaved(files, source, { channels: hello.channels, sfreq: hello.nominalSrate }, { now: this.now, queueS: 60, ...(opts.hopS !== undefined ? { hopS: opts.hopS } : {}) });
  }

  /** Decodes one binary relay frame that arrived at `arrivedMs` (page clock); returns its outputs. */
  onFrame(buf: ArrayBuffer, arrivedMs = this.now()): SessionOutput[] {
    const f = decodeRelayFrame(buf, this.hello.channelCount);
    this.frames++;
    this.relayDropped = f.dropped;
    if (f.count === 0) return [];
    this.offsetMs = Math.min(this.offsetMs, arrivedMs - 1000 * f.timestamps[f.count - 1]!);
    // stream indices count from this page's first sample: the pipeline's own indices do too
    this.samples += f.count;
    const res = this.decoder.push({ data: f.data, timestamps: f.timestamps });
    const done = this.now();
    const out: SessionOutput[] = [];
    for (const r of res) {
      // every output a frame completes ends at a sample of that frame: it arrived at arrivedMs
      const pageMs = done - arrivedMs;
      const e2e = done - (1000 * r.timestamp + this.offsetMs);
      this.page.record(pageMs);
      this.e2e.record(Math.max(0, e2e));
      const v = r.value;
      const o: SessionOutput = 'label' in v
        ? { start: v.start, label: v.label, classIndex: v.classIndex, probabilities: [...v.probabilities], values: null, warmup: v.warmup, pageMs, endToEndMs: e2e }
        : { start: v.bin, label: null, classIndex: -1, probabilities: null, values: [...v.values], warmup: false, pageMs, endToEndMs: e2e };
      out.push(o);
      this.outputs.push(o);
      this.total++;
    }
    if (this.outputs.length > this.keep) this.outputs.splice(0, this.outputs.length - this.keep);
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
