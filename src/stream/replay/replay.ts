// Replays a recording source as timed chunks, the way a live amplifier delivers them: each chunk
// is released when the clock reaches the time its last sample would have been recorded. Pacing
// is by absolute target times from one start instant — chunk k is due at
// start + (k-th chunk's last sample + 1) / (sfreq × rate) — so a late timer or a slow consumer
// never shifts later chunks: the next sleep is shorter, or skipped while behind, and the stream
// catches up. Timer error never accumulates.
//   chunk.data: (n, C) row-major, sample-major as LSL pushes it

import { ArgumentError } from '../../errors.js';
import { parseRate } from './rate.js';
import type { RecordingSource } from './source.js';

/** A monotonic clock in seconds, and a way to wait. Injected by tests; the default uses performance.now and setTimeout. */
export interface ReplayClock {
  now(): number;
  sleep(seconds: number): Promise<void>;
}

export const systemClock: ReplayClock = {
  now: () => performance.now() / 1000,
  sleep: (s) => new Promise((resolve) => setTimeout(resolve, Math.max(0, s * 1000))),
};

export interface ReplayOptions {
  /** 'realtime', '10x', '0.5x' or a number (× real time); default realtime. */
  rate?: string | number;
  /** Samples per chunk (default: about 20 ms of the recording, at least 1). */
  chunkSamples?: number;
  /** Start again from the first sample at the end (the stream index and timestamps keep increasing). */
  loop?: boolean;
  /** Sample format of chunk.data (default 'float32', LSL's cf_float32). */
  format?: 'float32' | 'float64';
  clock?: ReplayClock;
  /** Stops the replay after the chunk in progress. */
  signal?: AbortSignal;
}

export interface ReplayChunk<D extends Float32Array | Float64Array = Float32Array | Float64Array> {
  /** (n, C) row-major. */
  data: D;
  /**
   * (n) stream timestamps in clock seconds: the instant each sample is due,
   * start + (index + 1) / (sfreq × rate) — what an outlet stamps (a sample exists once its
   * sampling interval has passed).
   */
  timestamps: Float64Array;
  /** Stream index of the chunk's first sample (keeps counting across loops). */
  first: number;
  /** Its index in the recording (first modulo the recording's length). */
  recordingIndex: number;
  /** Spikes: the aux channels (kinematics) of the same samples, (n, D) row-major. */
  aux?: D;
  /** EEG: the recording's events at samples of this chunk, stamped with their sample's timestamp (an LSL marker stream). */
  markers?: { timestamp: number; description: string }[];
  /** Seconds the chunk went out after its due time (0 when on time). */
  lag: number;
}

export interface ReplayHandle extends AsyncIterable<ReplayChunk> {
  readonly rate: number;
  readonly chunkSamples: number;
}

/** Chunks of `source` paced against the clock; see the file comment. */
export function replay(source: RecordingSource, opts: ReplayOptions = {}): ReplayHandle {
  const rate = parseRate(opts.rate ?? 'realtime');
  const cs = opts.chunkSamples ?? Math.max(1, Math.round(0.02 * source.sfreq));
  if (!Number.isInteger(cs) || cs < 1 || cs > 1 << 20) throw new ArgumentError(`replay: chunkSamples must be an integer in [1, ${1 << 20}], got ${cs}`);
  const format = opts.format ?? 'float32';
  if (format !== 'float32' && format !== 'float64') throw new ArgumentError(`replay: format must be 'float32' or 'float64', got ${String(format)}`);
  const clock = opts.clock ?? systemClock;
  const loop = opts.loop === true;
  const N = source.nSamples;
  const C = source.channels.length;
  const aux = source.aux;
  const D = aux?.channels.length ?? 0;
  const dt = 1 / (source.sfreq * rate); // clock seconds per sample
  // events by sample index, in order (onsets past the end are dropped)
  const marks = (source.markers ?? []).map((m) => ({ at: Math.round(m.onset * source.sfreq), description: m.description }))
    .filter((m) => m.at >= 0 && m.at < N).sort((a, b) => a.at - b.at);
  async function* run(): AsyncGenerator<ReplayChunk> {
    const start = clock.now();
    let first = 0;
    while (loop || first < N) {
      if (opts.signal?.aborted) return;
      const n = loop ? cs : Math.min(cs, N - first);
      const due = start + (first + n) * dt;
      // timers may fire a little early (Node rounds to whole ms): sleep again until due, never
      // releasing a chunk before its time (bounded, should a clock not advance)
      for (let k = 0, wait = due - clock.now(); wait > 0 && k < 100; k++, wait = due - clock.now()) await clock.sleep(wait);
      if (opts.signal?.aborted) return;
      const data = format === 'float32' ? new Float32Array(n * C) : new Float64Array(n * C);
      const auxData = aux ? (format === 'float32' ? new Float32Array(n * D) : new Float64Array(n * D)) : null;
      // a chunk may straddle the end of a looped recording: read it in pieces
      for (let done = 0; done < n;) {
        const at = (first + done) % N;
        const k = Math.min(n - done, N - at);
        source.read(at, k, data, done * C);
        if (aux && auxData) aux.read(at, k, auxData, done * D);
        done += k;
      }
      const markers: { timestamp: number; description: string }[] = [];
      if (marks.length) {
        for (let done = 0; done < n;) {
          const at = (first + done) % N;
          const k = Math.min(n - done, N - at);
          for (let i = lowerBound(marks, at); i < marks.length && marks[i]!.at < at + k; i++) {
            markers.push({ timestamp: start + (first + done + (marks[i]!.at - at) + 1) * dt, description: marks[i]!.description });
          }
          done += k;
        }
      }
      const timestamps = new Float64Array(n);
      for (let i = 0; i < n; i++) timestamps[i] = start + (first + i + 1) * dt;
      const lag = Math.max(0, clock.now() - due);
      yield { data, timestamps, first, recordingIndex: first % N, lag, ...(auxData ? { aux: auxData } : {}), ...(marks.length ? { markers } : {}) };
      first += n;
    }
  }
  return { rate, chunkSamples: cs, [Symbol.asyncIterator]: run };
}

/** First index whose `at` is >= x (marks sorted by at). */
function lowerBound(marks: readonly { at: number }[], x: number): number {
  let lo = 0, hi = marks.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (marks[mid]!.at < x) lo = mid + 1; else hi = mid; }
  return lo;
}
