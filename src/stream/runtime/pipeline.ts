// A streaming decode pipeline: chunks of multichannel samples with timestamps enter a bounded
// queue; step() drains it through an online filter, a scheduler (EEG sliding windows, or spike
// bins with history) and a decoder stage. Backpressure is explicit: the queue never grows past
// its capacity — 'drop-oldest' discards the oldest queued samples and counts them (the filter
// and windows then run across the gap, as a live stream would), 'refuse' rejects a chunk that
// does not fit with a BackpressureError, stores none of it and counts it as refused. Every stage
// is timed, and an output is late when the time from the push that completed its input to the
// output exceeds the latency budget.
//   chunk: (n, C) row-major  n=samples, C=channels

import { ArgumentError, BackpressureError, ShapeError } from '../../errors.js';
import { LatencyHistogram, type LatencyHistogramOptions, type LatencySummary } from './latency.js';
import { RingBuffer } from './ring_buffer.js';
import type { SlidingWindower, StreamWindow } from './sliding_windows.js';
import type { BinHistory, SpikeBinner } from './spike_bins.js';
import { Timed, type Stage } from './stage.js';

export type QueuePolicy = 'drop-oldest' | 'refuse';

/** A causal, stateful, length-preserving filter over (n, C) row-major chunks (OnlineSosFilter, OnlineFirFilter). */
export interface OnlineFilter {
  readonly nChannels: number;
  process(chunk: ArrayLike<number>): Float64Array;
}

/** EEG: windows of the filtered stream. Spikes: each sample row holds the units' spike counts at its timestamp. */
export type Scheduler =
  | { kind: 'windows'; windower: SlidingWindower }
  | { kind: 'bins'; binner: SpikeBinner; history: BinHistory };

export interface PipelineOptions<O> {
  nChannels: number;
  /** Queue capacity in samples (bounded: the queue's memory is allocated once). */
  queueCapacity: number;
  /** What a full queue does (default 'drop-oldest'). */
  policy?: QueuePolicy;
  /** Causal filter applied to the samples before scheduling (EEG); none by default. */
  filter?: OnlineFilter;
  scheduler: Scheduler;
  /** EEG: a window in. Spikes: a BinHistory feature row (H·U) in. */
  decoder: Stage<StreamWindow, O> | Stage<Float64Array, O>;
  /** Outputs later than this, push to output, count as late (default Infinity). */
  budgetMs?: number;
  /** Shared settings of the stage latency histograms. */
  histogram?: Omit<LatencyHistogramOptions, 'budgetMs'>;
  /** Clock in ms (default performance.now); injectable so tests can simulate a slow decoder. */
  now?: () => number;
}

export interface PipelineOutput<O> {
  value: O;
  /** Stream timestamp of the last input sample the output depends on. */
  timestamp: number;
  /** ms from the push that delivered that sample to this output. */
  latencyMs: number;
}

export interface PipelineStats {
  /** Per stage (filter, schedule, decoder name, end-to-end 'total'): p50/p99/max in ms and counts. */
  stages: Record<string, LatencySummary>;
  /** Samples a full queue discarded (drop-oldest). */
  dropped: number;
  /** Samples of chunks refused with BackpressureError (refuse); the caller still holds them. */
  refused: number;
  /** Outputs later than the budget. */
  late: number;
  emitted: number;
  /** Samples waiting in the queue now, and its capacity. */
  queued: number;
  capacity: number;
}

/** Most spikes one unit may report in one sample. */
const MAX_COUNT = 10000;

class FnStage<I, O> implements Stage<I, O> {
  constructor(readonly name: string, private readonly fn: (x: I) => O) {}
  process(x: I): O {
    return this.fn(x);
  }
}

export class Pipeline<O> {
  readonly nChannels: number;
  readonly policy: QueuePolicy;
  readonly budgetMs: number;
  private readonly queue: RingBuffer; // (capacity, C + 1): the samples and their arrival time
  private readonly filter: Timed<Float64Array, Float64Array> | null;
  private readonly schedule: Timed<{ data: Float64Array; timestamps: Float64Array }, (StreamWindow | { row: Float64Array; end: number })[]>;
  private readonly decoder: Timed<unknown, O>;
  private readonly total: LatencyHistogram;
  private readonly now: () => number;
  private readonly windowLength: number;
  private readonly scheduler: Scheduler;
  private refused = 0;
  private emitted = 0;
  private consumed = 0; // samples that left the queue so far
  private lastTs = -Infinity;

  constructor(opts: PipelineOptions<O>) {
    const c = opts.nChannels;
    if (!Number.isInteger(c) || c < 1) throw new ArgumentError(`Pipeline: nChannels must be an integer >= 1, got ${c}`);
    const cap = opts.queueCapacity;
    if (!Number.isInteger(cap) || cap < 1) throw new ArgumentError(`Pipeline: queueCapacity must be an integer >= 1 sample, got ${cap}`);
    const policy = opts.policy ?? 'drop-oldest';
    if (policy !== 'drop-oldest' && policy !== 'refuse') throw new ArgumentError(`Pipeline: policy must be 'drop-oldest' or 'refuse', got ${String(policy)}`);
    const budget = opts.budgetMs ?? Infinity;
    if (!(budget > 0)) throw new ArgumentError(`Pipeline: budgetMs must be > 0, got ${budget}`);
    if (opts.filter && opts.filter.nChannels !== c) throw new ShapeError(`Pipeline: the filter has ${opts.filter.nChannels} channels, the stream ${c}`);
    const s = opts.scheduler;
    if (s.kind === 'windows') {
      if (s.windower.nChannels !== c) throw new ShapeError(`Pipeline: the windower has ${s.windower.nChannels} channels, the stream ${c}`);
    } else if (s.kind === 'bins') {
      if (s.binner.nUnits !== c) throw new ShapeError(`Pipeline: the spike binner has ${s.binner.nUnits} units, the stream ${c} channels`);
      if (s.history.nFeatures !== c) throw new ShapeError(`Pipeline: the bin history has ${s.history.nFeatures} features, the stream ${c} channels`);
    } else {
      throw new ArgumentError(`Pipeline: scheduler kind must be 'windows' or 'bins', got ${String((s as { kind: unknown }).kind)}`);
    }
    this.nChannels = c;
    this.policy = policy;
    this.budgetMs = budget;
    this.scheduler = s;
    this.windowLength = s.kind === 'windows' ? s.windower.length : 1;
    this.queue = new RingBuffer(c + 1, cap, { policy: 'overwrite' });
    this.now = opts.now ?? (() => performance.now());
    const h = opts.histogram ?? {};
    this.filter = opts.filter ? new Timed(new FnStage('filter', (x: Float64Array) => opts.filter!.process(x)), h) : null;
    this.schedule = new Timed(new FnStage(s.kind === 'windows' ? 'window' : 'bin', (x: { data: Float64Array; timestamps: Float64Array }) => this.cut(x)), h);
    this.decoder = new Timed(opts.decoder as Stage<unknown, O>, h);
    this.total = new LatencyHistogram({ ...h, budgetMs: budget });
  }

  /**
   * Queues a chunk: data (n, C) row-major, timestamps (n) strictly increasing across pushes.
   * Returns the number of samples queued. Under 'refuse', a chunk that does not fit throws
   * BackpressureError and nothing of it is queued.
   */
  push(data: ArrayLike<number>, timestamps: ArrayLike<number>): number {
    const c = this.nChannels;
    const n = timestamps.length;
    if (data.length !== n * c) throw new ShapeError(`Pipeline.push: ${n} timestamps need ${n * c} values for ${c} channels, got ${data.length}`);
    let prev = this.lastTs;
    for (let i = 0; i < n; i++) {
      const t = timestamps[i]!;
      if (!Number.isFinite(t)) throw new ArgumentError(`Pipeline.push: timestamp [${i}] is ${t}; timestamps must be finite`);
      if (!(t > prev)) throw new ArgumentError(`Pipeline.push: timestamps must increase strictly, got ${t} after ${prev} (sample ${i} of the chunk)`);
      prev = t;
    }
    if (this.scheduler.kind === 'bins') {
      // checked before queuing, so a bad chunk is refused whole; bounded so that one corrupt
      // value cannot expand into an unbounded list of spikes
      for (let i = 0; i < n * c; i++) {
        const k = data[i]!;
        if (!(Number.isInteger(k) && k >= 0 && k <= MAX_COUNT)) throw new ArgumentError(`Pipeline.push: spike count of unit ${i % c} at t = ${timestamps[Math.floor(i / c)]} must be an integer in [0, ${MAX_COUNT}], got ${k}`);
      }
    }
    if (this.policy === 'refuse' && this.queue.size + n > this.queue.capacity) {
      this.refused += n;
      throw new BackpressureError(`Pipeline.push: queue full — ${this.queue.size} of ${this.queue.capacity} samples queued, a chunk of ${n} does not fit; call step() or slow the source`);
    }
    this.lastTs = prev;
    const arrival = this.now();
    const rows = new Float64Array(n * (c + 1));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < c; j++) rows[i * (c + 1) + j] = data[i * c + j]!;
      rows[i * (c + 1) + c] = arrival;
    }
    return this.queue.push(rows, timestamps);
  }

  /** Samples waiting in the queue. */
  get queued(): number {
    return this.queue.size;
  }

  /** Processes up to `maxSamples` queued samples (default: all) and returns the outputs they complete, in order. */
  step(maxSamples = this.queue.size): PipelineOutput<O>[] {
    if (!Number.isInteger(maxSamples) || maxSamples < 0) throw new ArgumentError(`Pipeline.step: maxSamples must be an integer >= 0, got ${maxSamples}`);
    const c = this.nChannels;
    const { data: rows, timestamps } = this.queue.pop(maxSamples);
    const n = timestamps.length;
    if (n === 0) return [];
    const x = new Float64Array(n * c);
    const arrival = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < c; j++) x[i * c + j] = rows[i * (c + 1) + j]!;
      arrival[i] = rows[i * (c + 1) + c]!;
    }
    const first = this.consumed;
    this.consumed += n;
    const y = this.filter ? this.filter.process(x) : x;
    const items = this.schedule.process({ data: y, timestamps });
    const out: PipelineOutput<O>[] = [];
    for (const it of items) {
      const value = this.decoder.process('row' in it ? it.row : it);
      const lastIdx = 'row' in it ? -1 : it.start + this.windowLength - 1 - first;
      // a bin's output depends on the sample that closed it: the chunk's, at worst its last
      const arrived = lastIdx >= 0 && lastIdx < n ? arrival[lastIdx]! : arrival[n - 1]!;
      const latencyMs = Math.max(0, this.now() - arrived);
      this.total.record(latencyMs);
      this.emitted++;
      out.push({ value, timestamp: it.end, latencyMs });
    }
    return out;
  }

  private cut(x: { data: Float64Array; timestamps: Float64Array }): (StreamWindow | { row: Float64Array; end: number })[] {
    const s = this.scheduler;
    if (s.kind === 'windows') return s.windower.push(x.data, x.timestamps);
    // spikes: each sample's counts become spikes of each unit at its timestamp
    const c = this.nChannels;
    const out: { row: Float64Array; end: number }[] = [];
    const units: number[] = [];
    const times: number[] = [];
    for (let i = 0; i < x.timestamps.length; i++) {
      for (let j = 0; j < c; j++) {
        const k = x.data[i * c + j]!;
        for (let r = 0; r < k; r++) { units.push(j); times.push(x.timestamps[i]!); }
      }
    }
    const bins = s.binner.push(units, times);
    // the clock reached the chunk's last sample: bins that ended by then are complete
    bins.push(...s.binner.advance(x.timestamps[x.timestamps.length - 1]!));
    for (const bin of bins) {
      const row = s.history.push(bin.counts);
      if (row) out.push({ row, end: s.binner.t0 + (bin.index + 1) * s.binner.binWidth });
    }
    return out;
  }

  stats(): PipelineStats {
    const stages: Record<string, LatencySummary> = {};
    if (this.filter) stages['filter'] = this.filter.latency.summary();
    stages[this.schedule.name] = this.schedule.latency.summary();
    stages[this.decoder.name] = this.decoder.latency.summary();
    stages['total'] = this.total.summary();
    return {
      stages,
      dropped: this.queue.dropped,
      refused: this.refused,
      late: this.total.late,
      emitted: this.emitted,
      queued: this.queue.size,
      capacity: this.queue.capacity,
    };
  }
}
